"""Fetch once, evaluate many (``assetpack.fetch``): what one check of a type fetched is
kept for the next, what it concluded or changed is not; S3 is augmented with the
union of what the S3 checks read."""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace

import pytest

from assetpack import fetch


def _manager(filter_resources):
    return SimpleNamespace(filter_resources=filter_resources, type="app-elb",
                           resource_type=SimpleNamespace(id="LoadBalancerArn"))


def test_fetched_data_is_kept_verdicts_and_changes_are_not():
    cached = [{"LoadBalancerArn": "arn:lb/1", "Scheme": "internet-facing", "Tags": []}]

    def filters(resources, event=None):
        for r in resources:
            r["Attributes"] = {"access_logs.s3.enabled": "false"}   # read from AWS
            r["c7n:MatchedFilters"] = ["Attributes"]                 # this check's verdict
            r["Scheme"] = "internal"                                 # a change
        return resources

    manager = _manager(filters)
    seen = defaultdict(set)
    fetch.own_copy_and_count(manager, seen)
    matched = manager.filter_resources(cached)
    assert matched[0] is not cached[0]
    assert cached == [{"LoadBalancerArn": "arn:lb/1", "Scheme": "internet-facing", "Tags": [],
                       "Attributes": {"access_logs.s3.enabled": "false"}}]
    assert seen["app-elb"] == {("arn:lb/1", "{}")}


def test_fetched_data_is_kept_even_when_a_filter_fails():
    cached = [{"LoadBalancerArn": "arn:lb/1"}]

    def filters(resources, event=None):
        resources[0]["Attributes"] = {"a": "1"}
        raise RuntimeError("throttled")

    manager = _manager(filters)
    fetch.own_copy_and_count(manager, defaultdict(set))
    with pytest.raises(RuntimeError):
        manager.filter_resources(cached)
    assert cached[0]["Attributes"] == {"a": "1"}


def test_s3_checks_share_the_union_of_what_they_read():
    acl = {"name": "a", "resource": "aws.s3", "filters": [{"type": "global-grants"}]}
    versioning = {"name": "b", "resource": "aws.s3",
                  "filters": [{"or": [{"Versioning.Status": "Suspended"},
                                      {"type": "value", "key": "tag:owner",
                                       "value": "absent"}]}],
                  "actions": [{"type": "asset-remediate",
                               "actions": [{"type": "toggle-versioning"}]}]}
    other = {"name": "c", "resource": "aws.sqs", "filters": [{"type": "global-grants"}]}
    keys = fetch.plan_s3_augment([acl, versioning, other])
    assert keys == ["Acl", "Location", "Tags", "Versioning", "Website"]
    assert acl["query"] == versioning["query"] == [{"augment-keys": keys}]
    assert "query" not in other


def test_an_unmapped_s3_element_gets_every_key():
    known = {"name": "a", "resource": "aws.s3", "filters": [{"type": "bucket-logging"}]}
    unknown = {"name": "b", "resource": "aws.s3", "filters": [{"type": "some-new-filter"}]}
    assert fetch.plan_s3_augment([known, unknown]) is None
    assert "query" not in known and "query" not in unknown
