"""An emulated AWS organisation for ``assetpack org run``: workload accounts in
several regions, a security account that is Security Hub's delegated
administrator, and the c7n-org accounts file that names them.

moto keeps one set of backends per account; ``AssumeRole`` into
``arn:aws:iam::<id>:role/<role>`` returns credentials of that account, so c7n-org's
role assumption works as in AWS. Each workload account and region gets the demo
estate's messaging part (SNS topics and SQS queues, violating and compliant).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import boto3
import yaml

from assetpack.emulator.estate import Estate, messaging

ROLE = "OrganizationAccountAccessRole"  # what AWS Organizations creates in new accounts
WORKLOADS = ("prod", "staging", "dev")
REGIONS = ("us-east-1", "eu-west-1")


@dataclass
class Organization:
    admin: str                                    # the security account's id
    accounts: dict[str, str] = field(default_factory=dict)  # workload name -> id
    regions: tuple[str, ...] = REGIONS

    def role(self, account_id: str) -> str:
        return f"arn:aws:iam::{account_id}:role/{ROLE}"

    def session(self, base: boto3.Session, account_id: str, region: str) -> boto3.Session:
        creds = base.client("sts").assume_role(RoleArn=self.role(account_id),
                                               RoleSessionName="assetpack-org")["Credentials"]
        return boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                             aws_secret_access_key=creds["SecretAccessKey"],
                             aws_session_token=creds["SessionToken"], region_name=region)

    def accounts_file(self, path: Path) -> Path:
        """The c7n-org accounts file (docs/org.md): one entry per workload account."""
        path.write_text(yaml.safe_dump({"accounts": [
            {"account_id": account_id, "name": name, "role": self.role(account_id),
             "regions": list(self.regions), "tags": [f"environment:{name}"]}
            for name, account_id in self.accounts.items()]}, sort_keys=False))
        return path


def build(base: boto3.Session | None = None, workloads: tuple[str, ...] = WORKLOADS,
          regions: tuple[str, ...] = REGIONS) -> Organization:
    """Create the organisation from the management account ``base`` stands in."""
    from assetpack.demo import prepare_account

    base = base or boto3.Session()
    orgs = base.client("organizations")
    orgs.create_organization(FeatureSet="ALL")

    def account(name: str) -> str:
        return orgs.create_account(Email=f"{name}@example.com",
                                   AccountName=name)["CreateAccountStatus"]["AccountId"]

    org = Organization(admin=account("security"), regions=regions)
    org.accounts = {name: account(name) for name in workloads}
    base.client("securityhub").enable_organization_admin_account(AdminAccountId=org.admin)
    for region in regions:
        admin = org.session(base, org.admin, region).client("securityhub")
        admin.enable_security_hub(EnableDefaultStandards=False)
        admin.create_members(AccountDetails=[{"AccountId": a} for a in org.accounts.values()])
        for account_id in org.accounts.values():
            member = org.session(base, account_id, region)
            # What Terraform sets up in each workload account (Security Hub, the
            # taxonomy the tag-compliance checks need, the notification queue).
            prepare_account(member)
            messaging.build(Estate(session=member, region=region))
    return org
