"""``asset-remediate``: run a check's remediation the way the pack promises.

Custodian runs a policy's actions on every matched resource, stops the whole
policy at the first error and keeps no record it could undo. The pack needs more,
so its loader wraps each check's actions in this one (the policy files stay plain
Custodian) and adds the check's blast radius from ``policies/remediation.yml``:

- assets the taxonomy protects (critical, do-not-touch) are skipped and left for
  a human, as is everything when the taxonomy cannot be read;
- a ``disruptive`` fix runs only when the pack opts in for the check and every
  guard (:mod:`c7n_plugins.guards`) finds no consumer; otherwise "needs a human"
  with the reason;
- before each change, the attribute values it touches are read
  (:mod:`c7n_plugins.remedies`) and journaled (DESIGN.md contract 7); when the
  entry cannot be written, that resource is not changed ("failed: journal
  unavailable");
- one failing resource does not stop the others (the batch is retried one by one);
- afterwards the values are read again: a change AWS applies later (an SSM
  Automation run, an RDS maintenance window) is ``pending``, never ``fixed``;
- in a dry run, entries are journaled with ``dryrun: true`` and nothing changes.

The outcome per resource is returned; Custodian writes it next to the policy's
``resources.json`` as ``action-asset-remediate``.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from c7n.actions import Action
from c7n.exceptions import PolicyValidationError
from c7n.utils import local_session, type_schema

from c7n_plugins import guards, registry, remedies
from c7n_plugins.journal import Entry, Journal, JournalError

log = logging.getLogger("assetpack.remediate")


def protection_check(session_factory):
    """A predicate telling protected assets apart, or None if the taxonomy is unreadable."""
    from c7n_plugins.taxonomy import TaxonomyError, load_taxonomy

    try:
        taxonomy = load_taxonomy(session_factory())
    except TaxonomyError as err:
        log.error("remediation skipped: taxonomy unavailable: %s", err)
        return None
    return lambda resource: taxonomy.is_protected(resource.get("Tags"))


@registry.action("asset-remediate")
class AssetRemediate(Action):
    """Apply the wrapped actions to unprotected resources, journaling each change first.

    ``class``, ``guards`` and ``opt-in`` come from ``policies/remediation.yml``
    (the pack's loader adds them); a policy file never writes this action itself.

    :example:

    .. code-block:: yaml

        policies:
          - name: sqs-queue-encrypted
            resource: aws.sqs
            metadata:
              category: compliance
              severity: medium
              controls: [FSBP/SQS.1]
              source: https://docs.aws.amazon.com/securityhub/latest/userguide/sqs-controls.html#sqs-1
              remediation: auto
              description: SQS queues should be encrypted at rest.
            filters:
              - KmsMasterKeyId: absent
              - SqsManagedSseEnabled: false
            actions:
              - type: asset-remediate
                class: safe
                actions:
                  - type: set-managed-sse
    """

    schema = type_schema(
        "asset-remediate",
        required=["actions"],
        actions={"type": "array", "items": {"type": ["object", "string"]}, "minItems": 1},
        guards={"type": "array", "items": {"enum": sorted(guards.GUARDS)}},
        **{"class": {"enum": ["safe", "disruptive", "response"]}, "opt-in": {"type": "boolean"}},
    )
    permissions = ("ssm:GetParameter",)

    def _type(self) -> str:
        rtype = self.manager.data["resource"]
        return rtype if "." in rtype else f"aws.{rtype}"

    def inner_actions(self) -> list[Action]:
        return self.manager.action_registry.parse(self.data["actions"], self.manager)

    def validate(self):
        for action in self.inner_actions():
            if action.type == self.type:
                raise PolicyValidationError("asset-remediate cannot wrap itself")
            if remedies.lookup(self._type(), action.type) is None:
                raise PolicyValidationError(
                    f"asset-remediate: no remedy for {self._type()} {action.type} in "
                    "c7n_plugins/remedies.py: it could not be journaled or undone")
            action.validate()
        return self

    def get_permissions(self):
        perms = set(self.permissions)
        for action in self.inner_actions():
            perms.update(action.get_permissions())
            remedy = remedies.lookup(self._type(), action.type)
            perms.update(remedy.permissions if remedy else ())
        for name in self.data.get("guards", []):
            perms.update(guards.GUARDS[name].permissions)
        return sorted(perms)

    # -- helpers ---------------------------------------------------------------

    def _client_factory(self):
        session = local_session(self.manager.session_factory)
        cache: dict[str, Any] = {}

        def client(service: str):
            if service not in cache:
                cache[service] = session.client(service, region_name=self.manager.config.region)
            return cache[service]

        return client

    def _open_journal(self) -> tuple[Journal | None, str]:
        try:
            journal = Journal.from_env(session=local_session(self.manager.session_factory))
        except JournalError as err:
            return None, str(err)
        return journal, "" if journal else "no journal location: set ASSETPACK_JOURNAL"

    def _gate(self, resources: list[dict], outcome: dict, id_key: str, client) -> list[dict]:
        """The resources this check may change now; the others go to a human, with why."""
        is_protected = protection_check(self.manager.session_factory)
        if is_protected is None:
            for rec in outcome.values():
                rec.update(status="needs-human", reason="taxonomy unavailable")
            return []
        # An incident response (containment) disrupts by design: opted in or not at all.
        disruptive = self.data.get("class") in ("disruptive", "response")
        ctx = guards.Context(self.manager.config.account_id, self.manager.config.region,
                             self.data["actions"])
        eligible = []
        for r in resources:
            rec = outcome[r[id_key]]
            if is_protected(r):
                rec.update(status="needs-human", reason="protected by taxonomy")
            elif disruptive and not self.data.get("opt-in"):
                rec.update(status="needs-human", reason="disruptive fix, not opted in "
                           "(policies/remediation.yml)")
            elif reason := guards.blocked(self.data.get("guards", []), client, r, ctx):
                rec.update(status="needs-human", reason=reason)
            else:
                eligible.append(r)
        return eligible

    # -- the run ---------------------------------------------------------------

    def process(self, resources, event=None):
        model = self.manager.resource_type
        id_key = model.id
        dryrun = bool(self.manager.config.dryrun)
        outcome = {r[id_key]: {"id": r[id_key], "status": "planned" if dryrun else "fixed",
                               "reason": "dry run" if dryrun else ""} for r in resources}
        client = self._client_factory()
        eligible = self._gate(resources, outcome, id_key, client)
        journal, why = self._open_journal()
        if journal is None:
            for r in eligible:
                outcome[r[id_key]].update(status="failed", reason=f"journal unavailable: {why}")
            return list(outcome.values())
        arns = dict(zip((r[id_key] for r in eligible), self.manager.get_arns(eligible),
                        strict=True)) if eligible else {}
        for action in self.inner_actions():
            todo = [r for r in eligible if outcome[r[id_key]]["status"] in ("fixed", "planned")]
            self._run_action(action, todo, outcome, id_key, journal, client, arns, dryrun)
        return list(outcome.values())

    def _run_action(self, action: Action, todo: list[dict], outcome: dict, id_key: str,
                    journal: Journal, client, arns: dict, dryrun: bool) -> None:
        remedy = remedies.lookup(self._type(), action.type)
        if remedy.self_journaled:
            # A threat responder journals each step itself, evidence before quarantine.
            if dryrun:
                for r in todo:
                    outcome[r[id_key]]["reason"] = f"dry run: would apply {action.type}"
            else:
                self._apply(action, todo, outcome, id_key)
            return
        entries: dict[str, Entry] = {}
        for r in todo:
            rid = r[id_key]
            entry = Entry(policy=self.manager.ctx.policy.name, resource=arns[rid],
                          resource_type=self._type(), action=action.type,
                          before={}, after={"intended": action.data}, dryrun=dryrun,
                          resource_id=rid, region=self.manager.config.region)
            try:
                earlier = None if dryrun else journal.get(entry.id)
                if earlier and earlier.status == "pending":
                    # Asked for before: read it again rather than stack another run.
                    self._settle_earlier(earlier, outcome[rid], journal, client)
                    continue
                entry.before = remedy.read(client, rid)
                journal.write(entry)
            except JournalError as err:
                outcome[rid].update(status="failed", reason=f"journal unavailable: {err}"[:300])
                continue
            except Exception as err:  # noqa: BLE001 - cannot read what it would change
                outcome[rid].update(status="failed",
                                    reason=f"cannot read the state before: {err}"[:300])
                continue
            entries[rid] = entry
        if dryrun:
            for rid in entries:
                outcome[rid]["reason"] = f"dry run: would apply {action.type}"
            return
        self._apply(action, [r for r in todo if r[id_key] in entries], outcome, id_key)
        for r in todo:
            if r[id_key] in entries:
                self._settle(remedy, r, entries[r[id_key]], outcome[r[id_key]], journal, client)

    def _settle_earlier(self, earlier: Entry, rec: dict, journal: Journal, client) -> None:
        """A change an earlier run left pending: fixed, could not fix, or still pending
        (as ``assetpack scan`` does at its start; the deployed Lambdas do it here)."""
        status, detail, after = remedies.settle(client, earlier.resource_type, earlier.action,
                                                earlier.resource_id, earlier.execution)
        if after is not None:
            earlier.after = after
        if status != "pending" or detail != earlier.detail:
            journal.update(earlier, status, detail)
        rec.update(status=status, reason=detail)

    def _settle(self, remedy: remedies.Remedy, resource: dict, entry: Entry, rec: dict,
                journal: Journal, client) -> None:
        """Read the result back and record it: fixed, pending or failed."""
        if rec["status"] == "failed":
            status, detail = "failed", rec["reason"]
        else:
            try:
                entry.after = remedy.read(client, entry.resource_id)
            except Exception as err:  # noqa: BLE001 - the change was made; say we could not see it
                entry.after = {}
                rec["reason"] = f"changed, but cannot read it back: {err}"[:300]
            entry.execution = str(resource.get("c7n:AutomationExecutionId") or "")
            if remedy.deferred:
                status, detail = "pending", f"automation {entry.execution} started"
            elif remedy.pending(entry.after):
                status, detail = "pending", "AWS applies it later: " + json.dumps(
                    entry.after.get("pending"), default=str)[:200]
            else:
                status, detail = "fixed", rec["reason"]
            rec.update(status=status, reason=detail)
        try:
            journal.update(entry, status, detail)
        except JournalError as err:
            log.error("%s: outcome not journaled: %s", entry.id, err)
            rec["reason"] = f"{rec['reason']} (outcome not journaled: {err})"[:300]

    def _apply(self, action: Action, resources: list[dict], outcome: dict, id_key: str) -> None:
        if not resources:
            return
        try:
            action.process(resources)
            return
        except Exception as err:  # noqa: BLE001 - isolate the resource that fails
            log.warning("%s failed on a batch (%s); retrying one by one", action.type, err)
        for r in resources:
            try:
                action.process([r])
            except Exception as err:  # noqa: BLE001
                if self._complies_now(r, id_key):
                    outcome[r[id_key]].update(reason="already compliant (fixed by another check)")
                    continue
                outcome[r[id_key]].update(status="failed", reason=f"{action.type}: {err}"[:300])

    def _complies_now(self, resource: dict, id_key: str) -> bool:
        """Whether a resource the action failed on no longer violates, read afresh.

        Checks of one scan share one listing of a type, so an earlier check's fix
        (say, revoking SSH and RDP from a group) can leave a later check acting on
        a rule that is already gone.
        """
        try:
            fresh = self.manager.get_resources([resource[id_key]], cache=False)
            for f in self.manager.filters:
                fresh = f.process(fresh)
        except Exception:  # noqa: BLE001 - cannot tell: report the original failure
            return False
        return not fresh
