"""Fetch once, evaluate many: what the policies of one resource type share in a scan.

Custodian lists a type once (its in-memory cache) and each check gets its own deep
copy of the list, so that one check's annotations and an action's changes never
steer another check. Filters also store what they fetch per resource on the
resource (load balancer attributes, an IAM user's policies, ...) and skip the call
when it is already there; on a copy that work was lost for the next check.
:func:`own_copy_and_count` copies those fetched keys back to the cached resource
after filtering, before any action runs: the next check reuses what was read,
never what was changed.

S3 buckets are augmented with up to ten per-bucket reads; Custodian's
``augment-keys: detect`` only sees value filters, and the cached list is augmented
by whichever check runs first. :func:`plan_s3_augment` gives every S3 check the
union of what the scan's S3 checks read, filters and actions alike.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Iterable

from c7n_plugins.taxonomy import tags_to_dict

log = logging.getLogger("assetpack.fetch")

# Keys Custodian's filters store on a resource after reading it, and reuse when
# present (``if key not in resource``): read state, not a check's verdict.
FETCHED_KEYS = (
    "Attributes",                   # elb, app-elb: load balancer attributes
    "c7n:TargetGroupAttributes",    # app-elb-target-group: attributes
    "c7n:Policies",                 # iam-user: attached policies
    "c7n:InlinePolicies",           # iam-group: inline policies
    "c7n:AccessKeys",               # iam-user: access keys
    "Policy",                       # kms-key, ecr, efs: resource policy (S3: augmented)
    "c7n:Policy",                   # lambda: resource policy
    "c7n:LastRotation",             # kms-key: last rotation
)

# What S3 elements read of the bucket augment (c7n.resources.s3.S3_AUGMENT_TABLE).
# Elements listed with no keys call their own APIs; an element not listed here
# gets every key, so a new element is never evaluated on missing data.
S3_READS: dict[str, frozenset[str]] = {
    name: frozenset(keys) for name, keys in {
        "cross-account": ("Policy",), "has-statement": ("Policy",),
        "no-encryption-statement": ("Policy",), "missing-statement": ("Policy",),
        "missing-policy-statement": ("Policy",), "set-statements": ("Policy",),
        "remove-statements": ("Policy",), "encryption-policy": ("Policy",),
        "global-grants": ("Acl", "Website"), "delete-global-grants": ("Acl", "Website"),
        "bucket-logging": ("Logging",), "is-log-target": ("Logging",),
        "toggle-logging": ("Logging",),
        "bucket-notification": ("Notification",),
        "delete-bucket-notification": ("Notification",),
        "toggle-versioning": ("Versioning",), "attach-encrypt": ("Versioning",),
        "configure-lifecycle": ("Lifecycle",),
        # Own API calls, or tags only (always fetched).
        "check-public-block": (), "set-public-block": (), "lock-configuration": (),
        "bucket-encryption": (), "set-bucket-encryption": (), "ownership": (),
        "bucket-replication": (), "tag": (), "mark-for-op": (), "remove-tag": (),
        "unmark": (), "marked-for-op": (), "notify": (), "start-automation": (),
        "asset-remediate": (), "asset-tag-violations": (), "event": (),
    }.items()
}
S3_ALWAYS = frozenset({"Location", "Tags"})  # Custodian needs both for every bucket


def _element_types(items: Iterable) -> Iterable[tuple[str, dict]]:
    """Every (type, data) of a filter or action list, nested blocks included."""
    for item in items or ():
        if not isinstance(item, dict):
            continue
        if "type" in item:
            yield item["type"], item
        elif len(item) == 1 and next(iter(item)) in ("and", "or", "not"):
            yield from _element_types(next(iter(item.values())))
            continue
        else:
            yield "value", item  # the ``key: value`` shorthand
            continue
        yield from _element_types(item.get("actions"))  # asset-remediate wraps actions


def s3_keys_read(policy: dict) -> frozenset[str] | None:
    """Augment keys one S3 policy reads; None when it may read any."""
    from c7n.resources.s3 import S3_AUGMENT_TABLE

    every = frozenset(row[1] for row in S3_AUGMENT_TABLE)
    keys: set[str] = set()
    for kind, data in (*_element_types(policy.get("filters")),
                       *_element_types(policy.get("actions"))):
        if kind == "value":
            key = data.get("key") if "type" in data else next(iter(data))
            top = str(key or "").split(".", 1)[0].split("[", 1)[0]
            if top.startswith("tag:"):
                continue
            if top.startswith("c7n:DeniedMethods"):
                return None
            keys.update({top} & every)
        elif kind in S3_READS:
            keys.update(S3_READS[kind])
        else:
            log.debug("S3 element %s not mapped: every augment key", kind)
            return None
    return frozenset(keys)


def plan_s3_augment(policies: list[dict]) -> list[str] | None:
    """Give every S3 policy the same ``augment-keys``: the union of what they read.
    Returns the keys (None: every key, Custodian's default)."""
    s3 = [p for p in policies if p.get("resource") in ("aws.s3", "s3")
          and not any("augment-keys" in q for q in p.get("query", []) if isinstance(q, dict))]
    union: set[str] = set(S3_ALWAYS)
    for policy in s3:
        keys = s3_keys_read(policy)
        if keys is None:
            return None
        union |= keys
    chosen = sorted(union)
    for policy in s3:
        policy.setdefault("query", []).append({"augment-keys": chosen})
    return chosen


def keep_fetched(cached: list[dict], copies: list[dict]) -> None:
    """Copy what filters fetched onto the copies back to the cached resources."""
    for original, mine in zip(cached, copies, strict=True):
        for key in FETCHED_KEYS:
            if key in mine and key not in original:
                original[key] = copy.deepcopy(mine[key])


def own_copy_and_count(manager, seen: dict[str, set],
                       existing: dict[str, set[str] | None] | None = None) -> None:
    """Give the policy its own copy of the cached resources, count them, and keep
    what its filters fetched for the next policy of the type.

    With ``existing``, also record (under the policy's name) the ARN of every
    resource it looks at: a finding whose resource is not among them is archived
    (contract 2), and a policy with no entry (or None) cannot tell, so it archives
    nothing."""
    from c7n_plugins.elements.findings import existing_arns

    original = manager.filter_resources
    id_key = manager.resource_type.id

    def own_copy(resources, event=None):
        seen[manager.type].update(
            (r.get(id_key), json.dumps(tags_to_dict(r.get("Tags")), sort_keys=True))
            for r in resources)
        if existing is not None:
            name = manager.ctx.policy.name
            arns = existing_arns(manager, resources)
            known = existing.get(name, set())
            existing[name] = None if arns is None or known is None else known | arns
        copies = copy.deepcopy(resources)
        try:
            return original(copies, event)
        finally:
            keep_fetched(resources, copies)

    manager.filter_resources = own_copy
