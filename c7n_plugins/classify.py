"""Which tags one resource should get from one CloudTrail record (contract 4).

Shared by the event-mode tagger (``auto-tag-asset``) and the backfill, so a
resource tagged at creation and one tagged months later from CloudTrail history
end up with the same tags.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from c7n_plugins.taxonomy import Taxonomy, tags_to_dict
from c7n_plugins.trail.events import event_spec_kinds
from c7n_plugins.trail.identity import created_at, creator_from_record
from c7n_plugins.trail.stacks import StackCreators, by_cloudformation, stack_id


def resource_name(manager, resource: dict) -> str:
    """The name rules match on: the ``Name`` tag, else the type's name field, else its id."""
    tags = tags_to_dict(resource.get("Tags"))
    model = manager.resource_type
    for value in (tags.get("Name"), resource.get(getattr(model, "name", None) or ""),
                  resource.get(model.id)):
        if isinstance(value, str) and value:
            return value
    return ""


def tags_for(taxonomy: Taxonomy, resource_type: str, name: str, current: dict[str, str],
             record: dict | None, context: dict[str, Any] | None = None,
             stacks: StackCreators | None = None) -> dict[str, str]:
    """The tags to add: creator tags for a creating record, then the classification.

    Only a creating event names the creator: whoever later changes a resource is
    not its creator. When CloudFormation made the call, ``stacks`` names who created
    the stack. Existing tags are kept (the taxonomy decides exceptions).
    """
    add: dict[str, str] = {}
    creator = None
    if record is not None:
        who = creator_from_record(record)
        creator = who.name
        if "create" in event_spec_kinds(record):
            stack = stack_id(current, record) if stacks and by_cloudformation(record) else None
            add.update(taxonomy.creator_tags(
                name=who.name, arn=who.arn, created_at=created_at(record),
                invoked_by=who.invoked_by, tags=current,
                stack_creator=stacks.creator(stack) if stacks and stack else None))
    merged = {**current, **add}
    add.update(taxonomy.classify(resource_type, name, merged, context, creator))
    return add


def group_by_tags(plans: Iterable[tuple[dict, dict[str, str]]]) -> list[tuple[dict, list[dict]]]:
    """Resources that get identical tags, together: one tagging call per group."""
    groups: dict[tuple, tuple[dict, list[dict]]] = {}
    for resource, tags in plans:
        if tags:
            key = tuple(sorted(tags.items()))
            groups.setdefault(key, (tags, []))[1].append(resource)
    return list(groups.values())
