"""Containers: the ECR repositories, the ECS Fargate cluster with the web and app
services, and their task definitions (with and without the ADOT collector sidecar).

The old revisions of the estate carry the usual misconfigurations; each has a
hardened twin built the way the team now builds them.
"""

from __future__ import annotations

from assetpack.emulator.estate import tag_list

ORDER = 30
CRITICAL = {"asset:criticality": "critical", "asset:class": "container"}
ADOT_IMAGE = "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0"
FAKE_KEY_ID = "AKIAEXAMPLEEXAMPLE00"  # noqa: S105 - a deliberately leaked-looking fake


def _logs(group: str, prefix: str) -> dict:
    return {"logDriver": "awslogs", "options": {"awslogs-group": group,
                                                "awslogs-region": "us-east-1",
                                                "awslogs-stream-prefix": prefix}}


def _repositories(estate, ecr, sfx: str) -> dict[str, str]:
    weak, hard, crit = f"legacy/web{sfx}", f"legacy/app{sfx}", f"legacy/adot-collector{sfx}"
    for name, scan, mutability, tags in (
            (weak, False, "MUTABLE", {"asset:class": "container"}),
            (hard, True, "IMMUTABLE", {"asset:class": "container"}),
            (crit, False, "MUTABLE", CRITICAL)):
        ecr.create_repository(repositoryName=name, imageTagMutability=mutability,
                              imageScanningConfiguration={"scanOnPush": scan},
                              tags=tag_list(tags))
    ecr.put_lifecycle_policy(repositoryName=hard, lifecyclePolicyText=(
        '{"rules":[{"rulePriority":1,"description":"expire untagged after 30 days",'
        '"selection":{"tagStatus":"untagged","countType":"sinceImagePushed",'
        '"countUnit":"days","countNumber":30},"action":{"type":"expire"}}]}'))
    estate.created += 3
    for check in ("ecr-repository-scan-on-push", "ecr-repository-tag-immutability"):
        estate.expect(check, violating=[weak], compliant=[hard], protected=[crit])
    estate.expect("ecr-repository-lifecycle-policy", violating=[weak, crit], compliant=[hard])
    registry = f"123456789012.dkr.ecr.{estate.region}.amazonaws.com"
    # The hardened web service runs the patched build (Inspector finds no CVE in it).
    return {"web": f"{registry}/{weak}:1.8.2", "web-patched": f"{registry}/{weak}:1.9.0",
            "app": f"{registry}/{hard}:2024.11.3"}


def _task_definitions(estate, ecs, images: dict[str, str], sfx: str) -> dict[str, str]:
    """Register the families; return their ARNs by role."""
    fargate = {"networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
               "cpu": "512", "memory": "1024"}
    defs = {
        # The web tier as first containerised: writable root, ADOT sidecar with no logs.
        "web": dict(family=f"legacy-web{sfx}", **fargate, containerDefinitions=[
            {"name": "web", "image": images["web"], "essential": True,
             "portMappings": [{"containerPort": 8080}],
             "logConfiguration": _logs("/ecs/legacy-web", "web")},
            {"name": "adot-collector", "image": ADOT_IMAGE, "essential": False}]),
        # The app tier: credentials pasted into the environment, a privileged container.
        "app": dict(family=f"legacy-app{sfx}", **fargate, containerDefinitions=[
            {"name": "app", "image": images["app"], "essential": True, "privileged": True,
             "readonlyRootFilesystem": True, "logConfiguration": _logs("/ecs/legacy-app", "app"),
             "environment": [{"name": "AWS_ACCESS_KEY_ID", "value": FAKE_KEY_ID},
                             {"name": "AWS_SECRET_ACCESS_KEY", "value": "example-not-a-secret"},
                             {"name": "SPRING_PROFILES_ACTIVE", "value": "prod"}]}]),
        # A node log agent on EC2 capacity: host network and host PID namespace, root.
        "agent": dict(family=f"legacy-log-agent{sfx}", networkMode="host", pidMode="host",
                      requiresCompatibilities=["EC2"], containerDefinitions=[
                          {"name": "agent", "image": "fluent/fluent-bit:1.9", "memory": 256,
                           "user": "root", "readonlyRootFilesystem": True,
                           "logConfiguration": _logs("/ecs/log-agent", "agent")}]),
        # Today's standard: both containers read-only, logged, secrets by reference.
        "hardened": dict(family=f"legacy-web-hardened{sfx}", **fargate, containerDefinitions=[
            {"name": "web", "image": images["web-patched"], "essential": True, "user": "1000",
             "readonlyRootFilesystem": True, "privileged": False,
             "logConfiguration": _logs("/ecs/legacy-web", "web"),
             "environment": [{"name": "SPRING_PROFILES_ACTIVE", "value": "prod"}],
             "secrets": [{"name": "DB_PASSWORD", "valueFrom":
                          "arn:aws:secretsmanager:us-east-1:123456789012:secret:legacy/db"}]},
            {"name": "adot-collector", "image": ADOT_IMAGE, "essential": False,
             "user": "10001", "readonlyRootFilesystem": True,
             "logConfiguration": _logs("/ecs/adot", "adot")}]),
    }
    arns = {role: ecs.register_task_definition(**spec)["taskDefinition"]["taskDefinitionArn"]
            for role, spec in defs.items()}
    estate.created += len(arns)
    web, app, agent, hard = arns["web"], arns["app"], arns["agent"], arns["hardened"]
    estate.expect("ecs-task-definition-host-network-user", violating=[agent], compliant=[hard])
    estate.expect("ecs-task-definition-no-host-pid", violating=[agent], compliant=[hard])
    estate.expect("ecs-container-not-privileged", violating=[app], compliant=[hard, web])
    estate.expect("ecs-container-read-only-root-fs", violating=[web], compliant=[hard, app])
    estate.expect("ecs-container-no-secrets-in-env", violating=[app], compliant=[hard, web])
    estate.expect("ecs-task-definition-logging", violating=[web], compliant=[hard, app])
    return arns


def build(estate) -> None:
    ecr, ecs = estate.client("ecr"), estate.client("ecs")
    public, private = estate.shared["public_subnets"], estate.shared["private_subnets"]
    sg = estate.client("ec2").create_security_group(
        GroupName="legacy-ecs-tasks", Description="ECS tasks of the legacy system",
        VpcId=estate.shared["vpc_id"])["GroupId"]
    estate.created += 1
    for i in estate.copies():
        sfx = estate.suffix(i)
        images = _repositories(estate, ecr, sfx)
        arns = _task_definitions(estate, ecs, images, sfx)

        legacy = ecs.create_cluster(clusterName=f"legacy-prod{sfx}", tags=[
            {"key": "asset:class", "value": "container"}])["cluster"]["clusterArn"]
        hardened = ecs.create_cluster(
            clusterName=f"legacy-prod-v2{sfx}",
            settings=[{"name": "containerInsights", "value": "enabled"}],
            tags=[{"key": "asset:class", "value": "container"}])["cluster"]["clusterArn"]
        payments = ecs.create_cluster(clusterName=f"legacy-payments{sfx}", tags=[
            {"key": k, "value": v} for k, v in CRITICAL.items()])["cluster"]["clusterArn"]
        estate.created += 3
        estate.expect("ecs-cluster-container-insights", violating=[legacy], compliant=[hardened],
                      protected=[payments])

        services = {}
        for name, cluster, subnets, public_ip, version, task in (
                (f"legacy-web{sfx}", legacy, public, "ENABLED", "1.3.0", arns["web"]),
                (f"legacy-app{sfx}", hardened, private, "DISABLED", "LATEST", arns["hardened"])):
            services[name] = ecs.create_service(
                cluster=cluster, serviceName=name, taskDefinition=task, desiredCount=2,
                launchType="FARGATE", platformVersion=version,
                networkConfiguration={"awsvpcConfiguration": {
                    "subnets": subnets, "securityGroups": [sg],
                    "assignPublicIp": public_ip}},
                tags=[{"key": "asset:class", "value": "container"}])["service"]["serviceArn"]
        estate.created += 2
        weak_svc, hard_svc = services[f"legacy-web{sfx}"], services[f"legacy-app{sfx}"]
        for check in ("ecs-service-no-public-ip", "ecs-fargate-latest-platform"):
            estate.expect(check, violating=[weak_svc], compliant=[hard_svc])
