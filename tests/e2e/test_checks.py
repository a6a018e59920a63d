"""Every check of the pack against the demo estate: violating resources are found,
their compliant twins are not, and remediation fixes what it may and nothing else.

The estate declares its expectations (``assetpack.emulator.estate``); a check the
emulator cannot exercise has a placebo replay under ``tests/placebo/data/<policy>/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from assetpack import pack
from assetpack.demo import prepare_account
from assetpack.emulator import estate, server
from assetpack.scan import run_scan

pytestmark = pytest.mark.e2e
PLACEBO = Path(__file__).parent.parent / "placebo" / "data"
CHECKS = [p for p in pack.load() if p.is_check]
REMEDIATING = [p for p in CHECKS if p.metadata.get("remediation") == "auto"]


def _matched(out: Path, policy: str, id_key: str | None = None) -> set[str]:
    path = out / policy / "resources.json"
    if not path.exists():
        return set()
    resources = json.loads(path.read_text())
    meta = json.loads((out / policy / "metadata.json").read_text())
    key = id_key or meta["policy"]["resource"]
    return {_resource_id(r, key) for r in resources}


def _resource_id(resource: dict, resource_type: str) -> str:
    from c7n.provider import get_resource_class
    return str(resource[get_resource_class(resource_type).resource_type.id])


@pytest.fixture(scope="module")
def estate_run(tmp_path_factory, monkeypatch_module):
    """One emulator with the demo estate: a dry scan, a remediating scan, a rescan."""
    emu = server.start()
    try:
        for key, value in emu.environ().items():
            monkeypatch_module.setenv(key, value)
        session = boto3.Session()
        prepare_account(session)
        built = estate.build(session)
        out = tmp_path_factory.mktemp("estate")
        dry = run_scan(out / "dry", dryrun=True)
        fix = run_scan(out / "fix")
        after = run_scan(out / "after", dryrun=True)
        yield built, out, {"dry": dry, "fix": fix, "after": after}
    finally:
        emu.stop()


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_every_check_runs_without_error(estate_run):
    _, _, scans = estate_run
    errors = {p.name: p.error for p in scans["dry"].policies if p.error}
    assert errors == {}


@pytest.mark.parametrize("check", CHECKS, ids=lambda p: p.name)
def test_check_finds_violation_and_spares_twin(check, estate_run):
    built, out, _ = estate_run
    if check.name not in built.expectations:
        assert (PLACEBO / check.name).is_dir(), (
            f"{check.name}: no estate expectation and no placebo replay")
        pytest.skip("covered by its placebo replay")
    expected = built.expectations[check.name]
    found = _matched(out / "dry", check.name)
    assert expected.violating, "an expectation needs a violating resource"
    assert expected.compliant, "an expectation needs a compliant twin"
    assert expected.violating <= found
    assert not (expected.compliant & found)


@pytest.mark.parametrize("check", REMEDIATING, ids=lambda p: p.name)
def test_remediation_fixes_only_what_it_may(check, estate_run):
    """Fixed (or pending) resources comply afterwards; what the blast radius keeps
    from an unattended fix (not opted in, a consumer found) is left unchanged for a
    human, with the reason; protected assets and compliant twins are never touched."""
    built, out, scans = estate_run
    if check.name not in built.expectations:
        pytest.skip("covered by its placebo replay")
    expected = built.expectations[check.name]
    radius = pack.blast_radius()[check.name]
    after = _matched(out / "after", check.name)
    outcome_path = out / "fix" / check.name / "action-assetremediate"
    if not outcome_path.exists():
        # An earlier check's fix already cleared it (S3.8's Block Public Access makes
        # S3.2's public ACL harmless): nothing was left for this one to act on.
        assert not _matched(out / "fix", check.name)
        return
    outcome = json.loads(outcome_path.read_text())
    by_id = {o["id"]: o for o in outcome}
    fixable = expected.violating - expected.protected
    assert {by_id[i]["status"] for i in fixable} <= {"fixed", "pending", "needs-human"}
    changed = {i for i in fixable if by_id[i]["status"] in ("fixed", "pending")}
    kept = fixable - changed
    assert not (changed & after), f"still violating after remediation: {changed & after}"
    assert kept <= after, "a resource left to a human was changed"
    assert all(by_id[i]["reason"] for i in kept)
    if radius["class"] == "disruptive" and not radius.get("opt-in"):
        assert not changed, "a disruptive fix ran without opt-in"
    elif radius["class"] == "disruptive":
        # Opted in: only a guard that found a consumer keeps a resource from the fix.
        assert not any("not opted in" in by_id[i]["reason"] for i in kept)
    else:
        assert changed, f"nothing fixed: {[by_id[i] for i in fixable]}"
    assert expected.protected <= after, "a protected asset was changed"
    assert all(by_id[i]["status"] == "needs-human" for i in expected.protected)
    assert not (expected.compliant & after)
    assert not (expected.compliant & set(by_id)), "the compliant twin was touched"
