"""``assetpack org run`` over three workload accounts in two regions, in one run: roles
assumed across accounts, findings posted in each account and visible in the
delegated administrator's Security Hub, one summary over accounts and regions."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest

from assetpack import org
from assetpack.emulator import organization
from assetpack.pack import policies_root

pytestmark = pytest.mark.e2e
FILES = [policies_root() / "compliance" / "sqs.yml"]


def _findings(session) -> list[dict]:
    pages = session.client("securityhub").get_paginator("get_findings").paginate()
    return [f for page in pages for f in page["Findings"]]


def test_org_run_three_accounts_two_regions(aws, tmp_path):
    estate = organization.build(aws)
    assert len(estate.accounts) == 3 and len(estate.regions) == 2
    accounts = estate.accounts_file(tmp_path / "accounts.yml")
    out = tmp_path / "out"
    checks = org.checks_file(out, FILES)
    proc = subprocess.run(
        [sys.executable, "-m", "assetpack.cli.main", "org", "run", "-c", str(accounts),
         "-s", str(out), "-u", str(checks), "--cache-period", "0"],
        capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]

    summary = json.loads((out / org.SUMMARY_FILE).read_text())
    # Per account and region: the legacy-orders and legacy-payments queues violate
    # SQS.1, the dead-letter queue complies.
    assert summary["accounts"] == {name: {region: {"checks": 1, "violations": 2}
                                          for region in estate.regions}
                                   for name in estate.accounts}
    assert summary["totals"] == {"accounts": 3, "account_regions": 6, "violations": 12,
                                 "errors": 0}
    assert "| **3 accounts** | 6 account-regions |" in proc.stdout

    for region in estate.regions:
        admin = _findings(estate.session(aws, estate.admin, region))
        # Each workload account's two findings, in the region they were found in.
        assert Counter(f["AwsAccountId"] for f in admin) == {
            a: 2 for a in estate.accounts.values()}
        assert {f["Resources"][0]["Region"] for f in admin} == {region}
        assert {f["Compliance"]["SecurityControlId"] for f in admin} == {"SQS.1"}
        for account_id in estate.accounts.values():
            own = _findings(estate.session(aws, account_id, region))
            assert {f["AwsAccountId"] for f in own} == {account_id}
    assert _findings(aws) == []  # the management account scanned nothing
