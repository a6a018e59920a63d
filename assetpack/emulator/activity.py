"""Simulated people creating resources, with the CloudTrail records they leave.

moto records no CloudTrail, so each sample record shipped in
``c7n_plugins/data/cloudtrail/`` is paired with the call that creates what it
names; the record is returned with the emulator's real ids substituted. The demo
replays them to show auto-tagging, the end-to-end tests assert the tags.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files

SAMPLES = files("assetpack.data").joinpath("cloudtrail")


@dataclass(frozen=True)
class Activity:
    sample: str                 # file in data/cloudtrail/
    resource_type: str
    resource_id: str            # the id the record names
    create: Callable            # (session, name) -> real id

    @property
    def name(self) -> str:
        """A name of its own, so the activity never collides with the demo estate."""
        base = self.resource_id
        if base.startswith("https://"):
            base = base.rsplit("/", 1)[-1]
        return f"{base}-new"


def _bucket(s, name):
    s.client("s3").create_bucket(Bucket=name)
    return name


def _queue(s, name):
    return s.client("sqs").create_queue(QueueName=name)["QueueUrl"]


def _repo(s, name):
    s.client("ecr").create_repository(repositoryName=name)
    return name


def _table(s, name):
    s.client("dynamodb").create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    return name


def _log_group(s, name):
    s.client("logs").create_log_group(logGroupName=name)
    return name


def _user(s, name):
    s.client("iam").create_user(UserName=name)
    return name


def _key(s, name):
    return s.client("kms").create_key(Description="legacy app data key")["KeyMetadata"]["KeyId"]


def _function(s, name):
    iam = s.client("iam")
    role = iam.create_role(RoleName=f"{name}-exec", AssumeRolePolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                 "Principal": {"Service": "lambda.amazonaws.com"}}]}
    ))["Role"]["Arn"]
    s.client("lambda").create_function(
        FunctionName=name, Runtime="python3.12", Role=role,
        Handler="app.handler", Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18})
    return name


ACTIVITIES = (
    Activity("s3-createbucket-iamuser.json", "aws.s3", "legacy-web-prod-customer-uploads",
             _bucket),
    Activity("sqs-createqueue-federated.json", "aws.sqs",
             "https://sqs.us-east-1.amazonaws.com/123456789012/legacy-orders-prod", _queue),
    Activity("ecr-createrepository-sso.json", "aws.ecr", "legacy/web", _repo),
    Activity("dynamodb-createtable-assumedrole.json", "aws.dynamodb-table",
             "legacy-customer-sessions-prod", _table),
    Activity("logs-createloggroup-ecs-task-role.json", "aws.log-group", "/legacy/app/prod/audit",
             _log_group),
    Activity("iam-createuser-root.json", "aws.iam-user", "breakglass-admin", _user),
    Activity("eventbridge-kms-createkey-sso.json", "aws.kms-key",
             "1234abcd-12ab-34cd-56ef-1234567890ab", _key),
    Activity("lambda-createfunction-cloudformation-stack-role.json", "aws.lambda",
             "legacy-prod-thumbnailer", _function),
)


def perform(session, activity: Activity) -> tuple[str, dict]:
    """Create the resource; return its real id and the record naming it."""
    real_id = activity.create(session, activity.name)
    text = SAMPLES.joinpath(activity.sample).read_text()
    if real_id != activity.resource_id:
        text = text.replace(activity.resource_id, real_id)
    return real_id, json.loads(text)


def seed_history(session, records: list[dict]) -> int:
    """Put ``records`` in the emulator's CloudTrail history (``LookupEvents`` serves them).

    The emulator is whatever endpoint the session's clients use; a real account has
    its own history and refuses this (it only exists on the emulator).
    """
    from urllib.parse import urlsplit

    from assetpack.emulator.cloudtrail import seed

    url = urlsplit(session.client("cloudtrail").meta.endpoint_url)
    return seed(f"{url.scheme}://{url.netloc}", records)
