"""Who created a CloudFormation stack, for ``asset:stack-creator``."""

from __future__ import annotations

import json
from importlib.resources import files

from botocore.exceptions import ClientError

from c7n_plugins.classify import tags_for
from c7n_plugins.taxonomy import STACK_CREATOR_KEY, Taxonomy
from c7n_plugins.trail.stacks import STACK_ID_TAG, StackCreators, by_cloudformation, stack_id

SAMPLES = files("assetpack.data").joinpath("cloudtrail")
STACK = ("arn:aws:cloudformation:us-east-1:123456789012:stack/legacy-prod/"
         "a1b2c3d0-f9e8-11ef-9a8b-0e1f2a3b4c5d")


def _sample(name: str) -> dict:
    return json.loads(SAMPLES.joinpath(name).read_text())


class _Trail:
    """CloudTrail that serves the CreateStack sample, counting lookups."""

    def __init__(self, fail: bool = False):
        self.lookups = 0
        self.fail = fail

    def get_paginator(self, name):
        assert name == "lookup_events"
        return self

    def paginate(self, LookupAttributes, **_):  # noqa: N803 - boto3's argument name
        self.lookups += 1
        assert LookupAttributes == [{"AttributeKey": "EventName",
                                     "AttributeValue": "CreateStack"}]
        if self.fail:
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}},
                              "LookupEvents")
        record = _sample("cloudformation-createstack-sso.json")
        return [{"Events": [{"CloudTrailEvent": json.dumps(record)}]}]


def test_stack_id_from_resource_or_creating_call():
    record = _sample("lambda-createfunction-cloudformation-stack-role.json")
    assert stack_id({}, record) == STACK
    assert stack_id({STACK_ID_TAG: "arn:other"}, record) == "arn:other"
    listed = {"requestParameters": {"Tags": [{"Key": STACK_ID_TAG, "Value": STACK}]}}
    assert stack_id({}, listed) == STACK
    assert stack_id({}, {"requestParameters": None}) is None


def test_by_cloudformation_with_stack_role_or_user_session():
    assert by_cloudformation(_sample("lambda-createfunction-cloudformation-stack-role.json"))
    assert by_cloudformation(_sample("ecs-createservice-cloudformation-user-session.json"))
    assert not by_cloudformation(_sample("s3-createbucket-iamuser.json"))


def test_one_lookup_serves_every_stack_and_misses_wait_for_refresh():
    now = [0.0]
    trail = _Trail()
    stacks = StackCreators(trail, refresh=300, clock=lambda: now[0])
    assert stacks.creator(STACK) == "jane.doe@example.com"
    assert stacks.creator(STACK) == "jane.doe@example.com"
    assert stacks.creator("arn:unknown") is None
    assert trail.lookups == 1
    now[0] = 301
    assert stacks.creator("arn:unknown") is None
    assert trail.lookups == 2


def test_failed_lookup_names_nobody():
    assert StackCreators(_Trail(fail=True)).creator(STACK) is None


def test_cloudformation_created_resource_gets_service_creator_and_stack_creator():
    record = _sample("lambda-createfunction-cloudformation-stack-role.json")
    tags = tags_for(Taxonomy.default(), "aws.lambda", "legacy-prod-thumbnailer", {}, record,
                    stacks=StackCreators(_Trail()))
    assert tags["asset:creator"] == "cloudformation.amazonaws.com"
    assert tags["asset:creator-arn"].endswith(":assumed-role/legacy-cfn-exec/AWSCloudFormation")
    assert tags["asset:invoked-by"] == "cloudformation.amazonaws.com"
    assert tags[STACK_CREATOR_KEY] == "jane.doe@example.com"
    # Write-once like the other creator facts.
    kept = tags_for(Taxonomy.default(), "aws.lambda", "x", {STACK_CREATOR_KEY: "someone"},
                    record, stacks=StackCreators(_Trail()))
    assert STACK_CREATOR_KEY not in kept
