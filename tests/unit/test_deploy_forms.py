"""Every policy's deploy form is a policy Custodian accepts, in the mode it deploys in."""

from __future__ import annotations

import pytest
from c7n.config import Config
from c7n.policy import Policy
from c7n.resources import load_resources

import c7n_plugins
from assetpack import pack

c7n_plugins.load()
POLICIES = pack.load(validate=False)
load_resources({p.data["resource"] for p in POLICIES})
CONFIG = Config.empty(region="us-east-1", account_id="123456789012")


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_deploy_form_validates(policy):
    form = pack.deploy_form(policy.data)
    assert form["mode"]["type"] in pack.LAMBDA_MODES
    Policy(form, CONFIG).validate()


def test_config_rule_on_a_type_config_does_not_record_falls_back_to_periodic():
    """aws.launch-template-version has no AWS Config type: a config-rule deploy of it
    would be rejected, so it deploys as a daily periodic policy instead."""
    data = {"name": "lt-check", "resource": "aws.launch-template-version",
            "metadata": {"category": "compliance", "severity": "high", "remediation": "manual",
                         "controls": ["FSBP/EC2.25"], "description": "x",
                         "deploy": "config-rule"}}
    form = pack.deploy_form(data)
    assert form["mode"]["type"] == "periodic"
    assert form["mode"]["schedule"] == "rate(1 day)"
    Policy(form, CONFIG).validate()
    recorded = dict(data, name="sg-check", resource="aws.security-group")
    assert pack.deploy_form(recorded)["mode"]["type"] == "config-rule"
