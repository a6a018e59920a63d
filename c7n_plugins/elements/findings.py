"""``post-control-finding``: Custodian's ``post-finding`` completed for the pack.

Custodian's ``post-finding`` leaves out ``Compliance.SecurityControlId`` and
``RelatedRequirements``, tags every resource to remember its finding (one API
call per resource) and never marks a finding as passed. This action reuses its
per-resource ASFF formatting and adds the rest from the policy's metadata
(see :mod:`c7n_plugins.findings`).

The finding lifecycle (contract 2) in the deployed Lambdas: Custodian's
``periodic`` mode runs no action when nothing matches, and its ``config-rule``
mode none for a compliant or deleted resource, so an action alone can never
resolve or archive. The pack therefore registers both modes again as subclasses
(:class:`ReconcilingPeriodicMode`, :class:`ReconcilingConfigRuleMode`) that, for a
policy carrying this action, reconcile after every invocation, matches or not:
the action only collects what matched, the mode posts it and resolves or
archives the rest. Policies without the action run exactly as Custodian's.
"""

from __future__ import annotations

import contextlib
import json

from c7n.actions import Action
from c7n.policy import ConfigRuleMode, PeriodicMode, execution
from c7n.utils import local_session, type_schema

from c7n_plugins import registry
from c7n_plugins.findings import (
    Control,
    FindingBuilder,
    FindingStore,
    Scope,
    finding_id,
    utc_now,
)

# Config's statuses for a resource that is gone (c7n answers NOT_APPLICABLE for them).
DELETED = ("ResourceDeleted", "ResourceNotRecorded", "ResourceDeletedNotRecorded")


class FindingsNotPosted(RuntimeError):
    """Security Hub did not take some findings, even after retries: the run failed."""


def asff_resources(manager, resources: list[dict]) -> list[dict]:
    """ASFF ``Resources`` entries, formatted by Custodian's own per-type code."""
    formatter = manager.action_registry["post-finding"]({"types": ["x/y/z"]}, manager)
    out = []
    for r in resources:
        try:
            out.append(formatter.format_resource(r))
        except (LookupError, TypeError, ValueError, AttributeError):
            # Fall back to the generic shape for odd resources rather than drop them.
            arn = manager.get_arns([r])[0]
            out.append({"Type": "Other", "Id": arn, "Region": manager.config.region})
    return out


def build_findings(manager, control: Control, resources: list[dict]) -> list[dict]:
    builder = FindingBuilder(control, manager.config.account_id, manager.config.region,
                             resource_type=f"aws.{manager.type}")
    return [builder.build(asff, r) for asff, r in zip(asff_resources(manager, resources),
                                                      resources, strict=True)]


def existing_arns(manager, resources: list[dict]) -> set[str] | None:
    """ARNs of ``resources`` as findings name them (Custodian's ``get_arns``), or None
    when the type cannot name them (then no finding of it is archived as deleted)."""
    try:
        return set(manager.get_arns(resources))
    except Exception:  # noqa: BLE001 - a type without ARNs: existence stays unknown
        return None


def names_match(findings: list[dict], arns: set[str] | None) -> set[str] | None:
    """``arns``, or None when the findings name resources otherwise than ``get_arns``
    (existence could not be judged from it)."""
    if arns is None or not {f["Resources"][0]["Id"] for f in findings} <= arns:
        return None
    return arns


def _store(manager) -> FindingStore:
    client = local_session(manager.session_factory).client(
        "securityhub", region_name=manager.config.region)
    return FindingStore(client, manager.config.account_id, manager.config.region)


def _raise_if_failed(store: FindingStore, policy: str) -> None:
    if store.stats["failed"]:
        raise FindingsNotPosted(f"{policy}: {store.stats['failed']} finding(s) not posted to "
                                f"Security Hub after retries ({'; '.join(store.errors[:1])})")


@registry.action("post-control-finding")
class PostControlFinding(Action):
    """Post one contract-2 finding per resource, resolve those that now comply and
    archive those whose resource is gone.

    Used by the deployed (Lambda) form of every check; ``assetpack scan`` calls
    the same code after each policy. The control ids, severity and text come
    from the policy's ``metadata``. In ``periodic`` and ``config-rule`` modes the
    mode reconciles after each invocation (see the module docstring); in event
    modes the findings of the matched resources are imported.

    :example:

    .. code-block:: yaml

        policies:
          - name: s3-bucket-versioning-enabled
            resource: aws.s3
            metadata:
              category: compliance
              severity: low
              controls: [FSBP/S3.14]
              source: s3-bucket-versioning-enabled
              remediation: none
              description: S3 buckets should have versioning enabled.
            filters:
              - type: value
                key: Versioning.Status
                value: Enabled
                op: ne
            actions:
              - post-control-finding
    """

    schema = type_schema("post-control-finding")
    permissions = ("securityhub:BatchImportFindings", "securityhub:GetFindings",
                   "securityhub:BatchUpdateFindings")
    # Set by a reconciling mode for one invocation: the matched resources go here.
    collected: list[dict] | None = None

    def control(self) -> Control:
        return Control.from_policy_data(self.manager.ctx.policy.data)

    def process(self, resources, event=None):
        if self.collected is not None:
            self.collected.extend(resources)
            return [{"matched": len(resources), "posted": "after the run"}]
        store = _store(self.manager)
        findings = build_findings(self.manager, self.control(), resources)
        known = store.open_findings((), ids=[f["Id"] for f in findings])
        store.import_findings(store.keep_created_at(findings, known))
        _raise_if_failed(store, self.manager.ctx.policy.name)
        return [store.stats]


def _finding_action(policy) -> PostControlFinding | None:
    return next((a for a in policy.resource_manager.actions
                 if isinstance(a, PostControlFinding)), None)


@execution.register("periodic")
class ReconcilingPeriodicMode(PeriodicMode):
    """Custodian's ``periodic`` mode, plus the finding lifecycle after every run."""

    def run(self, event, lambda_context):
        action = _finding_action(self.policy)
        if action is None:
            return super().run(event, lambda_context)
        manager, started = self.policy.resource_manager, utc_now()
        seen: dict = {"looked": False, "arns": set()}
        original = manager.filter_resources

        def watch(resources, event=None):
            arns = existing_arns(manager, resources)
            seen["looked"] = True
            seen["arns"] = None if arns is None or seen["arns"] is None else seen["arns"] | arns
            return original(resources, event)

        manager.filter_resources, action.collected = watch, []
        try:
            resources = super().run(event, lambda_context)
            findings = build_findings(manager, action.control(), action.collected)
        finally:
            manager.filter_resources, matched, action.collected = original, action.collected, None
        name = self.policy.name
        if not seen["looked"]:  # not runnable here (conditions): it judged nothing
            return resources
        arns = names_match(findings, seen["arns"])
        store = _store(manager)
        store.reconcile(findings, Scope(ran=[name], started=started,
                                        existing={name: arns} if arns is not None else {}))
        self.policy.log.info("policy:%s findings: %d matched, %s", name, len(matched),
                             store.stats)
        _raise_if_failed(store, name)
        return resources


@execution.register("config-rule")
class ReconcilingConfigRuleMode(ConfigRuleMode):
    """Custodian's ``config-rule`` mode (it reports the evaluation to AWS Config), plus
    the finding of the evaluated resource: posted when it violates, resolved when it
    complies, archived when Config says it was deleted."""

    def run(self, event, lambda_context):
        action = _finding_action(self.policy)
        if action is None:
            return super().run(event, lambda_context)
        action.collected = []
        try:
            resources = super().run(event, lambda_context)
            matched = action.collected
        finally:
            action.collected = None
        manager = self.policy.resource_manager
        item = json.loads(event["invokingEvent"])["configurationItem"]
        gone = bool(event.get("eventLeftScope")) or item.get("configurationItemStatus") in DELETED
        control = action.control()
        findings = build_findings(manager, control, matched)
        store = _store(manager)
        store.reconcile_resource(findings, self._finding_id(control, item, gone), exists=not gone)
        _raise_if_failed(store, self.policy.name)
        return resources

    def _finding_id(self, control: Control, item: dict, gone: bool) -> str:
        """The finding id of the evaluated resource, named as findings name it."""
        config = self.policy.options
        arn = item.get("ARN") or ""
        if not gone:
            # Fall back to the ARN Config gave when the item cannot be loaded.
            with contextlib.suppress(Exception):
                arn = asff_resources(self.policy.resource_manager,
                                     self.resolve_resources(None))[0]["Id"]
        return finding_id(config.account_id, config.region, control.policy, arn)
