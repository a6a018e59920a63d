"""Tag compliance: per checked type, a correctly classified twin and an asset that
is not (untagged, a value the taxonomy does not allow, a missing owner, hostile
values a person pasted in: markup, 256 characters, non-Latin text).

Also the notification queue the checks' ``notify`` action sends to (the demo's
``prepare_account`` creates it too; creating an SQS queue twice is harmless).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from assetpack.emulator.estate import tag_list
from c7n_plugins.taxonomy import Taxonomy

ORDER = 60
NOTIFY_QUEUE = "assetpack-notify"
# What a person might paste into a tag: all must be reported, none may break a report.
HOSTILE = {"asset:environment": "<script>alert(1)</script>", "asset:owner": "x" * 256,
           "asset:criticality": "중요 ☃ \u202e"}
_WRONG = ({}, {"asset:environment": "production"}, {"asset:owner": ""}, HOSTILE)
_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "sts:AssumeRole",
    "Principal": {"Service": "lambda.amazonaws.com"}}]}


def good_tags(taxonomy: Taxonomy, resource_type: str) -> dict[str, str]:
    """Tags that satisfy the taxonomy for ``resource_type``."""
    tags = {"asset:class": taxonomy.class_of(resource_type) or "compute",
            "asset:environment": "prod", "asset:owner": "platform-team",
            "asset:criticality": "high"}
    if "asset:data-classification" in taxonomy.required_keys_for(resource_type):
        tags["asset:data-classification"] = "internal"
    return tags


def bad_tags(taxonomy: Taxonomy, resource_type: str, n: int) -> dict[str, str]:
    """The ``n``-th way of getting the tags wrong (none at all, a bad value, ...)."""
    wrong = _WRONG[n % len(_WRONG)]
    if not wrong:
        return {}
    tags = {**good_tags(taxonomy, resource_type), **wrong}
    return {k: v for k, v in tags.items() if v}


def _image(ec2) -> str:
    images = ec2.describe_images(Owners=["amazon"], MaxResults=5)["Images"]
    if images:
        return images[0]["ImageId"]
    return ec2.register_image(Name="legacy-tagging-base", RootDeviceName="/dev/xvda")["ImageId"]


def _makers(estate, taxonomy: Taxonomy) -> dict[str, Callable[[str, dict[str, str]], str]]:
    """Per resource type: ``make(name, tags) -> id`` (the id Custodian reports)."""
    c = estate.client
    ec2 = c("ec2")
    vpc, subnets = estate.shared["vpc_id"], estate.shared["public_subnets"]
    image = _image(ec2)
    ecs = c("ecs")
    cluster = ecs.create_cluster(clusterName="legacy-tagging")["cluster"]["clusterArn"]
    tasks_sg = ec2.create_security_group(GroupName="legacy-tagging-tasks", VpcId=vpc,
                                         Description="tag compliance services")["GroupId"]

    def spec(kind: str, tags: dict) -> list[dict]:
        return [{"ResourceType": kind, "Tags": tag_list(tags)}] if tags else []

    def ecs_tags(tags: dict) -> list[dict]:
        return [{"key": k, "value": v} for k, v in tags.items()]

    def bucket(name, tags):
        c("s3").create_bucket(Bucket=name)
        if tags:
            c("s3").put_bucket_tagging(Bucket=name, Tagging={"TagSet": tag_list(tags)})
        return name

    def instance(name, tags):
        return ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                                 SubnetId=subnets[0], TagSpecifications=spec("instance", tags)
                                 )["Instances"][0]["InstanceId"]

    def volume(name, tags):
        return ec2.create_volume(AvailabilityZone=f"{estate.region}a", Size=8, Encrypted=True,
                                 TagSpecifications=spec("volume", tags))["VolumeId"]

    def database(name, tags):
        c("rds").create_db_instance(
            DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
            MasterUsername="postgres", MasterUserPassword="not-a-real-secret-1",
            AllocatedStorage=20, Tags=tag_list(tags))
        return name

    def table(name, tags):
        c("dynamodb").create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST", Tags=tag_list(tags),
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
        return name

    def function(name, tags):
        role = c("iam").create_role(RoleName=f"{name}-exec",
                                    AssumeRolePolicyDocument=json.dumps(_TRUST))["Role"]["Arn"]
        c("lambda").create_function(FunctionName=name, Runtime="python3.12", Role=role,
                                    Handler="app.handler", Tags=tags,
                                    Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18})
        return name

    def repository(name, tags):
        c("ecr").create_repository(repositoryName=name, tags=tag_list(tags))
        return name

    def task_definition(name, tags):
        extra = {"tags": ecs_tags(tags)} if tags else {}
        return ecs.register_task_definition(
            family=name, requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
            cpu="256", memory="512", **extra, containerDefinitions=[{
                "name": "web", "image": "nginx:1.27", "essential": True}]
        )["taskDefinition"]["taskDefinitionArn"]

    def service(name, tags):
        task = task_definition(f"{name}-task", good_tags(taxonomy, "aws.ecs-task-definition"))
        extra = {"tags": ecs_tags(tags)} if tags else {}
        return ecs.create_service(
            cluster=cluster, serviceName=name, taskDefinition=task, desiredCount=1,
            launchType="FARGATE", **extra, networkConfiguration={"awsvpcConfiguration": {
                "subnets": subnets, "securityGroups": [tasks_sg],
                "assignPublicIp": "DISABLED"}})["service"]["serviceArn"]

    def queue(name, tags):
        return c("sqs").create_queue(QueueName=name, tags=tags)["QueueUrl"]

    def topic(name, tags):
        return c("sns").create_topic(Name=name, Tags=tag_list(tags))["TopicArn"]

    def key(name, tags):
        return c("kms").create_key(Description=name, Tags=[
            {"TagKey": k, "TagValue": v} for k, v in tags.items()])["KeyMetadata"]["KeyId"]

    def role(name, tags):
        c("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(_TRUST),
                             Tags=tag_list(tags))
        return name

    def group(name, tags):
        return ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc,
                                         TagSpecifications=spec("security-group", tags)
                                         )["GroupId"]

    def balancer(name, tags):
        extra = {"Tags": tag_list(tags)} if tags else {}
        return c("elbv2").create_load_balancer(Name=name, Subnets=subnets[:2], Type="application",
                                               Scheme="internal", **extra
                                               )["LoadBalancers"][0]["LoadBalancerArn"]

    def log_group(name, tags):
        c("logs").create_log_group(logGroupName=f"/legacy/{name}", tags=tags)
        return f"/legacy/{name}"

    return {
        "s3": bucket, "ec2": instance, "ebs": volume, "rds": database, "dynamodb": table,
        "lambda": function, "ecr": repository, "ecs-service": service,
        "ecs-task-definition": task_definition, "sqs": queue, "sns": topic, "kms": key,
        "iam-role": role, "security-group": group, "alb": balancer, "log-group": log_group,
    }


RESOURCE = {"dynamodb": "aws.dynamodb-table", "kms": "aws.kms-key", "alb": "aws.app-elb"}


def build(estate) -> None:
    taxonomy = Taxonomy.default()
    estate.client("sqs").create_queue(QueueName=NOTIFY_QUEUE)
    makers = _makers(estate, taxonomy)
    for i in estate.copies():
        sfx = estate.suffix(i)
        for n, (check, make) in enumerate(makers.items()):
            rtype = RESOURCE.get(check, f"aws.{check}")
            twin = make(f"legacy-tagged-{check}{sfx}", good_tags(taxonomy, rtype))
            wrong = make(f"legacy-untagged-{check}{sfx}", bad_tags(taxonomy, rtype, n))
            estate.created += 2
            estate.expect(f"tag-compliance-{check}", violating=[wrong], compliant=[twin])
