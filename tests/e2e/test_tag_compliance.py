"""Tag compliance end to end: the ``asset-tag-violations`` filter and the policies'
owner-notification actions, against the emulator."""

from __future__ import annotations

import base64
import json
import zlib

import pytest
from c7n.config import Config
from c7n.policy import PolicyCollection

import c7n_plugins
from assetpack import pack
from assetpack.demo import prepare_account
from assetpack.emulator.estate import tag_list
from assetpack.emulator.estate.tagging import HOSTILE, good_tags
from c7n_plugins.taxonomy import Taxonomy, TaxonomyError, clear_cache

pytestmark = pytest.mark.e2e
POLICIES = {p.name: p.data for p in pack.load([pack.policies_root() / "tagging"
                                               / "tag-compliance.yml"])}


@pytest.fixture
def account(aws):
    clear_cache()
    prepare_account(aws)
    yield aws
    clear_cache()


def run(name: str, tmp_path, dryrun: bool = True) -> list[dict]:
    c7n_plugins.load()
    config = Config.empty(region="us-east-1", account_id="123456789012",
                          output_dir=str(tmp_path), dryrun=dryrun)
    data = pack.scan_form(POLICIES[name])
    (policy,) = PolicyCollection.from_data({"policies": [data]}, config)
    policy.validate()
    return policy.run() or []


def _bucket(aws, name: str, tags: dict[str, str]) -> None:
    aws.client("s3").create_bucket(Bucket=name)
    if tags:
        aws.client("s3").put_bucket_tagging(Bucket=name, Tagging={"TagSet": tag_list(tags)})


def test_hostile_tag_values_are_reported_safely(account, tmp_path):
    good = good_tags(Taxonomy.default(), "aws.s3")
    _bucket(account, "legacy-hostile", {**good, **HOSTILE})
    _bucket(account, "legacy-fine", good)
    found = {r["Name"]: r for r in run("tag-compliance-s3", tmp_path)}
    assert set(found) == {"legacy-hostile"}
    problems = found["legacy-hostile"]["c7n:tag-violations"]
    assert len(problems) == 3  # environment, owner, criticality
    for line in problems:
        assert "<" not in line and ">" not in line and "\u202e" not in line
        assert len(line) < 200


def test_missing_taxonomy_is_an_error_not_a_clean_result(account, tmp_path):
    _bucket(account, "legacy-untagged", {})
    account.client("ssm").delete_parameter(Name="/assetpack/taxonomy")
    clear_cache()
    with pytest.raises(TaxonomyError, match="not found"):
        run("tag-compliance-s3", tmp_path)


def _tag_findings(session) -> dict[str, dict]:
    found = session.client("securityhub").get_findings()["Findings"]
    return {f["GeneratorId"] + " " + f["Resources"][0]["Id"].rsplit(":", 1)[-1]: f
            for f in found}


def test_scan_without_taxonomy_resolves_nothing_and_alerts_until_it_is_back(account, tmp_path):
    from assetpack.scan import run_scan

    files = [pack.policies_root() / "tagging" / "tag-compliance.yml"]
    names = {"tag-compliance-s3", "tag-compliance-sqs"}
    _bucket(account, "legacy-untagged", {})
    account.client("sqs").create_queue(QueueName="legacy-queue")
    run_scan(tmp_path / "1", dryrun=True, files=files, names=names)
    before = _tag_findings(account)
    assert {k for k, f in before.items() if f["Compliance"]["Status"] == "FAILED"} == {
        "tag-compliance-s3 legacy-untagged", "tag-compliance-sqs legacy-queue"}

    ssm = account.client("ssm")
    good = ssm.get_parameter(Name="/assetpack/taxonomy")["Parameter"]["Value"]
    ssm.delete_parameter(Name="/assetpack/taxonomy")
    clear_cache()
    result = run_scan(tmp_path / "2", dryrun=True, files=files, names=names)
    assert all("taxonomy parameter" in p.error for p in result.policies)
    during = _tag_findings(account)
    for key, finding in before.items():  # nothing resolved, archived or touched
        assert during[key] == finding
    alert = during["assetpack-taxonomy-unavailable parameter/assetpack/taxonomy"]
    assert (alert["Severity"]["Label"], alert["Compliance"]["Status"]) == ("HIGH", "FAILED")

    ssm.put_parameter(Name="/assetpack/taxonomy", Type="String", Value=good, Tier="Advanced")
    clear_cache()
    result = run_scan(tmp_path / "3", dryrun=True, files=files, names=names)
    assert not any(p.error for p in result.policies)
    after = _tag_findings(account)
    alert = after["assetpack-taxonomy-unavailable parameter/assetpack/taxonomy"]
    assert (alert["Compliance"]["Status"], alert["Workflow"]["Status"]) == ("PASSED", "RESOLVED")
    assert after["tag-compliance-s3 legacy-untagged"]["Compliance"]["Status"] == "FAILED"


def test_violation_is_marked_and_owner_notified(account, tmp_path):
    _bucket(account, "legacy-untagged", {})
    found = run("tag-compliance-s3", tmp_path, dryrun=False)
    assert [r["Name"] for r in found] == ["legacy-untagged"]
    tags = {t["Key"]: t["Value"] for t in account.client("s3").get_bucket_tagging(
        Bucket="legacy-untagged")["TagSet"]}
    assert "notify@" in tags["assetpack:tag-compliance"]
    sqs = account.client("sqs")
    url = sqs.get_queue_url(QueueName="assetpack-notify")["QueueUrl"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert len(messages) == 1
    # c7n-mailer's wire format: base64 of zlib-compressed JSON
    body = json.loads(zlib.decompress(base64.b64decode(messages[0]["Body"])))
    assert [r["Name"] for r in body["resources"]] == ["legacy-untagged"]
    assert body["action"]["to"] == ["resource-owner", "security-channel"]
    assert body["resources"][0]["c7n:tag-violations"]
