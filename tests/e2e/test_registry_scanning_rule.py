"""``scan-in-registry`` within what AWS accepts: one filter per repository while the
rule holds them (at most 100 per rule), then the single ``*`` filter."""

from __future__ import annotations

import pytest
from c7n.config import Config
from c7n.policy import PolicyCollection
from c7n.resources import load_resources

import c7n_plugins
from assetpack.scan import _reset_custodian_caches

pytestmark = pytest.mark.e2e
ACTION = {"name": "scan-repositories", "resource": "aws.ecr",
          "actions": [{"type": "scan-in-registry"}]}


def _run(aws, tmp_path) -> list[dict]:
    _reset_custodian_caches()
    c7n_plugins.load()
    load_resources(("aws.ecr",))
    config = Config.empty(region="us-east-1", output_dir=str(tmp_path), cache="memory")
    [policy] = PolicyCollection.from_data({"policies": [ACTION]}, config)
    policy()
    return aws.client("ecr").get_registry_scanning_configuration()[
        "scanningConfiguration"]["rules"]


def _filters(rules) -> list[str]:
    [rule] = [r for r in rules if r["scanFrequency"] == "SCAN_ON_PUSH"]
    return sorted(f["filter"] for f in rule["repositoryFilters"])


def test_each_repository_gets_its_filter(aws, tmp_path):
    ecr = aws.client("ecr")
    for name in ("api", "web", "worker"):
        ecr.create_repository(repositoryName=name)
    assert _filters(_run(aws, tmp_path)) == ["api", "web", "worker"]


def test_past_the_rules_capacity_one_filter_scans_every_repository(aws, tmp_path):
    ecr = aws.client("ecr")
    ecr.put_registry_scanning_configuration(scanType="BASIC", rules=[{
        "scanFrequency": "SCAN_ON_PUSH",
        "repositoryFilters": [{"filter": f"team-{i}-*", "filterType": "WILDCARD"}
                              for i in range(99)]}])
    for name in ("api", "web"):
        ecr.create_repository(repositoryName=name)
    assert _filters(_run(aws, tmp_path)) == ["*"]
