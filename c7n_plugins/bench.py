"""``assetpack bench``: scan wall time, peak memory and AWS API calls by estate scale.

Each scale gets a fresh emulator and estate; the scan runs as a child process
(``assetpack scan --dryrun``) so its peak memory is its own (``wait4``'s rusage).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import boto3

from c7n_plugins.demo import prepare_account
from c7n_plugins.emulator import estate, server


def _scan_child(out: Path, env: dict[str, str]) -> tuple[float, int, dict]:
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "c7n_plugins.cli.main", "scan", "--dryrun",
                             "-s", str(out)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - t0
    if proc.returncode:
        raise RuntimeError(f"scan exited {proc.returncode}; see {out}")
    return wall, usage.ru_maxrss // 1024, json.loads((out / "summary.json").read_text())


def measure(scale: int, out: Path) -> dict:
    with server.running() as emu:
        session = boto3.Session()
        prepare_account(session)
        t0 = time.monotonic()
        built = estate.build(session, scale=scale)
        build_s = time.monotonic() - t0
        wall, rss_mb, summary = _scan_child(out / f"scale-{scale}", {**os.environ,
                                                                     **emu.environ()})
    seen = summary["resources_seen"]
    return {"scale": scale, "resources_created": built.created, "resources_seen": seen,
            "checks": summary["totals"]["checks"], "violations": summary["totals"]["violations"],
            "scan_seconds": round(wall, 1), "peak_rss_mb": rss_mb,
            "api_calls": summary["api_calls"],
            "api_calls_per_resource": round(summary["api_calls"] / max(seen, 1), 2),
            "estate_build_seconds": round(build_s, 1)}


def table(rows: list[dict]) -> str:
    head = ("| scale | resources | checks | violations | scan wall time | peak memory "
            "| API calls | calls per resource |")
    lines = [head, "| " + " | ".join("---" for _ in range(8)) + " |"]
    lines += [f"| {r['scale']} | {r['resources_seen']} | {r['checks']} | {r['violations']} | "
              f"{r['scan_seconds']} s | {r['peak_rss_mb']} MB | {r['api_calls']} | "
              f"{r['api_calls_per_resource']} |" for r in rows]
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
    return 0
