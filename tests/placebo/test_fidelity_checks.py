"""Checks added for control coverage whose twins the emulator cannot build, replayed.

Recorded from moto with ``scripts/record_placebo.py`` and edited where moto differs
from AWS (each edit named below):

- ``ec2-stopped-instance-removed``: moto stamps a stop with the current time; the
  test rewrites the two stops to 60 and 5 days ago (``allowedDays`` is 30);
- ``ec2-paravirtual-instance``: moto reports every instance as paravirtual; the
  flight keeps one (an m1.small) and reports the others HVM, as AWS does;
- ``vpn-connection-tunnels-up``: moto reports no tunnel telemetry; the flight has one
  connection with a tunnel down, one with both up, a deleted one with both down;
- ``ebs-volume-backup-plan`` / ``rds-instance-backup-plan``: moto lacks
  ``ListProtectedResources``; the flight says AWS Backup holds a recovery point of
  one in-use volume / of ``legacy-reports-db``;
- account-level checks (one account: a violating and a ``compliant`` flight) were
  recorded before and after setting the security contact / account Block Public Access.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta

import pytest

from tests.placebo.harness import DATA, policy_named, replay

ACCOUNT_CASES = ["account-security-contact", "s3-account-public-access-blocked"]


@pytest.mark.parametrize("name", ACCOUNT_CASES)
def test_account_check_flags_weak_account_only(name, tmp_path):
    assert replay(policy_named(name), name, tmp_path / "violating")
    assert not replay(policy_named(name), f"{name}/compliant", tmp_path / "compliant")


def _ids(found: list[dict], key: str) -> set[str]:
    return {r[key] for r in found}


def test_paravirtual_instance_flagged_hvm_spared(tmp_path):
    found = replay(policy_named("ec2-paravirtual-instance"), "ec2-paravirtual-instance", tmp_path)
    assert _ids(found, "InstanceId") == {"i-dd6f36c2b482e7e21"}


def test_instance_stopped_beyond_allowed_days_flagged(tmp_path):
    flight = tmp_path / "flight"
    shutil.copytree(DATA / "ec2-stopped-instance-removed", flight)
    path = flight / "ec2.DescribeInstances_1.json"
    doc = json.loads(path.read_text())
    now = datetime.now(UTC)
    for instance, days in zip(doc["data"]["Reservations"][0]["Instances"], (60, 5), strict=False):
        stopped = (now - timedelta(days=days)).strftime("%Y-%m-%d %H:%M:%S GMT")
        instance["StateTransitionReason"] = f"User initiated ({stopped})"
    path.write_text(json.dumps(doc))
    found = replay(policy_named("ec2-stopped-instance-removed"), str(flight), tmp_path / "out")
    # Stopped 60 days ago: flagged; stopped 5 days ago and running: spared.
    assert _ids(found, "InstanceId") == {"i-dd6f36c2b482e7e21"}


def test_vpn_with_a_tunnel_down_flagged(tmp_path):
    found = replay(policy_named("vpn-connection-tunnels-up"), "vpn-connection-tunnels-up",
                   tmp_path)
    assert _ids(found, "VpnConnectionId") == {"vpn-15359d99f05a07f43"}


def test_unprotected_volumes_flagged(tmp_path):
    found = replay(policy_named("ebs-volume-backup-plan"), "ebs-volume-backup-plan", tmp_path)
    ids = _ids(found, "VolumeId")
    assert "vol-f3507697380df9152" not in ids          # backed up
    assert "vol-d76334877af79a67f" not in ids          # not attached
    assert ids == {"vol-c9258e13c5b52fd1d", "vol-2e745524ab221515c", "vol-93db1f91ad4492961",
                   "vol-d78ed07e71ddaeab2"}


def test_unprotected_database_flagged(tmp_path):
    found = replay(policy_named("rds-instance-backup-plan"), "rds-instance-backup-plan", tmp_path)
    assert _ids(found, "DBInstanceIdentifier") == {"legacy-orders-db"}


def test_permissions_boundary_is_not_admin(tmp_path):
    # Hand-written: two customer policies granting "*" on "*"; one is used only as a
    # permissions boundary (IAM.1 excludes those), the other is attached.
    found = replay(policy_named("iam-policy-no-full-admin"), "iam-policy-no-full-admin-boundary",
                   tmp_path)
    assert _ids(found, "PolicyId") == {"ANPAADMIN000000000001"}


def test_client_vpn_without_connection_logs_flagged(tmp_path):
    # Hand-written in the shape AWS returns (moto has no Client VPN): one endpoint
    # without connection logging, one logging to CloudWatch Logs.
    found = replay(policy_named("client-vpn-connection-logging"), "client-vpn-connection-logging",
                   tmp_path)
    assert _ids(found, "ClientVpnEndpointId") == {"cvpn-endpoint-0legacy0000000001"}
