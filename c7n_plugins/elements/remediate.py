"""``asset-remediate``: run a check's remediation the way the pack promises.

Custodian runs a policy's actions on every matched resource and stops the whole
policy at the first error. The pack needs more, so its loader wraps each check's
actions in this one (the policy files stay plain Custodian):

- assets the taxonomy protects (critical, do-not-touch) are skipped and left for
  a human, as is everything when the taxonomy cannot be read;
- one failing resource does not stop the others (the batch is retried one by one);
- each fixed resource gets an ``assetpack:remediation:<policy>`` tag saying which
  actions changed it and when (one tag per policy, so several fixes to one resource
  all stay on record), and the change can be found and undone;
- the outcome per resource is returned, and Custodian writes it next to the
  policy's ``resources.json`` as ``action-asset-remediate``.

Dry run needs nothing here: Custodian skips actions entirely.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from c7n.actions import Action
from c7n.exceptions import PolicyValidationError
from c7n.utils import type_schema

from c7n_plugins import registry

log = logging.getLogger("assetpack.remediate")
RECORD_TAG = "assetpack:remediation"


def record_key(policy: str) -> str:
    """The tag that records a policy's change to a resource."""
    return f"{RECORD_TAG}:{policy}"


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
    """Apply the wrapped actions to unprotected resources and record each change.

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
                actions:
                  - type: set-encryption
                    key: alias/aws/sqs
    """

    schema = type_schema(
        "asset-remediate",
        required=["actions"],
        actions={"type": "array", "items": {"type": ["object", "string"]}, "minItems": 1},
    )
    permissions = ("ssm:GetParameter",)

    def inner_actions(self) -> list[Action]:
        return self.manager.action_registry.parse(self.data["actions"], self.manager)

    def validate(self):
        for action in self.inner_actions():
            if action.type == self.type:
                raise PolicyValidationError("asset-remediate cannot wrap itself")
            action.validate()
        return self

    def get_permissions(self):
        perms = set(self.permissions)
        for action in self.inner_actions():
            perms.update(action.get_permissions())
        tag = self.manager.action_registry.get("tag")
        if tag:
            perms.update(tag({}, self.manager).get_permissions())
        return sorted(perms)

    def process(self, resources, event=None):
        model = self.manager.resource_type
        is_protected = protection_check(self.manager.session_factory)
        outcome = {r[model.id]: {"id": r[model.id], "status": "fixed", "reason": ""}
                   for r in resources}
        if is_protected is None:
            for rec in outcome.values():
                rec.update(status="needs-human", reason="taxonomy unavailable")
            return list(outcome.values())

        eligible = []
        for r in resources:
            if is_protected(r):
                outcome[r[model.id]].update(status="needs-human", reason="protected by taxonomy")
            else:
                eligible.append(r)

        actions = self.inner_actions()
        for action in actions:
            todo = [r for r in eligible if outcome[r[model.id]]["status"] == "fixed"]
            self._apply(action, todo, outcome, model.id)

        fixed = [r for r in eligible if outcome[r[model.id]]["status"] == "fixed"]
        self._record(fixed, [a.type for a in actions])
        return list(outcome.values())

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

    def _record(self, resources: list[dict], action_types: list[str]) -> None:
        tag = self.manager.action_registry.get("tag")
        if not resources or tag is None:
            return
        when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%MZ")
        value = f"{' '.join(action_types)} {when}"[:256]
        key = record_key(self.manager.ctx.policy.name)
        try:
            tag({"key": key, "value": value}, self.manager).process(resources)
        except Exception as err:  # noqa: BLE001 - the fix stands even if the record fails
            log.warning("could not record remediation tag: %s", err)
