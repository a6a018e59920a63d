"""``assetpack deploy``: provision the pack's Lambda-mode policies and the mailer in an account.

Provisioning is Custodian's own (``c7n.mu``): each policy's deploy form becomes a
``PolicyLambda`` published by its mode's ``provision()`` (``LambdaManager`` plus the
EventBridge rule or AWS Config rule). What this module adds is the plan: before
anything is published it compares each function with what the account has (code
sha256, configuration, tags, trigger), so a second run changes nothing and
``--dryrun`` lists exactly what a real run would do. Custodian's ``publish`` always
writes and does not report what it changed, hence the comparison here.

Each policy runs as one of the two roles Terraform creates
(``terraform/examples/complete``): the detect role when its actions change nothing,
the remediate role otherwise (:func:`assetpack.permissions.role_of`).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from assetpack import pack, permissions

log = logging.getLogger("assetpack.deploy")

# Terraform's default name_prefix; the roles' names in terraform/examples/complete
# ("${var.name_prefix}-custodian...") and the journal bucket's start with it.
PREFIX = "assetpack"
DETECT_ROLE = f"{PREFIX}-custodian"
REMEDIATE_ROLE = f"{PREFIX}-custodian-remediate"
# Functions the pack owns carry this tag; --prune removes no other function.
PACK_TAG = "assetpack:pack"
PACK_TAG_VALUE = "assetpack"
FUNCTION_PREFIX = "custodian-"
# What c7n's guard-duty mode writes into the mode when it provisions (c7n 0.9.53).
GUARD_DUTY_FILTERS = {"ec2": "Instance", "iam-user": "AccessKey"}
MAILER_FUNCTION = "cloud-custodian-mailer"
MAILER_HANDLER = "assetpack_mailer.handler.run"
# What the mailer archive carries: the Lambda runtime has boto3 and botocore only.
MAILER_PACKAGES = ("assetpack_mailer", "c7n_mailer", "c7n", "jinja2", "markupsafe", "slack_sdk")
MAILER_SCHEDULE = "rate(5 minutes)"


class DeployError(RuntimeError):
    """Deployment cannot start (no credentials, invalid pack or mailer configuration)."""


@dataclass
class Outcome:
    """What happened (or, in a dry run, would happen) to one function."""

    function: str
    mode: str
    role: str
    status: str  # created, updated, unchanged, removed, skipped, failed
    detail: str = ""


def role_arn(account: str, name: str, partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account}:role/{name}"


def journal_location(account: str, region: str) -> str:
    """Where the deployed remediations journal (contract 7): ``ASSETPACK_JOURNAL``, else
    the bucket Terraform's security-baseline module creates (its ``journal_location``)."""
    return os.environ.get("ASSETPACK_JOURNAL") or (
        f"s3://{PREFIX}-journal-{account}-{region}/journal")


def _policies(files, account: str, region: str, roles: dict[str, str],
              output_dir: str) -> list[tuple]:
    """The pack's deploy forms as Custodian policies, each with its role's kind (the
    mode carries the role's ARN). ``output_dir`` takes Custodian's provisioning logs."""
    from c7n.config import Config
    from c7n.policy import PolicyCollection
    from c7n.version import version

    import c7n_plugins

    c7n_plugins.load()
    loaded = pack.load(files)
    pack.load_elements(loaded)
    config = Config.empty(region=region, account_id=account, output_dir=output_dir)
    forms = [pack.deploy_form(p.data) for p in loaded]
    policies = list(PolicyCollection.from_data({"policies": forms}, config))
    out = []
    for policy in policies:
        policy.validate()
        kind = permissions.role_of(set(policy.get_permissions()))
        mode = policy.data["mode"]
        mode["role"] = roles[kind]
        if mode["type"] == "guard-duty":
            # GuardDutyMode.provision() sets this before it builds the archive; set it
            # first, so the planned archive is the one published (and a redeploy is a no-op).
            mode.setdefault("resource-filter", GUARD_DUTY_FILTERS.get(policy.resource_type))
        # No journal, no change: every remediating Lambda is told where to journal.
        env = mode.setdefault("environment", {}).setdefault("Variables", {})
        env.setdefault("ASSETPACK_JOURNAL", journal_location(account, region))
        # The tag LambdaMode.provision() adds, set beforehand so the plan compares it too.
        mode["tags"] = {**mode.get("tags", {}), PACK_TAG: PACK_TAG_VALUE,
                        "custodian-info": f"mode={mode['type']}:version={version}"}
        out.append((policy, kind))
    return out


def _trigger_changed(source, func) -> bool:
    """Whether the rule that invokes ``func`` differs from what Custodian would put."""
    from c7n import mu

    if isinstance(source, mu.ConfigRule):
        rule = source.get(func.name)
        return not rule or source.delta(rule, source.get_rule_params(func))
    if isinstance(source, mu.CloudWatchEventSource):
        rule = source.get(func.event_name)
        if not rule:
            return True
        # Patterns are compared as JSON values: the key order EventBridge gives back is
        # not the order Custodian rendered (guard-duty patterns put the policy's first).
        pattern = source.render_event_pattern()
        if (json.loads(pattern) if pattern else None) != (
                json.loads(rule["EventPattern"]) if rule.get("EventPattern") else None):
            return True
        if rule.get("State") != "ENABLED" or (
                rule.get("ScheduleExpression") != source.data.get("schedule")):
            return True
        targets = source.client.list_targets_by_rule(Rule=func.event_name)["Targets"]
        return mu.normalize_arn(func.arn) not in {t["Arn"] for t in targets}
    return True  # a trigger kind the pack does not deploy: always provision


def _compare(func, manager, session_factory, role: str) -> tuple[str, str]:
    """(created | updated | unchanged, what differs) for one function."""
    existing = manager.get(func.name)
    if not existing:
        return "created", ""
    current = existing["Configuration"]
    changes = []
    if func.get_archive().get_checksum() != current["CodeSha256"]:
        changes.append("code")
    wanted = func.get_config()
    wanted["Role"] = role
    wanted.pop("Architectures", None)
    added, removed = manager.diff_tags(existing.get("Tags", {}), wanted.pop("Tags", {}))
    if added or removed:
        changes.append("tags")
    changes += manager.delta_function(current, wanted)
    func.arn = current["FunctionArn"]
    if any(_trigger_changed(s, func) for s in func.get_events(session_factory)):
        changes.append("trigger")
    return ("updated" if changes else "unchanged"), ", ".join(changes)


def _deploy_policy(policy, kind: str, dryrun: bool) -> Outcome:
    from c7n import mu

    mode = policy.data["mode"]
    role = mode["role"]
    func = mu.PolicyLambda(policy)
    manager = mu.LambdaManager(policy.session_factory)
    try:
        status, detail = _compare(func, manager, policy.session_factory, role)
        if status != "unchanged" and not dryrun:
            policy.provision()
    except (ClientError, BotoCoreError) as err:
        return Outcome(func.name, mode["type"], kind, "failed", _one_line(err))
    return Outcome(func.name, mode["type"], kind, status, detail)


def _one_line(err: Exception) -> str:
    return str(err).splitlines()[0][:200]


def _mailer(config_path: Path | None, role: str, session_factory, dryrun: bool) -> Outcome:
    """The mailer Lambda (package ``assetpack_mailer``), scheduled like c7n-mailer's."""
    from c7n import mu

    try:
        from assetpack_mailer import config as mailer_config
    except ImportError:
        return Outcome(MAILER_FUNCTION, "periodic", "detect", "skipped", "package not installed")
    if config_path is None:
        return Outcome(MAILER_FUNCTION, "periodic", "detect", "skipped", "no --mailer-config")
    try:
        config = mailer_config.load(config_path)
    except Exception as err:  # noqa: BLE001 - the mailer's own validation, one line
        raise DeployError(f"mailer configuration {config_path}: {_one_line(err)}") from err
    archive = mu.PythonPackageArchive(modules=MAILER_PACKAGES)
    archive.add_contents("config.json", json.dumps(config, sort_keys=True))
    archive.close()
    func = mu.LambdaFunction({
        "name": MAILER_FUNCTION, "description": "assetpack mailer: Slack and e-mail delivery",
        "handler": MAILER_HANDLER, "runtime": "python3.11", "memory_size": 512,
        "timeout": 300, "role": role, "tags": {PACK_TAG: PACK_TAG_VALUE},
        "events": [mu.CloudWatchEventSource(
            {"type": "periodic", "schedule": MAILER_SCHEDULE}, session_factory)],
    }, archive)
    manager = mu.LambdaManager(session_factory)
    try:
        status, detail = _compare(func, manager, session_factory, role)
        if status != "unchanged" and not dryrun:
            manager.publish(func)
    except (ClientError, BotoCoreError) as err:
        return Outcome(MAILER_FUNCTION, "periodic", "detect", "failed", _one_line(err))
    return Outcome(MAILER_FUNCTION, "periodic", "detect", status, detail)


def _owned_functions(session_factory) -> dict[str, dict]:
    """The account's functions that the pack deployed: prefix and pack tag."""
    from c7n import mu

    manager = mu.LambdaManager(session_factory)
    client = manager.client
    owned = {}
    for fn in manager.list_functions(FUNCTION_PREFIX):
        tags = client.list_tags(Resource=fn["FunctionArn"]).get("Tags", {})
        if tags.get(PACK_TAG) == PACK_TAG_VALUE:
            owned[fn["FunctionName"]] = {**fn, "Tags": tags}
    return owned


def _prune(stale: dict[str, dict], session_factory, dryrun: bool) -> list[Outcome]:
    """Remove functions (and their rules) of checks that left the pack, through c7n.mu."""
    from c7n import mu

    manager = mu.LambdaManager(session_factory)
    out = []
    for name, fn in sorted(stale.items()):
        # custodian-info is "mode=<type>:version=<v>", the tag Custodian itself prunes by.
        info = dict(p.split("=", 1) for p in fn["Tags"].get("custodian-info", "").split(":")
                    if "=" in p)
        mode = info.get("mode", "")
        source = (mu.ConfigRule({"type": mode}, session_factory)
                  if mode in ("config-rule", "config-poll-rule")
                  else mu.CloudWatchEventSource({"type": mode}, session_factory))
        func = mu.LambdaFunction({
            "name": name, "handler": fn["Handler"], "memory_size": fn["MemorySize"],
            "timeout": fn["Timeout"], "role": fn["Role"], "runtime": fn["Runtime"],
            "description": fn.get("Description", ""), "events": [source]}, None)
        func.arn = fn["FunctionArn"]
        try:
            if not dryrun:
                manager.remove(func)
        except (ClientError, BotoCoreError) as err:
            out.append(Outcome(name, mode, "-", "failed", _one_line(err)))
            continue
        out.append(Outcome(name, mode, "-", "removed", "check left the pack"))
    return out


def run_deploy(*, role: str | None = None, remediation_role: str | None = None,
               dryrun: bool = False, prune: bool = False, region: str | None = None,
               files: list[Path] | None = None,
               mailer_config: Path | None = None) -> list[Outcome]:
    """Provision (or, with ``dryrun``, plan) every Lambda-mode policy and the mailer."""
    from assetpack.scan import ScanError, preflight

    try:
        account, region = preflight(region)
    except ScanError as err:
        raise DeployError(str(err)) from err
    roles = {"detect": role or role_arn(account, DETECT_ROLE),
             "remediate": remediation_role or role_arn(account, REMEDIATE_ROLE)}
    # Custodian writes a log folder per provisioned policy; none of it belongs in the
    # working directory (the archive never carries a local output path).
    with tempfile.TemporaryDirectory(prefix="assetpack-deploy-") as output_dir:
        return _run(files, account, region, roles, output_dir, dryrun, prune, mailer_config)


def _run(files, account, region, roles, output_dir, dryrun, prune, mailer_config):
    try:
        policies = _policies(files, account, region, roles, output_dir)
    except (pack.PackError, permissions.PermissionsError) as err:
        raise DeployError(str(err)) from err
    outcomes = []
    for n, (policy, kind) in enumerate(policies, 1):
        outcome = _deploy_policy(policy, kind, dryrun)
        log.info("[%d/%d] %s: %s", n, len(policies), outcome.function, outcome.status)
        outcomes.append(outcome)
    session_factory = policies[0][0].session_factory if policies else _session_factory(region)
    outcomes.append(_mailer(mailer_config, roles["detect"], session_factory, dryrun))
    if prune:
        wanted = {o.function for o in outcomes}
        stale = {k: v for k, v in _owned_functions(session_factory).items() if k not in wanted}
        outcomes.extend(_prune(stale, session_factory, dryrun))
    return outcomes


def _session_factory(region: str):
    from c7n.credentials import SessionFactory

    return SessionFactory(region)


def table(outcomes: list[Outcome], dryrun: bool) -> str:
    """One line per function, then the counts."""
    verbs = {"created": "create", "updated": "update", "removed": "remove"}
    rows = [("function", "mode", "role", "would" if dryrun else "status", "detail")]
    for o in outcomes:
        status = verbs.get(o.status, o.status) if dryrun else o.status
        rows.append((o.function, o.mode, o.role, status, o.detail))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4]
             for r in rows]
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    lines.append(("dry run, nothing changed: " if dryrun else "") + summary)
    return "\n".join(line.rstrip() for line in lines)
