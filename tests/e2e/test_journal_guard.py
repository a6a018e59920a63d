"""No journal, no change; a dry run journals its plan and changes nothing; a change
AWS applies later is pending until a later scan sees it done (contract 7)."""

from __future__ import annotations

import json

import pytest
import yaml

from assetpack import pack
from assetpack.demo import prepare_account
from assetpack.scan import run_scan
from c7n_plugins.journal import Journal

pytestmark = pytest.mark.e2e


def _check_file(tmp_path, name: str):
    path = tmp_path / f"{name}.yml"
    path.write_text(yaml.safe_dump({"policies": [
        p.data for p in pack.load(validate=False) if p.name == name]}))
    return path


def _plain_queue(aws) -> str:
    return aws.client("sqs").create_queue(
        QueueName="orders", Attributes={"SqsManagedSseEnabled": "false"})["QueueUrl"]


def _sse(aws, url: str) -> str:
    return aws.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["All"])["Attributes"].get("SqsManagedSseEnabled")


@pytest.mark.parametrize("where", ["folder", "s3"])
def test_unwritable_journal_leaves_the_resource_unchanged(aws, tmp_path, where):
    prepare_account(aws)
    url = _plain_queue(aws)
    if where == "folder":
        blocker = tmp_path / "journal"
        blocker.write_text("a file where the journal folder should be")
        location = str(blocker)
    else:
        location = "s3://no-such-journal-bucket/entries"

    result = run_scan(tmp_path / "out", files=[_check_file(tmp_path, "sqs-queue-encrypted")],
                      journal=location)

    outcome = {o["id"]: o for o in result.policies[0].outcomes}[url]
    assert outcome["status"] == "failed"
    assert outcome["reason"].startswith("journal unavailable")
    assert _sse(aws, url) == "false"


def test_dry_run_journals_the_plan_and_changes_nothing(aws, tmp_path):
    prepare_account(aws)
    url = _plain_queue(aws)
    journal = tmp_path / "journal"

    result = run_scan(tmp_path / "out", dryrun=True, journal=str(journal),
                      files=[_check_file(tmp_path, "sqs-queue-encrypted")])

    assert {o["id"]: o["status"] for o in result.policies[0].outcomes}[url] == "planned"
    entries = list(Journal(str(journal)).entries())
    assert [(e.dryrun, e.status, e.before) for e in entries] == [
        (True, "planned", {"SqsManagedSseEnabled": "false"})]
    assert _sse(aws, url) == "false"

    fixed = run_scan(tmp_path / "out2", journal=str(journal),
                     files=[_check_file(tmp_path, "sqs-queue-encrypted")])
    assert {o["id"]: o["status"] for o in fixed.policies[0].outcomes}[url] == "fixed"
    real = [e for e in Journal(str(journal)).entries() if not e.dryrun]
    assert [(e.status, e.before, e.after) for e in real] == [
        ("fixed", {"SqsManagedSseEnabled": "false"}, {"SqsManagedSseEnabled": "true"})]
    assert _sse(aws, url) == "true"


def test_automation_is_pending_until_a_later_scan_sees_it_done(aws, tmp_path):
    prepare_account(aws)
    trail_bucket = "audit-trail-logs"
    aws.client("s3").create_bucket(Bucket=trail_bucket)
    aws.client("cloudtrail").create_trail(Name="legacy", S3BucketName=trail_bucket,
                                          EnableLogFileValidation=False)
    path = _check_file(tmp_path, "cloudtrail-log-file-validation")
    journal = str(tmp_path / "journal")

    first = run_scan(tmp_path / "one", files=[path], journal=journal)
    assert [o["status"] for o in first.policies[0].outcomes] == ["pending"]
    assert "automation" in first.policies[0].outcomes[0]["reason"]
    entry, = Journal(journal).entries()
    assert entry.status == "pending" and entry.execution

    later = run_scan(tmp_path / "two", files=[path], journal=journal)
    assert later.settled == {"fixed": 1}
    entry, = Journal(journal).entries()
    assert entry.status == "fixed"
    assert entry.after["LogFileValidationEnabled"] is True
    assert later.policies[0].matched == 0


def test_failed_automation_becomes_could_not_fix(aws, tmp_path):
    prepare_account(aws)
    aws.client("s3").create_bucket(Bucket="audit-trail-logs")
    aws.client("cloudtrail").create_trail(Name="legacy", S3BucketName="audit-trail-logs")
    path = _check_file(tmp_path, "cloudtrail-log-file-validation")
    journal = tmp_path / "journal"
    run_scan(tmp_path / "one", files=[path], journal=str(journal))
    # Point the pending entry at an execution that failed (its trail does not exist).
    failed = aws.client("ssm").start_automation_execution(
        DocumentName="AWSConfigRemediation-EnableCloudTrailLogFileValidation",
        Parameters={"TrailName": ["gone"]})["AutomationExecutionId"]
    doc = next(journal.rglob("*.json"))
    data = json.loads(doc.read_text())
    assert data["status"] == "pending"
    doc.write_text(json.dumps({**data, "execution": failed}))

    later = run_scan(tmp_path / "two", files=[path], journal=str(journal))

    assert later.settled == {"failed": 1}
    entry, = Journal(str(journal)).entries()
    assert entry.status == "failed" and "Failed" in entry.detail


def test_deployed_check_reads_its_pending_change_again(aws, tmp_path, monkeypatch):
    """The Lambda runs the check without `assetpack scan`: a resource whose change is
    pending is read again, not changed a second time."""
    from c7n.config import Config
    from c7n.policy import Policy
    from c7n.resources import load_resources

    import c7n_plugins

    c7n_plugins.load()
    load_resources(("aws.cloudtrail",))
    prepare_account(aws)
    aws.client("s3").create_bucket(Bucket="audit-trail-logs")
    trail = aws.client("cloudtrail")
    trail.create_trail(Name="legacy", S3BucketName="audit-trail-logs")
    journal = tmp_path / "journal"
    monkeypatch.setenv("ASSETPACK_JOURNAL", str(journal))
    (data,) = [p.data for p in pack.load(validate=False)
               if p.name == "cloudtrail-log-file-validation"]
    account = aws.client("sts").get_caller_identity()["Account"]

    def run(n: int) -> dict:
        config = Config.empty(region="us-east-1", account_id=account,
                              output_dir=str(tmp_path / f"run{n}"))
        policy = Policy(pack.scan_form(data), config)
        policy.validate()
        policy()
        path = tmp_path / f"run{n}" / data["name"] / "action-assetremediate"
        return json.loads(path.read_text())[0]

    assert run(1)["status"] == "pending"
    # The runbook did not do it after all: its execution failed, the trail is unchanged.
    failed = aws.client("ssm").start_automation_execution(
        DocumentName="AWSConfigRemediation-EnableCloudTrailLogFileValidation",
        Parameters={"TrailName": ["gone"]})["AutomationExecutionId"]
    doc = next(journal.rglob("*.json"))
    doc.write_text(json.dumps({**json.loads(doc.read_text()), "execution": failed}))
    trail.update_trail(Name="legacy", EnableLogFileValidation=False)

    second = run(2)

    assert second["status"] == "failed" and "Failed" in second["reason"]
    entry, = Journal(str(journal)).entries()
    assert entry.status == "failed" and entry.execution == failed
    assert trail.get_trail(Name="legacy")["Trail"]["LogFileValidationEnabled"] is False
