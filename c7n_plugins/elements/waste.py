"""``monthly-waste``: what an idle or forgotten resource costs per month.

Custodian's filters find unattached volumes, unused addresses or stopped
instances, but say nothing of what they cost. This filter annotates each
resource with an estimate (``c7n:monthly-waste-usd``), computed from a small,
dated price table kept as data (``c7n_plugins/data/prices.json``: list prices of
one region, ``as_of`` says when), so the findings and the daily report can total
the waste. Estimates, not bills: snapshots are priced at their full volume size
(an upper bound: EBS snapshots are incremental), and data transfer is left out.

Put it after the filters that decide a resource is waste; ``min`` drops the
resources whose estimate is smaller.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

from c7n.filters import Filter
from c7n.utils import chunks, local_session, type_schema

from c7n_plugins import registry
from c7n_plugins.findings import MONTHLY_COST

GIB = 1024 ** 3
TYPES = ("aws.ebs", "aws.ebs-snapshot", "aws.elastic-ip", "aws.app-elb", "aws.elb",
         "aws.ec2", "aws.log-group", "aws.ecr-image")


@cache
def prices() -> dict:
    return json.loads(files("c7n_plugins.data").joinpath("prices.json").read_text())


def volume_cost(volume: dict, table: dict | None = None) -> float:
    """Storage (and provisioned IOPS for io1/io2) of one EBS volume, per month."""
    table = table or prices()
    kind = volume.get("VolumeType", "gp2")
    storage = volume.get("Size", 0) * table["ebs_gb_month"].get(kind, table["ebs_gb_month"]["gp2"])
    iops = volume.get("Iops", 0) * table["ebs_piops_month"].get(kind, 0)
    return storage + iops


def estimate(resource_type: str, r: dict, table: dict | None = None) -> float:
    """The monthly cost of one resource of ``resource_type`` (volumes of instances excepted:
    :class:`MonthlyWaste` reads those)."""
    table = table or prices()
    hours = table["hours_per_month"]
    if resource_type == "aws.ebs":
        return volume_cost(r, table)
    if resource_type == "aws.ebs-snapshot":
        return r.get("VolumeSize", 0) * table["ebs_snapshot_gb_month"]
    if resource_type == "aws.elastic-ip":
        return table["public_ipv4_hour"] * hours
    if resource_type == "aws.app-elb":
        rates = table["load_balancer_hour"]
        return rates.get(r.get("Type", "application"), rates["application"]) * hours
    if resource_type == "aws.elb":
        return table["load_balancer_hour"]["classic"] * hours
    if resource_type == "aws.log-group":
        return r.get("storedBytes", 0) / GIB * table["logs_stored_gb_month"]
    if resource_type == "aws.ecr-image":
        return r.get("imageSizeInBytes", 0) / GIB * table["ecr_gb_month"]
    raise ValueError(f"no price for {resource_type}")


@registry.filter("monthly-waste", TYPES)
class MonthlyWaste(Filter):
    """Annotate the estimated monthly cost of each resource; keep those costing ``min`` or more.

    For EC2 instances the estimate is the storage of their attached EBS volumes (a
    stopped instance costs nothing else), read with one ``DescribeVolumes`` per 200
    instances.

    :example:

    .. code-block:: yaml

        policies:
          - name: ebs-volume-unattached
            resource: aws.ebs
            metadata:
              category: cost
              severity: low
              remediation: none
              description: EBS volumes attached to nothing still cost their storage.
            filters:
              - State: available
              - type: monthly-waste
                min: 0.01
    """

    schema = type_schema("monthly-waste", min={"type": "number", "minimum": 0})
    # Only instances need a call (their volumes); the other types are priced from
    # what Custodian already fetched.
    permissions = ("ec2:DescribeVolumes",)

    def process(self, resources, event=None):
        rtype = f"aws.{self.manager.type}"
        if rtype == "aws.ec2":
            costs = self._instance_volumes(resources)
            for r in resources:
                r[MONTHLY_COST] = round(costs.get(r["InstanceId"], 0.0), 2)
        else:
            for r in resources:
                r[MONTHLY_COST] = round(estimate(rtype, r), 2)
        floor = self.data.get("min", 0)
        return [r for r in resources if r[MONTHLY_COST] >= floor]

    def _instance_volumes(self, resources) -> dict[str, float]:
        client = local_session(self.manager.session_factory).client("ec2")
        costs: dict[str, float] = {}
        for group in chunks([r["InstanceId"] for r in resources], 200):
            paginator = client.get_paginator("describe_volumes")
            for page in paginator.paginate(Filters=[{"Name": "attachment.instance-id",
                                                     "Values": group}]):
                for v in page["Volumes"]:
                    for a in v.get("Attachments", []):
                        costs[a["InstanceId"]] = costs.get(a["InstanceId"], 0.0) + volume_cost(v)
        return costs
