"""``assetpack report`` on the emulator: every section from real Security Hub data,
the journal, budgets and snapshots; ``--send`` queues well-formed mailer messages."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from assetpack.cli.main import main
from assetpack.emulator import integrations
from assetpack.report.command import Options, run
from c7n_plugins.findings import Control, FindingBuilder
from c7n_plugins.journal import Entry, Journal
from c7n_plugins.report import messages

pytestmark = pytest.mark.e2e
REGION = "us-east-1"
ACCOUNT = "123456789012"
WEB = {"asset:owner": "web-team", "asset:class": "network", "asset:criticality": "critical"}
DATA = {"asset:owner": "data-team", "asset:class": "storage", "asset:criticality": "low"}
ARN_LB = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/legacy-web/1"
ARN_BUCKET = "arn:aws:s3:::legacy-exports"
ARN_VOL = f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/vol-0abc"
ARN_I = f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-0legacybastion0001"


def _pack(policy: str, category: str, severity: str, arn: str, rtype: str, tags: dict,
          resource_type: str = "", cost: float | None = None) -> dict:
    control = Control.from_policy_data({"name": policy, "metadata": {
        "category": category, "severity": severity, "description": f"{policy} check",
        "recommendation": f"Fix {policy}."}})
    resource = {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}
    if cost is not None:
        resource["c7n:monthly-waste-usd"] = cost
    return FindingBuilder(control, ACCOUNT, REGION, resource_type=resource_type).build(
        {"Type": rtype, "Id": arn, "Region": REGION}, resource)


def seed(session, journal_dir, history_dir) -> None:
    sh = session.client("securityhub")
    findings = [
        _pack("elb-alb-drop-invalid-headers", "compliance", "medium", ARN_LB,
              "AwsElbv2LoadBalancer", WEB, "aws.app-elb"),
        _pack("s3-bucket-public-access-blocked", "compliance", "high", ARN_BUCKET,
              "AwsS3Bucket", DATA, "aws.s3"),
        _pack("tag-compliance-ebs", "tagging", "medium", ARN_VOL, "AwsEc2Volume", {},
              "aws.ebs"),
        _pack("ebs-volume-unattached", "cost", "low", ARN_VOL, "AwsEc2Volume", {},
              "aws.ebs", cost=8.0),
        integrations.guardduty(REGION, "d1", ARN_I, "Command and Control/Backdoor", "HIGH",
                               "EC2 instance talks to a C&C server", WEB),
        integrations.config_rule(REGION, "s3-bucket-logging-enabled", "AwsS3Bucket",
                                 ARN_BUCKET, "MEDIUM", "S3 bucket logging disabled", DATA),
    ]
    old = _pack("s3-bucket-versioning-enabled", "compliance", "low", "arn:aws:s3:::gone",
                "AwsS3Bucket", DATA, "aws.s3")
    sh.batch_import_findings(Findings=[*findings, old])
    sh.batch_update_findings(FindingIdentifiers=[{"Id": old["Id"],
                                                  "ProductArn": old["ProductArn"]}],
                             Workflow={"Status": "RESOLVED"})
    journal = Journal(str(journal_dir))
    fixed = journal.write(Entry("s3-bucket-public-access-blocked", ARN_BUCKET, "aws.s3",
                                "set-public-block", {"BlockPublicAcls": False},
                                {"BlockPublicAcls": True}))
    journal.update(fixed, "fixed")
    session.client("budgets", region_name="us-east-1").create_budget(
        AccountId=ACCOUNT, Budget={"BudgetName": "monthly-total", "BudgetType": "COST",
                                   "TimeUnit": "MONTHLY",
                                   "BudgetLimit": {"Amount": "500", "Unit": "USD"}})
    history_dir.mkdir(parents=True)
    today = datetime.now(UTC).date()
    for back, count in ((3, 9), (2, 8), (12, 20)):
        day = (today - timedelta(days=back)).isoformat()
        (history_dir / f"{day}.json").write_text(json.dumps({"date": day, "open": count}))
    (history_dir / "notes.json").write_text("not a snapshot")


def test_report_sections_come_from_every_source(aws, tmp_path):
    seed(aws, tmp_path / "journal", tmp_path / "report" / "history")
    out = run(Options(tmp_path / "report", journal=str(tmp_path / "journal")))
    report = json.loads(out.json.read_text())
    head = report["headline"]
    assert head["open"] == 6
    assert head["by_severity"]["HIGH"] == 2 and head["by_severity"]["MEDIUM"] == 3
    assert head["new"] == 6 and head["resolved"] == 1
    assert head["fixed_automatically"] == 1
    assert head["needs_human"] == 5  # the fixed bucket waits for its next evaluation
    assert report["by_source"] == {"assetpack": 4, "Inspector": 0, "GuardDuty": 1,
                                   "Config": 1, "Security Hub": 0}
    assert report["by_category"]["cost"] == 1 and report["by_category"]["threat"] == 1
    # Trend: the three earlier snapshots (the 12-day-old one only in 30 days) and today.
    assert [p["open"] for p in report["trend"]["7d"]] == [9, 8, 6]
    assert [p["open"] for p in report["trend"]["30d"]] == [20, 9, 8, 6]
    top = report["riskiest"][0]
    assert (top["resource"], top["owner"], top["class"], top["score"]) == (
        ARN_I, "web-team", "network", 12)  # HIGH (3) x critical (4)
    untagged = next(r for r in report["riskiest"] if r["resource"] == ARN_VOL)
    assert untagged["criticality"] == "(unclassified)" and untagged["class"] == "storage"
    assert {r["class"]: r["non_compliant"] for r in report["tag_compliance"]} == {"storage": 1}
    assert report["cost"]["waste_monthly_usd"] == 8.0
    assert report["cost"]["budgets"][0]["name"] == "monthly-total"
    assert set(report["next_steps"]) == {"web-team", "data-team", "(no owner)"}
    assert report["next_steps"]["data-team"][0] == {
        "action": "Fix s3-bucket-public-access-blocked.", "severity": "HIGH", "assets": 1}
    assert (tmp_path / "report" / "history" / f"{report['snapshot']['date']}.json").exists()
    html = out.html.read_text()
    assert html.count("class='bar'") == 5 + 5 + len(report["by_category"])
    assert html.count("class='point'") == 3 + 4
    assert "src=" not in html and "<link" not in html and "<script" not in html


def test_korean_report_from_the_same_template(aws, tmp_path):
    seed(aws, tmp_path / "journal", tmp_path / "r" / "history")
    out = run(Options(tmp_path / "r", lang="ko", journal=str(tmp_path / "journal")))
    html = out.html.read_text()
    assert '<html lang="ko">' in html and "일일 점검 보고서" in html and "위험도 상위" in html


def test_send_queues_report_and_digest_per_route(aws, tmp_path):
    seed(aws, tmp_path / "journal", tmp_path / "r" / "history")
    sqs = aws.client("sqs")
    url = sqs.create_queue(QueueName="assetpack-notify")["QueueUrl"]
    config = tmp_path / "mailer.yml"
    config.write_text(f"queue_url: {url}\nroutes:\n  web-team: ['slack://#web']\n"
                      "  security-channel: ['slack://#security']\n  default: [ops@example.com]\n")
    code = main(["report", "-o", str(tmp_path / "r"), "--send", "--mailer-config", str(config),
                 "--to", "security-channel", "--journal", str(tmp_path / "journal")])
    assert code == 0
    received = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                       MessageAttributeNames=["All"]).get("Messages"):
        received += batch
        sqs.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(batch)])
    assert all(m["MessageAttributes"]["mtype"]["StringValue"] == "maidmsg/1.0"
               for m in received)
    decoded = [messages.decode(m["Body"]) for m in received]
    by_template = {}
    for d in decoded:
        assert {"account_id", "region", "policy", "action", "resources"} <= set(d)
        assert d["action"]["type"] == "notify"
        by_template.setdefault(d["action"]["template"], []).append(d)
    (report,) = by_template["daily-report"]
    assert report["action"]["to"] == ["security-channel"]
    assert report["assetpack"]["report"]["headline"]["open"] == 6
    assert report["assetpack"]["html"].startswith("<!DOCTYPE html>")
    digests = {d["action"]["to"][0]: d["assetpack"]["digest"] for d in by_template["daily-digest"]}
    assert set(digests) == {"web-team", "default"}
    assert digests["web-team"]["open"] == 2
    assert digests["web-team"]["top"][0]["resource"] == ARN_I
    assert digests["default"]["open"] == 4
    assert digests["default"]["owners_without_route"] == ["(no owner)", "data-team"]


def test_send_without_a_queue_fails_in_one_line(aws, tmp_path, capsys):
    assert main(["report", "-o", str(tmp_path / "r"), "--send"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("assetpack: error: no queue_url")
    assert (tmp_path / "r" / "report.html").exists()  # the report itself was written
