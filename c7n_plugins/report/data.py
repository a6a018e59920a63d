"""Collect what the daily report counts, and count it (contract 6).

:func:`collect` reads, with batched calls:

- Security Hub ``GetFindings`` (every product: the pack, Inspector, GuardDuty,
  Config, Security Hub's own standards), 100 per page, active records only;
- the remediation journal (contract 7) for what was fixed, pending or failed;
- AWS Budgets for budget status, and ``tag:GetResources`` for the assets per class.

:func:`build_report` turns that into the report's numbers; the digest
(:mod:`c7n_plugins.report.messages`) is built from the same :class:`Collected`.
A source that cannot be read is named in ``errors`` and left out: the report
still says what it could read, and never shows a missing source as zero findings
without saying so.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from c7n_plugins.findings import COST_FIELD, TYPE_FIELD
from c7n_plugins.taxonomy import Taxonomy, tags_to_dict

log = logging.getLogger("assetpack.report")

SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL")
SEVERITY_WEIGHT = {"CRITICAL": 4, "HIGH": 3, "MEDIUM": 2, "LOW": 1, "INFORMATIONAL": 0}
# An asset nobody classified counts as medium: unknown is not harmless.
CRITICALITY_WEIGHT = {"critical": 4, "high": 3, "medium": 2, "low": 1}
UNCLASSIFIED_WEIGHT = 2
SOURCES = ("assetpack", "Inspector", "GuardDuty", "Config", "Security Hub")
CATEGORIES = ("compliance", "vulnerability", "threat", "tagging", "observability", "cost")
TOP_ASSETS = 10
STEPS_PER_OWNER = 5
NO_OWNER = "(no owner)"
UNCLASSIFIED = "(unclassified)"
# AWS-integrated products, by the last part of their product ARN.
PRODUCTS = {"inspector": "Inspector", "guardduty": "GuardDuty", "config": "Config",
            "securityhub": "Security Hub"}


def parse_since(text: str) -> timedelta:
    """``24h``, ``7d``, ``90m`` -> a timedelta; ValueError with the rule otherwise."""
    match = re.fullmatch(r"\s*(\d+)\s*([mhd])\s*", text or "")
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"--since {text!r}: expected a positive number and m, h or d, e.g. 24h")
    unit = {"m": "minutes", "h": "hours", "d": "days"}[match.group(2)]
    return timedelta(**{unit: int(match.group(1))})


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def source_of(finding: dict) -> str:
    """Which product raised the finding: the pack, or an AWS service."""
    arn = finding.get("ProductArn", "")
    fields = finding.get("ProductFields") or {}
    if arn.endswith("/default") and "assetpack/policy" in fields:
        return "assetpack"
    product = arn.rsplit("/", 1)[-1]
    return PRODUCTS.get(product, finding.get("ProductName") or product or "other")


def category_of(finding: dict, source: str) -> str:
    """The pack's own category, else one read from the ASFF ``Types``."""
    fields = finding.get("ProductFields") or {}
    if fields.get("assetpack/category"):
        return fields["assetpack/category"]
    types = " ".join(finding.get("Types") or ())
    if "Vulnerabilities" in types:
        return "vulnerability"
    if re.search(r"(^|\s)(TTPs|Effects|Unusual Behaviors|Sensitive Data)", types):
        return "threat"
    if source in ("Inspector",):
        return "vulnerability"
    if source in ("GuardDuty",):
        return "threat"
    return "compliance"


@dataclass(frozen=True)
class Item:
    """One Security Hub finding, reduced to what the report needs."""

    id: str
    source: str
    category: str
    severity: str
    title: str
    resource: str
    resource_type: str
    owner: str
    asset_class: str
    criticality: str
    environment: str
    open: bool
    created: datetime | None
    updated: datetime | None
    recommendation: str
    generator: str
    monthly_cost: float

    @property
    def risk(self) -> int:
        return SEVERITY_WEIGHT.get(self.severity, 0) * CRITICALITY_WEIGHT.get(
            self.criticality, UNCLASSIFIED_WEIGHT)

    @classmethod
    def from_finding(cls, f: dict, taxonomy: Taxonomy | None = None) -> Item:
        source = source_of(f)
        fields = f.get("ProductFields") or {}
        resource = (f.get("Resources") or [{}])[0]
        tags = {**tags_to_dict(resource.get("Tags")),
                **{k: v for k, v in fields.items() if k.startswith("asset:")}}
        rtype = fields.get(TYPE_FIELD) or resource.get("Type", "")
        asset_class = tags.get("asset:class") or (
            taxonomy.class_of(rtype) if taxonomy and rtype.startswith("aws.") else None)
        workflow = (f.get("Workflow") or {}).get("Status") or f.get("WorkflowState") or "NEW"
        compliance = (f.get("Compliance") or {}).get("Status")
        try:
            cost = float(fields.get(COST_FIELD) or 0)
        except ValueError:
            cost = 0.0
        return cls(
            id=f.get("Id", ""), source=source, category=category_of(f, source),
            severity=str((f.get("Severity") or {}).get("Label") or "INFORMATIONAL").upper(),
            title=f.get("Title", ""), resource=resource.get("Id", ""), resource_type=rtype,
            owner=tags.get("asset:owner") or NO_OWNER,
            asset_class=asset_class or UNCLASSIFIED,
            criticality=tags.get("asset:criticality", ""),
            environment=tags.get("asset:environment", ""),
            open=workflow not in ("RESOLVED", "SUPPRESSED") and compliance != "PASSED",
            created=_time(f.get("FirstObservedAt") or f.get("CreatedAt")),
            updated=_time(f.get("UpdatedAt")),
            recommendation=((f.get("Remediation") or {}).get("Recommendation") or {}).get(
                "Text") or f.get("Title", ""),
            generator=f.get("GeneratorId", ""), monthly_cost=cost,
        )

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "source": self.source, "category": self.category,
                "severity": self.severity, "title": self.title, "resource": self.resource,
                "owner": self.owner, "class": self.asset_class,
                "criticality": self.criticality or UNCLASSIFIED}


@dataclass
class Collected:
    """Everything read for one report, before counting."""

    account: str
    region: str
    now: datetime
    since: timedelta
    items: list[Item]
    journal: list[Any] = field(default_factory=list)  # c7n_plugins.journal.Entry
    budgets: list[dict] = field(default_factory=list)
    assets_by_class: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def window_start(self) -> datetime:
        return self.now - self.since

    def open_items(self) -> list[Item]:
        return [i for i in self.items if i.open]


def fetch_findings(client) -> list[dict]:
    """Every active finding of every product, 100 per call (the API's maximum)."""
    filters = {"RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}]}
    found: list[dict] = []
    for page in client.get_paginator("get_findings").paginate(
            Filters=filters, PaginationConfig={"PageSize": 100}):
        found.extend(page["Findings"])
    return found


def fetch_budgets(client, account: str) -> list[dict]:
    """Cost budgets with their limit, actual and forecast spend."""
    budgets: list[dict] = []
    for page in client.get_paginator("describe_budgets").paginate(AccountId=account):
        for b in page.get("Budgets", []):
            if b.get("BudgetType", "COST") != "COST":
                continue
            spend = b.get("CalculatedSpend") or {}
            limit = float((b.get("BudgetLimit") or {}).get("Amount") or 0)
            actual = float((spend.get("ActualSpend") or {}).get("Amount") or 0)
            forecast = float((spend.get("ForecastedSpend") or {}).get("Amount") or 0)
            status = ("over" if limit and actual > limit else
                      "forecast-over" if limit and forecast > limit else "ok")
            budgets.append({"name": b["BudgetName"], "limit": limit, "actual": actual,
                            "forecast": forecast, "time_unit": b.get("TimeUnit", ""),
                            "unit": (b.get("BudgetLimit") or {}).get("Unit", "USD"),
                            "status": status})
    return budgets


def fetch_assets_by_class(client) -> dict[str, int]:
    """Tagged assets per ``asset:class`` (Resource Groups Tagging API, 100 per page)."""
    counts: Counter = Counter()
    for page in client.get_paginator("get_resources").paginate(ResourcesPerPage=100):
        for r in page.get("ResourceTagMappingList", []):
            counts[tags_to_dict(r.get("Tags")).get("asset:class") or UNCLASSIFIED] += 1
    return dict(counts)


def _read(errors: list[str], what: str, call, default):
    """One source that fails is named in the report, the others still count."""
    try:
        return call()
    except Exception as err:  # noqa: BLE001 - any AWS or journal error: say it, go on
        message = getattr(err, "response", {}).get("Error", {}).get("Message") or str(err)
        errors.append(f"{what}: {message}"[:300])
        log.warning("report: cannot read %s: %s", what, message)
        return default


def collect(session, since: timedelta, journal=None, now: datetime | None = None,
            taxonomy: Taxonomy | None = None) -> Collected:
    """Read every source of the report. Security Hub must answer; the rest may not."""
    now = now or datetime.now(UTC)
    region = session.region_name or "us-east-1"
    account = session.client("sts").get_caller_identity()["Account"]
    findings = fetch_findings(session.client("securityhub"))
    taxonomy = taxonomy or Taxonomy.default()
    errors: list[str] = []
    entries = _read(errors, "remediation journal",
                    lambda: list(journal.entries()) if journal else [], [])
    if journal is None:
        errors.append("remediation journal: no location (--journal or ASSETPACK_JOURNAL); "
                      "fixed and pending counts are 0")
    budgets = _read(errors, "AWS Budgets",
                    lambda: fetch_budgets(session.client("budgets", region_name="us-east-1"),
                                          account), [])
    assets = _read(errors, "Resource Groups Tagging API",
                   lambda: fetch_assets_by_class(session.client("resourcegroupstaggingapi")), {})
    return Collected(account=account, region=region, now=now, since=since,
                     items=items(findings, taxonomy, errors),
                     journal=entries, budgets=budgets, assets_by_class=assets, errors=errors)


def items(findings: Iterable[dict], taxonomy: Taxonomy | None, errors: list[str]) -> list[Item]:
    """Every finding as an :class:`Item`; a malformed one is counted in ``errors``, not fatal."""
    out, bad = [], []
    for f in findings:
        try:
            out.append(Item.from_finding(f, taxonomy))
        except (AttributeError, TypeError, ValueError, KeyError):
            bad.append(str(f.get("Id", "?")) if isinstance(f, dict) else "?")
    if bad:
        errors.append(f"{len(bad)} malformed finding(s) left out, e.g. {bad[0][:120]}")
    return out


def ordered_counts(counter: Counter, order: Iterable[str]) -> dict[str, int]:
    """Known keys first in their order (zeros included), then any others by count."""
    known = list(order)
    out = {k: counter.get(k, 0) for k in known}
    out.update(sorted(((k, v) for k, v in counter.items() if k not in known),
                      key=lambda kv: (-kv[1], kv[0])))
    return out


def headline(c: Collected) -> dict[str, Any]:
    start = c.window_start
    open_items = c.open_items()
    recent = [e for e in c.journal if not e.dryrun and _time(e.time) and _time(e.time) >= start]
    done = {(e.policy, e.resource) for e in c.journal
            if not e.dryrun and e.status in ("fixed", "pending")}
    return {
        "open": len(open_items),
        "by_severity": ordered_counts(Counter(i.severity for i in open_items), SEVERITIES),
        "new": sum(1 for i in open_items if i.created and i.created >= start),
        "resolved": sum(1 for i in c.items
                        if not i.open and i.updated and i.updated >= start),
        "fixed_automatically": len({(e.policy, e.resource) for e in recent
                                    if e.status == "fixed"}),
        "pending": len({(e.policy, e.resource) for e in recent if e.status == "pending"}),
        "remediation_failed": len({(e.policy, e.resource) for e in recent
                                   if e.status == "failed"}),
        "needs_human": sum(1 for i in open_items if (i.generator, i.resource) not in done),
    }


def riskiest(c: Collected, limit: int = TOP_ASSETS) -> list[dict[str, Any]]:
    """Assets ranked by worst open finding's severity x the asset's criticality."""
    by_asset: dict[str, list[Item]] = defaultdict(list)
    for i in c.open_items():
        if i.resource:
            by_asset[i.resource].append(i)
    rows = []
    for resource, items in by_asset.items():
        worst = max(items, key=lambda i: (i.risk, SEVERITY_WEIGHT.get(i.severity, 0)))
        rows.append({"resource": resource, "owner": worst.owner, "class": worst.asset_class,
                     "criticality": worst.criticality or UNCLASSIFIED,
                     "worst_severity": worst.severity, "worst_title": worst.title,
                     "score": worst.risk, "open_findings": len(items)})
    rows.sort(key=lambda r: (-r["score"], -r["open_findings"], r["resource"]))
    return rows[:limit]


def tag_compliance(c: Collected) -> list[dict[str, Any]]:
    """Per class: assets, assets failing tag compliance, and the compliant share."""
    failing: dict[str, set] = defaultdict(set)
    for i in c.open_items():
        if i.category == "tagging":
            failing[i.asset_class].add(i.resource)
    rows = []
    for cls in sorted(set(c.assets_by_class) | set(failing)):
        assets = max(c.assets_by_class.get(cls, 0), len(failing[cls]))
        bad = len(failing[cls])
        share = round(100.0 * (assets - bad) / assets, 1) if assets else None
        rows.append({"class": cls, "assets": assets, "non_compliant": bad,
                     "compliant_pct": share})
    return rows


def cost(c: Collected) -> dict[str, Any]:
    waste: dict[str, dict[str, Any]] = {}
    for i in c.open_items():
        # Waste checks are category cost; a compliance check may price its finding too
        # (an unused Elastic IP), one definition serving both.
        if i.category != "cost" and not i.monthly_cost:
            continue
        row = waste.setdefault(i.generator, {"check": i.generator, "title": i.title,
                                             "resources": 0, "monthly_usd": 0.0})
        row["resources"] += 1
        row["monthly_usd"] = round(row["monthly_usd"] + i.monthly_cost, 2)
    rows = sorted(waste.values(), key=lambda r: (-r["monthly_usd"], r["check"]))
    return {"budgets": c.budgets, "waste": rows,
            "waste_monthly_usd": round(sum(r["monthly_usd"] for r in rows), 2)}


def next_steps(c: Collected, per_owner: int = STEPS_PER_OWNER) -> dict[str, list[dict]]:
    """Per owner, what to do first: the same fix grouped over assets, worst first."""
    grouped: dict[str, dict[str, dict]] = defaultdict(dict)
    for i in c.open_items():
        step = grouped[i.owner].setdefault(i.recommendation, {
            "action": i.recommendation, "severity": i.severity, "assets": set()})
        if SEVERITY_WEIGHT.get(i.severity, 0) > SEVERITY_WEIGHT.get(step["severity"], 0):
            step["severity"] = i.severity
        step["assets"].add(i.resource)
    out = {}
    for owner in sorted(grouped, key=lambda o: (o == NO_OWNER, o)):
        steps = sorted(grouped[owner].values(),
                       key=lambda s: (-SEVERITY_WEIGHT.get(s["severity"], 0), -len(s["assets"]),
                                      s["action"]))
        out[owner] = [{"action": s["action"], "severity": s["severity"],
                       "assets": len(s["assets"])} for s in steps[:per_owner]]
    return out


def snapshot(c: Collected, report_headline: dict, waste_usd: float) -> dict[str, Any]:
    """The day's numbers the trend is drawn from."""
    open_items = c.open_items()
    return {"date": c.now.date().isoformat(), "generated_at": c.now.isoformat(timespec="seconds"),
            "account": c.account, "region": c.region, **report_headline,
            "by_source": ordered_counts(Counter(i.source for i in open_items), SOURCES),
            "by_category": ordered_counts(Counter(i.category for i in open_items), CATEGORIES),
            "waste_monthly_usd": waste_usd}


def trend(history: list[dict], today: dict, days: int) -> list[dict[str, Any]]:
    """One point per day with a snapshot, the last ``days`` days up to today."""
    first = (datetime.fromisoformat(today["date"]) - timedelta(days=days - 1)).date().isoformat()
    by_date = {s["date"]: s for s in history if first <= s.get("date", "") < today["date"]}
    by_date[today["date"]] = today
    return [{"date": d, "open": by_date[d].get("open", 0),
             "by_severity": by_date[d].get("by_severity", {})} for d in sorted(by_date)]


def build_report(c: Collected, history: list[dict] | None = None) -> dict[str, Any]:
    """The report's numbers (``report.json``); ``history``: earlier daily snapshots."""
    head = headline(c)
    costs = cost(c)
    today = snapshot(c, head, costs["waste_monthly_usd"])
    return {
        "generated_at": c.now.isoformat(timespec="seconds"),
        "window": {"since": str(c.since), "start": c.window_start.isoformat(timespec="seconds"),
                   "end": c.now.isoformat(timespec="seconds")},
        "account": c.account, "region": c.region,
        "headline": head,
        "by_source": today["by_source"], "by_category": today["by_category"],
        "trend": {"7d": trend(history or [], today, 7), "30d": trend(history or [], today, 30)},
        "riskiest": riskiest(c), "tag_compliance": tag_compliance(c), "cost": costs,
        "next_steps": next_steps(c), "errors": list(c.errors), "snapshot": today,
    }
