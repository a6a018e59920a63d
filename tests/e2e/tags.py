"""Reading a resource's tags the way Custodian itself sees them."""

from __future__ import annotations

from c7n.config import Config
from c7n.policy import PolicyCollection

from c7n_plugins.taxonomy import tags_to_dict


def read_tags(resource_type: str, resource_id: str) -> dict[str, str]:
    config = Config.empty(region="us-east-1", account_id="123456789012")
    (policy,) = PolicyCollection.from_data(
        {"policies": [{"name": "read", "resource": resource_type}]}, config)
    (resource,) = policy.resource_manager.get_resources([resource_id])
    return tags_to_dict(resource.get("Tags"))
