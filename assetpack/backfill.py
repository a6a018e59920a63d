"""``assetpack backfill``: classify resources that existed before auto-tagging did.

What c7n-trailcreator does, inside the pack: list each resource type of the
events table with Custodian's own resource manager, keep those without
``asset:creator``, find their creating events in CloudTrail history, and tag them
with :func:`c7n_plugins.classify.tags_for` (the same tags the event-mode tagger
writes) through Custodian's ``tag`` action of the type.

API cost is bounded by event names, not resources: one paginated ``LookupEvents``
per creation event name (CloudTrail allows one lookup attribute per call and about
two calls a second, so a lookup per resource would take hours on a real estate).
Resources with no creating event in the window (older than CloudTrail's 90 days,
or created in another region) still get their classification, and are counted as
"creator unknown". Global services (IAM, Route 53, CloudFront) record their events
in us-east-1, so their event names are looked up there whatever the region.
Without a readable taxonomy the backfill still runs, with the shipped default
(creator facts under the default keys; contract 4) and the taxonomy alert.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from c7n_plugins.classify import group_by_tags, resource_name, tags_for
from c7n_plugins.taxonomy import STACK_CREATOR_KEY, Taxonomy, sanitise_value, tags_to_dict
from c7n_plugins.taxonomy_status import taxonomy_or_default
from c7n_plugins.trail.events import EVENTS, resources_from_record
from c7n_plugins.trail.identity import created_at
from c7n_plugins.trail.stacks import CLOUDFORMATION, StackCreators, stack_id

log = logging.getLogger("assetpack.backfill")
GLOBAL_SOURCES = frozenset({"iam.amazonaws.com", "route53.amazonaws.com",
                            "cloudfront.amazonaws.com"})
GLOBAL_REGION = "us-east-1"


@dataclass
class TypeResult:
    resource_type: str
    lacking: int = 0
    with_creator: int = 0
    class_only: int = 0
    groups: list[tuple[dict[str, str], list[str]]] = field(default_factory=list)
    error: str | None = None


def creation_types() -> list[str]:
    """Every resource type a creation event of the table names."""
    return sorted({e.resource_type for e in EVENTS if e.kind == "create"})


def event_names(types: Iterable[str], global_only: bool | None = None) -> list[str]:
    """The creation event names of ``types``, each once (one lookup each); with
    ``global_only`` True/False, only those of global/regional services."""
    wanted = set(types)
    return sorted({e.event for e in EVENTS if e.kind == "create" and e.resource_type in wanted
                   and global_only in (None, e.source in GLOBAL_SOURCES)})


def creation_records(client, names: Iterable[str], start: datetime, end: datetime,
                     types: Iterable[str]) -> dict[tuple[str, str], dict]:
    """``(type, id) -> record`` of the earliest creating event of each resource."""
    wanted = set(types)
    found: dict[tuple[str, str], dict] = {}
    paginator = client.get_paginator("lookup_events")
    for name in names:
        pages = paginator.paginate(
            LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": name}],
            StartTime=start, EndTime=end)
        for page in pages:
            for event in page.get("Events", []):
                try:
                    record = json.loads(event["CloudTrailEvent"])
                    keys = resources_from_record(record)
                except (KeyError, TypeError, ValueError):
                    continue
                for key in keys:
                    # Pages come newest first: the last one seen is the creation.
                    if key[0] in wanted and (
                            key not in found or created_at(record) <= created_at(found[key])):
                        found[key] = record
    return found


def _ids(manager, resource: dict) -> list[str]:
    """Every id a record may name the resource by (id, name, ARN)."""
    model = manager.resource_type
    out = [resource.get(model.id), resource.get(getattr(model, "name", None) or "")]
    with contextlib.suppress(Exception):  # some types cannot build ARNs; ids suffice
        out += manager.get_arns([resource])
    return [str(i) for i in out if i]


def _manager(resource_type: str, config):
    from c7n.policy import PolicyCollection

    data = {"policies": [{"name": f"backfill-{resource_type.removeprefix('aws.')}",
                          "resource": resource_type}]}
    (policy,) = PolicyCollection.from_data(data, config)
    return policy.resource_manager


def _stack_creator_tag(stacks: StackCreators, current: dict[str, str]) -> dict[str, str]:
    stack = stack_id(current, None)
    creator = stacks.creator(stack) if stack and STACK_CREATOR_KEY not in current else None
    return {STACK_CREATOR_KEY: sanitise_value(creator)} if creator else {}


def backfill_type(resource_type: str, config, taxonomy: Taxonomy,
                  records: dict[tuple[str, str], dict], dryrun: bool,
                  stacks: StackCreators | None = None) -> TypeResult:
    """Tag one type's resources that lack a creator; one tag call per identical tag set."""
    result = TypeResult(resource_type)
    manager = _manager(resource_type, config)
    creator_key = taxonomy.key("creator")
    plans = []
    for resource in manager.resources():
        current = tags_to_dict(resource.get("Tags"))
        if creator_key in current:
            # Tagged at creation, maybe before CloudTrail could name the stack's creator.
            if stacks and current[creator_key] == CLOUDFORMATION:
                plans.append((resource, _stack_creator_tag(stacks, current)))
            continue
        result.lacking += 1
        record = next((records[(resource_type, i)] for i in _ids(manager, resource)
                       if (resource_type, i) in records), None)
        tags = tags_for(taxonomy, resource_type, resource_name(manager, resource), current,
                        record, stacks=stacks)
        if creator_key in tags:
            result.with_creator += 1
        else:
            result.class_only += 1
        plans.append((resource, tags))
    tag = manager.action_registry.get("tag")
    groups = group_by_tags(plans)
    if groups and tag is None:
        result.error = "Custodian has no tag action for this type"
        return result
    for tags, group in groups:
        result.groups.append((tags, [str(r[manager.resource_type.id]) for r in group]))
        if not dryrun:
            tag({"tags": tags}, manager).process(group)
    return result


def run_backfill(session: boto3.Session | None = None, *, days: int = 90,
                 dryrun: bool = False, region: str | None = None,
                 types: Iterable[str] | None = None,
                 warnings: list[str] | None = None) -> list[TypeResult]:
    """Backfill ``types`` (default: every creation type). When the taxonomy cannot be
    read, the shipped default classifies and ``warnings`` gets one line saying so."""
    from c7n.config import Config
    from c7n.resources import load_resources

    import c7n_plugins

    session = session or boto3.Session(region_name=region)
    region = region or session.region_name or "us-east-1"
    account = session.client("sts", region_name=region).get_caller_identity()["Account"]
    taxonomy, error = taxonomy_or_default(session, account, region)
    if error is not None and warnings is not None:
        warnings.append(f"{error}; classified with the shipped default taxonomy")
    types = sorted(set(types or creation_types()))
    c7n_plugins.load()
    load_resources(types)
    config = Config.empty(region=region, account_id=account, dryrun=dryrun)
    end = datetime.now(UTC)
    start = end - timedelta(days=days)
    records: dict[tuple[str, str], dict] = {}
    for region_of, global_only in ((region, False), (GLOBAL_REGION, True)):
        client = session.client("cloudtrail", region_name=region_of)
        records.update(creation_records(client, event_names(types, global_only), start, end,
                                        types))
    stacks = StackCreators(session.client("cloudtrail", region_name=region))
    results = []
    for rtype in types:
        try:
            results.append(backfill_type(rtype, config, taxonomy, records, dryrun,
                                         stacks=stacks))
        except Exception as err:  # noqa: BLE001 - one type's failure must not stop the rest
            log.info("%s: %s", rtype, err)  # the table reports it
            results.append(TypeResult(rtype, error=" ".join(str(err).split())[:120]))
    return results


def table(results: list[TypeResult]) -> str:
    lines = ["| type | lacking | tagged with creator | classification only (creator unknown) |",
             "| --- | --- | --- | --- |"]
    for r in results:
        if r.error:
            lines.append(f"| {r.resource_type} | error: {r.error} | | |")
        elif r.lacking:
            lines.append(f"| {r.resource_type} | {r.lacking} | {r.with_creator} | "
                         f"{r.class_only} |")
    total = [sum(getattr(r, k) for r in results)
             for k in ("lacking", "with_creator", "class_only")]
    lines.append(f"| total | {total[0]} | {total[1]} | {total[2]} |")
    return "\n".join(lines)


def plan_lines(results: list[TypeResult]) -> list[str]:
    """What a dry run would tag: one line per tagging call."""
    return [f"would tag {r.resource_type} {', '.join(ids)}: "
            + ", ".join(f"{k}={v}" for k, v in tags.items())
            for r in results for tags, ids in r.groups]


def describe(results: list[TypeResult]) -> dict[str, Any]:
    """JSON-friendly results (tests, logs)."""
    return {r.resource_type: {"lacking": r.lacking, "with_creator": r.with_creator,
                              "class_only": r.class_only, "error": r.error,
                              "groups": [{"tags": t, "ids": i} for t, i in r.groups]}
            for r in results}
