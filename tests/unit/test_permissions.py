"""The execution roles' IAM, derived from the elements' declared permissions."""

from __future__ import annotations

import json

import pytest

from assetpack import permissions


def test_access_levels_come_from_aws_reference():
    assert not permissions.is_write("ec2:DescribeInstances")
    assert not permissions.is_write("s3:ListAllMyBuckets")
    assert permissions.is_write("s3:PutBucketPublicAccessBlock")  # Permissions management
    assert permissions.is_write("ec2:CreateTags")  # Tagging
    with pytest.raises(permissions.PermissionsError, match="ec2:NoSuchCall"):
        permissions.is_write("ec2:NoSuchCall")


def test_a_policy_that_only_reads_and_posts_findings_is_a_detect_policy():
    reads = {"ec2:DescribeSecurityGroups", "tag:GetResources"}
    assert permissions.role_of(reads | permissions.DETECT_WRITES) == "detect"
    assert permissions.role_of(reads | {"sqs:SendMessage"}) == "detect"  # notify
    assert permissions.role_of(reads | {"ec2:RevokeSecurityGroupIngress"}) == "remediate"
    assert permissions.role_of(reads | {"ec2:CreateTags"}) == "remediate"


def test_write_actions_are_scoped_to_their_resource_arns():
    assert permissions.arn_patterns("s3:PutBucketPublicAccessBlock") == [
        "arn:{partition}:s3:::*"]
    assert permissions.arn_patterns("ec2:ModifyInstanceMetadataOptions") == [
        "arn:{partition}:ec2:*:{account_id}:instance/*"]
    # AWS authorises account settings on no resource: only "*" is possible.
    assert permissions.arn_patterns("ec2:EnableEbsEncryptionByDefault") == ["*"]
    # Dozens of taggable types: the service, in this account (and AMIs/snapshots).
    assert permissions.arn_patterns("ec2:CreateTags") == [
        "arn:{partition}:ec2:*::*", "arn:{partition}:ec2:*:{account_id}:*"]
    assert permissions.arn_patterns("elasticloadbalancing:AddTags") == [
        "arn:{partition}:elasticloadbalancing:*:{account_id}:*"]


def test_iam_policy_groups_reads_scopes_writes_and_passes_roles_only_when_declared():
    per_policy = {
        "a": {"ec2:DescribeVpcs", "ec2:CreateFlowLogs", "iam:PassRole"},
        "b": {"ec2:DescribeVpcs", "sqs:SendMessage"},
    }
    doc = permissions.iam_policy(per_policy, {"vpc-flow-logs.amazonaws.com": {"flow"}})
    by_sid = {s["Sid"]: s for s in doc["Statement"]}
    assert "ec2:DescribeVpcs" in by_sid["Unscoped"]["Action"]
    assert "sqs:SendMessage" not in json.dumps(doc)  # the role module scopes it by name
    write = by_sid["WriteEc2Createflowlogs"]
    assert write["Resource"] == "arn:{partition}:ec2:*:{account_id}:*"
    passing = by_sid["PassRoleToVpcFlowLogs"]
    assert passing["Resource"] == ["arn:{partition}:iam::{account_id}:role/flow"]
    assert passing["Condition"] == {
        "StringEquals": {"iam:PassedToService": "vpc-flow-logs.amazonaws.com"}}
    without = permissions.iam_policy({"b": per_policy["b"]},
                                     {"vpc-flow-logs.amazonaws.com": {"flow"}})
    assert "iam:PassRole" not in json.dumps(without)


def test_roles_passed_are_read_from_the_actions_data():
    assert permissions._roles_passed({"type": "update-trail", "attributes": {
        "CloudWatchLogsRoleArn": "arn:aws:iam::{account_id}:role/assetpack-cloudtrail-logs"}}
    ) == {"assetpack-cloudtrail-logs"}
    assert permissions._roles_passed({"role": "arn:aws:iam::111111111111:role/x"}) == set()


def test_large_documents_are_cut_under_the_managed_policy_limit():
    actions = sorted(f"ec2:Describe{n:04d}Something" for n in range(600))
    doc = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Unscoped", "Effect": "Allow", "Action": actions, "Resource": "*"},
        {"Sid": "Other", "Effect": "Allow", "Action": ["s3:PutBucketVersioning"],
         "Resource": "arn:{partition}:s3:::*"}]}
    parts = permissions.managed_policies(doc)
    assert len(parts) == 3 and list(parts)[0] == "part-01"
    granted = []
    for part in parts.values():
        assert len(json.dumps(part, separators=(",", ":"))) <= permissions.MANAGED_POLICY_LIMIT
        for statement in part["Statement"]:
            granted.extend(statement["Action"])
    assert sorted(granted) == sorted([*actions, "s3:PutBucketVersioning"])
    sids = [s["Sid"] for p in parts.values() for s in p["Statement"]]
    assert len(sids) == len(set(sids))


def test_the_pack_needs_both_roles_and_the_detect_role_writes_only_findings():
    split = permissions.split_by_role(permissions.pack_permissions())
    assert split["detect"] and split["remediate"]
    detect_writes = {a for perms in split["detect"].values() for a in perms
                     if permissions.is_write(a)}
    assert detect_writes <= permissions.DETECT_WRITES | permissions.RUNTIME_SCOPED
