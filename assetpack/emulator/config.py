"""AWS Config behaviour moto 5.2 gets wrong, corrected in the emulator only.

``DescribeConfigRules`` for a named rule that does not exist raises
``NoSuchConfigRuleException`` in AWS; moto returns an empty list while the account
has no rule at all, which Custodian's provisioning (``c7n.mu.ConfigRule.get``) does
not expect.
"""

from __future__ import annotations


def install() -> None:
    from moto.config.exceptions import NoSuchConfigRuleException
    from moto.config.models import ConfigBackend

    original = ConfigBackend.describe_config_rules

    def describe_config_rules(self, config_rule_names, next_token):
        for name in config_rule_names or ():
            if name not in self.config_rules:
                raise NoSuchConfigRuleException(name)
        return original(self, config_rule_names, next_token)

    ConfigBackend.describe_config_rules = describe_config_rules
