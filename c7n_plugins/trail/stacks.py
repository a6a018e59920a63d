"""Who created a CloudFormation stack, for the resources the stack created.

A resource CloudFormation creates with a stack role is tagged with the service as
its creator (contract 4), which says little to a reader. The person is in the
stack's own ``CreateStack`` CloudTrail event; this finds it and gives the name for
the ``asset:stack-creator`` tag (:data:`c7n_plugins.taxonomy.STACK_CREATOR_KEY`).

The stack comes from the ``aws:cloudformation:stack-id`` tag CloudFormation puts on
what it creates (on the resource, or in the creating call's request). Lookups go
by event name, the one attribute CloudTrail certainly indexes for ``CreateStack``:
one paginated ``LookupEvents`` fills an in-process index of every stack created in
the last 90 days; a stack the index lacks triggers a new lookup at most every
``refresh`` seconds. A failed lookup (access denied, throttling) only means the tag
is not written.

CloudTrail delivers events to ``LookupEvents`` minutes late, so the tagger, which
runs seconds after the creating call, often cannot see a brand-new stack's
``CreateStack`` yet; ``assetpack backfill`` then adds the tag to resources whose
creator is CloudFormation and that lack it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from c7n_plugins.trail.identity import creator_from_record

log = logging.getLogger("assetpack.stacks")
STACK_ID_TAG = "aws:cloudformation:stack-id"
CLOUDFORMATION = "cloudformation.amazonaws.com"
LOOKBACK_DAYS = 90


def stack_id(resource_tags: Mapping[str, str], record: dict | None) -> str | None:
    """The stack that created the resource: its tag, or the tag in the creating call."""
    if resource_tags.get(STACK_ID_TAG):
        return resource_tags[STACK_ID_TAG]
    request: Any = (record or {}).get("requestParameters")
    tags: Any = (request.get("tags") or request.get("Tags")) if isinstance(request, dict) else None
    if isinstance(tags, dict):
        return tags.get(STACK_ID_TAG)
    for item in tags if isinstance(tags, list) else ():
        if isinstance(item, dict) and (item.get("Key") or item.get("key")) == STACK_ID_TAG:
            return item.get("Value") or item.get("value")
    return None


def by_cloudformation(record: dict | None) -> bool:
    """Whether CloudFormation made the creating call (with its role or the caller's)."""
    if not record:
        return False
    who = creator_from_record(record)
    return CLOUDFORMATION in (who.name, who.invoked_by)


class StackCreators:
    """Stack id (or name) -> name of who created it, from ``CreateStack`` events."""

    def __init__(self, client, refresh: float = 300,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.refresh = refresh
        self.clock = clock
        self._index: dict[str, str] = {}
        self._loaded: float | None = None

    def creator(self, stack: str) -> str | None:
        if stack not in self._index and (
                self._loaded is None or self.clock() - self._loaded >= self.refresh):
            self._load()
        return self._index.get(stack)

    def _load(self) -> None:
        self._loaded = self.clock()
        end = datetime.now(UTC)
        try:
            pages = self.client.get_paginator("lookup_events").paginate(
                LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateStack"}],
                StartTime=end - timedelta(days=LOOKBACK_DAYS), EndTime=end)
            for page in pages:
                for event in page.get("Events", []):
                    self._add(event)
        except (ClientError, BotoCoreError) as err:
            log.warning("stack creators not looked up: %s", err)

    def _add(self, event: dict) -> None:
        try:
            record = json.loads(event["CloudTrailEvent"])
        except (KeyError, TypeError, ValueError):
            return
        if record.get("errorCode"):
            return
        stack = (record.get("responseElements") or {}).get("stackId")
        if stack:
            # Pages come newest first; the oldest event for an id is its creation.
            self._index[stack] = creator_from_record(record).name


_CACHE: dict[tuple[str | None, str | None], StackCreators] = {}


def clear_cache() -> None:
    """Forget every process-wide index (tests; a new account behind the same keys)."""
    _CACHE.clear()


def stack_creators(session, region: str | None = None) -> StackCreators:
    """The process-wide :class:`StackCreators` of a session's account and region."""
    creds = session.get_credentials()
    key = (region or session.region_name, creds.access_key if creds else None)
    if key not in _CACHE:
        _CACHE[key] = StackCreators(session.client("cloudtrail", region_name=key[0]))
    return _CACHE[key]
