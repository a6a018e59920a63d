"""``auto-tag-asset``: tag a resource with its creator and classification on creation.

Custodian's ``auto-tag-user`` writes one creator tag and knows nothing of a
taxonomy; this action writes the contract-4 tags (creator, creator ARN, creation
time, invoking service, class, environment, owner, criticality, data
classification) from the CloudTrail record and the taxonomy in SSM Parameter
Store. It never overwrites an existing tag unless the taxonomy says so, and
tags resources that get identical tags in one call.

If the taxonomy is missing or invalid, the creator facts are still written under
the default keys and the classification comes from the shipped default taxonomy
(who created a resource cannot be learnt later without CloudTrail history); a
HIGH finding on the parameter says so until the taxonomy is readable again
(:mod:`c7n_plugins.taxonomy_status`).
"""

from __future__ import annotations

import logging

from c7n.actions import EventAction
from c7n.utils import local_session, type_schema

from c7n_plugins import registry
from c7n_plugins.classify import group_by_tags, resource_name, tags_for
from c7n_plugins.taxonomy import tags_to_dict
from c7n_plugins.taxonomy_status import taxonomy_or_default
from c7n_plugins.trail.events import normalise_event
from c7n_plugins.trail.stacks import stack_creators

log = logging.getLogger("assetpack.autotag")


@registry.action("auto-tag-asset")
class AutoTagAsset(EventAction):
    """Tag created (or changed) resources from the CloudTrail event and the taxonomy.

    :example:

    .. code-block:: yaml

        policies:
          - name: auto-tag-s3
            resource: aws.s3
            mode:
              type: cloudtrail
              events:
                - source: s3.amazonaws.com
                  event: CreateBucket
                  ids: requestParameters.bucketName
            metadata:
              category: tagging
              severity: informational
              remediation: none
              description: New S3 buckets get creator and classification tags.
            actions:
              - type: auto-tag-asset
    """

    schema = type_schema("auto-tag-asset", **{"taxonomy-path": {"type": "string"}})
    permissions = ("ssm:GetParameter", "securityhub:BatchImportFindings",
                   "securityhub:GetFindings", "securityhub:BatchUpdateFindings",
                   "cloudtrail:LookupEvents")

    def get_permissions(self):
        tag = self.manager.action_registry.get("tag")
        extra = tag({}, self.manager).get_permissions() if tag else ()
        return (*self.permissions, *extra)

    def process(self, resources, event=None):
        if not event:
            log.warning("auto-tag-asset needs a CloudTrail event; nothing tagged")
            return []
        record = normalise_event(event)
        config = self.manager.config
        session = local_session(self.manager.session_factory)
        taxonomy, _ = taxonomy_or_default(session, config.account_id, config.region,
                                          self.data.get("taxonomy-path"))
        rtype = f"aws.{self.manager.type}"
        stacks = stack_creators(session, config.region)
        plans = [(r, tags_for(taxonomy, rtype, resource_name(self.manager, r),
                              tags_to_dict(r.get("Tags")), record, stacks=stacks))
                 for r in resources]
        tag = self.manager.action_registry.get("tag")
        results = []
        for tags, group in group_by_tags(plans):
            tag({"tags": tags}, self.manager).process(group)
            ids = [r[self.manager.resource_type.id] for r in group]
            results.append({"resources": ids, "tags": tags})
        return results
