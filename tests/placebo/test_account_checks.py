"""Account-level checks of EC2, CloudTrail, Config, GuardDuty and Macie, replayed.

An account is one resource, so the emulator's estate can hold a violating account
or a compliant one, never both: each check has a violating flight in
``data/<policy>`` (a fresh account) and a compliant one in ``data/<policy>/compliant``.
They were recorded from moto with ``scripts/record_placebo.py`` and edited where
moto differs from AWS:

- moto reports Macie as ENABLED in a fresh account: the violating flight says
  PAUSED (a suspended Macie); Custodian pops ``ResponseMetadata`` from that
  response, so both Macie flights keep an (empty) one;
- moto's default trail has no event selectors; AWS's records all management
  events, as the compliant multi-Region flight now says.
"""

from __future__ import annotations

import pytest

from tests.placebo.harness import policy_named, replay

ACCOUNT_CASES = [
    "ebs-default-encryption-enabled",       # off / on
    "cloudtrail-multi-region-enabled",      # no trail / logging multi-Region trail
    "cloudtrail-enabled",                   # no trail / one logging trail
    "config-recorder-enabled",              # no recorder / all resources, recording
    "guardduty-enabled",                    # no detector / enabled detector
    "guardduty-rds-protection-enabled",     # no detector / RDS_LOGIN_EVENTS on
    "guardduty-s3-protection-enabled",      # no detector / S3_DATA_EVENTS on
    "macie-enabled",                        # paused / enabled
]


@pytest.mark.parametrize("name", ACCOUNT_CASES)
def test_account_check_flags_weak_account_only(name, tmp_path):
    assert replay(policy_named(name), name, tmp_path / "violating")
    assert not replay(policy_named(name), f"{name}/compliant", tmp_path / "compliant")
