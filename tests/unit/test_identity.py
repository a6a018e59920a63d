"""Who created it: every userIdentity kind, from real-shaped CloudTrail records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from c7n_plugins.trail.events import normalise_event
from c7n_plugins.trail.identity import Creator, created_at, creator_from_record

FIXTURES = Path(__file__).resolve().parents[2] / "assetpack" / "data" / "cloudtrail"
ACCT = "123456789012"


def _sts(role: str, session: str) -> str:
    return f"arn:aws:sts::{ACCT}:assumed-role/{role}/{session}"


FIXTURE_CREATORS = {
    "s3-createbucket-iamuser.json":
        Creator("alice", f"arn:aws:iam::{ACCT}:user/alice", None, "IAMUser"),
    "ec2-runinstances-assumedrole.json":
        Creator("platform-admin/jane.doe", _sts("platform-admin", "jane.doe"), None,
                "AssumedRole"),
    "rds-createdbinstance-botocore-session.json":
        Creator("legacy-deployer", _sts("legacy-deployer", "botocore-session-1741079700"),
                None, "AssumedRole"),
    "cloudformation-createstack-sso.json":
        Creator("jane.doe@example.com",
                _sts("AWSReservedSSO_AdministratorAccess_3f1c2a9b8d7e6f50",
                     "jane.doe@example.com"), None, "IdentityCenterUser"),
    "ecr-createrepository-sso.json":
        Creator("jane.doe@example.com",
                _sts("AWSReservedSSO_AdministratorAccess_3f1c2a9b8d7e6f50",
                     "jane.doe@example.com"), None, "IdentityCenterUser"),
    "eventbridge-kms-createkey-sso.json":
        Creator("sam.lee@example.com",
                _sts("AWSReservedSSO_PowerUserAccess_9e8d7c6b5a4f3e21", "sam.lee@example.com"),
                None, "IdentityCenterUser"),
    "sqs-createqueue-federated.json":
        Creator("bob", f"arn:aws:sts::{ACCT}:federated-user/bob", None, "FederatedUser"),
    "iam-createuser-root.json": Creator("root", f"arn:aws:iam::{ACCT}:root", None, "Root"),
    "sts-assumerole-awsservice.json":
        Creator("ecs-tasks.amazonaws.com", "", "ecs-tasks.amazonaws.com", "AWSService"),
    "sts-assumerole-awsaccount.json": Creator("account/444455556666", "", None, "AWSAccount"),
    "ec2-createnetworkinterface-ecs-service-linked-role.json":
        Creator("ecs.amazonaws.com",
                _sts("AWSServiceRoleForECS", "ecs-service-scheduler"), "ecs.amazonaws.com",
                "AssumedRole"),
    "lambda-createfunction-cloudformation-stack-role.json":
        Creator("cloudformation.amazonaws.com",
                _sts("legacy-cfn-exec", "AWSCloudFormation"), "cloudformation.amazonaws.com",
                "AssumedRole"),
    "ecs-createservice-cloudformation-user-session.json":
        Creator("platform-admin/jane.doe", _sts("platform-admin", "jane.doe"),
                "cloudformation.amazonaws.com", "AssumedRole"),
    "elasticloadbalancing-createloadbalancer-classic-eks.json":
        Creator("eks.amazonaws.com",
                _sts("legacy-eks-cluster-role", "1741091230118372590"), "eks.amazonaws.com",
                "AssumedRole"),
    "logs-createloggroup-ecs-task-role.json":
        Creator("legacy-app-task", _sts("legacy-app-task", "8c1e5a3b9f0d4c2e8a7b6c5d4e3f2a1b"),
                None, "AssumedRole"),
    "wafv2-createwebacl-github-oidc.json":
        Creator("gha-deploy/GitHubActions", _sts("gha-deploy", "GitHubActions"), None,
                "AssumedRole"),
    "ec2-createvolume-instance-profile.json":
        Creator("legacy-batch/i-0123456789abcdef0", _sts("legacy-batch", "i-0123456789abcdef0"),
                None, "AssumedRole"),
    "elasticloadbalancing-createloadbalancer-iamuser.json":
        Creator("ci-deployer", f"arn:aws:iam::{ACCT}:user/ci-deployer", None, "IAMUser"),
    "dynamodb-createtable-assumedrole.json":
        Creator("platform-admin/jane.doe", _sts("platform-admin", "jane.doe"), None,
                "AssumedRole"),
    "ec2-createsecuritygroup-denied.json":
        Creator("intern", f"arn:aws:iam::{ACCT}:user/intern", None, "IAMUser"),
}


def _fixture(name: str) -> dict:
    return normalise_event(json.loads((FIXTURES / name).read_text()))


def _assumed(role: str, session: str, invoked_by: str | None = None,
             role_path: str = "/", source_ip: str = "198.51.100.7") -> dict:
    identity = {
        "type": "AssumedRole", "principalId": f"AROA4EXAMPLEROLE0001:{session}",
        "arn": _sts(role, session), "accountId": ACCT, "accessKeyId": "ASIA4EXAMPLE00000001",
        "sessionContext": {
            "sessionIssuer": {"type": "Role", "principalId": "AROA4EXAMPLEROLE0001",
                              "arn": f"arn:aws:iam::{ACCT}:role{role_path}{role}",
                              "accountId": ACCT, "userName": role},
            "webIdFederationData": {},
            "attributes": {"creationDate": "2025-03-04T08:00:00Z", "mfaAuthenticated": "false"}},
    }
    if invoked_by:
        identity["invokedBy"] = invoked_by
    return {"eventTime": "2025-03-04T09:00:00Z", "userIdentity": identity,
            "sourceIPAddress": source_ip}


def test_every_fixture_has_an_expected_creator():
    assert {p.name for p in FIXTURES.glob("*.json")} == set(FIXTURE_CREATORS)


@pytest.mark.parametrize("name", sorted(FIXTURE_CREATORS))
def test_creator_of_fixture(name):
    assert creator_from_record(_fixture(name)) == FIXTURE_CREATORS[name]


@pytest.mark.parametrize("session", [
    "1741079700", "1741091230118372590", "botocore-session-1741079700",
    "aws-go-sdk-1741079700123456789", "aws-sdk-java-1741079700123", "aws-sdk-js-1741079700123",
    "8c1e5a3b9f0d4c2e8a7b6c5d4e3f2a1b", "0f3c9a1e-5b7d-4e2f-8a6c-1d3e5f7a9b2c",
    "Legacy-Deployer",  # the role name again, other case
])
def test_meaningless_sessions_leave_the_role(session):
    assert creator_from_record(_assumed("legacy-deployer", session)).name == "legacy-deployer"


@pytest.mark.parametrize("session", [
    "jane.doe", "GitHubActions", "i-0123456789abcdef0", "terraform-ci", "deploy-1234",
])
def test_meaningful_sessions_are_kept(session):
    assert creator_from_record(_assumed("ops", session)).name == f"ops/{session}"


def test_person_using_a_service_stays_the_creator():
    creator = creator_from_record(_assumed("ops", "jane.doe", "cloudformation.amazonaws.com",
                                           source_ip="cloudformation.amazonaws.com"))
    assert (creator.name, creator.invoked_by) == ("ops/jane.doe", "cloudformation.amazonaws.com")


@pytest.mark.parametrize(("session", "service"), [
    ("AWSCloudFormation", "cloudformation.amazonaws.com"),
    ("servicecatalog", "servicecatalog.amazonaws.com"),
    ("AWSServiceCatalog-0a1b2c", "servicecatalog.amazonaws.com"),
    ("AWSBackup-AWSBackupDefaultServiceRole", "backup.amazonaws.com"),
])
def test_service_sessions_are_not_passed_off_as_people(session, service):
    # Even without invokedBy (some records lack it), the session name gives the service away.
    creator = creator_from_record(_assumed("launch-role", session))
    assert creator == Creator(service, _sts("launch-role", session),
                              service, "AssumedRole")


def test_service_linked_role_without_invoked_by_names_its_service():
    record = _assumed("AWSServiceRoleForElasticLoadBalancing", "ElasticLoadBalancing",
                      role_path="/aws-service-role/elasticloadbalancing.amazonaws.com/")
    creator = creator_from_record(record)
    assert creator.name == "elasticloadbalancing.amazonaws.com"
    assert creator.arn == _sts("AWSServiceRoleForElasticLoadBalancing", "ElasticLoadBalancing")
    assert creator.invoked_by == "elasticloadbalancing.amazonaws.com"


def test_console_and_internal_callers_are_not_services():
    record = _assumed("ops", "jane.doe", source_ip="console.amazonaws.com")
    assert creator_from_record(record).invoked_by is None
    record = _assumed("ops", "jane.doe", source_ip="AWS Internal")
    assert creator_from_record(record).invoked_by is None


def test_assumed_role_without_session_context_uses_the_arn():
    record = {"userIdentity": {"type": "AssumedRole", "principalId": "AROA4X:jane.doe",
                               "arn": _sts("ops", "jane.doe"), "accountId": ACCT}}
    assert creator_from_record(record).name == "ops/jane.doe"


def test_iam_user_without_user_name_uses_the_arn():
    record = {"userIdentity": {"type": "IAMUser", "principalId": "AIDA4X",
                               "arn": f"arn:aws:iam::{ACCT}:user/division/carol",
                               "accountId": ACCT}}
    assert creator_from_record(record).name == "carol"


def test_federated_user_without_arn_uses_principal_id():
    record = {"userIdentity": {"type": "FederatedUser", "principalId": f"{ACCT}:dave",
                               "accountId": ACCT}}
    assert creator_from_record(record) == Creator("dave", "", None, "FederatedUser")


def test_other_identity_types_fall_back_sensibly():
    record = {"userIdentity": {"type": "IdentityCenterUser", "accountId": ACCT,
                               "onBehalfOf": {"userId": "94482488-3041-7026-18f3-be45837cd0e4",
                                              "identityStoreArn": "arn:aws:identitystore::"
                                                                  f"{ACCT}:identitystore/d-9067"},
                               "credentialId": "EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR"}}
    creator = creator_from_record(record)
    assert (creator.name, creator.kind) == ("94482488-3041-7026-18f3-be45837cd0e4",
                                            "IdentityCenterUser")
    assert creator_from_record({}).kind == "Unknown"


def test_aws_service_from_aws_internal():
    record = {"userIdentity": {"type": "AWSService", "invokedBy": "AWS Internal"},
              "sourceIPAddress": "AWS Internal"}
    assert creator_from_record(record) == Creator("AWS Internal", "", "AWS Internal",
                                                  "AWSService")


@pytest.mark.parametrize(("raw", "expected"), [
    ("2025-03-04T09:15:27Z", "2025-03-04T09:15:27Z"),
    ("2025-03-04T11:15:27+02:00", "2025-03-04T09:15:27Z"),
    ("2025-03-04T09:15:27", "2025-03-04T09:15:27Z"),
    ("2025-03-04T09:15:27.123Z", "2025-03-04T09:15:27Z"),
])
def test_created_at_is_iso_utc_with_z(raw, expected):
    assert created_at({"eventTime": raw}) == expected


def test_created_at_of_fixtures():
    assert created_at(_fixture("s3-createbucket-iamuser.json")) == "2025-03-04T09:15:27Z"


@pytest.mark.parametrize("record", [{}, {"eventTime": None}, {"eventTime": "yesterday"}])
def test_created_at_needs_an_event_time(record):
    with pytest.raises(ValueError):
        created_at(record)
