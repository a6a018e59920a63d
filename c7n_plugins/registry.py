"""Register elements on Custodian resources without importing them eagerly.

Importing every c7n resource module costs seconds on a Lambda cold start, so an
element says which resource types it belongs to and is attached when (or if)
Custodian loads that type.
"""

from __future__ import annotations

from collections.abc import Callable

from c7n.resources.aws import AWS

_hooks: list[tuple[frozenset[str] | None, Callable[[type], None]]] = []


def _dispatch(registry, resource_class) -> None:
    for types, hook in _hooks:
        if types is None or resource_class.type in types:
            hook(resource_class)


AWS.resources.subscribe(_dispatch)


def on_resources(types: tuple[str, ...] | None, hook: Callable[[type], None]) -> None:
    """Call ``hook(resource_class)`` for each of ``types`` (None: every AWS type)."""
    wanted = None if types is None else frozenset(t.removeprefix("aws.") for t in types)
    _hooks.append((wanted, hook))
    for name, klass in list(AWS.resources.items()):
        if wanted is None or name in wanted:
            hook(klass)


def action(name: str, types: tuple[str, ...] | None = None):
    """Class decorator: register an action on the given resource types (or all)."""

    def deco(klass):
        on_resources(types, lambda rc: rc.action_registry.register(name, klass))
        return klass

    return deco


def filter(name: str, types: tuple[str, ...] | None = None):  # noqa: A001 - c7n's word
    """Class decorator: register a filter on the given resource types (or all)."""

    def deco(klass):
        on_resources(types, lambda rc: rc.filter_registry.register(name, klass))
        return klass

    return deco
