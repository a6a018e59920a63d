"""IAM: the legacy system's people, service users, task roles and custom policies.

The users and policies are the kind an estate collects over the years: a deploy
bot with an inline policy, an operator without MFA, a broad "admin" policy; beside
them the way the team now does it (groups, MFA, scoped policies).
"""

from __future__ import annotations

import json

from assetpack.emulator.estate import tag_list

ORDER = 10
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000001"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


def _doc(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": a, "Resource": r} for a, r in statements]})


def _policies(estate, iam, sfx: str) -> dict[str, str]:
    docs = {
        "admin": _doc(("*", "*")),
        "s3-full": _doc(("s3:*", "arn:aws:s3:::legacy-web-assets/*")),
        "decrypt-all": _doc((["kms:Decrypt", "kms:DescribeKey"], "*")),
        "readonly": _doc((["s3:GetObject", "s3:ListBucket"], "arn:aws:s3:::legacy-web-assets*"),
                         (["kms:Decrypt"], KEY_ARN)),
    }
    ids = {}
    for role, doc in docs.items():
        p = iam.create_policy(PolicyName=f"legacy-{role}{sfx}", PolicyDocument=doc,
                              Tags=tag_list({"asset:class": "identity"}))["Policy"]
        ids[role] = p["PolicyId"]
        ids[f"{role}-arn"] = p["Arn"]
    estate.created += len(docs)
    estate.expect("iam-policy-no-full-admin", violating=[ids["admin"]],
                  compliant=[ids["readonly"], ids["s3-full"]])
    estate.expect("iam-policy-no-service-wildcards", violating=[ids["s3-full"]],
                  compliant=[ids["readonly"], ids["decrypt-all"]])
    estate.expect("iam-policy-no-kms-decrypt-all-keys", violating=[ids["decrypt-all"]],
                  compliant=[ids["readonly"], ids["s3-full"]])
    return ids


def _users(estate, iam, policies: dict[str, str], sfx: str) -> None:
    bot, alice, bob, reporting = (f"legacy-deploy-bot{sfx}", f"legacy-ops-alice{sfx}",
                                  f"legacy-ops-bob{sfx}", f"legacy-reporting{sfx}")
    group = f"legacy-operators{sfx}"
    iam.create_group(GroupName=group)
    iam.attach_group_policy(GroupName=group, PolicyArn=policies["readonly-arn"])
    for user in (bot, alice, bob, reporting):
        iam.create_user(UserName=user, Tags=tag_list({"asset:class": "identity"}))
    # The deploy bot: an access key and an inline policy that decrypts with any key.
    iam.put_user_policy(UserName=bot, PolicyName="deploy", PolicyDocument=_doc(
        (["ecr:*", "ecs:UpdateService"], "*"), (["kms:Decrypt"], "*")))
    iam.create_access_key(UserName=bot)
    # Operators sign in to the console; only Bob has MFA and gets rights from a group.
    for user in (alice, bob):
        iam.create_login_profile(UserName=user, Password="Example-Passw0rd-Not-Real!")
    for user in (alice, bob):
        iam.add_user_to_group(GroupName=group, UserName=user)
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=bob)["VirtualMFADevice"][
        "SerialNumber"]
    iam.enable_mfa_device(UserName=bob, SerialNumber=serial, AuthenticationCode1="123456",
                          AuthenticationCode2="654321")
    # A reporting user with a managed policy attached straight to it.
    iam.attach_user_policy(UserName=reporting, PolicyArn=policies["readonly-arn"])
    estate.created += 6
    estate.expect("iam-user-no-direct-policies", violating=[bot, reporting],
                  compliant=[alice, bob])
    estate.expect("iam-user-console-mfa", violating=[alice], compliant=[bob, bot])
    estate.expect("iam-user-mfa", violating=[alice, bot, reporting], compliant=[bob])
    estate.expect("iam-user-inline-no-kms-decrypt-all-keys", violating=[bot],
                  compliant=[alice, bob, reporting])


def _roles(estate, iam, sfx: str) -> None:
    app, web = f"legacy-app-task-role{sfx}", f"legacy-web-task-role{sfx}"
    for role in (app, web):
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST,
                        Tags=tag_list({"asset:class": "identity"}))
    iam.put_role_policy(RoleName=app, PolicyName="app", PolicyDocument=_doc(
        (["kms:*"], "*"), (["sqs:SendMessage"], "arn:aws:sqs:us-east-1:123456789012:legacy-*")))
    iam.put_role_policy(RoleName=web, PolicyName="web", PolicyDocument=_doc(
        (["kms:Decrypt"], KEY_ARN), (["s3:GetObject"], "arn:aws:s3:::legacy-web-assets/*")))
    estate.created += 2
    estate.expect("iam-role-inline-no-kms-decrypt-all-keys", violating=[app], compliant=[web])


def build(estate) -> None:
    iam = estate.client("iam")
    for i in estate.copies():
        sfx = estate.suffix(i)
        policies = _policies(estate, iam, sfx)
        _users(estate, iam, policies, sfx)
        _roles(estate, iam, sfx)
