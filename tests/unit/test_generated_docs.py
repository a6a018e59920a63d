"""Derived documents must match what they are generated from."""

from __future__ import annotations

import json
from pathlib import Path

from assetpack import coverage
from assetpack.permissions import iam_policy, pack_permissions

ROOT = Path(__file__).resolve().parents[2]


def test_coverage_table_is_fresh():
    assert coverage.COVERAGE_DOC.read_text() == coverage.render(), (
        "docs/coverage.md is stale: run `assetpack coverage --write`")


def test_terraform_iam_document_is_derived_from_the_pack():
    generated = ROOT / "terraform" / "generated" / "custodian-permissions.json"
    assert json.loads(generated.read_text()) == iam_policy(pack_permissions()), (
        "run `assetpack permissions > terraform/generated/custodian-permissions.json`")


def test_no_wildcard_actions_in_derived_iam():
    actions = iam_policy(pack_permissions())["Statement"][0]["Action"]
    assert not [a for a in actions if "*" in a]
