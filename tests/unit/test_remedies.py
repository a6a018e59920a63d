"""Remedies read AWS's own answers: a change AWS holds for the maintenance window is
pending until a later read shows it applied (botocore's Stubber checks the shapes)."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from c7n_plugins import remedies

EXEC = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"


def _rds(answers: list[dict]):
    client = boto3.client("rds", region_name="us-east-1", aws_access_key_id="x",
                          aws_secret_access_key="x")
    stub = Stubber(client)
    for pending in answers:
        stub.add_response("describe_db_instances", {"DBInstances": [{
            "DBInstanceIdentifier": "legacy-db", "BackupRetentionPeriod": 0,
            "PubliclyAccessible": False, "PendingModifiedValues": pending}]},
            {"DBInstanceIdentifier": "legacy-db"})
    stub.activate()
    return lambda service: client


def test_backup_retention_held_for_the_window_is_pending_then_fixed():
    # ModifyDBInstance without ApplyImmediately: AWS answers the new retention under
    # PendingModifiedValues until the maintenance window (RDS API reference).
    client = _rds([{"BackupRetentionPeriod": 7}, {}])
    after = remedies.RDS_INSTANCE.read(client, "legacy-db")
    assert remedies.RDS_INSTANCE.pending(after)
    status, _, later = remedies.settle(client, "aws.rds", "modify-db", "legacy-db", "")
    assert status == "fixed" and later["pending"] == {}


def test_still_held_stays_pending():
    client = _rds([{"BackupRetentionPeriod": 7}])
    status, detail, _ = remedies.settle(client, "aws.rds", "modify-db", "legacy-db", "")
    assert status == "pending" and "BackupRetentionPeriod" in detail


@pytest.mark.parametrize("aws_status,expected", [("Success", "fixed"), ("InProgress", "pending"),
                                                 ("Failed", "failed"), ("TimedOut", "failed")])
def test_automation_status(aws_status, expected):
    client = boto3.client("ssm", region_name="us-east-1", aws_access_key_id="x",
                          aws_secret_access_key="x")
    stub = Stubber(client)
    stub.add_response("get_automation_execution", {"AutomationExecution": {
        "AutomationExecutionId": EXEC, "AutomationExecutionStatus": aws_status}},
        {"AutomationExecutionId": EXEC})
    stub.activate()
    assert remedies.automation_status(lambda service: client, EXEC)[0] == expected


def test_an_execution_aws_no_longer_knows_has_failed():
    # GetAutomationExecution of an expired (or foreign) execution id raises
    # AutomationExecutionNotFoundException: the next run asks for the change again.
    client = boto3.client("ssm", region_name="us-east-1", aws_access_key_id="x",
                          aws_secret_access_key="x")
    stub = Stubber(client)
    stub.add_client_error("get_automation_execution", "AutomationExecutionNotFoundException",
                          expected_params={"AutomationExecutionId": EXEC})
    stub.activate()
    status, detail = remedies.automation_status(lambda service: client, EXEC)
    assert status == "failed" and "no longer known" in detail


def test_security_group_undo_re_adds_only_what_the_change_removed():
    ssh = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
           "IpRanges": [{"CidrIp": "0.0.0.0/0"}, {"CidrIp": "10.0.0.0/8"}]}
    atoms = remedies._atoms([ssh])
    assert len(atoms) == 2  # one rule per source, so a partial removal is exact
    before, after = {"ingress": atoms, "egress": []}, {"ingress": atoms[:1], "egress": []}
    calls = []

    class FakeEc2:
        def describe_security_groups(self, GroupIds):
            return {"SecurityGroups": [{"IpPermissions": [], "IpPermissionsEgress": []}]}

        def authorize_security_group_ingress(self, **kw):
            calls.append(kw)

        def authorize_security_group_egress(self, **kw):
            calls.append(kw)

    remedies.SECURITY_GROUP.restore(lambda service: FakeEc2(), "sg-1", before, after)
    assert calls == [{"GroupId": "sg-1", "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]}]


def test_every_registered_remedy_has_read_permissions():
    for (rtype, action), remedy in remedies.REMEDIES.items():
        assert remedy.permissions, f"{rtype} {action}"
        assert all(":" in p for p in remedy.permissions)
