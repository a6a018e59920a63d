"""The report's counting: sources, categories, risk, windows, snapshots and trends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assetpack.emulator import integrations
from c7n_plugins.journal import Entry
from c7n_plugins.report import data, messages

NOW = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def finding(**kw) -> dict:
    base = {"Id": kw.pop("Id", "f1"),
            "ProductArn": "arn:aws:securityhub:us-east-1:1:product/1/default",
            "GeneratorId": "p1", "Severity": {"Label": "HIGH"}, "Title": "t",
            "CreatedAt": "2026-11-30T01:00:00Z", "UpdatedAt": "2026-11-30T01:00:00Z",
            "Resources": [{"Id": "arn:r1", "Type": "AwsS3Bucket"}],
            "ProductFields": {"assetpack/policy": "p1", "assetpack/category": "compliance"},
            "Compliance": {"Status": "FAILED"}, "RecordState": "ACTIVE"}
    base.update(kw)
    return base


def collected(findings, journal=(), **kw) -> data.Collected:
    return data.Collected("123456789012", "us-east-1", NOW, timedelta(hours=24),
                          [data.Item.from_finding(f) for f in findings], list(journal), **kw)


@pytest.mark.parametrize("text, expected", [("24h", timedelta(hours=24)),
                                            ("7d", timedelta(days=7)),
                                            ("90m", timedelta(minutes=90))])
def test_since_parses(text, expected):
    assert data.parse_since(text) == expected


@pytest.mark.parametrize("text", ["", "0h", "yesterday", "24", "-1d", "1w"])
def test_since_rejects_with_the_rule(text):
    with pytest.raises(ValueError, match="e.g. 24h"):
        data.parse_since(text)


def test_sources_and_categories_of_every_product():
    inspector = integrations.inspector("us-east-1", {
        "findingArn": "arn:i", "severity": "CRITICAL", "title": "CVE-1 - xz",
        "remediation": {"recommendation": {"text": "upgrade"}},
        "packageVulnerabilityDetails": {"vulnerabilityId": "CVE-1"},
        "resources": [{"type": "AWS_EC2_INSTANCE", "id": "arn:i-1"}]})
    guard = integrations.guardduty("us-east-1", "d", "arn:i-1", "Discovery/Recon", "MEDIUM", "x")
    config = integrations.config_rule("us-east-1", "rule", "AwsS3Bucket", "arn:b", "LOW", "x")
    hub = finding(ProductArn="arn:aws:securityhub:us-east-1::product/aws/securityhub",
                  ProductFields={}, Types=["Software and Configuration Checks/Industry and "
                                           "Regulatory Standards/AWS-Foundational"])
    items = [data.Item.from_finding(f) for f in (finding(), inspector, guard, config, hub)]
    assert [(i.source, i.category) for i in items] == [
        ("assetpack", "compliance"), ("Inspector", "vulnerability"), ("GuardDuty", "threat"),
        ("Config", "compliance"), ("Security Hub", "compliance")]


def test_resolved_passed_and_suppressed_are_not_open():
    items = [data.Item.from_finding(f) for f in (
        finding(), finding(Compliance={"Status": "PASSED"}),
        finding(Workflow={"Status": "RESOLVED"}), finding(Workflow={"Status": "SUPPRESSED"}))]
    assert [i.open for i in items] == [True, False, False, False]


def test_headline_counts_the_window_and_the_journal():
    journal = [Entry("p1", "arn:r1", "aws.s3", "a", {}, {}, status="fixed",
                     time="2026-11-30T02:00:00+00:00"),
               Entry("p1", "arn:old", "aws.s3", "a", {}, {}, status="fixed",
                     time="2026-11-20T02:00:00+00:00"),
               Entry("p2", "arn:r2", "aws.s3", "a", {}, {}, status="pending",
                     time="2026-11-30T02:00:00+00:00"),
               Entry("p3", "arn:r3", "aws.s3", "a", {}, {}, status="fixed", dryrun=True,
                     time="2026-11-30T02:00:00+00:00")]
    c = collected([finding(), finding(Id="f2", GeneratorId="p2",
                                      Resources=[{"Id": "arn:r2", "Type": "X"}]),
                   finding(Id="f3", CreatedAt="2026-11-01T00:00:00Z",
                           Resources=[{"Id": "arn:r3", "Type": "X"}], GeneratorId="p3"),
                   finding(Id="f4", Workflow={"Status": "RESOLVED"},
                           UpdatedAt="2026-11-29T12:00:00Z"),
                   finding(Id="f5", Workflow={"Status": "RESOLVED"},
                           UpdatedAt="2026-11-10T12:00:00Z")], journal)
    head = data.headline(c)
    assert head["open"] == 3 and head["new"] == 2 and head["resolved"] == 1
    assert head["fixed_automatically"] == 1 and head["pending"] == 1
    assert head["needs_human"] == 1  # r1 fixed, r2 pending, r3 only dry-run "fixed"
    assert list(head["by_severity"]) == list(data.SEVERITIES)


def test_riskiest_ranks_severity_times_criticality():
    c = collected([
        finding(Id="a", Severity={"Label": "CRITICAL"},
                Resources=[{"Id": "arn:low", "Type": "X",
                            "Tags": {"asset:criticality": "low"}}]),
        finding(Id="b", Severity={"Label": "MEDIUM"},
                Resources=[{"Id": "arn:crit", "Type": "X"}],
                ProductFields={"assetpack/category": "compliance", "assetpack/policy": "p",
                               "asset:criticality": "critical", "asset:owner": "web"}),
        finding(Id="c", Severity={"Label": "HIGH"}, Resources=[{"Id": "arn:none", "Type": "X"}]),
    ])
    rows = data.riskiest(c)
    assert [(r["resource"], r["score"]) for r in rows] == [
        ("arn:crit", 8), ("arn:none", 6), ("arn:low", 4)]
    assert rows[0]["owner"] == "web" and rows[1]["criticality"] == "(unclassified)"


def test_tag_compliance_class_falls_back_to_the_taxonomy():
    from c7n_plugins.taxonomy import Taxonomy

    f = finding(ProductFields={"assetpack/category": "tagging", "assetpack/policy": "t",
                               "assetpack/resource-type": "aws.rds"})
    c = data.Collected("1", "r", NOW, timedelta(days=1),
                       [data.Item.from_finding(f, Taxonomy.default())],
                       assets_by_class={"database": 4, "storage": 2})
    rows = {r["class"]: r for r in data.tag_compliance(c)}
    assert rows["database"] == {"class": "database", "assets": 4, "non_compliant": 1,
                                "compliant_pct": 75.0}
    assert rows["storage"]["compliant_pct"] == 100.0


def test_trend_keeps_the_window_and_today_wins():
    today = {"date": "2026-11-30", "open": 5}
    history = [{"date": "2026-11-30", "open": 99}, {"date": "2026-11-24", "open": 7},
               {"date": "2026-11-23", "open": 8}, {"date": "2026-10-01", "open": 1}]
    assert [p["open"] for p in data.trend(history, today, 7)] == [7, 5]
    assert [p["open"] for p in data.trend(history, today, 30)] == [8, 7, 5]


def test_digest_routes_owners_and_states_the_gap():
    c = collected([
        finding(Id="a", Resources=[{"Id": "arn:a", "Type": "X",
                                    "Tags": {"asset:owner": "web-team"}}]),
        finding(Id="b", Resources=[{"Id": "arn:b", "Type": "X",
                                    "Tags": {"asset:owner": "unknown-team"}}]),
        finding(Id="c", Resources=[{"Id": "arn:c", "Type": "X"}]),
    ])
    out = messages.digests(c, {"web-team": ["slack://#web"], "default": ["a@b"]})
    assert {k: v["open"] for k, v in out.items()} == {"web-team": 1, "default": 2}
    assert out["default"]["owners_without_route"] == ["(no owner)", "unknown-team"]


def test_message_round_trips_in_c7n_mailer_format():
    import base64
    import json
    import zlib

    c = collected([finding()])
    msg = messages.digest_messages(c, {}, "ko")[0]
    body = messages.encode(msg)
    assert json.loads(zlib.decompress(base64.b64decode(body))) == json.loads(
        json.dumps(msg, default=str))
    assert msg["action"]["template"] == "daily-digest" and msg["action"]["to"] == ["default"]


def test_a_malformed_finding_is_left_out_and_said():
    errors: list[str] = []
    got = data.items([finding(), finding(Id="bad", Resources=[{"Tags": "junk"}]), "junk"],
                     None, errors)
    assert [i.id for i in got] == ["f1"]
    assert errors == ["2 malformed finding(s) left out, e.g. bad"]
