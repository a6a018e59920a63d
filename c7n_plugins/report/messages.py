"""The daily digest per route, and the queue messages that carry it and the report.

Messages go to the notification queue (contract 5) in c7n-mailer's own format, the
one Custodian's ``notify`` action sends: the JSON message compressed with zlib,
base64-encoded, with the ``mtype`` attribute ``maidmsg/1.0``. The mailer delivers
them like any policy's notification; ``action.template`` says which template
renders them (``daily-report`` or ``daily-digest``) and ``assetpack`` carries the
numbers. Standard library and boto3 only (the daily Lambda sends them too).

Routing follows contract 5: an owner whose name is a route gets its own digest;
items whose owner has no route (or no owner at all) go to ``default``, and the
digest says so.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
import zlib
from collections import Counter, defaultdict
from typing import Any

from c7n_plugins.report.data import (
    NO_OWNER,
    SEVERITIES,
    SEVERITY_WEIGHT,
    Collected,
    Item,
    ordered_counts,
)

MTYPE = "maidmsg/1.0"  # c7n.actions.notify.BaseNotify.C7N_DATA_MESSAGE
MAX_BODY = 262144  # c7n's buffer_max_size for SQS: the queue's message limit
DEFAULT_ROUTE = "default"
TOP_ITEMS = 5
POLICY = {"name": "assetpack-daily-report", "resource": "aws.account",
          "metadata": {"category": "reporting", "severity": "informational",
                       "remediation": "none",
                       "description": "The daily inspection report and digest."}}


def route_of(item: Item, routes: dict[str, Any]) -> str:
    return item.owner if item.owner != NO_OWNER and item.owner in routes else DEFAULT_ROUTE


def digests(c: Collected, routes: dict[str, Any], top: int = TOP_ITEMS) -> dict[str, dict]:
    """Per route: open findings by severity, new since the window start, the top items."""
    by_route: dict[str, list[Item]] = defaultdict(list)
    for item in c.open_items():
        by_route[route_of(item, routes)].append(item)
    out = {}
    for route, items in sorted(by_route.items()):
        ranked = sorted(items, key=lambda i: (-i.risk, -SEVERITY_WEIGHT.get(i.severity, 0),
                                              i.resource, i.title))
        owners_without_route = sorted({i.owner for i in items if route_of(i, routes) != i.owner})
        out[route] = {
            "route": route, "open": len(items),
            "by_severity": ordered_counts(Counter(i.severity for i in items), SEVERITIES),
            "new": sum(1 for i in items if i.created and i.created >= c.window_start),
            "top": [i.to_json() for i in ranked[:top]],
            "owners_without_route": owners_without_route,
        }
    return out


def encode(message: dict[str, Any]) -> str:
    """c7n-mailer's body: base64(zlib(json))."""
    return base64.b64encode(zlib.compress(json.dumps(message, default=str).encode())).decode()


def decode(body: str) -> dict[str, Any]:
    return json.loads(zlib.decompress(base64.b64decode(body)))


def envelope(c: Collected, to: list[str], template: str, subject: str, payload: dict,
             resources: list[dict]) -> dict[str, Any]:
    """A message shaped like the one Custodian's ``notify`` action queues."""
    from c7n.version import version

    return {
        "event": None, "account_id": c.account, "account": c.account, "partition": "aws",
        "region": c.region, "version": version, "execution_id": str(uuid.uuid4()),
        "execution_start": time.time(), "policy": POLICY,
        "action": {"type": "notify", "to": to, "template": template, "subject": subject,
                   "transport": {"type": "sqs"}},
        "resources": resources, "assetpack": payload,
    }


def report_message(c: Collected, report: dict, to: list[str], lang: str,
                   html: str | None = None) -> dict[str, Any]:
    """The report for e-mail (``html`` when rendered already) and a Slack summary."""
    head = report["headline"]
    subject = (f"[assetpack] daily report {c.account}/{c.region}: {head['open']} open, "
               f"{head['new']} new, {head['fixed_automatically']} fixed")
    payload = {"kind": "daily-report", "lang": lang, "report": report, "html": html}
    message = envelope(c, to, "daily-report", subject, payload,
                       [{"resource": r["resource"], "severity": r["worst_severity"],
                         "owner": r["owner"]} for r in report["riskiest"]])
    if len(encode(message)) > MAX_BODY:
        # The numbers stay; the pre-rendered page is dropped and rendered by the mailer.
        payload["html"] = None
    return message


def digest_messages(c: Collected, routes: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    out = []
    for route, digest in digests(c, routes).items():
        subject = (f"[assetpack] daily digest for {route}: {digest['open']} open, "
                   f"{digest['new']} new")
        out.append(envelope(c, [route], "daily-digest", subject,
                            {"kind": "daily-digest", "lang": lang, "digest": digest},
                            digest["top"]))
    return out


def send(sqs_client, queue_url: str, messages: list[dict[str, Any]]) -> list[str]:
    """Queue the messages (10 per ``SendMessageBatch``); raise if any was refused."""
    ids = []
    for start in range(0, len(messages), 10):
        batch = messages[start:start + 10]
        entries = [{"Id": str(n), "MessageBody": encode(m),
                    "MessageAttributes": {"mtype": {"DataType": "String", "StringValue": MTYPE}}}
                   for n, m in enumerate(batch)]
        response = sqs_client.send_message_batch(QueueUrl=queue_url, Entries=entries)
        if response.get("Failed"):
            reasons = "; ".join(f.get("Message", f.get("Code", "?")) for f in response["Failed"])
            raise RuntimeError(f"the queue refused {len(response['Failed'])} message(s): {reasons}")
        ids.extend(s["MessageId"] for s in response.get("Successful", []))
    return ids
