"""Amazon Inspector reads moto 5.2 lacks or fakes, added to the emulator only.

moto's ``ListFindings`` ignores ``filterCriteria`` and paging (it hands out queued
results one request at a time), and ``ListCoverage`` is missing. The pack filters
server-side on real AWS (only active package vulnerabilities, 100 a page), so the
emulator keeps seeded findings and coverage and answers both calls the way
Inspector does for the string filters the pack uses.

Seeding: ``POST /_assetpack/inspector2`` with ``{"findings": [...], "coverage":
[...]}`` (Inspector2's own shapes). ``POST /moto-api/reset`` clears the store.
:func:`seed` is the client side.
"""

from __future__ import annotations

import json
import threading
from typing import Any

SEED_PATH = "/_assetpack/inspector2"
RESET_PATH = "/moto-api/reset"
PAGE = 100

_lock = threading.Lock()
_findings: list[dict] = []
_coverage: list[dict] = []

# filterCriteria name -> how to read the value(s) from an Inspector finding.
_FINDING_FIELDS = {
    "awsAccountId": lambda f: [f.get("awsAccountId")],
    "findingArn": lambda f: [f.get("findingArn")],
    "findingStatus": lambda f: [f.get("status")],
    "findingType": lambda f: [f.get("type")],
    "severity": lambda f: [f.get("severity")],
    "fixAvailable": lambda f: [f.get("fixAvailable")],
    "exploitAvailable": lambda f: [f.get("exploitAvailable")],
    "resourceType": lambda f: [r.get("type") for r in f.get("resources", [])],
    "resourceId": lambda f: [r.get("id") for r in f.get("resources", [])],
    "vulnerabilityId": lambda f: [(f.get("packageVulnerabilityDetails") or {})
                                  .get("vulnerabilityId")],
}
_COVERAGE_FIELDS = {
    "accountId": lambda c: [c.get("accountId")],
    "resourceId": lambda c: [c.get("resourceId")],
    "resourceType": lambda c: [c.get("resourceType")],
    "scanType": lambda c: [c.get("scanType")],
    "scanStatusCode": lambda c: [(c.get("scanStatus") or {}).get("statusCode")],
    "scanStatusReason": lambda c: [(c.get("scanStatus") or {}).get("reason")],
}


def _compare(value: Any, condition: dict) -> bool:
    wanted, op = condition.get("value"), condition.get("comparison", "EQUALS")
    if value is None:
        return op == "NOT_EQUALS"
    if op == "PREFIX":
        return str(value).startswith(str(wanted))
    if op == "NOT_EQUALS":
        return value != wanted
    return value == wanted


def _matches(item: dict, criteria: dict, fields: dict) -> bool:
    """Inspector's rule: conditions on one field are OR'ed (NOT_EQUALS AND'ed), fields AND'ed."""
    for name, conditions in (criteria or {}).items():
        if name not in fields:
            raise ValueError(f"filter {name} is not supported by the emulator")
        values = fields[name](item)
        positive = [c for c in conditions if c.get("comparison") != "NOT_EQUALS"]
        negative = [c for c in conditions if c.get("comparison") == "NOT_EQUALS"]
        if positive and not any(_compare(v, c) for v in values for c in positive):
            return False
        if negative and not all(_compare(v, c) for v in values for c in negative):
            return False
    return True


def _page(items: list[dict], body: dict, key: str) -> dict:
    offset = int(body.get("nextToken") or 0)
    size = min(int(body.get("maxResults") or PAGE), PAGE)
    out: dict[str, Any] = {key: items[offset:offset + size]}
    if offset + size < len(items):
        out["nextToken"] = str(offset + size)
    return out


def list_findings(body: dict) -> dict:
    with _lock:
        found = [f for f in _findings if _matches(f, body.get("filterCriteria"), _FINDING_FIELDS)]
    return _page(found, body, "findings")


def list_coverage(body: dict) -> dict:
    with _lock:
        found = [c for c in _coverage
                 if _matches(c, body.get("filterCriteria"), _COVERAGE_FIELDS)]
    return _page(found, body, "coveredResources")


def add(findings: list[dict], coverage: list[dict]) -> int:
    with _lock:
        _findings.extend(findings)
        _coverage.extend(coverage)
    return len(findings) + len(coverage)


def clear() -> None:
    with _lock:
        _findings.clear()
        _coverage.clear()


def seed(endpoint: str, findings: list[dict], coverage: list[dict] = (),
         timeout: float = 30) -> int:
    """Client side: store Inspector findings and coverage in the emulator at ``endpoint``."""
    import requests

    answer = requests.post(f"{endpoint.rstrip('/')}{SEED_PATH}",
                           json={"findings": findings, "coverage": list(coverage)},
                           timeout=timeout)
    answer.raise_for_status()
    return int(answer.json()["stored"])


def wrap(app):
    """WSGI middleware: the seeding route; reset clears the store too."""
    from werkzeug.wrappers import Request, Response

    def middleware(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == SEED_PATH and environ.get("REQUEST_METHOD") == "POST":
            body = Request(environ).get_json(force=True, silent=True) or {}
            stored = add(list(body.get("findings") or []), list(body.get("coverage") or []))
            return Response(json.dumps({"stored": stored}),
                            mimetype="application/json")(environ, start_response)
        if path == RESET_PATH:
            clear()
        return app(environ, start_response)

    return middleware


def install() -> None:
    """Replace moto's ``ListFindings`` and add ``ListCoverage`` in this process."""
    from moto.inspector2 import urls
    from moto.inspector2.responses import Inspector2Response

    def answer(self, reader) -> tuple[int, dict, str]:
        try:
            return 200, {}, json.dumps(reader(json.loads(self.body or "{}")), default=str)
        except ValueError as err:
            return 400, {}, json.dumps({"message": str(err)})

    Inspector2Response.list_findings = lambda self: answer(self, list_findings)
    Inspector2Response.list_coverage = lambda self: answer(self, list_coverage)
    urls.url_paths.setdefault("{0}/coverage/list$", Inspector2Response.dispatch)
