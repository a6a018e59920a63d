"""Drive ``assetpack report``: collect, count, keep the day's snapshot, render, send."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import yaml
from botocore.exceptions import BotoCoreError, ClientError

from assetpack.report.render import render_html
from c7n_plugins.journal import Journal, JournalError
from c7n_plugins.report import data, messages
from c7n_plugins.report.history import History, HistoryError

HISTORY_ENV = "ASSETPACK_HISTORY"
MAILER_CONFIG_ENV = "ASSETPACK_MAILER_CONFIG"
DEFAULT_QUEUE = "assetpack-notify"


class ReportError(RuntimeError):
    """The report could not be made or sent; the message says why, in one line."""


@dataclass
class Options:
    output_dir: Path
    since: str = "24h"
    lang: str = "en"
    send: bool = False
    journal: str | None = None
    history: str | None = None
    mailer_config: str | None = None
    to: list[str] = field(default_factory=lambda: [messages.DEFAULT_ROUTE])
    region: str | None = None
    source: str | None = None  # render this report.json (a file or s3://) instead


@dataclass
class Outcome:
    html: Path
    json: Path
    report: dict[str, Any]
    snapshot: str
    sent: list[str] = field(default_factory=list)


def journal_location(opts: Options) -> str | None:
    """``--journal``, else ``ASSETPACK_JOURNAL``, else the scan's ``journal`` folder
    beside the report folder (``scan -s OUT`` then ``report -o OUT/report``)."""
    beside = opts.output_dir.resolve().parent / "journal"
    return opts.journal or os.environ.get("ASSETPACK_JOURNAL") or (
        str(beside) if beside.is_dir() else None)


def mailer_config(path: str | None) -> dict[str, Any]:
    """The mailer configuration (contract 5): ``queue_url`` and ``routes`` are used here."""
    path = path or os.environ.get(MAILER_CONFIG_ENV)
    if not path:
        return {}
    try:
        config = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError) as err:
        raise ReportError(f"cannot read the mailer configuration {path}: {err}") from err
    if not isinstance(config, dict):
        raise ReportError(f"{path}: the mailer configuration must be a mapping")
    return config


def queue_url(sqs, config: dict[str, Any]) -> str:
    if config.get("queue_url"):
        return config["queue_url"]
    try:
        return sqs.get_queue_url(QueueName=DEFAULT_QUEUE)["QueueUrl"]
    except ClientError as err:
        raise ReportError(f"no queue_url in the mailer configuration and no queue "
                          f"{DEFAULT_QUEUE}: {err.response['Error']['Message']}") from err


def load_report(source: str, session) -> dict[str, Any]:
    """A report.json written earlier, e.g. by the daily Lambda in the reports bucket."""
    try:
        if source.startswith("s3://"):
            bucket, _, key = source[len("s3://"):].partition("/")
            body = session.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
        else:
            body = Path(source).read_bytes()
        report = json.loads(body)
    except (OSError, ValueError, ClientError, BotoCoreError) as err:
        raise ReportError(f"cannot read the report {source}: {err}") from err
    if not isinstance(report, dict) or "headline" not in report:
        raise ReportError(f"{source} is not a report.json")
    return report


def render_only(opts: Options) -> Outcome:
    """Render a computed report (the Lambda's) where Jinja2 is: HTML and a JSON copy."""
    report = load_report(opts.source, boto3.Session(region_name=opts.region))
    opts.output_dir.mkdir(parents=True, exist_ok=True)
    out = Outcome(opts.output_dir / "report.html", opts.output_dir / "report.json", report, "")
    out.html.write_text(render_html(report, opts.lang), encoding="utf-8")
    out.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return out


def run(opts: Options) -> Outcome:
    since = data.parse_since(opts.since)  # ValueError: a usage error
    if opts.source:
        if opts.send:
            raise ValueError("--from renders a report; --send needs a fresh one (drop --from)")
        return render_only(opts)
    session = boto3.Session(region_name=opts.region)
    location = journal_location(opts)
    try:
        journal = Journal(location, session) if location else None
    except JournalError as err:
        raise ReportError(str(err)) from err
    try:
        collected = data.collect(session, since, journal)
    except (ClientError, BotoCoreError) as err:
        raise ReportError(f"cannot read Security Hub findings: {err}") from err
    history = History(opts.history or os.environ.get(HISTORY_ENV)
                      or str(opts.output_dir / "history"), session)
    today = collected.now.date().isoformat()
    try:
        earlier = history.load(30, before=today)
    except HistoryError as err:
        collected.errors.append(str(err))
        earlier = []
    report = data.build_report(collected, earlier)
    try:
        where = history.save(report["snapshot"])
    except HistoryError as err:
        report["errors"].append(str(err))
        where = ""
    opts.output_dir.mkdir(parents=True, exist_ok=True)
    html = render_html(report, opts.lang)
    out = Outcome(opts.output_dir / "report.html", opts.output_dir / "report.json", report, where)
    out.html.write_text(html, encoding="utf-8")
    out.json.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str),
                        encoding="utf-8")
    if opts.send:
        out.sent = send(session, collected, report, html, opts)
    return out


def send(session, collected: data.Collected, report: dict, html: str, opts: Options) -> list[str]:
    """Queue the report (HTML for e-mail, numbers for the Slack summary) and the digests."""
    config = mailer_config(opts.mailer_config)
    routes = config.get("routes") or {}
    sqs = session.client("sqs")
    url = queue_url(sqs, config)
    batch = [messages.report_message(collected, report, opts.to, opts.lang, html),
             *messages.digest_messages(collected, routes, opts.lang)]
    try:
        return messages.send(sqs, url, batch)
    except (ClientError, BotoCoreError, RuntimeError) as err:
        raise ReportError(f"cannot queue the report for the mailer: {err}") from err
