"""Pre-checks that find a fix's consumers before it runs (the blast radius).

A disruptive fix (``policies/remediation.yml``) runs only when the pack opts in
for its check *and* each of its guards finds nothing the fix would break; a
guard that finds something returns the reason, and the resource goes to a human.
A guard that cannot tell (an access error) also says so: not knowing is no
licence to change. Guards read only, with boto3, in the Lambda runtime too.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

Client = Callable[[str], Any]
# Service principals that deliver logs into a bucket.
LOG_DELIVERY = {"logging.s3.amazonaws.com", "delivery.logs.amazonaws.com",
                "logdelivery.elasticloadbalancing.amazonaws.com", "cloudtrail.amazonaws.com",
                "config.amazonaws.com"}
LOG_DELIVERY_GROUP = "http://acs.amazonaws.com/groups/s3/LogDelivery"
PUBLIC_GROUPS = {"http://acs.amazonaws.com/groups/global/AllUsers",
                 "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}
# Tags a pipeline pushes again and again; immutability makes the second push fail.
MOVING_TAGS = {"latest", "main", "master", "dev", "develop", "staging", "stable", "prod",
               "production", "nightly", "edge"}
# Who may publish to a topic encrypted with the pack's key (its key policy grants them).
SNS_KEY_PUBLISHERS = {"cloudwatch.amazonaws.com", "events.amazonaws.com",
                      "s3.amazonaws.com"}


@dataclass(frozen=True)
class Context:
    """What a guard may need besides the resource."""

    account_id: str
    region: str
    actions: list[dict]


@dataclass(frozen=True)
class Guard:
    check: Callable[[Client, dict, Context], str | None]
    permissions: tuple[str, ...]
    description: str


def _own_account_only(statement: dict, account_id: str) -> bool:
    """A condition pins the statement to the account (AWS's default SNS topic policy)."""
    return any(account_id in json.dumps(values)
               for op, values in (statement.get("Condition") or {}).items()
               if op.startswith(("StringEquals", "ArnLike", "ArnEquals")))


def _principals(policy: dict | None, account_id: str = "") -> set[str]:
    """Principals the policy allows, leaving out statements pinned to ``account_id``."""
    out = set()
    for s in (policy or {}).get("Statement", []):
        if s.get("Effect") != "Allow" or (account_id and _own_account_only(s, account_id)):
            continue
        p = s.get("Principal")
        values = [p] if isinstance(p, str) else [
            v for vs in (p or {}).values() for v in (vs if isinstance(vs, list) else [vs])]
        out.update(values)
    return out


def _bucket_policy(c: Client, bucket: str) -> dict | None:
    try:
        return json.loads(c("s3").get_bucket_policy(Bucket=bucket)["Policy"])
    except ClientError as err:
        if err.response["Error"]["Code"] == "NoSuchBucketPolicy":
            return None
        raise


def _website(c: Client, r: dict, ctx: Context) -> str | None:
    try:
        c("s3").get_bucket_website(Bucket=r["Name"])
    except ClientError as err:
        if err.response["Error"]["Code"] == "NoSuchWebsiteConfiguration":
            return None
        raise
    return "serves a static website (its anonymous readers would be cut off)"


def _log_target(c: Client, r: dict, ctx: Context) -> str | None:
    bucket = r["Name"]
    delivering = _principals(_bucket_policy(c, bucket)) & LOG_DELIVERY
    grants = c("s3").get_bucket_acl(Bucket=bucket)["Grants"]
    if any(g["Grantee"].get("URI") == LOG_DELIVERY_GROUP for g in grants):
        delivering.add("S3 log delivery group (ACL)")
    if delivering:
        return (f"receives logs from {', '.join(sorted(delivering))} (log delivery "
                "needs SSE-S3 and an open write path)")
    return None


def _public_readers(c: Client, r: dict, ctx: Context) -> str | None:
    grants = c("s3").get_bucket_acl(Bucket=r["Name"])["Grants"]
    if any(g["Grantee"].get("URI") in PUBLIC_GROUPS for g in grants):
        return "read by anonymous clients through its ACL (they cannot use a KMS key)"
    if "*" in _principals(_bucket_policy(c, r["Name"])):
        return "read by anonymous clients through its policy (they cannot use a KMS key)"
    return None


def _own_log_target(c: Client, r: dict, ctx: Context) -> str | None:
    for a in ctx.actions:
        target = a.get("target_bucket", "").format(account_id=ctx.account_id,
                                                    region=ctx.region)
        if target == r["Name"]:
            return "is the access-log target itself (it would log into itself)"
    return None


def _attached_enis(c: Client, r: dict, ctx: Context) -> str | None:
    enis = c("ec2").describe_network_interfaces(
        Filters=[{"Name": "group-id", "Values": [r["GroupId"]]}])["NetworkInterfaces"]
    if enis:
        shown = ", ".join(e["NetworkInterfaceId"] for e in enis[:3])
        return f"{len(enis)} network interfaces use it ({shown}); closing it cuts their traffic"
    return None


def _public_addresses(c: Client, r: dict, ctx: Context) -> str | None:
    enis = c("ec2").describe_network_interfaces(
        Filters=[{"Name": "subnet-id", "Values": [r["SubnetId"]]}])["NetworkInterfaces"]
    public = [e["NetworkInterfaceId"] for e in enis if e.get("Association", {}).get("PublicIp")]
    if public:
        return (f"{len(public)} network interfaces in it rely on public addresses; "
                "instances launched later would get none")
    return None


def _imds_v1_calls(c: Client, r: dict, ctx: Context) -> str | None:
    end = datetime.now(UTC)
    points = c("cloudwatch").get_metric_statistics(
        Namespace="AWS/EC2", MetricName="MetadataNoToken",
        Dimensions=[{"Name": "InstanceId", "Value": r["InstanceId"]}],
        StartTime=end - timedelta(days=14), EndTime=end, Period=86400,
        Statistics=["Sum"])["Datapoints"]
    calls = int(sum(p.get("Sum", 0) for p in points))
    if calls:
        return f"made {calls} IMDSv1 calls in 14 days (MetadataNoToken); they would fail"
    return None


def _moving_tags(c: Client, r: dict, ctx: Context) -> str | None:
    pages = c("ecr").get_paginator("list_images").paginate(
        repositoryName=r["repositoryName"], filter={"tagStatus": "TAGGED"})
    tags = {i.get("imageTag") for page in pages for i in page.get("imageIds", [])}
    moving = sorted(tags & MOVING_TAGS)
    if moving:
        return f"holds re-pushed tags ({', '.join(moving)}); pushes would fail once immutable"
    return None


def _public_clients(c: Client, r: dict, ctx: Context) -> str | None:
    groups = [g["VpcSecurityGroupId"] for g in r.get("VpcSecurityGroups", [])]
    if not groups:
        return None
    found = c("ec2").describe_security_groups(GroupIds=groups)["SecurityGroups"]
    for g in found:
        for perm in g.get("IpPermissions", []):
            for rng in perm.get("IpRanges", []):
                if not ipaddress.ip_network(rng["CidrIp"], strict=False).is_private:
                    return (f"{g['GroupId']} admits {rng['CidrIp']}: clients outside the "
                            "VPC may connect")
    return None


def _foreign_publishers(c: Client, r: dict, ctx: Context) -> str | None:
    attrs = c("sns").get_topic_attributes(TopicArn=r["TopicArn"])["Attributes"]
    policy = json.loads(attrs["Policy"]) if attrs.get("Policy") else None
    foreign = sorted(p for p in _principals(policy, ctx.account_id)
                     if p not in SNS_KEY_PUBLISHERS and ctx.account_id not in p)
    if foreign:
        return (f"published to by {', '.join(foreign[:3])}, which the pack's key does not "
                "grant")
    return None


def _function_url(c: Client, r: dict, ctx: Context) -> str | None:
    try:
        url = c("lambda").get_function_url_config(FunctionName=r["FunctionName"])
    except ClientError as err:
        if err.response["Error"]["Code"] == "ResourceNotFoundException":
            return None
        raise
    if url.get("AuthType") == "NONE":
        return "has a public function URL (AuthType NONE) that needs its public permission"
    return None


def _trail_readers(c: Client, r: dict, ctx: Context) -> str | None:
    bucket = c("cloudtrail").get_trail(Name=r["Name"])["Trail"].get("S3BucketName")
    foreign = sorted(p for p in _principals(_bucket_policy(c, bucket) if bucket else None)
                     if ":iam::" in p and ctx.account_id not in p)
    if foreign:
        return f"its log bucket {bucket} is read by {', '.join(foreign[:3])}"
    return None


def _request_traffic(c: Client, r: dict, ctx: Context) -> str | None:
    end = datetime.now(UTC)
    dimension = r["LoadBalancerArn"].split(":loadbalancer/", 1)[-1]
    points = c("cloudwatch").get_metric_statistics(
        Namespace="AWS/ApplicationELB", MetricName="RequestCount",
        Dimensions=[{"Name": "LoadBalancer", "Value": dimension}],
        StartTime=end - timedelta(days=14), EndTime=end, Period=86400,
        Statistics=["Sum"])["Datapoints"]
    requests = int(sum(p.get("Sum", 0) for p in points))
    if requests:
        return f"served {requests} requests in 14 days; their clients' headers would change"
    return None


GUARDS: dict[str, Guard] = {
    "no-website": Guard(_website, ("s3:GetBucketWebsite",),
                        "the bucket has no static website configuration"),
    "not-log-target": Guard(_log_target, ("s3:GetBucketPolicy", "s3:GetBucketAcl"),
                            "no log delivery service may write to the bucket"),
    "no-public-readers": Guard(_public_readers, ("s3:GetBucketPolicy", "s3:GetBucketAcl"),
                               "no anonymous reader in the bucket's ACL or policy"),
    "not-own-log-target": Guard(_own_log_target, (),
                                "the bucket is not the access-log target it would log to"),
    "no-attached-eni": Guard(_attached_enis, ("ec2:DescribeNetworkInterfaces",),
                             "no network interface uses the security group"),
    "no-public-addresses": Guard(_public_addresses, ("ec2:DescribeNetworkInterfaces",),
                                 "no network interface in the subnet has a public address"),
    "no-imdsv1-calls": Guard(_imds_v1_calls, ("cloudwatch:GetMetricStatistics",),
                             "the instance made no IMDSv1 call in 14 days (MetadataNoToken)"),
    "no-moving-tags": Guard(_moving_tags, ("ecr:ListImages",),
                            "no image carries a tag pipelines re-push (latest, main, ...)"),
    "no-public-clients": Guard(_public_clients, ("ec2:DescribeSecurityGroups",),
                               "the instance's security groups admit only private addresses"),
    "no-foreign-publishers": Guard(_foreign_publishers, ("sns:GetTopicAttributes",),
                                   "every publisher the topic policy names may use the "
                                   "pack's key"),
    "trail-read-in-account": Guard(_trail_readers, ("cloudtrail:GetTrail", "s3:GetBucketPolicy"),
                                   "no other account reads the trail's log bucket"),
    "no-request-traffic": Guard(_request_traffic, ("cloudwatch:GetMetricStatistics",),
                                "the load balancer served no request in 14 days"),
    "no-public-function-url": Guard(_function_url, ("lambda:GetFunctionUrlConfig",),
                                    "the function has no public (AuthType NONE) URL"),
}


def blocked(names: list[str], c: Client, resource: dict, ctx: Context) -> str | None:
    """The first guard's reason not to change the resource, or None when all pass."""
    for name in names:
        try:
            reason = GUARDS[name].check(c, resource, ctx)
        except (ClientError, KeyError, ValueError) as err:
            reason = f"pre-check {name} could not tell: {err}"[:300]
        if reason:
            return reason
    return None
