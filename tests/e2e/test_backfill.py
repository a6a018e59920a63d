"""Backfill end to end: resources created before auto-tagging, their creation events
in the emulator's CloudTrail history, tagged as the event-mode tagger would have."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from assetpack import backfill
from assetpack.cli.main import main
from assetpack.demo import prepare_account
from assetpack.emulator.activity import ACTIVITIES, perform, seed_history
from c7n_plugins.taxonomy import Taxonomy, clear_cache
from c7n_plugins.trail.events import normalise_event
from c7n_plugins.trail.identity import created_at
from tests.e2e.tags import read_tags

pytestmark = pytest.mark.e2e
BY_SAMPLE = {a.sample: a for a in ACTIVITIES}
PEOPLE = {  # sample -> (type, expected creator): IAM user, SSO, root, federated
    "s3-createbucket-iamuser.json": ("aws.s3", "alice"),
    "ecr-createrepository-sso.json": ("aws.ecr", "jane.doe@example.com"),
    "iam-createuser-root.json": ("aws.iam-user", "root"),
    "sqs-createqueue-federated.json": ("aws.sqs", "bob"),
}
TYPES = sorted({t for t, _ in PEOPLE.values()})


def recent(record: dict, days_ago: int = 3) -> dict:
    """The sample record, moved into the lookup window."""
    record = dict(normalise_event(record))
    when = datetime.now(UTC) - timedelta(days=days_ago)
    record["eventTime"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return record


@pytest.fixture
def account(aws):
    clear_cache()  # each test has a fresh account, hence a fresh taxonomy parameter
    prepare_account(aws)
    yield aws
    clear_cache()


@pytest.fixture
def history(account) -> dict[str, tuple[str, dict]]:
    """The people's resources, untagged, with their creation events in history."""
    made = {}
    for sample in PEOPLE:
        real_id, record = perform(account, BY_SAMPLE[sample])
        made[sample] = (real_id, recent(record))
    records = [record for _, record in made.values()]
    assert seed_history(account, records) == len(records)
    return made


@pytest.fixture
def created(history) -> dict[str, str]:
    return {sample: real_id for sample, (real_id, _) in history.items()}


def test_backfill_tags_creators_and_class(account, history):
    results = backfill.describe(backfill.run_backfill(account, types=TYPES))
    for sample, (rtype, creator) in PEOPLE.items():
        real_id, record = history[sample]
        tags = read_tags(rtype, real_id)
        assert tags["asset:creator"] == creator, sample
        assert tags["asset:class"] == Taxonomy.default().class_of(rtype)
        assert tags["asset:created-at"] == created_at(record)
        # (the account's notify queue is plumbing with no creation event: class only)
        assert results[rtype]["with_creator"] == 1


def test_resource_without_history_gets_class_only(account, created):
    account.client("s3").create_bucket(Bucket="legacy-old-archive")
    (result,) = backfill.run_backfill(account, types=["aws.s3"])
    tags = read_tags("aws.s3", "legacy-old-archive")
    assert tags["asset:class"] == "storage"
    assert "asset:creator" not in tags
    assert (result.lacking, result.with_creator, result.class_only) == (2, 1, 1)


def test_existing_tags_are_not_overwritten(account, created):
    bucket = created["s3-createbucket-iamuser.json"]
    account.client("s3").put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [
        {"Key": "asset:environment", "Value": "sandbox"},
        {"Key": "asset:owner", "Value": "data-team"}]})
    backfill.run_backfill(account, types=["aws.s3"])
    tags = read_tags("aws.s3", bucket)
    assert tags["asset:environment"] == "sandbox"
    assert tags["asset:owner"] == "data-team"
    assert tags["asset:creator"] == "alice"


def test_second_run_tags_nothing(account, created):
    backfill.run_backfill(account, types=TYPES)
    again = backfill.run_backfill(account, types=TYPES)
    assert sum(r.with_creator for r in again) == 0
    assert not any(r.groups for r in again)  # no tagging call at all


def test_dryrun_changes_nothing(account, created, capsys):
    results = backfill.run_backfill(account, types=TYPES, dryrun=True)
    for sample, (rtype, _) in PEOPLE.items():
        assert not any(k.startswith("asset:") for k in read_tags(rtype, created[sample]))
    assert sum(r.with_creator for r in results) == len(PEOPLE)
    assert any("asset:creator=alice" in line for line in backfill.plan_lines(results))


def test_one_lookup_per_event_name(account, created):
    for i in range(3):  # more resources of one type must not mean more lookups
        account.client("s3").create_bucket(Bucket=f"legacy-extra-{i}")
    calls: list[str] = []

    def count(params, **_):  # the serialised request: its JSON body names the event
        body = json.loads(params["body"])
        calls.append(body["LookupAttributes"][0]["AttributeValue"])

    account.events.register("before-call.cloudtrail.LookupEvents", count)
    backfill.run_backfill(account, types=TYPES)
    assert sorted(calls) == backfill.event_names(TYPES)
    assert len(calls) == len(set(calls))


def test_missing_taxonomy_still_writes_every_creator_fact(account, history, capsys):
    account.client("ssm").delete_parameter(Name="/assetpack/taxonomy")
    clear_cache()
    assert main(["backfill", "--types", ",".join(TYPES)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "taxonomy" in err[0] and "shipped default" in err[0]
    for sample, (rtype, creator) in PEOPLE.items():
        real_id, record = history[sample]
        tags = read_tags(rtype, real_id)
        assert tags["asset:creator"] == creator, sample
        assert tags["asset:created-at"] == created_at(record)
        assert tags["asset:creator-arn"] == normalise_event(record)["userIdentity"]["arn"]
        assert tags["asset:class"] == Taxonomy.default().class_of(rtype)
    alerts = account.client("securityhub").get_findings()["Findings"]
    assert [f["GeneratorId"] for f in alerts] == ["assetpack-taxonomy-unavailable"]


def test_cli_prints_table(account, created, capsys):
    assert main(["backfill", "--dryrun", "--types", "aws.s3,aws.ecr"]) == 0
    out = capsys.readouterr().out
    assert "would tag aws.s3" in out and "| aws.ecr | 1 | 1 | 0 |" in out


def test_backfill_adds_the_stack_creator_the_tagger_could_not_see_yet(account, tmp_path):
    """CloudTrail shows CreateStack minutes late: the tagger names CloudFormation, the
    backfill later adds who created the stack."""
    from assetpack.emulator.activity import SAMPLES
    from assetpack.pack import policies_root
    from assetpack.replay import Replayer
    from c7n_plugins.trail import stacks

    stacks.clear_cache()
    activity = next(a for a in ACTIVITIES if "cloudformation" in a.sample)
    real_id, record = perform(account, activity)
    stack_id = record["requestParameters"]["tags"]["aws:cloudformation:stack-id"]
    fn = account.client("lambda")
    # CloudFormation's own tag on what it creates (AWS reserves aws: for it; moto lets
    # the test set it).
    fn.tag_resource(Resource=fn.get_function(FunctionName=real_id)["Configuration"][
        "FunctionArn"], Tags={"aws:cloudformation:stack-id": stack_id})
    Replayer(tmp_path, "us-east-1", "123456789012",
             [policies_root() / "tagging" / "auto-tag.yml"]).replay(activity.sample, record)
    tags = read_tags("aws.lambda", real_id)
    assert tags["asset:creator"] == "cloudformation.amazonaws.com"
    assert "asset:stack-creator" not in tags  # CreateStack not in the history yet

    stack = json.loads(SAMPLES.joinpath("cloudformation-createstack-sso.json").read_text())
    assert seed_history(account, [recent(stack)]) == 1
    backfill.run_backfill(account, types=["aws.lambda"])
    tags = read_tags("aws.lambda", real_id)
    assert tags["asset:stack-creator"] == "jane.doe@example.com"
    assert tags["asset:creator"] == "cloudformation.amazonaws.com"
