"""Who gets a message: route names, owners from contact tags, the ``default`` route.

A policy names routes in ``notify.to`` (and ``owner_absent_contact``); the mailer
configuration maps each route to targets. ``resource-owner`` resolves per resource
through ``contact_tags`` (c7n-mailer's lookup): an owner value that is an e-mail
address, a Slack target or a route name is used as such, else ``org_domain`` makes
it an address. A name the map lacks goes to the ``default`` route; an asset
without a reachable owner goes to ``owner_absent_contact`` (or ``default``) and its
message says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from c7n_mailer.utils import get_resource_tag_targets
from c7n_mailer.utils_email import is_email

log = logging.getLogger("assetpack.mailer")
OWNER = "resource-owner"


@dataclass
class Delivery:
    """One target and the resources it is told about."""

    target: str
    resources: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        if self.target.startswith(("https://", "http://")):
            return "webhook"
        if self.target.startswith("slack://"):
            return "slack"
        return "email"


def is_target(value: str) -> bool:
    return is_email(value) or value.startswith(("slack://", "https://", "http://"))


class Planner:
    def __init__(self, config: dict):
        self.routes: dict[str, list[str]] = config["routes"]
        self.contact_tags: list[str] = config["contact_tags"]
        self.org_domain: str | None = config.get("org_domain")

    def expand(self, name: str) -> list[str]:
        """The targets of a route name (or the target itself)."""
        if is_target(name):
            return [name]
        if name not in self.routes:
            log.info("route %r is not configured: using the default route", name[:80])
        return list(self.routes.get(name, self.routes["default"]))

    def owner_targets(self, resource: dict) -> tuple[list[str], str]:
        """(targets, owner value) of a resource; no targets when none resolves."""
        values = get_resource_tag_targets(resource, self.contact_tags)
        targets: list[str] = []
        for value in values:
            value = str(value).strip()
            if is_target(value):
                targets.append(value)
            elif value in self.routes:
                targets.extend(self.routes[value])
            # RFC 5321: a local part has at most 64 octets; longer is not an owner.
            elif self.org_domain and value and "@" not in value and len(value.encode()) <= 64:
                candidate = f"{value}@{self.org_domain}"
                if is_email(candidate):
                    targets.append(candidate)
        return targets, ", ".join(str(v) for v in values)

    def plan(self, message: dict) -> list[Delivery]:
        action = message.get("action") or {}
        names = [*action.get("to", []), *action.get("cc", [])]
        absent = action.get("owner_absent_contact") or ["default"]
        by_target: dict[str, Delivery] = {}

        def add(target: str, resource: dict, note: str | None = None) -> None:
            d = by_target.setdefault(target, Delivery(target))
            if not any(r is resource for r in d.resources):
                d.resources.append(resource)
            if note and note not in d.notes:
                d.notes.append(note)

        fixed = [t for n in names if n != OWNER for t in self.expand(n)]
        for resource in message.get("resources") or []:
            for target in fixed:
                add(target, resource)
            if OWNER not in names:
                continue
            targets, owner = self.owner_targets(resource)
            if targets:
                for target in targets:
                    add(target, resource)
                continue
            why = f"set to {owner[:64]!r} but names no contact" if owner else "missing"
            note = (f"No owner could be reached for this asset (owner tag "
                    f"{'/'.join(self.contact_tags)} is {why}); sent to the "
                    f"{'/'.join(absent)} route instead.")
            for target in [t for n in absent for t in self.expand(n)]:
                add(target, resource, note)
        return list(by_target.values())
