"""``telemetry-backends``: does the Region have the backends the collectors send to.

The estate's ADOT collector sidecars remote-write metrics to an Amazon Managed
Prometheus workspace and send traces to X-Ray under the pack's sampling rule
(both created by ``terraform/modules/reporting``). Custodian has no AMP resource
and its ``aws.xray-rule`` resource cannot say that a rule is *missing*, so this
account filter looks both up (one ``ListWorkspaces`` by alias, one paginated
``GetSamplingRules``) and matches the account when either is absent.
"""

from __future__ import annotations

from c7n.filters import Filter
from c7n.utils import local_session, type_schema

from c7n_plugins import registry

ANNOTATION = "c7n:MissingTelemetry"


@registry.filter("telemetry-backends", ("aws.account",))
class TelemetryBackends(Filter):
    """Match accounts whose Region lacks the active AMP workspace ``workspace-alias``
    or the X-Ray sampling rule ``sampling-rule``; what is missing is annotated as
    ``c7n:MissingTelemetry``.

    :example:

    .. code-block:: yaml

        policies:
          - name: observability-backends-present
            resource: aws.account
            metadata:
              category: observability
              severity: medium
              remediation: manual
              description: The collectors' AMP workspace and X-Ray sampling rule exist.
            filters:
              - type: telemetry-backends
                workspace-alias: assetpack
                sampling-rule: assetpack-default
    """

    schema = type_schema("telemetry-backends", **{
        "workspace-alias": {"type": "string"}, "sampling-rule": {"type": "string"}})
    permissions = ("aps:ListWorkspaces", "xray:GetSamplingRules")

    def _missing(self) -> list[str]:
        session = local_session(self.manager.session_factory)
        region = self.manager.config.region
        alias = self.data.get("workspace-alias", "assetpack")
        rule = self.data.get("sampling-rule", "assetpack-default")
        missing = []
        workspaces = session.client("amp", region_name=region).list_workspaces(
            alias=alias).get("workspaces", [])
        if not any(w.get("alias") == alias and w.get("status", {}).get("statusCode") == "ACTIVE"
                   for w in workspaces):
            missing.append(f"AMP workspace {alias}")
        names = set()
        paginator = session.client("xray", region_name=region).get_paginator(
            "get_sampling_rules")
        for page in paginator.paginate():
            names.update(r["SamplingRule"].get("RuleName") for r in page["SamplingRuleRecords"])
        if rule not in names:
            missing.append(f"X-Ray sampling rule {rule}")
        return missing

    def process(self, resources, event=None):
        missing = self._missing()
        for r in resources:
            r[ANNOTATION] = missing
        return resources if missing else []
