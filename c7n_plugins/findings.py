"""Security Hub findings of the pack (DESIGN.md contract 2).

One finding per (policy, resource): its ``Id`` is derived from both, so a later
run updates the same finding instead of adding a duplicate, and no tag has to be
written on the resource to remember it (Custodian's ``post-finding`` tags every
resource, one API call each). Imports go 100 at a time, the API's maximum.

A finding whose resource no longer violates is re-imported as ``PASSED`` and its
workflow set to ``RESOLVED`` with ``BatchUpdateFindings``, the only call allowed
to change a workflow after creation.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from c7n.utils import chunks

from c7n_plugins.taxonomy import tags_to_dict

log = logging.getLogger("assetpack.findings")

BATCH = 100
CLASSIFICATION_KEYS = ("asset:class", "asset:owner", "asset:criticality", "asset:environment")
FRAMEWORKS = {
    "CIS-v5.0.0": "CIS AWS Foundations Benchmark v5.0.0",
    "ISMS-P-2023": "KISA ISMS-P 2023",
}
FINDING_TYPES = {
    "compliance": "Software and Configuration Checks/Industry and Regulatory Standards/"
    "AWS-Foundational-Security-Best-Practices",
    "vulnerability": "Software and Configuration Checks/Vulnerabilities/CVE",
    "threat": "TTPs/Initial Access",
    "tagging": "Software and Configuration Checks/AWS Security Best Practices",
}
DEFAULT_TYPE = "Software and Configuration Checks/AWS Security Best Practices"
# A cost check's filter annotates each resource with its estimated monthly waste
# (c7n_plugins.elements.waste); the finding carries it for the daily report.
MONTHLY_COST = "c7n:monthly-waste-usd"
COST_FIELD = "assetpack/monthly-cost-usd"
TYPE_FIELD = "assetpack/resource-type"


@dataclass(frozen=True)
class Control:
    """What a policy's contract-3 metadata says about the finding it produces."""

    policy: str
    title: str
    description: str
    severity: str
    category: str
    security_control_id: str | None
    related_requirements: tuple[str, ...]
    recommendation: str

    @classmethod
    def from_policy_data(cls, data: dict) -> Control:
        meta = data.get("metadata") or {}
        fsbp, related = None, []
        for ref in meta.get("controls") or ():
            framework, _, control_id = ref.partition("/")
            if framework == "FSBP":
                fsbp = control_id
            else:
                related.append(f"{FRAMEWORKS.get(framework, framework)}/{control_id}")
        description = meta.get("description") or data.get("description") or data["name"]
        return cls(
            policy=data["name"],
            title=f"{fsbp} {description}" if fsbp else description,
            description=data.get("description") or description,
            severity=str(meta.get("severity", "informational")).upper(),
            category=meta.get("category", "compliance"),
            security_control_id=fsbp,
            related_requirements=tuple(related),
            recommendation=meta.get("recommendation") or description,
        )


def finding_id(account: str, region: str, policy: str, resource_arn: str) -> str:
    """Deterministic id: same policy and resource, same finding, every run."""
    digest = hashlib.sha256(resource_arn.encode()).hexdigest()[:24]
    return f"assetpack/{account}/{region}/{policy}/{digest}"


def product_arn(account: str, region: str, partition: str = "aws") -> str:
    """The account's own default product: custom findings need no integration."""
    return f"arn:{partition}:securityhub:{region}:{account}:product/{account}/default"


@dataclass
class FindingBuilder:
    """Builds contract-2 findings for one policy's resources."""

    control: Control
    account: str
    region: str
    now: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    resource_type: str = ""  # the Custodian type, e.g. "aws.s3": the report's class fallback

    def build(self, resource_asff: dict, resource: dict, status: str = "FAILED") -> dict:
        c = self.control
        compliance: dict[str, Any] = {"Status": status}
        if c.security_control_id:
            compliance["SecurityControlId"] = c.security_control_id
        if c.related_requirements:
            compliance["RelatedRequirements"] = list(c.related_requirements)
        fields = {"assetpack/policy": c.policy, "assetpack/category": c.category}
        if self.resource_type:
            fields[TYPE_FIELD] = self.resource_type
        if resource.get(MONTHLY_COST) is not None:
            fields[COST_FIELD] = f"{float(resource[MONTHLY_COST]):.2f}"
        tags = tags_to_dict(resource.get("Tags"))
        fields.update({k: str(tags[k]) for k in CLASSIFICATION_KEYS if tags.get(k)})
        return {
            "SchemaVersion": "2018-10-08",
            "Id": finding_id(self.account, self.region, c.policy, resource_asff["Id"]),
            "ProductArn": product_arn(self.account, self.region),
            "GeneratorId": c.policy,
            "AwsAccountId": self.account,
            "Types": [FINDING_TYPES.get(c.category, DEFAULT_TYPE)],
            "CreatedAt": self.now,
            "UpdatedAt": self.now,
            "Severity": {"Label": c.severity},
            "Title": c.title[:256],
            "Description": c.description[:1024],
            "Remediation": {"Recommendation": {"Text": c.recommendation[:512]}},
            "ProductFields": fields,
            "Compliance": compliance,
            "RecordState": "ACTIVE",
            "Resources": [resource_asff],
        }


class FindingStore:
    """Imports, updates and resolves the pack's findings in one account and region."""

    def __init__(self, client, account: str, region: str):
        self.client = client
        self.account = account
        self.region = region
        self.stats = {"imported": 0, "failed": 0, "resolved": 0}

    def import_findings(self, findings: Sequence[dict]) -> None:
        for batch in chunks(findings, BATCH):
            response = self.client.batch_import_findings(Findings=batch)
            self.stats["imported"] += response.get("SuccessCount", 0)
            if response.get("FailedCount"):
                self.stats["failed"] += response["FailedCount"]
                for failure in response.get("FailedFindings", [])[:5]:
                    log.error("finding %s rejected: %s", failure.get("Id"),
                              failure.get("ErrorMessage"))

    def open_findings(self, policies: Iterable[str]) -> list[dict]:
        """The pack's FAILED, active findings for these policies."""
        names = sorted(set(policies))
        found: list[dict] = []
        # Security Hub takes at most 20 values per filter field.
        for group in chunks(names, 20):
            filters = {
                "ProductArn": [{"Value": product_arn(self.account, self.region),
                                "Comparison": "EQUALS"}],
                "GeneratorId": [{"Value": n, "Comparison": "EQUALS"} for n in group],
                "ComplianceStatus": [{"Value": "FAILED", "Comparison": "EQUALS"}],
                "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}],
            }
            paginator = self.client.get_paginator("get_findings")
            for page in paginator.paginate(Filters=filters, PaginationConfig={"PageSize": 100}):
                found.extend(page["Findings"])
        wanted = set(names)
        return [f for f in found if f.get("GeneratorId") in wanted]

    def resolve(self, stale: Sequence[dict]) -> None:
        """Mark findings whose resource now complies as PASSED and RESOLVED."""
        if not stale:
            return
        now = datetime.now(UTC).isoformat()
        passed = []
        for f in stale:
            updated = dict(f, UpdatedAt=now, Compliance=dict(f.get("Compliance", {}),
                                                             Status="PASSED"))
            updated.pop("Workflow", None)
            updated.pop("WorkflowState", None)
            passed.append(updated)
        self.import_findings(passed)
        for batch in chunks(stale, BATCH):
            self.client.batch_update_findings(
                FindingIdentifiers=[{"Id": f["Id"], "ProductArn": f["ProductArn"]}
                                    for f in batch],
                Workflow={"Status": "RESOLVED"},
                Note={"Text": "Resource complies again; resolved by assetpack.",
                      "UpdatedBy": "assetpack"},
            )
        self.stats["resolved"] += len(stale)

    def reconcile(self, current: Sequence[dict], policies: Iterable[str]) -> None:
        """Import ``current`` and resolve open findings of ``policies`` not in it."""
        policies = list(policies)
        current_ids = {f["Id"] for f in current}
        previously_open = self.open_findings(policies) if policies else []
        self.import_findings(current)
        self.resolve([f for f in previously_open if f["Id"] not in current_ids])
