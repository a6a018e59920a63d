"""Eventual consistency for event-mode policies.

A CloudTrail event can arrive before the resource it names is visible to the
describe call Custodian makes, and Custodian then drops the event ("Could not
find resource ids"). The pack retries that lookup with backoff before giving
up and logging which ids it could not find.
"""

from __future__ import annotations

import logging
import os
import time

from c7n.policy import CloudTrailMode

log = logging.getLogger("assetpack.consistency")
# Waits between lookups, in seconds; ASSETPACK_RESOLVE_BACKOFF="1,2,4" overrides.
BACKOFF = tuple(float(s) for s in os.environ.get("ASSETPACK_RESOLVE_BACKOFF", "1,2,4").split(",")
                if s)

_resolve = CloudTrailMode.resolve_resources


def _resolve_with_retry(self, event):
    from c7n.cwe import CloudWatchEvents

    ids = CloudWatchEvents.get_ids(event, self.policy.data.get("mode", {})) or []
    expected = self.policy.resource_manager.match_ids(ids) if ids else []
    resources = _resolve(self, event)
    for wait in BACKOFF:
        if not expected or len(resources) >= len(set(expected)):
            return resources
        time.sleep(wait)
        resources = _resolve(self, event)
    if expected and len(resources) < len(set(expected)):
        found = {str(r.get(self.policy.resource_manager.resource_type.id)) for r in resources}
        log.error("policy %s: resources %s not found after %d retries", self.policy.name,
                  sorted(set(map(str, expected)) - found), len(BACKOFF))
    return resources


CloudTrailMode.resolve_resources = _resolve_with_retry
