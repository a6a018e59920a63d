"""Lambda entry point of every deployed policy of the pack.

Custodian's own handler never imports the plugins, so a policy using a plugin
element would fail to validate in Lambda. This one registers them first, then
hands over to Custodian's dispatcher unchanged.
"""

from __future__ import annotations

from typing import Any

import c7n_plugins

c7n_plugins.load()

from c7n import handler as _c7n_handler  # noqa: E402 - after the plugins register


def run(event: dict, context: Any = None) -> Any:
    """Lambda handler: ``c7n_plugins.handler.run``."""
    return _c7n_handler.dispatch_event(event, context)
