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


@registry.action("start-automation")
class StartAutomation(Action):
    """Start an SSM Automation runbook for each matched resource.

    ``parameters`` maps runbook parameters to JMESPath expressions evaluated on
    the resource; ``static-parameters`` are literal values, formatted with
    ``{account_id}``, ``{region}`` and ``{partition}``; ``role`` (formatted the
    same way) is passed as ``AutomationAssumeRole``. When exactly one parameter
    comes from the resource, resources are batched into rate-controlled
    executions (``TargetParameterName`` with ``ParameterValues`` targets), so a
    thousand buckets cost twenty API calls, not a thousand.

    :example:

    .. code-block:: yaml

        policies:
          - name: s3-bucket-versioning-by-runbook
            resource: aws.s3
            metadata:
              category: compliance
              severity: low
              controls: [FSBP/S3.14]
              source: s3-bucket-versioning-enabled
              remediation: auto
              description: S3 buckets should have versioning enabled.
            filters:
              - type: value
                key: Versioning.Status
                value: Enabled
                op: ne
            actions:
              - type: start-automation
                document: AWS-ConfigureS3BucketVersioning
                parameters:
                  BucketName: Name
                static-parameters:
                  VersioningState: Enabled
                role: "arn:aws:iam::{account_id}:role/assetpack-remediation"
    """

    schema = type_schema(
        "start-automation",
        required=["document", "parameters"],
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
