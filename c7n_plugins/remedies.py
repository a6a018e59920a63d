"""How each automatic fix is read, undone and seen done: the one registry.

``asset-remediate`` journals a change before making it (DESIGN.md contract 7) and
``assetpack undo`` puts it back; both need, per (resource type, action), a way to
read the attributes the action changes and a way to write the old values back.
Custodian's actions know how to change a resource, not how to read or revert it,
so the pack keeps that knowledge here, once: :data:`REMEDIES` maps each action the
pack's checks use to a :class:`Remedy`. A check whose action has no remedy fails
validation, so no fix runs without a journal entry that can undo it.

A remedy's ``read(client, rid)`` returns the attributes as plain JSON; its
``restore(client, rid, before, after)`` writes back what differs between the
entry's before and after, so undoing one check leaves other checks' changes alone;
its ``pending(after)`` tells a change AWS applies later (an RDS maintenance
window, instance metadata options still ``pending``) from one already in effect.
Only boto3 and the standard library are used: this module runs in Lambda.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

Client = Callable[[str], Any]
Values = dict[str, Any]


@dataclass(frozen=True)
class Remedy:
    """Read, restore and settle one family of changes."""

    read: Callable[[Client, str], Values]
    restore: Callable[[Client, str, Values, Values], None]
    permissions: tuple[str, ...]
    pending: Callable[[Values], bool] = lambda after: False
    # Changes that run elsewhere (an SSM Automation execution) are pending until seen done.
    deferred: bool = False
    # Responders that write their own journal entries, in their own order (evidence
    # before quarantine): asset-remediate must not wrap them, undo still restores them.
    self_journaled: bool = False


def _code(err: ClientError) -> str:
    return err.response.get("Error", {}).get("Code", "")


def _absent(call: Callable[[], Any], *codes: str) -> Any:
    """The call's result, or None when AWS says the configuration does not exist."""
    try:
        return call()
    except ClientError as err:
        if _code(err) in codes:
            return None
        raise


def _changed(before: Values, after: Values) -> Values:
    return {k: v for k, v in before.items() if after.get(k) != v}


# --- S3: one bucket sub-resource per remedy: read it whole, put it back or delete it.

def _s3_document(get: str, key: str | None, put: str, put_arg: str, delete: str | None,
                 missing: tuple[str, ...], perms: tuple[str, ...],
                 wrap: Callable[[Any], Any] = lambda v: v) -> Remedy:
    def read(c: Client, bucket: str) -> Values:
        found = _absent(lambda: getattr(c("s3"), get)(Bucket=bucket), *missing)
        if found is not None and key:
            found = found.get(key)
        return {"value": found}

    def restore(c: Client, bucket: str, before: Values, after: Values) -> None:
        s3 = c("s3")
        if before["value"] == after.get("value"):
            return
        if before["value"] is None and delete:
            getattr(s3, delete)(Bucket=bucket)
        else:
            getattr(s3, put)(Bucket=bucket, **{put_arg: wrap(before["value"])})

    return Remedy(read, restore, perms)


S3_PUBLIC_BLOCK = _s3_document(
    "get_public_access_block", "PublicAccessBlockConfiguration", "put_public_access_block",
    "PublicAccessBlockConfiguration", "delete_public_access_block",
    ("NoSuchPublicAccessBlockConfiguration",), ("s3:GetBucketPublicAccessBlock",))
S3_POLICY = _s3_document("get_bucket_policy", "Policy", "put_bucket_policy", "Policy",
                         "delete_bucket_policy", ("NoSuchBucketPolicy",),
                         ("s3:GetBucketPolicy",))
S3_LOGGING = _s3_document("get_bucket_logging", "LoggingEnabled", "put_bucket_logging",
                          "BucketLoggingStatus", None, (), ("s3:GetBucketLogging",),
                          wrap=lambda v: {"LoggingEnabled": v} if v else {})
S3_LIFECYCLE = _s3_document(
    "get_bucket_lifecycle_configuration", "Rules", "put_bucket_lifecycle_configuration",
    "LifecycleConfiguration", "delete_bucket_lifecycle", ("NoSuchLifecycleConfiguration",),
    ("s3:GetLifecycleConfiguration",), wrap=lambda v: {"Rules": v})
S3_ENCRYPTION = _s3_document(
    "get_bucket_encryption", "ServerSideEncryptionConfiguration", "put_bucket_encryption",
    "ServerSideEncryptionConfiguration", "delete_bucket_encryption",
    ("ServerSideEncryptionConfigurationNotFoundError",), ("s3:GetEncryptionConfiguration",))


def _s3_acl_read(c: Client, bucket: str) -> Values:
    acl = c("s3").get_bucket_acl(Bucket=bucket)
    return {"value": {"Owner": acl["Owner"], "Grants": acl["Grants"]}}


S3_ACL = Remedy(_s3_acl_read, lambda c, b, before, after: None if before == after else
                c("s3").put_bucket_acl(Bucket=b, AccessControlPolicy=before["value"]),
                ("s3:GetBucketAcl",))


# --- Security groups: rules as atoms (one source each), so undo re-adds exactly
# what this change removed, whatever other checks removed besides.

def _atoms(permissions: list[dict]) -> list[str]:
    out = []
    for perm in permissions:
        base = {k: perm[k] for k in ("IpProtocol", "FromPort", "ToPort") if k in perm}
        for key in ("IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs"):
            for source in perm.get(key) or []:
                out.append(json.dumps({**base, key: [source]}, sort_keys=True))
    return sorted(out)


def _sg_read(c: Client, group: str) -> Values:
    g = c("ec2").describe_security_groups(GroupIds=[group])["SecurityGroups"][0]
    return {"ingress": _atoms(g.get("IpPermissions", [])),
            "egress": _atoms(g.get("IpPermissionsEgress", []))}


def _sg_restore(c: Client, group: str, before: Values, after: Values) -> None:
    ec2 = c("ec2")
    now = _sg_read(c, group)
    for direction, call in (("ingress", ec2.authorize_security_group_ingress),
                            ("egress", ec2.authorize_security_group_egress)):
        missing = [json.loads(a) for a in before[direction]
                   if a not in after.get(direction, []) and a not in now[direction]]
        if missing:
            call(GroupId=group, IpPermissions=missing)


SECURITY_GROUP = Remedy(_sg_read, _sg_restore, ("ec2:DescribeSecurityGroups",))


# --- Attribute sets read from a describe call and written back with one modify call.

def _attrs(read: Callable[[Client, str], Values], write: Callable[[Client, str, Values], None],
           perms: tuple[str, ...], pending: Callable[[Values], bool] | None = None) -> Remedy:
    def restore(c: Client, rid: str, before: Values, after: Values) -> None:
        changed = _changed({k: v for k, v in before.items() if k != "pending"}, after)
        if changed:
            write(c, rid, changed)

    return Remedy(read, restore, perms, pending or (lambda after: False))


def _subnet_read(c: Client, subnet: str) -> Values:
    s = c("ec2").describe_subnets(SubnetIds=[subnet])["Subnets"][0]
    return {"MapPublicIpOnLaunch": s.get("MapPublicIpOnLaunch", False)}


SUBNET = _attrs(_subnet_read, lambda c, rid, v: c("ec2").modify_subnet_attribute(
    SubnetId=rid, MapPublicIpOnLaunch={"Value": v["MapPublicIpOnLaunch"]}),
    ("ec2:DescribeSubnets",))


IMDS_FIELDS = ("HttpTokens", "HttpPutResponseHopLimit", "HttpEndpoint", "HttpProtocolIpv6",
               "InstanceMetadataTags")


def _imds_read(c: Client, instance: str) -> Values:
    r = c("ec2").describe_instances(InstanceIds=[instance])["Reservations"][0]
    opts = r["Instances"][0].get("MetadataOptions", {})
    return {**{k: opts[k] for k in IMDS_FIELDS if k in opts},
            "pending": opts.get("State") == "pending"}


def _imds_restore(c: Client, instance: str, before: Values, after: Values) -> None:
    # Every option at once: a partial call leaves the others to the API's defaults.
    if _changed({k: v for k, v in before.items() if k != "pending"}, after):
        c("ec2").modify_instance_metadata_options(
            InstanceId=instance, **{k: v for k, v in before.items() if k in IMDS_FIELDS})


INSTANCE_METADATA = Remedy(_imds_read, _imds_restore, ("ec2:DescribeInstances",),
                           pending=lambda after: bool(after.get("pending")))


def _tgw_read(c: Client, tgw: str) -> Values:
    t = c("ec2").describe_transit_gateways(TransitGatewayIds=[tgw])["TransitGateways"][0]
    return {"AutoAcceptSharedAttachments": t["Options"].get("AutoAcceptSharedAttachments")}


TRANSIT_GATEWAY = _attrs(_tgw_read, lambda c, rid, v: c("ec2").modify_transit_gateway(
    TransitGatewayId=rid, Options=v), ("ec2:DescribeTransitGateways",))


def _flow_logs_read(c: Client, vpc: str) -> Values:
    logs = c("ec2").describe_flow_logs(
        Filters=[{"Name": "resource-id", "Values": [vpc]}])["FlowLogs"]
    return {"FlowLogIds": sorted(f["FlowLogId"] for f in logs)}


def _flow_logs_restore(c: Client, vpc: str, before: Values, after: Values) -> None:
    # Deleting a flow log stops delivery only; the log group and its data stay.
    added = sorted(set(after.get("FlowLogIds", [])) - set(before["FlowLogIds"]))
    if added:
        c("ec2").delete_flow_logs(FlowLogIds=added)


FLOW_LOGS = Remedy(_flow_logs_read, _flow_logs_restore, ("ec2:DescribeFlowLogs",))


def _ecr_read(c: Client, repo: str) -> Values:
    r = c("ecr").describe_repositories(repositoryNames=[repo])["repositories"][0]
    return {"scanOnPush": r.get("imageScanningConfiguration", {}).get("scanOnPush", False),
            "imageTagMutability": r.get("imageTagMutability")}


def _ecr_write(c: Client, repo: str, v: Values) -> None:
    ecr = c("ecr")
    if "scanOnPush" in v:
        ecr.put_image_scanning_configuration(
            repositoryName=repo, imageScanningConfiguration={"scanOnPush": v["scanOnPush"]})
    if "imageTagMutability" in v:
        ecr.put_image_tag_mutability(repositoryName=repo,
                                     imageTagMutability=v["imageTagMutability"])


ECR = _attrs(_ecr_read, _ecr_write, ("ecr:DescribeRepositories",))


def _ecs_read(c: Client, cluster: str) -> Values:
    found = c("ecs").describe_clusters(clusters=[cluster], include=["SETTINGS"])["clusters"][0]
    settings = {s["name"]: s["value"] for s in found.get("settings", [])}
    return {"containerInsights": settings.get("containerInsights", "disabled")}


ECS_CLUSTER = _attrs(_ecs_read, lambda c, rid, v: c("ecs").update_cluster(
    cluster=rid, settings=[{"name": "containerInsights", "value": v["containerInsights"]}]),
    ("ecs:DescribeClusters",))


# AWS returns every attribute, at its default when never set (ELB user guide); an
# attribute missing from the answer is read as its default, so undo can write it back.
ALB_DEFAULTS = {"deletion_protection.enabled": "false", "access_logs.s3.enabled": "false",
                "access_logs.s3.bucket": "", "access_logs.s3.prefix": "",
                "routing.http.desync_mitigation_mode": "defensive",
                "routing.http.drop_invalid_header_fields.enabled": "false"}


def _alb_read(c: Client, arn: str) -> Values:
    attrs = c("elbv2").describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]
    return {**ALB_DEFAULTS, **{a["Key"]: a["Value"] for a in attrs}}


ALB = _attrs(_alb_read, lambda c, rid, v: c("elbv2").modify_load_balancer_attributes(
    LoadBalancerArn=rid, Attributes=[{"Key": k, "Value": str(x)} for k, x in v.items()]),
    ("elasticloadbalancing:DescribeLoadBalancerAttributes",))

CLB_SECTIONS = ("ConnectionDraining", "CrossZoneLoadBalancing", "AdditionalAttributes")


# AWS answers every attribute, at its default when never set: connection draining's
# timeout is 300 s, desync mitigation "defensive".
CLB_DEFAULTS = {"ConnectionDraining": {"Enabled": False, "Timeout": 300}}
CLB_ADDITIONAL_DEFAULTS = {"elb.http.desyncmitigationmode": "defensive"}


def _clb_read(c: Client, name: str) -> Values:
    attrs = c("elb").describe_load_balancer_attributes(
        LoadBalancerName=name)["LoadBalancerAttributes"]
    out = {k: {**CLB_DEFAULTS.get(k, {}), **attrs[k]} for k in CLB_SECTIONS[:2] if k in attrs}
    additional = {**CLB_ADDITIONAL_DEFAULTS,
                  **{a["Key"]: a["Value"] for a in attrs.get("AdditionalAttributes", [])}}
    out["AdditionalAttributes"] = [{"Key": k, "Value": v} for k, v in sorted(additional.items())]
    return out


CLB = _attrs(_clb_read, lambda c, rid, v: c("elb").modify_load_balancer_attributes(
    LoadBalancerName=rid, LoadBalancerAttributes=v),
    ("elasticloadbalancing:DescribeLoadBalancerAttributes",))


def _ebs_default_read(c: Client, _account: str) -> Values:
    return {"EbsEncryptionByDefault":
            c("ec2").get_ebs_encryption_by_default()["EbsEncryptionByDefault"]}


def _ebs_default_write(c: Client, _account: str, v: Values) -> None:
    ec2 = c("ec2")
    if v["EbsEncryptionByDefault"]:
        ec2.enable_ebs_encryption_by_default()
    else:
        ec2.disable_ebs_encryption_by_default()


EBS_DEFAULT = _attrs(_ebs_default_read, _ebs_default_write,
                     ("ec2:GetEbsEncryptionByDefault",))
PASSWORD_POLICY_KEYS = ("MinimumPasswordLength", "RequireSymbols", "RequireNumbers",
                        "RequireUppercaseCharacters", "RequireLowercaseCharacters",
                        "AllowUsersToChangePassword", "MaxPasswordAge",
                        "PasswordReusePrevention", "HardExpiry")


def _password_read(c: Client, _account: str) -> Values:
    iam = c("iam")
    found = _absent(iam.get_account_password_policy, "NoSuchEntity")
    policy = (found or {}).get("PasswordPolicy")
    return {"value": {k: policy[k] for k in PASSWORD_POLICY_KEYS if k in policy}
            if policy else None}


def _password_restore(c: Client, _account: str, before: Values, after: Values) -> None:
    if before["value"] == after.get("value"):
        return
    if before["value"] is None:
        c("iam").delete_account_password_policy()
    else:
        c("iam").update_account_password_policy(**before["value"])


PASSWORD_POLICY = Remedy(_password_read, _password_restore, ("iam:GetAccountPasswordPolicy",))


def _kms_read(c: Client, key: str) -> Values:
    kms = c("kms")
    meta = kms.describe_key(KeyId=key)["KeyMetadata"]
    deletion = meta.get("DeletionDate")
    return {"KeyState": meta["KeyState"],
            "DeletionDate": deletion.isoformat() if deletion else None,
            "KeyRotationEnabled": kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"],
            # The document as stored, so undo writes back the very same text.
            "Policy": kms.get_key_policy(KeyId=key, PolicyName="default")["Policy"]}


def _kms_write(c: Client, key: str, v: Values) -> None:
    kms = c("kms")
    if "KeyRotationEnabled" in v:
        (kms.enable_key_rotation if v["KeyRotationEnabled"] else kms.disable_key_rotation)(
            KeyId=key)
    if "Policy" in v:
        kms.put_key_policy(KeyId=key, PolicyName="default", Policy=v["Policy"])
    if v.get("KeyState") == "PendingDeletion":
        # Back to the owner's decision, on the same day: the window left (7 to 30 days).
        when = datetime.fromisoformat(v["DeletionDate"])
        left = (when if when.tzinfo else when.replace(tzinfo=UTC)) - datetime.now(UTC)
        days = min(30, max(7, math.ceil(left.total_seconds() / 86400)))
        kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=days)


KMS_KEY = _attrs(_kms_read, _kms_write,
                 ("kms:DescribeKey", "kms:GetKeyRotationStatus", "kms:GetKeyPolicy"))


def _sns_read(c: Client, topic: str) -> Values:
    attrs = c("sns").get_topic_attributes(TopicArn=topic)["Attributes"]
    # The policy as stored, so undo writes back the very same text.
    return {"KmsMasterKeyId": attrs.get("KmsMasterKeyId", ""), "Policy": attrs.get("Policy", "")}


def _sns_write(c: Client, topic: str, v: Values) -> None:
    for name, value in v.items():
        c("sns").set_topic_attributes(TopicArn=topic, AttributeName=name, AttributeValue=value)


SNS_TOPIC = _attrs(_sns_read, _sns_write, ("sns:GetTopicAttributes",))


def _sqs_read(c: Client, url: str) -> Values:
    attrs = c("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return {"SqsManagedSseEnabled": attrs.get("SqsManagedSseEnabled", "false")}


SQS_QUEUE = _attrs(_sqs_read, lambda c, rid, v: c("sqs").set_queue_attributes(
    QueueUrl=rid, Attributes=v), ("sqs:GetQueueAttributes",))


def _lambda_read(c: Client, function: str) -> Values:
    found = _absent(lambda: c("lambda").get_policy(FunctionName=function),
                    "ResourceNotFoundException")
    statements = json.loads(found["Policy"])["Statement"] if found else []
    return {"Statement": statements}


def _permission_args(statement: dict) -> dict:
    """``AddPermission`` arguments that recreate a resource-policy statement."""
    principal = statement.get("Principal", "*")
    if isinstance(principal, dict):
        principal = principal.get("Service") or principal.get("AWS")
    conditions = statement.get("Condition", {})
    args = {"StatementId": statement["Sid"], "Action": statement["Action"],
            "Principal": principal}
    for op, key, arg in (("ArnLike", "AWS:SourceArn", "SourceArn"),
                         ("StringEquals", "AWS:SourceAccount", "SourceAccount"),
                         ("StringEquals", "aws:PrincipalOrgID", "PrincipalOrgID"),
                         ("StringEquals", "lambda:FunctionUrlAuthType", "FunctionUrlAuthType")):
        if key in conditions.get(op, {}):
            args[arg] = conditions[op][key]
    return args


def _lambda_restore(c: Client, function: str, before: Values, after: Values) -> None:
    now = {s.get("Sid") for s in _lambda_read(c, function)["Statement"]}
    for statement in before["Statement"]:
        if statement.get("Sid") not in now:
            c("lambda").add_permission(FunctionName=function, **_permission_args(statement))


LAMBDA_POLICY = Remedy(_lambda_read, _lambda_restore, ("lambda:GetPolicy",))


def _snapshot_read(c: Client, snapshot: str) -> Values:
    attrs = c("rds").describe_db_snapshot_attributes(DBSnapshotIdentifier=snapshot)[
        "DBSnapshotAttributesResult"]["DBSnapshotAttributes"]
    restore = next((a for a in attrs if a["AttributeName"] == "restore"), {})
    return {"restore": sorted(restore.get("AttributeValues", []))}


def _snapshot_restore(c: Client, snapshot: str, before: Values, after: Values) -> None:
    removed = sorted(set(before["restore"]) - set(after.get("restore", [])))
    if removed:
        c("rds").modify_db_snapshot_attribute(DBSnapshotIdentifier=snapshot,
                                              AttributeName="restore", ValuesToAdd=removed)


RDS_SNAPSHOT = Remedy(_snapshot_read, _snapshot_restore, ("rds:DescribeDBSnapshotAttributes",))

# Describe name -> ModifyDBInstance name, for what the pack's checks change.
RDS_INSTANCE_FIELDS = {"PubliclyAccessible": "PubliclyAccessible",
                       "DeletionProtection": "DeletionProtection",
                       "IAMDatabaseAuthenticationEnabled": "EnableIAMDatabaseAuthentication",
                       "BackupRetentionPeriod": "BackupRetentionPeriod",
                       "AutoMinorVersionUpgrade": "AutoMinorVersionUpgrade",
                       "CopyTagsToSnapshot": "CopyTagsToSnapshot",
                       "EnabledCloudwatchLogsExports": "EnabledCloudwatchLogsExports"}


def _rds_read(c: Client, instance: str) -> Values:
    db = c("rds").describe_db_instances(DBInstanceIdentifier=instance)["DBInstances"][0]
    values = {k: db.get(k) for k in RDS_INSTANCE_FIELDS}
    values["EnabledCloudwatchLogsExports"] = sorted(db.get("EnabledCloudwatchLogsExports") or [])
    values["pending"] = db.get("PendingModifiedValues") or {}
    return values


def _rds_write(c: Client, instance: str, v: Values) -> None:
    args = {RDS_INSTANCE_FIELDS[k]: x for k, x in v.items()
            if k in RDS_INSTANCE_FIELDS and k != "EnabledCloudwatchLogsExports"}
    if "EnabledCloudwatchLogsExports" in v:
        now = set(_rds_read(c, instance)["EnabledCloudwatchLogsExports"])
        wanted = set(v["EnabledCloudwatchLogsExports"])
        args["CloudwatchLogsExportConfiguration"] = {
            "EnableLogTypes": sorted(wanted - now), "DisableLogTypes": sorted(now - wanted)}
    c("rds").modify_db_instance(DBInstanceIdentifier=instance, ApplyImmediately=True, **args)


RDS_INSTANCE = _attrs(_rds_read, _rds_write, ("rds:DescribeDBInstances",),
                      pending=lambda after: bool(after.get("pending")))
RDS_CLUSTER_FIELDS = ("DeletionProtection", "CopyTagsToSnapshot", "AutoMinorVersionUpgrade")


def _cluster_read(c: Client, cluster: str) -> Values:
    db = c("rds").describe_db_clusters(DBClusterIdentifier=cluster)["DBClusters"][0]
    return {**{k: db.get(k) for k in RDS_CLUSTER_FIELDS},
            "pending": db.get("PendingModifiedValues") or {}}


RDS_CLUSTER = _attrs(_cluster_read, lambda c, rid, v: c("rds").modify_db_cluster(
    DBClusterIdentifier=rid, ApplyImmediately=True, **v), ("rds:DescribeDBClusters",),
    pending=lambda after: bool(after.get("pending")))
TRAIL_FIELDS = {"KmsKeyId": "KmsKeyId", "CloudWatchLogsLogGroupArn": "CloudWatchLogsLogGroupArn",
                "CloudWatchLogsRoleArn": "CloudWatchLogsRoleArn",
                "LogFileValidationEnabled": "EnableLogFileValidation"}


def _trail_read(c: Client, trail: str) -> Values:
    t = c("cloudtrail").get_trail(Name=trail)["Trail"]
    values = {k: t.get(k, "") for k in TRAIL_FIELDS}
    values["LogFileValidationEnabled"] = bool(t.get("LogFileValidationEnabled"))
    return values


TRAIL = _attrs(_trail_read, lambda c, rid, v: c("cloudtrail").update_trail(
    Name=rid, **{TRAIL_FIELDS[k]: x for k, x in v.items()}), ("cloudtrail:GetTrail",))


def _ssm_doc_read(c: Client, name: str) -> Values:
    perms = c("ssm").describe_document_permission(Name=name, PermissionType="Share")
    return {"AccountIds": sorted(perms.get("AccountIds", []))}


def _ssm_doc_restore(c: Client, name: str, before: Values, after: Values) -> None:
    removed = sorted(set(before["AccountIds"]) - set(after.get("AccountIds", [])))
    if removed:
        c("ssm").modify_document_permission(Name=name, PermissionType="Share",
                                            AccountIdsToAdd=removed)


SSM_DOCUMENT = Remedy(_ssm_doc_read, _ssm_doc_restore, ("ssm:DescribeDocumentPermission",))


# --- ECR registry scanning (account level: the registry has no id of its own).

def _registry_read(c: Client, _account: str) -> Values:
    found = c("ecr").get_registry_scanning_configuration().get("scanningConfiguration") or {}
    return {"scanType": found.get("scanType", "BASIC"), "rules": found.get("rules") or []}


def _registry_restore(c: Client, _account: str, before: Values, after: Values) -> None:
    c("ecr").put_registry_scanning_configuration(scanType=before["scanType"],
                                                 rules=before["rules"])


REGISTRY_SCANNING = Remedy(_registry_read, _registry_restore, (
    "ecr:GetRegistryScanningConfiguration", "ecr:PutRegistryScanningConfiguration"))


# --- Threat responders (c7n_plugins/elements/threat.py journal these themselves).

CONTAINMENT_TAG = "assetpack:containment"


def _containment_read(c: Client, instance: str) -> Values:
    found = c("ec2").describe_instances(InstanceIds=[instance])["Reservations"]
    enis = [eni for res in found for i in res["Instances"] for eni in i["NetworkInterfaces"]]
    return {"NetworkInterfaces": {e["NetworkInterfaceId"]: [g["GroupId"] for g in e["Groups"]]
                                  for e in enis}}


def _containment_restore(c: Client, instance: str, before: Values, after: Values) -> None:
    # Evidence snapshots stay: they are the record of the incident.
    ec2 = c("ec2")
    for eni, groups in before["NetworkInterfaces"].items():
        ec2.modify_network_interface_attribute(NetworkInterfaceId=eni, Groups=groups)
    ec2.delete_tags(Resources=[instance], Tags=[{"Key": CONTAINMENT_TAG}])


def _key_restore(c: Client, user: str, before: Values, after: Values) -> None:
    c("iam").update_access_key(UserName=user, AccessKeyId=before["AccessKeyId"],
                               Status=before["Status"])


CONTAINMENT = Remedy(_containment_read, _containment_restore, (
    "ec2:DescribeInstances", "ec2:ModifyNetworkInterfaceAttribute", "ec2:DeleteTags"),
    self_journaled=True)
ACCESS_KEY = Remedy(lambda c, user: {}, _key_restore, ("iam:UpdateAccessKey",),
                    self_journaled=True)


def _deferred(remedy: Remedy) -> Remedy:
    """The same reads, for a change an SSM Automation execution makes later."""
    return Remedy(remedy.read, remedy.restore, remedy.permissions + (
        "ssm:GetAutomationExecution",), remedy.pending, deferred=True)


REMEDIES: dict[tuple[str, str], Remedy] = {
    ("aws.account", "set-ebs-encryption"): EBS_DEFAULT,
    ("aws.account", "tighten-password-policy"): PASSWORD_POLICY,
    ("aws.cloudtrail", "update-trail"): TRAIL,
    ("aws.cloudtrail", "start-automation"): _deferred(TRAIL),
    ("aws.security-group", "remove-permissions"): SECURITY_GROUP,
    ("aws.vpc", "set-flow-log"): FLOW_LOGS,
    ("aws.ec2", "set-metadata-access"): INSTANCE_METADATA,
    ("aws.subnet", "modify"): SUBNET,
    ("aws.transit-gateway", "set-transit-gateway-options"): TRANSIT_GATEWAY,
    ("aws.ecr", "set-scanning"): ECR,
    ("aws.ecr", "set-immutability"): ECR,
    ("aws.ecs", "set-container-insights"): ECS_CLUSTER,
    ("aws.app-elb", "modify-attributes"): ALB,
    ("aws.app-elb", "set-s3-logging"): ALB,
    ("aws.elb", "set-elb-attributes"): CLB,
    ("aws.kms-key", "cancel-key-deletion"): KMS_KEY,
    ("aws.kms-key", "set-rotation"): KMS_KEY,
    ("aws.kms-key", "remove-statements"): KMS_KEY,
    ("aws.lambda", "remove-statements"): LAMBDA_POLICY,
    ("aws.rds-snapshot", "set-permissions"): RDS_SNAPSHOT,
    ("aws.rds", "set-public-access"): RDS_INSTANCE,
    ("aws.rds", "modify-db"): RDS_INSTANCE,
    ("aws.rds-cluster", "modify-db-cluster"): RDS_CLUSTER,
    ("aws.s3", "set-public-block"): S3_PUBLIC_BLOCK,
    ("aws.s3", "delete-global-grants"): S3_ACL,
    ("aws.s3", "set-statements"): S3_POLICY,
    ("aws.s3", "toggle-logging"): S3_LOGGING,
    ("aws.s3", "configure-lifecycle"): S3_LIFECYCLE,
    ("aws.s3", "set-bucket-encryption"): S3_ENCRYPTION,
    ("aws.s3", "start-automation"): _deferred(S3_ENCRYPTION),
    ("aws.sns", "set-encryption"): SNS_TOPIC,
    ("aws.sns", "remove-statements"): SNS_TOPIC,
    ("aws.sqs", "set-managed-sse"): SQS_QUEUE,
    ("aws.ssm-document", "set-sharing"): SSM_DOCUMENT,
    ("aws.account", "enable-registry-scanning"): REGISTRY_SCANNING,
    ("aws.ecr", "scan-in-registry"): REGISTRY_SCANNING,
    ("aws.ec2", "contain-instance"): CONTAINMENT,
    ("aws.iam-user", "deactivate-access-key"): ACCESS_KEY,
}


def lookup(resource_type: str, action: str) -> Remedy | None:
    return REMEDIES.get((resource_type, action))


def automation_status(c: Client, execution_id: str) -> tuple[str, str]:
    """``fixed``, ``failed`` or ``pending`` for an SSM Automation execution, and why.
    An execution AWS no longer knows (its history expired) failed as far as anyone
    can tell: the next run asks for the change again."""
    ssm = c("ssm")
    try:
        found = ssm.get_automation_execution(AutomationExecutionId=execution_id)[
            "AutomationExecution"]
    except ssm.exceptions.AutomationExecutionNotFoundException:
        return "failed", f"automation {execution_id} is no longer known to AWS"
    status = found.get("AutomationExecutionStatus", "")
    if status == "Success":
        return "fixed", f"automation {execution_id} succeeded"
    if status in ("Failed", "TimedOut", "Cancelled", "CompletedWithFailure", "Rejected"):
        return "failed", f"automation {execution_id} {status}: {found.get('FailureMessage', '')}"
    return "pending", f"automation {execution_id} {status or 'started'}"


def settle(c: Client, resource_type: str, action: str, resource_id: str,
           execution: str) -> tuple[str, str, Values | None]:
    """A pending change read again: ``fixed``, ``failed`` or still ``pending``, why,
    and the values now (None when an automation has not finished)."""
    remedy = lookup(resource_type, action)
    if remedy is None:
        return "failed", f"no remedy for {resource_type} {action}", None
    detail = ""
    if remedy.deferred:
        status, detail = automation_status(c, execution)
        if status != "fixed":
            return status, detail, None
    after = remedy.read(c, resource_id)
    if remedy.pending(after):
        return "pending", "AWS applies it later: " + json.dumps(after.get("pending"),
                                                                default=str)[:200], after
    return "fixed", detail or "seen applied", after
