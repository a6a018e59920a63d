"""The daily snapshot as CloudWatch metrics, for the Grafana dashboards.

Custodian already publishes per-policy metrics (namespace ``CloudMaid``:
``ResourceCount``, ``ResourceTime``, ``ActionTime``, ``ApiCalls``,
``PolicyException``, dimensions ``Policy`` and ``ResType``) when a policy runs
with metrics enabled. The findings counts come from the report's snapshot: the
daily Lambda publishes them here, under ``NAMESPACE``, so the dashboards read one
source (CloudWatch) for both. ``EMITTED`` is the one list of what is published;
the dashboard test checks every panel against it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

NAMESPACE = "assetpack"
CUSTODIAN_NAMESPACE = "CloudMaid"  # c7n.output.DEFAULT_NAMESPACE
# metric -> dimension keys it is published with (one set per breakdown).
EMITTED: dict[str, dict[str, list[tuple[str, ...]]]] = {
    NAMESPACE: {
        "OpenFindings": [("Account",), ("Account", "Severity"), ("Account", "Source"),
                         ("Account", "Category")],
        "NewFindings": [("Account",)],
        "ResolvedFindings": [("Account",)],
        "FixedAutomatically": [("Account",)],
        "NeedsHuman": [("Account",)],
        "WasteMonthlyUSD": [("Account",)],
    },
    CUSTODIAN_NAMESPACE: {
        # c7n.policy: ResourceCount/ResourceTime/ActionTime (Scope=Policy);
        # c7n.resources.aws: ApiCalls; c7n.ctx: PolicyException.
        name: [("Policy", "ResType"), ("Policy", "ResType", "Scope")]
        for name in ("ResourceCount", "ResourceTime", "ActionTime", "ApiCalls",
                     "PolicyException")
    },
}
HEADLINE = {"NewFindings": "new", "ResolvedFindings": "resolved",
            "FixedAutomatically": "fixed_automatically", "NeedsHuman": "needs_human"}


def metric_data(snapshot: dict[str, Any], account: str) -> list[dict[str, Any]]:
    """``PutMetricData`` entries for one snapshot (timestamped when it was taken)."""
    when = datetime.fromisoformat(snapshot["generated_at"])

    def point(name: str, value: float, unit: str = "Count", **dims: str) -> dict[str, Any]:
        return {"MetricName": name, "Timestamp": when, "Value": float(value), "Unit": unit,
                "Dimensions": [{"Name": "Account", "Value": account},
                               *({"Name": k, "Value": v} for k, v in dims.items())]}

    data = [point("OpenFindings", snapshot["open"])]
    for dim, key in (("Severity", "by_severity"), ("Source", "by_source"),
                     ("Category", "by_category")):
        data += [point("OpenFindings", n, **{dim: label})
                 for label, n in snapshot.get(key, {}).items()]
    data += [point(name, snapshot.get(key, 0)) for name, key in HEADLINE.items()]
    data.append(point("WasteMonthlyUSD", snapshot.get("waste_monthly_usd", 0), "None"))
    return data


def publish(cloudwatch, snapshot: dict[str, Any], account: str) -> int:
    """Publish the snapshot (``PutMetricData`` takes up to 1000 values a call)."""
    data = metric_data(snapshot, account)
    for start in range(0, len(data), 1000):
        cloudwatch.put_metric_data(Namespace=NAMESPACE, MetricData=data[start:start + 1000])
    return len(data)
