"""Security Hub findings of the pack (DESIGN.md contract 2).

One finding per (policy, resource): its ``Id`` is derived from both, so a later
run updates the same finding instead of adding a duplicate, and no tag has to be
written on the resource to remember it (Custodian's ``post-finding`` tags every
resource, one API call each). Imports go 100 at a time, the API's maximum.

The lifecycle (:meth:`FindingStore.reconcile`):

- ``CreatedAt`` is the first detection. Security Hub replaces it with whatever an
  update sends, so the open findings of the checks that found something are read
  first (server-side filtered: the pack's product, those generators, ``FAILED``,
  ``ACTIVE``) and their ``CreatedAt`` is sent back unchanged.
- Then the run's findings are imported, and Security Hub is asked only for the
  pack's open findings this run did *not* update (``UpdatedAt`` before the run
  started). Of those, a finding of a check that ran is stale: re-imported
  ``PASSED`` and its workflow set to ``RESOLVED`` (``BatchUpdateFindings``, the
  only call allowed to change a workflow) when its resource still exists, and
  ``RecordState`` ``ARCHIVED`` when it is gone. At a full scan, a finding of a
  check that left the pack is archived too. Findings of a check that failed to
  run match neither rule and stay as they are.
- Findings Security Hub did not process (``FailedFindings``,
  ``UnprocessedFindings``) are retried with backoff; what still fails is counted
  in ``stats["failed"]`` so the caller can fail the run.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from c7n.utils import chunks

from c7n_plugins.taxonomy import tags_to_dict

log = logging.getLogger("assetpack.findings")

BATCH = 100
# Security Hub takes at most 20 values per filter field.
FILTER_VALUES = 20
RETRIES = 4
# Generator of the pack's own "taxonomy unavailable" alert: part of the pack, never
# archived as a check that left it.
TAXONOMY_ALERT = "assetpack-taxonomy-unavailable"
# Fields a finding provider owns; what BatchImportFindings may send back on update.
PROVIDER_FIELDS = ("SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "Types",
                   "CreatedAt", "Severity", "Title", "Description", "Remediation",
                   "ProductFields", "Compliance", "Resources")
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
# A filter that knows more about one resource than the policy's metadata (a CVE
# roll-up's worst severity, its CVE ids) annotates the resource with this key:
# ``Severity`` and ``Note`` replace the defaults, ``ProductFields`` are added.
REFINEMENT = "c7n:FindingRefinement"
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
            # Policies answering an event refresh the finding of the check they share
            # a subject with (``metadata.generator``) instead of posting a second one.
            policy=meta.get("generator") or data["name"],
            title=f"{fsbp} {description}" if fsbp else description,
            description=data.get("description") or description,
            severity=str(meta.get("severity", "informational")).upper(),
            category=meta.get("category", "compliance"),
            security_control_id=fsbp,
            related_requirements=tuple(related),
            recommendation=meta.get("recommendation") or description,
        )


def utc_now() -> str:
    """ISO 8601 UTC with milliseconds, the precision Security Hub keeps."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def finding_id(account: str, region: str, policy: str, resource_arn: str) -> str:
    """Deterministic id: same policy and resource, same finding, every run."""
    digest = hashlib.sha256(resource_arn.encode()).hexdigest()[:24]
    return f"{finding_id_prefix(account, region)}{policy}/{digest}"


def finding_id_prefix(account: str, region: str) -> str:
    return f"assetpack/{account}/{region}/"


def product_arn(account: str, region: str, partition: str = "aws") -> str:
    """The account's own default product: custom findings need no integration."""
    return f"arn:{partition}:securityhub:{region}:{account}:product/{account}/default"


@dataclass
class FindingBuilder:
    """Builds contract-2 findings for one policy's resources."""

    control: Control
    account: str
    region: str
    now: str = field(default_factory=utc_now)
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
        finding = {
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
        return self._refine(finding, resource.get(REFINEMENT))

    def _refine(self, finding: dict, refinement: dict | None) -> dict:
        if not refinement:
            return finding
        if refinement.get("Severity"):
            finding["Severity"] = dict(refinement["Severity"])
        finding["ProductFields"].update(refinement.get("ProductFields") or {})
        if refinement.get("Note"):
            finding["Note"] = {"UpdatedAt": self.now, **refinement["Note"]}
        return finding


@dataclass
class Scope:
    """What one run may judge, for :meth:`FindingStore.reconcile`.

    ``ran``: the checks that ran to the end; only their stale findings change.
    ``existing``: per check, the ARNs of every resource it looked at (matching or
    not); a check missing here cannot tell a deleted resource from a compliant one,
    so its stale findings are resolved, never archived. ``pack``: at a full scan,
    every policy name of the pack; findings of any other generator are archived.
    ``started``: when the run began; what it imported is newer.
    """

    ran: Collection[str]
    started: str
    existing: Mapping[str, Collection[str]] = field(default_factory=dict)
    pack: Collection[str] | None = None


class FindingStore:
    """Imports, updates, resolves and archives the pack's findings in one account
    and region."""

    def __init__(self, client, account: str, region: str,
                 sleep: Callable[[float], None] | None = None):
        self.client = client
        self.account = account
        self.region = region
        self.sleep = sleep or time.sleep
        self.stats = {"imported": 0, "failed": 0, "resolved": 0, "archived": 0}
        self.errors: list[str] = []

    # -- writes, with retries -------------------------------------------------

    def _retry(self, items: Sequence[dict], send: Callable[[list[dict]], list[dict]],
               what: str) -> list[dict]:
        """Send ``items`` 100 at a time; ``send`` returns those not processed, which
        are sent again with exponential backoff. Returns what still failed."""
        pending = list(items)
        for attempt in range(RETRIES + 1):
            if not pending:
                return []
            if attempt:
                self.sleep(min(0.5 * 2 ** (attempt - 1), 8))
            pending = [item for batch in chunks(pending, BATCH) for item in send(list(batch))]
        for item in pending[:5]:
            self.errors.append(f"{what} {item.get('Id')}: {item.get('error', 'failed')}")
            log.error("%s of finding %s failed: %s", what, item.get("Id"), item.get("error"))
        return pending

    def import_findings(self, findings: Sequence[dict]) -> set[str]:
        """Import (create or update); returns the ids that still failed after retries."""
        by_id = {f["Id"]: f for f in findings}

        def send(batch: list[dict]) -> list[dict]:
            response = self.client.batch_import_findings(Findings=batch)
            self.stats["imported"] += response.get("SuccessCount", 0)
            return [dict(by_id[x["Id"]], error=x.get("ErrorMessage") or x.get("ErrorCode"))
                    for x in response.get("FailedFindings", []) if x.get("Id") in by_id]

        failed = self._retry(findings, lambda b: send([_strip(f) for f in b]), "import")
        self.stats["failed"] += len(failed)
        return {f["Id"] for f in failed}

    def set_workflow(self, findings: Sequence[dict], status: str, note: str) -> int:
        def send(batch: list[dict]) -> list[dict]:
            response = self.client.batch_update_findings(
                FindingIdentifiers=[{"Id": f["Id"], "ProductArn": f["ProductArn"]}
                                    for f in batch],
                Workflow={"Status": status}, Note={"Text": note, "UpdatedBy": "assetpack"})
            by_id = {f["Id"]: f for f in batch}
            return [dict(by_id[u["FindingIdentifier"]["Id"]], error=u.get("ErrorCode"))
                    for u in response.get("UnprocessedFindings", [])
                    if u.get("FindingIdentifier", {}).get("Id") in by_id]

        failed = self._retry(findings, send, "workflow update")
        self.stats["failed"] += len(failed)
        return len(failed)

    # -- reads, server-side filtered --------------------------------------------

    def _base_filters(self) -> dict:
        return {
            "ProductArn": [{"Value": product_arn(self.account, self.region),
                            "Comparison": "EQUALS"}],
            "Id": [{"Value": finding_id_prefix(self.account, self.region),
                    "Comparison": "PREFIX"}],
            "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}],
            "ComplianceStatus": [{"Value": "FAILED", "Comparison": "EQUALS"}],
        }

    def _query(self, filters: dict) -> list[dict]:
        found: list[dict] = []
        paginator = self.client.get_paginator("get_findings")
        for page in paginator.paginate(Filters=filters, PaginationConfig={"PageSize": 100}):
            found.extend(page["Findings"])
        return found

    def open_findings(self, policies: Iterable[str], ids: Iterable[str] = ()) -> list[dict]:
        """The pack's FAILED, active findings of these policies (or of these ids)."""
        found: list[dict] = []
        for field_name, values in (("GeneratorId", sorted(set(policies))),
                                   ("Id", sorted(set(ids)))):
            for group in chunks(values, FILTER_VALUES):
                filters = self._base_filters()
                filters[field_name] = [{"Value": v, "Comparison": "EQUALS"} for v in group]
                found.extend(self._query(filters))
        return found

    def not_updated_since(self, started: str, policies: Iterable[str] | None = None
                          ) -> list[dict]:
        """The pack's FAILED, active findings last updated before ``started``."""
        filters = self._base_filters()
        filters["UpdatedAt"] = [{"Start": "2000-01-01T00:00:00Z", "End": started}]
        # Security Hub filters by date; checking again costs nothing and keeps an
        # endpoint that ignores the filter from resolving what this run just posted.
        if policies is None:
            return [f for f in self._query(filters) if _before(f.get("UpdatedAt"), started)]
        found = []
        for group in chunks(sorted(set(policies)), FILTER_VALUES):
            filters["GeneratorId"] = [{"Value": v, "Comparison": "EQUALS"} for v in group]
            found.extend(f for f in self._query(filters) if _before(f.get("UpdatedAt"), started))
        return found

    # -- lifecycle ------------------------------------------------------------------

    def keep_created_at(self, current: Sequence[dict], known: Iterable[dict] | None = None
                        ) -> list[dict]:
        """``current`` with the ``CreatedAt`` of the same findings already open."""
        if known is None:
            known = self.open_findings({f["GeneratorId"] for f in current}) if current else []
        first = {f["Id"]: f["CreatedAt"] for f in known if f.get("CreatedAt")}
        return [dict(f, CreatedAt=first[f["Id"]]) if f["Id"] in first else f for f in current]

    def resolve(self, stale: Sequence[dict]) -> None:
        """Findings whose resource now complies: ``PASSED``, workflow ``RESOLVED``."""
        if not stale:
            return
        now = utc_now()
        failed = self.import_findings([
            dict(f, UpdatedAt=now, Compliance=dict(f.get("Compliance", {}), Status="PASSED"))
            for f in stale])
        passed = [f for f in stale if f["Id"] not in failed]
        if passed:
            self.set_workflow(passed, "RESOLVED", "Resource complies again; resolved by assetpack.")
        self.stats["resolved"] += len(passed)

    def archive(self, gone: Sequence[dict], reason: str) -> None:
        """Findings whose resource or check no longer exists: ``RecordState`` ``ARCHIVED``."""
        if not gone:
            return
        now = utc_now()
        failed = self.import_findings([
            dict(f, UpdatedAt=now, RecordState="ARCHIVED",
                 ProductFields=dict(f.get("ProductFields") or {},
                                    **{"assetpack/archived": reason}))
            for f in gone])
        self.stats["archived"] += len(gone) - len(failed)

    def reconcile(self, current: Sequence[dict], scope: Scope) -> None:
        """Import ``current``; resolve, archive or keep what this run did not update."""
        self.import_findings(self.keep_created_at(current))
        current_ids = {f["Id"] for f in current}
        ran = set(scope.ran)
        policies = None if scope.pack is not None else ran
        stale, gone, removed = [], [], []
        for f in self.not_updated_since(scope.started, policies):
            policy = f.get("GeneratorId", "")
            if f["Id"] in current_ids:
                continue  # its import failed above and is already counted
            if policy in ran:
                existing = scope.existing.get(policy)
                resource = (f.get("Resources") or [{}])[0].get("Id")
                (gone if existing is not None and resource not in existing else stale).append(f)
            elif scope.pack is not None and policy not in scope.pack and policy != TAXONOMY_ALERT:
                removed.append(f)
        self.resolve(stale)
        self.archive(gone, "resource no longer exists")
        self.archive(removed, "check no longer in the pack")

    def reconcile_resource(self, current: Sequence[dict], finding: str, exists: bool) -> None:
        """One resource's finding of one check (a Config rule evaluation): import it
        when ``current`` has it, else resolve it, or archive it when the resource is
        gone."""
        known = self.open_findings((), ids=[finding])
        if current:
            self.import_findings(self.keep_created_at(current, known))
        elif exists:
            self.resolve(known)
        else:
            self.archive(known, "resource no longer exists")


def _before(timestamp: str | None, started: str) -> bool:
    try:
        return datetime.fromisoformat(timestamp or "") < datetime.fromisoformat(started)
    except ValueError:
        return False


def _strip(finding: dict) -> dict:
    """What a provider may send: drop the fields Security Hub or its users own."""
    out = {k: finding[k] for k in PROVIDER_FIELDS if k in finding}
    out["UpdatedAt"] = finding.get("UpdatedAt") or utc_now()
    out["RecordState"] = finding.get("RecordState", "ACTIVE")
    return out
