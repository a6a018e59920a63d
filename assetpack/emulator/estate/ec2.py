"""EC2 and VPC: the legacy system's instances, volumes, security groups and ACLs.

Beside the production VPC (``network``) stands a small management VPC that is
built the way the checks want (flow logs on, default security group closed), as
the twin of the production one.
"""

from __future__ import annotations

import json

from assetpack.emulator.estate import tag_list

ORDER = 10
CRITICAL = {"asset:criticality": "critical"}
WORLD4 = [{"CidrIp": "0.0.0.0/0"}]
WORLD6 = [{"CidrIpv6": "::/0"}]


def _tags(kind: str, name: str, extra: dict | None = None) -> list[dict]:
    return [{"ResourceType": kind, "Tags": tag_list({"Name": name, **(extra or {})})}]


def _default_sg(ec2, vpc_id: str) -> dict:
    return ec2.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [vpc_id]},
        {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]


def _sg(ec2, vpc_id: str, name: str, rules: list[dict], tags: dict | None = None) -> str:
    gid = ec2.create_security_group(
        GroupName=name, Description=name, VpcId=vpc_id,
        TagSpecifications=_tags("security-group", name, tags))["GroupId"]
    if rules:
        ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=rules)
    return gid


def _tcp(port: int, ranges: list[dict] | None = None, ranges6: list[dict] | None = None) -> dict:
    rule = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port}
    if ranges:
        rule["IpRanges"] = ranges
    if ranges6:
        rule["Ipv6Ranges"] = ranges6
    return rule


def _networks(estate, ec2) -> None:
    """The management VPC (the compliant twin), flow logs and the default groups."""
    prod = estate.shared["vpc_id"]
    mgmt = ec2.create_vpc(CidrBlock="10.30.0.0/16",
                          TagSpecifications=_tags("vpc", "legacy-mgmt-vpc"))["Vpc"]["VpcId"]
    estate.client("logs").create_log_group(logGroupName="/aws/vpc/legacy-mgmt-vpc")
    ec2.create_flow_logs(ResourceIds=[mgmt], ResourceType="VPC", TrafficType="ALL",
                         LogGroupName="/aws/vpc/legacy-mgmt-vpc",
                         DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/vpc-flow-logs")
    closed = _default_sg(ec2, mgmt)
    if closed["IpPermissions"]:
        ec2.revoke_security_group_ingress(GroupId=closed["GroupId"],
                                          IpPermissions=closed["IpPermissions"])
    if closed["IpPermissionsEgress"]:
        ec2.revoke_security_group_egress(GroupId=closed["GroupId"],
                                         IpPermissions=closed["IpPermissionsEgress"])
    # The role the flow-log remediation delivers with (Terraform creates it in real accounts).
    estate.client("iam").create_role(
        RoleName="assetpack-vpc-flow-logs", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}}]}))
    # The payment partner's VPC, critical: found without flow logs, left to its owner.
    partner = ec2.create_vpc(CidrBlock="10.40.0.0/16", TagSpecifications=_tags(
        "vpc", "legacy-partner-vpc", CRITICAL))["Vpc"]["VpcId"]
    estate.expect("vpc-flow-logs-enabled", violating=[prod], compliant=[mgmt],
                  protected=[partner])
    estate.expect("vpc-default-security-group-closed",
                  violating=[_default_sg(ec2, prod)["GroupId"]], compliant=[closed["GroupId"]])

    # Subnets: the first public subnet hands out public addresses, as it was set up in 2015.
    auto_ip, plain = estate.shared["public_subnets"]
    ec2.modify_subnet_attribute(SubnetId=auto_ip, MapPublicIpOnLaunch={"Value": True})
    estate.expect("subnet-no-auto-public-ip", violating=[auto_ip], compliant=[plain])

    # Network ACLs: an old admin ACL (unused, SSH from anywhere) and the private tier's ACL.
    old = ec2.create_network_acl(VpcId=prod, TagSpecifications=_tags(
        "network-acl", "legacy-old-admin-nacl"))["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(NetworkAclId=old, RuleNumber=100, Protocol="6",
                                 RuleAction="allow", Egress=False, CidrBlock="0.0.0.0/0",
                                 PortRange={"From": 22, "To": 22})
    private = ec2.create_network_acl(VpcId=prod, TagSpecifications=_tags(
        "network-acl", "legacy-private-nacl"))["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(NetworkAclId=private, RuleNumber=100, Protocol="6",
                                 RuleAction="allow", Egress=False, CidrBlock="10.20.0.0/16",
                                 PortRange={"From": 443, "To": 443})
    subnet = estate.shared["private_subnets"][0]
    assoc = ec2.describe_network_acls(Filters=[
        {"Name": "association.subnet-id", "Values": [subnet]}])["NetworkAcls"][0]
    assoc_id = next(a["NetworkAclAssociationId"] for a in assoc["Associations"]
                    if a["SubnetId"] == subnet)
    ec2.replace_network_acl_association(AssociationId=assoc_id, NetworkAclId=private)
    estate.expect("network-acl-unused", violating=[old], compliant=[private])
    estate.expect("network-acl-no-public-admin-ports", violating=[old], compliant=[private])

    # Transit gateways: the old hub accepts any shared attachment.
    # The partner hub is critical: found, left to its owner.
    tgws = [ec2.create_transit_gateway(Description=name, Options={
        "AutoAcceptSharedAttachments": accept}, TagSpecifications=_tags(
            "transit-gateway", name, tags))["TransitGateway"]["TransitGatewayId"]
        for name, accept, tags in (("legacy-hub", "enable", None),
                                   ("legacy-hub-v2", "disable", None),
                                   ("legacy-partner-hub", "enable", CRITICAL))]
    estate.expect("transit-gateway-no-auto-accept", violating=[tgws[0]], compliant=[tgws[1]],
                  protected=[tgws[2]])
    estate.created += 10


def _security_groups(estate, ec2, sfx: str) -> None:
    vpc = estate.shared["vpc_id"]
    web = _sg(ec2, vpc, f"legacy-web-sg{sfx}", [_tcp(443, WORLD4, WORLD6), _tcp(80, WORLD4)])
    ssh = _sg(ec2, vpc, f"legacy-admin-ssh-sg{sfx}", [_tcp(22, WORLD4)])
    rdp = _sg(ec2, vpc, f"legacy-admin-rdp-sg{sfx}", [_tcp(3389, None, WORLD6)])
    db = _sg(ec2, vpc, f"legacy-db-sg{sfx}", [_tcp(3306, WORLD4)])
    internal = _sg(ec2, vpc, f"legacy-app-sg{sfx}", [_tcp(8080, [{"CidrIp": "10.20.0.0/16"}])])
    bastion = _sg(ec2, vpc, f"legacy-bastion-sg{sfx}", [_tcp(22, WORLD4)], CRITICAL)
    estate.created += 6
    # Each world-open group violates one remediating check (c7n's matched-rule
    # annotations would otherwise mix between checks sharing a group).
    estate.expect("security-group-no-public-ssh", violating=[ssh], compliant=[web, rdp],
                  protected=[bastion])
    estate.expect("security-group-no-public-rdp", violating=[rdp], compliant=[web, ssh])
    estate.expect("security-group-no-public-high-risk-ports", violating=[db],
                  compliant=[web, internal])
    estate.expect("security-group-public-only-authorized-ports", violating=[db, ssh, rdp],
                  compliant=[web, internal])
    estate.shared.setdefault("web_sgs", []).append(web)


def _instances(estate, ec2, image: str, sfx: str) -> None:
    private, public = estate.shared["private_subnets"][0], estate.shared["public_subnets"][1]

    def launch(name, tokens, tags=None, **kw):
        return ec2.run_instances(
            ImageId=image, InstanceType="t3.small", MinCount=1, MaxCount=1,
            MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": "enabled"},
            TagSpecifications=_tags("instance", name, tags), **kw)["Instances"][0]

    app = launch(f"legacy-app-01{sfx}", "required", SubnetId=private)
    old = launch(f"legacy-web-01{sfx}", "optional", NetworkInterfaces=[{
        "DeviceIndex": 0, "SubnetId": public, "AssociatePublicIpAddress": True}])
    crit = launch(f"legacy-batch-01{sfx}", "optional", CRITICAL, SubnetId=private)
    app_id, old_id, crit_id = app["InstanceId"], old["InstanceId"], crit["InstanceId"]
    # The old web server got a second interface into the private tier.
    eni = ec2.create_network_interface(SubnetId=private)["NetworkInterface"]
    ec2.attach_network_interface(NetworkInterfaceId=eni["NetworkInterfaceId"],
                                 InstanceId=old_id, DeviceIndex=1)
    estate.expect("ec2-instance-imdsv2-required", violating=[old_id], compliant=[app_id],
                  protected=[crit_id])
    estate.expect("ec2-instance-no-public-ip", violating=[old_id], compliant=[app_id])
    estate.expect("ec2-instance-single-eni", violating=[old_id], compliant=[app_id])

    # Data volumes: the old one unencrypted, the new one encrypted.
    zone = app["Placement"]["AvailabilityZone"]
    plain = ec2.create_volume(AvailabilityZone=old["Placement"]["AvailabilityZone"], Size=20,
                              TagSpecifications=_tags("volume", f"legacy-web-data{sfx}"))
    sealed = ec2.create_volume(AvailabilityZone=zone, Size=20, Encrypted=True,
                               TagSpecifications=_tags("volume", f"legacy-app-data{sfx}"))
    ec2.attach_volume(VolumeId=plain["VolumeId"], InstanceId=old_id, Device="/dev/sdf")
    ec2.attach_volume(VolumeId=sealed["VolumeId"], InstanceId=app_id, Device="/dev/sdf")
    estate.expect("ebs-attached-volume-encrypted", violating=[plain["VolumeId"]],
                  compliant=[sealed["VolumeId"]])

    # Snapshots: one shared with everyone "for a migration", one private, one critical.
    snaps = {}
    for name, tags in (("shared", None), ("private", None), ("critical", CRITICAL)):
        snaps[name] = ec2.create_snapshot(
            VolumeId=sealed["VolumeId"] if name == "private" else plain["VolumeId"],
            TagSpecifications=_tags("snapshot", f"legacy-{name}-snap{sfx}", tags))["SnapshotId"]
    for name in ("shared", "critical"):
        ec2.modify_snapshot_attribute(SnapshotId=snaps[name], Attribute="createVolumePermission",
                                      OperationType="add", GroupNames=["all"])
    estate.expect("ebs-snapshot-not-public", violating=[snaps["shared"], snaps["critical"]],
                  compliant=[snaps["private"]])

    # Elastic IPs: one in use, one left over.
    used = ec2.allocate_address(Domain="vpc")
    nat_eni = ec2.create_network_interface(SubnetId=public)["NetworkInterface"]
    ec2.associate_address(AllocationId=used["AllocationId"],
                          NetworkInterfaceId=nat_eni["NetworkInterfaceId"])
    spare = ec2.allocate_address(Domain="vpc")
    estate.expect("ec2-eip-unused", violating=[spare["AllocationId"]],
                  compliant=[used["AllocationId"]])
    estate.created += 10


def _launch_templates(estate, ec2, image: str, sfx: str) -> None:
    ids = {}
    for name, public in (("public", True), ("private", False)):
        ids[name] = ec2.create_launch_template(
            LaunchTemplateName=f"legacy-{name}-lt{sfx}",
            LaunchTemplateData={"ImageId": image, "InstanceType": "t3.small",
                                "NetworkInterfaces": [{"DeviceIndex": 0,
                                                       "AssociatePublicIpAddress": public}]},
        )["LaunchTemplate"]["LaunchTemplateId"]
    estate.shared.setdefault("launch_templates", []).append(ids)
    estate.expect("ec2-launch-template-no-public-ip", violating=[ids["public"]],
                  compliant=[ids["private"]])
    estate.created += 2


def build(estate) -> None:
    ec2 = estate.client("ec2")
    # The emulator loads no sample AMIs; moto launches from any well-formed image id.
    image = estate.shared.get("image_id", "ami-0a1b2c3d4e5f60718")
    estate.shared["image_id"] = image
    _networks(estate, ec2)
    for i in estate.copies():
        sfx = estate.suffix(i)
        _security_groups(estate, ec2, sfx)
        _instances(estate, ec2, image, sfx)
        _launch_templates(estate, ec2, image, sfx)
