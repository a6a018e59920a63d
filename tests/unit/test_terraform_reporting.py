"""The report's and the cost alerts' Terraform: the bucket the daily Lambda writes
to, the telemetry backends, the dashboards' provisioning, and the budgets."""

from __future__ import annotations

from pathlib import Path

from assetpack import pack
from tests.unit.test_terraform import (
    EXAMPLE,
    MODULES,
    ROOT,
    as_list,
    labelled,
    locals_of,
    module_doc,
    named_blocks,
    resources,
    statements,
)

REPORTING = MODULES / "reporting"


def _document(doc: dict, name: str) -> dict:
    return next(b for t, n, b in labelled(doc, "data")
                if t == "aws_iam_policy_document" and n == name)


def test_reports_bucket_is_the_one_the_daily_policy_writes():
    doc = module_doc(REPORTING)
    name = locals_of(doc)["bucket_name"]
    assert name == "${var.name_prefix}-reports-${local.account_id}-${local.region}"
    prefix = named_blocks(doc, "variable")["name_prefix"]["default"]
    (policy,) = [p for p in pack.load() if p.name == "daily-inspection-report"]
    (action,) = policy.data["actions"]
    assert action["bucket"] == f"{prefix}-reports-{{account_id}}-{{region}}"


def test_telemetry_backends_exist_and_grafana_only_reads():
    doc = module_doc(REPORTING)
    found = resources(doc)
    assert "aws_prometheus_workspace.this" in found
    rule = found["aws_xray_sampling_rule.default"]
    assert rule["fixed_rate"] == "${var.xray_fixed_rate}"
    assert named_blocks(doc, "variable")["xray_fixed_rate"]["validation"]
    workspace = found["aws_grafana_workspace.this"]
    assert workspace["permission_type"] == "CUSTOMER_MANAGED"
    assert set(workspace["data_sources"]) == {"CLOUDWATCH", "PROMETHEUS"}
    verbs = ("Get", "List", "Describe", "Query")
    for statement in statements(_document(doc, "grafana")):
        for action in as_list(statement["actions"]):
            assert action.split(":")[1].startswith(verbs), action
    (trust,) = statements(_document(doc, "grafana_trust"))
    assert trust["principals"][0]["identifiers"] == ["grafana.amazonaws.com"]


def test_dashboards_module_provisions_every_dashboard_file():
    doc = module_doc(MODULES / "dashboards")
    dashboard = resources(doc)["grafana_dashboard.this"]
    assert dashboard["for_each"] == '${fileset(var.dashboards_dir, "*.json")}'
    module = named_blocks(module_doc(EXAMPLE), "module")["dashboards"]
    folder = (EXAMPLE / module["dashboards_dir"].replace("${path.root}/", "")).resolve()
    assert folder == ROOT / "dashboards" and list(folder.glob("*.json"))


def test_budgets_alert_on_actual_and_forecast_by_email_and_topic():
    doc = module_doc(MODULES / "notifications")
    budget = resources(doc)["aws_budgets_budget.this"]
    assert budget["budget_type"] == "COST"
    kinds = {d["notification"]["content"][0]["notification_type"]: d["notification"]["content"][0]
             for d in budget["dynamic"]}
    assert set(kinds) == {"ACTUAL", "FORECASTED"}
    for content in kinds.values():
        assert content["subscriber_email_addresses"] == "${local.budget_emails}"
        assert content["subscriber_sns_topic_arns"] == ["${aws_sns_topic.alerts.arn}"]
    # Budgets may publish to the encrypted topic: the topic policy and the key allow it.
    services = set()
    for t, _, body in labelled(doc, "data"):
        if t != "aws_iam_policy_document":
            continue
        for s in statements(body):
            for p in s.get("principals", []):
                if "budgets.amazonaws.com" in as_list(p["identifiers"]):
                    services.update(as_list(s["actions"]))
    assert {"SNS:Publish", "kms:GenerateDataKey", "kms:Decrypt"} <= services
    example = named_blocks(module_doc(EXAMPLE), "module")["notifications"]
    assert "monthly" in example["budgets"]


def test_module_folder_is_complete():
    assert all((REPORTING / f).is_file() for f in ("main.tf", "variables.tf", "outputs.tf",
                                                    "versions.tf", "README.md"))
    assert Path(MODULES / "dashboards" / "README.md").is_file()


def test_bucket_access_is_scoped_to_the_packs_buckets():
    import json

    from assetpack.permissions import ROLE_SCOPED
    from tests.unit.test_terraform import GENERATED

    docs = [json.loads(path.read_text()) for path in GENERATED.glob("*-permissions.json")]
    parts = [p for d in docs for p in ([d] if "Statement" in d else d.values())]
    granted = {a for part in parts for s in part["Statement"] for a in s["Action"]}
    assert not granted & ROLE_SCOPED, "object access must not be granted on *"
    doc = module_doc(MODULES / "custodian-lambda-role")
    runtime = _document(doc, "runtime")
    scoped = {a: c["resources"] for d in runtime.get("dynamic", [])
              for c in d["statement"]["content"] for a in as_list(c["actions"])
              if c.get("sid", "").startswith("PackBuckets")}
    assert set(scoped) == ROLE_SCOPED
    assert scoped["s3:ListBucket"] == "${var.data_bucket_arns}"
    role = named_blocks(module_doc(EXAMPLE), "module")["custodian_role"]
    assert role["data_bucket_arns"] == ["${module.reporting.reports_bucket_arn}",
                                        "${module.security_baseline.journal_bucket_arn}"]
