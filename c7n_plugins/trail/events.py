"""CloudTrail events that create (or reclassify) resources, and the ids they carry.

One table drives the tagger Lambda, ``assetpack replay`` and the ``mode.events`` of
Custodian ``cloudtrail`` policies. Each row's ``ids`` is a JMESPath expression over
the bare CloudTrail record that yields the ids the Custodian resource manager's
``get_resources`` accepts, which is usually, but not always, ``resource_type.id``
(``aws.iam-policy`` takes the policy ARN; ``aws.ecs-service`` the new-format ARN).
Alternative record shapes are joined with ``||`` so each row stays one expression,
as Custodian's ``mode.events[].ids`` wants.

``kind`` is ``create`` or ``change``. Change rows are events after which the
classification may differ (a new ``Name`` tag, a function moved to other subnets).
Only create rows may set the creator tags: the principal of a change is not the
creator. A tagger reacting to tag changes also sees its own tagging calls; they add
nothing the second time, so it converges, but it should skip its own principal.

Volumes of ``RunInstances``: the record normally shows ``blockDeviceMapping: {}``
(volumes attach after the instance leaves ``pending``), so the volume row yields ids
only when the record carries them; the instance's volumes are best found by
describing the instance.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import jmespath

API_CALL = "AWS API Call via CloudTrail"


@dataclass(frozen=True)
class EventSpec:
    """One (event source, event name, Custodian resource type) and how to find the ids."""

    source: str
    event: str
    resource_type: str
    ids: str
    kind: str = "create"


def _rows(source: str, kind: str, *rows: tuple[str, str, str]) -> list[EventSpec]:
    return [EventSpec(f"{source}.amazonaws.com", e, t, ids, kind) for e, t, ids in rows]


def _ec2_tagged(prefix: str) -> str:
    return f"requestParameters.resourcesSet.items[?starts_with(resourceId, '{prefix}')].resourceId"


_INSTANCES = "responseElements.instancesSet.items[]"

EVENTS: tuple[EventSpec, ...] = tuple(
    _rows(
        "ec2", "create",
        ("RunInstances", "aws.ec2", f"{_INSTANCES}.instanceId"),
        ("RunInstances", "aws.eni", f"{_INSTANCES}.networkInterfaceSet.items[].networkInterfaceId"),
        ("RunInstances", "aws.ebs", f"{_INSTANCES}.blockDeviceMapping.items[].ebs.volumeId"),
        ("CreateVolume", "aws.ebs", "responseElements.volumeId"),
        ("CreateSnapshot", "aws.ebs-snapshot", "responseElements.snapshotId"),
        ("CopySnapshot", "aws.ebs-snapshot", "responseElements.snapshotId"),
        ("CreateImage", "aws.ami", "responseElements.imageId"),
        ("CopyImage", "aws.ami", "responseElements.imageId"),
        ("RegisterImage", "aws.ami", "responseElements.imageId"),
        ("CreateSecurityGroup", "aws.security-group", "responseElements.groupId"),
        ("CreateVpc", "aws.vpc", "responseElements.vpc.vpcId"),
        ("CreateDefaultVpc", "aws.vpc", "responseElements.vpc.vpcId"),
        ("CreateSubnet", "aws.subnet", "responseElements.subnet.subnetId"),
        ("CreateInternetGateway", "aws.internet-gateway",
         "responseElements.internetGateway.internetGatewayId"),
        # Newer EC2 APIs wrap the response in <Action>Response.
        ("CreateNatGateway", "aws.nat-gateway",
         "responseElements.CreateNatGatewayResponse.natGateway.natGatewayId"
         " || responseElements.natGateway.natGatewayId"),
        ("AllocateAddress", "aws.elastic-ip", "responseElements.allocationId"),
        ("CreateLaunchTemplate", "aws.launch-template-version",
         "responseElements.CreateLaunchTemplateResponse.launchTemplate.launchTemplateId"
         " || responseElements.launchTemplate.launchTemplateId"),
        ("CreateNetworkInterface", "aws.eni",
         "responseElements.networkInterface.networkInterfaceId"),
        ("CreateRouteTable", "aws.route-table", "responseElements.routeTable.routeTableId"),
        ("CreateNetworkAcl", "aws.network-acl", "responseElements.networkAcl.networkAclId"),
        ("CreateVpcEndpoint", "aws.vpc-endpoint",
         "responseElements.CreateVpcEndpointResponse.vpcEndpoint.vpcEndpointId"
         " || responseElements.vpcEndpoint.vpcEndpointId"),
        ("CreateVpcPeeringConnection", "aws.peering-connection",
         "responseElements.vpcPeeringConnection.vpcPeeringConnectionId"),
        ("CreateTransitGateway", "aws.transit-gateway",
         "responseElements.CreateTransitGatewayResponse.transitGateway.transitGatewayId"
         " || responseElements.transitGateway.transitGatewayId"),
    )
    + _rows(
        "ec2", "change",
        # A Name or Environment tag set after creation changes what the rules see.
        ("CreateTags", "aws.ec2", _ec2_tagged("i-")),
        ("CreateTags", "aws.ebs", _ec2_tagged("vol-")),
        ("CreateTags", "aws.security-group", _ec2_tagged("sg-")),
        ("CreateTags", "aws.vpc", _ec2_tagged("vpc-")),
        ("CreateTags", "aws.subnet", _ec2_tagged("subnet-")),
        ("CreateLaunchTemplateVersion", "aws.launch-template-version",
         "responseElements.CreateLaunchTemplateVersionResponse.launchTemplateVersion"
         ".launchTemplateId || responseElements.launchTemplateVersion.launchTemplateId"),
    )
    + _rows(
        "elasticloadbalancing", "create",
        # Same event for classic and v2: v2 answers with loadBalancers[], classic
        # is asked with loadBalancerName (v2 with name), so the rows never overlap.
        ("CreateLoadBalancer", "aws.app-elb", "responseElements.loadBalancers[].loadBalancerArn"),
        ("CreateLoadBalancer", "aws.elb", "requestParameters.loadBalancerName"),
        ("CreateTargetGroup", "aws.app-elb-target-group",
         "responseElements.targetGroups[].targetGroupArn"),
    )
    + _rows(
        "autoscaling", "create",
        ("CreateAutoScalingGroup", "aws.asg", "requestParameters.autoScalingGroupName"),
        ("CreateLaunchConfiguration", "aws.launch-config",
         "requestParameters.launchConfigurationName"),
    )
    + _rows("ecr", "create",
            ("CreateRepository", "aws.ecr", "responseElements.repository.repositoryName"))
    + _rows(
        "ecs", "create",
        ("CreateCluster", "aws.ecs", "responseElements.cluster.clusterArn"),
        ("CreateService", "aws.ecs-service", "responseElements.service.serviceArn"),
        ("RegisterTaskDefinition", "aws.ecs-task-definition",
         "responseElements.taskDefinition.taskDefinitionArn"),
    )
    + _rows("eks", "create", ("CreateCluster", "aws.eks", "responseElements.cluster.name"))
    + _rows(
        "rds", "create",
        # responseElements carries the identifier as RDS stored it (lower case).
        ("CreateDBInstance", "aws.rds", "responseElements.dBInstanceIdentifier"),
        ("CreateDBInstanceReadReplica", "aws.rds", "responseElements.dBInstanceIdentifier"),
        ("RestoreDBInstanceFromDBSnapshot", "aws.rds", "responseElements.dBInstanceIdentifier"),
        ("RestoreDBInstanceToPointInTime", "aws.rds", "responseElements.dBInstanceIdentifier"),
        ("CreateDBCluster", "aws.rds-cluster", "responseElements.dBClusterIdentifier"),
        ("RestoreDBClusterFromSnapshot", "aws.rds-cluster", "responseElements.dBClusterIdentifier"),
        ("CreateDBSnapshot", "aws.rds-snapshot", "responseElements.dBSnapshotIdentifier"),
        ("CopyDBSnapshot", "aws.rds-snapshot", "responseElements.dBSnapshotIdentifier"),
        ("CreateDBClusterSnapshot", "aws.rds-cluster-snapshot",
         "responseElements.dBClusterSnapshotIdentifier"),
        ("CreateDBSubnetGroup", "aws.rds-subnet-group", "responseElements.dBSubnetGroupName"),
        ("CreateDBParameterGroup", "aws.rds-param-group", "responseElements.dBParameterGroupName"),
        ("CreateDBClusterParameterGroup", "aws.rds-cluster-param-group",
         "responseElements.dBClusterParameterGroupName"),
    )
    + _rows("s3", "create", ("CreateBucket", "aws.s3", "requestParameters.bucketName"))
    + _rows("s3", "change", ("PutBucketTagging", "aws.s3", "requestParameters.bucketName"))
    + _rows(
        "lambda", "create",
        # Lambda's event names carry the API version.
        ("CreateFunction20150331", "aws.lambda", "responseElements.functionName"),
    )
    + _rows(
        "lambda", "change",
        # New subnets can mean a new environment (subnet tags).
        ("UpdateFunctionConfiguration20150331v2", "aws.lambda", "responseElements.functionName"),
    )
    + _rows(
        "iam", "create",
        ("CreateRole", "aws.iam-role", "responseElements.role.roleName"),
        ("CreateUser", "aws.iam-user", "responseElements.user.userName"),
        ("CreatePolicy", "aws.iam-policy", "responseElements.policy.arn"),
        ("CreateGroup", "aws.iam-group", "responseElements.group.groupName"),
    )
    + _rows(
        "iam", "change",
        ("TagRole", "aws.iam-role", "requestParameters.roleName"),
        ("TagUser", "aws.iam-user", "requestParameters.userName"),
    )
    + _rows("kms", "create", ("CreateKey", "aws.kms-key", "responseElements.keyMetadata.keyId"))
    + _rows("sns", "create", ("CreateTopic", "aws.sns", "responseElements.topicArn"))
    + _rows("sqs", "create", ("CreateQueue", "aws.sqs", "responseElements.queueUrl"))
    + _rows(
        "secretsmanager", "create",
        # Older records have responseElements: null; the name is always requested.
        ("CreateSecret", "aws.secrets-manager", "requestParameters.name"),
    )
    + _rows(
        "ssm", "create",
        # PutParameter also overwrites: creator tags are write-once, so a later
        # overwrite by someone else does not rename the creator.
        ("PutParameter", "aws.ssm-parameter", "requestParameters.name"),
    )
    + _rows("logs", "create", ("CreateLogGroup", "aws.log-group", "requestParameters.logGroupName"))
    + _rows(
        "monitoring", "create",
        ("PutMetricAlarm", "aws.alarm", "requestParameters.alarmName"),
        ("PutDashboard", "aws.cloudwatch-dashboard", "requestParameters.dashboardName"),
    )
    + _rows("dynamodb", "create",
            ("CreateTable", "aws.dynamodb-table", "responseElements.tableDescription.tableName"))
    + _rows("elasticfilesystem", "create",
            ("CreateFileSystem", "aws.efs", "responseElements.fileSystemId"))
    + _rows(
        "elasticache", "create",
        ("CreateCacheCluster", "aws.cache-cluster", "responseElements.cacheClusterId"),
        ("CreateReplicationGroup", "aws.elasticache-group", "responseElements.replicationGroupId"),
        # The group's node clusters are created with it.
        ("CreateReplicationGroup", "aws.cache-cluster", "responseElements.memberClusters"),
        ("CreateCacheSubnetGroup", "aws.cache-subnet-group",
         "responseElements.cacheSubnetGroupName"),
    )
    + _rows("redshift", "create",
            ("CreateCluster", "aws.redshift", "responseElements.clusterIdentifier"))
    + _rows("backup", "create",
            ("CreateBackupVault", "aws.backup-vault", "responseElements.backupVaultName"))
    + _rows("wafv2", "create", ("CreateWebACL", "aws.wafv2", "responseElements.summary.id"))
    + _rows("route53", "create",
            ("CreateHostedZone", "aws.hostedzone", "responseElements.hostedZone.id"))
    + _rows(
        "cloudfront", "create",
        ("CreateDistribution", "aws.distribution", "responseElements.distribution.id"),
        ("CreateDistributionWithTags", "aws.distribution", "responseElements.distribution.id"),
    )
    + _rows(
        "apigateway", "create",
        ("CreateRestApi", "aws.rest-api", "responseElements.id"),
        ("ImportRestApi", "aws.rest-api", "responseElements.id"),
        ("CreateApi", "aws.apigwv2", "responseElements.apiId"),
        ("ImportApi", "aws.apigwv2", "responseElements.apiId"),
    )
    + _rows(
        "acm", "create",
        ("RequestCertificate", "aws.acm-certificate", "responseElements.certificateArn"),
        ("ImportCertificate", "aws.acm-certificate", "responseElements.certificateArn"),
    )
    + _rows("states", "create",
            ("CreateStateMachine", "aws.step-machine", "responseElements.stateMachineArn"))
    + _rows(
        "events", "create",
        ("PutRule", "aws.event-rule", "requestParameters.name"),
        ("CreateEventBus", "aws.event-bus", "requestParameters.name"),
    )
    + _rows(
        "kinesis", "create",
        ("CreateStream", "aws.kinesis", "requestParameters.streamName"),
    )
    + _rows("firehose", "create",
            ("CreateDeliveryStream", "aws.firehose", "requestParameters.deliveryStreamName"))
    + _rows("cloudtrail", "create",
            ("CreateTrail", "aws.cloudtrail", "responseElements.trailARN"))
    + _rows("config", "create",
            ("PutConfigRule", "aws.config-rule", "requestParameters.configRule.configRuleName"))
)


@cache
def _index() -> dict[tuple[str, str], tuple[EventSpec, ...]]:
    out: dict[tuple[str, str], list[EventSpec]] = {}
    for spec in EVENTS:
        out.setdefault((spec.source, spec.event), []).append(spec)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _compiled(expression: str) -> Any:
    return jmespath.compile(expression)


def specs_for(source: str, event: str) -> tuple[EventSpec, ...]:
    """The table rows of one event source and name (empty when not in the table)."""
    return _index().get((source, event), ())


def normalise_event(event: dict[str, Any]) -> dict[str, Any]:
    """The CloudTrail record inside ``event``: a bare record or an EventBridge envelope.

    Raises ValueError for anything else (a finding, a scheduled event, ...).
    """
    if not isinstance(event, dict):
        raise ValueError("event is not a JSON object")
    detail = event.get("detail")
    if "detail-type" in event:
        if str(event["detail-type"]).endswith("via CloudTrail") and isinstance(detail, dict) \
                and "eventName" in detail:
            return detail
        raise ValueError(f"not a CloudTrail event: detail-type {event['detail-type']!r}")
    if "eventSource" in event and "eventName" in event:
        return event
    raise ValueError("not a CloudTrail record or EventBridge CloudTrail event")


def _flatten(found: Any) -> list[str]:
    if isinstance(found, str):
        return [found] if found else []
    if isinstance(found, list):
        return [i for item in found for i in _flatten(item)]
    return []


def resources_from_record(record: dict[str, Any]) -> list[tuple[str, str]]:
    """``(resource_type, id)`` for each resource ``record`` created or reclassified.

    Accepts a bare record or an envelope. Failed calls (``errorCode``) and events not
    in the table give ``[]``. ``RunInstances`` gives the instances and, where the
    record carries them, their network interfaces and volumes.
    """
    record = normalise_event(record)
    if record.get("errorCode"):
        return []
    out: list[tuple[str, str]] = []
    for spec in specs_for(record.get("eventSource", ""), record.get("eventName", "")):
        for rid in _flatten(_compiled(spec.ids).search(record)):
            if (spec.resource_type, rid) not in out:
                out.append((spec.resource_type, rid))
    return out


def event_spec_kinds(record: dict[str, Any]) -> set[str]:
    """The kinds (``create``/``change``) of the table rows matching ``record``."""
    record = normalise_event(record)
    return {s.kind for s in specs_for(record.get("eventSource", ""), record.get("eventName", ""))}


def cloudtrail_mode_events(
    resource_type: str, include_changes: bool = True
) -> list[dict[str, str]]:
    """Custodian ``mode.events`` entries (``{source, event, ids}``) for ``resource_type``."""
    return [
        {"source": s.source, "event": s.event, "ids": s.ids}
        for s in EVENTS
        if s.resource_type == resource_type and (include_changes or s.kind == "create")
    ]
