"""Helpers for the notification tests: findings, their import events, the mailer."""

from __future__ import annotations

import copy
from pathlib import Path

from assetpack import pack
from assetpack.replay import Replayer
from assetpack_mailer.config import check

ACCOUNT, REGION = "123456789012", "us-east-1"
ALERTING = [pack.policies_root() / "alerting" / "hub-findings.yml"]
HOSTILE = ("<!channel> <@U123> <http://evil|click> *bold* "
           + "한국어<b>굵게</b>&amp;" * 20)[:256]


def finding(resource_arn: str, severity: str = "CRITICAL", fid: str = "f-1",
            product: str = "Security Hub", title: str = "S3 general purpose buckets "
            "should block public access", resource_type: str = "AwsS3Bucket",
            **extra) -> dict:
    """A Security Hub finding as another product imports it."""
    f = {"SchemaVersion": "2018-10-08", "Id": fid,
         "ProductArn": f"arn:aws:securityhub:{REGION}::product/aws/securityhub",
         "ProductName": product, "GeneratorId": "security-control/S3.8",
         "AwsAccountId": ACCOUNT, "Types": ["Software and Configuration Checks"],
         "CreatedAt": "2026-12-01T00:00:00Z", "UpdatedAt": "2026-12-01T00:00:00Z",
         "Severity": {"Label": severity}, "Title": title, "Description": title,
         "Compliance": {"Status": "FAILED", "SecurityControlId": "S3.8"},
         "Workflow": {"Status": "NEW"}, "RecordState": "ACTIVE",
         "Resources": [{"Type": resource_type, "Id": resource_arn, "Region": REGION}]}
    f.update(extra)
    return {k: v for k, v in f.items() if v is not None}  # None: the product omits it


def import_and_replay(session, tmp_path: Path, *findings: dict) -> None:
    """Import findings and replay each as the Security Hub event it causes: the
    finding as Security Hub then holds it (with any fields set since)."""
    hub = session.client("securityhub")
    hub.batch_import_findings(Findings=list(findings))
    replay_stored(session, tmp_path, [f["Id"] for f in findings])


def replay_stored(session, tmp_path: Path, ids: list[str]) -> list:
    hub = session.client("securityhub")
    stored = {f["Id"]: f for f in hub.get_findings()["Findings"]}
    replayer = Replayer(tmp_path / "replay", REGION, ACCOUNT, ALERTING)
    outcomes = []
    for fid in ids:
        outcomes += replayer.replay(fid, copy.deepcopy(stored[fid]))
    assert not [o.error for o in outcomes if o.error]
    return outcomes


def queued(session, queue_url: str) -> list[dict]:
    """Every message on the queue, decoded, left in place (visibility 0)."""
    from assetpack_mailer.processor import decode

    sqs = session.client("sqs")
    out, seen = [], set()
    for _ in range(10):
        msgs = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                   VisibilityTimeout=0).get("Messages", [])
        new = [m for m in msgs if m["MessageId"] not in seen]
        if not new:
            break
        for m in new:
            seen.add(m["MessageId"])
            out.append(decode(m["Body"]))
    return out


def mailer_config(queue_url: str, smtp, slack, tmp_path: Path, **extra) -> dict:
    return check({
        "queue_url": queue_url, "region": REGION, "from_address": "assetpack@example.com",
        "smtp_server": "127.0.0.1", "smtp_port": smtp.port, "smtp_ssl": False,
        "slack_token": "xoxb-test", "slack_api_url": slack.api_url,
        "delivery_state": str(tmp_path / "state"), "retry_backoff": 0,
        "routes": {"security-page": ["slack://#security-alerts", "oncall@example.com"],
                   "security-channel": ["slack://#security-alerts"],
                   "web-team": ["web-team@example.com"],
                   "default": ["security@example.com", slack.webhook_url("default")]},
        **extra})
