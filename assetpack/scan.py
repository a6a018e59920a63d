"""``assetpack scan``: every check of the pack, evaluated now in pull mode.

Policies of one resource type run one after another on one worker, so
Custodian's in-memory cache fetches each type once; types run in parallel.
After the checks, findings are reconciled with Security Hub in batches
(contract 2), even with ``--dryrun``, which only holds back remediation.
"""

from __future__ import annotations

import json
import logging
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
from assetpack.sessions import ApiCounter

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
    # Per resource: {"id", "status": fixed|failed|needs-human, "reason"}.
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


def run_scan(
    output_dir: str | Path,
    region: str | None = None,
    dryrun: bool = False,
    files: Iterable[Path] | None = None,
    progress: Callable[[int, int, PolicyResult], None] | None = None,
    names: set[str] | None = None,
) -> ScanResult:
    """Run every check (or those ``names``), post findings, write per-policy output
    and ``summary.json``."""
    from c7n.config import Config
    from c7n.policy import PolicyCollection

    from c7n_plugins.elements.findings import build_findings
    from c7n_plugins.findings import Control, FindingStore

    started = time.monotonic()
    checks = pack.load(files, only=lambda p: p.is_check and (names is None or p.name in names))
    account, region = preflight(region)
    _reset_custodian_caches()
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    config = Config.empty(region=region, regions=[region], output_dir=str(out), dryrun=dryrun,
                          cache="memory", cache_period=15, account_id=account)
    counter = ApiCounter()
    sessions.retry_defaults()
    sessions.share_loader()
    sessions.propagate_context()
    factory = sessions.SharedSessionFactory(region, counter)
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
                fetch.own_copy_and_count(policy.resource_manager, seen)
                matched = policy() or []
                res.matched = len(matched)
                new = build_findings(policy.resource_manager,
                                     Control.from_policy_data(policy.data), matched)
                res.outcomes = _remediation_outcomes(
                    out / policy.name, res, [str(r.get(policy.resource_manager.resource_type.id))
                                             for r in matched])
                res.remediated = dict(Counter(o["status"] for o in res.outcomes))
                res.api_calls = _api_calls(out / policy.name)
                with lock:
                    findings.extend(new)
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

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(run_type, by_type.values()))

    store = FindingStore(factory().client("securityhub"), account, region)
    try:
        store.reconcile(findings, ran_ok)
    except (ClientError, BotoCoreError) as err:
        log.error("could not post findings to Security Hub: %s", err)
        store.stats["failed"] += len(findings)

    result = ScanResult(
        account=account, region=region, output_dir=str(out), dryrun=dryrun,
        policies=[results[p.name] for p in checks if p.name in results],
        resources_seen=sum(len(v) for v in seen.values()),
        groups=_group_counts(seen), findings=dict(store.stats),
        api_calls=counter.total, api_calls_by_operation=dict(sorted(counter.calls.items())),
        seconds=round(time.monotonic() - started, 2),
    )
    (out / "summary.json").write_text(json.dumps(result.to_json(), indent=2))
    return result


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
    if res.remediation == "none":
        return []
    reason = "manual remediation" if res.remediation == "manual" else "dry run"
    return [{"id": i, "status": "needs-human", "reason": reason} for i in matched]
