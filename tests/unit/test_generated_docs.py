"""Derived documents must match what they are generated from."""

from __future__ import annotations

from pathlib import Path

from assetpack import coverage, permissions

ROOT = Path(__file__).resolve().parents[2]


def test_coverage_table_is_fresh():
    assert coverage.COVERAGE_DOC.read_text() == coverage.render(), (
        "docs/coverage.md is stale: run `assetpack coverage --write`")


def test_terraform_iam_documents_are_derived_from_the_pack():
    generated = ROOT / "terraform" / "generated"
    expected = permissions.generated_files()
    assert sorted(p.name for p in generated.glob("*.json")) == sorted(expected)
    for name, text in expected.items():
        assert (generated / name).read_text() == text, (
            f"terraform/generated/{name} is stale: run `make generated`")
