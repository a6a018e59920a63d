"""Checks the emulator cannot exercise, replayed from recorded responses.

moto cannot backdate access keys, credential-report usage or secret access and
rotation dates, hard-codes an expired date on every IAM server certificate, drops
SNS delivery-status attributes, fails (HTTP 500) on SSM's
DescribeInstanceInformation-by-id and ListResourceComplianceSummaries, and has one
(non-root) account, so the root user and password-policy checks have no compliant
twin there. The flights were recorded from the emulator with
``scripts/record_placebo.py`` and then edited to the dates and values named in each
case (the SSM responses are written by hand in the shape AWS returns).

Ages are measured from a frozen "now", the day after the recording, so the
replays do not go stale.
"""

from __future__ import annotations

import datetime
import types

import c7n.filters.core
import c7n.resources.iam
import pytest

from c7n_plugins.elements import iam_credential_report
from tests.placebo.harness import policy_named, replay

FROZEN = datetime.datetime(2026, 11, 24, tzinfo=datetime.UTC)
BASTION, BATCH = "i-6551f102b79da99e2", "i-5ffcf25e5ea920b52"


class _FrozenDatetime(datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return FROZEN.astimezone(tz) if tz else FROZEN.replace(tzinfo=None)


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    proxy = types.ModuleType("datetime")
    proxy.__dict__.update(datetime.__dict__)
    proxy.datetime = _FrozenDatetime
    for module in (c7n.filters.core, c7n.resources.iam, iam_credential_report):
        monkeypatch.setattr(module, "datetime", proxy)


# policy, id key, violating, compliant: both kinds of resource in one flight.
RESOURCE_CASES = [
    ("iam-user-access-keys-rotated", "UserName",
     {"legacy-deploy-bot"}, {"legacy-ci-bot", "legacy-ops-alice"}),
    # Never used: a password set 2026-06-01 and a key created 2026-05-01 count from
    # then; a password set four days ago does not.
    ("iam-user-unused-credentials-90d", "UserName",
     {"legacy-ops-alice", "legacy-deploy-bot", "legacy-never-logged-in", "legacy-idle-key"},
     {"legacy-ops-bob", "legacy-ci-bot", "legacy-new-hire"}),
    ("iam-user-unused-credentials-45d", "UserName",
     {"legacy-ops-alice", "legacy-ops-bob", "legacy-deploy-bot", "legacy-never-logged-in",
      "legacy-idle-key"}, {"legacy-ci-bot", "legacy-new-hire"}),
    ("iam-server-certificate-not-expired", "ServerCertificateName",
     {"legacy-www-2019"}, {"legacy-www-2026"}),
    ("sns-topic-delivery-status-logging", "TopicArn",
     {"arn:aws:sns:us-east-1:123456789012:legacy-alerts"},
     {"arn:aws:sns:us-east-1:123456789012:legacy-orders"}),
    ("secretsmanager-rotation-succeeds", "Name", {"legacy/db-password"}, {"legacy/api-token"}),
    ("secretsmanager-unused-secret", "Name", {"legacy/db-password"}, {"legacy/api-token"}),
    ("secretsmanager-rotated-recently", "Name", {"legacy/db-password"}, {"legacy/api-token"}),
    # legacy-bastion has no SSM Agent registered and misses three critical patches;
    # legacy-batch is registered but its inventory association failed.
    ("ssm-ec2-instance-managed", "InstanceId", {BASTION}, {BATCH}),
    ("ssm-ec2-patch-compliant", "InstanceId", {BASTION}, {BATCH}),
    ("ssm-ec2-association-compliant", "InstanceId", {BATCH}, {BASTION}),
]

# Account-level (and one-resource) checks: the violating flight is data/<policy>, the compliant one
# data/<policy>/compliant.
ACCOUNT_CASES = [
    "iam-root-no-access-keys",      # root has an access key / has none
    "iam-root-mfa",                 # AccountMFAEnabled 0 / 1
    "iam-root-hardware-mfa",        # root's MFA is a virtual device / a hardware one
    "iam-password-policy-strong",   # 8 characters, no symbols / 14 with all classes
    "iam-password-policy-baseline",  # no expiry or reuse limit / 90 days and 24
    # One instance per flight: Custodian reads parameter groups in set order, so a
    # replay with two groups would hand their responses out at random.
    "rds-postgres-encrypted-in-transit",  # rds.force_ssl 0 / 1 (moto omits DataType)
    "rds-mysql-encrypted-in-transit",     # require_secure_transport 0 / 1
]


@pytest.mark.parametrize("name,key,violating,compliant", RESOURCE_CASES,
                         ids=[c[0] for c in RESOURCE_CASES])
def test_check_finds_violation_and_spares_twin(name, key, violating, compliant, tmp_path):
    found = {r[key] for r in replay(policy_named(name), name, tmp_path)}
    assert violating <= found
    assert not (compliant & found)


@pytest.mark.parametrize("name", ACCOUNT_CASES)
def test_account_check_flags_weak_account_only(name, tmp_path):
    assert replay(policy_named(name), name, tmp_path / "violating")
    assert not replay(policy_named(name), f"{name}/compliant", tmp_path / "compliant")
