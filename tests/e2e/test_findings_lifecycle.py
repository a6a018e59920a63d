"""Contract 2 end to end: a check posts a finding, updates it, resolves it."""

from __future__ import annotations

import pytest
import yaml

from assetpack.demo import prepare_account
from assetpack.emulator.estate.s3 import BLOCK_ALL
from assetpack.pack import load
from assetpack.scan import run_scan
from assetpack.summary import remediation_report
from c7n_plugins.findings import product_arn
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
