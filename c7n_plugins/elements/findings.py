"""``post-control-finding``: Custodian's ``post-finding`` completed for the pack.

Custodian's ``post-finding`` leaves out ``Compliance.SecurityControlId`` and
``RelatedRequirements``, tags every resource to remember its finding (one API
call per resource) and never marks a finding as passed. This action reuses its
per-resource ASFF formatting and adds the rest from the policy's metadata
(see :mod:`c7n_plugins.findings`).
"""

from __future__ import annotations

from c7n.actions import Action
from c7n.utils import local_session, type_schema

from c7n_plugins import registry
from c7n_plugins.findings import Control, FindingBuilder, FindingStore


def asff_resources(manager, resources: list[dict]) -> list[dict]:
    """ASFF ``Resources`` entries, formatted by Custodian's own per-type code."""
    formatter = manager.action_registry["post-finding"]({"types": ["x/y/z"]}, manager)
    out = []
    for r in resources:
        try:
            out.append(formatter.format_resource(r))
        except (LookupError, TypeError, ValueError, AttributeError):
            # Fall back to the generic shape for odd resources rather than drop them.
            arn = manager.get_arns([r])[0]
            out.append({"Type": "Other", "Id": arn, "Region": manager.config.region})
    return out


def build_findings(manager, control: Control, resources: list[dict]) -> list[dict]:
    builder = FindingBuilder(control, manager.config.account_id, manager.config.region)
    return [builder.build(asff, r) for asff, r in zip(asff_resources(manager, resources),
                                                      resources, strict=True)]


@registry.action("post-control-finding")
class PostControlFinding(Action):
    """Post one contract-2 finding per resource and resolve the ones now compliant.

    Used by the deployed (Lambda) form of every check; ``assetpack scan`` calls
    the same code after each policy. The control ids, severity and text come
    from the policy's ``metadata``.

    :example:

    .. code-block:: yaml

        policies:
          - name: s3-bucket-versioning-enabled
            resource: aws.s3
            metadata:
              category: compliance
              severity: low
              controls: [FSBP/S3.14]
              source: s3-bucket-versioning-enabled
              remediation: none
              description: S3 buckets should have versioning enabled.
            filters:
              - type: value
                key: Versioning.Status
                value: Enabled
                op: ne
            actions:
              - post-control-finding
    """

    schema = type_schema("post-control-finding")
    permissions = ("securityhub:BatchImportFindings",)

    def process(self, resources, event=None):
        policy = self.manager.ctx.policy
        control = Control.from_policy_data(policy.data)
        client = local_session(self.manager.session_factory).client(
            "securityhub", region_name=self.manager.config.region)
        store = FindingStore(client, self.manager.config.account_id, self.manager.config.region)
        store.import_findings(build_findings(self.manager, control, resources))
        return [store.stats]
