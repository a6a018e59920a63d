"""GuardDuty response: which findings to act on, EC2 containment, access-key deactivation.

Custodian's ``guard-duty`` mode resolves the instance or IAM user a finding names,
but its ``event`` filter cannot say "high severity and one of these finding
families" in one place, and its actions that answer a finding either destroy
(``terminate``, ``remove-keys`` deletes by default) or act without recording what
they changed. The actions here snapshot before they isolate, never delete, and
write the previous state to the remediation journal (contract 7) first, so
``assetpack undo`` can restore it (see :func:`restore`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from c7n.actions import Action
from c7n.exceptions import PolicyExecutionError
from c7n.filters import Filter
from c7n.utils import local_session, type_schema

from c7n_plugins import registry
from c7n_plugins.journal import Entry, Journal, for_run
from c7n_plugins.remedies import CONTAINMENT_TAG

FINDING = "c7n:GuardDutyFinding"
QUARANTINE_TAG = "assetpack:purpose"
EVIDENCE_TAG = "assetpack:evidence"


def _finding(event: dict | None) -> dict | None:
    """The GuardDuty finding of an EventBridge ``GuardDuty Finding`` event."""
    if not isinstance(event, dict) or event.get("detail-type") != "GuardDuty Finding":
        return None
    detail = event.get("detail")
    return detail if isinstance(detail, dict) and detail.get("type") else None


@registry.filter("guardduty-finding", ("aws.ec2", "aws.iam-user"))
class GuardDutyFinding(Filter):
    """Match the resource a GuardDuty finding event names, when the finding qualifies.

    ``types``: regular expressions on the finding type (any one matches);
    ``min-severity``: GuardDuty's numeric severity (7.0 and up is High);
    ``resource-role``: ``ACTOR`` (the resource did it) or ``TARGET``;
    ``confirm``: re-read the finding from GuardDuty (``GetFindings``) and act only
    if it still exists and is not archived (a finding someone archived as a false
    positive, or a replayed stale event, contains nothing), judging its current
    severity. The finding's id, type, severity and title are annotated as
    ``c7n:GuardDutyFinding`` for the actions and the alert. Outside an event
    (a scan) nothing matches.

    :example:

    .. code-block:: yaml

        policies:
          - name: threat-ec2-finding-alert
            resource: ec2
            mode:
              type: guard-duty
              pattern: {detail: {resource: {resourceType: [Instance]}}}
            metadata:
              category: threat
              severity: high
              remediation: none
              description: Alert on high-severity compromise findings.
            filters:
              - type: guardduty-finding
                types: ["^Backdoor:EC2/", "^CryptoCurrency:EC2/"]
                min-severity: 7
                confirm: true
    """

    schema = type_schema(
        "guardduty-finding",
        types={"type": "array", "items": {"type": "string"}},
        **{"min-severity": {"type": "number", "minimum": 0},
           "resource-role": {"enum": ["ACTOR", "TARGET"]}},
        confirm={"type": "boolean"},
    )
    permissions = ("guardduty:GetFindings",)

    def get_permissions(self):
        return self.permissions if self.data.get("confirm") else ()

    def _current(self, finding: dict) -> dict | None:
        """The finding as GuardDuty holds it now (camel case, as in the event), or None."""
        detector = (finding.get("service") or {}).get("detectorId")
        client = local_session(self.manager.session_factory).client(
            "guardduty", region_name=self.manager.config.region)
        try:
            found = client.get_findings(DetectorId=detector, FindingIds=[finding["id"]])
        except Exception as err:  # noqa: BLE001 - cannot confirm: do not act
            self.log.error("cannot confirm GuardDuty finding %s: %s", finding.get("id"), err)
            return None
        for f in found.get("Findings", []):
            service = f.get("Service") or {}
            if not service.get("Archived"):
                return dict(finding, severity=f.get("Severity", finding.get("severity")))
        self.log.info("GuardDuty finding %s is archived or gone: no action", finding.get("id"))
        return None

    _matched: dict | None = None

    def qualifies(self, finding: dict) -> bool:
        if not isinstance(finding.get("severity"), int | float) or \
                finding["severity"] < self.data.get("min-severity", 0):
            return False
        patterns = self.data.get("types")
        if patterns and not any(re.search(p, str(finding["type"])) for p in patterns):
            return False
        role = self.data.get("resource-role")
        return not role or (finding.get("service") or {}).get("resourceRole") == role

    def process(self, resources, event=None):
        finding = _finding(event) or self._matched
        if finding is not None and self.data.get("confirm") and finding is not self._matched:
            finding = self._current(finding)
        if finding is None or not self.qualifies(finding):
            return []
        # Remembered for a re-check in the same run (the remediation wrapper asks
        # again, without the event, whether a resource it failed to fix still violates).
        self._matched = finding
        note = {k: finding.get(k) for k in ("id", "arn", "type", "severity", "title")}
        for r in resources:
            r[FINDING] = note
        return resources


def _journal(manager) -> Journal:
    return for_run(manager.config.output_dir)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@registry.action("contain-instance", ("aws.ec2",))
class ContainInstance(Action):
    """Preserve evidence, then isolate: snapshot every volume, move the instance into the
    quarantine security group, tag it.

    In that order, and each step only after the previous one succeeded:

    1. the instance's interfaces and their groups are written to the journal;
    2. ``CreateSnapshots`` takes a crash-consistent snapshot of all its volumes,
       tagged ``assetpack:evidence`` with the finding id (the snapshot is the
       point in time of the call, so later steps cannot alter it);
    3. every interface gets only the quarantine group: the group tagged
       ``assetpack:purpose = quarantine`` in the instance's VPC, which Terraform
       creates where containment is opted in (``containment_vpc_ids``); with no
       such group the instance is left alone and the failure reported;
    4. the instance is tagged ``assetpack:containment``.

    Nothing is stopped, terminated or deleted; undo restores the groups.

    :example:

    .. code-block:: yaml

        policies:
          - name: threat-ec2-compromise-containment
            resource: ec2
            mode:
              type: guard-duty
              pattern: {detail: {resource: {resourceType: [Instance]}}}
            metadata:
              category: threat
              severity: high
              remediation: auto
              description: Contain instances GuardDuty finds compromised.
            filters:
              - type: guardduty-finding
                types: ["^Backdoor:EC2/"]
                min-severity: 7
            actions:
              - contain-instance
    """

    schema = type_schema("contain-instance")
    permissions = ("ec2:DescribeSecurityGroups", "ec2:CreateSnapshots", "ec2:CreateTags",
                   "ec2:ModifyNetworkInterfaceAttribute")

    def process(self, resources):
        client = local_session(self.manager.session_factory).client(
            "ec2", region_name=self.manager.config.region)
        journal = _journal(self.manager)
        failed = []
        for r in resources:
            try:
                self.contain(client, journal, r)
            except Exception as err:  # noqa: BLE001 - one instance never stops the others
                self.log.error("containment of %s failed: %s", r["InstanceId"], err)
                failed.append(f"{r['InstanceId']}: {err}")
        if failed:
            raise PolicyExecutionError("; ".join(failed)[:500])

    def _quarantine_group(self, client, vpc_id: str) -> str:
        groups = client.describe_security_groups(Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": f"tag:{QUARANTINE_TAG}", "Values": ["quarantine"]}])["SecurityGroups"]
        if not groups:
            raise PolicyExecutionError(
                f"no quarantine security group in {vpc_id}: containment is not enabled there")
        return groups[0]["GroupId"]

    def contain(self, client, journal: Journal, r: dict) -> None:
        quarantine = self._quarantine_group(client, r["VpcId"])
        interfaces = {eni["NetworkInterfaceId"]: [g["GroupId"] for g in eni.get("Groups", [])]
                      for eni in r.get("NetworkInterfaces", [])}
        finding = r.get(FINDING) or {}
        arn = self.manager.get_arns([r])[0]
        entry = journal.write(Entry(
            policy=self.manager.ctx.policy.name, resource=arn, resource_type="aws.ec2",
            action=self.type, resource_id=r["InstanceId"], region=self.manager.config.region,
            before={"NetworkInterfaces": interfaces, "Tags": {CONTAINMENT_TAG: None}},
            after={"NetworkInterfaces": {eni: [quarantine] for eni in interfaces},
                   "Tags": {CONTAINMENT_TAG: "quarantined"}},
            detail=f"GuardDuty {finding.get('type', '?')} {finding.get('id', '')}".strip()))
        try:
            evidence = {EVIDENCE_TAG: str(finding.get("id") or "guardduty"),
                        "assetpack:evidence-instance": r["InstanceId"]}
            snaps = client.create_snapshots(
                InstanceSpecification={"InstanceId": r["InstanceId"]},
                Description=f"assetpack evidence: {finding.get('type', 'GuardDuty finding')}"[:255],
                TagSpecifications=[{"ResourceType": "snapshot", "Tags": [
                    {"Key": k, "Value": v[:256]} for k, v in evidence.items()]}],
                CopyTagsFromSource="volume")["Snapshots"]
            entry.after["Snapshots"] = [s["SnapshotId"] for s in snaps]
            journal.write(entry)
            for eni in interfaces:
                client.modify_network_interface_attribute(NetworkInterfaceId=eni,
                                                          Groups=[quarantine])
            client.create_tags(Resources=[r["InstanceId"]], Tags=[
                {"Key": CONTAINMENT_TAG,
                 "Value": f"quarantined {_now()} {finding.get('type', '')}"[:256]}])
        except Exception as err:
            journal.update(entry, "failed", str(err)[:300])
            raise
        journal.update(entry, "fixed")


@registry.action("deactivate-access-key", ("aws.iam-user",))
class DeactivateAccessKey(Action):
    """Deactivate (never delete) the access key a GuardDuty finding names.

    The key comes from the finding (``c7n:AccessKeys``, set by the ``guard-duty``
    mode); its status before is journaled first. Temporary credentials (``ASIA``
    keys of a role session) cannot be deactivated and are reported instead.

    :example:

    .. code-block:: yaml

        policies:
          - name: threat-iam-credential-deactivate-key
            resource: iam-user
            mode:
              type: guard-duty
              pattern: {detail: {resource: {resourceType: [AccessKey]}}}
            metadata:
              category: threat
              severity: high
              remediation: auto
              description: Deactivate keys GuardDuty sees misused.
            filters:
              - type: guardduty-finding
                types: ["^UnauthorizedAccess:IAMUser/", "^CredentialAccess:IAMUser/"]
            actions:
              - deactivate-access-key
    """

    schema = type_schema("deactivate-access-key")
    permissions = ("iam:ListAccessKeys", "iam:UpdateAccessKey")

    def process(self, resources):
        client = local_session(self.manager.session_factory).client("iam")
        journal = _journal(self.manager)
        for r in resources:
            key_id = (r.get("c7n:AccessKeys") or {}).get("AccessKeyId", "")
            if not key_id.startswith("AKIA"):
                raise PolicyExecutionError(
                    f"{r['UserName']}: key {key_id or '?'} is not a long-term access key")
            keys = client.list_access_keys(UserName=r["UserName"])["AccessKeyMetadata"]
            status = next((k["Status"] for k in keys if k["AccessKeyId"] == key_id), None)
            if status is None:
                raise PolicyExecutionError(f"{r['UserName']} has no access key {key_id}")
            entry = journal.write(Entry(
                policy=self.manager.ctx.policy.name, resource=r["Arn"],
                resource_type="aws.iam-user", action=self.type, resource_id=r["UserName"],
                region=self.manager.config.region,
                before={"AccessKeyId": key_id, "Status": status},
                after={"AccessKeyId": key_id, "Status": "Inactive"},
                detail=str((r.get(FINDING) or {}).get("type", ""))))
            try:
                client.update_access_key(UserName=r["UserName"], AccessKeyId=key_id,
                                         Status="Inactive")
            except Exception as err:
                journal.update(entry, "failed", str(err)[:300])
                raise
            journal.update(entry, "fixed")
