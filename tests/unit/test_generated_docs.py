"""Derived documents must match what they are generated from."""

from __future__ import annotations

import json
from pathlib import Path

from assetpack import coverage
from assetpack.permissions import automation_policy, iam_policy, pack_permissions

ROOT = Path(__file__).resolve().parents[2]


def test_coverage_table_is_fresh():
    assert coverage.COVERAGE_DOC.read_text() == coverage.render(), (
        "docs/coverage.md is stale: run `assetpack coverage --write`")


def test_remediation_doc_is_fresh():
    assert coverage.REMEDIATION_DOC.read_text() == coverage.render_remediation(), (
        "docs/remediation.md is stale: run `assetpack coverage --write`")


def test_remediation_doc_classes_every_automatic_fix():
    text = coverage.render_remediation()
    from assetpack import pack
    for p in pack.load(validate=False):
        if p.metadata.get("remediation") == "auto":
            row = next(line for line in text.splitlines() if line.startswith(f"| `{p.name}` |"))
            assert any(f"| {c} |" in row for c in pack.BLAST_CLASSES)


def test_terraform_iam_document_is_derived_from_the_pack():
    generated = ROOT / "terraform" / "generated" / "custodian-permissions.json"
    assert json.loads(generated.read_text()) == iam_policy(pack_permissions()), (
        "run `assetpack permissions > terraform/generated/custodian-permissions.json`")


def test_automation_role_document_is_derived_from_the_pack():
    generated = ROOT / "terraform" / "generated" / "automation-permissions.json"
    assert json.loads(generated.read_text()) == automation_policy(), (
        "run `make generated`")
    actions = automation_policy()["Statement"][0]["Action"]
    # The S3 encryption runbook acts as this role, so the role must carry its call.
    assert "s3:PutEncryptionConfiguration" in actions


def test_no_wildcard_actions_in_derived_iam():
    actions = iam_policy(pack_permissions())["Statement"][0]["Action"]
    assert not [a for a in actions if "*" in a]
