"""Every automatic fix can be undone from its journal (contract 7).

For each ``remediation: auto`` check, on the demo estate with every disruptive fix
opted in: remediate, undo, and compare each changed resource's full configuration
(Custodian's own description of it plus every attribute any remedy of its type
reads) with what it was before. The comparison is first shown to see the fix.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import boto3
import pytest
import yaml

from assetpack import pack
from assetpack.demo import prepare_account
from assetpack.emulator import estate, server
from assetpack.scan import run_scan
from assetpack.undo import undo
from c7n_plugins import remedies
from c7n_plugins.journal import Journal

pytestmark = pytest.mark.e2e
REMEDIATING = [p for p in pack.load(validate=False) if p.is_check
               and p.metadata.get("remediation") == "auto"]
# What changes between two reads of an unchanged resource.
VOLATILE = ("c7n:", "LatestRestorableTime", "LastModified", "Tags", "ResponseMetadata")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The estate on its own emulator, and a copy of the pack with every fix opted in."""
    mp = pytest.MonkeyPatch()
    emu = server.start()
    try:
        for key, value in emu.environ().items():
            mp.setenv(key, value)
        root = tmp_path_factory.mktemp("pack")
        policies = root / "policies"
        shutil.copytree(pack.policies_root(), policies)
        radius = yaml.safe_load((policies / pack.BLAST_RADIUS_FILE).read_text())
        for entry in radius["checks"].values():
            entry["opt-in"] = True
        (policies / pack.BLAST_RADIUS_FILE).write_text(yaml.safe_dump(radius))
        mp.setenv("ASSETPACK_POLICIES", str(policies))
        session = boto3.Session()
        prepare_account(session)
        estate.build(session)
        yield session, root
    finally:
        emu.stop()
        mp.undo()


def _manager(resource_type: str, output: Path):
    from c7n.config import Config
    from c7n.policy import Policy

    account = boto3.client("sts").get_caller_identity()["Account"]
    config = Config.empty(region="us-east-1", account_id=account, output_dir=str(output))
    return Policy({"name": "snapshot", "resource": resource_type}, config).resource_manager


def _strip(value):
    if isinstance(value, dict):
        # The emulator answers "" where AWS leaves a cleared attribute out (CloudTrail's
        # KmsKeyId after UpdateTrail with ""), so both read as absent.
        out = {k: _strip(v) for k, v in value.items()
               if not k.startswith(VOLATILE) and v not in ("", None)}
        if "DeletionDate" in out:
            # Deletion scheduled again runs from the undo, to the same day.
            out["DeletionDate"] = str(out["DeletionDate"])[:10]
        return out
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def configuration(session, resource_type: str, ids: list[str], output: Path) -> dict:
    """Each resource's full configuration as Custodian describes it, plus every
    attribute a remedy of its type reads."""
    manager = _manager(resource_type, output)
    key = manager.resource_type.id
    if resource_type == "aws.account":
        described = {i: {} for i in ids}
    else:
        described = {str(r[key]): r for r in manager.get_resources(ids, cache=False)}
    reads = {id(r): r for (t, _), r in remedies.REMEDIES.items() if t == resource_type}

    def client(service):
        return session.client(service, region_name="us-east-1")

    out = {}
    for i in ids:
        conf = dict(described.get(i, {}))
        for n, remedy in enumerate(reads.values()):
            conf[f"remedy{n}"] = remedy.read(client, i)
        out[i] = json.loads(json.dumps(_strip(conf), default=str, sort_keys=True))
    return out


def differences(a, b, path: str = "") -> list[str]:
    """Where two configurations differ, as readable paths."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b))
                for d in differences(a.get(k), b.get(k), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for n, (x, y) in enumerate(zip(a, b, strict=True))
                for d in differences(x, y, f"{path}[{n}]")]
    return [] if a == b else [f"{path}: {a!r} -> {b!r}"[:300]]


@pytest.mark.parametrize("check", REMEDIATING, ids=lambda p: p.name)
def test_remediate_then_undo_restores_everything(check, world, tmp_path):
    session, _ = world
    path = tmp_path / "check.yml"
    path.write_text(yaml.safe_dump({"policies": [check.data]}))
    plan = run_scan(tmp_path / "plan", files=[path], dryrun=True).policies[0]
    planned = [o["id"] for o in plan.outcomes if o["status"] == "planned"]
    assert planned, f"nothing in the estate for {check.name} to fix: {plan.outcomes}"
    before = configuration(session, check.data["resource"], planned, tmp_path / "c")

    journal = str(tmp_path / "journal")
    fixed = run_scan(tmp_path / "fix", files=[path], journal=journal).policies[0]
    changed = {o["id"] for o in fixed.outcomes if o["status"] in ("fixed", "pending")}
    assert changed == set(planned), fixed.outcomes
    during = configuration(session, check.data["resource"], planned, tmp_path / "c")
    assert any(during[i] != before[i] for i in changed), "the fix changed nothing visible"

    results = undo(journal, policy=check.name)
    assert results and all(r.status == "undone" for r in results), [
        (r.status, r.detail) for r in results]
    restored = configuration(session, check.data["resource"], planned, tmp_path / "c")
    assert differences(before, restored) == []
    assert {e.status for e in Journal(journal).entries()} == {"undone"}
