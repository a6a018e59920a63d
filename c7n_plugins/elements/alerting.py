"""Alerts on Security Hub findings (DESIGN.md contract 5, step 1).

``hub-alert`` turns each HIGH or CRITICAL finding of a ``Security Hub Findings -
Imported`` event, from any product, into one alert on the notification queue, in
the message format c7n-mailer reads (Custodian's ``notify`` payload), so the same
mailer delivers alerts and every other policy's ``notify``.

Why not Custodian's ``notify`` alone: it sends the policy's *resources*, knows
nothing of the findings that triggered it, and cannot route by severity and
criticality or stay quiet when Security Hub re-imports a finding unchanged.

The ``hub-finding`` mode these policies run in is Custodian's, corrected in
:mod:`c7n_plugins.elements.hub_finding_mode`.

Suppression, with no store of its own: after queueing an alert the action writes
the finding's alerted state (compliance, severity, workflow, record state) into
its ``UserDefinedFields`` (``BatchUpdateFindings``). The import event that update
causes, and any later re-import with the same state, carry that value and are
skipped, so one (finding, state change) gives one alert.
"""

from __future__ import annotations

import fnmatch
import json
import logging
from collections.abc import Iterable
from urllib.parse import quote

import c7n.resources.securityhub  # noqa: F401 - registers the hub-finding mode
from c7n.actions.notify import Notify
from c7n.utils import chunks, local_session, type_schema

from c7n_plugins import registry
from c7n_plugins.findings import CLASSIFICATION_KEYS
from c7n_plugins.journal import Journal, JournalError
from c7n_plugins.taxonomy import tags_to_dict

log = logging.getLogger("assetpack.alerting")

ALERTED_FIELD = "assetpack:alerted"
SUPPRESS_TAG = "assetpack:alert-suppress"
REMEDIATION_FIELD = "assetpack/remediation"
SEVERITIES = ("INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL")
CONSOLE = {"aws": "console.aws.amazon.com", "aws-cn": "console.amazonaws.cn",
           "aws-us-gov": "console.amazonaws-us-gov.com"}
# What the pack did, in the words the messages use.
OUTCOMES = {"fixed": "fixed", "pending": "pending", "failed": "needs a human",
            "needs-human": "needs a human", "planned": "pending"}




def state_key(finding: dict) -> str:
    """What makes a finding 'changed': compliance, severity, workflow, record state.
    A workflow moved from NEW to NOTIFIED (someone acknowledged it) is no news."""
    workflow = (finding.get("Workflow") or {}).get("Status", "-")
    return "|".join((
        (finding.get("Compliance") or {}).get("Status", "-"),
        (finding.get("Severity") or {}).get("Label", "-"),
        "NEW" if workflow == "NOTIFIED" else workflow,
        finding.get("RecordState", "-"),
    ))


def closed(key: str) -> bool:
    """Whether a state key says the finding is over (passed, resolved, archived)."""
    compliance, _, workflow, record = (key.split("|") + ["-"] * 4)[:4]
    return compliance == "PASSED" or workflow in ("RESOLVED", "SUPPRESSED") or \
        record == "ARCHIVED"


def console_url(finding: dict, partition: str = "aws") -> str:
    """Security Hub's console page of the finding (the id is quoted twice, as the
    console's search fragment expects; nothing from the finding stays unquoted)."""
    region = (finding.get("Region") or finding.get("Resources", [{}])[0].get("Region")
              or "us-east-1")
    search = quote(f"Id=\\operator\\:EQUALS\\:{finding.get('Id', '')}", safe="")
    return (f"https://{CONSOLE.get(partition, CONSOLE['aws'])}/securityhub/home?"
            f"region={quote(region, safe='')}#/findings?search={quote(search, safe='')}")


def control_of(finding: dict) -> str:
    """The control (FSBP, Config rule), else the pack's check, else the finding type
    (GuardDuty and Inspector name no control; their generator is an opaque id)."""
    fields = finding.get("ProductFields") or {}
    control = ((finding.get("Compliance") or {}).get("SecurityControlId")
               or fields.get("ControlId") or fields.get("RuleId"))
    if control:
        return control
    if fields.get("assetpack/policy"):
        return finding.get("GeneratorId", "")
    return (finding.get("Types") or [finding.get("GeneratorId", "")])[0]


def product_of(finding: dict) -> str:
    fields = finding.get("ProductFields") or {}
    if fields.get("assetpack/policy"):
        return "assetpack"
    return (finding.get("ProductName") or fields.get("aws/securityhub/ProductName")
            or finding.get("ProductArn", "").rsplit("/", 1)[-1])


def pack_outcome(finding: dict, tags: dict, journal: Journal | None) -> str:
    """What the pack did: the finding says so, else the remediation journal
    (contract 7); otherwise a human must act."""
    fields = finding.get("ProductFields") or {}
    said = fields.get(REMEDIATION_FIELD)
    if said in OUTCOMES:
        return OUTCOMES[said]
    policy = fields.get("assetpack/policy")
    arn = (finding.get("Resources") or [{}])[0].get("Id", "")
    if policy and journal is not None:
        try:
            statuses = {e.status for e in journal.for_resource(policy, arn) if not e.dryrun}
        except JournalError as err:
            log.warning("%s", err)
            statuses = set()
        for status in ("failed", "pending", "planned", "fixed"):  # the worst one counts
            if status in statuses:
                return OUTCOMES[status]
    return "needs a human"


@registry.action("hub-alert", ("aws.account",))
class HubAlert(Notify):
    """Queue one alert per new or changed finding, routed by severity and criticality.

    ``routes`` maps a finding's severity to the asset's ``asset:criticality`` (``*``
    for any other value) to the route names the mailer configuration resolves
    (contract 5); severities it does not name are left to the daily digest. An
    asset tagged ``assetpack:alert-suppress`` (the value says why), or a finding
    matching an ``exceptions`` entry (glob patterns on control, resource ARN and
    product), is never alerted on.

    :example:

    .. code-block:: yaml

        policies:
          - name: alert-hub-findings
            resource: aws.account
            mode:
              type: hub-finding
            metadata:
              category: observability
              severity: high
              remediation: none
              description: HIGH and CRITICAL findings reach people as they appear.
            actions:
              - type: hub-alert
                routes:
                  CRITICAL: {critical: [security-page, resource-owner],
                             "*": [security-channel, resource-owner]}
                  HIGH: {"*": [security-channel, resource-owner]}
                exceptions:
                  - {control: "EC2.19", resource: "arn:aws:ec2:*:security-group/sg-bastion*"}
                transport:
                  type: sqs
                  queue: "https://sqs.{region}.amazonaws.com/{account_id}/assetpack-notify"
    """

    schema = type_schema(
        "hub-alert",
        required=["routes", "transport"],
        routes={"type": "object",
                "propertyNames": {"enum": list(SEVERITIES)},
                "additionalProperties": {"type": "object", "additionalProperties": {
                    "type": "array", "items": {"type": "string"}}}},
        exceptions={"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "properties": {k: {"type": "string"}
                           for k in ("control", "resource", "product", "reason")}}},
        transport={"type": "object", "required": ["type", "queue"],
                   "additionalProperties": False,
                   "properties": {"type": {"enum": ["sqs"]}, "queue": {"type": "string"}}},
        template={"type": "string"},
    )
    schema_alias = False
    # Describing a resource the tagging API misses needs that type's read permission,
    # which the pack's role has for every type its checks read.
    permissions = ("sqs:SendMessage", "tag:GetResources", "securityhub:BatchUpdateFindings")

    def get_permissions(self):
        return self.permissions

    def validate(self):
        return self

    def process(self, resources, event=None):
        findings = ((event or {}).get("detail") or {}).get("findings") or []
        tags = self.resource_tags({r.get("Id") for f in findings
                                   for r in f.get("Resources", []) if r.get("Id")})
        pending: list[tuple[dict, dict]] = []
        for finding in findings:
            try:
                message = self.alert(finding, event, tags)
            except Exception as err:  # noqa: BLE001 - one bad finding never stops the rest
                log.error("alert for finding %s failed: %s", str(finding.get("Id"))[:200], err)
                continue
            if message:
                pending.append((finding, message))
        alerted = self.send(pending)
        self.mark_alerted(alerted)
        return [{"FindingId": f["Id"], "Alerted": state_key(f)} for f in alerted]

    def send(self, pending: list[tuple[dict, dict]]) -> list[dict]:
        """Queue the alerts ten per ``SendMessageBatch`` (Custodian's notify sends one
        message per call, each through a new session); return the findings queued."""
        if not pending:
            return []
        url = self.data["transport"]["queue"].format(**pending[0][1])
        region = url.split(".")[1] if url.startswith("https://sqs.") else \
            self.manager.config.region
        client = local_session(self.manager.session_factory).client("sqs", region_name=region)
        sent = []
        attrs = {"mtype": {"DataType": "String", "StringValue": self.C7N_DATA_MESSAGE}}
        for batch in chunks(list(enumerate(pending)), 10):
            resp = client.send_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "MessageBody": self.pack(message), "MessageAttributes": attrs}
                for i, (_, message) in batch])
            for failed in resp.get("Failed", []):
                log.error("alert not queued: %s %s", failed.get("Code"), failed.get("Message"))
            for ok in resp.get("Successful", []):
                finding, message = pending[int(ok["Id"])]
                sent.append(finding)
                log.info("alert %s queued for %s (%s)", ok["MessageId"],
                         str(finding.get("Id"))[:200], ", ".join(message["action"]["to"]))
        return sent

    def routes_for(self, finding: dict, criticality: str) -> list[str]:
        by_severity = self.data["routes"].get((finding.get("Severity") or {}).get("Label"), {})
        return list(by_severity.get(criticality, by_severity.get("*", [])))

    def excepted(self, finding: dict, tags: dict) -> str | None:
        if SUPPRESS_TAG in tags:
            return f"tag {SUPPRESS_TAG}"
        arn = (finding.get("Resources") or [{}])[0].get("Id", "")
        facts = {"control": control_of(finding), "resource": arn, "product": product_of(finding)}
        for rule in self.data.get("exceptions", ()):
            if all(fnmatch.fnmatchcase(facts[k], v) for k, v in rule.items() if k in facts):
                return rule.get("reason", "exception list")
        return None

    def alert(self, finding: dict, event: dict, all_tags: dict[str, dict]) -> dict | None:
        """The alert message for ``finding``, or None when it is not alerted."""
        previous = (finding.get("UserDefinedFields") or {}).get(ALERTED_FIELD)
        current = state_key(finding)
        if previous == current:
            return None  # re-imported unchanged, or our own update's echo
        if closed(current) and (previous is None or closed(previous)):
            # Closed before anyone was told, or closed again (PASSED, then RESOLVED).
            return None
        resource = (finding.get("Resources") or [{}])[0]
        # ASFF's own Resources[].Tags when the resource cannot be read (gone, elsewhere).
        tags = all_tags.get(resource.get("Id", "")) or dict(resource.get("Tags") or {})
        # Findings of the pack carry the classification; other products' do not.
        fields = finding.get("ProductFields") or {}
        classification = {k: tags.get(k) or fields.get(k) or "" for k in CLASSIFICATION_KEYS}
        routes = self.routes_for(finding, classification["asset:criticality"] or "unknown")
        if not routes:
            return None  # left to the daily digest
        why = self.excepted(finding, tags)
        if why:
            log.info("finding %s not alerted: %s", str(finding.get("Id"))[:200], why)
            return None
        change = "resolved" if closed(current) else ("new" if previous is None else "changed")
        return self.message(finding, event, resource, tags, classification, routes, change)

    def message(self, finding, event, resource, tags, classification, routes, change) -> dict:
        """Custodian's notify message (what c7n-mailer reads) with the alert as resource."""
        severity = (finding.get("Severity") or {}).get("Label", "")
        record = {
            "FindingId": finding.get("Id", ""),
            "ProductArn": finding.get("ProductArn", ""),
            "Title": finding.get("Title", ""),
            "Description": finding.get("Description", ""),
            "Severity": severity,
            "Product": product_of(finding),
            "Control": control_of(finding),
            "ResourceId": resource.get("Id", ""),
            "ResourceType": resource.get("Type", ""),
            "Classification": classification,
            "Tags": [{"Key": k, "Value": v} for k, v in tags.items()] or [
                {"Key": k, "Value": v} for k, v in classification.items() if v],
            "PackAction": pack_outcome(finding, tags, self.journal()),
            "Change": change,
            "State": state_key(finding),
            "Recommendation": ((finding.get("Remediation") or {}).get("Recommendation")
                               or {}).get("Text", ""),
            "ConsoleUrl": console_url(finding, self.partition()),
            "UpdatedAt": finding.get("UpdatedAt", ""),
        }
        one = dict(event or {}, detail=dict((event or {}).get("detail") or {},
                                            findings=[finding]))
        message = {
            "event": one,
            "account_id": self.manager.config.account_id,
            "account": self.manager.config.account_id,
            "partition": self.partition(),
            "region": self.manager.config.region,
            "execution_id": self.manager.ctx.execution_id,
            "execution_start": self.manager.ctx.start_time,
            "policy": self.manager.data,
            "resources": [record],
        }
        page = severity == "CRITICAL" and classification["asset:criticality"] == "critical"
        message["action"] = dict(
            self.data, to=routes, template=self.data.get("template", "alert"),
            owner_absent_contact=["default"], priority_header="1" if page else "2",
            subject=f"[{severity}] {change}: {record['Control']}")
        return message

    def journal(self) -> Journal | None:
        if not hasattr(self, "_journal"):
            try:
                self._journal = Journal.from_env(session=local_session(
                    self.manager.session_factory))
            except JournalError as err:
                log.warning("%s", err)
                self._journal = None
        return self._journal

    def partition(self) -> str:
        from c7n.utils import get_partition

        return get_partition(self.manager.config.region)

    def resource_tags(self, arns: Iterable[str]) -> dict[str, dict]:
        """Tags of the findings' resources: one Resource Groups Tagging call per 100."""
        arns = sorted(a for a in arns if a.startswith("arn:"))
        out: dict[str, dict] = {}
        client = local_session(self.manager.session_factory).client("resourcegroupstaggingapi")
        for batch in chunks(arns, 100):
            try:
                for page in client.get_paginator("get_resources").paginate(
                        ResourceARNList=batch):
                    for item in page.get("ResourceTagMappingList", []):
                        out[item["ResourceARN"]] = tags_to_dict(item.get("Tags"))
            except Exception as err:  # noqa: BLE001 - alert without tags rather than not at all
                log.warning("cannot read tags of %d resources: %s", len(batch), err)
        missing = [a for a in arns if a not in out]
        if missing:
            out.update(self.described_tags(missing))
        return out

    def described_tags(self, arns: list[str]) -> dict[str, dict]:
        """Tags of resources the tagging API does not cover, described by Custodian's
        own resource managers (loading them costs about 2 s, so only when needed)."""
        from c7n.resources import load_resources
        from c7n.resources.aws import ArnResolver

        load_resources(("aws.*",))
        resolver = ArnResolver(self.manager)
        try:
            found = resolver.resolve(arns)  # one describe per resource type
        except Exception:  # noqa: BLE001 - a type it cannot resolve: one by one
            found = {}
            for arn in arns:
                try:
                    found.update(resolver.resolve([arn]))
                except Exception as err:  # noqa: BLE001 - alert without its tags
                    log.info("cannot describe %s: %s", arn[:200], err)
        return {arn: tags_to_dict(r.get("Tags")) for arn, r in found.items() if r}

    def mark_alerted(self, findings: list[dict]) -> None:
        """One ``BatchUpdateFindings`` per distinct set of fields (usually one per event)."""
        groups: dict[str, tuple[dict, list[dict]]] = {}
        for f in findings:
            # Sent whole: the other fields survive whether the API merges or replaces.
            fields = dict(f.get("UserDefinedFields") or {}, **{ALERTED_FIELD: state_key(f)})
            key = json.dumps(fields, sort_keys=True)
            groups.setdefault(key, (fields, []))[1].append(
                {"Id": f["Id"], "ProductArn": f["ProductArn"]})
        if not groups:
            return
        client = local_session(self.manager.session_factory).client("securityhub")
        for fields, ids in groups.values():
            for batch in chunks(ids, 100):
                try:
                    client.batch_update_findings(FindingIdentifiers=batch,
                                                 UserDefinedFields=fields)
                except Exception as err:  # noqa: BLE001 - worst case: one more alert later
                    log.warning("cannot mark %d findings alerted: %s", len(batch), err)
