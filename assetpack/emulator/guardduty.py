"""GuardDuty ``GetFindings``, which moto 5.2 lacks, added to the emulator only.

GuardDuty creates findings itself; locally the caller seeds them: ``POST
/_assetpack/guardduty/findings`` with ``{"findings": [<finding as in the "GuardDuty
Finding" event's detail>]}``. ``GetFindings`` then answers them in the API's wire
shape (the same camel-case document). ``POST /moto-api/reset`` clears the store.
"""

from __future__ import annotations

import json
import threading

SEED_PATH = "/_assetpack/guardduty/findings"
RESET_PATH = "/moto-api/reset"

_lock = threading.Lock()
_findings: dict[tuple[str, str], dict] = {}


def add(findings: list[dict]) -> int:
    with _lock:
        for f in findings:
            _findings[((f.get("service") or {}).get("detectorId", ""), f.get("id", ""))] = f
    return len(findings)


def seed(endpoint: str, findings: list[dict], timeout: float = 30) -> int:
    """Client side: store GuardDuty findings in the emulator at ``endpoint``."""
    import requests

    answer = requests.post(f"{endpoint.rstrip('/')}{SEED_PATH}", json={"findings": findings},
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
            stored = add(list(body.get("findings") or []))
            return Response(json.dumps({"stored": stored}),
                            mimetype="application/json")(environ, start_response)
        if path == RESET_PATH:
            with _lock:
                _findings.clear()
        return app(environ, start_response)

    return middleware


def install() -> None:
    from moto.guardduty import urls
    from moto.guardduty.responses import GuardDutyResponse

    def get_findings(self) -> str:
        detector = self.path.split("/detector/", 1)[-1].split("/", 1)[0]
        wanted = json.loads(self.body or "{}").get("findingIds") or []
        with _lock:
            found = [_findings[(detector, i)] for i in wanted if (detector, i) in _findings]
        return json.dumps({"findings": found})

    GuardDutyResponse.get_findings = get_findings
    urls.url_paths.setdefault("{0}/detector/(?P<detector_id>[^/]+)/findings/get$",
                              GuardDutyResponse.dispatch)
