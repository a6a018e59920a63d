"""``cancel-key-deletion``: take a KMS key off the deletion schedule (FSBP KMS.3)."""

from __future__ import annotations

from c7n.actions import Action
from c7n.utils import local_session, type_schema

from c7n_plugins import registry


@registry.action("cancel-key-deletion", ("aws.kms-key",))
class CancelKeyDeletion(Action):
    """Cancel the scheduled deletion of customer managed KMS keys.

    Custodian can schedule a key's deletion (``schedule-deletion``) but has no
    action to cancel one, which is the only safe answer to FSBP KMS.3: once the
    waiting period ends, everything encrypted under the key is lost. The key is
    left disabled, as AWS leaves it; whether to re-enable it is its owner's call.
    KMS has no batch API for this, so it is one call per key (few keys match).

    :example:

    .. code-block:: yaml

        policies:
          - name: kms-key-not-pending-deletion
            resource: aws.kms-key
            metadata:
              category: compliance
              severity: critical
              controls: [FSBP/KMS.3]
              source: kms-cmk-not-scheduled-for-deletion
              remediation: auto
              description: KMS keys should not be unintentionally deleted.
            filters:
              - KeyState: PendingDeletion
            actions:
              - type: cancel-key-deletion
    """

    schema = type_schema("cancel-key-deletion")
    permissions = ("kms:CancelKeyDeletion",)

    def process(self, resources):
        client = local_session(self.manager.session_factory).client("kms")
        for r in resources:
            if r.get("KeyState") == "PendingDeletion":
                client.cancel_key_deletion(KeyId=r["KeyId"])
                r["KeyState"] = "Disabled"
