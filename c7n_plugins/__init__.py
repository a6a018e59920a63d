"""The asset pack's Custodian extensions.

c7n has no plugin entry point: an element exists once its module is imported.
:func:`load` imports every module of :mod:`c7n_plugins.elements`; the console
script and the Lambda handler call it before Custodian parses a policy.
"""

from __future__ import annotations

import pkgutil
from importlib import import_module

_loaded = False


def load() -> None:
    """Register every filter and action of the pack with Custodian (idempotent)."""
    global _loaded
    if _loaded:
        return
    from c7n_plugins import elements

    for info in pkgutil.iter_modules(elements.__path__):
        import_module(f"{elements.__name__}.{info.name}")
    _loaded = True
