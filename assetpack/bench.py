"""``assetpack bench``: scan wall time, peak memory and AWS API calls by estate scale.

Each scale gets a fresh emulator and estate; the scan runs as a child process
(``assetpack scan --dryrun``) so its peak memory is its own (``wait4``'s rusage);
then the same estate is scanned again with remediation on. API calls are shown
per service:operation, so a per-resource call that grows with scale stands out.

``assetpack bench --org`` times ``assetpack org run`` over an emulated organisation
(3 accounts x 2 regions). ``assetpack bench --tagging`` measures the auto-tag Lambda
instead: event-to-tag time through the real handler against the emulator, its
archive size and the cold import the plugins add to Custodian's handler.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import boto3

from assetpack.demo import prepare_account
from assetpack.emulator import estate, server


def _scan_child(out: Path, env: dict[str, str], dryrun: bool = True,
                ) -> tuple[float, float, int, dict]:
    """(wall s, CPU s, peak MB, summary) of one ``assetpack scan`` child: CPU time
    is the scan's own work, wall time also counts the machine's other load. ``out``
    starts empty: an earlier bench's journal would name changes this emulator never
    saw."""
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "assetpack.cli.main", "scan",
                             *(["--dryrun"] if dryrun else []), "-s", str(out)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - t0
    if proc.returncode:
        raise RuntimeError(f"scan exited {proc.returncode}; see {out}")
    return (wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024,
            json.loads((out / "summary.json").read_text()))


def cve_calls(scan_dir: Path, summary: dict) -> dict:
    """What the CVE roll-up costs: the Inspector and ECS calls of the vulnerability checks
    (Custodian's per-policy ``api-stats``) against the assets rolled up (by the posture
    checks: an ``inspector-cves`` filter that every active CVE passes)."""
    from assetpack import pack

    posture = {p.name for p in pack.load(validate=False) if p.is_check and any(
        f == "inspector-cves" or f == {"type": "inspector-cves"}
        for f in p.data.get("filters", []))}
    calls = assets = 0
    for p in summary["policies"]:
        if p["category"] != "vulnerability":
            continue
        try:
            stats = json.loads((scan_dir / p["name"] / "metadata.json").read_text())["api-stats"]
        except (OSError, ValueError, KeyError):
            stats = {}
        calls += sum(n for op, n in stats.items()
                     if op.startswith("inspector2.") or op == "ecs.DescribeTaskDefinition")
        if p["name"] in posture:
            assets += p["matched"]
    return {"cve_assets": assets, "cve_calls": calls,
            "cve_calls_per_asset": round(calls / max(assets, 1), 2)}


def measure(scale: int, out: Path) -> dict:
    with server.running() as emu:
        session = boto3.Session()
        prepare_account(session)
        t0 = time.monotonic()
        built = estate.build(session, scale=scale)
        build_s = time.monotonic() - t0
        env = {**os.environ, **emu.environ()}
        wall, cpu, rss_mb, summary = _scan_child(out / f"scale-{scale}", env)
        # Then the same estate scanned with remediation on: what `assetpack scan` costs
        # when it fixes what it found.
        fix_wall, fix_cpu, _, fixed = _scan_child(out / f"scale-{scale}-remediate", env,
                                                  dryrun=False)
    seen = summary["resources_seen"]
    cves = cve_calls(out / f"scale-{scale}", summary)
    return {"scale": scale, "resources_created": built.created, "resources_seen": seen,
            "checks": summary["totals"]["checks"], "violations": summary["totals"]["violations"],
            "scan_seconds": round(wall, 1), "scan_cpu_seconds": round(cpu, 1),
            "peak_rss_mb": rss_mb,
            "api_calls": summary["api_calls"],
            "api_calls_per_resource": round(summary["api_calls"] / max(seen, 1), 2),
            "api_calls_by_operation": summary.get("api_calls_by_operation", {}),
            "remediating_scan_seconds": round(fix_wall, 1),
            "remediating_scan_cpu_seconds": round(fix_cpu, 1),
            "remediated": fixed["totals"]["remediation"],
            "estate_build_seconds": round(build_s, 1), **cves}


def table(rows: list[dict]) -> str:
    head = ("| scale | resources | checks | violations | scan wall (CPU) | peak memory "
            "| API calls | calls per resource | remediating scan wall (CPU) |")
    lines = [head, "| " + " | ".join("---" for _ in range(9)) + " |"]
    lines += [f"| {r['scale']} | {r['resources_seen']} | {r['checks']} | {r['violations']} | "
              f"{r['scan_seconds']} s ({r['scan_cpu_seconds']} s) | {r['peak_rss_mb']} MB | "
              f"{r['api_calls']} | {r['api_calls_per_resource']} | "
              f"{r['remediating_scan_seconds']} s ({r['remediating_scan_cpu_seconds']} s) |"
              for r in rows]
    lines += ["", "| scale | assets with CVEs | Inspector and ECS calls of the CVE checks "
              "| calls per asset |", "| --- | --- | --- | --- |"]
    lines += [f"| {r['scale']} | {r['cve_assets']} | {r['cve_calls']} | "
              f"{r['cve_calls_per_asset']} |" for r in rows]
    return "\n".join(lines)


def operations_table(rows: list[dict], top: int = 25) -> str:
    """Calls per resource by service:operation at each scale, the busiest first: an
    operation whose share grows with scale is a per-resource call left to batch."""
    biggest = rows[-1]["api_calls_by_operation"]
    ops = sorted(biggest, key=biggest.get, reverse=True)[:top]
    head = "| operation | " + " | ".join(f"scale {r['scale']}" for r in rows) + " |"
    lines = [head, "| --- |" + " --- |" * len(rows)]
    for op in ops:
        cells = [f"{r['api_calls_by_operation'].get(op, 0)} "
                 f"({r['api_calls_by_operation'].get(op, 0) / max(r['resources_seen'], 1):.3f})"
                 for r in rows]
        lines.append(f"| {op} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run_bench(scales: list[int], output: str) -> int:
    out = Path(output).parent
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for scale in scales:
        print(f"==> scale {scale}: building the estate and scanning", file=sys.stderr,
              flush=True)
        rows.append(measure(scale, out / "bench"))
        print(f"    {rows[-1]['resources_seen']} resources, {rows[-1]['scan_seconds']} s",
              file=sys.stderr, flush=True)
    Path(output).write_text(json.dumps(rows, indent=2))
    print(table(rows))
    print("\nAPI calls by operation (per resource):\n")
    print(operations_table(rows))
    return 0


# -- org: many accounts and regions in one run ------------------------------------


def measure_org(output: Path) -> dict:
    """``assetpack org run`` with every check of the pack over the emulated
    organisation (:mod:`assetpack.emulator.organization`): wall time of the run."""
    from assetpack import org
    from assetpack.emulator import organization

    with server.running() as emu:
        estate = organization.build(boto3.Session())
        out = output / "org"
        output.mkdir(parents=True, exist_ok=True)
        accounts = estate.accounts_file(output / "accounts.yml")
        t0 = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "assetpack.cli.main", "org", "run", "-c",
                               str(accounts), "-s", str(out), "--cache-period", "0"],
                              env={**os.environ, **emu.environ()}, capture_output=True,
                              text=True)
        wall = time.monotonic() - t0
        if proc.returncode:
            raise RuntimeError(f"org run exited {proc.returncode}: {proc.stderr[-500:]}")
        hub = estate.session(boto3.Session(), estate.admin, estate.regions[0])
        admin_findings = sum(len(page["Findings"]) for page in hub.client(
            "securityhub").get_paginator("get_findings").paginate())
    totals = json.loads((out / org.SUMMARY_FILE).read_text())["totals"]
    return {**totals, "checks": len(org.pack.load(only=lambda p: p.is_check)),
            "org_run_seconds": round(wall, 1),
            "admin_findings_first_region": admin_findings}


def run_org_bench(output: str) -> int:
    print("==> org: every check over 3 accounts x 2 regions with c7n-org", file=sys.stderr,
          flush=True)
    row = measure_org(Path(output).parent / "bench-org")
    Path(output).write_text(json.dumps(row, indent=2))
    print("| accounts | account-regions | checks | violations | failed | org run wall time "
          "| findings in the administrator's Security Hub (first region) |\n"
          "| --- | --- | --- | --- | --- | --- | --- |\n"
          f"| {row['accounts']} | {row['account_regions']} | {row['checks']} | "
          f"{row['violations']} | {row['errors']} | {row['org_run_seconds']} s | "
          f"{row['admin_findings_first_region']} |")
    return 0


# -- tagging: the auto-tag Lambda's latency, archive size and cold import -----------

TAGGING_TARGETS = {"handler_median_ms": 100, "archive_mb": 1.5, "plugins_import_ms": 150}


def _tag_events(session, per_type: int) -> dict[str, list[dict]]:
    """``per_type`` creation events of each simulated activity, on real resources."""
    from assetpack.emulator.activity import ACTIVITIES, SAMPLES
    from assetpack.replay import envelope

    out: dict[str, list[dict]] = {}
    for activity in ACTIVITIES:
        text = SAMPLES.joinpath(activity.sample).read_text()
        for i in range(per_type + 1):  # +1: the warm-up call, not counted
            real_id = activity.create(session, f"{activity.name}-{i}")
            record = json.loads(text.replace(activity.resource_id, real_id))
            out.setdefault(activity.resource_type, []).append(envelope(record))
    return out


def _autotag_policy(resource_type: str) -> dict:
    from assetpack import pack

    name = f"auto-tag-{resource_type.removeprefix('aws.')}"
    (policy,) = [p for p in pack.load(validate=False) if p.name == name]
    return pack.deploy_form(policy.data)


class _ApiClock:
    """Wall time spent waiting for AWS (the emulator) while it is installed: the
    handler's own time is the rest. Calls made in parallel threads count each."""

    def __init__(self) -> None:
        self.ms = 0.0
        self.calls = 0

    def __enter__(self) -> _ApiClock:
        from botocore.client import BaseClient

        self._original = original = BaseClient._make_api_call
        clock = self

        def timed(client, operation, params):
            t0 = time.perf_counter()
            try:
                return original(client, operation, params)
            finally:
                clock.ms += (time.perf_counter() - t0) * 1000
                clock.calls += 1

        BaseClient._make_api_call = timed
        return self

    def __exit__(self, *exc) -> None:
        from botocore.client import BaseClient

        BaseClient._make_api_call = self._original


def handler_latency(session, events: int = 200) -> list[tuple[float, float, int]]:
    """Per event through the real Lambda handler (``c7n_plugins.handler.run``), one
    config.json per tagger as in its archive, the first call of each a warm-up:
    (total ms, ms waiting for AWS, API calls)."""
    import logging
    import tempfile

    from assetpack.emulator.activity import ACTIVITIES
    from assetpack.replay import _LambdaContext
    from c7n_plugins import handler

    c7n_handler = handler._c7n_handler
    c7n_handler.C7N_DEBUG_EVENT = False
    logging.root.setLevel(logging.WARNING)  # c7n.handler sets DEBUG on import
    per_type = -(-events // len(ACTIVITIES))
    timings: list[tuple[float, float, int]] = []
    cwd = os.getcwd()
    try:
        for rtype, batch in _tag_events(session, per_type).items():
            policy = _autotag_policy(rtype)
            with tempfile.TemporaryDirectory() as tmp:
                Path(tmp, "config.json").write_text(json.dumps({
                    "execution-options": {"account_id": "123456789012", "region": "us-east-1"},
                    "policies": [policy]}))
                os.chdir(tmp)
                c7n_handler.policy_config = c7n_handler.policy_data = None  # a new Lambda
                for n, event in enumerate(batch):
                    with _ApiClock() as api:
                        t0 = time.perf_counter()
                        handler.run(event, _LambdaContext(policy["name"]))
                        total = (time.perf_counter() - t0) * 1000
                    if n:
                        timings.append((total, api.ms, api.calls))
    finally:
        os.chdir(cwd)
    return timings[:events]


def archive_mb(resource_type: str = "aws.s3") -> float:
    """Size of the auto-tag Lambda's archive, as ``c7n.mu`` builds it for deployment."""
    from c7n.config import Config
    from c7n.mu import PolicyLambda
    from c7n.policy import PolicyCollection
    from c7n.resources import load_resources

    import c7n_plugins

    c7n_plugins.load()
    load_resources((resource_type,))
    config = Config.empty(region="us-east-1", account_id="123456789012")
    (policy,) = PolicyCollection.from_data({"policies": [_autotag_policy(resource_type)]},
                                           config)
    return PolicyLambda(policy).get_archive().size / 1e6


def _importtime(module: str) -> dict[str, tuple[int, int]]:
    """``module``'s cold import in a fresh interpreter: name -> (self µs, top-level µs).

    Top-level lines (one space before the name) carry the cumulative time that
    adds up to the whole import; nested ones count 0 there."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                          capture_output=True, text=True, check=True)
    out = {}
    for line in proc.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[0].strip().isdigit():
            top = int(parts[1]) if not parts[2].startswith("  ") else 0
            out[parts[2].strip()] = (int(parts[0]), top)
    return out


def import_ms(runs: int = 5) -> dict[str, float]:
    """Cold imports of ``c7n.handler`` and ``c7n_plugins.handler``, median of ``runs``.

    Runs alternate and ``extra`` is the median of each pair's difference, so load
    on the machine drifting between the two series does not count as the plugins'.
    """
    pairs = []
    for _ in range(runs):
        base, ours = _importtime("c7n.handler"), _importtime("c7n_plugins.handler")
        pairs.append(tuple(sum(top for _, top in run.values()) / 1000 for run in (base, ours)))
    return {"c7n": statistics.median(b for b, _ in pairs),
            "plugins": statistics.median(o for _, o in pairs),
            "extra": statistics.median(o - b for b, o in pairs)}


def measure_tagging(events: int = 200) -> dict:
    with server.running():
        session = boto3.Session()
        prepare_account(session)
        runs = handler_latency(session, events)
    imports = import_ms()
    timings = sorted(total for total, _, _ in runs)
    own = sorted(max(total - api, 0.0) for total, api, _ in runs)
    return {"events": len(timings),
            "handler_median_ms": round(statistics.median(timings), 1),
            "handler_p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1),
            "handler_own_median_ms": round(statistics.median(own), 1),
            "api_calls_per_event": round(statistics.mean(c for _, _, c in runs), 1),
            "archive_mb": round(archive_mb(), 2),
            "import_c7n_ms": round(imports["c7n"]),
            "import_plugins_handler_ms": round(imports["plugins"]),
            "plugins_import_ms": round(imports["extra"])}


def tagging_table(row: dict) -> str:
    t = TAGGING_TARGETS
    lines = ["| measure | value | target |", "| --- | --- | --- |",
             f"| event-to-tag handler, median ({row['events']} events) | "
             f"{row['handler_median_ms']} ms | < {t['handler_median_ms']} ms |",
             f"| event-to-tag handler, p95 | {row['handler_p95_ms']} ms | |",
             f"| of which not waiting for AWS (median) | {row['handler_own_median_ms']} ms | |",
             f"| AWS API calls per event (mean) | {row['api_calls_per_event']} | |",
             f"| auto-tag Lambda archive | {row['archive_mb']} MB | < {t['archive_mb']} MB |",
             f"| cold import, c7n.handler | {row['import_c7n_ms']} ms | |",
             f"| cold import, c7n_plugins.handler | {row['import_plugins_handler_ms']} ms | |",
             f"| plugins' extra cold import (median of paired runs) | "
             f"{row['plugins_import_ms']} ms | "
             f"<= {t['plugins_import_ms']} ms |"]
    return "\n".join(lines)


def run_tagging_bench(output: str, events: int = 200) -> int:
    print(f"==> tagging: {events} creation events through the auto-tag handler",
          file=sys.stderr, flush=True)
    row = measure_tagging(events)
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_text(json.dumps(row, indent=2))
    print(tagging_table(row))
    return 0
