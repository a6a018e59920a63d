"""The IAM permissions the pack needs, derived from its policies' elements.

Terraform grants exactly this document (``terraform/generated/``), so adding
an element with a new API call changes the role in the same pull request.
"""

from __future__ import annotations

from assetpack import pack

# What every run needs besides its elements: identity, and the scan's finding
# reconciliation. The Lambda's own logs and the taxonomy parameter are granted by
# the role module, scoped to their resources, so they are not granted on "*" here.
BASELINE = (
    "sts:GetCallerIdentity",
    "securityhub:BatchImportFindings",
    "securityhub:BatchUpdateFindings",
    "securityhub:GetFindings",
    "tag:GetResources",
)


# Object access to the pack's own buckets (the daily report's snapshots, the journal):
# the role module grants these on those buckets only (data_bucket_arns), never on "*".
ROLE_SCOPED = frozenset({"s3:GetObject", "s3:PutObject", "s3:ListBucket"})


def pack_permissions() -> dict[str, set[str]]:
    """Per policy (deploy form), the union of its resource, filters' and actions' permissions."""
    from c7n.config import Config
    from c7n.policy import PolicyCollection

    import c7n_plugins

    c7n_plugins.load()
    data = {"policies": [pack.deploy_form(p.data) for p in pack.load()]}
    config = Config.empty(region="us-east-1", account_id="000000000000")
    out: dict[str, set[str]] = {}
    for policy in PolicyCollection.from_data(data, config):
        out[policy.name] = set(policy.get_permissions())
    return out


def iam_policy(per_policy: dict[str, set[str]]) -> dict:
    actions = set(BASELINE)
    for perms in per_policy.values():
        actions.update(perms - ROLE_SCOPED)
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "AssetPackPolicies", "Effect": "Allow", "Action": sorted(actions),
         "Resource": "*"}]}


def automation_policy() -> dict:
    """The SSM Automation role's policy: what the runbooks the pack starts call."""
    from c7n_plugins.elements.ssm_automation import RUNBOOK_PERMISSIONS

    documents = {a["document"] for p in pack.load(validate=False)
                 for a in p.data.get("actions") or []
                 if isinstance(a, dict) and a.get("type") == "start-automation"}
    actions = sorted({perm for d in documents for perm in RUNBOOK_PERMISSIONS.get(d, ())})
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "AssetPackRunbooks", "Effect": "Allow", "Action": actions, "Resource": "*"}]}
