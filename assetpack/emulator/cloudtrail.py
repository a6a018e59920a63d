"""CloudTrail ``LookupEvents``, which moto 5.2 lacks, added to the emulator only.

moto records no management events, so the history is whatever the caller seeds:
``POST /_assetpack/cloudtrail/events`` with ``{"records": [<CloudTrail record>, ...]}``
stores bare records (or EventBridge envelopes) under the account and region they
name (``recipientAccountId``, ``awsRegion``). ``POST /moto-api/reset`` clears the
store with the rest of moto's state. :func:`seed` is the client side.

``LookupEvents`` then serves them in the API's shape, newest first, with one
``LookupAttributes`` condition (EventName, ResourceName, Username, EventSource,
EventId, ReadOnly, as AWS allows one), ``StartTime``/``EndTime`` and ``NextToken``
paging. ``ResourceName`` matches any string value in the record's request or
response, which is close to what CloudTrail indexes.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

SEED_PATH = "/_assetpack/cloudtrail/events"
RESET_PATH = "/moto-api/reset"
DEFAULT_ACCOUNT = "123456789012"
MAX_RESULTS = 50

_lock = threading.Lock()
# (account, region) -> records, in arrival order
_store: dict[tuple[str, str], list[dict]] = {}


def _epoch(value: Any) -> float:
    if isinstance(value, int | float):
        return float(value)
    text = str(value or "1970-01-01T00:00:00Z").replace("Z", "+00:00")
    when = datetime.fromisoformat(text)
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def _username(record: dict) -> str:
    who = record.get("userIdentity") or {}
    issuer = (who.get("sessionContext") or {}).get("sessionIssuer") or {}
    arn = who.get("arn", "")
    if who.get("type") == "AssumedRole" and "/" in arn:
        return arn.rsplit("/", 1)[-1]  # the session name, as CloudTrail shows it
    return who.get("userName") or issuer.get("userName") or (
        "root" if who.get("type") == "Root" else who.get("invokedBy", ""))


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def _resources(record: dict) -> list[dict]:
    from c7n_plugins.trail.events import resources_from_record

    return [{"ResourceType": rtype, "ResourceName": rid}
            for rtype, rid in resources_from_record(record)]


def add_records(records: list[dict]) -> int:
    """Store CloudTrail records (bare or in an EventBridge envelope)."""
    from c7n_plugins.trail.events import normalise_event

    count = 0
    with _lock:
        for raw in records:
            record = normalise_event(raw)
            key = (record.get("recipientAccountId") or DEFAULT_ACCOUNT,
                   record.get("awsRegion") or "us-east-1")
            _store.setdefault(key, []).append(record)
            count += 1
    return count


def clear() -> None:
    with _lock:
        _store.clear()


def _matches(record: dict, attribute: dict | None) -> bool:
    if not attribute:
        return True
    key, value = attribute.get("AttributeKey"), attribute.get("AttributeValue")
    if key == "EventName":
        return record.get("eventName") == value
    if key == "EventSource":
        return record.get("eventSource") == value
    if key == "EventId":
        return record.get("eventID") == value
    if key == "Username":
        return _username(record) == value
    if key == "ReadOnly":
        return str(record.get("readOnly", False)).lower() == str(value).lower()
    if key == "ResourceName":
        return value in _strings([record.get("requestParameters"),
                                  record.get("responseElements"), record.get("resources")])
    return False


def lookup(account: str, region: str, body: dict) -> dict:
    """The ``LookupEvents`` answer for one request body."""
    attributes = body.get("LookupAttributes") or []
    start = _epoch(body["StartTime"]) if body.get("StartTime") else float("-inf")
    end = _epoch(body["EndTime"]) if body.get("EndTime") else float("inf")
    with _lock:
        records = list(_store.get((account, region), ()))
    found = [r for r in records
             if start <= _epoch(r.get("eventTime")) <= end
             and _matches(r, attributes[0] if attributes else None)]
    found.sort(key=lambda r: _epoch(r.get("eventTime")), reverse=True)
    offset = int(body.get("NextToken") or 0)
    size = min(int(body.get("MaxResults") or MAX_RESULTS), MAX_RESULTS)
    page = found[offset:offset + size]
    out: dict[str, Any] = {"Events": [{
        "EventId": r.get("eventID", ""),
        "EventName": r.get("eventName", ""),
        "ReadOnly": str(r.get("readOnly", False)).lower(),
        "AccessKeyId": (r.get("userIdentity") or {}).get("accessKeyId", ""),
        "EventTime": _epoch(r.get("eventTime")),
        "EventSource": r.get("eventSource", ""),
        "Username": _username(r),
        "Resources": _resources(r),
        "CloudTrailEvent": json.dumps(r),
    } for r in page]}
    if offset + size < len(found):
        out["NextToken"] = str(offset + size)
    return out


def seed(endpoint: str, records: list[dict], timeout: float = 30) -> int:
    """Client side: store ``records`` in the emulator at ``endpoint``; returns the count."""
    import requests

    answer = requests.post(f"{endpoint.rstrip('/')}{SEED_PATH}", json={"records": records},
                           timeout=timeout)
    answer.raise_for_status()
    return int(answer.json()["stored"])


def wrap(app):
    """WSGI middleware: the seeding route, and reset clears the store too."""
    from werkzeug.wrappers import Request, Response

    def middleware(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == SEED_PATH and environ.get("REQUEST_METHOD") == "POST":
            request = Request(environ)
            try:
                records = (request.get_json(force=True) or {}).get("records", [])
                stored = add_records(records)
            except (ValueError, TypeError, AttributeError) as err:
                response = Response(json.dumps({"error": str(err)}), status=400,
                                    mimetype="application/json")
            else:
                response = Response(json.dumps({"stored": stored}),
                                    mimetype="application/json")
            return response(environ, start_response)
        if path == RESET_PATH:
            clear()
        return app(environ, start_response)

    return middleware


def install() -> None:
    """Add ``lookup_events`` to moto's CloudTrail responses in this process."""
    from moto.cloudtrail.responses import CloudTrailResponse

    def lookup_events(self) -> str:
        return json.dumps(lookup(self.current_account, self.region,
                                 json.loads(self.body or "{}")))

    CloudTrailResponse.lookup_events = lookup_events
