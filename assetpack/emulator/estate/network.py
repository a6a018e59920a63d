"""The legacy system's network: one VPC, public and private subnets in two zones.

Other parts read ``estate.shared["vpc_id"]``, ``["public_subnets"]`` and
``["private_subnets"]``.
"""

from __future__ import annotations

from assetpack.emulator.estate import tag_list

ORDER = 0


def build(estate) -> None:
    ec2 = estate.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16", TagSpecifications=[{
        "ResourceType": "vpc", "Tags": tag_list({"Name": "legacy-prod-vpc",
                                                 "asset:environment": "prod"})}])["Vpc"]
    subnets: dict[str, list[str]] = {"public": [], "private": []}
    for n, (tier, zone) in enumerate([("public", "a"), ("public", "b"),
                                      ("private", "a"), ("private", "b")]):
        subnet = ec2.create_subnet(
            VpcId=vpc["VpcId"], CidrBlock=f"10.20.{n}.0/24",
            AvailabilityZone=f"{estate.region}{zone}",
            TagSpecifications=[{"ResourceType": "subnet", "Tags": tag_list(
                {"Name": f"legacy-prod-{tier}-{zone}", "tier": tier})}])["Subnet"]
        subnets[tier].append(subnet["SubnetId"])
    estate.shared.update(vpc_id=vpc["VpcId"], public_subnets=subnets["public"],
                         private_subnets=subnets["private"])
    estate.created += 5
