"""Meta-tests every policy and element of the pack must pass."""

from __future__ import annotations

import csv
import inspect
import re
from importlib.resources import files

import pytest
import yaml
from c7n.actions import Action
from c7n.filters import Filter

import c7n_plugins
from assetpack import pack
from c7n_plugins.elements import findings as _findings  # noqa: F401 - loads registry

c7n_plugins.load()
POLICIES = pack.load()
IN_SCOPE = {row["control"] for row in csv.DictReader(
    files("assetpack.data").joinpath("fsbp-in-scope.tsv").open(), delimiter="\t")}


def _elements() -> list[type]:
    import sys
    found = []
    for name, module in list(sys.modules.items()):
        if name.startswith("c7n_plugins.elements."):
            for _, obj in inspect.getmembers(module, inspect.isclass):
                if issubclass(obj, Action | Filter) and obj.__module__ == name:
                    found.append(obj)
    return found


ELEMENTS = _elements()


def test_pack_has_policies_and_elements():
    assert POLICIES and ELEMENTS


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_policy_has_contract_3_metadata(policy):
    assert pack.metadata_errors(policy.data) == []


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_policy_name_fits_lambda_and_config_limits(policy):
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", policy.name)
    assert len(f"custodian-{policy.name}") <= 64


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_fsbp_controls_are_in_scope(policy):
    fsbp = [c.split("/", 1)[1] for c in policy.metadata.get("controls", [])
            if c.startswith("FSBP/")]
    assert set(fsbp) <= IN_SCOPE


def test_policy_names_unique():
    names = [p.name for p in POLICIES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("element", ELEMENTS, ids=lambda e: e.__name__)
def test_element_declares_permissions(element):
    assert element.permissions, f"{element.__name__} declares no permissions"
    assert all(re.fullmatch(r"[a-z0-9-]+:[A-Za-z0-9*]+", p) for p in element.permissions)


@pytest.mark.parametrize("element", ELEMENTS, ids=lambda e: e.__name__)
def test_element_docstring_example_validates(element, tmp_path):
    doc = inspect.getdoc(element) or ""
    match = re.search(r"\.\. code-block:: yaml\n\n(.*?)(?:\n\S|\Z)", doc, re.S)
    assert match, f"{element.__name__} has no YAML example"
    data = yaml.safe_load(match.group(1))
    path = tmp_path / "example.yml"
    path.write_text(yaml.safe_dump(data))
    pack.load([path])  # raises PackError naming the problem


@pytest.mark.parametrize("element", ELEMENTS, ids=lambda e: e.__name__)
def test_element_schema_name_is_kebab_case(element):
    name = element.schema["properties"]["type"]["enum"][0]
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", name)


def test_invalid_policy_file_names_file_and_reason(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("policies:\n  - name: x\n    resource: aws.s3\n    filters:\n"
                   "      - type: no-such-filter\n")
    with pytest.raises(pack.PackError) as err:
        pack.load([bad])
    assert str(bad) in str(err.value)
    assert "no-such-filter" in str(err.value) or "metadata" in str(err.value)


def test_malformed_yaml_names_file(tmp_path):
    bad = tmp_path / "broken.yml"
    bad.write_text("policies: [\n")
    with pytest.raises(pack.PackError, match="broken.yml"):
        pack.load([bad])


@pytest.mark.parametrize("remediation", ["manual", "none"])
def test_manual_or_none_with_a_modifying_action_is_invalid(tmp_path, remediation):
    path = tmp_path / "bad.yml"
    path.write_text(yaml.safe_dump({"policies": [{
        "name": "sqs-queue-encrypted", "resource": "aws.sqs",
        "metadata": {"category": "compliance", "severity": "medium",
                     "controls": ["FSBP/SQS.1"], "remediation": remediation,
                     "description": "Queues must be encrypted."},
        "filters": [{"SqsManagedSseEnabled": "false"}],
        "actions": [{"type": "set-managed-sse"}]}]}))
    with pytest.raises(pack.PackError,
                       match=f"remediation: {remediation} forbids .*set-managed-sse"):
        pack.load([path])


def test_asking_the_owner_is_allowed_without_remediation():
    asking = [p for p in POLICIES if p.metadata.get("remediation") == "none"
              and any(a.get("type") == "notify" for a in p.data.get("actions", []))]
    assert asking, "tag compliance notifies and marks with remediation: none"


def test_every_automatic_fix_has_a_blast_radius_and_a_remedy():
    radius = pack.blast_radius()
    auto = [p for p in POLICIES if p.metadata.get("remediation") == "auto"]
    assert {p.name for p in auto} == set(radius), "policies/remediation.yml drifted"
    for p in auto:
        assert pack.remediation_errors(p.data, radius) == []


def test_automatic_fix_without_a_remedy_is_invalid(tmp_path):
    path = tmp_path / "bad.yml"
    path.write_text(yaml.safe_dump({"policies": [{
        "name": "sqs-queue-encrypted", "resource": "aws.sqs",
        "metadata": {"category": "compliance", "severity": "medium",
                     "controls": ["FSBP/SQS.1"], "remediation": "auto",
                     "description": "Queues must be encrypted."},
        "filters": [{"SqsManagedSseEnabled": "false"}],
        "actions": [{"type": "tag", "key": "x", "value": "y"}]}]}))
    with pytest.raises(pack.PackError, match="no remedy for aws.sqs tag"):
        pack.load([path])


def test_disruptive_fix_without_a_guard_is_invalid():
    assert pack.blast_errors({"class": "disruptive", "reason": "breaks clients"}) == [
        "a disruptive fix needs at least one guard that looks for its consumers"]
    assert "unknown guards" in " ".join(pack.blast_errors(
        {"class": "safe", "reason": "r", "guards": ["no-such-guard"]}))


COMPLIANCE = [p for p in POLICIES if p.metadata.get("category") == "compliance"]


@pytest.mark.parametrize("policy", COMPLIANCE, ids=lambda p: p.name)
def test_compliance_check_names_its_definition_source(policy):
    source = policy.metadata.get("source")
    assert source, f"{policy.name} names no definition source (metadata.source)"
    assert pack.CONFIG_RULE.fullmatch(source) or pack.CONTROL_PAGE.fullmatch(source)


def test_compliance_check_without_source_is_rejected():
    data = {"name": "x", "resource": "aws.s3", "metadata": {
        "category": "compliance", "severity": "low", "controls": ["FSBP/S3.8"],
        "remediation": "manual", "description": "d"}}
    assert any("source" in e for e in pack.metadata_errors(data))
    data["metadata"]["source"] = "not a rule!"
    assert any("source" in e for e in pack.metadata_errors(data))
    data["metadata"]["source"] = "s3-bucket-level-public-access-prohibited"
    data["metadata"]["partial"] = ""
    assert any("partial" in e for e in pack.metadata_errors(data))


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_deploy_form_validates(policy):
    from c7n.config import Bag, Config
    from c7n.policy import Policy
    config = Config.empty(dryrun=True, account_id="123456789012", region="us-east-1")
    Policy(pack.deploy_form(policy.data), config, Bag()).validate()


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_no_parameter_reference_left_unresolved(policy):
    assert "{param:" not in yaml.safe_dump(policy.data)
