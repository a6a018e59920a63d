"""The deployed form of a policy: its archive carries and loads the plugins."""

from __future__ import annotations

import json
import zipfile

from c7n.config import Config
from c7n.mu import PolicyLambda
from c7n.policy import PolicyCollection

import c7n_plugins
from assetpack import pack

EVENT_POLICY = {
    "name": "s3-public-block-on-create",
    "resource": "aws.s3",
    "mode": {"type": "cloudtrail", "events": ["CreateBucket"]},
    "metadata": {"category": "compliance", "severity": "high", "controls": ["FSBP/S3.8"],
                 "remediation": "auto", "description": "Block public access on creation."},
    "filters": [{"type": "check-public-block"}],
    "actions": [{"type": "set-public-block"}],
}


def _lambda(data: dict) -> PolicyLambda:
    c7n_plugins.load()
    from c7n.resources import load_resources
    load_resources(("aws.s3",))
    config = Config.empty(region="us-east-1", account_id="123456789012")
    policy = next(iter(PolicyCollection.from_data({"policies": [data]}, config)))
    policy.validate()
    return PolicyLambda(policy)


def test_deploy_form_adds_packaging_and_finding_action():
    data = pack.deploy_form(EVENT_POLICY)
    assert data["mode"]["packages"] == ["c7n_plugins", "fastjsonschema"]
    assert data["mode"]["handler"] == "c7n_plugins.handler.run"
    assert [a["type"] for a in data["actions"]] == ["asset-remediate", "post-control-finding"]
    assert "packages" not in EVENT_POLICY["mode"]  # the definition is left alone


def test_archive_contains_plugins_and_handler_points_at_them():
    fn = _lambda(pack.deploy_form(EVENT_POLICY))
    assert fn.handler == "c7n_plugins.handler.run"
    archive = fn.get_archive()
    names = set(archive.get_filenames())
    assert "c7n_plugins/handler.py" in names
    assert "c7n_plugins/elements/remediate.py" in names
    assert "c7n/handler.py" in names
    with zipfile.ZipFile(archive.path) as zf:
        config = json.loads(zf.read("config.json"))
    actions = config["policies"][0]["actions"]
    assert actions[-1]["type"] == "post-control-finding"


def test_handler_module_registers_plugins_before_dispatch():
    import importlib

    from c7n.resources.aws import AWS
    handler = importlib.import_module("c7n_plugins.handler")
    from c7n.resources import load_resources
    load_resources(("aws.sqs",))
    assert AWS.resources["sqs"].action_registry.get("post-control-finding")
    assert callable(handler.run)
