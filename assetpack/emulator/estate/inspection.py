"""Detection services: AWS Config, a GuardDuty detector and Amazon Inspector's findings.

Inspector's findings are seeded on the estate's real resources (the emulator keeps
them, :mod:`assetpack.emulator.inspector`): CVEs in the web image the ``legacy-web``
services run (its patched successor, which the hardened service runs, is clean), in
a Lambda layer and a function's own packages, and on two instances, one of them
critical. Inspector's coverage says which instances it scans: the two with findings
agentlessly; the app server, with no SSM agent, not at all.
"""

from __future__ import annotations

import hashlib
import json

from assetpack.emulator import inspector

ORDER = 90
ACCOUNT = "123456789012"
LAYER = "arn:aws:lambda:{region}:123456789012:layer:legacy-pillow:3"
# Where each CVE sits: (kind, asset key, CVE, severity, CVSS, package, installed, fixed,
# exploit known, first seen).
CVES = [
    ("image", "web:1.8.2", "CVE-2024-3094", "CRITICAL", 10.0, "xz-utils", "5.6.0-0.2",
     "5.6.1+really5.4.5-1", "YES", "2026-10-02T08:00:00Z"),
    ("image", "web:1.8.2", "CVE-2023-44487", "HIGH", 7.5, "libnghttp2-14", "1.43.0-1",
     "1.43.0-1+deb11u1", "YES", "2026-09-14T08:00:00Z"),
    ("function", "image-resizer", "CVE-2022-22817", "CRITICAL", 9.8, "Pillow", "8.4.0",
     "9.0.0", "NO", "2026-10-20T08:00:00Z"),
    ("function", "report-export", "CVE-2022-42969", "MEDIUM", 5.3, "py", "1.11.0", "",
     "NO", "2026-11-01T08:00:00Z"),
    ("instance", "legacy-web-01", "CVE-2024-6387", "HIGH", 8.1, "openssh-server", "8.7p1-38",
     "8.7p1-38.amzn2023.0.2", "YES", "2026-10-10T08:00:00Z"),
    ("instance", "legacy-batch-01", "CVE-2023-38545", "CRITICAL", 9.8, "curl", "7.88.1-10",
     "8.4.0-1", "NO", "2026-10-12T08:00:00Z"),
]
IMAGES = {"web:1.8.2": "legacy/web", "web:1.9.0": "legacy/web", "app:2024.11.3": "legacy/app"}


def _push_images(estate, sfx: str) -> dict[str, str]:
    """Push the images the task definitions name; return their digests by key."""
    ecr, digests = estate.client("ecr"), {}
    for key, repo in IMAGES.items():
        tag = key.split(":", 1)[1]
        layer = hashlib.sha256(f"{repo}{sfx}:{tag}".encode()).hexdigest()
        manifest = json.dumps({
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                       "size": 1469, "digest": f"sha256:{layer}"},
            "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                        "size": 31_357_624, "digest": f"sha256:{layer[::-1]}"}]})
        image = ecr.put_image(repositoryName=f"{repo}{sfx}", imageManifest=manifest,
                              imageTag=tag)["image"]
        digests[key] = image["imageId"]["imageDigest"]
    return digests


def _resource(estate, kind: str, key: str, sfx: str, ids: dict) -> dict:
    region = estate.region
    if kind == "image":
        repo, tag = IMAGES[key] + sfx, key.split(":", 1)[1]
        return {"type": "AWS_ECR_CONTAINER_IMAGE", "partition": "aws", "region": region,
                "id": f"arn:aws:ecr:{region}:{ACCOUNT}:repository/{repo}/{ids[key]}",
                "details": {"awsEcrContainerImage": {
                    "repositoryName": repo, "imageTags": [tag], "imageHash": ids[key],
                    "registry": ACCOUNT, "platform": "DEBIAN_11", "architecture": "amd64",
                    "pushedAt": "2026-09-01T08:00:00Z"}}}
    if kind == "function":
        name = f"legacy-{key}{sfx}"
        layers = [LAYER.format(region=region)] if key == "image-resizer" else []
        return {"type": "AWS_LAMBDA_FUNCTION", "partition": "aws", "region": region,
                "id": f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}:$LATEST",
                "details": {"awsLambdaFunction": {
                    "functionName": name, "runtime": "PYTHON_3_12", "packageType": "ZIP",
                    "layers": layers, "version": "$LATEST"}}}
    instance = ids[f"{key}{sfx}"]
    return {"type": "AWS_EC2_INSTANCE", "partition": "aws", "region": region,
            "id": instance,
            "details": {"awsEc2Instance": {"type": "t3.small", "platform": "AMAZON_LINUX_2023",
                                           "imageId": estate.shared.get("image_id", "")}}}


def finding(estate, n: int, row: tuple, sfx: str, ids: dict) -> dict:
    """One Inspector package-vulnerability finding, as ``ListFindings`` returns it."""
    kind, key, cve, severity, score, package, installed, fixed, exploit, seen = row
    pkg = {"name": package, "version": installed, "packageManager": "OS"}
    if fixed:
        pkg["fixedInVersion"] = fixed
    if kind == "function":
        pkg["packageManager"] = "PYTHONPKG"
        if key == "image-resizer":
            pkg["sourceLambdaLayerArn"] = LAYER.format(region=estate.region)
    vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    out = {
        "awsAccountId": ACCOUNT,
        "findingArn": f"arn:aws:inspector2:{estate.region}:{ACCOUNT}:finding/{n:032x}",
        "type": "PACKAGE_VULNERABILITY",
        "severity": severity,
        "status": "ACTIVE",
        "title": f"{cve} - {package}",
        "description": f"{package} {installed} is affected by {cve}.",
        "firstObservedAt": seen,
        "lastObservedAt": "2026-11-30T08:00:00Z",
        "updatedAt": "2026-11-30T08:00:00Z",
        "inspectorScore": score,
        "fixAvailable": "YES" if fixed else "NO",
        "exploitAvailable": exploit,
        "remediation": {"recommendation": {
            "text": f"Upgrade {package} to {fixed} or later." if fixed else "None provided"}},
        "packageVulnerabilityDetails": {
            "vulnerabilityId": cve, "source": "NVD", "vendorSeverity": severity,
            "sourceUrl": f"https://nvd.nist.gov/vuln/detail/{cve}",
            "cvss": [{"baseScore": score, "scoringVector": vector, "source": "NVD",
                      "version": "3.1"}],
            "vulnerablePackages": [pkg],
        },
        "resources": [_resource(estate, kind, key, sfx, ids)],
    }
    if exploit == "YES":
        out["exploitabilityDetails"] = {"lastKnownExploitAt": "2026-11-15T00:00:00Z"}
    return out


def _coverage(instance: str, scanned: bool) -> dict:
    status = ({"statusCode": "ACTIVE", "reason": "SUCCESSFUL"} if scanned else
              {"statusCode": "INACTIVE", "reason": "UNMANAGED_EC2_INSTANCE"})
    item = {"accountId": ACCOUNT, "resourceId": instance, "resourceType": "AWS_EC2_INSTANCE",
            "scanType": "PACKAGE", "scanStatus": status}
    if scanned:
        item["scanMode"] = "EC2_AGENTLESS"
    return item


def _instances(estate) -> dict[str, str]:
    pages = estate.client("ec2").get_paginator("describe_instances").paginate()
    return {t["Value"]: i["InstanceId"] for page in pages for res in page["Reservations"]
            for i in res["Instances"] for t in i.get("Tags", []) if t["Key"] == "Name"}


def _services(estate, sfx: str) -> dict[str, str]:
    ecs = estate.client("ecs")
    out = {}
    for cluster in (f"legacy-prod{sfx}", f"legacy-prod-v2{sfx}"):
        for arn in ecs.list_services(cluster=cluster)["serviceArns"]:
            out[arn.rsplit("/", 1)[-1]] = arn
    return out


def _config_recorder(estate) -> None:
    """AWS Config recording everything into its own bucket, as Terraform sets it up."""
    config, bucket = estate.client("config"), "legacy-config-history"
    estate.client("s3").create_bucket(Bucket=bucket)
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": "arn:aws:iam::123456789012:role/aws-config",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": bucket})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    estate.created += 2


def _quarantine_group(estate) -> None:
    """The empty quarantine group Terraform creates where containment is opted in
    (Terraform also removes the allow-all egress rule AWS adds to a new group)."""
    ec2 = estate.client("ec2")
    group = ec2.create_security_group(
        GroupName="assetpack-quarantine", Description="assetpack containment",
        VpcId=estate.shared["vpc_id"], TagSpecifications=[{
            "ResourceType": "security-group", "Tags": [
                {"Key": "assetpack:purpose", "Value": "quarantine"},
                {"Key": "asset:class", "Value": "network"}]}])["GroupId"]
    egress = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0][
        "IpPermissionsEgress"]
    if egress:
        ec2.revoke_security_group_egress(GroupId=group, IpPermissions=egress)
    estate.created += 1


def build(estate) -> None:
    estate.client("guardduty").create_detector(Enable=True)
    _quarantine_group(estate)
    _config_recorder(estate)
    instances = _instances(estate)
    findings, coverage = [], []
    for i in estate.copies():
        sfx = estate.suffix(i)
        ids = {**_push_images(estate, sfx), **instances}
        findings += [finding(estate, len(findings) + n, row, sfx, ids)
                     for n, row in enumerate(CVES, 1)]
        web, batch, app = (instances[f"legacy-{n}-01{sfx}"] for n in ("web", "batch", "app"))
        coverage += [_coverage(web, True), _coverage(batch, True), _coverage(app, False)]
        services = _services(estate, sfx)
        weak, hard = services[f"legacy-web{sfx}"], services[f"legacy-app{sfx}"]
        for check in ("vulnerability-ecs-service-cves",
                      "vulnerability-ecs-service-critical-fixable"):
            estate.expect(check, violating=[weak], compliant=[hard])
        estate.expect("vulnerability-ecr-repository-cves", violating=[f"legacy/web{sfx}"],
                      compliant=[f"legacy/app{sfx}"])
        estate.expect("vulnerability-ec2-instance-cves", violating=[web, batch],
                      compliant=[app])
        estate.expect("vulnerability-ec2-not-scannable", violating=[app],
                      compliant=[web, batch])
        resizer, export, worker = (f"legacy-{n}{sfx}" for n in (
            "image-resizer", "report-export", "order-worker"))
        estate.expect("vulnerability-lambda-function-cves", violating=[resizer, export],
                      compliant=[worker])
        estate.expect("vulnerability-lambda-critical-cves", violating=[resizer],
                      compliant=[export, worker])
        estate.created += len(IMAGES)
    endpoint = estate.client("sts").meta.endpoint_url
    inspector.seed(endpoint, findings, coverage)
    estate.shared["inspector_findings"] = findings
