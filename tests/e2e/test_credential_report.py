"""The ``credential`` filter on a fresh account: the report is generated, waited for
only until AWS says it is complete (the emulator, like AWS, answers STARTED first),
and shared by the users' and the account's checks."""

from __future__ import annotations

import pytest
from c7n.config import Config
from c7n.policy import PolicyCollection
from c7n.resources import load_resources

import c7n_plugins
from c7n_plugins.elements import iam_credential_report

pytestmark = pytest.mark.e2e


def _run(policies, tmp_path):
    c7n_plugins.load()
    load_resources(tuple(p["resource"] for p in policies))
    config = Config.empty(region="us-east-1", output_dir=str(tmp_path), cache="memory")
    return {p.name: p() for p in PolicyCollection.from_data({"policies": policies}, config)}


def test_new_report_is_polled_not_slept_for(aws, tmp_path, monkeypatch):
    iam = aws.client("iam")
    iam.create_user(UserName="console-no-mfa")
    iam.create_login_profile(UserName="console-no-mfa", Password="Pa55-word-long!")
    iam.create_user(UserName="no-console")
    pauses: list[float] = []
    monkeypatch.setattr(iam_credential_report.time, "sleep", pauses.append)

    ran = _run([
        {"name": "console-without-mfa", "resource": "aws.iam-user",
         "filters": [{"type": "credential", "key": "password_enabled", "value": True},
                     {"type": "credential", "key": "mfa_active", "value": False}]},
        {"name": "root-keys", "resource": "aws.account",
         "filters": [{"type": "credential", "key": "access_keys.active", "value": True}]},
    ], tmp_path)

    assert [u["UserName"] for u in ran["console-without-mfa"]] == ["console-no-mfa"]
    assert ran["root-keys"] == []
    # One short pause between STARTED and COMPLETE, never Custodian's fixed 10 s.
    assert pauses == [iam_credential_report.FIRST_PAUSE]
