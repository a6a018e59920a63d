"""``asset-tag-violations``: resources whose classification tags break the taxonomy."""

from __future__ import annotations

from c7n.filters import Filter
from c7n.utils import local_session, type_schema

from c7n_plugins import registry
from c7n_plugins.taxonomy_status import require_taxonomy

ANNOTATION = "c7n:tag-violations"


@registry.filter("asset-tag-violations")
class AssetTagViolations(Filter):
    """Match resources missing a required classification tag or carrying a value
    the taxonomy does not allow; annotate what is wrong under ``c7n:tag-violations``.

    Custodian's ``tag:`` value filters hard-code keys and values in each policy, so
    every taxonomy change would mean editing every policy; this filter reads the
    taxonomy (SSM Parameter Store, cached per run) and applies its per-class
    requirements (``asset:data-classification`` only for storage and databases, ...)
    and its allowed values. A missing or invalid taxonomy is an error, not a clean
    result: the filter raises, so the policy fails and its findings stay as they are
    (nothing is resolved, no owner gets a false notice), and a HIGH finding says the
    taxonomy is unavailable until it is back.

    :example:

    .. code-block:: yaml

        policies:
          - name: tag-compliance-s3-example
            resource: aws.s3
            metadata:
              category: tagging
              severity: medium
              controls: [ISMS-P-2023/2.1.3]
              remediation: none
              description: S3 buckets must carry valid classification tags.
            filters:
              - type: asset-tag-violations
            actions:
              - type: mark-for-op
                op: notify
                days: 7
                tag: assetpack:tag-compliance
    """

    schema = type_schema("asset-tag-violations", **{"taxonomy-path": {"type": "string"}})
    schema_alias = False
    permissions = ("ssm:GetParameter", "securityhub:BatchImportFindings",
                   "securityhub:GetFindings", "securityhub:BatchUpdateFindings")

    def process(self, resources, event=None):
        config = self.manager.config
        # Raises TaxonomyError: the policy fails, its findings are left untouched.
        taxonomy = require_taxonomy(local_session(self.manager.session_factory),
                                    config.account_id, config.region,
                                    self.data.get("taxonomy-path"))
        rtype = f"aws.{self.manager.type}"
        matched = []
        for r in resources:
            problems = taxonomy.tag_violations(r.get("Tags"), rtype)
            if problems:
                r[ANNOTATION] = problems
                matched.append(r)
        return matched
