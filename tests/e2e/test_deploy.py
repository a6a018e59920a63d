"""``assetpack deploy`` against the emulator: Lambda functions, EventBridge and Config rules."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest
import yaml

from assetpack import deploy, pack

pytestmark = pytest.mark.e2e

ACCOUNT_ROLES = (deploy.DETECT_ROLE, deploy.REMEDIATE_ROLE)


def _pick() -> dict[str, dict]:
    """One real policy of the pack per mode it deploys in, and one per role."""
    chosen: dict[tuple[str, str], dict] = {}
    for p in pack.load(validate=False):
        form = pack.deploy_form(p.data)
        role = "remediate" if p.metadata.get("remediation") == "auto" else "detect"
        chosen.setdefault((form["mode"]["type"], role), p.data)
    return {d["name"]: d for d in chosen.values()}


PICKED = _pick()


def _file(tmp_path: Path, names) -> Path:
    path = tmp_path / f"pack-{len(names)}.yml"
    path.write_text(yaml.safe_dump({"policies": [PICKED[n] for n in names]}))
    return path


def _roles(aws) -> None:
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole"}]})
    for name in ACCOUNT_ROLES:
        aws.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=trust)


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assetpack.cli.main", "deploy", *args],
                          capture_output=True, text=True, timeout=600, cwd=cwd)


def _statuses(stdout: str) -> dict[str, str]:
    rows = [line.split() for line in stdout.splitlines()[1:-1]]
    return {r[0]: r[3] for r in rows}


def test_deploy_creates_then_changes_nothing_and_dryrun_lists_the_same_set(aws, tmp_path):
    _roles(aws)
    modes = {pack.deploy_form(d)["mode"]["type"] for d in PICKED.values()}
    assert {"config-rule", "cloudtrail", "periodic"} <= modes
    policies = _file(tmp_path, list(PICKED))
    functions = {f"custodian-{n}" for n in PICKED}

    plan = _cli("-p", str(policies), "--dryrun")
    assert plan.returncode == 0, plan.stderr
    planned = _statuses(plan.stdout)
    assert {f for f, s in planned.items() if s == "create"} == functions
    assert "nothing changed" in plan.stdout.splitlines()[-1]
    assert not aws.client("lambda").list_functions()["Functions"]

    workdir = tmp_path / "cwd"
    workdir.mkdir()
    first = _cli("-p", str(policies), cwd=workdir)
    assert first.returncode == 0, first.stdout + first.stderr
    assert not list(workdir.iterdir()), "deploy wrote into the working directory"
    created = _statuses(first.stdout)
    assert {f for f, s in created.items() if s == "created"} == functions
    assert created[deploy.MAILER_FUNCTION] == "skipped"

    second = _cli("-p", str(policies))
    assert second.returncode == 0, second.stderr
    assert {f for f, s in _statuses(second.stdout).items() if s == "unchanged"} == functions
    again = _cli("-p", str(policies), "--dryrun")
    assert {f for f, s in _statuses(again.stdout).items() if s == "unchanged"} == functions

    # What is in the account: one function per policy, its role and pack tag, its trigger.
    lam = aws.client("lambda")
    config_rules = {r["ConfigRuleName"] for r in
                    aws.client("config").describe_config_rules()["ConfigRules"]}
    events = aws.client("events")
    for name, data in PICKED.items():
        fn = lam.get_function(FunctionName=f"custodian-{name}")
        assert fn["Configuration"]["Handler"] == pack.HANDLER
        assert fn["Tags"][deploy.PACK_TAG] == deploy.PACK_TAG_VALUE
        role = fn["Configuration"]["Role"].rsplit("/", 1)[1]
        mode = pack.deploy_form(data)["mode"]["type"]
        # Only messages and findings leave a policy read-only; tagging is a write.
        changes = any((a if isinstance(a, str) else a["type"]) not in
                      ("notify", "hub-alert", "post-control-finding", "daily-report")
                      for a in data.get("actions") or [])
        assert role == (deploy.REMEDIATE_ROLE if changes else deploy.DETECT_ROLE), name
        if mode == "config-rule":
            assert f"custodian-{name}" in config_rules
        else:
            rule = events.describe_rule(Name=f"custodian-{name}")
            assert rule.get("EventPattern") or rule.get("ScheduleExpression")
            targets = events.list_targets_by_rule(Rule=f"custodian-{name}")["Targets"]
            assert [t["Arn"] for t in targets] == [fn["Configuration"]["FunctionArn"]]


def test_a_changed_policy_is_updated_and_prune_removes_what_left_the_pack(aws, tmp_path):
    _roles(aws)
    names = list(PICKED)
    assert _cli("-p", str(_file(tmp_path, names))).returncode == 0
    kept, gone = names[1:], names[0]
    changed = dict(PICKED[kept[0]], description="A new description.")
    path = tmp_path / "changed.yml"
    path.write_text(yaml.safe_dump({"policies": [changed, *(PICKED[n] for n in kept[1:])]}))
    # A function the pack does not own is never pruned, even with the prefix.
    lam = aws.client("lambda")
    fn = lam.get_function(FunctionName=f"custodian-{kept[1]}")["Configuration"]
    lam.create_function(FunctionName="custodian-someone-elses", Runtime="python3.11",
                        Role=fn["Role"], Handler="x.run", Code={"ZipFile": b"PK\x05\x06" +
                                                                  b"\x00" * 18})

    plan = _cli("-p", str(path), "--prune", "--dryrun")
    assert plan.returncode == 0, plan.stderr
    statuses = _statuses(plan.stdout)
    assert statuses[f"custodian-{kept[0]}"] == "update"
    assert statuses[f"custodian-{gone}"] == "remove"
    assert "custodian-someone-elses" not in statuses
    assert lam.get_function(FunctionName=f"custodian-{gone}")

    done = _cli("-p", str(path), "--prune")
    assert done.returncode == 0, done.stderr
    statuses = _statuses(done.stdout)
    assert statuses[f"custodian-{kept[0]}"] == "updated"
    assert statuses[f"custodian-{gone}"] == "removed"
    left = {f["FunctionName"] for f in lam.list_functions()["Functions"]}
    assert f"custodian-{gone}" not in left
    assert {"custodian-someone-elses", *(f"custodian-{n}" for n in kept)} <= left
    rules = {r["Name"] for r in aws.client("events").list_rules()["Rules"]}
    config_rules = {r["ConfigRuleName"] for r in
                    aws.client("config").describe_config_rules()["ConfigRules"]}
    assert f"custodian-{gone}" not in rules | config_rules
    assert _statuses(_cli("-p", str(path), "--prune").stdout)[f"custodian-{kept[0]}"] == (
        "unchanged")

    # Remove everything (docs/deploy.md): an empty pack, pruned.
    empty = tmp_path / "empty.yml"
    empty.write_text("policies: []\n")
    gone_all = _cli("-p", str(empty), "--prune")
    assert gone_all.returncode == 0, gone_all.stderr
    assert {f for f, s in _statuses(gone_all.stdout).items() if s == "removed"} == {
        f"custodian-{n}" for n in kept}
    assert {f["FunctionName"] for f in lam.list_functions()["Functions"]} == {
        "custodian-someone-elses"}
    assert not aws.client("config").describe_config_rules()["ConfigRules"]
    assert not [r for r in aws.client("events").list_rules()["Rules"]
                if r["Name"].startswith("custodian-")]


def test_missing_role_fails_that_function_with_one_line_and_exit_1(aws, tmp_path):
    result = _cli("-p", str(_file(tmp_path, list(PICKED)[:1])))
    assert result.returncode == 1
    (row,) = [r for r in result.stdout.splitlines() if r.startswith("custodian-")]
    assert "failed" in row and "role" in row


def test_mailer_is_provisioned_when_its_package_is_installed(aws, tmp_path, monkeypatch):
    """A stand-in assetpack_mailer package: deploy archives it with its config, schedules it
    and runs it as the detect role; a second run changes nothing."""
    _roles(aws)
    package = tmp_path / "site" / "assetpack_mailer"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "handler.py").write_text("def run(event, context):\n    return {}\n")
    (package / "config.py").write_text(
        "import yaml\n\ndef load(path):\n    return yaml.safe_load(open(path))\n")
    config = tmp_path / "mailer.yml"
    config.write_text("queue_url: https://sqs.us-east-1.amazonaws.com/123456789012/q\n"
                      "region: us-east-1\nfrom_address: security@example.com\n"
                      "routes: {default: [ops@example.com]}\n")
    monkeypatch.setenv("PYTHONPATH", str(package.parent))
    policies = str(_file(tmp_path, list(PICKED)[:1]))
    first = _cli("-p", policies, "--mailer-config", str(config))
    assert first.returncode == 0, first.stdout + first.stderr
    assert _statuses(first.stdout)[deploy.MAILER_FUNCTION] == "created"
    fn = aws.client("lambda").get_function(FunctionName=deploy.MAILER_FUNCTION)
    assert fn["Configuration"]["Handler"] == deploy.MAILER_HANDLER
    assert fn["Configuration"]["Role"].endswith(f"/{deploy.DETECT_ROLE}")
    rule = aws.client("events").describe_rule(Name=deploy.MAILER_FUNCTION)
    assert rule["ScheduleExpression"] == deploy.MAILER_SCHEDULE
    second = _cli("-p", policies, "--mailer-config", str(config))
    assert _statuses(second.stdout)[deploy.MAILER_FUNCTION] == "unchanged"


def test_org_run_evaluates_the_org_forms_and_provisions_nothing(aws, tmp_path, monkeypatch):
    """The scheduled scan's path: `assetpack forms` then `assetpack org run -u` (c7n-org would
    provision a Lambda-mode policy; the org forms are pull mode)."""
    aws.client("sqs").create_queue(QueueName="plain",
                                   Attributes={"SqsManagedSseEnabled": "false"})
    # Remediation skips every asset while the taxonomy is missing; Terraform creates it.
    taxonomy = files("c7n_plugins.data").joinpath("taxonomy.default.json").read_text()
    aws.client("ssm").put_parameter(Name="/assetpack/taxonomy", Type="String",
                                    Value=taxonomy, Tier="Advanced")
    # No journal, no change (contract 7): the workflow sets ASSETPACK_JOURNAL too.
    monkeypatch.setenv("ASSETPACK_JOURNAL", str(tmp_path / "journal"))
    forms = tmp_path / "org.yml"
    made = subprocess.run([sys.executable, "-m", "assetpack.cli.main", "forms", "-p",
                           "policies/compliance/sqs.yml", "-o", str(forms)],
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    (policy,) = yaml.safe_load(forms.read_text())["policies"]
    assert "mode" not in policy
    assert [a["type"] for a in policy["actions"]] == ["asset-remediate", "post-control-finding"]
    accounts = tmp_path / "accounts.yml"
    # As the workflow writes it: every account through its member scan role.
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "sts:AssumeRole"}]})
    role = aws.client("iam").create_role(RoleName="assetpack-scan-member",
                                         AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    accounts.write_text(yaml.safe_dump({"accounts": [
        {"name": "self", "account_id": "123456789012", "role": role,
         "regions": ["us-east-1"]}]}))
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "assetpack.cli.main", "org", "run", "-c",
                          str(accounts), "-u", str(forms), "-s", str(out),
                          "--cache-period", "0"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    found = json.loads((out / "self" / "us-east-1" / policy["name"] / "resources.json")
                       .read_text())
    assert [r["QueueUrl"].rsplit("/", 1)[1] for r in found] == ["plain"]
    assert not aws.client("lambda").list_functions()["Functions"]
    # Evaluated, not provisioned: the guarded remediation fixed it and a finding was posted.
    sqs = aws.client("sqs")
    url = sqs.get_queue_url(QueueName="plain")["QueueUrl"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["SqsManagedSseEnabled"] == "true"
    findings = aws.client("securityhub").get_findings()["Findings"]
    assert [f["GeneratorId"] for f in findings] == [policy["name"]]
