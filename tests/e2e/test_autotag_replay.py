"""Auto-tagging end to end: realistic CloudTrail records, replayed through the
event-mode policies exactly as their Lambda would run them, tag real resources."""

from __future__ import annotations

import pytest

from assetpack.demo import prepare_account
from assetpack.emulator.activity import ACTIVITIES, perform
from assetpack.pack import policies_root
from assetpack.replay import Replayer
from c7n_plugins.trail.events import normalise_event
from c7n_plugins.trail.identity import created_at, creator_from_record
from tests.e2e.tags import read_tags

pytestmark = pytest.mark.e2e
TAGGERS = [policies_root() / "tagging" / "auto-tag.yml"]
CLASS = {"aws.s3": "storage", "aws.sqs": "messaging", "aws.ecr": "container",
         "aws.dynamodb-table": "database", "aws.log-group": "monitoring",
         "aws.iam-user": "identity", "aws.kms-key": "security", "aws.lambda": "serverless"}


@pytest.fixture
def replayer(aws, tmp_path):
    prepare_account(aws)
    return Replayer(tmp_path, "us-east-1", "123456789012", TAGGERS)


@pytest.mark.parametrize("activity", ACTIVITIES, ids=lambda a: a.sample.removesuffix(".json"))
def test_creation_event_tags_creator_and_class(activity, aws, replayer):
    real_id, record = perform(aws, activity)
    outcomes = replayer.replay(activity.sample, record)
    assert [o.error for o in outcomes] == [None]
    assert outcomes[0].policy == f"auto-tag-{activity.resource_type.removeprefix('aws.')}"
    tags = read_tags(activity.resource_type, real_id)
    detail = normalise_event(record)
    who = creator_from_record(detail)
    assert tags["asset:creator"] == who.name
    assert tags["asset:created-at"] == created_at(detail)
    assert tags["asset:class"] == CLASS[activity.resource_type]
    if who.arn:
        assert tags["asset:creator-arn"] == who.arn
    if who.invoked_by:
        assert tags["asset:invoked-by"] == who.invoked_by


def test_identity_kinds_read_as_people_expect(aws, replayer):
    names = {}
    for activity in ACTIVITIES:
        real_id, record = perform(aws, activity)
        replayer.replay(activity.sample, record)
        names[activity.sample] = read_tags(activity.resource_type, real_id)["asset:creator"]
    assert names["s3-createbucket-iamuser.json"] == "alice"
    assert names["iam-createuser-root.json"] == "root"
    assert names["sqs-createqueue-federated.json"] == "bob"
    assert names["ecr-createrepository-sso.json"] == "jane.doe@example.com"
    assert names["lambda-createfunction-cloudformation-stack-role.json"] == \
        "cloudformation.amazonaws.com"


def test_stack_role_creation_names_the_service_and_who_created_the_stack(aws, replayer):
    import json
    from datetime import UTC, datetime, timedelta

    from assetpack.emulator.activity import SAMPLES, seed_history
    from c7n_plugins.trail import stacks

    stacks.clear_cache()  # this account's history, not an earlier test's
    stack = json.loads(SAMPLES.joinpath("cloudformation-createstack-sso.json").read_text())
    stack["eventTime"] = (datetime.now(UTC) - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    seed_history(aws, [stack])
    activity = next(a for a in ACTIVITIES if "cloudformation" in a.sample)
    real_id, record = perform(aws, activity)
    assert [o.error for o in replayer.replay(activity.sample, record)] == [None]
    tags = read_tags("aws.lambda", real_id)
    assert tags["asset:creator"] == "cloudformation.amazonaws.com"
    assert tags["asset:creator-arn"].endswith(":assumed-role/legacy-cfn-exec/AWSCloudFormation")
    assert tags["asset:stack-creator"] == "jane.doe@example.com"


def test_existing_tags_are_not_overwritten(aws, replayer):
    activity = ACTIVITIES[0]
    real_id, record = perform(aws, activity)
    aws.client("s3").put_bucket_tagging(Bucket=real_id, Tagging={"TagSet": [
        {"Key": "asset:creator", "Value": "set-by-hand"},
        {"Key": "asset:class", "Value": "storage"}]})
    replayer.replay(activity.sample, record)
    assert read_tags("aws.s3", real_id)["asset:creator"] == "set-by-hand"


@pytest.mark.parametrize("broken", ["missing", "invalid"])
def test_broken_taxonomy_still_writes_creator_facts_and_alerts(broken, aws, tmp_path):
    """Contract 4: the creation facts are never lost; the default taxonomy classifies;
    one HIGH finding says so, and it is resolved once the taxonomy is back."""
    from c7n_plugins.taxonomy import clear_cache

    prepare_account(aws)
    ssm = aws.client("ssm")
    good = ssm.get_parameter(Name="/assetpack/taxonomy")["Parameter"]["Value"]
    if broken == "missing":
        ssm.delete_parameter(Name="/assetpack/taxonomy")
    else:
        ssm.put_parameter(Name="/assetpack/taxonomy", Type="String", Overwrite=True,
                          Value='{"version": 1, "tags": "broken"}')
    clear_cache()
    replayer = Replayer(tmp_path, "us-east-1", "123456789012", TAGGERS)
    for activity in ACTIVITIES:
        real_id, record = perform(aws, activity)
        assert [o.error for o in replayer.replay(activity.sample, record)] == [None]
        tags = read_tags(activity.resource_type, real_id)
        who = creator_from_record(normalise_event(record))
        assert tags["asset:creator"] == who.name, activity.sample
        assert tags["asset:created-at"] == created_at(normalise_event(record))
        assert tags.get("asset:creator-arn") == (who.arn or None)
        assert tags.get("asset:invoked-by") == who.invoked_by
        assert tags["asset:class"] == CLASS[activity.resource_type]
    alerts = aws.client("securityhub").get_findings()["Findings"]
    assert [f["GeneratorId"] for f in alerts] == ["assetpack-taxonomy-unavailable"]
    assert alerts[0]["Severity"]["Label"] == "HIGH"
    assert alerts[0]["Compliance"]["Status"] == "FAILED"

    ssm.put_parameter(Name="/assetpack/taxonomy", Type="String", Overwrite=True, Value=good,
                      Tier="Advanced")
    clear_cache()
    activity = ACTIVITIES[0]
    real_id, record = perform(aws, activity)
    replayer.replay(activity.sample, record)
    (alert,) = aws.client("securityhub").get_findings()["Findings"]
    assert alert["Compliance"]["Status"] == "PASSED"
    assert alert["Workflow"]["Status"] == "RESOLVED"
    assert alert["CreatedAt"] == alerts[0]["CreatedAt"]


def test_failed_call_is_not_routed(replayer):
    import json

    from assetpack.emulator.activity import SAMPLES
    record = json.loads(SAMPLES.joinpath("ec2-createsecuritygroup-denied.json").read_text())
    outcomes = replayer.replay("denied", record)
    assert all(not o.resources for o in outcomes)
