"""Pack actions whose effect the estate scan does not show on its own."""

from __future__ import annotations

import pytest
from c7n.config import Config
from c7n.policy import Policy
from c7n.resources import load_resources

import c7n_plugins

pytestmark = pytest.mark.e2e

META = {"category": "compliance", "severity": "medium", "controls": ["FSBP/IAM.7"],
        "remediation": "auto", "description": "test"}


def _run(data: dict, tmp_path) -> list[dict]:
    c7n_plugins.load()
    load_resources((data["resource"],))
    config = Config.empty(region="us-east-1", account_id="123456789012",
                          output_dir=str(tmp_path))
    return Policy({**data, "metadata": META}, config)()


def test_tighten_password_policy_never_weakens(aws, tmp_path):
    iam = aws.client("iam")
    iam.update_account_password_policy(MinimumPasswordLength=16, RequireNumbers=True,
                                       MaxPasswordAge=60, PasswordReusePrevention=5)
    _run({"name": "tighten", "resource": "aws.account",
          "actions": [{"type": "tighten-password-policy", "policy": {
              "MinimumPasswordLength": 14, "RequireSymbols": True,
              "RequireUppercaseCharacters": True, "PasswordReusePrevention": 3}}]}, tmp_path)
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 16          # stricter value kept
    assert policy["PasswordReusePrevention"] == 5
    assert policy["MaxPasswordAge"] == 60                 # untouched setting kept
    assert policy["RequireSymbols"] and policy["RequireUppercaseCharacters"]
    assert policy["RequireNumbers"]


def test_cancel_key_deletion_leaves_key_disabled(aws, tmp_path):
    kms = aws.client("kms")
    key = kms.create_key(Description="legacy-old")["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    _run({"name": "cancel", "resource": "aws.kms-key",
          "filters": [{"KeyState": "PendingDeletion"}],
          "actions": [{"type": "cancel-key-deletion"}]}, tmp_path)
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "Disabled"
