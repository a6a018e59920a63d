"""Derived documents must match what they are generated from."""

from __future__ import annotations

from pathlib import Path

from assetpack import coverage, permissions

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


def test_terraform_iam_documents_are_derived_from_the_pack():
    generated = ROOT / "terraform" / "generated"
    expected = permissions.generated_files()
    assert sorted(p.name for p in generated.glob("*.json")) == sorted(expected)
    for name, text in expected.items():
        assert (generated / name).read_text() == text, (
            f"terraform/generated/{name} is stale: run `make generated`")


def test_automation_role_document_carries_the_runbooks_calls():
    actions = permissions.automation_policy()["Statement"][0]["Action"]
    # The S3 encryption runbook acts as this role, so the role must carry its call.
    assert "s3:PutEncryptionConfiguration" in actions
