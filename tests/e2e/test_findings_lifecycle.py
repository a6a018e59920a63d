"""Contract 2 end to end: a check posts a finding, updates it, resolves it."""

from __future__ import annotations

import pytest
import yaml

from assetpack.demo import prepare_account
from assetpack.emulator.estate.s3 import BLOCK_ALL
from assetpack.pack import load
from assetpack.scan import run_scan
from assetpack.summary import remediation_report
from c7n_plugins.findings import Control, FindingBuilder, product_arn
from c7n_plugins.journal import Journal

pytestmark = pytest.mark.e2e
POLICY = "s3-bucket-public-access-blocked"


@pytest.fixture(scope="module")
def s3_check(tmp_path_factory) -> list:
    """The S3.8 check alone, exactly as shipped."""
    (policy,) = [p.data for p in load(validate=False) if p.name == POLICY]
    path = tmp_path_factory.mktemp("policy") / "s3-8.yml"
    path.write_text(yaml.safe_dump({"policies": [policy]}))
    return [path]


def _findings(session, policy=POLICY):
    hub = session.client("securityhub")
    found = hub.get_findings(Filters={"GeneratorId": [{"Value": policy,
                                                       "Comparison": "EQUALS"}]})["Findings"]
    return {f["Resources"][0]["Id"]: f for f in found}


@pytest.fixture
def buckets(aws):
    s3 = aws.client("s3")
    for name in ("open-bucket", "closed-bucket"):
        s3.create_bucket(Bucket=name)
    s3.put_public_access_block(Bucket="closed-bucket", PublicAccessBlockConfiguration=BLOCK_ALL)
    s3.put_bucket_tagging(Bucket="open-bucket", Tagging={"TagSet": [
        {"Key": "asset:class", "Value": "storage"}, {"Key": "asset:owner", "Value": "web-team"}]})
    return aws


def test_violation_posts_one_contract_finding(buckets, s3_check, tmp_path):
    run_scan(tmp_path, dryrun=True, files=s3_check)
    findings = _findings(buckets)
    assert set(findings) == {"arn:aws:s3:::open-bucket"}
    f = findings["arn:aws:s3:::open-bucket"]
    assert f["GeneratorId"] == POLICY
    assert f["Compliance"]["Status"] == "FAILED"
    assert f["Compliance"]["SecurityControlId"] == "S3.8"
    assert f["Compliance"]["RelatedRequirements"] == [
        "CIS AWS Foundations Benchmark v5.0.0/2.1.4", "KISA ISMS-P 2023/2.10.1"]
    assert f["Severity"]["Label"] == "HIGH"
    assert f["Resources"][0]["Type"] == "AwsS3Bucket"
    assert f["Remediation"]["Recommendation"]["Text"]
    assert f["ProductFields"]["asset:class"] == "storage"
    assert f["ProductFields"]["asset:owner"] == "web-team"
    assert f["ProductArn"] == product_arn("123456789012", "us-east-1")
    assert (tmp_path / POLICY / "resources.json").exists()
    assert (tmp_path / "summary.json").exists()


def test_rescan_updates_the_same_finding(buckets, s3_check, tmp_path):
    run_scan(tmp_path, dryrun=True, files=s3_check)
    first = _findings(buckets)["arn:aws:s3:::open-bucket"]
    run_scan(tmp_path, dryrun=True, files=s3_check)
    hub = buckets.client("securityhub")
    assert len(hub.get_findings()["Findings"]) == 1
    again = _findings(buckets)["arn:aws:s3:::open-bucket"]
    assert again["Id"] == first["Id"]
    assert again["UpdatedAt"] >= first["UpdatedAt"]


def test_fixed_resource_finding_moves_to_passed_resolved(buckets, s3_check, tmp_path):
    run_scan(tmp_path, dryrun=True, files=s3_check)
    buckets.client("s3").put_public_access_block(
        Bucket="open-bucket", PublicAccessBlockConfiguration=BLOCK_ALL)
    result = run_scan(tmp_path, dryrun=True, files=s3_check)
    f = _findings(buckets)["arn:aws:s3:::open-bucket"]
    assert f["Compliance"]["Status"] == "PASSED"
    assert f["Workflow"]["Status"] == "RESOLVED"
    assert result.findings["resolved"] == 1


def test_failed_policy_does_not_resolve_its_findings(buckets, s3_check, tmp_path, monkeypatch):
    run_scan(tmp_path, dryrun=True, files=s3_check)
    # The check cannot run (S3 unreachable for it): its open finding must stay open.
    from c7n.resources.s3 import S3
    monkeypatch.setattr(S3, "resources", lambda self, *a, **k: 1 / 0)
    result = run_scan(tmp_path, dryrun=True, files=s3_check)
    assert result.policies[0].error
    assert _findings(buckets)["arn:aws:s3:::open-bucket"]["Compliance"]["Status"] == "FAILED"


def test_remediation_fixes_violation_skips_protected_and_twin(buckets, s3_check, tmp_path):
    prepare_account(buckets)
    s3 = buckets.client("s3")
    s3.create_bucket(Bucket="critical-bucket")
    s3.put_bucket_tagging(Bucket="critical-bucket", Tagging={"TagSet": [
        {"Key": "asset:criticality", "Value": "critical"}]})
    result = run_scan(tmp_path, files=s3_check)
    assert result.policies[0].remediated == {"fixed": 1, "needs-human": 1}
    report = remediation_report(result)
    assert f"| FSBP/S3.8 | {POLICY} | 1 | 0 | 0 | 1 |" in report
    assert "critical-bucket: protected by taxonomy" in report
    fixed = s3.get_public_access_block(Bucket="open-bucket")["PublicAccessBlockConfiguration"]
    assert all(fixed.values())
    # The change is on record in the journal (contract 7), and only that one.
    entries = list(Journal(result.journal).entries())
    assert [(e.resource, e.action, e.status, e.before) for e in entries] == [
        ("arn:aws:s3:::open-bucket", "set-public-block", "fixed", {"value": None})]
    with pytest.raises(s3.exceptions.ClientError):
        s3.get_public_access_block(Bucket="critical-bucket")
    rescan = run_scan(tmp_path / "again", dryrun=True, files=s3_check)
    assert rescan.policies[0].matched == 1  # only the protected bucket is left


def test_dryrun_changes_nothing(buckets, s3_check, tmp_path):
    prepare_account(buckets)
    run_scan(tmp_path, dryrun=True, files=s3_check)
    s3 = buckets.client("s3")
    with pytest.raises(s3.exceptions.ClientError):
        s3.get_public_access_block(Bucket="open-bucket")


def test_created_at_stays_the_first_detection(buckets, s3_check, tmp_path):
    run_scan(tmp_path, dryrun=True, files=s3_check)
    first = _findings(buckets)["arn:aws:s3:::open-bucket"]
    run_scan(tmp_path, dryrun=True, files=s3_check)
    again = _findings(buckets)["arn:aws:s3:::open-bucket"]
    assert again["CreatedAt"] == first["CreatedAt"]
    assert again["UpdatedAt"] > first["UpdatedAt"]


def test_deleted_resource_finding_is_archived(buckets, s3_check, tmp_path):
    run_scan(tmp_path, dryrun=True, files=s3_check)
    buckets.client("s3").delete_bucket(Bucket="open-bucket")
    result = run_scan(tmp_path, dryrun=True, files=s3_check)
    f = _findings(buckets)["arn:aws:s3:::open-bucket"]
    assert f["RecordState"] == "ARCHIVED"
    assert f["Compliance"]["Status"] == "FAILED"  # archived, not passed
    assert result.findings["archived"] == 1
    assert result.findings["resolved"] == 0


def _orphan(session, policy: str) -> dict:
    """A FAILED finding of the pack from a check the pack no longer has."""
    control = Control(policy=policy, title="gone", description="gone", severity="LOW",
                      category="compliance", security_control_id=None, related_requirements=(),
                      recommendation="none")
    finding = FindingBuilder(control, "123456789012", "us-east-1", now="2026-01-01T00:00:00.000Z"
                             ).build({"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::closed-bucket"},
                                     {})
    session.client("securityhub").batch_import_findings(Findings=[finding])
    return finding


def test_check_that_left_the_pack_is_archived_at_a_full_scan(buckets, s3_check, tmp_path,
                                                            monkeypatch):
    _orphan(buckets, "renamed-old-check")
    run_scan(tmp_path, dryrun=True, files=s3_check)  # not a full scan: left alone
    assert _findings(buckets, "renamed-old-check")[
        "arn:aws:s3:::closed-bucket"]["RecordState"] == "ACTIVE"
    monkeypatch.setenv("ASSETPACK_POLICIES", str(s3_check[0].parent))
    result = run_scan(tmp_path, dryrun=True)  # the whole (one-check) pack
    orphan = _findings(buckets, "renamed-old-check")["arn:aws:s3:::closed-bucket"]
    assert orphan["RecordState"] == "ARCHIVED"
    assert orphan["ProductFields"]["assetpack/archived"] == "check no longer in the pack"
    assert result.findings["archived"] == 1
    assert _findings(buckets)["arn:aws:s3:::open-bucket"]["RecordState"] == "ACTIVE"


def test_failed_check_archives_nothing_at_a_full_scan(buckets, s3_check, tmp_path, monkeypatch):
    run_scan(tmp_path, dryrun=True, files=s3_check)
    buckets.client("s3").delete_bucket(Bucket="open-bucket")
    from c7n.resources.s3 import S3
    monkeypatch.setattr(S3, "resources", lambda self, *a, **k: 1 / 0)
    monkeypatch.setenv("ASSETPACK_POLICIES", str(s3_check[0].parent))
    result = run_scan(tmp_path, dryrun=True)
    assert result.policies[0].error
    f = _findings(buckets)["arn:aws:s3:::open-bucket"]
    assert (f["RecordState"], f["Compliance"]["Status"]) == ("ACTIVE", "FAILED")


def test_reopened_finding_is_new_again(buckets, s3_check, tmp_path):
    run_scan(tmp_path, dryrun=True, files=s3_check)
    s3 = buckets.client("s3")
    s3.put_public_access_block(Bucket="open-bucket", PublicAccessBlockConfiguration=BLOCK_ALL)
    run_scan(tmp_path, dryrun=True, files=s3_check)
    s3.delete_public_access_block(Bucket="open-bucket")
    run_scan(tmp_path, dryrun=True, files=s3_check)
    f = _findings(buckets)["arn:aws:s3:::open-bucket"]
    assert f["Compliance"]["Status"] == "FAILED"
    assert f["Workflow"]["Status"] == "NEW"  # as Security Hub resets it


class _Rejecting:
    """Security Hub that processes no finding import (every one in FailedFindings)."""

    def __init__(self, client):
        self._client = client
        self.calls = 0

    def __getattr__(self, name):
        return getattr(self._client, name)

    def batch_import_findings(self, Findings):  # noqa: N803 - boto3's argument name
        self.calls += 1
        return {"SuccessCount": 0, "FailedCount": len(Findings), "FailedFindings": [
            {"Id": f["Id"], "ErrorCode": "InternalException", "ErrorMessage": "try later"}
            for f in Findings]}


def test_findings_not_posted_after_retries_make_scan_exit_1(buckets, s3_check, tmp_path,
                                                            monkeypatch, capsys):
    import time

    from assetpack.cli.main import main
    from c7n_plugins import findings

    monkeypatch.setattr(time, "sleep", lambda s: None)
    rejecting = []
    original = findings.FindingStore.__init__

    def init(self, client, *a, **k):
        rejecting.append(_Rejecting(client))
        original(self, rejecting[-1], *a, **k)

    monkeypatch.setattr(findings.FindingStore, "__init__", init)
    code = main(["scan", "-s", str(tmp_path), "--dryrun", "-p", *map(str, s3_check)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err[-1].startswith("assetpack: error: 1 finding(s) could not be posted")
    assert "try later" in err[-1]
    assert rejecting[0].calls == findings.RETRIES + 1
    assert _findings(buckets) == {}
