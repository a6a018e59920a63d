"""Security: the legacy system's KMS keys, Secrets Manager secrets and SSM documents."""

from __future__ import annotations

import json

from assetpack.emulator.estate import tag_list

ORDER = 15
CRITICAL = {"asset:criticality": "critical", "asset:class": "security"}
RUNBOOK = json.dumps({"schemaVersion": "2.2", "description": "Restart the legacy app",
                      "mainSteps": [{"action": "aws:runShellScript", "name": "restart",
                                     "inputs": {"runCommand": ["systemctl restart app"]}}]})


def _public_key_policy(account: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "EnableRoot", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*",
         "Resource": "*"},
        {"Sid": "LegacyPartnerDecrypt", "Effect": "Allow", "Principal": {"AWS": "*"},
         "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*"}]})


def _keys(estate, kms, account: str, sfx: str) -> None:
    def key(name: str, tags: dict, **kw) -> str:
        key_id = kms.create_key(Description=name, Tags=[
            {"TagKey": k, "TagValue": v} for k, v in tags.items()], **kw)["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=f"alias/{name}", TargetKeyId=key_id)
        return key_id

    base = {"asset:class": "security"}
    app = key(f"legacy-app{sfx}", base)
    data = key(f"legacy-data{sfx}", base)
    crit = key(f"legacy-payments{sfx}", {**base, **CRITICAL})
    old = key(f"legacy-old-reports{sfx}", base)
    crit_old = key(f"legacy-old-payments{sfx}", {**base, **CRITICAL})
    shared = key(f"legacy-partner-share{sfx}", base, Policy=_public_key_policy(account))
    kms.enable_key_rotation(KeyId=data)
    kms.enable_key_rotation(KeyId=shared)
    for k in (old, crit_old):
        kms.schedule_key_deletion(KeyId=k, PendingWindowInDays=30)
    estate.created += 6
    estate.expect("kms-key-rotation-enabled", violating=[app], compliant=[data, shared],
                  protected=[crit])
    estate.expect("kms-key-not-pending-deletion", violating=[old], compliant=[data, app],
                  protected=[crit_old])
    estate.expect("kms-key-not-public", violating=[shared], compliant=[data, app])


def _secrets(estate, sm, sfx: str) -> None:
    weak, hard = f"legacy/db-password{sfx}", f"legacy/api-token{sfx}"
    for name in (weak, hard):
        sm.create_secret(Name=name, SecretString="example-not-a-secret",
                         Tags=tag_list({"asset:class": "security"}))
    # Rotation on a schedule (the emulator has no rotation function to run).
    sm.rotate_secret(SecretId=hard, RotationRules={"AutomaticallyAfterDays": 30},
                     RotateImmediately=False)
    estate.created += 2
    estate.expect("secretsmanager-rotation-enabled", violating=[weak], compliant=[hard])


def _documents(estate, ssm, sfx: str) -> None:
    public, private, crit = (f"legacy-patch-runbook{sfx}", f"legacy-restart-app{sfx}",
                             f"legacy-payments-runbook{sfx}")
    for name, tags in ((public, {}), (private, {}), (crit, CRITICAL)):
        ssm.create_document(Name=name, Content=RUNBOOK, DocumentType="Command",
                            DocumentFormat="JSON",
                            Tags=tag_list({"asset:class": "security", **tags}))
    for name in (public, crit):
        ssm.modify_document_permission(Name=name, PermissionType="Share",
                                       AccountIdsToAdd=["all"])
    estate.created += 3
    estate.expect("ssm-document-not-public", violating=[public], compliant=[private],
                  protected=[crit])


def build(estate) -> None:
    kms, sm, ssm = estate.client("kms"), estate.client("secretsmanager"), estate.client("ssm")
    account = estate.client("sts").get_caller_identity()["Account"]
    for i in estate.copies():
        sfx = estate.suffix(i)
        _keys(estate, kms, account, sfx)
        _secrets(estate, sm, sfx)
        _documents(estate, ssm, sfx)
