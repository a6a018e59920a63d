"""``start-automation``: fix a resource by starting an SSM Automation runbook.

Custodian has no action that starts an SSM Automation execution (``send-command``
runs a Run Command document on instances only), yet the AWS-owned remediation
runbooks (``AWS-EnableS3BucketEncryption``, ``AWSConfigRemediation-*``) are the
reviewed, audited way to fix many controls, and Security Hub and Config link to
them. This action starts one per matched resource, or one rate-controlled
execution per 50 resources when a single parameter is taken from the resource.
"""

from __future__ import annotations

import jmespath
from c7n.actions import Action
from c7n.exceptions import PolicyValidationError
from c7n.utils import chunks, local_session, type_schema

from c7n_plugins import registry

BATCH = 50  # ParameterValues targets per rate-controlled execution (the API's limit)
# What each runbook the pack starts calls, as its AutomationAssumeRole; from the
# runbooks' own documentation (Systems Manager Automation runbook reference). The
# role Terraform creates is granted exactly these (`assetpack permissions --format
# automation`); a runbook missing here fails validation.
RUNBOOK_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "AWS-EnableS3BucketEncryption": ("s3:PutEncryptionConfiguration",
                                     "s3:GetEncryptionConfiguration"),
    "AWSConfigRemediation-EnableCloudTrailLogFileValidation": (
        "cloudtrail:UpdateTrail", "cloudtrail:GetTrail", "cloudtrail:DescribeTrails"),
    "AWS-ConfigureS3BucketVersioning": ("s3:PutBucketVersioning", "s3:GetBucketVersioning"),
}


@registry.action("start-automation")
class StartAutomation(Action):
    """Start an SSM Automation runbook for each matched resource.

    ``parameters`` maps runbook parameters to JMESPath expressions evaluated on
    the resource; ``static-parameters`` are literal values, formatted with
    ``{account_id}``, ``{region}`` and ``{partition}``; ``role`` (formatted the
    same way, required) is passed as ``AutomationAssumeRole``: the runbook acts as
    that role (``assetpack-automation``, which Terraform creates with the runbooks'
    own permissions), never as the caller. The change happens when the execution
    runs, so ``asset-remediate`` reports it ``pending`` until it is seen done.
    When exactly one parameter comes from the resource, resources are batched
    into rate-controlled executions (``TargetParameterName`` with ``ParameterValues`` targets), so a
    thousand buckets cost twenty API calls, not a thousand.

    :example:

    .. code-block:: yaml

        policies:
          - name: cloudtrail-log-file-validation
            resource: aws.cloudtrail
            metadata:
              category: compliance
              severity: low
              controls: [FSBP/CloudTrail.4]
              source: cloud-trail-log-file-validation-enabled
              remediation: auto
              description: Trails must sign digest files.
            filters:
              - LogFileValidationEnabled: false
            actions:
              - type: start-automation
                document: AWSConfigRemediation-EnableCloudTrailLogFileValidation
                parameters:
                  TrailName: Name
                role: "arn:aws:iam::{account_id}:role/assetpack-automation"
    """

    schema = type_schema(
        "start-automation",
        required=["document", "parameters", "role"],
        document={"type": "string", "minLength": 1},
        version={"type": "string"},
        parameters={"type": "object", "minProperties": 1,
                    "additionalProperties": {"type": "string"}},
        **{"static-parameters": {"type": "object",
                                 "additionalProperties": {"type": ["string", "array"]}}},
        role={"type": "string"},
        concurrency={"type": "string"},
    )
    permissions = ("ssm:StartAutomationExecution", "iam:PassRole")

    def validate(self):
        if self.data["document"] not in RUNBOOK_PERMISSIONS:
            raise PolicyValidationError(
                f"start-automation: {self.data['document']} has no entry in "
                "RUNBOOK_PERMISSIONS, so its role would lack what it calls")
        for name, expr in self.data["parameters"].items():
            try:
                jmespath.compile(expr)
            except jmespath.exceptions.JMESPathError as err:
                raise PolicyValidationError(
                    f"start-automation: parameter {name}: bad JMESPath {expr!r}: {err}") from err
        return self

    def _static(self) -> dict[str, list[str]]:
        fmt = {"account_id": self.manager.config.account_id,
               "region": self.manager.config.region,
               "partition": "aws"}
        out = {}
        for name, value in (self.data.get("static-parameters") or {}).items():
            values = value if isinstance(value, list) else [value]
            out[name] = [str(v).format(**fmt) for v in values]
        if self.data.get("role"):
            out["AutomationAssumeRole"] = [self.data["role"].format(**fmt)]
        return out

    def _resource_params(self, resource: dict) -> dict[str, list[str]]:
        params = {}
        for name, expr in self.data["parameters"].items():
            value = jmespath.search(expr, resource)
            if value is None:
                raise ValueError(f"{expr!r} is empty on the resource")
            params[name] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        return params

    def process(self, resources, event=None):
        client = local_session(self.manager.session_factory).client(
            "ssm", region_name=self.manager.config.region)
        base = {"DocumentName": self.data["document"]}
        if self.data.get("version"):
            base["DocumentVersion"] = self.data["version"]
        static = self._static()
        executions = []
        if len(self.data["parameters"]) == 1:
            (name, _), = self.data["parameters"].items()
            for batch in chunks(resources, BATCH):
                values = [self._resource_params(r)[name][0] for r in batch]
                result = client.start_automation_execution(
                    **base, Parameters=static, TargetParameterName=name,
                    Targets=[{"Key": "ParameterValues", "Values": values}],
                    MaxConcurrency=self.data.get("concurrency", "10"), MaxErrors="0")
                for r in batch:
                    r["c7n:AutomationExecutionId"] = result["AutomationExecutionId"]
                executions.append(result["AutomationExecutionId"])
            return executions
        for r in resources:
            result = client.start_automation_execution(
                **base, Parameters={**static, **self._resource_params(r)})
            r["c7n:AutomationExecutionId"] = result["AutomationExecutionId"]
            executions.append(result["AutomationExecutionId"])
        return executions
