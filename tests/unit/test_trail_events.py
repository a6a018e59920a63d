"""The CloudTrail event table: coverage, c7n resource types, id extraction."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from c7n.cwe import CloudWatchEvents

from c7n_plugins.taxonomy import Taxonomy
from c7n_plugins.trail.events import (
    EVENTS,
    cloudtrail_mode_events,
    event_spec_kinds,
    normalise_event,
    resources_from_record,
    specs_for,
)

FIXTURES = Path(__file__).resolve().parents[2] / "assetpack" / "data" / "cloudtrail"
ACCT = "123456789012"

# What each full fixture creates; sts/denied fixtures create nothing.
FIXTURE_RESOURCES = {
    "s3-createbucket-iamuser.json": [("aws.s3", "legacy-web-prod-customer-uploads")],
    "ec2-runinstances-assumedrole.json": [
        ("aws.ec2", "i-0a1b2c3d4e5f67890"), ("aws.ec2", "i-0a1b2c3d4e5f67891"),
        ("aws.eni", "eni-0a9b8c7d6e5f43210"), ("aws.eni", "eni-0a9b8c7d6e5f43211")],
    "rds-createdbinstance-botocore-session.json": [("aws.rds", "legacy-prod-db")],
    "ecr-createrepository-sso.json": [("aws.ecr", "legacy/web")],
    "sqs-createqueue-federated.json": [
        ("aws.sqs", f"https://sqs.us-east-1.amazonaws.com/{ACCT}/legacy-orders-prod")],
    "iam-createuser-root.json": [("aws.iam-user", "breakglass-admin")],
    "sts-assumerole-awsservice.json": [],
    "ec2-createnetworkinterface-ecs-service-linked-role.json": [
        ("aws.eni", "eni-0f1e2d3c4b5a69780")],
    "lambda-createfunction-cloudformation-stack-role.json": [
        ("aws.lambda", "legacy-prod-thumbnailer")],
    "ecs-createservice-cloudformation-user-session.json": [
        ("aws.ecs-service", f"arn:aws:ecs:us-east-1:{ACCT}:service/legacy-prod/legacy-web")],
    "sts-assumerole-awsaccount.json": [],
    "logs-createloggroup-ecs-task-role.json": [("aws.log-group", "/legacy/app/prod/audit")],
    "elasticloadbalancing-createloadbalancer-iamuser.json": [
        ("aws.app-elb", f"arn:aws:elasticloadbalancing:us-east-1:{ACCT}:loadbalancer/app/"
                        "legacy-web-prod-alb/50dc6c495c0c9188")],
    "wafv2-createwebacl-github-oidc.json": [("aws.wafv2", "a1b2c3d4-5678-90ab-cdef-0a1b2c3d4e5f")],
    "eventbridge-kms-createkey-sso.json": [("aws.kms-key", "1234abcd-12ab-34cd-56ef-1234567890ab")],
    "ec2-createsecuritygroup-denied.json": [],
    "elasticloadbalancing-createloadbalancer-classic-eks.json": [
        ("aws.elb", "ae663f3f8eff243a69e06266cb319154")],
    "dynamodb-createtable-assumedrole.json": [
        ("aws.dynamodb-table", "legacy-customer-sessions-prod")],
    "ec2-createvolume-instance-profile.json": [("aws.ebs", "vol-0a1b2c3d4e5f60789")],
    "cloudformation-createstack-sso.json": [],  # read for the stack's creator only
}

_TAGGED = {"requestParameters": {
    "resourcesSet": {"items": [{"resourceId": i} for i in (
        "i-0a1b2c3d4e5f67890", "vol-0a1b2c3d4e5f60789", "sg-0123456789abcdef0",
        "vpc-0f1e2d3c4b5a69788", "subnet-0a1b2c3d4e5f60718", "rtb-0a1b2c3d4e5f60789")]},
    "tagSet": {"items": [{"key": "Name", "value": "legacy-web-prod"}]}},
    "responseElements": {"requestId": "0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b", "_return": True}}


def _arn(service: str, rest: str) -> str:
    return f"arn:aws:{service}:us-east-1:{ACCT}:{rest}"


# (event name, resource type) -> (the part of a real record that carries the id, expected id).
# Rows covered by a full fixture above need no sample.
SAMPLES: dict[tuple[str, str], tuple[dict, str | tuple[str, ...]]] = {
    ("RunInstances", "aws.ebs"): ({"responseElements": {"instancesSet": {"items": [{
        "instanceId": "i-0c1d2e3f4a5b6c7d8", "blockDeviceMapping": {"items": [{
            "deviceName": "/dev/xvda", "ebs": {"volumeId": "vol-0c1d2e3f4a5b6c7d8",
                                              "status": "attaching",
                                              "deleteOnTermination": True}}]}}]}}},
        "vol-0c1d2e3f4a5b6c7d8"),
    ("CreateSnapshot", "aws.ebs-snapshot"): ({"responseElements": {
        "requestId": "1b2c", "snapshotId": "snap-0123456789abcdef0", "volumeId": "vol-0a1b",
        "status": "pending", "startTime": 1741092076000, "progress": "", "ownerId": ACCT,
        "volumeSize": 200, "encrypted": True}}, "snap-0123456789abcdef0"),
    ("CopySnapshot", "aws.ebs-snapshot"): (
        {"responseElements": {"requestId": "2c3d", "snapshotId": "snap-0fedcba9876543210"}},
        "snap-0fedcba9876543210"),
    ("CreateImage", "aws.ami"): ({
        "requestParameters": {"instanceId": "i-0a1b2c3d4e5f67890", "name": "legacy-web-prod-0304"},
        "responseElements": {"requestId": "3d4e", "imageId": "ami-0a1b2c3d4e5f60789"}},
        "ami-0a1b2c3d4e5f60789"),
    ("CopyImage", "aws.ami"): (
        {"responseElements": {"requestId": "4e5f", "imageId": "ami-0b1c2d3e4f5a60789"}},
        "ami-0b1c2d3e4f5a60789"),
    ("RegisterImage", "aws.ami"): (
        {"responseElements": {"requestId": "5f6a", "imageId": "ami-0c1d2e3f4a5b60789"}},
        "ami-0c1d2e3f4a5b60789"),
    ("CreateSecurityGroup", "aws.security-group"): ({"responseElements": {
        "requestId": "6a7b", "_return": True, "groupId": "sg-0a1b2c3d4e5f60789",
        "securityGroupArn": _arn("ec2", "security-group/sg-0a1b2c3d4e5f60789")}},
        "sg-0a1b2c3d4e5f60789"),
    ("CreateVpc", "aws.vpc"): ({"responseElements": {"requestId": "7b8c", "vpc": {
        "vpcId": "vpc-0a1b2c3d4e5f60789", "state": "pending", "ownerId": ACCT,
        "cidrBlock": "10.20.0.0/16", "isDefault": False, "instanceTenancy": "default"}}},
        "vpc-0a1b2c3d4e5f60789"),
    ("CreateDefaultVpc", "aws.vpc"): ({"responseElements": {"requestId": "8c9d", "vpc": {
        "vpcId": "vpc-0d1e2f3a4b5c60789", "state": "pending", "isDefault": True}}},
        "vpc-0d1e2f3a4b5c60789"),
    ("CreateSubnet", "aws.subnet"): ({"responseElements": {"requestId": "9d0e", "subnet": {
        "subnetId": "subnet-0c1d2e3f4a5b60789", "state": "available",
        "vpcId": "vpc-0a1b2c3d4e5f60789", "cidrBlock": "10.20.4.0/24"}}},
        "subnet-0c1d2e3f4a5b60789"),
    ("CreateInternetGateway", "aws.internet-gateway"): ({"responseElements": {
        "requestId": "0e1f", "internetGateway": {"internetGatewayId": "igw-0a1b2c3d4e5f60789",
                                                 "attachmentSet": {}, "tagSet": {}}}},
        "igw-0a1b2c3d4e5f60789"),
    ("CreateNatGateway", "aws.nat-gateway"): ({
        "requestParameters": {"CreateNatGatewayRequest": {
            "SubnetId": "subnet-0a1b2c3d4e5f60718", "AllocationId": "eipalloc-0a1b"}},
        "responseElements": {"CreateNatGatewayResponse": {
            "xmlns": "http://ec2.amazonaws.com/doc/2016-11-15/", "requestId": "1f2a",
            "natGateway": {"natGatewayId": "nat-0a1b2c3d4e5f60789", "state": "pending",
                           "subnetId": "subnet-0a1b2c3d4e5f60718", "connectivityType": "public"},
            "clientToken": "f3a1"}}}, "nat-0a1b2c3d4e5f60789"),
    ("AllocateAddress", "aws.elastic-ip"): ({"responseElements": {
        "requestId": "2a3b", "publicIp": "3.210.14.7", "domain": "vpc",
        "allocationId": "eipalloc-0a1b2c3d4e5f60789", "networkBorderGroup": "us-east-1",
        "publicIpv4Pool": "amazon"}}, "eipalloc-0a1b2c3d4e5f60789"),
    ("CreateLaunchTemplate", "aws.launch-template-version"): ({"responseElements": {
        "CreateLaunchTemplateResponse": {
            "xmlns": "http://ec2.amazonaws.com/doc/2016-11-15/", "requestId": "3b4c",
            "launchTemplate": {"launchTemplateId": "lt-0a1b2c3d4e5f60789",
                               "launchTemplateName": "legacy-batch-prod",
                               "defaultVersionNumber": 1, "latestVersionNumber": 1}}}},
        "lt-0a1b2c3d4e5f60789"),
    ("CreateLaunchTemplateVersion", "aws.launch-template-version"): ({"responseElements": {
        "CreateLaunchTemplateVersionResponse": {"requestId": "4c5d", "launchTemplateVersion": {
            "launchTemplateId": "lt-0a1b2c3d4e5f60789", "versionNumber": 2,
            "launchTemplateName": "legacy-batch-prod"}}}}, "lt-0a1b2c3d4e5f60789"),
    ("CreateRouteTable", "aws.route-table"): ({"responseElements": {"requestId": "5d6e",
        "routeTable": {"routeTableId": "rtb-0a1b2c3d4e5f60789", "vpcId": "vpc-0a1b",
                       "routeSet": {"items": [{"destinationCidrBlock": "10.20.0.0/16",
                                               "gatewayId": "local", "state": "active"}]},
                       "associationSet": {}, "tagSet": {}, "ownerId": ACCT}}},
        "rtb-0a1b2c3d4e5f60789"),
    ("CreateNetworkAcl", "aws.network-acl"): ({"responseElements": {"requestId": "6e7f",
        "networkAcl": {"networkAclId": "acl-0a1b2c3d4e5f60789", "vpcId": "vpc-0a1b",
                       "default": False, "entrySet": {}, "associationSet": {}}}},
        "acl-0a1b2c3d4e5f60789"),
    ("CreateVpcEndpoint", "aws.vpc-endpoint"): ({"responseElements": {
        "CreateVpcEndpointResponse": {"requestId": "7f8a", "vpcEndpoint": {
            "vpcEndpointId": "vpce-0a1b2c3d4e5f60789", "vpcEndpointType": "Gateway",
            "serviceName": "com.amazonaws.us-east-1.s3", "state": "available"}}}},
        "vpce-0a1b2c3d4e5f60789"),
    ("CreateVpcPeeringConnection", "aws.peering-connection"): ({"responseElements": {
        "requestId": "8a9b", "vpcPeeringConnection": {
            "vpcPeeringConnectionId": "pcx-0a1b2c3d4e5f60789",
            "status": {"code": "initiating-request"}}}}, "pcx-0a1b2c3d4e5f60789"),
    ("CreateTransitGateway", "aws.transit-gateway"): ({"responseElements": {
        "CreateTransitGatewayResponse": {"requestId": "9b0c", "transitGateway": {
            "transitGatewayId": "tgw-0a1b2c3d4e5f60789", "state": "pending"}}}},
        "tgw-0a1b2c3d4e5f60789"),
    ("CreateTags", "aws.ec2"): (_TAGGED, "i-0a1b2c3d4e5f67890"),
    ("CreateTags", "aws.ebs"): (_TAGGED, "vol-0a1b2c3d4e5f60789"),
    ("CreateTags", "aws.security-group"): (_TAGGED, "sg-0123456789abcdef0"),
    ("CreateTags", "aws.vpc"): (_TAGGED, "vpc-0f1e2d3c4b5a69788"),
    ("CreateTags", "aws.subnet"): (_TAGGED, "subnet-0a1b2c3d4e5f60718"),
    ("CreateTargetGroup", "aws.app-elb-target-group"): ({"responseElements": {"targetGroups": [{
        "targetGroupArn": _arn("elasticloadbalancing", "targetgroup/legacy-web-prod/73e2d6bc24"),
        "targetGroupName": "legacy-web-prod", "protocol": "HTTP", "port": 8080,
        "targetType": "ip"}]}},
        _arn("elasticloadbalancing", "targetgroup/legacy-web-prod/73e2d6bc24")),
    ("CreateAutoScalingGroup", "aws.asg"): ({"requestParameters": {
        "autoScalingGroupName": "legacy-batch-prod", "minSize": 0, "maxSize": 4,
        "launchTemplate": {"launchTemplateId": "lt-0a1b", "version": "$Latest"}},
        "responseElements": None}, "legacy-batch-prod"),
    ("CreateLaunchConfiguration", "aws.launch-config"): ({"requestParameters": {
        "launchConfigurationName": "legacy-batch-2019", "imageId": "ami-0a1b",
        "instanceType": "t2.micro"}, "responseElements": None}, "legacy-batch-2019"),
    ("CreateCluster", "aws.ecs"): ({"responseElements": {"cluster": {
        "clusterArn": _arn("ecs", "cluster/legacy-prod"), "clusterName": "legacy-prod",
        "status": "ACTIVE"}}}, _arn("ecs", "cluster/legacy-prod")),
    ("RegisterTaskDefinition", "aws.ecs-task-definition"): ({"responseElements": {
        "taskDefinition": {"taskDefinitionArn": _arn("ecs", "task-definition/legacy-web:7"),
                           "family": "legacy-web", "revision": 7, "status": "ACTIVE"}}},
        _arn("ecs", "task-definition/legacy-web:7")),
    ("CreateCluster", "aws.eks"): ({"requestParameters": {"name": "legacy-eks"},
        "responseElements": {"cluster": {"name": "legacy-eks", "status": "CREATING",
                                         "arn": _arn("eks", "cluster/legacy-eks")}}},
        "legacy-eks"),
    ("CreateDBInstanceReadReplica", "aws.rds"): ({"responseElements": {
        "dBInstanceIdentifier": "legacy-prod-db-replica", "dBInstanceStatus": "creating",
        "readReplicaSourceDBInstanceIdentifier": "legacy-prod-db"}}, "legacy-prod-db-replica"),
    ("RestoreDBInstanceFromDBSnapshot", "aws.rds"): ({
        "requestParameters": {"dBInstanceIdentifier": "Legacy-Restore-Test",
                              "dBSnapshotIdentifier": "legacy-prod-db-pre-upgrade"},
        "responseElements": {"dBInstanceIdentifier": "legacy-restore-test",
                             "dBInstanceStatus": "creating"}}, "legacy-restore-test"),
    ("RestoreDBInstanceToPointInTime", "aws.rds"): ({"responseElements": {
        "dBInstanceIdentifier": "legacy-pitr-20250304", "dBInstanceStatus": "creating"}},
        "legacy-pitr-20250304"),
    ("CreateDBCluster", "aws.rds-cluster"): ({"responseElements": {
        "dBClusterIdentifier": "legacy-aurora-prod", "status": "creating",
        "engine": "aurora-postgresql", "dBClusterArn": _arn("rds", "cluster:legacy-aurora-prod")}},
        "legacy-aurora-prod"),
    ("RestoreDBClusterFromSnapshot", "aws.rds-cluster"): ({"responseElements": {
        "dBClusterIdentifier": "legacy-aurora-restore", "status": "creating"}},
        "legacy-aurora-restore"),
    ("CreateDBSnapshot", "aws.rds-snapshot"): ({"responseElements": {
        "dBSnapshotIdentifier": "legacy-prod-db-pre-upgrade", "dBInstanceIdentifier":
        "legacy-prod-db", "status": "creating", "snapshotType": "manual"}},
        "legacy-prod-db-pre-upgrade"),
    ("CopyDBSnapshot", "aws.rds-snapshot"): ({"responseElements": {
        "dBSnapshotIdentifier": "legacy-prod-db-copy", "status": "creating"}},
        "legacy-prod-db-copy"),
    ("CreateDBClusterSnapshot", "aws.rds-cluster-snapshot"): ({"responseElements": {
        "dBClusterSnapshotIdentifier": "legacy-aurora-prod-manual",
        "dBClusterIdentifier": "legacy-aurora-prod", "status": "creating"}},
        "legacy-aurora-prod-manual"),
    ("CreateDBSubnetGroup", "aws.rds-subnet-group"): ({"responseElements": {
        "dBSubnetGroupName": "legacy-prod-db", "vpcId": "vpc-0a1b",
        "subnetGroupStatus": "Complete",
        "dBSubnetGroupArn": _arn("rds", "subgrp:legacy-prod-db")}}, "legacy-prod-db"),
    ("CreateDBParameterGroup", "aws.rds-param-group"): ({"responseElements": {
        "dBParameterGroupName": "legacy-postgres16", "dBParameterGroupFamily": "postgres16",
        "description": "legacy tuning"}}, "legacy-postgres16"),
    ("CreateDBClusterParameterGroup", "aws.rds-cluster-param-group"): ({"responseElements": {
        "dBClusterParameterGroupName": "legacy-aurora-pg16",
        "dBParameterGroupFamily": "aurora-postgresql16"}}, "legacy-aurora-pg16"),
    ("PutBucketTagging", "aws.s3"): ({"requestParameters": {
        "bucketName": "legacy-web-prod-assets", "Host": "legacy-web-prod-assets.s3.amazonaws.com",
        "tagging": "", "Tagging": {"xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
                                   "TagSet": {"Tag": {"Key": "Environment", "Value": "prod"}}}},
        "responseElements": None}, "legacy-web-prod-assets"),
    ("UpdateFunctionConfiguration20150331v2", "aws.lambda"): ({
        "requestParameters": {"functionName": "legacy-prod-thumbnailer",
                              "vpcConfig": {"subnetIds": ["subnet-0c1d"]}},
        "responseElements": {"functionName": "legacy-prod-thumbnailer",
                             "lastUpdateStatus": "InProgress"}}, "legacy-prod-thumbnailer"),
    ("CreateRole", "aws.iam-role"): ({"requestParameters": {"roleName": "legacy-app-task"},
        "responseElements": {"role": {"path": "/", "roleName": "legacy-app-task",
                                      "roleId": "AROA4EXAMPLEAPPTASK1",
                                      "arn": f"arn:aws:iam::{ACCT}:role/legacy-app-task",
                                      "createDate": "Mar 4, 2025, 10:02:11 AM",
                                      "assumeRolePolicyDocument": "%7B%22Version%22%3A%222012"}}},
        "legacy-app-task"),
    ("CreatePolicy", "aws.iam-policy"): ({"responseElements": {"policy": {
        "policyName": "legacy-s3-read", "policyId": "ANPA4EXAMPLEPOLICY01",
        "arn": f"arn:aws:iam::{ACCT}:policy/legacy-s3-read", "path": "/",
        "defaultVersionId": "v1", "attachmentCount": 0, "isAttachable": True}}},
        f"arn:aws:iam::{ACCT}:policy/legacy-s3-read"),
    ("CreateGroup", "aws.iam-group"): ({"responseElements": {"group": {
        "path": "/", "groupName": "legacy-operators", "groupId": "AGPA4EXAMPLEGROUP001",
        "arn": f"arn:aws:iam::{ACCT}:group/legacy-operators"}}}, "legacy-operators"),
    ("TagRole", "aws.iam-role"): ({"requestParameters": {
        "roleName": "legacy-app-task", "tags": [{"key": "Owner", "value": "team-legacy"}]},
        "responseElements": None}, "legacy-app-task"),
    ("TagUser", "aws.iam-user"): ({"requestParameters": {
        "userName": "ci-deployer", "tags": [{"key": "Owner", "value": "platform"}]},
        "responseElements": None}, "ci-deployer"),
    ("CreateTopic", "aws.sns"): ({"requestParameters": {"name": "legacy-alerts-prod"},
        "responseElements": {"topicArn": _arn("sns", "legacy-alerts-prod")}},
        _arn("sns", "legacy-alerts-prod")),
    ("CreateSecret", "aws.secrets-manager"): ({"requestParameters": {
        "name": "legacy/prod/db", "clientRequestToken": "0a1b2c3d-4e5f",
        "secretString": "HIDDEN_DUE_TO_SECURITY_REASONS"}, "responseElements": None},
        "legacy/prod/db"),
    ("PutParameter", "aws.ssm-parameter"): ({"requestParameters": {
        "name": "/legacy/prod/feature-flags", "type": "String", "overwrite": False,
        "tier": "Standard"}, "responseElements": {"version": 1, "tier": "Standard"}},
        "/legacy/prod/feature-flags"),
    ("PutMetricAlarm", "aws.alarm"): ({"requestParameters": {
        "alarmName": "legacy-web-prod-5xx", "metricName": "HTTPCode_Target_5XX_Count",
        "namespace": "AWS/ApplicationELB", "threshold": 10.0}, "responseElements": None},
        "legacy-web-prod-5xx"),
    ("PutDashboard", "aws.cloudwatch-dashboard"): ({"requestParameters": {
        "dashboardName": "legacy-prod", "dashboardBody": "{\"widgets\": []}"},
        "responseElements": {"dashboardValidationMessages": []}}, "legacy-prod"),
    ("CreateFileSystem", "aws.efs"): ({"responseElements": {
        "ownerId": ACCT, "creationToken": "legacy-shared", "fileSystemId": "fs-0a1b2c3d4e5f60789",
        "lifeCycleState": "creating", "name": "legacy-shared-prod", "numberOfMountTargets": 0,
        "performanceMode": "generalPurpose", "encrypted": True}}, "fs-0a1b2c3d4e5f60789"),
    ("CreateCacheCluster", "aws.cache-cluster"): ({
        "requestParameters": {"cacheClusterId": "Legacy-Sessions-Prod", "engine": "redis"},
        "responseElements": {"cacheClusterId": "legacy-sessions-prod",
                             "cacheClusterStatus": "creating"}}, "legacy-sessions-prod"),
    ("CreateReplicationGroup", "aws.elasticache-group"): ({"responseElements": {
        "replicationGroupId": "legacy-cache-prod", "status": "creating",
        "memberClusters": ["legacy-cache-prod-001", "legacy-cache-prod-002"]}},
        "legacy-cache-prod"),
    ("CreateReplicationGroup", "aws.cache-cluster"): ({"responseElements": {
        "replicationGroupId": "legacy-cache-prod", "status": "creating",
        "memberClusters": ["legacy-cache-prod-001", "legacy-cache-prod-002"]}},
        ("legacy-cache-prod-001", "legacy-cache-prod-002")),
    ("CreateCacheSubnetGroup", "aws.cache-subnet-group"): ({"responseElements": {
        "cacheSubnetGroupName": "legacy-cache-prod", "vpcId": "vpc-0a1b"}},
        "legacy-cache-prod"),
    ("CreateCluster", "aws.redshift"): ({
        "requestParameters": {"clusterIdentifier": "legacy-dwh", "nodeType": "ra3.xlplus"},
        "responseElements": {"clusterIdentifier": "legacy-dwh", "clusterStatus": "creating"}},
        "legacy-dwh"),
    ("CreateBackupVault", "aws.backup-vault"): ({
        "requestParameters": {"backupVaultName": "legacy-prod-vault"},
        "responseElements": {"backupVaultName": "legacy-prod-vault",
                             "backupVaultArn": _arn("backup", "backup-vault:legacy-prod-vault")}},
        "legacy-prod-vault"),
    ("CreateHostedZone", "aws.hostedzone"): ({
        "requestParameters": {"name": "legacy.example.com", "callerReference": "tf-2025"},
        "responseElements": {
            "hostedZone": {"id": "/hostedzone/Z0123456789ABCDEFGHIJ",
                           "name": "legacy.example.com.", "callerReference": "tf-2025",
                           "config": {"privateZone": False}, "resourceRecordSetCount": 2},
            "changeInfo": {"id": "/change/C0123456789ABCDEFGHIJ", "status": "PENDING"},
            "location": "https://route53.amazonaws.com/2013-04-01/hostedzone/"
                        "Z0123456789ABCDEFGHIJ"}}, "/hostedzone/Z0123456789ABCDEFGHIJ"),
    ("CreateDistribution", "aws.distribution"): ({"responseElements": {
        "location": "https://cloudfront.amazonaws.com/2020-05-31/distribution/E2QWRUHAPOMQZL",
        "distribution": {"aRN": f"arn:aws:cloudfront::{ACCT}:distribution/E2QWRUHAPOMQZL",
                         "id": "E2QWRUHAPOMQZL", "status": "InProgress",
                         "domainName": "d111111abcdef8.cloudfront.net"},
        "eTag": "E2QWRUHEXAMPLE"}}, "E2QWRUHAPOMQZL"),
    ("CreateDistributionWithTags", "aws.distribution"): ({"responseElements": {
        "distribution": {"id": "E3RSTUVWXYZ123", "status": "InProgress"}, "eTag": "E3R"}},
        "E3RSTUVWXYZ123"),
    ("CreateRestApi", "aws.rest-api"): ({
        "requestParameters": {"createRestApiInput": {"name": "legacy-public-api"}},
        "responseElements": {"id": "a1b2c3d4e5", "name": "legacy-public-api",
                             "apiKeySource": "HEADER", "rootResourceId": "x1y2z3a4b5",
                             "endpointConfiguration": {"types": ["REGIONAL"]}}}, "a1b2c3d4e5"),
    ("ImportRestApi", "aws.rest-api"): (
        {"responseElements": {"id": "f6g7h8i9j0", "name": "legacy-partner-api"}}, "f6g7h8i9j0"),
    ("CreateApi", "aws.apigwv2"): ({
        "requestParameters": {"name": "legacy-http-api", "protocolType": "HTTP"},
        "responseElements": {"apiId": "k1l2m3n4o5", "name": "legacy-http-api",
                             "apiEndpoint": "https://k1l2m3n4o5.execute-api.us-east-1.amazonaws.com",
                             "protocolType": "HTTP"}}, "k1l2m3n4o5"),
    ("ImportApi", "aws.apigwv2"): ({"responseElements": {"apiId": "p6q7r8s9t0"}}, "p6q7r8s9t0"),
    ("RequestCertificate", "aws.acm-certificate"): ({
        "requestParameters": {"domainName": "legacy.example.com", "validationMethod": "DNS"},
        "responseElements": {"certificateArn": _arn("acm", "certificate/0a1b2c3d-4e5f")}},
        _arn("acm", "certificate/0a1b2c3d-4e5f")),
    ("ImportCertificate", "aws.acm-certificate"): ({
        "responseElements": {"certificateArn": _arn("acm", "certificate/9f8e7d6c-5b4a")}},
        _arn("acm", "certificate/9f8e7d6c-5b4a")),
    ("CreateStateMachine", "aws.step-machine"): ({
        "requestParameters": {"name": "legacy-order-flow", "type": "STANDARD",
                              "definition": "HIDDEN_DUE_TO_SECURITY_REASONS"},
        "responseElements": {"stateMachineArn": _arn("states", "stateMachine:legacy-order-flow"),
                             "creationDate": "Mar 4, 2025, 1:15:00 PM"}},
        _arn("states", "stateMachine:legacy-order-flow")),
    ("PutRule", "aws.event-rule"): ({
        "requestParameters": {"name": "legacy-nightly-export", "state": "ENABLED",
                              "scheduleExpression": "cron(0 2 * * ? *)"},
        "responseElements": {"ruleArn": _arn("events", "rule/legacy-nightly-export")}},
        "legacy-nightly-export"),
    ("CreateEventBus", "aws.event-bus"): ({"requestParameters": {"name": "legacy-orders"},
        "responseElements": {"eventBusArn": _arn("events", "event-bus/legacy-orders")}},
        "legacy-orders"),
    ("CreateStream", "aws.kinesis"): ({"requestParameters": {
        "streamName": "legacy-clickstream", "shardCount": 2}, "responseElements": None},
        "legacy-clickstream"),
    ("CreateDeliveryStream", "aws.firehose"): ({
        "requestParameters": {"deliveryStreamName": "legacy-clickstream-s3",
                              "deliveryStreamType": "KinesisStreamAsSource"},
        "responseElements": {"deliveryStreamARN": _arn(
            "firehose", "deliverystream/legacy-clickstream-s3")}}, "legacy-clickstream-s3"),
    ("CreateTrail", "aws.cloudtrail"): ({
        "requestParameters": {"name": "legacy-trail", "s3BucketName": "legacy-trail-logs"},
        "responseElements": {"name": "legacy-trail", "s3BucketName": "legacy-trail-logs",
                             "isMultiRegionTrail": True,
                             "trailARN": _arn("cloudtrail", "trail/legacy-trail")}},
        _arn("cloudtrail", "trail/legacy-trail")),
    ("PutConfigRule", "aws.config-rule"): ({"requestParameters": {"configRule": {
        "configRuleName": "s3-bucket-public-read-prohibited",
        "source": {"owner": "AWS", "sourceIdentifier": "S3_BUCKET_PUBLIC_READ_PROHIBITED"}}},
        "responseElements": None}, "s3-bucket-public-read-prohibited"),
}


def _fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def _sample_record(spec) -> dict:
    """A minimal but real-shaped record for one table row."""
    fragment, _ = SAMPLES[(spec.event, spec.resource_type)]
    record = {
        "eventVersion": "1.09",
        "userIdentity": {"type": "IAMUser", "principalId": "AIDA4EXAMPLEALICE0001",
                         "arn": f"arn:aws:iam::{ACCT}:user/alice", "accountId": ACCT,
                         "accessKeyId": "AKIA4EXAMPLEALICE001", "userName": "alice"},
        "eventTime": "2025-03-04T13:00:00Z",
        "eventSource": spec.source,
        "eventName": spec.event,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.24",
        "userAgent": "aws-cli/2.22.4",
        "requestParameters": {},
        "responseElements": None,
        "requestID": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "eventID": "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCT,
        "eventCategory": "Management",
    }
    record.update(copy.deepcopy(fragment))
    return record


def _fixture_rows() -> set[tuple[str, str]]:
    """(event, resource type) of the rows some full fixture exercises."""
    rows = set()
    for name, expected in FIXTURE_RESOURCES.items():
        record = normalise_event(_fixture(name))
        for spec in specs_for(record["eventSource"], record["eventName"]):
            if any(t == spec.resource_type for t, _ in expected):
                rows.add((spec.event, spec.resource_type))
    return rows


@pytest.fixture(scope="module")
def aws_resources():
    from c7n.resources import load_resources
    from c7n.resources.aws import AWS

    load_resources(("aws.*",))
    return AWS.resources


# -- the table ---------------------------------------------------------------------


def test_at_least_sixty_distinct_events():
    assert len({(s.source, s.event) for s in EVENTS}) >= 60


def test_rows_are_unique_and_well_formed():
    keys = [(s.source, s.event, s.resource_type) for s in EVENTS]
    assert len(keys) == len(set(keys))
    for spec in EVENTS:
        assert spec.source.endswith(".amazonaws.com")
        assert spec.kind in ("create", "change")
        assert spec.resource_type.startswith("aws.")


def test_every_resource_type_exists_in_c7n(aws_resources):
    names = aws_resources.keys()  # c7n's Registry is not iterable itself
    missing = {s.resource_type for s in EVENTS} - {f"aws.{k}" for k in names}
    assert not missing


def test_every_resource_type_has_a_class_in_the_default_taxonomy():
    taxonomy = Taxonomy.default()
    assert {s.resource_type for s in EVENTS if taxonomy.class_of(s.resource_type) is None} == set()


def test_every_row_is_exercised_by_a_fixture_or_a_sample():
    rows = {(s.event, s.resource_type) for s in EVENTS}
    assert rows - _fixture_rows() - set(SAMPLES) == set()
    assert set(SAMPLES) - rows == set(), "stale samples"


@pytest.mark.parametrize("spec", [s for s in EVENTS if (s.event, s.resource_type) in SAMPLES],
                         ids=lambda s: f"{s.event}-{s.resource_type}")
def test_row_extracts_ids_from_a_sample_record(spec):
    record = _sample_record(spec)
    _, expected = SAMPLES[(spec.event, spec.resource_type)]
    wanted = {expected} if isinstance(expected, str) else set(expected)
    found = {rid for rtype, rid in resources_from_record(record) if rtype == spec.resource_type}
    assert found == wanted


@pytest.mark.parametrize("spec", [s for s in EVENTS if (s.event, s.resource_type) in SAMPLES],
                         ids=lambda s: f"{s.event}-{s.resource_type}")
def test_custodian_resolves_the_same_ids_from_mode_events(spec):
    """c7n's own CloudTrail-mode id resolution, fed our mode.events, agrees."""
    envelope = {"detail-type": "AWS API Call via CloudTrail", "detail": _sample_record(spec)}
    mode = {"type": "cloudtrail", "events": cloudtrail_mode_events(spec.resource_type)}
    ids = CloudWatchEvents.get_trail_ids(envelope, mode)
    ids = [ids] if isinstance(ids, str) else ids
    _, expected = SAMPLES[(spec.event, spec.resource_type)]
    assert set(ids) == ({expected} if isinstance(expected, str) else set(expected))


# -- full fixtures -----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FIXTURE_RESOURCES))
def test_fixture_resources(name):
    assert resources_from_record(_fixture(name)) == FIXTURE_RESOURCES[name]


def test_every_fixture_is_listed():
    assert {p.name for p in FIXTURES.glob("*.json")} == set(FIXTURE_RESOURCES)


def test_run_instances_gives_instances_and_their_enis_not_volumes_it_lacks():
    record = _fixture("ec2-runinstances-assumedrole.json")
    types = [t for t, _ in resources_from_record(record)]
    assert types.count("aws.ec2") == 2 and types.count("aws.eni") == 2
    assert "aws.ebs" not in types  # blockDeviceMapping is {} while pending


def test_failed_calls_create_nothing():
    record = _fixture("ec2-createsecuritygroup-denied.json")
    assert record["errorCode"]
    assert resources_from_record(record) == []
    fixed = {k: v for k, v in record.items() if k not in ("errorCode", "errorMessage")}
    fixed["responseElements"] = {"requestId": "x", "_return": True, "groupId": "sg-0abc"}
    assert resources_from_record(fixed) == [("aws.security-group", "sg-0abc")]


def test_classic_and_v2_load_balancers_do_not_overlap():
    v2 = resources_from_record(_fixture("elasticloadbalancing-createloadbalancer-iamuser.json"))
    classic = resources_from_record(
        _fixture("elasticloadbalancing-createloadbalancer-classic-eks.json"))
    assert [t for t, _ in v2] == ["aws.app-elb"]
    assert [t for t, _ in classic] == ["aws.elb"]


def test_create_tags_splits_ids_by_resource_type():
    spec = next(s for s in EVENTS if s.event == "CreateTags")
    found = dict(resources_from_record(_sample_record(spec)))
    assert found == {
        "aws.ec2": "i-0a1b2c3d4e5f67890", "aws.ebs": "vol-0a1b2c3d4e5f60789",
        "aws.security-group": "sg-0123456789abcdef0", "aws.vpc": "vpc-0f1e2d3c4b5a69788",
        "aws.subnet": "subnet-0a1b2c3d4e5f60718"}  # rtb- is not in the table
    assert event_spec_kinds(_sample_record(spec)) == {"change"}


def test_unknown_events_and_other_sources_give_nothing():
    record = _fixture("s3-createbucket-iamuser.json")
    assert resources_from_record({**record, "eventName": "GetBucketAcl"}) == []
    # Same event name, other service: CreateCluster of ECS is not Redshift's.
    ecs = _sample_record(next(s for s in EVENTS if s.resource_type == "aws.ecs"))
    assert [t for t, _ in resources_from_record(ecs)] == ["aws.ecs"]


# -- envelopes and mode.events -------------------------------------------------------


def test_normalise_event_accepts_bare_records_and_eventbridge_envelopes():
    envelope = _fixture("eventbridge-kms-createkey-sso.json")
    record = normalise_event(envelope)
    assert record is envelope["detail"]
    assert normalise_event(record) is record
    assert resources_from_record(envelope) == resources_from_record(record)


@pytest.mark.parametrize("event", [
    {"detail-type": "GuardDuty Finding", "source": "aws.guardduty", "detail": {"id": "x"}},
    {"detail-type": "Scheduled Event", "source": "aws.events", "detail": {}},
    {"Records": []},
    [],
])
def test_normalise_event_rejects_other_events(event):
    with pytest.raises(ValueError):
        normalise_event(event)


def test_cloudtrail_mode_events_shape():
    events = cloudtrail_mode_events("aws.ec2")
    assert {"source": "ec2.amazonaws.com", "event": "RunInstances",
            "ids": "responseElements.instancesSet.items[].instanceId"} in events
    assert all(set(e) == {"source", "event", "ids"} for e in events)
    assert all(isinstance(e["ids"], str) for e in events)
    creates = cloudtrail_mode_events("aws.ec2", include_changes=False)
    assert [e["event"] for e in creates] == ["RunInstances"]
    assert cloudtrail_mode_events("aws.nothing") == []


def test_lambda_uses_the_versioned_event_name():
    assert [e["event"] for e in cloudtrail_mode_events("aws.lambda", include_changes=False)] == [
        "CreateFunction20150331"]
