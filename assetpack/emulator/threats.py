"""GuardDuty and Inspector events of the demo and the tests, aimed at real resources.

The samples in ``assetpack/data/events`` are shaped as AWS documents them; their
resource ids are placeholders. :func:`aim_at_instance` and :func:`aim_at_access_key`
point a sample at a resource of the emulated account, and :func:`publish` stores the
finding in the emulator's GuardDuty, as GuardDuty holds a finding whose event it sent.
"""

from __future__ import annotations

import copy
import json
from importlib.resources import files

from assetpack.emulator import guardduty

PLACEHOLDER_INSTANCE = "i-99999999"


def sample(name: str) -> dict:
    return json.loads(files("assetpack.data").joinpath("events", f"{name}.json").read_text())


def _detector(session, event: dict) -> None:
    detail = event["detail"]
    ids = session.client("guardduty").list_detectors().get("DetectorIds") or []
    if ids:
        old = detail["service"]["detectorId"]
        detail["service"]["detectorId"] = ids[0]
        detail["arn"] = detail["arn"].replace(old, ids[0])


def aim_at_instance(session, name: str, instance_id: str) -> dict:
    """The sample ``name`` about the emulated instance ``instance_id``."""
    event = copy.deepcopy(sample(name))
    instance = session.client("ec2").describe_instances(InstanceIds=[instance_id])[
        "Reservations"][0]["Instances"][0]
    details = event["detail"]["resource"]["instanceDetails"]
    details["instanceId"] = instance_id
    details["networkInterfaces"] = [{
        "networkInterfaceId": eni["NetworkInterfaceId"], "subnetId": eni.get("SubnetId"),
        "vpcId": eni.get("VpcId"), "privateIpAddress": eni.get("PrivateIpAddress"),
        "securityGroups": [{"groupId": g["GroupId"], "groupName": g["GroupName"]}
                           for g in eni.get("Groups", [])]}
        for eni in instance.get("NetworkInterfaces", [])]
    for key in ("title", "description"):
        event["detail"][key] = event["detail"][key].replace(PLACEHOLDER_INSTANCE, instance_id)
    _detector(session, event)
    return event


def aim_at_access_key(session, name: str, user: str, key_id: str) -> dict:
    """The sample ``name`` about the emulated user's access key."""
    event = copy.deepcopy(sample(name))
    keys = event["detail"]["resource"]["accessKeyDetails"]
    keys.update(userName=user, accessKeyId=key_id)
    _detector(session, event)
    return event


def aim_inspector_at_instance(name: str, instance_id: str) -> dict:
    """A Security Hub import of an Inspector finding, about the emulated instance."""
    text = json.dumps(sample(name)).replace(PLACEHOLDER_INSTANCE, instance_id)
    return json.loads(text)


def publish(session, event: dict) -> None:
    """GuardDuty holds the finding its event reports (``GetFindings`` returns it)."""
    guardduty.seed(session.client("sts").meta.endpoint_url, [event["detail"]])


def replay_demo_threats(session, output_dir) -> dict[str, int]:
    """The demo's threat response: GuardDuty reports a backdoor on the old web server
    and a malicious caller using the deploy bot's access key; the events are replayed
    through the pack's guard-duty policies. Returns what happened, counted."""
    from assetpack.replay import Replayer

    ec2, iam = session.client("ec2"), session.client("iam")
    instance = ec2.describe_instances(Filters=[
        {"Name": "tag:Name", "Values": ["legacy-web-01"]},
        {"Name": "instance-state-name", "Values": ["running"]}])["Reservations"][0][
        "Instances"][0]["InstanceId"]
    key = iam.list_access_keys(UserName="legacy-deploy-bot")["AccessKeyMetadata"][0][
        "AccessKeyId"]
    events = [aim_at_instance(session, "guardduty-ec2-backdoor-cc-dns", instance),
              aim_at_access_key(session, "guardduty-iam-malicious-ip-caller",
                                "legacy-deploy-bot", key)]
    replayer = Replayer(output_dir, session.region_name or "us-east-1",
                        session.client("sts").get_caller_identity()["Account"])
    counts = {"findings": len(events), "alerts": 0, "contained": 0, "keys_deactivated": 0,
              "errors": 0}
    for event in events:
        publish(session, event)
        for outcome in replayer.replay(event["detail"]["type"], event):
            if outcome.error:
                counts["errors"] += 1
            elif outcome.resources:
                counts["alerts"] += 1
                if outcome.policy == "threat-ec2-compromise-containment":
                    counts["contained"] += len(outcome.resources)
                if outcome.policy == "threat-iam-credential-deactivate-key":
                    counts["keys_deactivated"] += len(outcome.resources)
    return counts
