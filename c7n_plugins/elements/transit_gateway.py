"""``set-transit-gateway-options``: restrict what a transit gateway accepts.

Custodian's ``aws.transit-gateway`` has filters but no action that changes a
gateway's options (only the universal tag actions), so FSBP EC2.23 (do not
auto-accept shared attachments) could only be reported. ``ModifyTransitGateway``
turns the option off without touching existing attachments or routes: traffic
keeps flowing, and new attachment requests wait for an owner to accept them.
"""

from __future__ import annotations

from c7n.actions import Action
from c7n.exceptions import PolicyValidationError
from c7n.utils import local_session, type_schema

from c7n_plugins import registry

OPTIONS = {
    "auto-accept-shared-attachments": "AutoAcceptSharedAttachments",
    "default-route-table-association": "DefaultRouteTableAssociation",
    "default-route-table-propagation": "DefaultRouteTablePropagation",
}


@registry.action("set-transit-gateway-options", ("aws.transit-gateway",))
class SetTransitGatewayOptions(Action):
    """Set a transit gateway's accept and route-table options.

    Each option is ``enable`` or ``disable``; only those given are changed.
    ``ModifyTransitGateway`` takes one gateway per call, so each gateway costs
    one call.

    :example:

    .. code-block:: yaml

        policies:
          - name: transit-gateway-no-auto-accept
            resource: aws.transit-gateway
            metadata:
              category: compliance
              severity: high
              controls: [FSBP/EC2.23]
              source: ec2-transit-gateway-auto-vpc-attach-disabled
              remediation: auto
              description: Transit gateways must not accept shared attachments unseen.
            filters:
              - Options.AutoAcceptSharedAttachments: enable
            actions:
              - type: set-transit-gateway-options
                auto-accept-shared-attachments: disable
    """

    schema = type_schema(
        "set-transit-gateway-options",
        **{key: {"enum": ["enable", "disable"]} for key in OPTIONS},
    )
    permissions = ("ec2:ModifyTransitGateway",)

    def validate(self):
        if not set(OPTIONS) & set(self.data):
            raise PolicyValidationError(
                f"set-transit-gateway-options needs at least one of {', '.join(OPTIONS)}")
        return self

    def process(self, resources):
        client = local_session(self.manager.session_factory).client("ec2")
        options = {api: self.data[key] for key, api in OPTIONS.items() if key in self.data}
        for r in resources:
            client.modify_transit_gateway(TransitGatewayId=r["TransitGatewayId"],
                                          Options=options)
