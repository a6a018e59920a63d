"""Two checks fixing the same rule in one scan: the second finds it already gone and
reports the resource fixed, not failed."""

from __future__ import annotations

import pytest
import yaml

from assetpack.demo import prepare_account
from assetpack.pack import load
from assetpack.scan import run_scan

pytestmark = pytest.mark.e2e
CHECKS = ("security-group-no-public-ssh", "security-group-no-public-high-risk-ports")


def test_overlapping_fixes_are_not_reported_as_failures(aws, tmp_path):
    prepare_account(aws)
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="open-ssh", Description="legacy bastion",
                                      VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
        "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    path = tmp_path / "checks.yml"
    path.write_text(yaml.safe_dump({"policies": [
        p.data for p in load(validate=False) if p.name in CHECKS]}))

    result = run_scan(tmp_path / "out", files=[path])

    outcomes = {p.name: {o["id"]: o for o in p.outcomes} for p in result.policies}
    assert all(outcomes[name][group]["status"] == "fixed" for name in CHECKS)
    assert not ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0][
        "IpPermissions"]
