"""What AWS's own products report to Security Hub about the estate, and a budget.

Inspector's CVE findings (seeded by :mod:`.inspection`), a GuardDuty threat on the
bastion and an AWS Config rule result are imported as their Security Hub
integrations deliver them (:mod:`assetpack.emulator.integrations`), so the daily
report has every source to count. The monthly cost budget is the one Terraform's
notifications module creates.
"""

from __future__ import annotations

from assetpack.emulator import integrations

ORDER = 96  # after inspection (90), whose Inspector findings it forwards
ACCOUNT = "123456789012"
BASTION = {"asset:class": "compute", "asset:owner": "platform-team",
           "asset:criticality": "high", "asset:environment": "prod"}
WEB = {"asset:class": "container", "asset:owner": "web-team", "asset:criticality": "critical",
       "asset:environment": "prod"}


def build(estate) -> None:
    region = estate.region
    forwarded = [integrations.inspector(region, f, WEB if "ecr" in f["resources"][0]["id"]
                                        else BASTION)
                 for f in estate.shared.get("inspector_findings", [])]
    detector = estate.client("guardduty").list_detectors()["DetectorIds"][0]
    bastion = f"arn:aws:ec2:{region}:{ACCOUNT}:instance/i-0legacybastion0001"
    forwarded.append(integrations.guardduty(
        region, detector, bastion, "Command and Control/Backdoor:EC2-C&CActivity.B!DNS",
        "HIGH", "EC2 instance i-0legacybastion0001 is querying a domain name associated "
        "with a known command and control server.", BASTION))
    forwarded.append(integrations.config_rule(
        region, "s3-bucket-logging-enabled", "AwsS3Bucket", "arn:aws:s3:::legacy-web-assets",
        "MEDIUM", "s3-bucket-logging-enabled: the bucket does not log server access.",
        {"asset:class": "storage", "asset:owner": "web-team"}))
    estate.client("securityhub").batch_import_findings(Findings=forwarded)
    budgets = estate.session.client("budgets", region_name="us-east-1")  # a global service
    budgets.create_budget(AccountId=ACCOUNT, Budget={
        "BudgetName": "monthly", "BudgetType": "COST", "TimeUnit": "MONTHLY",
        "BudgetLimit": {"Amount": "500", "Unit": "USD"}})
    estate.created += 1
