"""``backup-protected`` (EC2.28, RDS.26) and ``security-contact`` (Account.1)."""

from __future__ import annotations

from c7n.filters import Filter
from c7n.utils import local_session, type_schema

from c7n_plugins import registry


@registry.filter("backup-protected", ("aws.ebs", "aws.rds"))
class BackupProtected(Filter):
    """Resources AWS Backup does (``state: true``) or does not (``state: false``)
    protect, from one ``ListProtectedResources`` pagination per run.

    Custodian has no filter that asks AWS Backup about a resource. A resource
    counts as protected once AWS Backup holds a recovery point of it, which is
    what ``ListProtectedResources`` reports.

    :example:

    .. code-block:: yaml

        policies:
          - name: ebs-volume-backup-plan
            resource: aws.ebs
            metadata:
              category: compliance
              severity: low
              controls: [FSBP/EC2.28]
              source: ebs-resources-protected-by-backup-plan
              remediation: manual
              description: EBS volumes should be covered by a backup plan.
            filters:
              - type: backup-protected
                state: false
    """

    schema = type_schema("backup-protected", state={"type": "boolean"})
    permissions = ("backup:ListProtectedResources",)

    def process(self, resources, event=None):
        client = local_session(self.manager.session_factory).client("backup")
        protected = {r["ResourceArn"]
                     for page in client.get_paginator("list_protected_resources").paginate()
                     for r in page.get("Results", [])}
        wanted = self.data.get("state", True)
        arns = self.manager.get_arns(resources)
        return [r for r, arn in zip(resources, arns, strict=True)
                if (arn in protected) == wanted]


@registry.filter("security-contact", ("aws.account",))
class SecurityContact(Filter):
    """Accounts with (``state: true``) or without (``state: false``) a security
    alternate contact.

    Custodian's account resource does not read alternate contacts. An account in
    an organisation whose contacts only the management account may read answers
    AccessDenied: that is an error, not a missing contact.

    :example:

    .. code-block:: yaml

        policies:
          - name: account-security-contact
            resource: aws.account
            metadata:
              category: compliance
              severity: medium
              controls: [FSBP/Account.1]
              source: security-account-information-provided
              remediation: manual
              description: Security contact information should be provided for an AWS account.
            filters:
              - type: security-contact
                state: false
    """

    schema = type_schema("security-contact", state={"type": "boolean"})
    permissions = ("account:GetAlternateContact",)
    annotation = "c7n:SecurityContact"

    def process(self, resources, event=None):
        client = local_session(self.manager.session_factory).client("account")
        wanted = self.data.get("state", True)
        matched = []
        for r in resources:
            try:
                contact = client.get_alternate_contact(AlternateContactType="SECURITY")
                r[self.annotation] = contact["AlternateContact"].get("EmailAddress")
            except client.exceptions.ResourceNotFoundException:
                r[self.annotation] = None
            if bool(r[self.annotation]) == wanted:
                matched.append(r)
        return matched
