"""An EC2 behaviour moto 5.2 gets wrong, corrected in the emulator only.

In AWS an instance's security groups are its primary interface's: changing the
interface's groups (``ModifyNetworkInterfaceAttribute``) changes what
``DescribeInstances`` shows and what filters the traffic. moto keeps the groups
given at launch beside the interface's and reports their union, so an instance
moved into a quarantine group would still show its old groups. The emulator
moves the instance's groups with its primary interface's.
"""

from __future__ import annotations


def install() -> None:
    from moto.ec2.models.elastic_network_interfaces import NetworkInterfaceBackend

    original = NetworkInterfaceBackend.modify_network_interface_attribute

    def modify_network_interface_attribute(self, eni_id, group_ids, *args, **kwargs):
        original(self, eni_id, group_ids, *args, **kwargs)
        eni = self.get_network_interface(eni_id)
        if group_ids and eni.instance is not None and eni.device_index == 0:
            eni.instance.security_groups = list(eni._group_set)

    NetworkInterfaceBackend.modify_network_interface_attribute = (
        modify_network_interface_attribute)
