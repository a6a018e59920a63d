"""``set-elb-attributes``: harden a Classic Load Balancer's attributes.

Custodian's ``aws.elb`` can read a Classic Load Balancer's attributes (the
``attributes`` filter) but has no action to change them: ``enable-s3-logging``
sets access logging only, and ``modify-attributes`` exists for ``aws.app-elb``
alone. FSBP ELB.7 (connection draining), ELB.9 (cross-zone load balancing) and
ELB.14 (desync mitigation) are all one ``ModifyLoadBalancerAttributes`` call away,
so this action sets any of them, in one call per load balancer.
"""

from __future__ import annotations

from c7n.actions import Action
from c7n.exceptions import PolicyValidationError
from c7n.utils import local_session, type_schema

from c7n_plugins import registry

DESYNC_KEY = "elb.http.desyncmitigationmode"
SETTINGS = ("connection-draining-timeout", "cross-zone", "desync-mitigation-mode")


@registry.action("set-elb-attributes", ("aws.elb",))
class SetElbAttributes(Action):
    """Set connection draining, cross-zone load balancing and desync mitigation.

    ``connection-draining-timeout`` (seconds) enables connection draining with
    that timeout; ``cross-zone`` turns cross-zone load balancing on or off;
    ``desync-mitigation-mode`` is ``monitor``, ``defensive`` or ``strictest``.
    Only the settings given are changed; ``ModifyLoadBalancerAttributes`` takes
    one load balancer per call, so each one costs exactly one call.

    :example:

    .. code-block:: yaml

        policies:
          - name: clb-connection-draining-enabled
            resource: aws.elb
            metadata:
              category: compliance
              severity: medium
              controls: [FSBP/ELB.7]
              source: https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-7
              remediation: auto
              description: Classic Load Balancers must drain connections on deregistration.
            filters:
              - type: attributes
                key: ConnectionDraining.Enabled
                value: false
            actions:
              - type: set-elb-attributes
                connection-draining-timeout: 300
                cross-zone: true
                desync-mitigation-mode: defensive
    """

    schema = type_schema(
        "set-elb-attributes",
        **{"connection-draining-timeout": {"type": "integer", "minimum": 1, "maximum": 3600},
           "cross-zone": {"type": "boolean"},
           "desync-mitigation-mode": {"enum": ["monitor", "defensive", "strictest"]}},
    )
    permissions = ("elasticloadbalancing:ModifyLoadBalancerAttributes",)

    def validate(self):
        if not set(SETTINGS) & set(self.data):
            raise PolicyValidationError(
                f"set-elb-attributes needs at least one of {', '.join(SETTINGS)} "
                f"on {self.manager.data.get('name')}")
        return self

    def attributes(self) -> dict:
        attrs: dict = {}
        if "connection-draining-timeout" in self.data:
            attrs["ConnectionDraining"] = {
                "Enabled": True, "Timeout": self.data["connection-draining-timeout"]}
        if "cross-zone" in self.data:
            attrs["CrossZoneLoadBalancing"] = {"Enabled": self.data["cross-zone"]}
        if "desync-mitigation-mode" in self.data:
            attrs["AdditionalAttributes"] = [
                {"Key": DESYNC_KEY, "Value": self.data["desync-mitigation-mode"]}]
        return attrs

    def process(self, resources):
        client = local_session(self.manager.session_factory).client("elb")
        attrs = self.attributes()
        for r in resources:
            client.modify_load_balancer_attributes(
                LoadBalancerName=r["LoadBalancerName"], LoadBalancerAttributes=attrs)
            # Later filters and actions of the run see the new state, not the cached one.
            r.pop("Attributes", None)
