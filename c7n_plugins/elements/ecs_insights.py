"""``set-container-insights``: turn on Container Insights for ECS clusters (FSBP ECS.12)."""

from __future__ import annotations

from c7n.actions import Action
from c7n.utils import local_session, type_schema

from c7n_plugins import registry


@registry.action("set-container-insights", ("aws.ecs",))
class SetContainerInsights(Action):
    """Set a cluster's ``containerInsights`` setting (``enabled`` or ``enhanced``).

    Custodian has no action that changes an ECS cluster's settings (``aws.ecs``
    offers only tagging and generic actions). This calls ``UpdateCluster`` with
    ``settings``, which changes nothing else on the cluster and stops no task. ECS
    has no batch form of the call, so it is one call per cluster.

    :example:

    .. code-block:: yaml

        policies:
          - name: ecs-cluster-container-insights
            resource: aws.ecs
            metadata:
              category: compliance
              severity: medium
              controls: [FSBP/ECS.12]
              source: ecs-container-insights-enabled
              remediation: auto
              description: ECS clusters should have Container Insights enabled.
            filters:
              - type: value
                key: "settings[?name=='containerInsights'].value | [0]"
                op: not-in
                value: [enabled, enhanced]
            actions:
              - type: set-container-insights
                value: enabled
    """

    schema = type_schema("set-container-insights", value={"enum": ["enabled", "enhanced"]})
    permissions = ("ecs:UpdateCluster",)

    def process(self, resources):
        client = local_session(self.manager.session_factory).client("ecs")
        value = self.data.get("value", "enabled")
        for r in resources:
            client.update_cluster(cluster=r["clusterArn"],
                                  settings=[{"name": "containerInsights", "value": value}])
