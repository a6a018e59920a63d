"""``assetpack scan``: every check of the pack, evaluated now in pull mode.

Policies of one resource type run one after another on one worker, so
Custodian's in-memory cache fetches each type once; types run in parallel.
After the checks, findings are reconciled with Security Hub in batches
(contract 2), even with ``--dryrun``, which only holds back remediation.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from assetpack import fetch, pack, sessions
from assetpack.read_cache import ReadCache
from assetpack.sessions import ApiCounter
from assetpack.tag_walk import TagWalk

log = logging.getLogger("assetpack.scan")
WORKERS = 4
REMEDIATION_OUTPUT = "action-assetremediate"


class ScanError(RuntimeError):
    """The scan could not start (credentials, endpoint, invalid policies)."""


@dataclass
class PolicyResult:
    name: str
    resource: str
    category: str
    severity: str
    controls: list[str]
    remediation: str
    matched: int = 0
    seconds: float = 0.0
    error: str | None = None
    api_calls: int = 0
    remediated: dict[str, int] = field(default_factory=dict)
    # Per resource: {"id", "status": fixed|pending|failed|needs-human|planned, "reason"}.
    outcomes: list[dict] = field(default_factory=list)


@dataclass
class ScanResult:
    account: str
    region: str
    output_dir: str
    dryrun: bool
    policies: list[PolicyResult]
    resources_seen: int
    groups: dict[str, dict[str, int]]
    findings: dict[str, int]
    api_calls: int
    seconds: float
    # Why findings could not be posted (first few); non-empty makes the scan exit 1.
    finding_errors: list[str] = field(default_factory=list)
    journal: str = ""
    # Changes an earlier run left pending, read again: {"fixed": n, "failed": n, "pending": n}.
    settled: dict[str, int] = field(default_factory=dict)
    # service:Operation -> calls, the scan's and the findings' together.
    api_calls_by_operation: dict[str, int] = field(default_factory=dict)

    def totals(self) -> dict:
        by_sev: Counter = Counter()
        by_cat: Counter = Counter()
        fixes: Counter = Counter()
        for p in self.policies:
            if p.matched:
                by_sev[p.severity] += p.matched
                by_cat[p.category] += p.matched
            fixes.update(p.remediated)
        return {
            "checks": len(self.policies),
            "errors": sum(1 for p in self.policies if p.error),
            "resources_seen": self.resources_seen,
            "violations": sum(p.matched for p in self.policies),
            "by_severity": dict(by_sev),
            "by_category": dict(by_cat),
            "remediation": dict(fixes),
        }

    def to_json(self) -> dict:
        data = asdict(self)
        data["totals"] = self.totals()
        return data


def preflight(region: str | None) -> tuple[str, str]:
    """Account and region, or one clear error when AWS cannot be reached."""
    session = boto3.Session(region_name=region)
    region = session.region_name or "us-east-1"
    try:
        account = session.client("sts", region_name=region).get_caller_identity()["Account"]
    except ClientError as err:
        raise ScanError(f"AWS refused the credentials: {err.response['Error']['Message']}") from err
    except NoCredentialsError as err:
        raise ScanError("no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/"
                        "AWS_SECRET_ACCESS_KEY (or run `assetpack demo`)") from err
    except BotoCoreError as err:
        raise ScanError(f"cannot reach AWS: {err}") from err
    return account, region


def _reset_custodian_caches() -> None:
    """Forget clients, sessions and cached resources from an earlier scan in this process."""
    from c7n.cache import InMemoryCache
    from c7n.credentials import CustodianSession
    from c7n.utils import reset_session_cache

    InMemoryCache._InMemoryCache__shared_state.clear()
    CustodianSession.close()
    reset_session_cache()


def _group_counts(seen: dict[str, set]) -> dict[str, dict[str, int]]:
    groups: dict[str, Counter] = {"asset:class": Counter(), "asset:environment": Counter()}
    for entries in seen.values():
        for _, tag_json in entries:
            tags = json.loads(tag_json)
            for key, counter in groups.items():
                counter[tags.get(key, "(untagged)")] += 1
    return {k: dict(v) for k, v in groups.items()}


def settle_pending(journal, session, region: str) -> Counter:
    """Read again what earlier runs left pending (an SSM Automation execution, an RDS
    maintenance window) and journal it ``fixed``, ``failed`` (could not fix) or
    still ``pending``."""
    from c7n_plugins.journal import JournalError
    from c7n_plugins.remedies import settle

    counts: Counter = Counter()
    clients: dict[tuple[str, str], object] = {}

    def client_in(where: str):
        return lambda service: clients.setdefault(
            (service, where), session.client(service, region_name=where))

    try:
        pending = [e for e in journal.entries() if e.status == "pending" and not e.dryrun]
    except JournalError as err:
        log.error("cannot read pending changes: %s", err)
        return counts
    for entry in pending:
        try:
            status, detail, after = settle(client_in(entry.region or region),
                                           entry.resource_type, entry.action,
                                           entry.resource_id, entry.execution)
        except (ClientError, BotoCoreError, KeyError, IndexError) as err:
            status, detail, after = "pending", f"cannot read it now: {err}"[:300], None
        if after is not None:
            entry.after = after
        counts[status] += 1
        if status != "pending" or detail != entry.detail:
            try:
                journal.update(entry, status, detail)
            except JournalError as err:
                log.error("%s: %s", entry.id, err)
    return counts


def run_scan(
    output_dir: str | Path,
    region: str | None = None,
    dryrun: bool = False,
    files: Iterable[Path] | None = None,
    progress: Callable[[int, int, PolicyResult], None] | None = None,
    names: set[str] | None = None,
    journal: str | None = None,
) -> ScanResult:
    """Run every check (or those ``names``), post findings, write per-policy output
    and ``summary.json``. Remediation journals to ``journal``, else
    ``ASSETPACK_JOURNAL``, else ``OUT/journal`` (contract 7)."""
    from c7n_plugins.journal import ENV

    out = Path(output_dir)
    location = journal or os.environ.get(ENV) or str(out / "journal")
    previous = os.environ.get(ENV)
    # asset-remediate reads the location from the environment, as in Lambda.
    os.environ[ENV] = location
    try:
        return _run_scan(out, region, dryrun, files, progress, names, location)
    finally:
        if previous is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = previous


def _run_scan(out: Path, region, dryrun, files, progress, names, location: str) -> ScanResult:
    from c7n.config import Config
    from c7n.policy import PolicyCollection

    from c7n_plugins.elements.findings import build_findings, names_match
    from c7n_plugins.findings import Control, FindingStore, Scope, utc_now
    from c7n_plugins.journal import Journal

    started = time.monotonic()
    run_started = utc_now()
    checks = pack.load(files, only=lambda p: p.is_check and (names is None or p.name in names))
    # Only a scan of the whole shipped pack may archive the findings of checks it lacks.
    full_scan = files is None and names is None
    account, region = preflight(region)
    # First what earlier runs left pending, so a change now in effect is not asked for again.
    settled = settle_pending(Journal(location, boto3.Session(region_name=region)),
                             boto3.Session(region_name=region), region)
    _reset_custodian_caches()
    out.mkdir(parents=True, exist_ok=True)
    config = Config.empty(region=region, regions=[region], output_dir=str(out), dryrun=dryrun,
                          cache="memory", cache_period=15, account_id=account)
    counter = ApiCounter()
    sessions.retry_defaults()
    sessions.share_loader()
    sessions.propagate_context()
    factory = sessions.SharedSessionFactory(region, counter, also=(TagWalk(), ReadCache()))
    forms = [pack.scan_form(p.data) for p in checks]
    fetch.plan_s3_augment(forms)
    collection = PolicyCollection.from_data({"policies": forms}, config,
                                            session_factory=factory)
    seen: dict[str, set] = defaultdict(set)
    by_type: dict[str, list] = defaultdict(list)
    for policy in collection:
        by_type[policy.resource_type].append(policy)

    results: dict[str, PolicyResult] = {}
    findings: list[dict] = []
    ran_ok: list[str] = []
    existing: dict[str, set[str] | None] = {}
    lock = threading.Lock()
    done = [0]

    def run_type(policies) -> None:
        for policy in policies:
            meta = policy.data.get("metadata", {})
            res = PolicyResult(policy.name, policy.resource_type, meta.get("category", ""),
                               meta.get("severity", ""), list(meta.get("controls", [])),
                               meta.get("remediation", "none"))
            t0 = time.monotonic()
            (out / policy.name / REMEDIATION_OUTPUT).unlink(missing_ok=True)
            token = sessions.current_policy.set(policy)
            try:
                # Elements initialise in validate (mark-for-op's time zone), as in
                # `custodian run`; pack.load validated the policy file's form (or
                # remembers that it did, for this file text).
                policy.validate()
                fetch.own_copy_and_count(policy.resource_manager, seen, existing)
                matched = policy() or []
                res.matched = len(matched)
                if dryrun and matched and res.remediation == "auto":
                    _plan(policy, matched, out / policy.name)
                new = build_findings(policy.resource_manager,
                                     Control.from_policy_data(policy.data), matched)
                res.outcomes = _remediation_outcomes(
                    out / policy.name, res, [str(r.get(policy.resource_manager.resource_type.id))
                                             for r in matched])
                res.remediated = dict(Counter(o["status"] for o in res.outcomes))
                res.api_calls = _api_calls(out / policy.name)
                looked = policy.name in existing
                existing[policy.name] = names_match(new, existing.get(policy.name))
                with lock:
                    findings.extend(new)
                    if looked:  # a policy that evaluated nothing (conditions) judges nothing
                        ran_ok.append(policy.name)
            except Exception as err:  # noqa: BLE001 - one policy never stops the scan
                log.error("policy %s failed: %s", policy.name, err)
                log.debug("policy %s failed", policy.name, exc_info=True)
                res.error = f"{type(err).__name__}: {err}"[:500]
            finally:
                sessions.current_policy.reset(token)
            res.seconds = round(time.monotonic() - t0, 3)
            with lock:
                results[policy.name] = res
                done[0] += 1
                if progress:
                    progress(done[0], len(checks), res)

    # The type with the most checks first: its chain of checks is the longest, and
    # started last it would leave the other workers idle at the end.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(run_type, sorted(by_type.values(), key=len, reverse=True)))

    store = FindingStore(factory().client("securityhub"), account, region)
    scope = Scope(ran=ran_ok, started=run_started,
                  existing={k: v for k, v in existing.items() if v is not None},
                  pack={p.name for p in pack.load(validate=False)} if full_scan else None)
    try:
        store.reconcile(findings, scope)
    except (ClientError, BotoCoreError) as err:
        log.error("could not post findings to Security Hub: %s", err)
        store.stats["failed"] += max(len(findings), 1)
        store.errors.append(f"Security Hub: {err}")

    result = ScanResult(
        account=account, region=region, output_dir=str(out), dryrun=dryrun,
        policies=[results[p.name] for p in checks if p.name in results],
        resources_seen=sum(len(v) for v in seen.values()),
        groups=_group_counts(seen), findings=dict(store.stats), finding_errors=store.errors,
        api_calls=counter.total, api_calls_by_operation=dict(sorted(counter.calls.items())),
        seconds=round(time.monotonic() - started, 2),
        journal=location, settled=dict(settled),
    )
    (out / "summary.json").write_text(json.dumps(result.to_json(), indent=2))
    return result


def _plan(policy, matched: list[dict], policy_dir: Path) -> None:
    """A dry run's remediation: Custodian runs no action, so the scan asks
    ``asset-remediate`` for its plan (journaled with ``dryrun: true``)."""
    for action in policy.resource_manager.actions:
        if action.type == "asset-remediate":
            outcome = action.process(copy.deepcopy(matched))
            (policy_dir / REMEDIATION_OUTPUT).write_text(json.dumps(outcome, indent=1))


def _api_calls(policy_dir: Path) -> int:
    try:
        meta = json.loads((policy_dir / "metadata.json").read_text())
    except (OSError, json.JSONDecodeError):
        return 0
    return sum(meta.get("api-stats", {}).values())


def _remediation_outcomes(policy_dir: Path, res: PolicyResult, matched: list[str]) -> list[dict]:
    """What happened to each violating resource: the remediation's own record, or,
    for a check a person must fix (or a dry run), "needs-human"."""
    path = policy_dir / REMEDIATION_OUTPUT
    if path.exists():
        return json.loads(path.read_text())
    if res.remediation != "manual":
        return []
    return [{"id": i, "status": "needs-human", "reason": "manual remediation"} for i in matched]
