"""The notification path of ``assetpack demo``: findings, alert events replayed,
the queue, the mailer, and what each local sink received.

Security Hub's HIGH and CRITICAL findings after the scan (the pack's, plus one
GuardDuty and one Inspector finding as their integrations would import them, the
GuardDuty one with hostile text) are replayed as ``Security Hub Findings -
Imported`` events through the alerting policy; the mailer, configured by
``mailer/mailer.example.yml`` with its endpoints swapped for the local SMTP and
Slack sinks, delivers the queue once. Everything received is written under
``OUT/notifications/``: ``index.html``, ``email/*.eml`` and ``*.html``,
``slack/*.json`` and an HTML preview of each Slack message.
"""

from __future__ import annotations

import copy
import html
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from assetpack import pack, slack_preview
from assetpack.sinks import SlackSink, SmtpSink

EXAMPLE_CONFIG = pack.PACKAGE_ROOT.parent / "mailer" / "mailer.example.yml"
HOSTILE_TITLE = ("<!channel> Unusual S3 access from <http://evil.example|click here> "
                 "*urgent* — 버킷에서 <b>비정상</b> 접근")


@dataclass
class NotifyResult:
    findings: int
    delivered: int
    retrying: int
    emails: int
    slack_posts: int
    by_target: dict[str, int]


def hub_findings(session) -> list[dict]:
    """Active, failed HIGH and CRITICAL findings in Security Hub now."""
    hub = session.client("securityhub")
    found: list[dict] = []
    filters = {"SeverityLabel": [{"Value": s, "Comparison": "EQUALS"}
                                 for s in ("HIGH", "CRITICAL")],
               "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}],
               "ComplianceStatus": [{"Value": "FAILED", "Comparison": "EQUALS"}]}
    for page in hub.get_paginator("get_findings").paginate(Filters=filters):
        found.extend(page["Findings"])
    return found


def other_products(findings: list[dict], account: str, region: str) -> list[dict]:
    """A GuardDuty and an Inspector finding on assets the pack already flagged."""
    def pick(prefix: str) -> str | None:
        return next((f["Resources"][0]["Id"] for f in findings
                     if f["Resources"][0]["Id"].startswith(prefix)), None)

    base = {"SchemaVersion": "2018-10-08", "AwsAccountId": account,
            "CreatedAt": "2026-12-01T08:00:00Z", "UpdatedAt": "2026-12-01T08:00:00Z",
            "RecordState": "ACTIVE", "Workflow": {"Status": "NEW"}}
    out = []
    bucket = pick("arn:aws:s3:::")
    if bucket:
        out.append({**base, "Id": f"arn:aws:guardduty:{region}:{account}:detector/demo/"
                    "finding/demo-s3-exfil", "ProductName": "GuardDuty",
                    "ProductArn": f"arn:aws:securityhub:{region}::product/aws/guardduty",
                    "GeneratorId": "arn:aws:guardduty:demo", "Severity": {"Label": "HIGH"},
                    "Types": ["TTPs/Exfiltration"], "Title": HOSTILE_TITLE,
                    "Description": HOSTILE_TITLE + " (" + "가" * 200 + ")",
                    "Resources": [{"Type": "AwsS3Bucket", "Id": bucket, "Region": region}]})
    repo = pick(f"arn:aws:ecr:{region}:{account}:repository/") or \
        f"arn:aws:ecr:{region}:{account}:repository/legacy-web"
    out.append({**base, "Id": f"arn:aws:inspector2:{region}:{account}:finding/demo-xz",
                "ProductName": "Inspector",
                "ProductArn": f"arn:aws:securityhub:{region}::product/aws/inspector",
                "GeneratorId": "AWSInspector", "Severity": {"Label": "CRITICAL"},
                "Types": ["Software and Configuration Checks/Vulnerabilities/CVE"],
                "Title": "CVE-2024-3094 - xz-utils", "Description": "Backdoor in xz-utils "
                "5.6.0/5.6.1 (liblzma); fixed in 5.6.2.",
                "Resources": [{"Type": "AwsEcrContainerImage", "Id": repo, "Region": region}]})
    return out


def replay_alerts(session, out: Path, account: str, region: str) -> int:
    from assetpack.replay import Replayer

    findings = hub_findings(session)
    extra = other_products(findings, account, region)
    session.client("securityhub").batch_import_findings(Findings=extra)
    replayer = Replayer(out / "replay", region, account,
                        [pack.policies_root() / "alerting" / "hub-findings.yml"])
    batch = 10  # findings per event, as Security Hub batches its import events
    everything = findings + extra
    for i in range(0, len(everything), batch):
        event = {"version": "0", "id": f"demo-{i}", "source": "aws.securityhub",
                 "detail-type": "Security Hub Findings - Imported", "account": account,
                 "region": region, "time": "2026-12-01T08:00:00Z", "resources": [],
                 "detail": {"findings": copy.deepcopy(everything[i:i + batch])}}
        for outcome in replayer.replay(f"findings {i}-{i + batch}", event):
            if outcome.error:
                print(f"    {outcome.policy}: {outcome.error}", file=sys.stderr)
    return len(everything)


def local_config(queue_url: str, smtp: SmtpSink, slack: SlackSink, state: Path) -> dict:
    """The shipped example configuration, pointed at the local sinks."""
    from assetpack_mailer.config import check

    config = yaml.safe_load(EXAMPLE_CONFIG.read_text())
    config.update(queue_url=queue_url, smtp_server="127.0.0.1", smtp_port=smtp.port,
                  smtp_ssl=False, smtp_username=None, smtp_password=None,
                  slack_token="xoxb-demo", slack_api_url=slack.api_url,
                  delivery_state=str(state))
    config["routes"] = {name: [slack.webhook_url(name) if t.startswith("http") else t
                               for t in targets]
                        for name, targets in config["routes"].items()}
    return check({k: v for k, v in config.items() if v is not None}, str(EXAMPLE_CONFIG))


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9@._-]+", "_", value)[:60]


def write_received(out: Path, smtp: SmtpSink, slack: SlackSink) -> None:
    (out / "email").mkdir(parents=True, exist_ok=True)
    (out / "slack").mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, str, str, str]] = []
    for n, mail in enumerate(smtp.messages, 1):
        stem = f"email/{n:03d}-{_slug(mail['To'])}"
        (out / f"{stem}.eml").write_bytes(mail.as_bytes())
        (out / f"{stem}.html").write_text(mail.get_body(("html",)).get_content())
        rows.append((mail["To"], mail["Subject"], f"{stem}.html", f"{stem}.eml"))
    for n, (channel, payload) in enumerate(slack.posts, 1):
        stem = f"slack/{n:03d}-{_slug(channel)}"
        (out / f"{stem}.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False))
        (out / f"{stem}.html").write_text(slack_preview.render(payload, channel))
        rows.append((channel, payload.get("text", ""), f"{stem}.html", f"{stem}.json"))
    body = "".join(
        f"<tr><td>{html.escape(t)}</td><td>{html.escape(s)}</td><td><a href=\"{v}\">view</a>"
        f" · <a href=\"{r}\">raw</a></td></tr>" for t, s, v, r in rows)
    (out / "index.html").write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Notifications sent by the '
        "demo</title><style>body{font-family:sans-serif;margin:24px}td,th{padding:4px 8px;"
        "border-bottom:1px solid #ddd;text-align:left}</style></head><body><h1>What each sink "
        f"received ({len(smtp.messages)} e-mails, {len(slack.posts)} Slack messages)</h1>"
        f"<table><tr><th>to</th><th>subject / text</th><th></th></tr>{body}</table>"
        "</body></html>")


def run_notifications(session, out: Path, queue_url: str, account: str = "123456789012",
                      region: str = "us-east-1") -> NotifyResult:
    from assetpack_mailer.processor import Mailer

    findings = replay_alerts(session, out, account, region)
    with SmtpSink() as smtp, SlackSink() as slack:
        config = local_config(queue_url, smtp, slack, out / "notifications" / "state")
        result = Mailer(config, session).run(once=True)
    write_received(out / "notifications", smtp, slack)
    by_target: dict[str, int] = {}
    for target in [m["To"] for m in smtp.messages] + [c for c, _ in slack.posts]:
        by_target[target] = by_target.get(target, 0) + 1
    return NotifyResult(findings=findings, delivered=result.delivered,
                        retrying=result.retrying, emails=len(smtp.messages),
                        slack_posts=len(slack.posts), by_target=by_target)


def describe(result: NotifyResult, out: Path) -> str:
    top = sorted(result.by_target.items(), key=lambda kv: -kv[1])[:6]
    for target, count in top:
        print(f"    {count:>4} to {target[:70]}", file=sys.stderr)
    return (f"{result.findings} HIGH/CRITICAL findings replayed, {result.delivered} queued "
            f"messages delivered ({result.emails} e-mails, {result.slack_posts} Slack messages), "
            f"{result.retrying} left queued; see {out}/notifications/index.html")

