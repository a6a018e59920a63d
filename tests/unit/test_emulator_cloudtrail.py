"""The emulator's CloudTrail history (LookupEvents): filters, time window, paging."""

from __future__ import annotations

import json

import pytest

from assetpack.emulator import cloudtrail
from assetpack.emulator.activity import ACTIVITIES, SAMPLES

ACCOUNT, REGION = "123456789012", "us-east-1"


@pytest.fixture
def history():
    cloudtrail.clear()
    records = [json.loads(SAMPLES.joinpath(a.sample).read_text()) for a in ACTIVITIES]
    cloudtrail.add_records(records)
    yield records
    cloudtrail.clear()


def _names(body: dict) -> list[str]:
    return [e["EventName"] for e in cloudtrail.lookup(ACCOUNT, REGION, body)["Events"]]


def test_event_name_filter_and_api_shape(history):
    (event,) = cloudtrail.lookup(ACCOUNT, REGION, {"LookupAttributes": [
        {"AttributeKey": "EventName", "AttributeValue": "CreateBucket"}]})["Events"]
    assert event["Username"] == "alice"
    assert event["EventSource"] == "s3.amazonaws.com"
    assert event["Resources"] == [{"ResourceType": "aws.s3",
                                   "ResourceName": "legacy-web-prod-customer-uploads"}]
    assert json.loads(event["CloudTrailEvent"])["eventName"] == "CreateBucket"


def test_username_and_resource_name_filters(history):
    assert _names({"LookupAttributes": [
        {"AttributeKey": "Username", "AttributeValue": "root"}]}) == ["CreateUser"]
    assert _names({"LookupAttributes": [
        {"AttributeKey": "ResourceName", "AttributeValue": "legacy/web"}]}) == [
        "CreateRepository"]


def test_time_window_and_paging(history):
    everything = _names({})
    assert len(everything) == len(history)
    assert _names({"StartTime": 4102444800}) == []  # 2100: nothing yet
    first = cloudtrail.lookup(ACCOUNT, REGION, {"MaxResults": 3})
    second = cloudtrail.lookup(ACCOUNT, REGION, {"MaxResults": 3,
                                                 "NextToken": first["NextToken"]})
    assert [e["EventName"] for e in first["Events"] + second["Events"]] == everything[:6]


def test_other_accounts_see_nothing(history):
    assert cloudtrail.lookup("111122223333", REGION, {})["Events"] == []
