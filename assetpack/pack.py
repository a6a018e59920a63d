"""The policy pack: find, validate and derive the run forms of every policy.

Each policy file is the one definition of its checks (docs/conventions.md).
The forms that run are derived here and never written down twice:

- :func:`scan_form`: pull mode; a check that remediates has its actions wrapped
  in ``asset-remediate``.
- :func:`deploy_form`: the mode the policy deploys in, plus the Lambda packaging
  (``packages``/``handler``) that makes the archive carry and load the plugins,
  plus the ``post-control-finding`` action.
- :func:`org_form`: what ``assetpack org run`` evaluates in each account: the deploy
  form's actions (guarded remediation, findings) in pull mode.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

PACKAGE_ROOT = Path(__file__).resolve().parent
CATEGORIES = ("tagging", "compliance", "vulnerability", "threat", "observability", "cost",
              "reporting")
SEVERITIES = ("informational", "low", "medium", "high", "critical")
REMEDIATION = ("auto", "manual", "none")
FRAMEWORK_PREFIXES = ("FSBP/", "CIS-v5.0.0/", "ISMS-P-2023/")
HANDLER = "c7n_plugins.handler.run"
# What the deployed archive carries beside c7n: the runtime package, and the pure-Python
# schema validator the taxonomy needs (the Lambda runtime has only boto3 and botocore).
LAMBDA_PACKAGES = ("c7n_plugins", "fastjsonschema")
# "custodian-" + name is the Lambda function name, limited to 64 characters.
MAX_NAME = 54
# Lambda modes whose archive must carry the plugins.
# Modes that respond to an event: ``assetpack replay`` runs them, ``scan`` does not.
EVENT_MODES = ("cloudtrail", "hub-finding", "hub-action", "guard-duty", "event-pattern",
               "ec2-instance-state", "phd", "asg-instance-state")
LAMBDA_MODES = ("cloudtrail", "periodic", "config-rule", "config-poll-rule", "hub-finding",
                "hub-action", "guard-duty", "event-pattern", "ec2-instance-state", "phd",
                "asg-instance-state")


class PackError(ValueError):
    """A policy file is unreadable or invalid; the message names the file and why."""


@dataclass(frozen=True)
class PackPolicy:
    """One policy of the pack and the file it came from."""

    data: dict
    path: Path

    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def metadata(self) -> dict:
        return self.data.get("metadata") or {}

    @property
    def mode_type(self) -> str:
        return (self.data.get("mode") or {}).get("type", "pull")

    @property
    def is_check(self) -> bool:
        """A check evaluates state (scan runs it); a responder needs an event."""
        return self.mode_type not in EVENT_MODES


def policies_root() -> Path:
    """The pack's policy folder: ``ASSETPACK_POLICIES`` or the repository's ``policies/``."""
    env = os.environ.get("ASSETPACK_POLICIES")
    return Path(env) if env else PACKAGE_ROOT.parent / "policies"


def policy_files(root: Path | None = None) -> list[Path]:
    """Every AWS policy file of the pack (``iac/`` holds c7n-left policies)."""
    root = root or policies_root()
    return sorted(p for p in root.rglob("*.y*ml") if "iac" not in p.relative_to(root).parts)


def read_file(path: Path) -> list[PackPolicy]:
    try:
        doc = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as err:
        raise PackError(f"{path}: cannot read policy file: {err}") from err
    if not isinstance(doc, dict) or not isinstance(doc.get("policies"), list):
        raise PackError(f"{path}: expected a mapping with a 'policies' list")
    return [PackPolicy(p, path) for p in doc["policies"]]


def metadata_errors(policy: dict) -> list[str]:
    """Contract-3 problems of one policy (empty when it complies)."""
    meta = policy.get("metadata")
    if not isinstance(meta, dict):
        return ["missing metadata"]
    errors = []
    for key, allowed in (("category", CATEGORIES), ("severity", SEVERITIES),
                         ("remediation", REMEDIATION)):
        if meta.get(key) not in allowed:
            errors.append(f"metadata.{key} must be one of {', '.join(allowed)}")
    if not isinstance(meta.get("description"), str) or not meta["description"].strip():
        errors.append("metadata.description must be a sentence")
    controls = meta.get("controls", [])
    if not isinstance(controls, list) or not all(
            isinstance(c, str) and c.startswith(FRAMEWORK_PREFIXES) for c in controls):
        errors.append(f"metadata.controls entries must start with {'/'.join(FRAMEWORK_PREFIXES)}")
    elif sum(c.startswith("FSBP/") for c in controls) > 1:
        errors.append("metadata.controls may name one FSBP control per policy")
    if meta.get("category") == "compliance" and not controls:
        errors.append("a compliance check must name its controls")
    if meta.get("remediation") == "auto" and not policy.get("actions"):
        errors.append("remediation: auto needs actions")
    if len(policy.get("name", "")) > MAX_NAME:
        errors.append(f"name longer than {MAX_NAME} characters (Lambda name limit)")
    return errors


def load(files: Iterable[Path] | None = None, validate: bool = True) -> list[PackPolicy]:
    """Read the pack's policies; with ``validate``, raise :class:`PackError` on the first
    invalid file, naming it and every reason, before anything runs."""
    files = list(files) if files is not None else policy_files()
    policies: list[PackPolicy] = []
    for path in files:
        policies.extend(read_file(Path(path)))
    if validate:
        validate_policies(policies)
    return policies


def validate_policies(policies: list[PackPolicy]) -> None:
    """Custodian's own validation (schema and element checks) plus contract 3."""
    from c7n import schema
    from c7n.config import Bag, Config
    from c7n.policy import Policy
    from c7n.resources import load_resources
    from c7n.structure import StructureParser

    import c7n_plugins

    c7n_plugins.load()
    structure = StructureParser()
    load_resources({p.data.get("resource", "") for p in policies if isinstance(p.data, dict)})
    # A schema of every resource type makes jsonschema try each one for each policy
    # (about a second a policy); one schema per resource type in use is fast.
    schemas: dict[str, dict] = {}
    null_config = Config.empty(dryrun=True, account_id="na", region="na")
    seen: dict[str, Path] = {}
    for p in policies:
        errors: list[str] = []
        try:
            structure.validate({"policies": [p.data]})
        except Exception as err:  # noqa: BLE001 - c7n raises several kinds
            raise PackError(f"{p.path}: {err}") from err
        rtype = p.data.get("resource", "")
        if rtype not in schemas:
            schemas[rtype] = schema.generate([rtype])
        errors += [str(e) for e in schema.validate({"policies": [p.data]}, schemas[rtype])]
        errors += metadata_errors(p.data)
        if p.name in seen:
            errors.append(f"duplicate policy name (also in {seen[p.name]})")
        seen[p.name] = p.path
        if not errors:
            try:
                Policy(p.data, null_config, Bag()).validate()
            except Exception as err:  # noqa: BLE001
                errors.append(str(err))
        if errors:
            raise PackError(f"{p.path}: policy {p.name}: " + "; ".join(errors))


def scan_form(policy: dict) -> dict:
    """The policy as ``assetpack scan`` runs it: pull mode, guarded remediation."""
    data = copy.deepcopy(policy)
    data.pop("mode", None)
    if data.get("metadata", {}).get("remediation") == "auto" and data.get("actions"):
        data["actions"] = [{"type": "asset-remediate", "actions": data["actions"]}]
    return data


def posts_findings(policy: dict) -> bool:
    """Checks report findings; of the responders, only those that detect something do
    (a tagger reacting to a creation event has nothing to report)."""
    mode = (policy.get("mode") or {}).get("type", "pull")
    category = (policy.get("metadata") or {}).get("category")
    return mode not in EVENT_MODES or category in ("compliance", "vulnerability", "threat")


def has_config_type(resource: str) -> bool:
    """Whether AWS Config records this Custodian resource type (``config-rule`` needs it)."""
    from c7n.provider import get_resource_class
    from c7n.resources import load_resources

    load_resources((resource,))
    try:
        return bool(get_resource_class(resource).resource_type.config_type)
    except (AssertionError, KeyError):  # unknown type: validation reports it
        return False


def deploy_form(policy: dict) -> dict:
    """The policy as deployed in an account: its mode, the plugin packaging, findings."""
    data = scan_form(policy)
    meta = data.get("metadata", {})
    mode = copy.deepcopy(policy.get("mode") or {"type": meta.get("deploy", "periodic")})
    if mode["type"] == "config-rule" and not has_config_type(data.get("resource", "")):
        # AWS Config records no such type, so no Config rule can evaluate it.
        mode = {"type": "periodic"}
    if mode["type"] == "periodic":
        mode.setdefault("schedule", "rate(1 day)")
    if mode["type"] in LAMBDA_MODES:
        packages = mode.setdefault("packages", [])
        packages.extend(p for p in LAMBDA_PACKAGES if p not in packages)
        mode.setdefault("handler", HANDLER)
    data["mode"] = mode
    if posts_findings(policy):
        data.setdefault("actions", []).append({"type": "post-control-finding"})
    return data


def org_form(policy: dict) -> dict:
    """The policy as c7n-org runs it in each account: pull mode (c7n-org would provision a
    Lambda-mode policy instead of evaluating it), guarded remediation, findings posted."""
    data = deploy_form(policy)
    data.pop("mode")
    return data


FORMS = {"scan": scan_form, "deploy": deploy_form, "org": org_form}


def forms_document(kind: str, policies: list[PackPolicy]) -> dict:
    """One Custodian policy file of the pack's ``kind`` forms; the checks only, except for
    ``deploy`` (event-mode responders need their event, which only a deployment gets)."""
    chosen = policies if kind == "deploy" else [p for p in policies if p.is_check]
    return {"policies": [FORMS[kind](p.data) for p in chosen]}
