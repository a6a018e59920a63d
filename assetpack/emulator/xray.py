"""X-Ray sampling rules, which moto 5.2 lacks, added to the emulator process only.

Every AWS Region has X-Ray's own ``Default`` rule; ``CreateSamplingRule`` adds
one (as ``terraform/modules/reporting`` does) and ``GetSamplingRules`` lists them,
so the ``telemetry-backends`` check reads what it reads in AWS.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime


def _default(region: str, account: str) -> dict:
    return {"RuleName": "Default", "Priority": 10000, "FixedRate": 0.05, "ReservoirSize": 1,
            "RuleARN": f"arn:aws:xray:{region}:{account}:sampling-rule/Default",
            "ServiceName": "*", "ServiceType": "*", "Host": "*", "HTTPMethod": "*",
            "URLPath": "*", "ResourceARN": "*", "Version": 1, "Attributes": {}}


def install() -> None:
    from moto.xray import urls
    from moto.xray.responses import XRayResponse

    def rules(self) -> dict:
        backend = self.xray_backend
        if not hasattr(backend, "assetpack_rules"):
            backend.assetpack_rules = {"Default": (_default(self.region, self.current_account),
                                                   datetime.now(UTC).timestamp())}
        return backend.assetpack_rules

    def record(rule: dict, created: float) -> dict:
        return {"SamplingRule": rule, "CreatedAt": created, "ModifiedAt": created}

    def get_sampling_rules(self) -> str:
        return json.dumps({"SamplingRuleRecords": [record(r, t) for r, t in rules(self).values()]})

    def create_sampling_rule(self) -> str:
        rule = dict(self._get_param("SamplingRule") or {})
        name = rule.get("RuleName", "")
        rule.setdefault("RuleARN", f"arn:aws:xray:{self.region}:{self.current_account}:"
                        f"sampling-rule/{name}")
        created = datetime.now(UTC).timestamp()
        rules(self)[name] = (rule, created)
        return json.dumps({"SamplingRuleRecord": record(rule, created)})

    XRayResponse.get_sampling_rules = get_sampling_rules
    XRayResponse.create_sampling_rule = create_sampling_rule
    urls.url_paths.setdefault("{0}/GetSamplingRules$", XRayResponse.dispatch)
    urls.url_paths.setdefault("{0}/CreateSamplingRule$", XRayResponse.dispatch)
