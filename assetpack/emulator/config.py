"""AWS Config evaluations, which moto 5.2 accepts only in test mode.

A Config-rule Lambda reports each resource's compliance with ``PutEvaluations``
and the rule's result token. moto raises for anything but ``TestMode``; the
emulator keeps the latest evaluation per (rule, resource) and answers
``GetComplianceDetailsByResource`` from them. In AWS the token is opaque and
names the rule's invocation; here the token *is* the rule's name, so tests pass
the rule name as ``resultToken``.

``DescribeConfigRules`` for a named rule that does not exist raises
``NoSuchConfigRuleException`` in AWS; moto returns an empty list while the account
has no rule at all, which Custodian's provisioning (``c7n.mu.ConfigRule.get``) does
not expect.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

COMPLIANCE_TYPES = ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA")
# (account, region) -> {(rule, resource type, resource id): evaluation}
_EVALUATIONS: dict[tuple[str, str], dict[tuple[str, str, str], dict]] = {}


def _when(value) -> str:
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC).isoformat()
    return str(value or datetime.now(UTC).isoformat())


def install() -> None:
    from moto.config.responses import ConfigResponse

    original = ConfigResponse.put_evaluations

    def put_evaluations(self) -> str:
        if self._get_param("TestMode"):
            return original(self)
        evaluations = self._get_param("Evaluations") or []
        token = self._get_param("ResultToken")
        if not evaluations or not token:
            return original(self)  # moto's own errors for the missing parameters
        for ev in evaluations:
            if ev.get("ComplianceType") not in COMPLIANCE_TYPES:
                from moto.config.exceptions import InvalidParameterValueException

                raise InvalidParameterValueException(
                    f"ComplianceType {ev.get('ComplianceType')!r} is not valid.")
        store = _EVALUATIONS.setdefault((self.current_account, self.region), {})
        now = datetime.now(UTC).isoformat()
        for ev in evaluations:
            key = (token, ev["ComplianceResourceType"], ev["ComplianceResourceId"])
            store[key] = {
                "EvaluationResultIdentifier": {
                    "EvaluationResultQualifier": {
                        "ConfigRuleName": token,
                        "ResourceType": ev["ComplianceResourceType"],
                        "ResourceId": ev["ComplianceResourceId"]},
                    "OrderingTimestamp": _when(ev.get("OrderingTimestamp"))},
                "ComplianceType": ev["ComplianceType"],
                "ResultRecordedTime": now, "ConfigRuleInvokedTime": now,
                **({"Annotation": ev["Annotation"]} if ev.get("Annotation") else {})}
        return json.dumps({"FailedEvaluations": []})

    def get_compliance_details_by_resource(self) -> str:
        rtype, rid = self._get_param("ResourceType"), self._get_param("ResourceId")
        store = _EVALUATIONS.get((self.current_account, self.region), {})
        results = [ev for (_, t, i), ev in store.items() if (t, i) == (rtype, rid)]
        return json.dumps({"EvaluationResults": results})

    ConfigResponse.put_evaluations = put_evaluations
    _missing_rules_raise()
    ConfigResponse.get_compliance_details_by_resource = get_compliance_details_by_resource


def _missing_rules_raise() -> None:
    from moto.config.exceptions import NoSuchConfigRuleException
    from moto.config.models import ConfigBackend

    original = ConfigBackend.describe_config_rules

    def describe_config_rules(self, config_rule_names, next_token):
        for name in config_rule_names or ():
            if name not in self.config_rules:
                raise NoSuchConfigRuleException(name)
        return original(self, config_rule_names, next_token)

    ConfigBackend.describe_config_rules = describe_config_rules
