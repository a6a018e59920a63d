"""Contract 2 in the deployed Lambdas: each policy's deploy form run through the
pack's Lambda handler (``c7n_plugins.handler.run``, reading ``config.json`` as in
the archive) with the event its trigger sends, against the emulator."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import botocore.client
import pytest

from assetpack import pack
from assetpack.demo import prepare_account
from assetpack.emulator.estate.tagging import good_tags
from c7n_plugins.taxonomy import Taxonomy, clear_cache

pytestmark = pytest.mark.e2e
POLICIES = {p.name: p.data for p in pack.load(validate=False)}


class _Context:
    def __init__(self, name: str):
        self.function_name = f"custodian-{name}"
        self.aws_request_id = str(uuid.uuid4())
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{name}"


@pytest.fixture
def account(aws):
    clear_cache()
    prepare_account(aws)
    yield aws
    clear_cache()


@pytest.fixture
def invoke(tmp_path, monkeypatch):
    """Run a policy's deploy form as its Lambda would: the handler, config.json, an event."""
    import c7n.handler

    from c7n_plugins import handler

    monkeypatch.chdir(tmp_path)
    # As deployed: the journal location Terraform sets (no journal, no remediation).
    monkeypatch.setenv("ASSETPACK_JOURNAL", str(tmp_path / "journal"))

    def run(name: str, event: dict):
        data = pack.deploy_form(POLICIES[name])
        (tmp_path / "config.json").write_text(json.dumps(
            {"execution-options": {}, "policies": [data]}))
        # A cold start each time: Custodian caches config.json per process.
        monkeypatch.setattr(c7n.handler, "policy_config", None)
        monkeypatch.setattr(c7n.handler, "policy_data", None)
        return handler.run(json.loads(json.dumps(event)), _Context(name))

    return run


def _scheduled() -> dict:
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event",
            "source": "aws.events", "account": "123456789012",
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "region": "us-east-1",
            "resources": ["arn:aws:events:us-east-1:123456789012:rule/custodian-x"],
            "detail": {}}


def _findings(session, policy: str) -> dict[str, dict]:
    hub = session.client("securityhub")
    found = hub.get_findings(Filters={"GeneratorId": [{"Value": policy,
                                                       "Comparison": "EQUALS"}]})["Findings"]
    return {f["Resources"][0]["Id"].rsplit(":", 1)[-1]: f for f in found}


def test_periodic_lambda_resolves_fixed_and_archives_deleted(account, invoke):
    sqs = account.client("sqs")
    invoke("tag-compliance-sqs", _scheduled())  # nothing violates: nothing posted
    assert _findings(account, "tag-compliance-sqs") == {}
    fixed = sqs.create_queue(QueueName="orders-fixed")["QueueUrl"]
    gone = sqs.create_queue(QueueName="orders-gone")["QueueUrl"]
    invoke("tag-compliance-sqs", _scheduled())
    first = _findings(account, "tag-compliance-sqs")
    assert set(first) == {"orders-fixed", "orders-gone"}
    assert {f["Compliance"]["Status"] for f in first.values()} == {"FAILED"}

    invoke("tag-compliance-sqs", _scheduled())  # still failing: same first detection
    again = _findings(account, "tag-compliance-sqs")
    assert again["orders-fixed"]["CreatedAt"] == first["orders-fixed"]["CreatedAt"]
    assert again["orders-fixed"]["UpdatedAt"] > first["orders-fixed"]["UpdatedAt"]

    sqs.tag_queue(QueueUrl=fixed, Tags=good_tags(Taxonomy.default(), "aws.sqs"))
    sqs.delete_queue(QueueUrl=gone)
    invoke("tag-compliance-sqs", _scheduled())  # zero matches: the mode still reconciles
    after = _findings(account, "tag-compliance-sqs")
    assert after["orders-fixed"]["Compliance"]["Status"] == "PASSED"
    assert after["orders-fixed"]["Workflow"]["Status"] == "RESOLVED"
    assert after["orders-fixed"]["RecordState"] == "ACTIVE"
    assert after["orders-gone"]["RecordState"] == "ARCHIVED"
    assert after["orders-gone"]["Compliance"]["Status"] == "FAILED"


def _config_event(session, bucket: str, status: str = "OK") -> dict:
    """The invocation AWS Config sends a custom rule for one bucket's change."""
    item = session.client("config").get_resource_config_history(
        resourceType="AWS::S3::Bucket", resourceId=bucket)["configurationItems"][0]
    item = {**item, "ARN": item.pop("arn"), "configurationItemStatus": status,
            "configurationItemCaptureTime": datetime.now(UTC).isoformat()}
    if status != "OK":
        item["configuration"], item["supplementaryConfiguration"] = None, {}
    invoking = {"configurationItem": item, "messageType": "ConfigurationItemChangeNotification"}
    return {"invokingEvent": json.dumps(invoking, default=lambda t: t.isoformat()),
            "ruleParameters": "{}", "resultToken": "token", "eventLeftScope": False,
            "configRuleName": "custodian-s3-bucket-public-access-blocked",
            "accountId": "123456789012", "version": "1.0"}


@pytest.fixture
def evaluations(monkeypatch) -> list[str]:
    """The compliance each PutEvaluations call reports to AWS Config."""
    seen: list[str] = []
    original = botocore.client.BaseClient._make_api_call

    def record(self, operation, params):
        if operation == "PutEvaluations":
            seen.extend(e["ComplianceType"] for e in params["Evaluations"])
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", record)
    return seen


def test_config_rule_lambda_posts_resolves_and_archives(account, invoke, evaluations):
    name = "s3-bucket-public-access-blocked"
    assert POLICIES[name]["metadata"]["deploy"] == "config-rule"
    s3 = account.client("s3")
    s3.create_bucket(Bucket="open-bucket")
    violating = _config_event(account, "open-bucket")
    invoke(name, violating)  # remediates, and still posts the FAILED finding
    first = _findings(account, name)["open-bucket"]
    assert first["Compliance"]["Status"] == "FAILED"
    assert all(s3.get_public_access_block(Bucket="open-bucket")[
        "PublicAccessBlockConfiguration"].values())

    invoke(name, _config_event(account, "open-bucket"))  # Config's next evaluation
    resolved = _findings(account, name)["open-bucket"]
    assert resolved["Compliance"]["Status"] == "PASSED"
    assert resolved["Workflow"]["Status"] == "RESOLVED"
    assert resolved["CreatedAt"] == first["CreatedAt"]

    s3.delete_public_access_block(Bucket="open-bucket")
    invoke(name, violating)  # violates again
    s3.put_public_access_block(Bucket="open-bucket", PublicAccessBlockConfiguration={
        k: True for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                          "RestrictPublicBuckets")})
    deleted = _config_event(account, "open-bucket", status="ResourceDeleted")
    s3.delete_bucket(Bucket="open-bucket")
    invoke(name, deleted)
    gone = _findings(account, name)["open-bucket"]
    assert gone["RecordState"] == "ARCHIVED"
    assert evaluations == ["NON_COMPLIANT", "COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"]


def test_periodic_lambda_without_taxonomy_fails_and_changes_no_finding(account, invoke):
    from c7n_plugins.taxonomy import TaxonomyError

    sqs = account.client("sqs")
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    invoke("tag-compliance-sqs", _scheduled())
    before = _findings(account, "tag-compliance-sqs")
    assert before["orders"]["Compliance"]["Status"] == "FAILED"
    sqs.tag_queue(QueueUrl=url, Tags=good_tags(Taxonomy.default(), "aws.sqs"))  # now fixed
    account.client("ssm").delete_parameter(Name="/assetpack/taxonomy")
    clear_cache()
    with pytest.raises(TaxonomyError):  # the invocation fails: Lambda reports the error
        invoke("tag-compliance-sqs", _scheduled())
    assert _findings(account, "tag-compliance-sqs") == before  # not resolved


def test_periodic_lambda_fails_when_findings_cannot_be_posted(account, invoke, monkeypatch):
    import time

    from c7n_plugins import findings
    from c7n_plugins.elements.findings import FindingsNotPosted

    class Rejecting:
        def __init__(self, client):
            self._client = client

        def __getattr__(self, name):
            return getattr(self._client, name)

        def batch_import_findings(self, Findings):  # noqa: N803 - boto3's argument name
            return {"SuccessCount": 0, "FailedCount": len(Findings), "FailedFindings": [
                {"Id": f["Id"], "ErrorCode": "InternalException"} for f in Findings]}

    original = findings.FindingStore.__init__
    monkeypatch.setattr(findings.FindingStore, "__init__",
                        lambda self, client, *a, **k: original(self, Rejecting(client), *a, **k))
    monkeypatch.setattr(time, "sleep", lambda s: None)
    account.client("sqs").create_queue(QueueName="orders")
    with pytest.raises(FindingsNotPosted, match="1 finding"):
        invoke("tag-compliance-sqs", _scheduled())
