"""Lambda: the legacy system's functions (an image resizer from the first release,
an order worker in the VPC, a report export, a payments webhook)."""

from __future__ import annotations

import io
import json
import zipfile

ORDER = 40
CRITICAL = {"asset:criticality": "critical", "asset:class": "serverless"}
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


def _code() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buf.getvalue()


def build(estate) -> None:
    lam, ec2 = estate.client("lambda"), estate.client("ec2")
    role = estate.client("iam").create_role(
        RoleName="legacy-lambda-exec", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    sg = ec2.create_security_group(GroupName="legacy-lambda", Description="legacy lambdas",
                                   VpcId=estate.shared["vpc_id"])["GroupId"]
    private = estate.shared["private_subnets"]
    estate.created += 2
    code = _code()
    for i in estate.copies():
        sfx = estate.suffix(i)
        names = {role_: f"legacy-{role_}{sfx}" for role_ in (
            "image-resizer", "order-worker", "report-export", "payments-webhook")}
        specs = {
            "image-resizer": ("python3.8", None, {}),
            "order-worker": ("python3.12", private, {}),
            "report-export": ("python3.12", private[:1], {}),
            "payments-webhook": ("python3.12", private, CRITICAL),
        }
        for role_, (runtime, subnets, tags) in specs.items():
            kw = {"VpcConfig": {"SubnetIds": subnets, "SecurityGroupIds": [sg]}} if subnets else {}
            lam.create_function(FunctionName=names[role_], Runtime=runtime, Role=role,
                                Handler="index.handler", Code={"ZipFile": code},
                                Tags={"asset:class": "serverless", **tags}, **kw)
        # Public invoke permissions left over from a quick integration; the worker is
        # invoked by SNS, restricted to its topic.
        for role_ in ("image-resizer", "payments-webhook"):
            lam.add_permission(FunctionName=names[role_], StatementId="public-invoke",
                               Action="lambda:InvokeFunction", Principal="*")
        lam.add_permission(FunctionName=names["order-worker"], StatementId="sns-invoke",
                           Action="lambda:InvokeFunction", Principal="sns.amazonaws.com",
                           SourceArn="arn:aws:sns:us-east-1:123456789012:legacy-orders")
        estate.created += len(specs)
        resizer, worker, export, webhook = (names[k] for k in specs)
        estate.expect("lambda-function-not-public", violating=[resizer], compliant=[worker],
                      protected=[webhook])
        estate.expect("lambda-function-supported-runtime", violating=[resizer],
                      compliant=[worker, export])
        estate.expect("lambda-function-in-vpc", violating=[resizer], compliant=[worker, export])
        estate.expect("lambda-function-multi-az", violating=[export], compliant=[worker])
