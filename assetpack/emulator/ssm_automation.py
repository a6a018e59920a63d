"""SSM Automation for the emulator: moto 5.2 has no ``StartAutomationExecution``.

The pack's ``start-automation`` action starts AWS-owned remediation runbooks.
moto knows neither the API nor those documents, so the emulator process gets
both here: the call is accepted and the few runbooks the pack uses are carried
out at once, through the emulator's own API (as the runbook's steps would call
AWS), and the execution is recorded as ``Success`` (or ``Failed`` with the error).
Other documents are refused as AWS refuses an unknown document.

Nothing here is imported by the pack itself: it only makes the emulator faithful.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

import boto3

Runbook = Callable[[Callable[[str], object], dict[str, str]], None]


def _s3_versioning(client, p):
    client("s3").put_bucket_versioning(Bucket=p["BucketName"], VersioningConfiguration={
        "Status": p.get("VersioningState", "Enabled")})


def _s3_encryption(client, p):
    default = {"SSEAlgorithm": p.get("SSEAlgorithm", "AES256")}
    if p.get("KMSMasterKey"):
        default["KMSMasterKeyID"] = p["KMSMasterKey"]
    client("s3").put_bucket_encryption(Bucket=p["BucketName"], ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": True}]})


def _trail_validation(client, p):
    client("cloudtrail").update_trail(Name=p["TrailName"], EnableLogFileValidation=True)


RUNBOOKS: dict[str, Runbook] = {
    "AWS-ConfigureS3BucketVersioning": _s3_versioning,
    "AWS-EnableS3BucketEncryption": _s3_encryption,
    "AWSConfigRemediation-EnableCloudTrailLogFileValidation": _trail_validation,
}
_executions: dict[str, dict] = {}


def _run(self, document: str, params: dict[str, str]) -> str:
    endpoint = f"http://{self.headers.get('Host')}"

    def client(service):
        return boto3.client(service, region_name=self.region, endpoint_url=endpoint,
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    exec_id = str(uuid.uuid4())
    status, reason = "Success", ""
    try:
        RUNBOOKS[document](client, params)
    except Exception as err:  # noqa: BLE001 - recorded as the execution's failure
        status, reason = "Failed", str(err)[:500]
    _executions[exec_id] = {"AutomationExecutionId": exec_id, "DocumentName": document,
                            "AutomationExecutionStatus": status, "FailureMessage": reason,
                            "Parameters": {k: [v] for k, v in params.items()}}
    return exec_id


def start_automation_execution(self):
    body = json.loads(self.body)
    document = body.get("DocumentName", "")
    if document not in RUNBOOKS:
        return 400, {}, json.dumps({"__type": "InvalidDocument",
                                    "message": f"Document {document} does not exist"})
    params = {k: v[0] for k, v in (body.get("Parameters") or {}).items() if v}
    target = body.get("TargetParameterName")
    ids = []
    if target:
        for t in body.get("Targets") or []:
            for value in t.get("Values", []):
                ids.append(_run(self, document, {**params, target: value}))
    else:
        ids.append(_run(self, document, params))
    return 200, {}, json.dumps({"AutomationExecutionId": ids[0] if ids else str(uuid.uuid4())})


def get_automation_execution(self):
    exec_id = json.loads(self.body).get("AutomationExecutionId")
    if exec_id not in _executions:
        # Raised, not returned: moto sends a returned error body with status 200.
        from moto.core.exceptions import JsonRESTError

        raise JsonRESTError("AutomationExecutionNotFoundException", f"{exec_id} not found")
    return 200, {}, json.dumps({"AutomationExecution": _executions[exec_id]})


def install() -> None:
    from moto.ssm.responses import SimpleSystemManagerResponse

    SimpleSystemManagerResponse.start_automation_execution = start_automation_execution
    SimpleSystemManagerResponse.get_automation_execution = get_automation_execution
