"""``assetpack demo``: the whole pack on the local emulator, no AWS account needed.

Starts moto server on loopback, builds the demo estate, scans it (remediating
what is safe), scans again to show the fixed findings resolved, and prints
where everything landed.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from assetpack import summary
from assetpack.cli.commands import _progress, fail


def _step(text: str) -> float:
    print(f"==> {text}", file=sys.stderr, flush=True)
    return time.monotonic()


def _done(t0: float, detail: str = "") -> None:
    print(f"    done in {time.monotonic() - t0:.1f} s{': ' + detail if detail else ''}",
          file=sys.stderr, flush=True)


# The pack's own plumbing is classified like any asset (Terraform tags it so).
NOTIFY_QUEUE_TAGS = {"asset:class": "messaging", "asset:environment": "shared",
                     "asset:owner": "security-team", "asset:criticality": "high"}


def create_notify_queue(session, name: str = "assetpack-notify",
                        max_receive_count: int = 5) -> str:
    """The notification queue and its dead-letter queue, redrive included, as
    ``terraform/modules/notifications`` creates them; returns the queue URL."""
    sqs = session.client("sqs")
    dlq = sqs.create_queue(QueueName=f"{name}-dlq", tags=NOTIFY_QUEUE_TAGS)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count})
    return sqs.create_queue(QueueName=name, tags=NOTIFY_QUEUE_TAGS,
                            Attributes={"RedrivePolicy": redrive})["QueueUrl"]


def prepare_account(session) -> str:
    """What Terraform sets up in a real account: Security Hub, the taxonomy and the
    notification queue the policies' ``notify`` actions send to."""
    from importlib.resources import files

    session.client("securityhub").enable_security_hub(EnableDefaultStandards=False)
    queue_url = create_notify_queue(session)
    # The key SNS topics are encrypted with (security-baseline's aws_kms_alias.sns).
    kms = session.client("kms")
    if not any(a["AliasName"] == "alias/assetpack-sns"
               for a in kms.list_aliases().get("Aliases", [])):
        key = kms.create_key(Description="assetpack: SNS topics",
                             Tags=[{"TagKey": "asset:class", "TagValue": "security"}])
        kms.create_alias(AliasName="alias/assetpack-sns",
                         TargetKeyId=key["KeyMetadata"]["KeyId"])
    taxonomy = files("c7n_plugins.data").joinpath("taxonomy.default.json")
    if taxonomy.is_file():
        session.client("ssm").put_parameter(Name="/assetpack/taxonomy", Type="String",
                                            Value=taxonomy.read_text(), Tier="Advanced",
                                            Overwrite=True)
    return queue_url


def show_autotagging(session, output_dir: Path) -> int:
    """Replay the sample creation events and print the tags each resource got."""
    from assetpack.emulator.activity import ACTIVITIES, perform
    from assetpack.replay import Replayer

    replayer = Replayer(output_dir, session.region_name or "us-east-1", "123456789012")
    tagged = 0
    for activity in ACTIVITIES:
        real_id, record = perform(session, activity)
        for outcome in replayer.replay(activity.sample, record):
            if outcome.error:
                print(f"    {outcome.policy}: {outcome.error}", file=sys.stderr)
                continue
            tagged += len(outcome.resources)
            result = output_dir / outcome.policy / "action-autotagasset"
            tags = json.loads(result.read_text())[0]["tags"] if result.exists() else {}
            shown = ", ".join(f"{k}={v}" for k, v in tags.items()
                              if k in ("asset:creator", "asset:class", "asset:environment"))
            print(f"    {activity.resource_type:<19} {real_id[-40:]:<40} {shown}",
                  file=sys.stderr)
    return tagged


def write_reports(out: Path) -> list[Path]:
    """The daily report of the demo estate, in English and Korean (one snapshot)."""
    from assetpack.report.command import Options
    from assetpack.report.command import run as report

    journal = out / "scan" / "journal"
    written = []
    for lang, folder in (("en", out / "report"), ("ko", out / "report" / "ko")):
        result = report(Options(folder, lang=lang, history=str(out / "report" / "history"),
                                journal=str(journal) if journal.is_dir() else None))
        written.append(result.html)
    return written


def run_demo(output_dir: str, scale: int = 1) -> int:
    import boto3

    from assetpack.emulator import estate, server
    from assetpack.report.command import ReportError
    from assetpack.scan import ScanError, run_scan

    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    t0 = _step("starting the local AWS emulator (moto server on 127.0.0.1)")
    try:
        emulator = server.running()
        emu = emulator.__enter__()
    except server.EmulatorError as err:
        return fail(str(err))
    try:
        _done(t0, emu.endpoint)
        session = boto3.Session()
        t0 = _step(f"building the demo estate (scale {scale})")
        queue_url = prepare_account(session)
        built = estate.build(session, scale=scale)
        _done(t0, f"{built.created} resources, {len(built.expectations)} checks with twins")

        t0 = _step("auto-tagging: people create resources, their CloudTrail records are "
                   "replayed through the event-mode taggers")
        tagged = show_autotagging(session, out / "replay")
        _done(t0, f"{tagged} resources tagged on creation")

        t0 = _step("backfill: classifying what existed before auto-tagging (CloudTrail "
                   "history and the taxonomy)")
        from assetpack import backfill
        filled = backfill.run_backfill(session)
        (out / "backfill.txt").write_text(backfill.table(filled) + "\n")
        _done(t0, f"{sum(r.with_creator + r.class_only for r in filled)} resources "
                  f"tagged, table in {out}/backfill.txt")

        t0 = _step("scanning: every check, findings to Security Hub, safe remediation")
        first = run_scan(out / "scan", progress=_progress)
        _done(t0)
        t0 = _step("scanning again the checks that changed something: pending changes are "
                   "read again, fixed findings move to PASSED/RESOLVED")
        changed = {p.name for p in first.policies
                   if p.remediated.get("fixed") or p.remediated.get("pending")}
        second = run_scan(out / "rescan", progress=_progress, names=changed,
                          journal=first.journal)
        settled = ", ".join(f"{summary.STATUS_LABELS.get(k, k)} {v}"
                            for k, v in sorted(second.settled.items())) or "none"
        _done(t0, f"{second.findings.get('resolved', 0)} findings resolved; earlier "
                  f"pending changes now: {settled}")
        t0 = _step("threat response: GuardDuty findings (a backdoor on legacy-web-01, a "
                   "misused access key) replayed through the guard-duty policies")
        from assetpack.emulator.threats import replay_demo_threats
        threats = replay_demo_threats(session, out / "threats")
        _done(t0, f"journal in {out}/threats/journal")

        t0 = _step("alerting: HIGH/CRITICAL findings replayed as Security Hub events, "
                   "queued, delivered by the mailer to local Slack and SMTP sinks")
        from assetpack.notify_demo import describe, run_notifications
        notified = run_notifications(session, out, queue_url)
        _done(t0, describe(notified, out))

        t0 = _step("daily report: Security Hub (every product), journal, budgets, snapshots")
        reports = write_reports(out)
        _done(t0, ", ".join(str(p) for p in reports))
    except (ScanError, ReportError) as err:
        return fail(str(err))
    finally:
        emulator.__exit__(None, None, None)

    (out / "summary.json").write_text(json.dumps(
        {"scan": first.to_json(), "rescan": second.to_json(), "threats": threats,
         "cve_posture": summary.cve_posture(first)}, indent=2))
    (out / "remediation.md").write_text(summary.remediation_report(first))
    threat_line = (f"{threats['findings']} findings, {threats['alerts']} alerts queued, "
                   f"{threats['contained']} instance contained, {threats['keys_deactivated']} "
                   f"access key deactivated, {threats['errors']} errors")
    (out / "summary.md").write_text("## First scan\n\n" + summary.markdown(first)
                                    + "\n## After remediation\n\n" + summary.markdown(second)
                                    + "\n## Threat response (GuardDuty)\n\n" + threat_line
                                    + "\n")
    print(summary.table(first))
    rescanned = {p.name for p in second.policies}
    remaining = second.totals()["violations"] + sum(
        p.matched for p in first.policies if p.name not in rescanned)
    print(f"after remediation: {second.findings.get('resolved', 0)} findings resolved, "
          f"{remaining} violations remain for people to fix")
    print(f"threats (GuardDuty): {threat_line}")
    print(f"journal: {first.journal} (undo: assetpack undo --journal {first.journal}; "
          "the emulator is gone, so only against a live estate)")
    print(f"outputs: {out}/summary.md, {out}/remediation.md, {out}/summary.json, "
          f"{out}/scan/<policy>/resources.json, {out}/notifications/index.html")
    print(f"daily report: {out}/report/report.html (Korean: {out}/report/ko/report.html), "
          f"numbers in {out}/report/report.json")
    return 0
