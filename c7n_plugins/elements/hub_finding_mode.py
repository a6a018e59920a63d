"""Custodian's ``hub-finding`` mode, corrected for what the pack's policies need.

In c7n 0.9.53 the mode:

- never calls ``filter_resources``: a hub-finding policy's filters (``event``
  included) are silently ignored and every finding of every product acts;
- rejects every finding on an S3 bucket (its ARN has no account, so the mode takes
  it for another account's resource and raises);
- fails the whole event on a resource id it cannot parse;
- never runs an ``aws.account`` policy for account-level findings (root MFA, ...),
  and fails with ``UnboundLocalError`` when it does run one.

:class:`HubFindingMode` fills the account and region of such ARNs from the policy,
skips ids that are not ARNs, attaches the finding ARNs to the account resource and
filters the resolved resources, with the event, as every other Lambda mode does.
It replaces the mode under the same name (the Lambda handler loads the plugins
before any policy is parsed).
"""

from __future__ import annotations

import logging

from c7n.exceptions import PolicyExecutionError
from c7n.policy import execution
from c7n.resources import securityhub  # noqa: F401 - registers Custodian's mode first

log = logging.getLogger("assetpack.hub_finding")
# The module also defines a resource class named SecurityHub: take the mode by its name.
_HubFinding = execution["hub-finding"]


class HubFindingMode(_HubFinding):
    """Custodian's ``hub-finding`` mode: S3 ARNs, account policies and filters working."""

    def get_resource_arns(self, event):
        from c7n.resources.aws import Arn

        account, region = self.policy.options.account_id, self.policy.options.region
        arns = set()
        for raw in getattr(self, self.handlers[event["detail-type"]])(event):
            try:
                arn = Arn.parse(raw)
            except (TypeError, ValueError):  # e.g. the account's own "arn:::<id>"
                log.info("finding resource %s is not an ARN Custodian reads", raw[:200])
                continue
            arns.add(arn._replace(account_id=arn.account_id or account,
                                  region=arn.region or region))
        return arns

    def get_resource_sets(self, event):
        account, region = self.policy.options.account_id, self.policy.options.region
        sets: dict[tuple[str, str], list] = {}
        for arn in self.get_resource_arns(event):
            sets.setdefault((arn.account_id, arn.region), []).append(arn)
        if not self.policy.data["mode"].get("member-role") and \
                {a for a, _ in sets} - {account}:
            raise PolicyExecutionError("hub-finding: resources of other accounts and no "
                                       "member-role to reach them")
        if not sets and self.policy.resource_manager.type == "account":
            # Account-level findings name no resource ARN; the account policy still runs.
            sets = {(account, region): []}
        return sets

    def resolve_resources(self, event):
        manager = self.policy.resource_manager
        if manager.type != "account":
            resources = super().resolve_resources(event)
        else:
            # The manager answers no ids with nothing; its source returns the account.
            resources = manager.source.get_resources([])
            for r in resources:
                r["c7n:finding-arns"] = sorted(a.arn for a in self.get_resource_arns(event))
        return manager.filter_resources(resources, event) if resources else resources


execution.register("hub-finding", HubFindingMode)
