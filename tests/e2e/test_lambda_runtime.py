"""The deployed Lambdas start and do their work in a runtime that has only what AWS gives.

For one policy of each mode the pack deploys, the real archive ``c7n.mu`` builds is
unzipped and its handler called in a fresh ``python -I -S`` whose path is only the
archive plus boto3/botocore (:mod:`assetpack.lambda_runtime`), against moto server,
with the event the deployed rule would deliver. Each test asserts the effect.
"""

from __future__ import annotations

import json
import uuid

import pytest

from assetpack import lambda_runtime, pack
from assetpack.demo import prepare_account
from assetpack.emulator.activity import ACTIVITIES, perform
from assetpack.replay import envelope

ACCOUNT, REGION = "123456789012", "us-east-1"
TOOLING = ("assetpack/", "yaml/", "jsonschema/", "jinja2/")


def _deploy_form(name: str) -> dict:
    (policy,) = [p for p in pack.load(validate=False) if p.name == name]
    return pack.deploy_form(policy.data)


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    return lambda_runtime.runtime_path(tmp_path_factory.mktemp("runtime"))


def _archive(tmp_path, data: dict):
    return lambda_runtime.build_archive(data, tmp_path / "archive", REGION, ACCOUNT)


JOURNAL = "s3://assetpack-journal/journal"


def _invoke(archive, runtime, event, emulator):
    # As deployed: the journal bucket Terraform creates (no journal, no remediation).
    env = {**emulator.environ(), "ASSETPACK_JOURNAL": JOURNAL}
    result = lambda_runtime.invoke(archive, runtime, event, env)
    assert result.ok, result.stderr[-3000:]
    return result


def _journaled(session) -> list[str]:
    listed = session.client("s3").list_objects_v2(Bucket="assetpack-journal", Prefix="journal/")
    return [o["Key"] for o in listed.get("Contents", [])]


def _prepare(session) -> None:
    prepare_account(session)
    session.client("s3").create_bucket(Bucket="assetpack-journal")


def _findings(session, generator: str) -> list[dict]:
    return session.client("securityhub").get_findings(Filters={
        "GeneratorId": [{"Value": generator, "Comparison": "EQUALS"}]})["Findings"]


def test_archive_holds_the_runtime_and_no_tooling(tmp_path):
    archive = _archive(tmp_path, _deploy_form("tag-compliance-sqs"))
    names = {str(p.relative_to(archive)) for p in archive.rglob("*") if p.is_file()}
    assert "c7n_plugins/handler.py" in names and "fastjsonschema/__init__.py" in names
    leaked = sorted(n for n in names if n.startswith(TOOLING) or n.endswith("cloudtrail/"))
    assert leaked == []
    assert not any("/data/cloudtrail/" in n for n in names)


def test_cloudtrail_mode_tags_the_new_bucket(aws, emulator, runtime, tmp_path):
    _prepare(aws)
    activity = next(a for a in ACTIVITIES if a.resource_type == "aws.s3")
    bucket, record = perform(aws, activity)
    archive = _archive(tmp_path, _deploy_form("auto-tag-s3"))
    _invoke(archive, runtime, envelope(record, ACCOUNT, REGION), emulator)
    tags = {t["Key"]: t["Value"] for t in
            aws.client("s3").get_bucket_tagging(Bucket=bucket)["TagSet"]}
    assert tags["asset:creator"] and tags["asset:class"] == "storage"
    assert tags["asset:creator-arn"].startswith("arn:aws:iam::")


def test_periodic_mode_reads_the_taxonomy_and_posts_findings(aws, emulator, runtime, tmp_path):
    _prepare(aws)
    url = aws.client("sqs").create_queue(QueueName="untagged-orders")["QueueUrl"]
    archive = _archive(tmp_path, _deploy_form("tag-compliance-sqs"))
    scheduled = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event",
                 "source": "aws.events", "account": ACCOUNT, "region": REGION,
                 "resources": [], "detail": {}}
    _invoke(archive, runtime, scheduled, emulator)
    found = _findings(aws, "tag-compliance-sqs")
    assert [f["Resources"][0]["Id"] for f in found] == [
        f"arn:aws:sqs:{REGION}:{ACCOUNT}:{url.rsplit('/', 1)[-1]}"]
    assert found[0]["Compliance"]["Status"] == "FAILED"


def test_config_rule_mode_evaluates_and_fixes_the_queue(aws, emulator, runtime, tmp_path):
    _prepare(aws)
    sqs = aws.client("sqs")
    url = sqs.create_queue(QueueName="plain-orders",
                           Attributes={"SqsManagedSseEnabled": "false"})["QueueUrl"]
    arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:plain-orders"
    item = {"configurationItemStatus": "OK", "resourceType": "AWS::SQS::Queue",
            "resourceId": url, "resourceName": "plain-orders", "ARN": arn,
            "awsAccountId": ACCOUNT, "awsRegion": REGION,
            "configurationItemCaptureTime": "2026-12-01T00:00:00.000Z",
            # Config records the queue's attributes as GetQueueAttributes returns them: strings.
            "configuration": {"QueueUrl": url, "QueueArn": arn, "SqsManagedSseEnabled": "false"},
            "supplementaryConfiguration": {}, "tags": {}}
    event = {"configRuleName": "custodian-sqs-queue-encrypted", "accountId": ACCOUNT,
             # The emulator's result token names the rule (assetpack.emulator.config).
             "resultToken": "custodian-sqs-queue-encrypted",
             "eventLeftScope": False, "executionRoleArn": "",
             "configRuleArn": "", "configRuleId": "", "version": "1.0",
             "invokingEvent": json.dumps({"configurationItem": item,
                                          "messageType": "ConfigurationItemChangeNotification",
                                          "notificationCreationTime": "2026-12-01T00:00:00Z"}),
             "ruleParameters": "{}"}
    archive = _archive(tmp_path, _deploy_form("sqs-queue-encrypted"))
    _invoke(archive, runtime, event, emulator)
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs.get("SqsManagedSseEnabled") == "true"
    assert any(k.startswith("journal/sqs-queue-encrypted/") for k in _journaled(aws))
    [evaluation] = aws.client("config").get_compliance_details_by_resource(
        ResourceType="AWS::SQS::Queue", ResourceId=url)["EvaluationResults"]
    assert evaluation["ComplianceType"] == "NON_COMPLIANT"
    assert [f["Resources"][0]["Id"] for f in _findings(aws, "sqs-queue-encrypted")] == [arn]


def test_hub_finding_mode_starts_and_acts(aws, emulator, runtime, tmp_path):
    _prepare(aws)
    url = aws.client("sqs").create_queue(QueueName="flagged", Attributes={
        "SqsManagedSseEnabled": "false"})["QueueUrl"]
    arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:flagged"
    policy = pack.deploy_form({
        # The SQS.1 check's name: its blast radius (safe) lets the fix run unattended.
        "name": "sqs-queue-encrypted", "resource": "aws.sqs",
        "mode": {"type": "hub-finding"},
        "metadata": {"category": "vulnerability", "severity": "high", "remediation": "auto",
                     "description": "Encrypts queues a finding names."},
        "actions": [{"type": "set-managed-sse"}]})
    # The plugins' own elements run: the guarded remediation and the pack's finding.
    assert [a["type"] for a in policy["actions"]] == ["asset-remediate", "post-control-finding"]
    finding = {"SchemaVersion": "2018-10-08", "Id": "probe-1",
               "ProductArn": f"arn:aws:securityhub:{REGION}:{ACCOUNT}:product/{ACCOUNT}/default",
               "GeneratorId": "probe", "AwsAccountId": ACCOUNT, "Types": ["x/y/z"],
               "CreatedAt": "2026-12-01T00:00:00Z", "UpdatedAt": "2026-12-01T00:00:00Z",
               "Severity": {"Label": "HIGH"}, "Title": "t", "Description": "d",
               "Resources": [{"Type": "AwsSqsQueue", "Id": arn, "Region": REGION}]}
    archive = _archive(tmp_path, policy)
    _invoke(archive, runtime, envelope(finding, ACCOUNT, REGION), emulator)
    attrs = aws.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    assert attrs["Attributes"]["SqsManagedSseEnabled"] == "true"
    assert any(k.startswith("journal/sqs-queue-encrypted/") for k in _journaled(aws))


def test_a_missing_module_fails_as_in_aws(emulator, runtime, tmp_path):
    archive = _archive(tmp_path, _deploy_form("tag-compliance-sqs"))
    (archive / "probe.py").write_text("import yaml\n\ndef run(event, context):\n    return 1\n")
    result = lambda_runtime.invoke(archive, runtime, {}, emulator.environ(), handler="probe.run")
    assert not result.ok and "No module named 'yaml'" in result.stderr
