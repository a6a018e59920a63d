"""IAM users and roles described from one GetAccountAuthorizationDetails walk: no
per-entity GetUser/GetRole/ListUserPolicies, the same resources GetUser and GetRole
return, and an entity created after the walk still described."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.client import BaseClient
from c7n.config import Config
from c7n.policy import PolicyCollection
from c7n.resources import load_resources
from c7n.utils import local_session

import c7n_plugins
from assetpack.pack import policies_root
from assetpack.scan import _reset_custodian_caches, run_scan
from c7n_plugins.elements.iam_documents import authorization_details

pytestmark = pytest.mark.e2e
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})
READ = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
PER_ENTITY = ("iam:GetUser", "iam:GetRole", "iam:ListUserPolicies",
              "iam:ListAttachedUserPolicies", "iam:ListMFADevices")


def _estate(iam, users=6, roles=4):
    for i in range(users):
        iam.create_user(UserName=f"user-{i}", Tags=[{"Key": "team", "Value": f"t{i}"}])
    iam.put_user_policy(UserName="user-0", PolicyName="own", PolicyDocument=READ)
    managed = iam.create_policy(PolicyName="reader", PolicyDocument=READ)["Policy"]["Arn"]
    iam.attach_user_policy(UserName="user-1", PolicyArn=managed)
    for i in range(roles):
        iam.create_role(RoleName=f"role-{i}", AssumeRolePolicyDocument=TRUST,
                        Description="d", Tags=[{"Key": "team", "Value": f"r{i}"}])


def _policies(data, tmp_path):
    _reset_custodian_caches()  # nothing cached by an earlier test's account
    c7n_plugins.load()
    load_resources(tuple(p["resource"] for p in data))
    config = Config.empty(region="us-east-1", output_dir=str(tmp_path), cache="memory",
                          cache_period=15, account_id="123456789012")
    return list(PolicyCollection.from_data({"policies": data}, config))


def test_iam_checks_make_no_per_entity_reads(aws, tmp_path):
    _estate(aws.client("iam"))
    result = run_scan(tmp_path, dryrun=True,
                      files=[policies_root() / "compliance" / "iam.yml"])
    assert not [p.error for p in result.policies if p.error]
    calls = result.api_calls_by_operation
    assert {op: calls[op] for op in PER_ENTITY if op in calls} == {}
    assert calls["iam:GetAccountAuthorizationDetails"] == 1
    direct = json.loads((tmp_path / "iam-user-no-direct-policies" / "resources.json")
                        .read_text())
    assert {u["UserName"]: u["c7n:DirectPolicies"] for u in direct} == {
        "user-0": ["own"], "user-1": ["reader"]}


def test_resources_are_what_get_user_and_get_role_return(aws, tmp_path):
    iam = aws.client("iam")
    _estate(iam, users=2, roles=2)
    users, roles = (p.run() for p in _policies([
        {"name": "all-users", "resource": "aws.iam-user"},
        {"name": "all-roles", "resource": "aws.iam-role"}], tmp_path))
    assert len(users) == 2 and len(roles) == 2
    for user in users:
        assert user == iam.get_user(UserName=user["UserName"])["User"]
    for role in roles:
        assert role == iam.get_role(RoleName=role["RoleName"])["Role"]


def test_entity_created_after_the_walk_is_described_alone(aws, tmp_path):
    iam = aws.client("iam")
    _estate(iam, users=2, roles=0)
    [policy] = _policies([{"name": "all-users", "resource": "aws.iam-user"}], tmp_path)
    manager = policy.resource_manager
    authorization_details(manager)  # the walk, cached, before the user exists
    iam.create_user(UserName="late", Tags=[{"Key": "team", "Value": "late"}])
    asked: list[str] = []
    local_session(manager.session_factory).events.register(
        "before-parameter-build.iam.GetUser", lambda params, **_: asked.append(params["UserName"]))
    listed = iam.list_users()["Users"]
    described = {u["UserName"]: u for u in manager.source.augment(listed)}
    assert set(described) == {"user-0", "user-1", "late"}
    assert asked == ["late"]
    assert described["late"]["Tags"] == [{"Key": "team", "Value": "late"}]


def test_checks_asking_at_once_share_one_walk(aws, tmp_path, monkeypatch):
    _estate(aws.client("iam"), users=2, roles=1)
    [policy] = _policies([{"name": "all-users", "resource": "aws.iam-user"}], tmp_path)
    manager = policy.resource_manager
    walks: list[int] = []
    call = BaseClient._make_api_call

    def slow_walk(self, operation, params):
        if operation == "GetAccountAuthorizationDetails":
            walks.append(1)
            time.sleep(0.2)  # long enough for every thread to ask while the first walks
        return call(self, operation, params)

    # Each thread has its own Custodian session: count on every client.
    monkeypatch.setattr(BaseClient, "_make_api_call", slow_walk)
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: authorization_details(manager), range(4)))
    assert len(walks) == 1
    assert all(a is answers[0] for a in answers)


def test_without_a_shared_cache_only_what_the_policy_needs_is_read(aws, tmp_path, monkeypatch):
    """As in a Lambda (Custodian's cache off): the users' source walks users only,
    and IAM.2 asks about each user, never walking the whole account."""
    _estate(aws.client("iam"), users=2, roles=1)
    _reset_custodian_caches()
    c7n_plugins.load()
    load_resources(("aws.iam-user",))
    config = Config.empty(region="us-east-1", output_dir=str(tmp_path), cache="",
                          account_id="123456789012")
    sent: list[tuple[str, dict]] = []
    call = BaseClient._make_api_call

    def record(self, operation, params):
        sent.append((operation, params))
        return call(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", record)
    [users] = PolicyCollection.from_data({"policies": [
        {"name": "all-users", "resource": "aws.iam-user"}]}, config)
    assert len(users.run()) == 2
    assert [p["Filter"] for op, p in sent if op == "GetAccountAuthorizationDetails"] == [
        ["User"]]

    listed = aws.client("iam").list_users()["Users"]
    sent.clear()
    [direct] = PolicyCollection.from_data({"policies": [
        {"name": "direct", "resource": "aws.iam-user",
         "filters": [{"type": "direct-policies"}]}]}, config)
    manager = direct.resource_manager
    found = manager.filter_resources(listed)
    assert sorted(u["UserName"] for u in found) == ["user-0", "user-1"]
    assert sorted(op for op, _ in sent) == ["ListAttachedUserPolicies"] * 2 + [
        "ListUserPolicies"] * 2
