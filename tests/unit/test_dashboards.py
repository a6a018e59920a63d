"""Dashboards as code: every panel queries a metric, with dimensions, that the pack
(or Custodian, as installed) really publishes."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest

from c7n_plugins.report import metrics

ROOT = Path(__file__).resolve().parents[2]
DASHBOARDS = sorted((ROOT / "dashboards").glob("*.json"))


def targets(dashboard: dict) -> list[tuple[str, dict]]:
    return [(p["title"], t) for p in dashboard["panels"] for t in p.get("targets", [])]


def test_there_is_a_dashboard():
    assert DASHBOARDS


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_dashboard_loads_and_every_panel_has_a_query(path):
    dashboard = json.loads(path.read_text())
    assert dashboard["uid"] and dashboard["title"] and dashboard["panels"]
    variables = {v["name"] for v in dashboard["templating"]["list"]}
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        assert panel.get("targets"), f"{panel['title']}: no query"
    for title, target in targets(dashboard):
        uid = target["datasource"]["uid"]
        assert uid.startswith("${") and uid[2:-1] in variables, f"{title}: datasource {uid}"


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_every_query_names_an_emitted_metric_and_dimensions(path):
    dashboard = json.loads(path.read_text())
    for title, t in targets(dashboard):
        emitted = metrics.EMITTED.get(t["namespace"])
        assert emitted, f"{title}: namespace {t['namespace']} is not published"
        assert t["metricName"] in emitted, f"{title}: {t['metricName']} is not published"
        keys = set(t.get("dimensions", {}))
        assert any(keys <= set(s) for s in emitted[t["metricName"]]), (
            f"{title}: {t['metricName']} is never published with dimensions {sorted(keys)}")


def test_custodian_metric_names_are_those_of_the_installed_c7n():
    import c7n.ctx
    import c7n.output
    import c7n.policy
    import c7n.resources.aws

    assert c7n.output.DEFAULT_NAMESPACE == metrics.CUSTODIAN_NAMESPACE
    source = "".join(inspect.getsource(m) for m in (c7n.policy, c7n.ctx, c7n.resources.aws))
    for name in metrics.EMITTED[metrics.CUSTODIAN_NAMESPACE]:
        assert f"'{name}'" in source or f'"{name}"' in source, name
    assert '{"Name": "Policy", "Value": self.ctx.policy.name}' in source
    assert '{"Name": "ResType", "Value": self.ctx.policy.resource_type}' in source


def test_snapshot_metrics_are_exactly_what_emitted_lists():
    snapshot = {"generated_at": "2026-11-30T06:00:00+00:00", "open": 3,
                "by_severity": {"HIGH": 2, "LOW": 1}, "by_source": {"assetpack": 3},
                "by_category": {"cost": 1, "compliance": 2}, "new": 1, "resolved": 0,
                "fixed_automatically": 1, "needs_human": 2, "waste_monthly_usd": 8.0}
    data = metrics.metric_data(snapshot, "123456789012")
    published = {(d["MetricName"], tuple(x["Name"] for x in d["Dimensions"])) for d in data}
    declared = {(m, s) for m, sets in metrics.EMITTED[metrics.NAMESPACE].items() for s in sets}
    assert published == declared
    high = next(d for d in data if {"Name": "Severity", "Value": "HIGH"} in d["Dimensions"])
    assert high["Value"] == 2.0
