"""A flaky AWS, survived: the fault-injecting proxy (``assetpack.emulator.faults``) in
front of the emulator throttles a fifth of the requests and drops 2% of the
connections after the emulator acted.

The scan finds exactly what it finds without faults, posts each finding once and
resolves none; when retries run out, the policy fails, its findings stay as they
were and ``assetpack scan`` exits 1 with one line per failed policy. The tagging
replay, through the same proxy, loses no event and writes no wrong tag.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from assetpack.demo import prepare_account
from assetpack.emulator import estate, faults, server
from assetpack.emulator.activity import ACTIVITIES, SAMPLES
from assetpack.pack import policies_root
from assetpack.replay import Replayer
from assetpack.scan import run_scan
from tests.e2e.tags import read_tags

pytestmark = pytest.mark.e2e
COMPLIANCE = policies_root() / "compliance"
# Enough checks to make a few hundred calls over S3, ELB, KMS, IAM and SQS.
FILES = [COMPLIANCE / f"{name}.yml" for name in ("s3", "elb", "kms", "sqs", "sns")]
THROTTLE, DROP = 0.2, 0.02


@pytest.fixture(scope="module")
def estate_env(tmp_path_factory):
    """One emulator with the demo estate and a clean scan's findings, for the module."""
    mp = pytest.MonkeyPatch()
    emu = server.start()
    try:
        for key, value in emu.environ().items():
            mp.setenv(key, value)
        session = boto3.Session()
        prepare_account(session)
        estate.build(session)
        out = tmp_path_factory.mktemp("faults")
        clean = run_scan(out / "clean", dryrun=True, files=FILES)
        yield emu, mp, out, clean, _findings(session)
    finally:
        mp.undo()
        emu.stop()


def _findings(session) -> dict[str, tuple]:
    """Every finding in Security Hub: id -> (compliance, workflow, record state)."""
    pages = session.client("securityhub").get_paginator("get_findings").paginate()
    return {f["Id"]: (f.get("Compliance", {}).get("Status"),
                      f.get("Workflow", {}).get("Status"), f["RecordState"])
            for page in pages for f in page["Findings"]}


def _matched(result) -> dict[str, int]:
    return {p.name: p.matched for p in result.policies}


def _resources(out: Path, result) -> dict[str, list]:
    return {p.name: sorted(json.dumps(r, sort_keys=True, default=str) for r in json.loads(
        (out / p.name / "resources.json").read_text())) for p in result.policies}


def test_scan_under_throttling_and_drops_finds_the_same(estate_env):
    emu, mp, out, clean, before = estate_env
    with faults.proxy(emu.endpoint, throttle=THROTTLE, drop=DROP, seed=7) as proxy:
        mp.setenv("AWS_ENDPOINT_URL", proxy.endpoint)
        try:
            flaky = run_scan(out / "flaky", dryrun=True, files=FILES)
        finally:
            mp.setenv("AWS_ENDPOINT_URL", emu.endpoint)
    assert proxy.injected["throttle"] > 0.1 * proxy.forwarded  # the faults did happen
    assert proxy.injected["drop"] > 0
    assert [p.name for p in flaky.policies if p.error] == []
    assert _matched(flaky) == _matched(clean)
    assert _resources(out / "flaky", flaky).keys() == _resources(out / "clean", clean).keys()
    assert flaky.findings.get("failed", 0) == 0
    after = _findings(boto3.Session())
    # The same findings, each once, none resolved or archived.
    assert after == before
    assert not [s for s in after.values() if s[0] == "PASSED" or s[2] == "ARCHIVED"]


def test_retries_run_out_policy_fails_findings_untouched_exit_1(estate_env, tmp_path):
    emu, mp, out, clean, before = estate_env
    sqs_checks = [p.name for p in clean.policies if p.resource == "aws.sqs"]
    assert sqs_checks and any(p.matched for p in clean.policies if p.name in sqs_checks)
    with faults.proxy(emu.endpoint, throttle=0.0, drop=0.0,
                      always=frozenset({"ListQueues"})) as proxy:
        env = {**emu.environ(), "AWS_ENDPOINT_URL": proxy.endpoint, "AWS_MAX_ATTEMPTS": "3",
               "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
               "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}
        proc = subprocess.run(
            [sys.executable, "-m", "assetpack.cli.main", "scan", "--dryrun", "-s",
             str(tmp_path / "out"), "-p", *map(str, FILES)],
            env=env, capture_output=True, text=True, timeout=600)
    assert proxy.injected["exhausted"] >= 3
    assert proc.returncode == 1, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("assetpack: error:")]
    assert sorted(lines) == sorted(
        line for line in lines if any(f"policy {name} failed" in line for name in sqs_checks))
    assert {n for n in sqs_checks if any(f"policy {n} failed" in line for line in lines)} \
        == set(sqs_checks)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert {p["name"] for p in summary["policies"] if p["error"]} == set(sqs_checks)
    assert _findings(boto3.Session()) == before  # the SQS findings were left alone


def _created(session, activity, suffix: str) -> tuple[str, dict]:
    """Like ``activity.perform``, under a name of its own: (real id, its record)."""
    real_id = activity.create(session, f"{activity.name}-{suffix}")
    text = SAMPLES.joinpath(activity.sample).read_text().replace(activity.resource_id, real_id)
    return real_id, json.loads(text)


def _asset_tags(resource_type: str, resource_id: str) -> dict[str, str]:
    return {k: v for k, v in read_tags(resource_type, resource_id).items()
            if k.startswith("asset:")}


def test_tagging_replay_through_the_proxy_loses_nothing(estate_env, tmp_path):
    emu, mp, *_ = estate_env
    session = boto3.Session()
    taggers = [policies_root() / "tagging" / "auto-tag.yml"]
    clean = [(a, *_created(session, a, "clean")) for a in ACTIVITIES]
    flaky = [(a, *_created(session, a, "flaky")) for a in ACTIVITIES]
    replayer = Replayer(tmp_path / "clean", "us-east-1", "123456789012", taggers)
    for activity, _, record in clean:
        replayer.replay(activity.sample, record)
    with faults.proxy(emu.endpoint, throttle=THROTTLE, drop=DROP, seed=11) as proxy:
        mp.setenv("AWS_ENDPOINT_URL", proxy.endpoint)
        try:
            replayer = Replayer(tmp_path / "flaky", "us-east-1", "123456789012", taggers)
            outcomes = [replayer.replay(a.sample, record) for a, _, record in flaky]
        finally:
            mp.setenv("AWS_ENDPOINT_URL", emu.endpoint)
    assert sum(proxy.injected.values()) > 0
    assert [[(o.error, bool(o.resources)) for o in outs] for outs in outcomes] == \
        [[(None, True)]] * len(flaky)
    for (activity, twin_id, _), (_, real_id, _) in zip(clean, flaky, strict=True):
        expected = _asset_tags(activity.resource_type, twin_id)
        assert expected.get("asset:creator"), activity.sample
        assert _asset_tags(activity.resource_type, real_id) == expected, activity.sample
