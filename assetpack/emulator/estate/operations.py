"""Cost and observability: waste with a priced finding, telemetry gaps, and their twins.

- Waste: an unattached volume (twin: one attached to a running instance), a stopped
  instance with a volume (twin: running), an idle load balancer (twin: one with
  requests in CloudWatch), a log group that never expires (twin: 30-day retention).
  Old manual snapshots and never-pulled images cannot be backdated in moto: their
  checks replay recorded responses (``tests/placebo/data``).
- Observability: the web service's collector sidecar logs nowhere (twin: the
  hardened app service); the legacy functions have no active tracing (twin: a new
  function with it). The AMP workspace and X-Ray sampling rule exist, as
  ``terraform/modules/reporting`` creates them (their absence is a placebo flight).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from assetpack.emulator.estate import tag_list
from assetpack.emulator.estate.serverless import _code

ORDER = 95
TAGS = {"asset:environment": "prod", "asset:owner": "platform-team",
        "asset:criticality": "medium"}
STORAGE = {**TAGS, "asset:class": "storage", "asset:data-classification": "internal"}


def _spec(kind: str, name: str, tags: dict) -> list[dict]:
    return [{"ResourceType": kind, "Tags": tag_list({"Name": name, **tags})}]


def _volumes_and_instances(estate) -> None:
    ec2 = estate.client("ec2")
    zone = ec2.describe_availability_zones()["AvailabilityZones"][0]["ZoneName"]
    image = estate.shared.get("image_id", "ami-0a1b2c3d4e5f60718")
    compute = {**TAGS, "asset:class": "compute"}
    idle = ec2.create_volume(AvailabilityZone=zone, Size=100, VolumeType="gp3",
                             TagSpecifications=_spec("volume", "legacy-old-data", STORAGE))
    instances = {}
    for name in ("legacy-batch-old", "legacy-batch"):
        instances[name] = ec2.run_instances(
            ImageId=image, InstanceType="t3.small", MinCount=1, MaxCount=1,
            Placement={"AvailabilityZone": zone},
            TagSpecifications=_spec("instance", name, compute))["Instances"][0]["InstanceId"]
    used = ec2.create_volume(AvailabilityZone=zone, Size=50, VolumeType="gp3",
                             TagSpecifications=_spec("volume", "legacy-batch-data", STORAGE))
    ec2.attach_volume(VolumeId=used["VolumeId"], InstanceId=instances["legacy-batch"],
                      Device="/dev/sdf")
    stopped_data = ec2.create_volume(AvailabilityZone=zone, Size=200, VolumeType="gp2",
                                     TagSpecifications=_spec("volume", "legacy-batch-old-data",
                                                             STORAGE))
    ec2.attach_volume(VolumeId=stopped_data["VolumeId"], InstanceId=instances["legacy-batch-old"],
                      Device="/dev/sdf")
    ec2.stop_instances(InstanceIds=[instances["legacy-batch-old"]])
    estate.created += 5
    estate.expect("ebs-volume-unattached", violating=[idle["VolumeId"]],
                  compliant=[used["VolumeId"]])
    estate.expect("ec2-stopped-with-volumes", violating=[instances["legacy-batch-old"]],
                  compliant=[instances["legacy-batch"]])


def _load_balancers(estate) -> None:
    elb, cw = estate.client("elbv2"), estate.client("cloudwatch")
    arns = {}
    for name in ("legacy-promo", "legacy-api"):
        lb = elb.create_load_balancer(
            Name=name, Subnets=estate.shared["public_subnets"], Scheme="internet-facing",
            Type="application", Tags=tag_list({"Name": name, **TAGS, "asset:class": "network"}))
        arns[name] = lb["LoadBalancers"][0]["LoadBalancerArn"]
    # The API's traffic, as CloudWatch records it: the twin is not idle.
    dimension = arns["legacy-api"].split(":loadbalancer/", 1)[1]
    now = datetime.now(UTC)
    cw.put_metric_data(Namespace="AWS/ApplicationELB", MetricData=[
        {"MetricName": "RequestCount", "Dimensions": [{"Name": "LoadBalancer",
                                                       "Value": dimension}],
         "Timestamp": now - timedelta(hours=h), "Value": 1200.0, "Unit": "Count"}
        for h in (1, 30, 80)])
    estate.created += 2
    estate.expect("alb-idle", violating=[arns["legacy-promo"]], compliant=[arns["legacy-api"]])


def _log_groups(estate) -> None:
    logs = estate.client("logs")
    tags = {**TAGS, "asset:class": "monitoring"}
    logs.create_log_group(logGroupName="/legacy/debug", tags=tags)
    logs.create_log_group(logGroupName="/legacy/access", tags=tags)
    logs.put_retention_policy(logGroupName="/legacy/access", retentionInDays=30)
    estate.created += 2
    estate.expect("log-group-no-retention", violating=["/legacy/debug"],
                  compliant=["/legacy/access"])


def _telemetry(estate) -> None:
    ecs, lam = estate.client("ecs"), estate.client("lambda")
    services = {}
    for cluster in ("legacy-prod", "legacy-prod-v2"):
        for arn in ecs.list_services(cluster=cluster)["serviceArns"]:
            services[arn.rsplit("/", 1)[-1]] = arn
    if {"legacy-web", "legacy-app"} <= set(services):
        estate.expect("ecs-service-telemetry", violating=[services["legacy-web"]],
                      compliant=[services["legacy-app"]])
    try:  # the legacy functions (serverless part) may not be built (ASSETPACK_ESTATE_ONLY)
        role = lam.get_function(FunctionName="legacy-order-worker")["Configuration"]["Role"]
    except lam.exceptions.ResourceNotFoundException:
        return
    lam.create_function(FunctionName="legacy-order-worker-v2", Runtime="python3.12", Role=role,
                        Handler="index.handler", Code={"ZipFile": _code()},
                        TracingConfig={"Mode": "Active"},
                        Tags={**TAGS, "asset:class": "serverless"})
    estate.created += 1
    estate.expect("lambda-active-tracing", violating=["legacy-image-resizer"],
                  compliant=["legacy-order-worker-v2"])


def _telemetry_backends(estate) -> None:
    estate.client("amp").create_workspace(alias="assetpack")
    estate.client("xray").create_sampling_rule(SamplingRule={
        "RuleName": "assetpack-default", "ResourceARN": "*", "Priority": 9000,
        "FixedRate": 0.05, "ReservoirSize": 1, "ServiceName": "*", "ServiceType": "*",
        "Host": "*", "HTTPMethod": "*", "URLPath": "*", "Version": 1})
    estate.created += 2


def build(estate) -> None:
    _telemetry_backends(estate)
    _volumes_and_instances(estate)
    _load_balancers(estate)
    _log_groups(estate)
    _telemetry(estate)
