"""One tagging-API walk per region answers every type's tag lookup in a scan.

Custodian reads the tags of most resource types through the Resource Groups
Tagging API (``universal_augment``): one ``GetResources`` call per type and 100
ARNs. :class:`TagWalk` sits on the scan's shared sessions: at the first such
call in a region it reads every tagged resource of the region in one paginated
walk (100 per page), then answers each ARN list from it, so the calls no longer
grow with the number of types. An ARN absent from the walk has no tags, which is
what ``GetResources`` would answer for it.

The walk is a snapshot: once the scan has made any call that may change state
(anything but a read), lookups go to AWS again, so a tag an action wrote is never
hidden. A dry-run scan makes no such call.
"""

from __future__ import annotations

import json
import threading

from botocore.awsrequest import AWSResponse

from assetpack.read_cache import OWN_SERVICE_ONLY, READS

EVENT = "before-call.resource-groups-tagging-api.GetResources"
# Reads, and reports being generated, change no resource's tags.
KEEPS_TAGS = READS + OWN_SERVICE_ONLY


class TagWalk:
    """Answers ``GetResources(ResourceARNList=...)`` from one walk per region until the
    first state-changing call; attach it to every session of the scan."""

    def __init__(self) -> None:
        self._tags: dict[str, dict[str, list]] = {}
        self._lock = threading.Lock()
        self.stale = False
        self.answered = 0
        self._session = None

    def attach(self, session) -> None:
        self._session = self._session or session  # the walk's own calls go through it
        session.events.register(EVENT, self._answer, unique_id="assetpack-tag-walk")
        session.events.register("before-call", self._watch, unique_id="assetpack-tag-watch")

    def _watch(self, model, **_) -> None:
        if not model.name.startswith(KEEPS_TAGS):
            self.stale = True

    def _answer(self, model, params, context, **_):
        if self.stale:
            return None
        body = params.get("body") or b"{}"
        arns = json.loads(body).get("ResourceARNList") if isinstance(body, bytes | str) \
            else body.get("ResourceARNList")
        if not arns:
            return None  # a walk of its own, or after a change: ask AWS
        region = context.get("client_region")
        tags = self._walk(region)
        self.answered += 1
        found = [{"ResourceARN": arn, "Tags": tags[arn]} for arn in arns if arn in tags]
        return AWSResponse(None, 200, {}, None), {"ResourceTagMappingList": found,
                                                  "PaginationToken": ""}

    def _walk(self, region: str) -> dict[str, list]:
        with self._lock:
            if region not in self._tags:
                self._tags[region] = self._read(region)
            return self._tags[region]

    def _read(self, region: str) -> dict[str, list]:
        client = self._session.client("resourcegroupstaggingapi", region_name=region)
        found: dict[str, list] = {}
        for page in client.get_paginator("get_resources").paginate(ResourcesPerPage=100):
            for item in page.get("ResourceTagMappingList", []):
                found[item["ResourceARN"]] = item.get("Tags", [])
        return found
