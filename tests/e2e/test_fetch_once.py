"""Fetch once, evaluate many, end to end: four ALB checks read load balancer
attributes, and each load balancer's attributes are read from AWS once per scan;
every check still reports what it would report alone."""

from __future__ import annotations

import json

import pytest

from assetpack.demo import prepare_account
from assetpack.emulator.estate import Estate, elb, network
from assetpack.pack import policies_root
from assetpack.scan import run_scan

pytestmark = pytest.mark.e2e
ELB = [policies_root() / "compliance" / "elb.yml"]
READERS = ("alb-drops-invalid-headers", "alb-access-logging-enabled",
           "alb-deletion-protection-enabled", "alb-desync-mitigation-defensive")


def test_attributes_read_once_per_load_balancer(aws, tmp_path):
    prepare_account(aws)  # the taxonomy: fixes are planned, not left to a human
    estate = Estate(session=aws)
    network.build(estate)
    elb.build(estate)
    albs = aws.client("elbv2").describe_load_balancers()["LoadBalancers"]
    app = [lb for lb in albs if lb["Type"] == "application"]
    result = run_scan(tmp_path / "all", dryrun=True, files=ELB)
    names = {p.name for p in result.policies}
    assert set(READERS) <= names, names
    assert not [p.error for p in result.policies if p.error]
    calls = result.api_calls_by_operation
    # A dry run also journals each planned fix with the attributes it would change
    # (contract 7); that read is the scan's earlier one, answered again from memory.
    assert _planned(result) > 0
    assert calls["elbv2:DescribeLoadBalancerAttributes"] == len(app)
    # Each check alone finds the same resources as within the scan.
    for name in READERS:
        alone = run_scan(tmp_path / name, dryrun=True, files=ELB, names={name})
        assert alone.api_calls_by_operation["elbv2:DescribeLoadBalancerAttributes"] == len(app)
        together = json.loads((tmp_path / "all" / name / "resources.json").read_text())
        by_itself = json.loads((tmp_path / name / name / "resources.json").read_text())
        assert sorted(r["LoadBalancerArn"] for r in together) == sorted(
            r["LoadBalancerArn"] for r in by_itself), name


def _planned(result) -> int:
    """Planned fixes of ALBs the dry run journaled (each read the attributes once)."""
    from c7n_plugins.journal import Journal

    return sum(e.dryrun and e.resource_type == "aws.app-elb"
               for e in Journal(result.journal).entries())
