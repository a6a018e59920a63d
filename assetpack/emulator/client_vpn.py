"""EC2's ``DescribeClientVpnEndpoints``, which moto 5.2 lacks (500), added to the
emulator only: the demo estate has no Client VPN, so the emulator answers what AWS
answers for such an account, no endpoints.
"""

from __future__ import annotations


def install() -> None:
    from moto.core.responses import ActionResult
    from moto.ec2.responses import EC2Response

    def describe_client_vpn_endpoints(self) -> ActionResult:
        return ActionResult({"ClientVpnEndpoints": []})

    EC2Response.describe_client_vpn_endpoints = describe_client_vpn_endpoints
