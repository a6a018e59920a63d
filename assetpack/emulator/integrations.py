"""Findings that AWS's own products send to Security Hub, for the emulator.

In an account, Inspector, GuardDuty and AWS Config deliver their findings to
Security Hub through its product integrations (``product/aws/<service>``). moto
does not forward them, so the demo estate and the tests import findings shaped
as those integrations send them (fields from the ASFF documentation of each
integration), beside the pack's own findings.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

ACCOUNT = "123456789012"


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _base(region: str, product: str, name: str, finding_id: str, generator: str,
          types: list[str], severity: str, title: str, resource: dict, now: str) -> dict:
    return {
        "SchemaVersion": "2018-10-08", "Id": finding_id,
        "ProductArn": f"arn:aws:securityhub:{region}::product/aws/{product}",
        "ProductName": name, "CompanyName": "Amazon", "Region": region,
        "GeneratorId": generator, "AwsAccountId": ACCOUNT, "Types": types,
        "FirstObservedAt": now, "CreatedAt": now, "UpdatedAt": now,
        "Severity": {"Label": severity}, "Title": title[:256], "Description": title,
        "Resources": [resource], "RecordState": "ACTIVE", "Workflow": {"Status": "NEW"},
    }


def inspector(region: str, finding: dict, tags: dict[str, str] | None = None,
              now: str | None = None) -> dict:
    """An Inspector2 package-vulnerability finding as Security Hub receives it."""
    now = now or datetime.now(UTC).isoformat()
    res = finding["resources"][0]
    kind = {"AWS_ECR_CONTAINER_IMAGE": "AwsEcrContainerImage",
            "AWS_LAMBDA_FUNCTION": "AwsLambdaFunction",
            "AWS_EC2_INSTANCE": "AwsEc2Instance"}[res["type"]]
    vuln = finding["packageVulnerabilityDetails"]
    return _base(region, "inspector", "Inspector", finding["findingArn"],
                 f"AWSInspector/{vuln['vulnerabilityId']}",
                 ["Software and Configuration Checks/Vulnerabilities/CVE"],
                 finding["severity"], finding["title"],
                 {"Type": kind, "Id": res["id"], "Region": region, "Tags": tags or {}}, now) | {
        "Remediation": {"Recommendation": {"Text": finding["remediation"]["recommendation"]
                                           ["text"]}},
        "Vulnerabilities": [{"Id": vuln["vulnerabilityId"]}]}


def guardduty(region: str, detector: str, instance_arn: str, threat: str, severity: str,
              title: str, tags: dict[str, str] | None = None, now: str | None = None) -> dict:
    now = now or datetime.now(UTC).isoformat()
    fid = f"arn:aws:guardduty:{region}:{ACCOUNT}:detector/{detector}/finding/" \
          f"{_digest(instance_arn, threat)}"
    return _base(region, "guardduty", "GuardDuty", fid,
                 f"arn:aws:guardduty:{region}:{ACCOUNT}:detector/{detector}",
                 [f"TTPs/{threat}"], severity, title,
                 {"Type": "AwsEc2Instance", "Id": instance_arn, "Region": region,
                  "Tags": tags or {}}, now) | {
        "Remediation": {"Recommendation": {"Text": "Isolate the instance and investigate "
                                           "the GuardDuty finding."}}}


def config_rule(region: str, rule: str, resource_type: str, resource_arn: str, severity: str,
                title: str, tags: dict[str, str] | None = None, now: str | None = None) -> dict:
    now = now or datetime.now(UTC).isoformat()
    rule_arn = f"arn:aws:config:{region}:{ACCOUNT}:config-rule/{rule}"
    return _base(region, "config", "Config", f"{rule_arn}/finding/{_digest(resource_arn)}",
                 rule_arn, ["Software and Configuration Checks/AWS Config Analysis"],
                 severity, title, {"Type": resource_type, "Id": resource_arn,
                                   "Region": region, "Tags": tags or {}}, now) | {
        "Compliance": {"Status": "FAILED"},
        "Remediation": {"Recommendation": {"Text": f"See the AWS Config rule {rule}."}}}
