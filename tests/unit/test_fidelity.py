"""What the checks mean: parameters and profiles, and the judgements of the pack's
own S3 filters against the spellings AWS accepts."""

from __future__ import annotations

import datetime as dt

import pytest

from assetpack import coverage, pack
from c7n_plugins.elements.s3_public import acl_public, policy_public
from c7n_plugins.elements.s3_settings import denies_plain_http


def _by_name(profile: str | None = None) -> dict[str, pack.PackPolicy]:
    overrides = pack.profile(profile or "default")
    return {p.name: p for path in pack.policy_files() for p in pack.read_file(path, overrides)}


def _min_length(policy: pack.PackPolicy) -> int:
    (check,) = [f for f in policy.data["filters"][0]["or"]
                if f.get("key") == "MinimumPasswordLength"]
    return check["value"]


def test_parameters_default_to_the_controls_defaults():
    policies = _by_name()
    assert _min_length(policies["iam-password-policy-strong"]) == 8
    assert policies["iam-user-unused-credentials-90d"].metadata["parameters"] == {
        "maxCredentialUsageAge": 90}


def test_cis_strict_profile_tightens():
    policies = _by_name("cis-strict")
    assert _min_length(policies["iam-password-policy-strong"]) == 14
    text = repr(policies["iam-user-unused-credentials-90d"].data["filters"])
    assert "'value': 45" in text and "'value': 90" not in text


def test_profile_naming_an_unknown_parameter_is_an_error(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("checks:\n  iam-password-policy-strong:\n    MinimumLength: 20\n")
    with pytest.raises(pack.PackError, match="unknown parameters MinimumLength"):
        [pack.read_file(p, pack.profile(str(bad))) for p in pack.policy_files()]


def test_supported_runtimes_are_an_allow_list_by_date():
    before = pack.supported_lambda_runtimes(dt.date(2026, 1, 1))
    after = pack.supported_lambda_runtimes(dt.date(2026, 12, 1))
    assert "nodejs20.x" in before and "nodejs20.x" not in after   # deprecated 2026-04-30
    assert "python3.13" in after and "python3.8" not in before   # unlisted: not supported


def test_coverage_names_definition_and_deviation_for_every_check():
    rows = [r for r in coverage.render().splitlines() if r.startswith("| ") and "`" in r]
    assert rows
    for row in rows:
        cells = [c.strip() for c in row.split("|")[1:-1]]
        assert cells[4] != "-", row          # definition
        assert cells[6], row                 # deviation: none or partial: ...
    text = coverage.render()
    assert "partial: a trail bucket in another account" in text
    assert "maxCredentialUsageAge: 90" in text


BUCKET = "legacy-site"


@pytest.mark.parametrize("statement, access, public", [
    ({"Principal": "*", "Action": "s3:GetObject"}, "read", True),
    ({"Principal": {"AWS": "*"}, "Action": "*"}, "write", True),
    ({"Principal": "*", "Action": "s3:Get*"}, "write", False),
    ({"Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:*"}, "read", False),
    ({"Principal": "*", "Action": "s3:GetObject",
      "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudfront::1:distribution/E1"}}},
     "read", False),
    # A wildcard in the condition does not tie the caller down.
    ({"Principal": "*", "Action": "s3:GetObject",
      "Condition": {"StringLike": {"aws:SourceArn": "arn:aws:cloudfront::*"}}}, "read", True),
    ({"Principal": "*", "NotAction": "s3:DeleteObject"}, "read", True),
])
def test_policy_public(statement, access, public):
    doc = {"Statement": [{"Effect": "Allow", "Resource": "*", **statement}]}
    assert policy_public(doc, access) is public


def test_acl_public_by_permission():
    acl = {"Grants": [{"Grantee": {"URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
                       "Permission": "READ"}]}
    assert acl_public(acl, "read") and not acl_public(acl, "write")


@pytest.mark.parametrize("action, value, op, denies", [
    ("s3:*", "false", "Bool", True),
    ("*", "false", "Bool", True),
    ("s3:*", False, "Bool", True),
    ("s3:*", ["false"], "BoolIfExists", True),
    ("s3:GetObject", "false", "Bool", False),
    ("s3:*", "true", "Bool", False),
])
def test_tls_deny_spellings(action, value, op, denies):
    statement = {"Effect": "Deny", "Principal": "*", "Action": action,
                 "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
                 "Condition": {op: {"aws:SecureTransport": value}}}
    assert denies_plain_http(statement, BUCKET) is denies


def test_fargate_platform_judged_per_os():
    from c7n.config import Bag, Config
    from c7n.policy import Policy
    from c7n.resources import load_resources

    import c7n_plugins
    c7n_plugins.load()
    load_resources(("aws.ecs-service",))
    data = _by_name()["ecs-fargate-latest-platform"].data
    policy = Policy(data, Config.empty(account_id="123456789012", region="us-east-1"), Bag())
    services = [
        {"serviceName": "linux-old", "launchType": "FARGATE", "platformVersion": "1.3.0"},
        {"serviceName": "linux-new", "launchType": "FARGATE", "platformVersion": "1.4.0"},
        {"serviceName": "latest", "launchType": "FARGATE", "platformVersion": "LATEST"},
        # Windows tasks' latest platform is 1.0.0.
        {"serviceName": "windows", "launchType": "FARGATE", "platformVersion": "1.0.0",
         "platformFamily": "WINDOWS_SERVER_2019_CORE"},
        {"serviceName": "windows-linux-version", "launchType": "FARGATE",
         "platformVersion": "1.4.0", "platformFamily": "WINDOWS_SERVER_2022_FULL"},
    ]
    for s in services:
        s["serviceArn"] = f"arn:aws:ecs:us-east-1:123456789012:service/web/{s['serviceName']}"
    found = {s["serviceName"] for s in policy.resource_manager.filter_resources(services)}
    assert found == {"linux-old", "windows-linux-version"}
