"""The policy pack: find, validate and derive the run forms of every policy.

Each policy file is the one definition of its checks (docs/conventions.md).
The forms that run are derived here and never written down twice:

- :func:`scan_form`: pull mode; a check that remediates has its actions wrapped
  in ``asset-remediate``.
- :func:`deploy_form`: the mode the policy deploys in, plus the Lambda packaging
  (``packages``/``handler``) that makes the archive carry and load the plugins,
  plus the ``post-control-finding`` action.
- :func:`report_form`: pull mode, findings only (``assetpack org run``).
- :func:`org_form`: what ``assetpack org run`` evaluates in each account: the deploy
  form's actions (guarded remediation, findings) in pull mode.

A check whose control has parameters (authorised ports, days unused, supported
runtimes) declares the control's defaults under ``metadata.parameters`` and names
them in its filters as ``"{param:NAME}"``; :func:`resolve_parameters` substitutes
them when the pack is loaded, after applying the profile (``ASSETPACK_PROFILE``,
``assetpack/data/profiles/<name>.yml``) that may tighten them.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable
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


# Actions that change nothing a check judges: asking the owner (a notice tag, a
# message, an alert), reporting (a finding, the daily report), and writing the
# contract-4 classification tags. Any other action changes the resource and needs
# `remediation: auto`.
NOTICE_ACTIONS = ("notify", "hub-alert", "mark-for-op", "auto-tag-asset", "post-finding",
                  "post-control-finding", "daily-report")
BLAST_RADIUS_FILE = "remediation.yml"
BLAST_CLASSES = ("safe", "disruptive", "response")
# metadata.source: the AWS Config managed rule behind the control, or the control's page.
CONFIG_RULE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)+")
CONTROL_PAGE = re.compile(
    r"https://docs\.aws\.amazon\.com/securityhub/latest/userguide/[a-z0-9-]+\.html#[a-z0-9-]+")
PARAM_REF = re.compile(r"\{param:([A-Za-z0-9_]+)\}")
PROFILES = PACKAGE_ROOT / "data" / "profiles"


class PackError(ValueError):
    """A policy file is unreadable or invalid; the message names the file and why."""


@dataclass(frozen=True)
class PackPolicy:
    """One policy of the pack and the file it came from."""

    data: dict
    path: Path
    # sha256 of the file's text: validation is cached by it (:func:`validate_policies`).
    digest: str = ""

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
        """A check evaluates state (scan runs it); a responder needs an event; a
        reporting policy (the daily report) only runs where it is deployed."""
        return (self.mode_type not in EVENT_MODES
                and self.metadata.get("category") != "reporting")


def policies_root() -> Path:
    """The pack's policy folder: ``ASSETPACK_POLICIES`` or the repository's ``policies/``."""
    env = os.environ.get("ASSETPACK_POLICIES")
    return Path(env) if env else PACKAGE_ROOT.parent / "policies"


def policy_files(root: Path | None = None) -> list[Path]:
    """Every AWS policy file of the pack (``iac/`` holds c7n-left policies)."""
    root = root or policies_root()
    return sorted(p for p in root.rglob("*.y*ml") if "iac" not in p.relative_to(root).parts
                  and p.relative_to(root) != Path(BLAST_RADIUS_FILE))


def blast_radius(root: Path | None = None) -> dict[str, dict]:
    """Per auto-remediating check: its class, reason, guards and opt-in
    (``policies/remediation.yml``)."""
    path = (root or policies_root()) / BLAST_RADIUS_FILE
    if not path.exists():
        # A policy folder without one runs no fix unattended: every auto check fails
        # validation, naming this file.
        return {}
    return _read_blast_radius(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _read_blast_radius(name: str, _stamp: int) -> dict[str, dict]:
    path = Path(name)
    try:
        doc = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as err:
        raise PackError(f"{path}: cannot read the remediation blast radius: {err}") from err
    checks = (doc or {}).get("checks") if isinstance(doc, dict) else None
    if not isinstance(checks, dict):
        raise PackError(f"{path}: expected a mapping with a 'checks' mapping")
    for name, entry in checks.items():
        errors = blast_errors(entry)
        if errors:
            raise PackError(f"{path}: {name}: " + "; ".join(errors))
    return checks


def blast_errors(entry: object) -> list[str]:
    if not isinstance(entry, dict):
        return ["expected a mapping"]
    from c7n_plugins.guards import GUARDS

    errors = []
    if entry.get("class") not in BLAST_CLASSES:
        errors.append(f"class must be one of {', '.join(BLAST_CLASSES)}")
    if not isinstance(entry.get("reason"), str) or not entry["reason"].strip():
        errors.append("reason must be a sentence")
    unknown = [g for g in entry.get("guards") or [] if g not in GUARDS]
    if unknown:
        errors.append(f"unknown guards {unknown} (c7n_plugins/guards.py)")
    if entry.get("class") == "disruptive" and not entry.get("guards"):
        errors.append("a disruptive fix needs at least one guard that looks for its consumers")
    if entry.get("class") == "response" and "opt-in" not in entry:
        errors.append("an incident response must say opt-in: true or false")
    if not isinstance(entry.get("opt-in", False), bool):
        errors.append("opt-in must be true or false")
    return errors


# libyaml's parser where PyYAML was built with it (several times faster).
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_file(path: Path, overrides: dict | None = None) -> list[PackPolicy]:
    """The policies of one file, their parameters resolved (``overrides`` ``None``:
    as written, ``{param:…}`` references left in place)."""
    try:
        text = path.read_text()
        doc = yaml.load(text, Loader=YAML_LOADER)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as err:
        raise PackError(f"{path}: cannot read policy file: {err}") from err
    if not isinstance(doc, dict) or not isinstance(doc.get("policies"), list):
        raise PackError(f"{path}: expected a mapping with a 'policies' list")
    # Validation is cached by what is validated: the text and the profile's overrides.
    digest = hashlib.sha256((text + json.dumps(overrides, sort_keys=True, default=str))
                            .encode()).hexdigest()
    if overrides is None:
        return [PackPolicy(p, path, digest) for p in doc["policies"]]
    try:
        return [PackPolicy(resolve_parameters(p, overrides.get(p.get("name"), {})), path,
                           digest) for p in doc["policies"]]
    except PackError as err:
        raise PackError(f"{path}: {err}") from err


def as_custodian_file(path: Path, dest: Path) -> Path | None:
    """What Custodian's own commands should read for one of the pack's files: the
    file itself, a copy with its ``{param:…}`` references resolved for the active
    profile (Custodian knows no parameters), or None for the blast-radius file,
    which is not a policy file (it is checked here instead)."""
    if path.name == BLAST_RADIUS_FILE:
        blast_radius(path.parent)  # raises PackError naming the problem
        return None
    text = path.read_text() if path.is_file() and path.suffix in (".yml", ".yaml") else ""
    if not PARAM_REF.search(text):
        return path
    resolved = dest / path.name
    resolved.write_text(yaml.safe_dump(
        {"policies": [p.data for p in read_file(path, profile())]}, sort_keys=False))
    return resolved


def profile(name: str | None = None) -> dict[str, dict]:
    """Per-check parameter overrides of a profile (``ASSETPACK_PROFILE``; none: the
    controls' defaults): ``{policy name: {parameter: value}}``."""
    name = name if name is not None else os.environ.get("ASSETPACK_PROFILE", "")
    if not name or name == "default":
        return {}
    path = Path(name) if name.endswith((".yml", ".yaml")) else PROFILES / f"{name}.yml"
    try:
        doc = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as err:
        raise PackError(f"profile {name}: cannot read {path}: {err}") from err
    checks = doc.get("checks") if isinstance(doc, dict) else None
    if not isinstance(checks, dict) or not all(isinstance(v, dict) for v in checks.values()):
        raise PackError(f"profile {name}: expected 'checks: {{policy: {{parameter: value}}}}'")
    return checks


def supported_lambda_runtimes(today: dt.date | None = None) -> list[str]:
    """Lambda runtimes AWS still patches on ``today``, from the dated data file."""
    doc = yaml.safe_load((PACKAGE_ROOT / "data" / "lambda-runtimes.yml").read_text())
    today = today or dt.date.today()
    return sorted(r for r, deprecated in doc["runtimes"].items() if deprecated > today)


# Parameter defaults that live in a data file rather than in the policy.
DATA_PARAMETERS = {"data:lambda-runtimes": supported_lambda_runtimes}


def resolve_parameters(policy: dict, overrides: dict) -> dict:
    """The policy with every ``"{param:NAME}"`` replaced by its value: the profile's
    override, else the control's default from ``metadata.parameters``."""
    meta = policy.get("metadata") if isinstance(policy, dict) else None
    params = dict((meta or {}).get("parameters") or {})
    unknown = set(overrides) - set(params)
    if unknown:
        raise PackError(f"policy {policy.get('name')}: profile sets unknown parameters "
                        f"{', '.join(sorted(unknown))}")
    if not params:
        return policy
    params.update(overrides)
    values = {k: DATA_PARAMETERS[v]() if isinstance(v, str) and v in DATA_PARAMETERS else v
              for k, v in params.items()}

    def sub(node):
        if isinstance(node, dict):
            return {k: sub(v) for k, v in node.items()}
        if isinstance(node, list):
            return [sub(v) for v in node]
        if isinstance(node, str) and PARAM_REF.search(node):
            missing = set(PARAM_REF.findall(node)) - set(values)
            if missing:
                raise PackError(f"policy {policy.get('name')}: no parameter "
                                f"{', '.join(sorted(missing))}")
            if m := PARAM_REF.fullmatch(node):
                return values[m.group(1)]
            # Inside a larger string (a JMESPath literal): the value as JSON text.
            return PARAM_REF.sub(lambda m: v if isinstance(v := values[m.group(1)], str)
                                 else json.dumps(v), node)
        return node

    data = {k: sub(v) if k in ("filters", "actions") else v for k, v in policy.items()}
    data["metadata"] = {**meta, "parameters": params}
    return data


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
    source = meta.get("source")
    if meta.get("category") == "compliance" and source is None:
        errors.append("a compliance check must name its definition source (metadata.source)")
    if source is not None and not (isinstance(source, str) and (
            CONFIG_RULE.fullmatch(source) or CONTROL_PAGE.fullmatch(source))):
        errors.append("metadata.source must be an AWS Config rule name or the control's "
                      "Security Hub page")
    if not isinstance(meta.get("parameters", {}), dict):
        errors.append("metadata.parameters must map parameter names to values")
    partial = meta.get("partial")
    if partial is not None and not (isinstance(partial, str) and partial.strip()):
        errors.append("metadata.partial must say what the check does not cover")
    if meta.get("remediation") == "auto" and not policy.get("actions"):
        errors.append("remediation: auto needs actions")
    if meta.get("remediation") in ("manual", "none"):
        changing = sorted({a if isinstance(a, str) else a.get("type", "?")
                           for a in policy.get("actions") or []} - set(NOTICE_ACTIONS))
        if changing:
            errors.append(f"remediation: {meta['remediation']} forbids actions that change "
                          f"the resource ({', '.join(changing)}); only "
                          f"{', '.join(NOTICE_ACTIONS)} may appear")
    if len(policy.get("name", "")) > MAX_NAME:
        errors.append(f"name longer than {MAX_NAME} characters (Lambda name limit)")
    return errors


def remediation_errors(policy: dict, radius: dict[str, dict]) -> list[str]:
    """An automatic fix must have a blast radius and a remedy (journal and undo)."""
    from c7n_plugins.remedies import lookup

    errors = []
    if policy["name"] not in radius:
        errors.append(f"remediation: auto needs its blast radius in {BLAST_RADIUS_FILE}")
    rtype = resource_type(policy)
    for action in policy.get("actions") or []:
        name = _action_name(action)
        if name not in ("asset-remediate", *NOTICE_ACTIONS) and lookup(rtype, name) is None:
            errors.append(f"no remedy for {rtype} {name} in c7n_plugins/remedies.py: "
                          "it could not be journaled or undone")
    return errors


def load(files: Iterable[Path] | None = None, validate: bool = True,
         only: Callable[[PackPolicy], bool] | None = None,
         resolve: bool = True) -> list[PackPolicy]:
    """Read the pack's policies, parameters resolved for the active profile (unless
    ``resolve`` is false); with ``validate``, raise :class:`PackError` on the first
    invalid file, naming it and every reason, before anything runs. ``only`` keeps the
    policies a command runs (the others are neither validated nor returned)."""
    files = list(files) if files is not None else policy_files()
    overrides = profile() if resolve else None
    policies: list[PackPolicy] = []
    for path in files:
        policies.extend(read_file(Path(path), overrides))
    _check_unique(policies)
    if only is not None:
        policies = [p for p in policies if only(p)]
    if validate:
        validate_policies(policies)
    return policies


def _check_unique(policies: list[PackPolicy]) -> None:
    seen: dict[str, Path] = {}
    for p in policies:
        name = p.data.get("name") if isinstance(p.data, dict) else None
        if name in seen:
            raise PackError(f"{p.path}: policy {name}: duplicate policy name "
                            f"(also in {seen[name]})")
        if name:
            seen[name] = p.path


def cache_dir() -> Path:
    """Where validated policies are remembered: ``ASSETPACK_CACHE`` or the user's cache."""
    env = os.environ.get("ASSETPACK_CACHE")
    base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME") or
                                      Path.home() / ".cache") / "assetpack"
    return base / "validated"


def _code_fingerprint() -> str:
    """What validation depends on besides the policy: Custodian's version, the
    plugins' elements and this module's metadata rules."""
    from c7n.version import version

    import c7n_plugins

    digest = hashlib.sha256(version.encode())
    for path in sorted([*Path(c7n_plugins.__file__).parent.rglob("*.py"), Path(__file__)]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _cache_key(policy: PackPolicy, fingerprint: str) -> str:
    name = policy.data.get("name") if isinstance(policy.data, dict) else None
    return hashlib.sha256(f"{fingerprint}:{policy.digest}:{name!r}".encode()).hexdigest()


def validate_policies(policies: list[PackPolicy], cache: bool = True) -> None:
    """Validate each policy once per content: a policy validated before, from the same
    file text and the same code, is not validated again (:func:`cache_dir`)."""
    load_elements(policies)
    folder = cache_dir()
    todo = policies
    if cache and all(p.digest for p in policies):
        fingerprint = _code_fingerprint()
        keys = {id(p): _cache_key(p, fingerprint) for p in policies}
        todo = [p for p in policies if not (folder / keys[id(p)]).exists()]
    if todo:
        _validate(todo)
    if cache and todo and all(p.digest for p in todo):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for p in todo:
                (folder / keys[id(p)]).touch()
        except OSError:
            pass  # a read-only home only costs the next run its validation


def load_elements(policies: list[PackPolicy]) -> None:
    """Register the plugins and the Custodian resource types the policies use."""
    from c7n.resources import load_resources

    import c7n_plugins

    c7n_plugins.load()
    # Custodian's guard-duty mode wants short names ("ec2"); load_resources the long ones.
    load_resources({resource_type(p.data) for p in policies if isinstance(p.data, dict)})


def _validate(policies: list[PackPolicy]) -> None:
    """Custodian's own validation (schema and element checks) plus contract 3."""
    from c7n import schema
    from c7n.config import Bag, Config
    from c7n.policy import Policy
    from c7n.structure import StructureParser

    structure = StructureParser()
    # A schema of every resource type makes jsonschema try each one for each policy
    # (about a second a policy); one schema per resource type in use is fast.
    schemas: dict[str, dict] = {}
    null_config = Config.empty(dryrun=True, account_id="na", region="na")
    radius = blast_radius()
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
        if p.metadata.get("remediation") == "auto":
            errors += remediation_errors(p.data, radius)
        if not errors:
            try:
                Policy(p.data, null_config, Bag()).validate()
            except Exception as err:  # noqa: BLE001
                errors.append(str(err))
        if errors:
            raise PackError(f"{p.path}: policy {p.name}: " + "; ".join(errors))


def scan_form(policy: dict) -> dict:
    """The policy as ``assetpack scan`` runs it: pull mode, guarded remediation with
    the check's blast radius from ``policies/remediation.yml``."""
    data = copy.deepcopy(policy)
    data.pop("mode", None)
    fixes = [a for a in data.get("actions") or [] if not _unguarded(data, a)]
    if data.get("metadata", {}).get("remediation") == "auto" and fixes:
        radius = blast_radius().get(data["name"], {})
        wrapped = {"type": "asset-remediate", "actions": fixes,
                   "class": radius.get("class", "disruptive")}
        if radius.get("guards"):
            wrapped["guards"] = list(radius["guards"])
        if radius.get("opt-in"):
            wrapped["opt-in"] = True
        data["actions"] = [wrapped] + [a for a in data["actions"] if _unguarded(data, a)]
    return data


def _action_name(action: dict | str) -> str:
    return action if isinstance(action, str) else action.get("type", "")


def resource_type(policy: dict) -> str:
    """The policy's Custodian type in its long form (``aws.ec2`` for ``ec2``)."""
    rtype = policy.get("resource", "")
    return rtype if "." in rtype else f"aws.{rtype}"


def _unguarded(policy: dict, action: dict | str) -> bool:
    """Actions ``asset-remediate`` does not wrap: notices (messages, findings, tags
    asking the owner) change nothing and must run for every matched resource."""
    return _action_name(action) in NOTICE_ACTIONS


def report_form(policy: dict) -> dict:
    """The policy as ``assetpack org run`` runs it in every account and region: pull
    mode, no remediation, its findings posted by ``post-control-finding``."""
    data = copy.deepcopy(policy)
    data.pop("mode", None)
    data["actions"] = [{"type": "post-control-finding"}]
    return data


def posts_findings(policy: dict) -> bool:
    """Checks report findings; of the responders, only those that detect something do
    (a tagger reacting to a creation event has nothing to report, and a threat
    responder answers a GuardDuty finding that is already in Security Hub: its record
    is the journal and the alert, not a second finding)."""
    mode = (policy.get("mode") or {}).get("type", "pull")
    category = (policy.get("metadata") or {}).get("category")
    if category == "reporting":
        return False
    return mode not in EVENT_MODES or category in ("compliance", "vulnerability")


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
