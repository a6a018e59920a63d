"""Disruptive fixes stay with a human when a guard finds a consumer, or when the
pack does not opt in; the reason is reported (docs/remediation.md)."""

from __future__ import annotations

import json

import pytest
import yaml

from assetpack import pack
from assetpack.demo import prepare_account
from assetpack.scan import run_scan

pytestmark = pytest.mark.e2e


def _run(tmp_path, name: str, policies_root=None):
    path = tmp_path / f"{name}.yml"
    path.write_text(yaml.safe_dump({"policies": [
        p.data for p in pack.load(validate=False) if p.name == name]}))
    result = run_scan(tmp_path / f"out-{name}", files=[path])
    return {o["id"]: o for o in result.policies[0].outcomes}


def _default_group(ec2, vpc: str) -> str:
    return ec2.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [vpc]},
        {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]


def test_default_group_in_use_is_left_to_a_human(aws, tmp_path):
    prepare_account(aws)
    ec2 = aws.client("ec2")
    used = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    idle = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=used, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    used_group, idle_group = _default_group(ec2, used), _default_group(ec2, idle)
    eni = ec2.create_network_interface(SubnetId=subnet, Groups=[used_group])[
        "NetworkInterface"]["NetworkInterfaceId"]

    outcomes = _run(tmp_path, "vpc-default-security-group-closed")

    assert outcomes[used_group]["status"] == "needs-human"
    assert eni in outcomes[used_group]["reason"]
    assert ec2.describe_security_groups(GroupIds=[used_group])["SecurityGroups"][0][
        "IpPermissionsEgress"], "a group in use was closed"
    assert outcomes[idle_group]["status"] == "fixed"


def test_log_bucket_keeps_sse_s3_and_does_not_log_into_itself(aws, tmp_path):
    prepare_account(aws)
    s3 = aws.client("s3")
    account = aws.client("sts").get_caller_identity()["Account"]
    log_bucket = f"{account}-us-east-1-s3-logs"
    s3.create_bucket(Bucket=log_bucket)
    s3.put_bucket_policy(Bucket=log_bucket, Policy=json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{log_bucket}/*"}]}))
    s3.create_bucket(Bucket="orders-data")

    kms = _run(tmp_path, "s3-bucket-kms-encrypted")
    logging = _run(tmp_path, "s3-bucket-access-logging-enabled")

    assert kms[log_bucket]["status"] == "needs-human"
    assert "logging.s3.amazonaws.com" in kms[log_bucket]["reason"]
    assert kms["orders-data"]["status"] == "pending"  # the runbook, read again next scan
    assert logging[log_bucket]["status"] == "needs-human"
    assert "itself" in logging[log_bucket]["reason"]
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=log_bucket)
    assert logging["orders-data"]["status"] == "fixed"


def test_disruptive_fix_without_opt_in_changes_nothing(aws, tmp_path):
    prepare_account(aws)
    radius = pack.blast_radius()["ec2-instance-imdsv2-required"]
    assert radius["class"] == "disruptive" and not radius.get("opt-in")
    ec2 = aws.client("ec2")
    # The emulator loads no sample AMIs; it launches from any well-formed image id.
    instance = ec2.run_instances(ImageId="ami-0a1b2c3d4e5f60718", MinCount=1, MaxCount=1,
                                 MetadataOptions={"HttpTokens": "optional"})[
        "Instances"][0]["InstanceId"]

    outcomes = _run(tmp_path, "ec2-instance-imdsv2-required")

    assert outcomes[instance]["status"] == "needs-human"
    assert "not opted in" in outcomes[instance]["reason"]
    options = ec2.describe_instances(InstanceIds=[instance])["Reservations"][0][
        "Instances"][0]["MetadataOptions"]
    assert options["HttpTokens"] == "optional"


def test_website_bucket_keeps_its_readers(aws, tmp_path):
    prepare_account(aws)
    s3 = aws.client("s3")
    for bucket in ("www-example", "build-artifacts"):
        s3.create_bucket(Bucket=bucket)
    s3.put_bucket_website(Bucket="www-example",
                          WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})

    outcomes = _run(tmp_path, "s3-bucket-public-access-blocked")

    assert outcomes["www-example"]["status"] == "needs-human"
    assert "static website" in outcomes["www-example"]["reason"]
    assert outcomes["build-artifacts"]["status"] == "fixed"
    assert s3.get_public_access_block(Bucket="build-artifacts")[
        "PublicAccessBlockConfiguration"]["BlockPublicPolicy"] is True
