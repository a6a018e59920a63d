"""The pack's own Terraform, checked offline.

No provider registry is reachable here, so instead of ``terraform validate`` the
HCL is parsed with python-hcl2 and checked for structure and for the pack's own
standards (least privilege, encryption, no public buckets), and c7n-left runs
the IaC policies of ``policies/iac/`` over the example root.
"""

from __future__ import annotations

import csv
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import hcl2
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TF = ROOT / "terraform"
MODULES = TF / "modules"
EXAMPLE = TF / "examples" / "complete"
MEMBER_EXAMPLE = TF / "examples" / "member"
GENERATED = TF / "generated"
ROLE_FILES = {"custodian_role": "detect", "remediation_role": "remediate"}
IAC_POLICIES = ROOT / "policies" / "iac"
FSBP_TSV = ROOT.parent / "shared" / "reference" / "fsbp-in-scope.tsv"

EXPECTED_MODULES = {
    "custodian-lambda-role",
    "taxonomy",
    "resource-groups",
    "security-baseline",
    "notifications",
    "ci-oidc",
    "reporting",
    "dashboards",
    "scan-member",
}
CLASSES = [
    "compute", "container", "database", "storage", "network",
    "serverless", "security", "identity", "messaging", "monitoring",
]
MODULE_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")
# Policies attached to IAM principals are limited to 6,144 characters.
MANAGED_POLICY_LIMIT = 6144
SERVICE_WILDCARD = re.compile(r"^[a-z0-9-]+:\*$")


# --- parsing helpers ------------------------------------------------------------

def unquote(value):
    """python-hcl2 keeps the quotes of string literals; strip them (recursively)."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    if isinstance(value, list):
        return [unquote(v) for v in value]
    if isinstance(value, dict):
        return {unquote(k): unquote(v) for k, v in value.items() if k != "__is_block__"}
    return value


def tf_files(directory: Path = TF) -> list[Path]:
    return sorted(p for p in directory.rglob("*.tf") if ".terraform" not in p.parts)


@functools.cache
def parse(path: Path) -> dict:
    with path.open() as fh:
        return unquote(hcl2.load(fh))


def module_doc(directory: Path) -> dict[str, list]:
    """All top-level blocks of a module, merged over its .tf files."""
    merged: dict[str, list] = {}
    for path in sorted(directory.glob("*.tf")):
        for kind, items in parse(path).items():
            merged.setdefault(kind, []).extend(items)
    return merged


def labelled(doc: dict, kind: str) -> list[tuple[str, str, dict]]:
    """(type, name, body) of every ``resource``/``data`` block."""
    out = []
    for item in doc.get(kind, []):
        for rtype, named in item.items():
            for name, body in named.items():
                out.append((rtype, name, body))
    return out


def resources(doc: dict, rtype: str | None = None) -> dict[str, dict]:
    return {f"{t}.{n}": b for t, n, b in labelled(doc, "resource") if rtype in (None, t)}


def named_blocks(doc: dict, kind: str) -> dict[str, dict]:
    """``variable``/``output``/``module`` blocks by name."""
    out = {}
    for item in doc.get(kind, []):
        out.update(item)
    return out


def locals_of(doc: dict) -> dict:
    out = {}
    for block in doc.get("locals", []):
        out.update(block)
    return out


def all_modules() -> list[Path]:
    return sorted(p for p in MODULES.iterdir() if p.is_dir())


def policy_documents() -> list[tuple[str, str, dict]]:
    """(module dir, document name, body) of every aws_iam_policy_document."""
    docs = []
    for directory in [*all_modules(), EXAMPLE]:
        for rtype, name, body in labelled(module_doc(directory), "data"):
            if rtype == "aws_iam_policy_document":
                docs.append((directory.name, name, body))
    return docs


def statements(document: dict) -> list[dict]:
    """Static and dynamic ``statement`` blocks of a policy document."""
    found = list(document.get("statement", []))
    for dynamic in document.get("dynamic", []):
        for label, body in dynamic.items():
            if label == "statement":
                found.extend(body.get("content", []))
    return found


def as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# --- layout -----------------------------------------------------------------------

def test_every_expected_module_exists():
    assert {p.name for p in all_modules()} == EXPECTED_MODULES


@pytest.mark.parametrize("module", sorted(EXPECTED_MODULES))
def test_module_has_standard_files(module):
    missing = [f for f in MODULE_FILES if not (MODULES / module / f).is_file()]
    assert not missing, f"{module} lacks {missing}"


def test_every_tf_file_parses():
    files = tf_files()
    assert len(files) >= 6 * 4 + 4
    for path in files:
        assert isinstance(parse(path), dict), path


@pytest.mark.parametrize("directory", [*sorted(EXPECTED_MODULES), "examples/complete",
                                       "examples/member"])
def test_variables_are_typed_and_described(directory):
    path = MODULES / directory if directory in EXPECTED_MODULES else TF / directory
    variables = named_blocks(module_doc(path), "variable")
    assert variables, f"{directory} declares no variables"
    for name, body in variables.items():
        assert body.get("type"), f"{directory}: variable {name} has no type"
        assert str(body.get("description", "")).strip(), f"{directory}: {name} not described"


@pytest.mark.parametrize("directory", [*sorted(EXPECTED_MODULES), "examples/complete",
                                       "examples/member"])
def test_outputs_are_described(directory):
    path = MODULES / directory if directory in EXPECTED_MODULES else TF / directory
    outputs = named_blocks(module_doc(path), "output")
    assert outputs, f"{directory} declares no outputs"
    for name, body in outputs.items():
        assert str(body.get("description", "")).strip(), f"{directory}: output {name}"


@pytest.mark.parametrize("directory", [*sorted(EXPECTED_MODULES), "examples/complete",
                                       "examples/member"])
def test_versions_require_aws_provider_5_or_later(directory):
    path = (MODULES / directory if directory in EXPECTED_MODULES else TF / directory)
    terraform = parse(path / "versions.tf")["terraform"][0]
    aws = terraform["required_providers"][0]["aws"]
    assert aws["source"] == "hashicorp/aws"
    match = re.fullmatch(r">=\s*(\d+)(?:\.(\d+))?(?:\.\d+)?", aws["version"].strip())
    assert match and int(match.group(1)) >= 5, aws["version"]
    assert terraform.get("required_version", "").startswith(">=")


def test_example_roots_call_every_module():
    modules = {**named_blocks(module_doc(EXAMPLE), "module"),
               **named_blocks(module_doc(MEMBER_EXAMPLE), "module")}
    sources = {Path(body["source"]).name for body in modules.values()}
    assert sources == EXPECTED_MODULES
    for body in modules.values():
        assert body["source"].startswith("../../modules/"), body["source"]


def test_example_root_tags_everything_with_contract_4_keys():
    providers = module_doc(EXAMPLE)["provider"]
    aws = next(p["aws"] for p in providers if "aws" in p)
    tags = aws["default_tags"][0]["tags"]
    assert {"asset:class", "asset:environment", "asset:owner"} <= set(tags)


def test_modules_override_asset_class_with_taxonomy_values():
    """Where a module sets asset:class itself, it uses one of the ten classes."""
    for module in all_modules():
        text = (module / "main.tf").read_text()
        for value in re.findall(r'"asset:class"\s*=\s*"([^"]+)"', text):
            assert value in CLASSES, f"{module.name}: asset:class {value}"


# --- least privilege --------------------------------------------------------------

def test_no_allow_statement_grants_wildcard_actions():
    """Allow statements list exact actions: no "*", no "svc:*", not even "svc:Get*"."""
    checked = 0
    for module, name, document in policy_documents():
        if (module, name) == ("ci-oidc", "boundary"):
            continue  # a ceiling, not a grant: see test_ci_roles_are_bounded
        for statement in statements(document):
            effect = statement.get("effect", "Allow")
            actions = as_list(statement.get("actions"))
            checked += len(actions)
            assert not statement.get("not_actions"), f"{module}/{name}: NotAction"
            if effect == "Deny":
                continue
            wild = [a for a in actions if isinstance(a, str) and "*" in a]
            assert not wild, f"{module}/{name}: {wild}"
    assert checked > 200


def test_wildcards_only_appear_in_deny_statements():
    """Any "svc:*" literal in the HCL sits in a Deny (e.g. deny non-TLS access)."""
    deny_actions = set()
    for _, _, document in policy_documents():
        for statement in statements(document):
            if statement.get("effect") == "Deny":
                deny_actions.update(as_list(statement.get("actions")))
    for path in tf_files():
        code = "\n".join(line for line in path.read_text().splitlines()
                         if not line.strip().startswith(("#", "error_message")))
        for literal in re.findall(r'"([A-Za-z0-9-]+:\*|\*)"', code):
            if literal == "*":
                continue  # principals and resources; actions are checked above
            assert literal in deny_actions, f"{path.relative_to(ROOT)}: {literal}"


def generated_parts(role: str) -> dict[str, dict]:
    return json.loads((GENERATED / f"{role}-permissions.json").read_text())


def test_generated_permissions_documents_have_no_wildcard_actions_and_fit_iam():
    for role in ROLE_FILES.values():
        parts = generated_parts(role)
        assert parts
        for part, document in parts.items():
            assert document["Version"] == "2012-10-17"
            assert len(json.dumps(document, separators=(",", ":"))) <= MANAGED_POLICY_LIMIT
            for statement in document["Statement"]:
                assert statement["Effect"] == "Allow"
                actions = as_list(statement["Action"])
                assert actions and actions == sorted(actions)
                bad = [a for a in actions if a == "*" or SERVICE_WILDCARD.match(a)]
                assert not bad, (role, part, bad)


def test_iam_and_resource_policies_come_from_policy_documents():
    """No hand-written JSON policies: every policy attribute is a policy document,
    except the role module's, which is built from var.policy_json."""
    attrs = {
        "aws_iam_role": "assume_role_policy",
        "aws_iam_policy": "policy",
        "aws_iam_role_policy": "policy",
        "aws_kms_key": "policy",
        "aws_s3_bucket_policy": "policy",
        "aws_sqs_queue_policy": "policy",
        "aws_sns_topic_policy": "policy",
    }
    seen = 0
    for module in all_modules():
        for key, body in resources(module_doc(module)).items():
            attr = attrs.get(key.split(".")[0])
            if not attr:
                continue
            seen += 1
            value = body[attr]
            if module.name == "custodian-lambda-role" and key == "aws_iam_policy.pack":
                assert value == "${each.value}"
                continue
            if module.name == "scan-member" and key == "aws_iam_policy.pack":
                assert value == "${each.value}"
                continue
            if module.name == "ci-oidc" and key == "aws_iam_policy.deploy":
                assert value == "${each.value}"
                continue
            assert re.fullmatch(r"\$\{data\.aws_iam_policy_document\.[\w\[\]\"]+\.json\}",
                                value), f"{module.name} {key}.{attr} = {value}"
    assert seen >= 15


def test_role_module_takes_its_permissions_from_the_variable():
    doc = module_doc(MODULES / "custodian-lambda-role")
    variable = named_blocks(doc, "variable")["policy_documents_json"]
    assert variable["type"] == "${string}" or variable["type"] == "string"
    assert "default" not in variable, "policy_documents_json must be required"
    assert len(variable.get("validation", [])) >= 2
    assert "jsondecode(var.policy_documents_json)" in locals_of(doc)["pack_policies"]

    pack = resources(doc)["aws_iam_policy.pack"]
    assert pack["for_each"] == "${local.pack_policies}"
    assert pack["policy"] == "${each.value}"
    attach = resources(doc)["aws_iam_role_policy_attachment.pack"]
    assert attach["for_each"] == "${aws_iam_policy.pack}"

    # The module's own statements grant only runtime plumbing, on named resources.
    runtime_services = {"logs", "sqs", "kms", "ses", "ssm", "s3", "sts"}
    for rtype, name, body in labelled(doc, "data"):
        if rtype != "aws_iam_policy_document" or name == "trust":
            continue
        for statement in statements(body):
            for action in as_list(statement.get("actions")):
                assert action.split(":")[0] in runtime_services, f"{name}: {action}"
            assert "*" not in as_list(statement.get("resources")), f"{name}: {statement}"


def test_example_root_passes_each_role_its_generated_documents():
    doc = module_doc(EXAMPLE)
    modules = named_blocks(doc, "module")
    for module, role in ROLE_FILES.items():
        local = f"{role}_permissions"
        assert locals_of(doc)[local] == (
            f'${{file("${{path.root}}/../../generated/{role}-permissions.json")}}')
        assert modules[module]["policy_documents_json"] == f"${{local.{local}}}"
        assert modules[module]["source"] == "../../modules/custodian-lambda-role"
    assert (EXAMPLE / "../../generated").resolve() == GENERATED
    # `assetpack deploy` derives the roles' ARNs from these names.
    from assetpack import deploy

    prefix = named_blocks(doc, "variable")["name_prefix"]["default"]
    names = {m: modules[m]["name"].replace("${var.name_prefix}", prefix) for m in ROLE_FILES}
    assert names == {"custodian_role": deploy.DETECT_ROLE,
                     "remediation_role": deploy.REMEDIATE_ROLE}


def test_terraform_grants_no_more_than_the_pack_declares():
    """Each role's managed policies grant exactly what its policies' elements declare
    (plus the baseline), writes only on their ARN patterns, PassRole only scoped."""
    from assetpack import permissions

    split = permissions.split_by_role(permissions.pack_permissions())
    passed = permissions.passed_roles()
    for role in ROLE_FILES.values():
        declared = set(permissions.BASELINE).union(*split[role].values())
        granted: set[str] = set()
        for document in generated_parts(role).values():
            for statement in document["Statement"]:
                actions = as_list(statement["Action"])
                granted.update(actions)
                resources = as_list(statement["Resource"])
                if actions == ["iam:PassRole"]:
                    service = statement["Condition"]["StringEquals"]["iam:PassedToService"]
                    assert resources == sorted(
                        f"arn:{{partition}}:iam::{{account_id}}:role/{r}"
                        for r in passed[service])
                    continue
                for action in actions:
                    if permissions.is_write(action) and action not in (
                            permissions.DETECT_WRITES):
                        assert resources == permissions.arn_patterns(action), action
                    else:
                        assert resources == ["*"], action
        assert granted <= declared, f"{role} grants undeclared {sorted(granted - declared)}"
        # Everything declared is granted, except what the role module scopes by name
        # and PassRole where no policy names a role to pass.
        missing = declared - granted - permissions.RUNTIME_SCOPED - {"iam:PassRole"}
        assert not missing, f"{role} lacks {sorted(missing)}"
        writes = {a for a in granted if permissions.is_write(a)}
        if role == "detect":
            assert writes <= permissions.DETECT_WRITES, sorted(writes)
    assert "iam:PassRole" not in {a for d in generated_parts("detect").values()
                                  for s in d["Statement"] for a in as_list(s["Action"])}


def test_scan_role_adds_only_findings_access_to_the_pack_policies():
    from assetpack import permissions

    doc = module_doc(MODULES / "ci-oidc")
    report = next(b for t, n, b in labelled(doc, "data")
                  if t == "aws_iam_policy_document" and n == "scan_report")
    for statement in statements(report):
        extra = set(as_list(statement["actions"])) - set(permissions.BASELINE)
        if statement["sid"] == "ChainIntoMemberScanRoles":
            assert extra == {"sts:AssumeRole"}
            assert statement["resources"] == [
                "${local.arn}:iam::*:role/${var.member_scan_role_name}"]
            continue
        assert extra <= {"securityhub:DescribeHub"}, extra


def test_member_scan_role_trusts_the_hub_scan_role_and_grants_the_pack():
    doc = module_doc(MODULES / "scan-member")
    variables = named_blocks(doc, "variable")
    ci = named_blocks(module_doc(MODULES / "ci-oidc"), "variable")
    assert variables["name"]["default"] == ci["member_scan_role_name"]["default"] == (
        "assetpack-scan-member")
    trust = next(b for t, n, b in labelled(doc, "data")
                 if t == "aws_iam_policy_document" and n == "trust")
    (statement,) = statements(trust)
    assert statement["principals"][0]["identifiers"] == ["${var.hub_scan_role_arn}"]
    documents = locals_of(doc)["documents"]
    assert "var.detect_documents_json" in documents
    assert "var.remediate_documents_json" in documents
    root = named_blocks(module_doc(MEMBER_EXAMPLE), "module")["scan_member"]
    assert root["detect_documents_json"].endswith('/detect-permissions.json")}')
    assert root["remediate_documents_json"].endswith('/remediate-permissions.json")}')


def test_lambda_role_is_trusted_by_lambda_only():
    doc = module_doc(MODULES / "custodian-lambda-role")
    trust = next(b for t, n, b in labelled(doc, "data")
                 if t == "aws_iam_policy_document" and n == "trust")
    (statement,) = statements(trust)
    assert statement["actions"] == ["sts:AssumeRole"]
    assert statement["principals"][0]["identifiers"] == ["lambda.amazonaws.com"]


def test_deploy_policies_fit_iam_size_limit():
    """Rough rendering of each CI deploy policy stays well under 6,144 characters."""
    doc = module_doc(MODULES / "ci-oidc")
    for rtype, name, body in labelled(doc, "data"):
        if rtype != "aws_iam_policy_document" or not name.startswith("deploy_"):
            continue
        rendered = json.dumps([
            {"Sid": s.get("sid"), "Effect": "Allow", "Action": s.get("actions"),
             "Resource": s.get("resources"), "Condition": s.get("condition")}
            for s in statements(body)
        ], separators=(",", ":"))
        assert len(rendered) < MANAGED_POLICY_LIMIT * 0.9, (name, len(rendered))


def test_ci_roles_are_bounded():
    """The CI deploy role cannot widen itself, create a role outside the prefix or without
    the boundary, or turn off a security service; every role of the pack carries the
    boundary, which grants nothing beyond the roles' own policies."""
    doc = module_doc(MODULES / "ci-oidc")
    res = resources(doc)
    boundary = next(b for t, n, b in labelled(doc, "data")
                    if t == "aws_iam_policy_document" and n == "boundary")
    by_sid = {s["sid"]: s for s in statements(boundary)}
    allows = [s for s in by_sid.values() if s.get("effect", "Allow") == "Allow"]
    assert [s["sid"] for s in allows] == ["Ceiling"]
    assert res["aws_iam_policy.boundary"]["policy"] == (
        "${data.aws_iam_policy_document.boundary.json}")
    # The boundary document is never attached as a grant, only set as a boundary.
    for path in tf_files():
        text = path.read_text()
        assert "aws_iam_policy.boundary.arn" not in text.replace(
            "permissions_boundary = aws_iam_policy.boundary.arn", "").replace(
            "value       = aws_iam_policy.boundary.arn", ""), path

    assert by_sid["NoChangeToTheCiRoles"]["resources"] == ["${local.ci_role_arn}"]
    assert {"iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DeleteRolePermissionsBoundary"} <= (
        set(by_sid["NoChangeToTheCiRoles"]["actions"]))
    assert "iam:CreatePolicyVersion" in by_sid["NoChangeToTheCiPoliciesOrTheBoundary"]["actions"]
    assert by_sid["NoRoleOutsideThePrefix"]["not_resources"] == [
        "${local.arn}:iam::${local.acct}:role/${local.p}-*"]
    (condition,) = by_sid["NoRoleWithoutThisBoundary"]["condition"]
    assert condition["test"] == "StringNotEquals"
    assert condition["values"] == ["${local.boundary_arn}"]
    assert by_sid["KeepSecurityServicesOn"]["actions"] == "${local.security_off_actions}"
    off = set(locals_of(doc)["security_off_actions"])
    assert {"securityhub:DisableSecurityHub", "guardduty:DeleteDetector",
            "config:StopConfigurationRecorder", "cloudtrail:StopLogging",
            "inspector2:Disable"} <= off

    for role in ("deploy", "scan", "plan"):
        assert res[f"aws_iam_role.{role}"]["permissions_boundary"] == (
            "${aws_iam_policy.boundary.arn}")
    granted = set()
    for rtype, name, body in labelled(doc, "data"):
        if rtype == "aws_iam_policy_document" and name.startswith("deploy_"):
            for statement in statements(body):
                granted.update(as_list(statement.get("actions")))
                if "iam:CreateRole" in as_list(statement.get("actions")):
                    (cond,) = statement["condition"]
                    assert cond["variable"] == "iam:PermissionsBoundary"
                    assert cond["values"] == ["${local.boundary_arn}"]
    assert not granted & off, sorted(granted & off)
    assert "iam:DeleteRolePermissionsBoundary" not in granted

    # Every other role of the pack carries the same boundary.
    root = named_blocks(module_doc(EXAMPLE), "module")
    for module in ("custodian_role", "remediation_role", "security_baseline"):
        assert root[module]["permissions_boundary_arn"] == (
            "${module.ci_oidc.permissions_boundary_arn}")
    for module in all_modules():
        for key, body in resources(module_doc(module), "aws_iam_role").items():
            assert body.get("permissions_boundary"), f"{module.name} {key}"


def test_github_trust_is_pinned_to_repo_and_branch():
    doc = module_doc(MODULES / "ci-oidc")
    variables = named_blocks(doc, "variable")
    assert variables["deploy_branch"]["default"] == "main"
    assert "default" not in variables["github_repo"]
    subjects = locals_of(doc)["subjects"]
    assert subjects["deploy"] == "repo:${var.github_repo}:ref:refs/heads/${var.deploy_branch}"
    assert subjects["scan"] == subjects["deploy"]
    assert subjects["plan"] == "repo:${var.github_repo}:pull_request"

    trust = next(b for t, n, b in labelled(doc, "data")
                 if t == "aws_iam_policy_document" and n == "trust")
    (statement,) = statements(trust)
    assert statement["actions"] == ["sts:AssumeRoleWithWebIdentity"]
    conditions = {c["variable"]: c for c in statement["condition"]}
    sub = conditions["${local.oidc_host}:sub"]
    aud = conditions["${local.oidc_host}:aud"]
    assert sub["test"] == "StringEquals" and sub["values"] == ["${each.value}"]
    assert aud["test"] == "StringEquals" and aud["values"] == ["sts.amazonaws.com"]
    assert locals_of(doc)["oidc_host"] == "token.actions.githubusercontent.com"


# --- encryption, public access ----------------------------------------------------

def bucket_refs(doc: dict, rtype: str) -> dict[str, dict]:
    """Bucket resource name -> the ``rtype`` block that points at it."""
    out = {}
    for body in resources(doc, rtype).values():
        match = re.fullmatch(r"\$\{aws_s3_bucket\.(\w+)\.(id|bucket)\}", body["bucket"])
        assert match, body["bucket"]
        out[match.group(1)] = body
    return out


def test_every_bucket_is_encrypted_private_versioned_and_tls_only():
    buckets_seen = 0
    for module in all_modules():
        doc = module_doc(module)
        buckets = {k.split(".")[1] for k in resources(doc, "aws_s3_bucket")}
        if not buckets:
            continue
        buckets_seen += len(buckets)
        encryption = bucket_refs(doc, "aws_s3_bucket_server_side_encryption_configuration")
        blocks = bucket_refs(doc, "aws_s3_bucket_public_access_block")
        versioning = bucket_refs(doc, "aws_s3_bucket_versioning")
        ownership = bucket_refs(doc, "aws_s3_bucket_ownership_controls")
        policies = bucket_refs(doc, "aws_s3_bucket_policy")
        lifecycle = bucket_refs(doc, "aws_s3_bucket_lifecycle_configuration")
        for bucket in buckets:
            where = f"{module.name}: aws_s3_bucket.{bucket}"
            assert bucket in encryption, f"{where} has no encryption configuration"
            default = encryption[bucket]["rule"][0]["apply_server_side_encryption_by_default"][0]
            assert default["sse_algorithm"] in ("aws:kms", "AES256"), where
            assert bucket in blocks, f"{where} has no public access block"
            for setting in ("block_public_acls", "block_public_policy",
                            "ignore_public_acls", "restrict_public_buckets"):
                assert blocks[bucket][setting] is True, f"{where}: {setting}"
            assert versioning[bucket]["versioning_configuration"][0]["status"] == "Enabled"
            assert ownership[bucket]["rule"][0]["object_ownership"] == "BucketOwnerEnforced"
            assert bucket in lifecycle, f"{where} has no lifecycle"
            assert bucket in policies, f"{where} has no bucket policy"
        # every bucket policy denies plain-HTTP access
        for rtype, name, body in labelled(doc, "data"):
            if rtype == "aws_iam_policy_document" and name in buckets:
                sids = {s.get("sid") for s in statements(body) if s.get("effect") == "Deny"}
                assert "DenyInsecureTransport" in sids, f"{module.name}: {name}"
    assert buckets_seen >= 2


def test_audit_bucket_uses_kms_and_logs_access():
    doc = module_doc(MODULES / "security-baseline")
    encryption = bucket_refs(doc, "aws_s3_bucket_server_side_encryption_configuration")
    default = encryption["audit"]["rule"][0]["apply_server_side_encryption_by_default"][0]
    assert default["sse_algorithm"] == "aws:kms"
    assert default["kms_master_key_id"] == "${aws_kms_key.audit.arn}"
    logging = bucket_refs(doc, "aws_s3_bucket_logging")
    assert logging["audit"]["target_bucket"] == "${aws_s3_bucket.access_logs.id}"


def test_queues_topics_and_keys_are_encrypted():
    keys = queues = topics = 0
    for module in all_modules():
        doc = module_doc(module)
        for key, body in resources(doc, "aws_kms_key").items():
            keys += 1
            assert body["enable_key_rotation"] is True, f"{module.name} {key}"
            assert body["deletion_window_in_days"], f"{module.name} {key}"
        for key, body in resources(doc, "aws_sqs_queue").items():
            queues += 1
            assert body["kms_master_key_id"].startswith("${aws_kms_key."), f"{module.name} {key}"
        for key, body in resources(doc, "aws_sns_topic").items():
            topics += 1
            assert body["kms_master_key_id"].startswith("${aws_kms_key."), f"{module.name} {key}"
        for key, body in resources(doc, "aws_cloudwatch_log_group").items():
            assert body["kms_key_id"].startswith("${aws_kms_key."), f"{module.name} {key}"
    assert keys >= 2 and queues >= 2 and topics >= 1


def test_mailer_queue_has_a_dead_letter_queue():
    doc = module_doc(MODULES / "notifications")
    mailer = resources(doc)["aws_sqs_queue.mailer"]
    assert "aws_sqs_queue.dlq.arn" in mailer["redrive_policy"]


def test_budgets_alert_by_email_and_topic():
    doc = module_doc(MODULES / "notifications")
    budget = resources(doc)["aws_budgets_budget.this"]
    assert budget["budget_type"] == "COST"
    notifications = [d["notification"]["content"][0] for d in budget["dynamic"]]
    assert {n["notification_type"] for n in notifications} == {"ACTUAL", "FORECASTED"}
    for n in notifications:
        assert n["subscriber_email_addresses"] == "${local.budget_emails}"
        assert n["subscriber_sns_topic_arns"] == ["${aws_sns_topic.alerts.arn}"]


# --- taxonomy, resource groups, baseline ------------------------------------------

def test_taxonomy_parameter_defaults_to_assetpack_taxonomy():
    doc = module_doc(MODULES / "taxonomy")
    assert named_blocks(doc, "variable")["path"]["default"] == "/assetpack/taxonomy"
    parameter = resources(doc)["aws_ssm_parameter.taxonomy"]
    assert parameter["name"] == "${var.path}"
    assert parameter["type"] == "String"
    assert parameter["tier"] == "${local.tier}"
    assert "Advanced" in locals_of(doc)["tier"] and "4096" in locals_of(doc)["tier"]
    assert "file(local.taxonomy_file)" in locals_of(doc)["value"]


def test_example_root_ships_the_default_taxonomy():
    doc = module_doc(EXAMPLE)
    path = locals_of(doc)["taxonomy_file"]
    assert path == "${path.root}/../../../c7n_plugins/data/taxonomy.default.json"
    assert named_blocks(doc, "module")["taxonomy"]["taxonomy_file"] == "${local.taxonomy_file}"
    shipped = ROOT / "c7n_plugins" / "data" / "taxonomy.default.json"
    if not shipped.exists():
        pytest.skip("the default taxonomy is not in the tree yet")
    # What Terraform uploads: the file without line breaks and indentation, <= 8 KB.
    value = re.sub(r"\r?\n[ \t]*", "", shipped.read_text())
    assert json.loads(value) == json.loads(shipped.read_text())
    assert len(value.encode()) <= 8192, "the taxonomy outgrows SSM's Advanced tier"


def test_resource_groups_cover_all_ten_classes_and_environments():
    doc = module_doc(MODULES / "resource-groups")
    variables = named_blocks(doc, "variable")
    assert variables["classes"]["default"] == CLASSES
    assert variables["environments"]["default"] == ["prod", "staging", "dev"]
    assert variables["class_tag_key"]["default"] == "asset:class"
    assert variables["environment_tag_key"]["default"] == "asset:environment"
    groups = resources(doc, "aws_resourcegroups_group")
    assert groups["aws_resourcegroups_group.class"]["for_each"] == "${toset(var.classes)}"
    assert groups["aws_resourcegroups_group.environment"]["for_each"] == (
        "${toset(var.environments)}")
    for key, body in groups.items():
        query = body["resource_query"][0]
        assert query["type"] == "TAG_FILTERS_1_0", key
        tag_var = "class_tag_key" if key.endswith(".class") else "environment_tag_key"
        assert f"var.{tag_var}" in query["query"], key
        # AWS accepts only [\sa-zA-Z0-9_.-] in descriptions (no ':' or '=').
        assert re.fullmatch(r"[\sa-zA-Z0-9_.\-${}]*", body["description"]), body["description"]


def test_security_baseline_services():
    doc = module_doc(MODULES / "security-baseline")
    res = resources(doc)
    variables = named_blocks(doc, "variable")

    trail = res["aws_cloudtrail.this"]
    assert trail["is_multi_region_trail"] is True
    assert trail["enable_log_file_validation"] is True
    assert trail["include_global_service_events"] is True
    assert trail["kms_key_id"] == "${aws_kms_key.audit.arn}"
    assert trail["cloud_watch_logs_group_arn"]

    assert "aws-foundational-security-best-practices/v/1.0.0" in (
        res["aws_securityhub_standards_subscription.fsbp"]["standards_arn"])
    assert "cis-aws-foundations-benchmark/v/${var.cis_version}" in (
        res["aws_securityhub_standards_subscription.cis"]["standards_arn"])
    assert variables["cis_version"]["default"] == "5.0.0"
    assert res["aws_securityhub_account.this"]["control_finding_generator"] == (
        "SECURITY_CONTROL")

    assert res["aws_guardduty_detector.this"]["enable"] is True
    assert {"S3_DATA_EVENTS", "RDS_LOGIN_EVENTS"} <= set(
        variables["guardduty_features"]["default"])
    assert set(variables["inspector_resource_types"]["default"]) == {"ECR", "EC2", "LAMBDA"}
    assert res["aws_inspector2_enabler.this"]["resource_types"] == (
        "${var.inspector_resource_types}")

    recorder = res["aws_config_configuration_recorder.this"]
    assert recorder["recording_group"][0]["all_supported"] is True
    assert res["aws_config_delivery_channel.this"]["s3_kms_key_arn"] == (
        "${aws_kms_key.audit.arn}")
    assert res["aws_config_configuration_recorder_status.this"]["is_enabled"] is True

    rule = res["aws_cloudwatch_event_rule.findings"]
    assert '"Security Hub Findings - Imported"' in rule["event_pattern"]
    assert '"aws.securityhub"' in rule["event_pattern"]
    assert res["aws_cloudwatch_event_target.findings"]["arn"] == "${var.findings_queue_arn}"


def test_findings_reach_the_notification_queue():
    """The findings rule's name matches what the queue policy admits."""
    baseline = module_doc(MODULES / "security-baseline")
    notifications = module_doc(MODULES / "notifications")
    rule = resources(baseline)["aws_cloudwatch_event_rule.findings"]
    assert rule["name"].startswith("${var.name_prefix}-")
    assert locals_of(notifications)["event_rules_arn"].endswith(
        ":rule/${var.name_prefix}-*")
    root = named_blocks(module_doc(EXAMPLE), "module")
    assert root["security_baseline"]["findings_queue_arn"] == (
        "${module.notifications.queue_arn}")
    assert root["security_baseline"]["name_prefix"] == root["notifications"]["name_prefix"]


def test_terraform_fmt():
    terraform = shutil.which("terraform")
    if not terraform:
        pytest.skip("no terraform binary on this machine")
    result = subprocess.run(
        [terraform, "fmt", "-check", "-recursive", "-diff", str(TF)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- IaC policies (c7n-left) ------------------------------------------------------

def iac_policies() -> list[dict]:
    policies = []
    for path in sorted(IAC_POLICIES.glob("*.y*ml")):
        policies.extend(yaml.safe_load(path.read_text())["policies"])
    return policies


def test_iac_policies_follow_conventions():
    policies = iac_policies()
    assert 3 <= len(policies) <= 10
    in_scope = set()
    if FSBP_TSV.exists():
        with FSBP_TSV.open() as fh:
            in_scope = {row["control"] for row in csv.DictReader(fh, delimiter="\t")}
    for policy in policies:
        name = policy["name"]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) and len(name) <= 54, name
        assert policy["resource"].startswith("terraform."), name
        assert policy.get("description"), name
        meta = policy["metadata"]
        assert meta["category"] == "compliance", name
        assert meta["severity"] in ("informational", "low", "medium", "high", "critical")
        assert meta["remediation"] == "none", name
        assert meta["description"], name
        assert "actions" not in policy, name
        fsbp = [c for c in meta.get("controls", []) if c.startswith("FSBP/")]
        assert len(fsbp) <= 1, name
        if in_scope:
            for control in fsbp:
                assert control.removeprefix("FSBP/") in in_scope, control


def c7n_left(*args: str) -> subprocess.CompletedProcess:
    pytest.importorskip("c7n_left", reason="c7n-left is not installed")
    pytest.importorskip("tfparse", reason="tfparse (c7n-left's HCL parser) is not installed")
    return subprocess.run(
        [sys.executable, "-c", "from c7n_left.cli import cli; cli()", *args],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
        env={**os.environ, "COLUMNS": "200"},
    )


def left_run(directory: Path, output: Path, fmt: str = "json") -> tuple[int, str]:
    """Run the IaC policies over ``directory``; (exit code, report text)."""
    proc = c7n_left("run", "-p", str(IAC_POLICIES), "-d", str(directory),
                    "-o", fmt, "--output-file", str(output))
    if not output.exists() or not output.read_text().strip():
        pytest.skip(f"c7n-left could not run here: {proc.stderr[-2000:]}")
    return proc.returncode, output.read_text()


def test_iac_policies_validate():
    proc = c7n_left("validate", "-p", str(IAC_POLICIES))
    assert proc.returncode == 0, proc.stderr


def test_pack_terraform_passes_its_own_iac_policies(tmp_path):
    """c7n-left over the example root (which calls every module): zero violations,
    and every IaC policy really evaluated some of the modules' resources."""
    code, summary = left_run(EXAMPLE, tmp_path / "summary.txt", fmt="cli")
    assert "failed" not in summary, summary
    assert code == 0, summary
    passed = dict(re.findall(r"(iac-[a-z0-9-]+)\W+(\d+) passed", summary))
    assert set(passed) == {p["name"] for p in iac_policies()}, summary
    assert all(int(n) >= 1 for n in passed.values()), summary


def test_iac_policies_catch_violations(tmp_path):
    """Each IaC policy flags a bad resource and passes a good one."""
    source = tmp_path / "tf"
    source.mkdir()
    (source / "main.tf").write_text(textwrap.dedent("""\
        resource "aws_s3_bucket" "bad" {
          bucket = "bad"
        }
        resource "aws_s3_bucket_public_access_block" "bad" {
          bucket                  = aws_s3_bucket.bad.id
          block_public_acls       = true
          block_public_policy     = false
          ignore_public_acls      = true
          restrict_public_buckets = true
        }
        resource "aws_s3_bucket" "good" {
          bucket = "good"
        }
        resource "aws_s3_bucket_public_access_block" "good" {
          bucket                  = aws_s3_bucket.good.id
          block_public_acls       = true
          block_public_policy     = true
          ignore_public_acls      = true
          restrict_public_buckets = true
        }
        resource "aws_s3_bucket_server_side_encryption_configuration" "good" {
          bucket = aws_s3_bucket.good.id
          rule {
            apply_server_side_encryption_by_default {
              sse_algorithm = "aws:kms"
            }
          }
        }
        resource "aws_sqs_queue" "bad" {
          name = "bad"
        }
        resource "aws_sns_topic" "bad" {
          name = "bad"
        }
        resource "aws_kms_key" "bad" {
          description = "no rotation"
        }
        """))
    code, report = left_run(source, tmp_path / "report.json")
    found = {(r["policy"]["name"], r["resource"]["__tfmeta"]["path"])
             for r in json.loads(report)["results"]}
    assert code == 1
    assert found == {
        ("iac-s3-bucket-public-access-block", "aws_s3_bucket.bad"),
        ("iac-s3-bucket-encrypted", "aws_s3_bucket.bad"),
        ("iac-sqs-queue-kms-encrypted", "aws_sqs_queue.bad"),
        ("iac-sns-topic-kms-encrypted", "aws_sns_topic.bad"),
        ("iac-kms-key-rotation-enabled", "aws_kms_key.bad"),
    }
    assert {name for name, _ in found} == {p["name"] for p in iac_policies()}


def test_audit_key_admits_every_trail_of_the_account():
    """The CloudTrail.2 remediation encrypts any trail of the account with the audit key,
    so CloudTrail may use it for every trail here (and no other account's)."""
    doc = module_doc(MODULES / "security-baseline")
    key = next(b for t, n, b in labelled(doc, "data")
               if t == "aws_iam_policy_document" and n == "audit_key")
    trails = locals_of(doc)["account_trails_arn"]
    assert trails == "arn:${local.partition}:cloudtrail:*:${local.account_id}:trail/*"
    by_sid = {s["sid"]: s for s in statements(key)}
    for sid in ("CloudTrailEncryptLogs", "CloudTrailDescribeKey"):
        conditions = {c["variable"]: c for c in by_sid[sid]["condition"]}
        source = conditions["aws:SourceArn"]
        assert source["test"] == "StringLike"
        assert source["values"] == ["${local.account_trails_arn}"]
    context = {c["variable"]: c for c in by_sid["CloudTrailEncryptLogs"]["condition"]}[
        "kms:EncryptionContext:aws:cloudtrail:arn"]
    assert context["values"] == ["${local.account_trails_arn}"]
