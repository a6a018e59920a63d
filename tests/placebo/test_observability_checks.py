"""The telemetry backends check, replayed: moto serves neither AMP's ListWorkspaces
nor X-Ray's GetSamplingRules. The flights are written by hand in the shape AWS
returns: a Region with only X-Ray's own Default rule and no workspace, and one with
the workspace and the pack's rule that terraform/modules/reporting creates."""

from __future__ import annotations

from tests.placebo.harness import policy_named, replay

NAME = "observability-backends-present"


def test_region_without_backends_is_found_and_says_what_is_missing(tmp_path):
    (account,) = replay(policy_named(NAME), NAME, tmp_path / "violating")
    assert account["c7n:MissingTelemetry"] == ["AMP workspace assetpack",
                                               "X-Ray sampling rule assetpack-default"]


def test_region_with_backends_passes(tmp_path):
    assert replay(policy_named(NAME), f"{NAME}/compliant", tmp_path / "compliant") == []
