"""One tagging-API walk answers every type's tag lookup of a dry-run scan, with the
tags each resource really has; after a state-changing call, lookups go to AWS."""

from __future__ import annotations

import json

import boto3
import pytest
import yaml

from assetpack.scan import run_scan
from assetpack.sessions import ApiCounter, SharedSessionFactory
from assetpack.tag_walk import TagWalk

pytestmark = pytest.mark.e2e
TYPES = ("aws.sns", "aws.sqs", "aws.log-group", "aws.kms-key")


def _estate(aws) -> dict[str, dict[str, str]]:
    """Two resources of each type, one tagged; name -> tags."""
    sns, sqs, logs = aws.client("sns"), aws.client("sqs"), aws.client("logs")
    sns.create_topic(Name="t-tagged", Tags=[{"Key": "team", "Value": "blue"}])
    sns.create_topic(Name="t-bare")
    sqs.create_queue(QueueName="q-tagged", tags={"team": "green"})
    sqs.create_queue(QueueName="q-bare")
    logs.create_log_group(logGroupName="g-tagged", tags={"team": "red"})
    logs.create_log_group(logGroupName="g-bare")
    kms = aws.client("kms")
    kms.create_key(Tags=[{"TagKey": "team", "TagValue": "gold"}])
    kms.create_key()
    return {"t-tagged": {"team": "blue"}, "q-tagged": {"team": "green"},
            "g-tagged": {"team": "red"}}


def _every_resource(tmp_path):
    path = tmp_path / "all.yml"
    path.write_text(yaml.safe_dump({"policies": [{
        "name": f"every-{t.removeprefix('aws.')}", "resource": t,
        "metadata": {"category": "observability", "severity": "low",
                     "remediation": "none", "description": "every resource"}}
        for t in TYPES]}))
    return path


def test_one_walk_serves_every_type_with_true_tags(aws, tmp_path):
    expected = _estate(aws)
    result = run_scan(tmp_path / "out", dryrun=True, files=[_every_resource(tmp_path)])
    assert not [p.error for p in result.policies if p.error]
    calls = result.api_calls_by_operation
    # Four types, one walk (a page: fewer than 100 tagged resources).
    assert calls["resourcegroupstaggingapi:GetResources"] == 1
    seen: dict[str, dict[str, str]] = {}
    kms_tags = []
    for policy in result.policies:
        for r in json.loads((tmp_path / "out" / policy.name / "resources.json").read_text()):
            tags = {t["Key"]: t["Value"] for t in r.get("Tags", [])}
            if policy.resource == "aws.kms-key":
                kms_tags.append(tags)
                continue
            name = (r.get("TopicArn") or r.get("QueueUrl") or r["logGroupName"]).rsplit(
                "/", 1)[-1].rsplit(":", 1)[-1]
            seen[name] = tags
    assert {k: v for k, v in seen.items() if v} == expected
    assert set(seen) >= {"t-bare", "q-bare", "g-bare"}
    assert sorted(kms_tags, key=len) == [{}, {"team": "gold"}]


def test_after_a_change_lookups_go_to_aws(aws):
    _estate(aws)
    counter, walk = ApiCounter(), TagWalk()
    session = SharedSessionFactory("us-east-1", counter, also=(walk,))()
    tagging = session.client("resourcegroupstaggingapi")
    arn = session.client("sns").create_topic(Name="t-tagged")["TopicArn"]  # a change
    tagging.get_resources(ResourceARNList=[arn])
    assert walk.answered == 0
    assert counter.calls["resourcegroupstaggingapi:GetResources"] == 1


def test_walk_answers_an_arn_list_without_calling_aws(aws):
    _estate(aws)
    arn = boto3.client("sns").list_topics()["Topics"][0]["TopicArn"]
    counter, walk = ApiCounter(), TagWalk()
    tagging = SharedSessionFactory("us-east-1", counter, also=(walk,))().client(
        "resourcegroupstaggingapi")
    for _ in range(3):
        tagging.get_resources(ResourceARNList=[arn])
    assert walk.answered == 3
    assert counter.calls["resourcegroupstaggingapi:GetResources"] == 1  # the walk
