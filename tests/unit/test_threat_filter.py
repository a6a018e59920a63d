"""Which GuardDuty findings the pack acts on, and what malformed events do (nothing)."""

from __future__ import annotations

import pytest

import c7n_plugins
from c7n_plugins.elements.threat import GuardDutyFinding, _finding

c7n_plugins.load()


def _event(type_="Backdoor:EC2/C&CActivity.B!DNS", severity=8, role="ACTOR") -> dict:
    return {"detail-type": "GuardDuty Finding", "source": "aws.guardduty", "detail": {
        "id": "f1", "type": type_, "severity": severity, "title": "t",
        "service": {"resourceRole": role, "detectorId": "d1"}}}


def _filter(**data) -> GuardDutyFinding:
    return GuardDutyFinding({"type": "guardduty-finding", **data}, manager=None)


@pytest.mark.parametrize("data,event,matches", [
    ({}, _event(), True),
    ({"min-severity": 7}, _event(severity=8), True),
    ({"min-severity": 7}, _event(severity=5), False),
    ({"types": ["^Backdoor:EC2/"]}, _event(), True),
    ({"types": ["^CryptoCurrency:EC2/"]}, _event(), False),
    ({"resource-role": "ACTOR"}, _event(role="TARGET"), False),
    ({"min-severity": 1}, _event(severity="8"), False),   # not a number: not trusted
])
def test_qualifies(data, event, matches):
    resources = [{"InstanceId": "i-1"}]
    assert bool(_filter(**data).process(resources, event)) is matches


@pytest.mark.parametrize("event", [
    None, {}, {"detail-type": "GuardDuty Finding"}, {"detail-type": "GuardDuty Finding",
                                                     "detail": "oops"},
    {"detail-type": "GuardDuty Finding", "detail": {"severity": 8}},
    {"detail-type": "AWS API Call via CloudTrail", "detail": {"type": "x"}},
])
def test_malformed_or_other_events_match_nothing(event):
    assert _finding(event) is None
    assert _filter().process([{"InstanceId": "i-1"}], event) == []


def test_match_is_annotated_for_the_actions_and_the_alert():
    resources = [{"InstanceId": "i-1"}]
    _filter().process(resources, _event())
    assert resources[0]["c7n:GuardDutyFinding"] == {
        "id": "f1", "arn": None, "type": "Backdoor:EC2/C&CActivity.B!DNS", "severity": 8,
        "title": "t"}
