"""Waste checks moto cannot age, replayed: its snapshots and images are always new.

Recorded from the emulator with ``scripts/record_placebo.py``, then edited: the
manual snapshot is dated 2025-03-14, its twin is as old but managed by Data
Lifecycle Manager (its ``aws:dlm:lifecycle-policy-id`` tag, as DLM sets it); the
image was pushed in 2019 and never pulled, its twin was pulled on 2026-11-30
(``lastRecordedPullTime``, which moto never sets). Each twin is spared for a reason
that does not depend on today's date.
"""

from __future__ import annotations

from tests.placebo.harness import policy_named, replay


def test_old_manual_snapshot_is_waste_and_priced(tmp_path):
    found = replay(policy_named("ebs-snapshot-manual-old"), "ebs-snapshot-manual-old", tmp_path)
    assert [s["SnapshotId"] for s in found] == ["snap-408c888b4fb1eb552"]
    assert found[0]["c7n:monthly-waste-usd"] == 25.0  # 500 GiB at $0.05, an upper bound


def test_never_pulled_image_is_waste_and_priced(tmp_path):
    found = replay(policy_named("ecr-image-never-pulled"), "ecr-image-never-pulled", tmp_path)
    assert [i["imageTags"] for i in found] == [["2019.4"]]
    assert found[0]["c7n:monthly-waste-usd"] == 0.04  # 0.38 GiB at $0.10
