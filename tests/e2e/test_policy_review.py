"""The pull-request policy review: policystream's changes, each dry-run on the demo estate."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from assetpack import review

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def test_review_lists_changes_and_what_each_matches(emulator, tmp_path):
    repo = tmp_path / "repo"
    target = repo / "policies" / "compliance"
    target.mkdir(parents=True)
    shutil.copy(ROOT / "policies" / "compliance" / "sqs.yml", target / "sqs.yml")
    kms = yaml.safe_load((ROOT / "policies" / "compliance" / "kms.yml").read_text())
    gone = kms["policies"][0]
    (target / "old.yml").write_text(yaml.safe_dump({"policies": [gone]}))
    (repo / ".github").mkdir()
    (repo / ".github" / "ci.yml").write_text("on: push\njobs: {}\n")  # not a policy file
    _git(repo, "init", "-q")
    _git(repo, "-c", "user.email=a@b", "-c", "user.name=a", "add", "-A")
    _git(repo, "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-qm", "base")
    base = _git(repo, "rev-parse", "HEAD")

    sqs = yaml.safe_load((target / "sqs.yml").read_text())
    sqs["policies"][0]["description"] = "SQS queues must be encrypted at rest."
    (target / "sqs.yml").write_text(yaml.safe_dump(sqs))
    (target / "old.yml").unlink()
    _git(repo, "-c", "user.email=a@b", "-c", "user.name=a", "add", "-A")
    _git(repo, "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-qm", "change")

    out = tmp_path / "out"
    assert review.main(["--base", base, "--repo", str(repo), "-o", str(out)]) == 0
    found = {c["policy"]: c for c in json.loads((out / "policy-review.json").read_text())}
    assert set(found) == {"sqs-queue-encrypted", gone["name"]}
    assert found[gone["name"]]["kind"] == "remove"
    changed = found["sqs-queue-encrypted"]
    assert changed["kind"] == "modified"
    assert changed["error"] is None
    # The demo estate has unencrypted queues (and encrypted twins): some, not all, match.
    assert changed["matched"] >= 1
    assert changed["resources"]
    assert all(r.startswith("arn:aws:sqs:") for r in changed["resources"])
    text = (out / "policy-review.md").read_text()
    assert f"| modified | `sqs-queue-encrypted` | `policies/compliance/sqs.yml` | " \
           f"{changed['matched']}" in text
    assert f"| remove | `{gone['name']}` |" in text
