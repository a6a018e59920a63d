"""Security Hub behaviours moto 5.2 lacks, added to the emulator process only.

- ``GetFindings`` ignores ``Filters`` in moto; the pack filters server-side on real
  AWS (to keep pages small), so the emulator must honour the string and date
  filters it uses. moto's generic paginator also re-reads every finding for each
  page; here a page token is a position in the list, so paging all N findings
  costs O(N), not O(N^2/100).
- ``BatchImportFindings`` finds an existing finding by scanning the list (O(N) per
  finding); here by an index. As in AWS, an import cannot change ``Workflow`` or
  ``Note`` of an existing finding, a new finding starts ``NEW``, and the workflow
  goes back from ``RESOLVED``/``NOTIFIED`` to ``NEW`` when the compliance status
  leaves ``PASSED`` or the record state leaves ``ARCHIVED``.
- ``BatchUpdateFindings`` is missing; the pack uses it to set ``Workflow.Status``
  to ``RESOLVED``, which ``BatchImportFindings`` may not change after creation.

Nothing here is imported by the pack itself: it only makes the emulator faithful.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

# ASFF string filter name -> path into the finding.
_STRING_FIELDS = {
    "Id": ("Id",),
    "GeneratorId": ("GeneratorId",),
    "ProductArn": ("ProductArn",),
    "AwsAccountId": ("AwsAccountId",),
    "RecordState": ("RecordState",),
    "ComplianceStatus": ("Compliance", "Status"),
    "ComplianceSecurityControlId": ("Compliance", "SecurityControlId"),
    "WorkflowStatus": ("Workflow", "Status"),
    "SeverityLabel": ("Severity", "Label"),
    "Title": ("Title",),
}
_DATE_FIELDS = {"CreatedAt", "UpdatedAt", "FirstObservedAt", "LastObservedAt"}
# Fields only BatchUpdateFindings may change once a finding exists.
_CUSTOMER_FIELDS = ("Workflow", "WorkflowState", "Note", "UserDefinedFields",
                    "VerificationState")


def _value(finding: dict, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(finding, dict):
            return None
        finding = finding.get(key)
    return finding


def _matches(finding: dict, filters: dict) -> bool:
    for name, conditions in (filters or {}).items():
        if name in _DATE_FIELDS:
            if not all(_in_range(finding.get(name), c) for c in conditions):
                return False
            continue
        if name == "ResourceId":
            values = [r.get("Id") for r in finding.get("Resources", [])]
        elif name in _STRING_FIELDS:
            values = [_value(finding, _STRING_FIELDS[name])]
        else:
            continue  # unsupported filters are ignored, as moto does today
        positive = [c for c in conditions if not c.get("Comparison", "").startswith("NOT_")]
        negative = [c for c in conditions if c.get("Comparison", "").startswith("NOT_")]
        if positive and not any(_compare(v, c) for v in values for c in positive):
            return False
        if any(_compare(v, c) for v in values for c in negative):
            return False
    return True


def _compare(value: Any, condition: dict) -> bool:
    op = condition.get("Comparison", "EQUALS").removeprefix("NOT_")
    wanted = condition.get("Value")
    if value is None:
        return False
    if op == "PREFIX":
        return str(value).startswith(wanted)
    if op == "CONTAINS":
        return wanted in str(value)
    return value == wanted


def _time(value: Any) -> datetime | None:
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _in_range(value: Any, condition: dict) -> bool:
    when = _time(value)
    if when is None:
        return False
    if "DateRange" in condition:  # the last N days
        days = int(condition["DateRange"].get("Value", 0))
        return when >= datetime.now(UTC) - timedelta(days=days)
    start, end = _time(condition.get("Start", "")), _time(condition.get("End", ""))
    return (start is None or when >= start) and (end is None or when <= end)


def _signature(filters: Any) -> str:
    return hashlib.sha256(json.dumps(filters, sort_keys=True).encode()).hexdigest()[:16]


def page(findings: list, filters: dict | None, max_results: int | None,
         token: str | None) -> tuple[list[dict], str | None]:
    """One page of matching findings and the next token: the token holds the list
    position to resume from, so each finding is read once across all pages."""
    limit = int(max_results or 100)
    if not 1 <= limit <= 100:
        raise ValueError("MaxResults must be a number between 1 and 100")
    start = 0
    if token:
        state = json.loads(base64.b64decode(token))
        if state.get("sig") != _signature(filters):
            raise ValueError("Input inconsistent with page token")
        start = int(state["pos"])
    out: list[dict] = []
    pos = start
    while pos < len(findings) and len(out) < limit:
        if _matches(findings[pos].data, filters):
            out.append(findings[pos].data)
        pos += 1
    if pos >= len(findings):
        return out, None
    return out, base64.b64encode(json.dumps({"pos": pos, "sig": _signature(filters)})
                                 .encode()).decode()


def _index(backend) -> dict:
    index = getattr(backend, "_assetpack_index", None)
    if index is None or len(index) != len(backend.findings):
        index = {f.id: f for f in backend.findings}
        backend._assetpack_index = index
    return index


def _merge(existing: dict, update: dict) -> None:
    """Apply a provider's update as Security Hub does."""
    before_status = (existing.get("Compliance") or {}).get("Status")
    before_state = existing.get("RecordState")
    existing.update({k: v for k, v in update.items() if k not in _CUSTOMER_FIELDS})
    reopened = (before_status == "PASSED" and (existing.get("Compliance") or {}).get(
        "Status") in ("FAILED", "WARNING", "NOT_AVAILABLE")) or (
        before_state == "ARCHIVED" and existing.get("RecordState") == "ACTIVE")
    if reopened and (existing.get("Workflow") or {}).get("Status") in ("RESOLVED", "NOTIFIED"):
        existing["Workflow"] = {"Status": "NEW"}


def install() -> None:
    """Patch moto's Security Hub backend and responses in this process."""
    from moto.securityhub import urls
    from moto.securityhub.exceptions import InvalidInputException
    from moto.securityhub.models import Finding, SecurityHubBackend
    from moto.securityhub.responses import SecurityHubResponse

    def get_findings(self, filters=None, sort_criteria=None, max_results=None, next_token=None):
        try:
            return page(self.findings, filters, max_results, next_token)
        except (ValueError, KeyError, TypeError) as err:
            raise InvalidInputException(op="GetFindings", msg=str(err)) from err

    def batch_import_findings(self, findings):
        index = _index(self)
        failed = []
        for data in findings:
            if not isinstance(data.get("Resources"), list) or not data["Resources"]:
                failed.append({"Id": data.get("Id", ""), "ErrorCode": "InvalidInput",
                               "ErrorMessage": "Finding must contain at least one resource"})
                continue
            if data["Id"] in index:
                _merge(index[data["Id"]].data, data)
            else:
                data.setdefault("Workflow", {"Status": "NEW"})
                finding = Finding(data["Id"], data)
                self.findings.append(finding)
                index[data["Id"]] = finding
        return len(failed), len(findings) - len(failed), failed

    def batch_update_findings(self) -> str:
        body = json.loads(self.body or "{}")
        wanted = {(i["Id"], i["ProductArn"]) for i in body.get("FindingIdentifiers", [])}
        updates = {k: body[k] for k in ("Workflow", "Note", "Severity", "VerificationState",
                                        "UserDefinedFields", "Confidence", "Criticality")
                   if k in body}
        processed = []
        index = _index(self.securityhub_backend)
        for key in wanted:
            finding = index.get(key[0])
            if finding is not None and finding.data.get("ProductArn") == key[1]:
                finding.data.update(updates)
                processed.append({"Id": key[0], "ProductArn": key[1]})
        unprocessed = [
            {"FindingIdentifier": {"Id": i, "ProductArn": p}, "ErrorCode": "FindingNotFound",
             "ErrorMessage": "finding not found"}
            for i, p in wanted - {(x["Id"], x["ProductArn"]) for x in processed}
        ]
        return json.dumps({"ProcessedFindings": processed, "UnprocessedFindings": unprocessed})

    SecurityHubBackend.get_findings = get_findings
    SecurityHubBackend.batch_import_findings = batch_import_findings
    SecurityHubResponse.batch_update_findings = batch_update_findings
    urls.url_paths.setdefault("{0}/findings/batchupdate$", SecurityHubResponse.dispatch)
