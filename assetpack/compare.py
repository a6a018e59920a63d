"""``assetpack bench --compare PROWLER``: the scan beside Prowler, on the same estate.

For each scale a fresh emulator and demo estate; then, one after the other, as
child processes against the same endpoint: ``assetpack scan --dryrun`` over the
pack's checks of the FSBP controls Prowler also implements, and ``prowler aws``
over Prowler's checks of those controls (its own FSBP mapping,
``compliance/aws/aws_foundational_security_best_practices_aws.json``). Prowler
lives in its own virtual environment (``make bench-compare`` installs it there),
so neither tool's dependencies touch the other's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
import yaml

from assetpack import pack
from assetpack.demo import prepare_account
from assetpack.emulator import estate, server

# Prowler exits 3 when checks failed: it ran.
PROWLER_OK = (0, 3)


def prowler_fsbp(prowler: Path) -> dict[str, list[str]]:
    """FSBP control id -> Prowler checks, from the Prowler installation beside the
    ``prowler`` executable."""
    code = ("import json, pathlib, prowler; print(json.dumps({r['Id']: r['Checks'] for r in "
            "json.loads((pathlib.Path(prowler.__file__).parent / 'compliance' / 'aws' / "
            "'aws_foundational_security_best_practices_aws.json').read_text())"
            "['Requirements'] if r['Checks']}))")
    python = prowler.parent / "python"
    return json.loads(subprocess.run([str(python), "-c", code], capture_output=True,
                                     text=True, check=True).stdout)


def common_controls(prowler: Path) -> tuple[list[dict], list[str], list[str]]:
    """(the pack's policies, Prowler's checks, the FSBP control ids) both implement."""
    theirs = prowler_fsbp(prowler)
    ours = [p for p in pack.load(only=lambda p: p.is_check)
            if any(c.removeprefix("FSBP/") in theirs for c in p.metadata.get("controls", [])
                   if c.startswith("FSBP/"))]
    controls = sorted({c.removeprefix("FSBP/") for p in ours
                       for c in p.metadata["controls"] if c.startswith("FSBP/")} & set(theirs))
    checks = sorted({check for c in controls for check in theirs[c]})
    return [p.data for p in ours], checks, controls


def _timed(cmd: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> float:
    t0 = time.monotonic()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    if proc.returncode not in ok:
        raise RuntimeError(f"{Path(cmd[0]).name} exited {proc.returncode}: "
                           f"{proc.stderr.strip()[-400:]}")
    return time.monotonic() - t0


def measure(scale: int, prowler: Path, work: Path) -> dict:
    policies, checks, controls = common_controls(prowler)
    policy_file = work / "common-checks.yml"
    policy_file.write_text(yaml.safe_dump({"policies": policies}, sort_keys=False))
    with server.running() as emu:
        session = boto3.Session()
        prepare_account(session)
        estate.build(session, scale=scale)
        env = {**os.environ, **emu.environ()}
        ours = _timed([sys.executable, "-m", "assetpack.cli.main", "scan", "--dryrun", "-s",
                       str(work / f"assetpack-{scale}"), "-p", str(policy_file)], env)
        theirs = _timed([str(prowler), "aws", "-f", env["AWS_REGION"], "--checks", *checks,
                         "--no-banner", "-o", str(work / f"prowler-{scale}"),
                         "--output-formats", "json-ocsf"], env, PROWLER_OK)
    return {"scale": scale, "controls": len(controls), "assetpack_policies": len(policies),
            "prowler_checks": len(checks), "assetpack_seconds": round(ours, 1),
            "prowler_seconds": round(theirs, 1), "ratio": round(ours / theirs, 2)}


def table(rows: list[dict]) -> str:
    lines = ["| scale | FSBP controls in common | assetpack policies | Prowler checks "
             "| assetpack scan | Prowler | ratio |", "| --- |" + " --- |" * 6]
    lines += [f"| {r['scale']} | {r['controls']} | {r['assetpack_policies']} | "
              f"{r['prowler_checks']} | {r['assetpack_seconds']} s | {r['prowler_seconds']} s "
              f"| {r['ratio']}x |" for r in rows]
    return "\n".join(lines)


def run_compare(prowler: str, scales: list[int], output: str) -> int:
    path = Path(prowler)
    if not path.exists():
        print(f"assetpack: error: no Prowler at {path}: `make bench-compare` installs it",
              file=sys.stderr)
        return 1
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for scale in scales:
            print(f"==> scale {scale}: assetpack scan and Prowler on the same estate",
                  file=sys.stderr, flush=True)
            rows.append(measure(scale, path, Path(tmp)))
            print(f"    {rows[-1]['assetpack_seconds']} s vs {rows[-1]['prowler_seconds']} s",
                  file=sys.stderr, flush=True)
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_text(json.dumps(rows, indent=2))
    print(table(rows))
    return 0
