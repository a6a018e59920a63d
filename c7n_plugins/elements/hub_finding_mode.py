"""``hub-finding`` mode that applies the policy's filters.

Custodian 0.9.53's ``hub-finding`` mode resolves the resources a Security Hub
finding names and runs the actions on all of them: its ``run`` never calls
``filter_resources``, so a hub-finding policy's filters (``event`` included) are
silently ignored and every finding of every product acts. This subclass filters
the resolved resources, with the event, as every other Lambda mode does, and
replaces the mode under the same name (the Lambda handler loads the plugins first).
"""

from __future__ import annotations

from c7n.policy import execution
from c7n.resources import securityhub  # noqa: F401 - registers Custodian's mode first

# The module also defines a resource class named SecurityHub: take the mode by its name.
_HubFindingMode = execution["hub-finding"]


class FilteringSecurityHub(_HubFindingMode):
    """Custodian's hub-finding mode, with the policy's filters applied."""

    def resolve_resources(self, event):
        resources = super().resolve_resources(event)
        if not resources:
            return resources
        return self.policy.resource_manager.filter_resources(resources, event)


execution.register("hub-finding", FilteringSecurityHub)
