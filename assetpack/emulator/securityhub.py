"""Security Hub behaviours moto 5.2 lacks, added to the emulator process only.

- ``GetFindings`` ignores ``Filters`` in moto; the pack filters server-side on real
  AWS (to keep pages small), so the emulator must honour the string filters it uses.
- ``BatchUpdateFindings`` is missing; the pack uses it to set ``Workflow.Status``
  to ``RESOLVED``, which ``BatchImportFindings`` may not change after creation.

Nothing here is imported by the pack itself: it only makes the emulator faithful.
"""

from __future__ import annotations

import json
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


def _value(finding: dict, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(finding, dict):
            return None
        finding = finding.get(key)
    return finding


def _matches(finding: dict, filters: dict) -> bool:
    for name, conditions in (filters or {}).items():
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


def install() -> None:
    """Patch moto's Security Hub backend and responses in this process."""
    from moto.securityhub import urls
    from moto.securityhub.models import SecurityHubBackend
    from moto.securityhub.responses import SecurityHubResponse

    original_get = SecurityHubBackend.get_findings

    def get_findings(self, filters=None, sort_criteria=None, max_results=None, next_token=None):
        saved = self.findings
        self.findings = [f for f in saved if _matches(f.data, filters)]
        try:
            return original_get(
                self, filters=filters, sort_criteria=sort_criteria,
                max_results=max_results, next_token=next_token,
            )
        finally:
            self.findings = saved

    def batch_update_findings(self) -> str:
        body = json.loads(self.body or "{}")
        wanted = {(i["Id"], i["ProductArn"]) for i in body.get("FindingIdentifiers", [])}
        updates = {k: body[k] for k in ("Workflow", "Note", "Severity", "VerificationState",
                                        "UserDefinedFields", "Confidence", "Criticality")
                   if k in body}
        processed = []
        for finding in self.securityhub_backend.findings:
            key = (finding.data.get("Id"), finding.data.get("ProductArn"))
            if key in wanted:
                finding.data.update(updates)
                processed.append({"Id": key[0], "ProductArn": key[1]})
        unprocessed = [
            {"FindingIdentifier": {"Id": i, "ProductArn": p}, "ErrorCode": "FindingNotFound",
             "ErrorMessage": "finding not found"}
            for i, p in wanted - {(x["Id"], x["ProductArn"]) for x in processed}
        ]
        return json.dumps({"ProcessedFindings": processed, "UnprocessedFindings": unprocessed})

    SecurityHubBackend.get_findings = get_findings
    SecurityHubResponse.batch_update_findings = batch_update_findings
    urls.url_paths.setdefault("{0}/findings/batchupdate$", SecurityHubResponse.dispatch)
