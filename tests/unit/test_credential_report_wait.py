"""The credential report is waited for by asking AWS how far it got, not by a fixed sleep."""

from __future__ import annotations

import pytest

from c7n_plugins.elements.iam_credential_report import (
    CredentialReportTimeout,
    wait_for_report,
)


class FakeIam:
    def __init__(self, states):
        self.states = list(states)
        self.calls = 0

    def generate_credential_report(self):
        self.calls += 1
        return {"State": self.states.pop(0) if self.states else "INPROGRESS"}


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.pauses: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def test_polls_until_complete_with_growing_pauses():
    iam, clock = FakeIam(["STARTED", "INPROGRESS", "COMPLETE"]), FakeClock()
    wait_for_report(iam, 60, sleep=clock.sleep, clock=clock)
    assert iam.calls == 3
    assert clock.pauses == [0.2, 0.4]


def test_a_complete_report_costs_no_pause():
    iam, clock = FakeIam(["COMPLETE"]), FakeClock()
    wait_for_report(iam, 60, sleep=clock.sleep, clock=clock)
    assert clock.pauses == []


def test_pauses_are_capped_and_the_wait_is_bounded():
    iam, clock = FakeIam([]), FakeClock()  # never completes
    with pytest.raises(CredentialReportTimeout, match="not ready after 20 s"):
        wait_for_report(iam, 20, sleep=clock.sleep, clock=clock)
    assert max(clock.pauses) == 5.0
    assert sum(clock.pauses) <= 20
