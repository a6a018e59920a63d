"""The GitHub Actions workflows: what they run and with which privileges.

YAML 1.1 reads the key ``on`` as the boolean True, hence ``triggers()``.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import hcl2
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
EXPECTED = {"ci.yml", "policy-review.yml", "deploy.yml", "scheduled-scan.yml"}
AWS_CREDENTIALS_ACTION = "aws-actions/configure-aws-credentials"
STATIC_KEY_NAMES = ("aws-access-key-id", "aws-secret-access-key",
                    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
# Attacker-controlled text of a pull request must never be pasted into a script.
UNSAFE_EXPRESSIONS = re.compile(
    r"\$\{\{\s*github\.(head_ref|event\.(pull_request|issue|comment|review|head_commit)"
    r"\.(title|body|head\.ref|head\.label|message))", re.I)


@functools.cache
def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def triggers(workflow: dict) -> dict:
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on


def steps(workflow: dict, job: str | None = None) -> list[dict]:
    jobs = [workflow["jobs"][job]] if job else workflow["jobs"].values()
    return [s for j in jobs for s in j.get("steps", [])]


def scripts(workflow: dict, job: str | None = None) -> str:
    return "\n".join(s["run"] for s in steps(workflow, job) if "run" in s)


def uses(workflow: dict, job: str | None = None) -> list[dict]:
    return [s for s in steps(workflow, job) if "uses" in s]


def job_permissions(workflow: dict, job: dict) -> dict:
    return job.get("permissions", workflow.get("permissions")) or {}


def all_workflows() -> list[str]:
    return sorted(p.name for p in WORKFLOWS.glob("*.y*ml"))


def test_expected_workflows_exist():
    assert set(all_workflows()) >= EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_workflow_has_name_triggers_permissions_and_concurrency(name):
    workflow = load(name)
    assert workflow.get("name")
    assert triggers(workflow)
    permissions = workflow.get("permissions")
    assert isinstance(permissions, dict), f"{name}: top-level permissions block"
    assert permissions.get("contents") == "read", name
    assert "write-all" not in str(permissions)
    assert workflow.get("concurrency", {}).get("group"), f"{name}: concurrency group"
    for job_name, job in workflow["jobs"].items():
        assert job.get("runs-on"), f"{name}/{job_name}"
        assert job.get("timeout-minutes"), f"{name}/{job_name}: timeout"
        assert "write-all" not in str(job.get("permissions", ""))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_actions_are_pinned_by_major_version(name):
    for step in uses(load(name)):
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@v\d+", step["uses"]), step["uses"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_write_permissions_only_where_needed(name):
    """id-token: write only in jobs that assume an AWS role, and every job that
    assumes a role has it; pull-requests: write only where a comment is posted."""
    workflow = load(name)
    assert "id-token" not in workflow["permissions"] or name == "deploy.yml"
    for job_name, job in workflow["jobs"].items():
        permissions = job_permissions(workflow, job)
        assumes = any(s["uses"].startswith(AWS_CREDENTIALS_ACTION)
                      for s in job.get("steps", []) if "uses" in s)
        assert (permissions.get("id-token") == "write") == assumes, f"{name}/{job_name}"
        comments = any(s["uses"].startswith("actions/github-script")
                       for s in job.get("steps", []) if "uses" in s)
        assert (permissions.get("pull-requests") == "write") == comments, f"{name}/{job_name}"
        writes = {k for k, v in permissions.items() if v == "write"}
        assert writes <= {"id-token", "pull-requests"}, f"{name}/{job_name}: {writes}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_static_aws_keys_and_no_script_injection(name):
    text = (WORKFLOWS / name).read_text()
    for key in STATIC_KEY_NAMES:
        assert key not in text, f"{name} mentions {key}"
    for step in uses(load(name)):
        if step["uses"].startswith(AWS_CREDENTIALS_ACTION):
            assert step["with"]["role-to-assume"], name
    assert not UNSAFE_EXPRESSIONS.search(scripts(load(name))), name


def test_ci_runs_the_test_script_and_ruff():
    workflow = load("ci.yml")
    on = triggers(workflow)
    assert "push" in on and "pull_request" in on
    runs = [s["run"].strip() for s in steps(workflow) if "run" in s]
    assert "bash .ci/run" in runs
    assert "ruff check ." in runs
    pythons = {s["with"]["python-version"] for s in uses(workflow)
               if s["uses"].startswith("actions/setup-python")}
    assert pythons == {"3.11"}


def test_policy_review_runs_on_policy_changes_and_comments():
    workflow = load("policy-review.yml")
    on = triggers(workflow)
    assert set(on) == {"pull_request"}
    assert "policies/**" in on["pull_request"]["paths"]
    assert "terraform/**" in on["pull_request"]["paths"]
    review = scripts(workflow, "review")
    assert 'pip install -e ".[dev]"' in review
    assert "assetpack validate" in review
    assert re.search(r"c7n-policystream diff -r \. --source \"?origin/\$\{?BASE_REF\}?\"? "
                     r"--target HEAD", review)
    assert workflow["env"]["BASE_REF"] == "${{ github.base_ref }}"
    assert "assetpack demo --out out" in review
    assert "c7n-left run -p policies/iac -d terraform/examples/complete" in review
    comment = next(s for s in uses(workflow, "review")
                   if s["uses"].startswith("actions/github-script"))
    assert "out/summary.md" in comment["with"]["script"]
    assert "policy-changes.md" in comment["with"]["script"]
    checkout = next(s for s in uses(workflow, "review")
                    if s["uses"].startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0, "policystream needs the base branch history"


def test_deploy_uses_oidc_and_applies_the_example_root():
    workflow = load("deploy.yml")
    on = triggers(workflow)
    assert on["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in on
    assert workflow["permissions"]["id-token"] == "write"
    (job,) = workflow["jobs"].values()
    # A GitHub environment would change the OIDC subject to repo:...:environment:X,
    # which the deploy role's trust (ref:refs/heads/main) does not accept.
    assert "environment" not in job
    credentials = [s for s in uses(workflow) if s["uses"].startswith(AWS_CREDENTIALS_ACTION)]
    assert len(credentials) == 1
    assert credentials[0]["with"]["role-to-assume"] == "${{ secrets.AWS_DEPLOY_ROLE_ARN }}"
    assert job["env"]["TF_DIR"] == "terraform/examples/complete"
    run = scripts(workflow)
    order = ["assetpack permissions --format iam-json", "terraform fmt -check",
             "terraform init", "terraform plan", "terraform apply", "assetpack deploy"]
    positions = [run.index(cmd) for cmd in order]
    assert positions == sorted(positions), "deploy steps out of order"
    assert workflow["concurrency"]["cancel-in-progress"] is False


def test_deploy_branch_matches_the_oidc_trust():
    with (ROOT / "terraform" / "modules" / "ci-oidc" / "variables.tf").open() as fh:
        variables = {k: v for item in hcl2.load(fh)["variable"] for k, v in item.items()}
    branch = variables['"deploy_branch"']["default"].strip('"')
    assert triggers(load("deploy.yml"))["push"]["branches"] == [branch]


def test_scheduled_scan_scans_reports_and_keeps_the_output():
    workflow = load("scheduled-scan.yml")
    on = triggers(workflow)
    assert on["schedule"][0]["cron"]
    assert len(on["schedule"][0]["cron"].split()) == 5
    run = scripts(workflow, "scan")
    assert re.search(r"assetpack scan -s \S+", run)
    assert "assetpack report" in run
    assert run.index("assetpack scan") < run.index("assetpack report")
    scan_job = workflow["jobs"]["scan"]
    assert scan_job["permissions"]["id-token"] == "write"
    assert scan_job["strategy"]["fail-fast"] is False
    credentials = [s for s in uses(workflow, "scan")
                   if s["uses"].startswith(AWS_CREDENTIALS_ACTION)]
    assert credentials[0]["with"]["role-to-assume"] == "${{ secrets.AWS_SCAN_ROLE_ARN }}"
    assert credentials[1]["with"]["role-chaining"] is True
    upload = next(s for s in uses(workflow, "scan")
                  if s["uses"].startswith("actions/upload-artifact"))
    assert upload["with"]["path"].rstrip("/") == "out"
    assert upload["if"] == "always()"
