"""``latest-revision``: keep only the newest active revision of each task definition family."""

from __future__ import annotations

from c7n.filters import Filter
from c7n.utils import type_schema

from c7n_plugins import registry


@registry.filter("latest-revision", ("aws.ecs-task-definition",))
class LatestRevision(Filter):
    """Task definitions that are the latest active revision of their family.

    The ECS controls (ECS.1, ECS.3 to ECS.5, ECS.8, ECS.9) judge the latest active
    revision: older active revisions are history a fix does not rewrite. Custodian
    lists every active revision and has no filter for this. Put it first; it reads
    only what Custodian listed.

    :example:

    .. code-block:: yaml

        policies:
          - name: ecs-container-not-privileged
            resource: aws.ecs-task-definition
            metadata:
              category: compliance
              severity: high
              controls: [FSBP/ECS.4]
              source: ecs-containers-nonprivileged
              remediation: manual
              description: ECS containers should run as non-privileged.
            filters:
              - type: latest-revision
              - type: value
                key: "containerDefinitions[?privileged]"
                value: not-null
    """

    schema = type_schema("latest-revision")
    permissions = ("ecs:DescribeTaskDefinition",)

    def process(self, resources, event=None):
        latest: dict[str, dict] = {}
        for r in resources:
            if r.get("status", "ACTIVE") != "ACTIVE":
                continue
            family = r["family"]
            if family not in latest or r["revision"] > latest[family]["revision"]:
                latest[family] = r
        keep = {id(r) for r in latest.values()}
        return [r for r in resources if id(r) in keep]
