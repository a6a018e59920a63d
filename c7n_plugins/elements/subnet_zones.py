"""``subnet-zones``: how many Availability Zones a VPC-attached resource spans."""

from __future__ import annotations

from c7n.filters import Filter
from c7n.utils import chunks, local_session, type_schema

from c7n_plugins import registry


@registry.filter("subnet-zones", ("aws.lambda",))
class SubnetZones(Filter):
    """VPC-attached functions whose subnets span fewer than ``min`` Availability Zones.

    Custodian's ``subnet`` filter matches on the attributes of each subnet, one at
    a time, so it cannot count the distinct zones of a function's subnets (FSBP
    Lambda.5). Functions outside a VPC never match. Subnets are described in
    batches of 200 for all functions at once; ``c7n:SubnetZones`` is annotated.

    :example:

    .. code-block:: yaml

        policies:
          - name: lambda-vpc-multi-az-example
            resource: aws.lambda
            metadata:
              category: compliance
              severity: medium
              controls: [FSBP/Lambda.5]
              source: lambda-vpc-multi-az-check
              remediation: manual
              description: VPC Lambda functions should operate in multiple Availability Zones.
            filters:
              - type: subnet-zones
                min: 2
    """

    schema = type_schema("subnet-zones", min={"type": "integer", "minimum": 1})
    permissions = ("ec2:DescribeSubnets",)

    def process(self, resources, event=None):
        wanted = self.data.get("min", 2)
        attached = [r for r in resources if (r.get("VpcConfig") or {}).get("SubnetIds")]
        ids = sorted({s for r in attached for s in r["VpcConfig"]["SubnetIds"]})
        client = local_session(self.manager.session_factory).client("ec2")
        zone_of: dict[str, str] = {}
        for batch in chunks(ids, 200):
            for subnet in client.describe_subnets(SubnetIds=batch)["Subnets"]:
                zone_of[subnet["SubnetId"]] = subnet["AvailabilityZone"]
        matched = []
        for r in attached:
            zones = sorted({zone_of[s] for s in r["VpcConfig"]["SubnetIds"] if s in zone_of})
            r["c7n:SubnetZones"] = zones
            if len(zones) < wanted:
                matched.append(r)
        return matched
