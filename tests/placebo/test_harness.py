"""The placebo harness replays a recorded run through the real policy."""

from __future__ import annotations

from tests.placebo.harness import policy_named, replay


def test_recorded_s3_flight_replays_through_the_check(tmp_path):
    found = replay(policy_named("s3-bucket-public-access-blocked"),
                   "s3-bucket-public-access-blocked", tmp_path)
    names = {b["Name"] for b in found}
    assert "legacy-web-assets" in names          # Block Public Access off
    assert "legacy-web-logs" not in names        # the compliant twin
