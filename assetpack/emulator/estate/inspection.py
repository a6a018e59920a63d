"""Detection services: AWS Config, a GuardDuty detector and Inspector2 CVE findings.

moto serves Inspector2 findings from a queue filled through its own
``/moto-api`` endpoint: the estate seeds realistic package vulnerabilities on
the web image, a Lambda function and an EC2 instance there.
"""

from __future__ import annotations

import requests

ORDER = 90
CVES = [
    # (resource type, resource name, CVE, severity, package, fixed in)
    ("AWS_ECR_CONTAINER_IMAGE", "legacy-web", "CVE-2023-44487", "HIGH", "nghttp2", "1.57.0"),
    ("AWS_ECR_CONTAINER_IMAGE", "legacy-web", "CVE-2024-3094", "CRITICAL", "xz-utils", "5.6.2"),
    ("AWS_LAMBDA_FUNCTION", "legacy-report-export", "CVE-2022-42969", "MEDIUM", "py", "1.11.1"),
    ("AWS_EC2_INSTANCE", "i-0legacybastion0001", "CVE-2024-6387", "HIGH", "openssh", "9.8p1"),
]


def _resource(estate, kind: str, name: str) -> dict:
    account = "123456789012"
    if kind == "AWS_ECR_CONTAINER_IMAGE":
        arn = f"arn:aws:ecr:{estate.region}:{account}:repository/{name}/sha256:" + "ab" * 32
        details = {"awsEcrContainerImage": {"repositoryName": name, "imageTags": ["2019.4"],
                                            "registry": account, "imageHash": "sha256:" + "ab" * 32,
                                            "platform": "AMAZON_LINUX_2"}}
    elif kind == "AWS_LAMBDA_FUNCTION":
        arn = f"arn:aws:lambda:{estate.region}:{account}:function:{name}"
        details = {"awsLambdaFunction": {"functionName": name, "runtime": "PYTHON_3_8"}}
    else:
        arn = f"arn:aws:ec2:{estate.region}:{account}:instance/{name}"
        details = {"awsEc2Instance": {"type": "t3.micro", "platform": "AMAZON_LINUX_2"}}
    return {"type": kind, "id": arn, "partition": "aws", "region": estate.region,
            "details": details}


def finding(estate, n: int, kind: str, name: str, cve: str, severity: str, package: str,
            fixed: str) -> dict:
    return {
        "awsAccountId": "123456789012",
        "findingArn": f"arn:aws:inspector2:{estate.region}:123456789012:finding/{n:032x}",
        "type": "PACKAGE_VULNERABILITY",
        "severity": severity,
        "status": "ACTIVE",
        "title": f"{cve} - {package}",
        "description": f"{package} is affected by {cve}.",
        "firstObservedAt": "2026-11-01T08:00:00Z",
        "lastObservedAt": "2026-11-23T08:00:00Z",
        "updatedAt": "2026-11-23T08:00:00Z",
        "fixAvailable": "YES",
        "remediation": {"recommendation": {"text": f"Upgrade {package} to {fixed} or later."}},
        "packageVulnerabilityDetails": {
            "vulnerabilityId": cve, "source": "NVD",
            "vulnerablePackages": [{"name": package, "version": "0", "fixedInVersion": fixed}],
        },
        "resources": [_resource(estate, kind, name)],
    }


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


def build(estate) -> None:
    estate.client("guardduty").create_detector(Enable=True)
    _config_recorder(estate)
    findings = [finding(estate, n, *row) for n, row in enumerate(CVES, 1)]
    endpoint = estate.client("sts").meta.endpoint_url
    response = requests.post(f"{endpoint}/moto-api/static/inspector2/findings-results",
                             json={"results": [findings], "region": estate.region}, timeout=30)
    response.raise_for_status()
    estate.shared["inspector_findings"] = findings
    estate.created += 1
