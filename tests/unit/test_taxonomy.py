"""The taxonomy: validation, classification rules, protection, compliance, SSM loading."""

from __future__ import annotations

import json
from importlib import resources

import boto3
import jsonschema
import pytest
import yaml
from moto import mock_aws

from c7n_plugins import taxonomy as taxonomy_module
from c7n_plugins.taxonomy import (
    Taxonomy,
    TaxonomyError,
    clear_cache,
    load_taxonomy,
    sanitise_key,
    sanitise_value,
)


def _data(name: str) -> str:
    return resources.files("c7n_plugins").joinpath("data", name).read_text()


def _doc() -> dict:
    return json.loads(_data("taxonomy.default.json"))


def _text(doc: dict) -> str:
    return json.dumps(doc)


@pytest.fixture(scope="module")
def tax() -> Taxonomy:
    return Taxonomy.default()


# -- the shipped default -------------------------------------------------------------


def test_schema_is_valid_draft_2020_12():
    schema = json.loads(_data("taxonomy.schema.json"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_default_taxonomy_validates(tax):
    jsonschema.Draft202012Validator(json.loads(_data("taxonomy.schema.json"))).validate(_doc())
    assert tax.version == 1
    assert tax.to_dict() == _doc()


def test_default_fits_an_advanced_ssm_parameter():
    # Standard parameters hold 4 KB, advanced 8 KB: the default needs the advanced tier.
    assert len(json.dumps(_doc(), separators=(",", ":"))) < 8192


def test_default_keys_are_contract_4(tax):
    assert {n: tax.key(n) for n in ("creator", "creator-arn", "created-at", "invoked-by",
                                    "class", "environment", "owner", "criticality",
                                    "data-classification")} == {
        "creator": "asset:creator", "creator-arn": "asset:creator-arn",
        "created-at": "asset:created-at", "invoked-by": "asset:invoked-by",
        "class": "asset:class", "environment": "asset:environment", "owner": "asset:owner",
        "criticality": "asset:criticality", "data-classification": "asset:data-classification"}
    assert tax.allowed_values("asset:class") == [
        "compute", "container", "database", "storage", "network", "serverless", "security",
        "identity", "messaging", "monitoring"]


# Contract 4's table, by Custodian resource type.
CONTRACT_CLASSES = {
    "compute": ["aws.ec2", "aws.ami", "aws.launch-template-version", "aws.asg"],
    "container": ["aws.ecr", "aws.ecs", "aws.ecs-service", "aws.ecs-task-definition", "aws.eks"],
    "database": ["aws.rds", "aws.rds-cluster", "aws.rds-snapshot", "aws.rds-cluster-snapshot",
                 "aws.dynamodb-table", "aws.cache-cluster", "aws.elasticache-group",
                 "aws.redshift"],
    "storage": ["aws.s3", "aws.ebs", "aws.ebs-snapshot", "aws.efs", "aws.backup-vault"],
    "network": ["aws.vpc", "aws.subnet", "aws.security-group", "aws.route-table",
                "aws.internet-gateway", "aws.nat-gateway", "aws.elastic-ip", "aws.eni",
                "aws.app-elb", "aws.app-elb-target-group", "aws.elb", "aws.hostedzone",
                "aws.distribution", "aws.rest-api", "aws.apigwv2"],
    "serverless": ["aws.lambda", "aws.step-machine"],
    "security": ["aws.kms-key", "aws.secrets-manager", "aws.wafv2", "aws.acm-certificate",
                 "aws.ssm-parameter"],
    "identity": ["aws.iam-user", "aws.iam-role", "aws.iam-group", "aws.iam-policy"],
    "messaging": ["aws.sns", "aws.sqs", "aws.event-rule", "aws.event-bus", "aws.kinesis"],
    "monitoring": ["aws.log-group", "aws.alarm", "aws.cloudwatch-dashboard", "aws.cloudtrail",
                   "aws.config-rule"],
}


@pytest.mark.parametrize(("rtype", "klass"),
                         [(t, c) for c, types in CONTRACT_CLASSES.items() for t in types])
def test_contract_4_class_mapping(tax, rtype, klass):
    assert tax.class_of(rtype) == klass
    assert tax.classify(rtype, "x", {})["asset:class"] == klass


def test_classified_types_exist_in_c7n(tax):
    from c7n.resources import load_resources
    from c7n.resources.aws import AWS

    load_resources(("aws.*",))
    names = AWS.resources.keys()  # c7n's Registry is not iterable itself
    assert set(tax.resource_types) - {f"aws.{k}" for k in names} == set()


def test_unclassified_type_gets_no_class(tax):
    assert "asset:class" not in tax.classify("aws.glue-job", "etl", {})


# -- naming convention and rules -----------------------------------------------------


@pytest.mark.parametrize(("name", "env"), [
    ("legacy-web-prod-01", "prod"), ("prod-db", "prod"), ("legacy_prd_cache", "prod"),
    ("payments-production", "prod"), ("legacy.prod2.example", "prod"),
    ("legacy-stg-api", "staging"), ("legacy-staging", "staging"),
    ("legacy-pre-prod-web", "staging"), ("legacy-preprod-web", "staging"),
    ("web-dev-01", "dev"), ("dev", "dev"),
    ("legacy-qa-runner", "test"), ("legacy-uat", "test"), ("team-sandbox-1", "sandbox"),
    ("product-catalog", None), ("devops-tools", None), ("latest-exports", None),
    ("legacy-web", None), ("", None),
])
def test_environment_from_name(tax, name, env):
    assert tax.classify("aws.ec2", name, {}).get("asset:environment") == env


def test_unknown_environment_is_left_unset(tax):
    out = tax.classify("aws.s3", "legacy-assets", {}, context={}, creator="alice")
    assert out == {"asset:class": "storage"}


def test_environment_from_resource_tag_beats_the_name(tax):
    out = tax.classify("aws.ec2", "web-dev-01", {"Environment": "Production"})
    assert out["asset:environment"] == "prod"


def test_unusable_tag_value_falls_through_to_the_next_rule(tax):
    out = tax.classify("aws.ec2", "web-dev-01", {"Environment": "banana"})
    assert out["asset:environment"] == "dev"


def test_environment_from_subnet_then_vpc_then_account(tax):
    context = {"account": {"id": "123456789012", "tags": {"Environment": "dev"}},
               "vpc": {"id": "vpc-1", "tags": [{"Key": "asset:environment", "Value": "staging"}]},
               "subnet": {"id": "subnet-1", "tags": {"Environment": "PRD"}}}
    assert tax.classify("aws.ec2", "web", {}, context)["asset:environment"] == "prod"
    del context["subnet"]
    assert tax.classify("aws.ec2", "web", {}, context)["asset:environment"] == "staging"
    del context["vpc"]
    assert tax.classify("aws.ec2", "web", {}, context)["asset:environment"] == "dev"


def test_owner_from_tags_context_or_identity_center_creator(tax):
    assert tax.classify("aws.ec2", "w", {"Team": "web"})["asset:owner"] == "web"
    context = {"account": {"tags": {"asset:owner": "platform"}}}
    assert tax.classify("aws.ec2", "w", {}, context)["asset:owner"] == "platform"
    out = tax.classify("aws.ec2", "w", {}, creator="jane.doe@example.com")
    assert out["asset:owner"] == "jane.doe@example.com"
    # An IAM user or a role session is not taken as an owner: compliance asks instead.
    assert "asset:owner" not in tax.classify("aws.ec2", "w", {}, creator="alice")
    assert "asset:owner" not in tax.classify("aws.ec2", "w", {}, creator="ops/jane.doe")


def test_criticality_follows_environment_and_class(tax):
    assert tax.classify("aws.rds", "legacy-prod-db", {})["asset:criticality"] == "high"
    assert tax.classify("aws.ec2", "legacy-prod-web", {})["asset:criticality"] == "medium"
    assert tax.classify("aws.ec2", "legacy-dev-web", {})["asset:criticality"] == "low"
    assert "asset:criticality" not in tax.classify("aws.ec2", "legacy-web", {})
    # The environment the resource already carries counts too.
    out = tax.classify("aws.s3", "legacy-assets", {"asset:environment": "prod"})
    assert out == {"asset:class": "storage", "asset:criticality": "high"}


@pytest.mark.parametrize(("rtype", "name", "expected"), [
    ("aws.rds", "legacy-pii-db", "confidential"),
    ("aws.s3", "legacy-web-prod-customer-uploads", "confidential"),
    ("aws.s3", "customers-export", "confidential"),
    ("aws.dynamodb-table", "legacy-customer-sessions-prod", "confidential"),
    ("aws.s3", "legacy-web-assets", None),
    ("aws.lambda", "customer-notifier", None),  # not a data store
])
def test_data_classification_by_name(tax, rtype, name, expected):
    assert tax.classify(rtype, name, {}).get("asset:data-classification") == expected


def test_data_classification_from_tag_is_mapped(tax):
    out = tax.classify("aws.s3", "legacy-assets", {"DataClassification": "Secret"})
    assert out["asset:data-classification"] == "restricted"


# -- overwrite semantics -----------------------------------------------------------------


def test_existing_tags_are_never_overwritten_by_default(tax):
    tags = {"asset:class": "network", "asset:environment": "dev", "asset:owner": "web",
            "asset:criticality": "low"}
    assert tax.classify("aws.rds", "legacy-prod-db", tags) == {}


def test_only_missing_tags_are_returned(tax):
    out = tax.classify("aws.rds", "legacy-prod-db", {"asset:environment": "prod",
                                                       "asset:class": "database"})
    assert out == {"asset:criticality": "high"}


def _with_rules(rules: list[dict]) -> Taxonomy:
    doc = _doc()
    doc["rules"] = rules
    return Taxonomy.from_text(_text(doc))


def test_overwrite_rule_replaces_an_existing_tag():
    tax = _with_rules([{"id": "prod-account", "overwrite": True,
                        "match": {"context": {"account.id": "^111122223333$"}},
                        "set": {"environment": "prod"}}])
    ctx = {"account": {"id": "111122223333"}}
    assert tax.classify("aws.ec2", "w", {"asset:environment": "dev"}, ctx) == {
        "asset:class": "compute", "asset:environment": "prod"}
    # Same value: nothing to write.
    assert tax.classify("aws.ec2", "w", {"asset:environment": "prod",
                                         "asset:class": "compute"}, ctx) == {}


def test_first_matching_rule_decides_even_when_it_may_not_overwrite():
    tax = _with_rules([
        {"id": "by-name", "match": {"name": "dev"}, "set": {"environment": "dev"}},
        {"id": "force", "overwrite": True, "set": {"environment": "prod"}},
    ])
    # by-name matches first and keeps the existing tag; force never gets its turn.
    assert "asset:environment" not in tax.classify("aws.ec2", "web-dev", {"asset:environment":
                                                                          "test"})
    # by-name does not match: force decides and overwrites.
    assert tax.classify("aws.ec2", "web", {"asset:environment": "test"})[
        "asset:environment"] == "prod"


def test_rule_conditions_all_apply():
    tax = _with_rules([{"id": "r", "match": {
        "resource_types": ["aws.rds*"], "classes": ["database"], "name": "^legacy-",
        "creator": "^ci-", "tags": {"Team": "^data$"}, "context": {"vpc.tags.Tier": "private"}},
        "set": {"owner": "data-team"}}])
    args = dict(tags={"Team": "data"}, context={"vpc": {"tags": {"Tier": "private"}}},
                creator="ci-deployer")
    assert tax.classify("aws.rds-cluster", "legacy-x", **args)["asset:owner"] == "data-team"
    assert "asset:owner" not in tax.classify("aws.s3", "legacy-x", **args)
    assert "asset:owner" not in tax.classify("aws.rds", "x", **args)
    assert "asset:owner" not in tax.classify("aws.rds", "legacy-x", **{**args, "creator": None})
    assert "asset:owner" not in tax.classify("aws.rds", "legacy-x", **{**args, "tags": {}})
    assert "asset:owner" not in tax.classify("aws.rds", "legacy-x", **{**args, "context": {}})


# -- hostile values ------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "clean"), [
    ("team-web", "team-web"),
    ("<script>alert(1)</script>", "_script_alert_1__/script_"),
    ("a\nb\tc\x00d", "a_b_c_d"),
    ("ops, finance; \"quoted\"", "ops_ finance_ _quoted_"),
    ("Équipe données 日本", "Équipe données 日本"),
    ("line\u2028break", "line break"),
    ("  padded  ", "padded"),
    ("jane.doe+aws@example.com", "jane.doe+aws@example.com"),
])
def test_sanitise_value(raw, clean):
    assert sanitise_value(raw) == clean


def test_sanitise_limits():
    assert len(sanitise_value("x" * 1000)) == 256
    assert len(sanitise_key("k" * 1000)) == 128


def test_copied_values_must_still_fit_the_tag(tax):
    # Sanitised, the value still fails the owner pattern (spaces, too long): not copied.
    out = tax.classify("aws.ec2", "w", {"Owner": "web</b><img src=x onerror=alert(1)>" + "a" * 300})
    assert "asset:owner" not in out
    assert tax.classify("aws.ec2", "w", {"Owner": "team web"}).get("asset:owner") is None


def test_copied_free_text_is_sanitised_and_truncated():
    doc = _doc()
    doc["tags"]["owner"].pop("pattern")
    tax = Taxonomy.from_text(_text(doc))
    out = tax.classify("aws.ec2", "w", {"Owner": "<b>web</b>\n" + "a" * 300})
    assert out["asset:owner"].startswith("_b_web_/b__aaa")
    assert len(out["asset:owner"]) == 256


def test_hostile_names_only_match_what_the_regex_says(tax):
    assert tax.classify("aws.ec2", "x" * 100_000 + "-prod", {}).get("asset:environment") is None
    assert tax.classify("aws.ec2", "web-prod\n<x>", {})["asset:environment"] == "prod"


def test_creator_tags_are_sanitised_write_once(tax):
    out = tax.creator_tags(name="ops/jane.doe", arn="arn:aws:sts::1:assumed-role/ops/jane.doe",
                           created_at="2025-03-04T09:15:27Z",
                           invoked_by="cloudformation.amazonaws.com")
    assert out == {"asset:creator": "ops/jane.doe",
                   "asset:creator-arn": "arn:aws:sts::1:assumed-role/ops/jane.doe",
                   "asset:created-at": "2025-03-04T09:15:27Z",
                   "asset:invoked-by": "cloudformation.amazonaws.com"}
    hostile = tax.creator_tags(name="x<y>" + "z" * 400, arn="", created_at="2025-03-04T09:15:27Z",
                               tags={"asset:created-at": "2020-01-01T00:00:00Z"})
    assert hostile == {"asset:creator": ("x_y_" + "z" * 400)[:256]}


# -- protection and compliance ---------------------------------------------------------------


@pytest.mark.parametrize(("tags", "protected"), [
    ({"asset:criticality": "critical"}, True),
    ({"asset:criticality": " Critical "}, True),
    ({"asset:do-not-touch": "true"}, True),
    ({"asset:do-not-touch": "YES"}, True),
    ([{"Key": "asset:do-not-touch", "Value": "1"}], True),
    ({"asset:do-not-touch": "false"}, False),
    ({"asset:criticality": "high"}, False),
    ({"Asset:Do-Not-Touch": "true"}, False),  # keys are case-sensitive in AWS
    ({}, False),
    (None, False),
])
def test_is_protected(tax, tags, protected):
    assert tax.is_protected(tags) is protected


def test_required_keys_and_allowed_values(tax):
    assert tax.required_keys == ["asset:class", "asset:environment", "asset:owner",
                                 "asset:criticality"]
    assert tax.required_keys_for("aws.s3")[-1] == "asset:data-classification"
    assert "asset:data-classification" not in tax.required_keys_for("aws.lambda")
    assert tax.allowed_values("environment") == tax.allowed_values("asset:environment")
    assert tax.allowed_values("asset:owner") is None
    with pytest.raises(KeyError):
        tax.allowed_values("asset:nope")


def test_tag_violations(tax):
    good = {"asset:class": "database", "asset:environment": "prod", "asset:owner": "team-data",
            "asset:criticality": "high", "asset:data-classification": "internal"}
    assert tax.tag_violations(good, "aws.rds") == []
    assert tax.tag_violations({**good, "asset:class": "storage"}, "aws.rds") == [
        "asset:class=storage but aws.rds is database"]
    problems = tax.tag_violations({"asset:environment": "Production", "asset:owner": " "},
                                  "aws.s3")
    assert problems == [
        "missing tag asset:class",
        "asset:environment=Production is not one of prod, staging, dev, test, sandbox, shared",
        "missing tag asset:owner",
        "missing tag asset:criticality",
        "missing tag asset:data-classification",
    ]
    # Without a resource type, the asset's own class decides class-specific requirements.
    assert tax.tag_violations({**good, "asset:class": "compute",
                               "asset:data-classification": ""}) == []


def test_tag_violations_show_hostile_values_safely(tax):
    (problem,) = tax.tag_violations({"asset:class": "compute", "asset:environment": "<b>\n",
                                     "asset:owner": "web", "asset:criticality": "low"})
    assert "<" not in problem and "\n" not in problem


# -- malformed taxonomies ----------------------------------------------------------------------


def _broken(mutate) -> str:
    doc = _doc()
    mutate(doc)
    return _text(doc)


def _rule(doc, **fields):
    doc["rules"].insert(0, {"id": "broken", "set": {"environment": "prod"}, **fields})


@pytest.mark.parametrize(("text", "where"), [
    ('{"version": 1, "tags": ', "invalid JSON at line 1"),
    ("version: 1\ntags: [unclosed\n", "invalid YAML"),
    ("- just\n- a list\n", "must be a mapping"),
    ("", "empty document"),
    (_broken(lambda d: d.pop("version")), "$: must contain ['version']"),
    (_broken(lambda d: d.update(version=2)), "$.version"),
    (_broken(lambda d: d["tags"].pop("owner")), "must contain ['owner']"),
    (_broken(lambda d: d.update(extra=True)), "$: must not contain {'extra'}"),
    (_broken(lambda d: _rule(d, colour="red")), "$.rules[0]: must not contain {'colour'}"),
    (_broken(lambda d: _rule(d, match={"name": "(unclosed"})),
     "$.rules[0].match.name: bad regex '(unclosed'"),
    (_broken(lambda d: _rule(d, match={"tags": {"Env": "[z-a]"}})),
     "$.rules[0].match.tags.Env: bad regex"),
    (_broken(lambda d: d["classes"].update(quantum=["aws.braket"])),
     "$.classes.quantum: unknown class 'quantum'"),
    (_broken(lambda d: _rule(d, match={"classes": ["quantum"]})),
     "$.rules[0].match.classes[0]: unknown class 'quantum'"),
    (_broken(lambda d: d["rules"][1].update(set={"environment": "production"})),
     "$.rules[1].set.environment: 'production' is not an allowed asset:environment value"),
    (_broken(lambda d: _rule(d, set={"colour": "red"})),
     "$.rules[0].set.colour: unknown tag 'colour'"),
    (_broken(lambda d: _rule(d, set={"creator": "alice"})),
     "$.rules[0].set.creator: creator comes from the event"),
    (_broken(lambda d: _rule(d, set={"environment": {"from": "tags.Env",
                                                     "map": {"live": "life"}}})),
     "$.rules[0].set.environment.map.live: 'life' is not an allowed"),
    (_broken(lambda d: _rule(d, set={"environment": {"from": "elsewhere"}})),
     "$.rules[0].set.environment"),
    (_broken(lambda d: d["tags"]["owner"].update(key="aws:owner")), "$.tags.owner.key"),
    (_broken(lambda d: d["tags"]["owner"].update(key="asset owner!")),
     "$.tags.owner.key: 'asset owner!' is not a valid tag key"),
    (_broken(lambda d: d["tags"]["owner"].update(key="asset:environment")),
     "'asset:environment' is also the key of environment"),
    (_broken(lambda d: d["tags"]["owner"].update(pattern="(")), "$.tags.owner.pattern: bad regex"),
    (_broken(lambda d: d["tags"]["class"].pop("values")), "$.tags.class: the class tag must list"),
    (_broken(lambda d: d["classes"]["storage"].append("aws.ec2")),
     "$.classes.storage[5]: aws.ec2 is already in compute"),
    (_broken(lambda d: d["classes"]["storage"].append("ec2")), "$.classes.storage[5]"),
    (_broken(lambda d: d["protection"]["tags"].append({"key": "x"})),
     "$.protection.tags[2]: must contain ['values']"),
])
def test_malformed_taxonomy_is_rejected_with_the_path(text, where):
    with pytest.raises(TaxonomyError) as err:
        Taxonomy.from_text(text)
    message = str(err.value)
    assert where in message
    assert "\n" not in message and message.startswith("taxonomy")


def test_yaml_taxonomy_is_accepted(tax):
    assert Taxonomy.from_text(yaml.safe_dump(_doc())).to_dict() == tax.to_dict()


def test_yaml_booleans_are_caught():
    text = yaml.safe_dump(_doc()).replace("- 'yes'", "- yes")
    assert "- yes" in text
    with pytest.raises(TaxonomyError, match=r"\$\.protection\.tags\[1\]\.values\[1\]"):
        Taxonomy.from_text(text)


# -- loading from SSM ---------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ssm(monkeypatch):
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "ASSETPACK_TAXONOMY_PATH"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    clear_cache()
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        yield session, session.client("ssm")
    clear_cache()


def _put(client, value: str, name: str = "/assetpack/taxonomy", kind: str = "String") -> None:
    client.put_parameter(Name=name, Value=value, Type=kind, Tier="Advanced", Overwrite=True)


def _env_doc(first_value: str) -> str:
    doc = _doc()
    doc["rules"] = [{"id": "all", "set": {"environment": first_value}}]
    return _text(doc)


def test_load_from_ssm(ssm):
    session, client = ssm
    _put(client, _data("taxonomy.default.json"), kind="SecureString")
    assert load_taxonomy(session).to_dict() == _doc()


def test_ttl_cache_hit_and_miss(ssm):
    session, client = ssm
    clock = FakeClock()
    _put(client, _env_doc("dev"))
    first = load_taxonomy(session, ttl=300, clock=clock)
    _put(client, _env_doc("prod"))
    clock.now += 299
    assert load_taxonomy(session, ttl=300, clock=clock) is first  # hit: no new read
    clock.now += 1
    second = load_taxonomy(session, ttl=300, clock=clock)  # miss: re-read
    assert second is not first
    assert second.classify("aws.ec2", "w", {})["asset:environment"] == "prod"


def test_module_clock_is_the_default(ssm, monkeypatch):
    session, client = ssm
    clock = FakeClock()
    monkeypatch.setattr(taxonomy_module, "_clock", clock)
    _put(client, _env_doc("dev"))
    first = load_taxonomy(session)
    clock.now += 301
    assert load_taxonomy(session) is not first


def test_missing_parameter_raises_and_is_not_cached(ssm):
    session, client = ssm
    with pytest.raises(TaxonomyError, match="taxonomy parameter /assetpack/taxonomy not found"):
        load_taxonomy(session)
    _put(client, _env_doc("dev"))
    assert load_taxonomy(session).version == 1


def test_invalid_parameter_raises_naming_parameter_and_path(ssm):
    session, client = ssm
    _put(client, _broken(lambda d: d["rules"][1]["match"].update(name="(")))
    with pytest.raises(TaxonomyError, match=r"^/assetpack/taxonomy: taxonomy \$\.rules\[1\]"):
        load_taxonomy(session)


def test_env_var_overrides_the_default_path(ssm, monkeypatch):
    session, client = ssm
    _put(client, _env_doc("test"), name="/team/taxonomy")
    monkeypatch.setenv("ASSETPACK_TAXONOMY_PATH", "/team/taxonomy")
    assert load_taxonomy(session).classify("aws.ec2", "w", {})["asset:environment"] == "test"
    with pytest.raises(TaxonomyError, match="/explicit not found"):
        load_taxonomy(session, path="/explicit")
