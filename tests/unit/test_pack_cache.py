"""Validate once (``assetpack.pack``): by file content, only what a command runs, with
libyaml where PyYAML has it."""

from __future__ import annotations

import pytest
import yaml

from assetpack import pack

CHECK = """\
policies:
  - name: sqs-encrypted-example
    resource: aws.sqs
    metadata:
      category: compliance
      severity: medium
      controls: [FSBP/SQS.1]
      source: sqs-queue-encrypted
      remediation: none
      description: SQS queues must be encrypted.
    filters:
      - KmsMasterKeyId: absent
"""
BROKEN_RESPONDER = """\
  - name: broken-responder
    resource: aws.sqs
    mode: {type: cloudtrail, events: [CreateQueue]}
    metadata: {category: tagging, severity: low, remediation: none, description: x}
    filters:
      - type: no-such-filter
"""


@pytest.fixture
def validations(tmp_path, monkeypatch):
    """The policies each validation really checked."""
    monkeypatch.setenv("ASSETPACK_CACHE", str(tmp_path / "cache"))
    seen: list[list[str]] = []
    real = pack._validate

    def counting(policies):
        seen.append([p.name for p in policies])
        real(policies)

    monkeypatch.setattr(pack, "_validate", counting)
    return seen


def test_a_file_validated_once_is_remembered_by_its_content(tmp_path, validations):
    path = tmp_path / "checks.yml"
    path.write_text(CHECK)
    pack.load([path])
    pack.load([path])
    assert validations == [["sqs-encrypted-example"]]
    path.write_text(CHECK.replace("medium", "high"))
    pack.load([path])
    assert len(validations) == 2


def test_an_invalid_policy_is_never_remembered(tmp_path, validations):
    path = tmp_path / "bad.yml"
    path.write_text(CHECK.replace("KmsMasterKeyId: absent", "type: no-such-filter"))
    for _ in range(2):
        with pytest.raises(pack.PackError, match="no-such-filter"):
            pack.load([path])
    assert len(validations) == 2


def test_only_the_policies_a_command_runs_are_validated(tmp_path, validations):
    path = tmp_path / "mixed.yml"
    path.write_text(CHECK + BROKEN_RESPONDER)
    checks = pack.load([path], only=lambda p: p.is_check)
    assert [p.name for p in checks] == ["sqs-encrypted-example"]
    with pytest.raises(pack.PackError, match="broken-responder"):
        pack.load([path], only=lambda p: not p.is_check)


def test_duplicate_names_are_refused_whatever_a_command_runs(tmp_path, validations):
    path = tmp_path / "twice.yml"
    path.write_text(CHECK + CHECK.split("policies:\n", 1)[1])
    with pytest.raises(pack.PackError, match="duplicate policy name"):
        pack.load([path], only=lambda p: p.is_check)


def test_libyaml_parses_where_pyyaml_has_it():
    assert pack.YAML_LOADER is getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    assert getattr(yaml, "CSafeLoader", None) is not None  # the wheel here carries libyaml
