"""``set-managed-sse``: encrypt SQS queues with SQS-owned keys (SSE-SQS)."""

from __future__ import annotations

from c7n.actions import Action
from c7n.utils import local_session, type_schema

from c7n_plugins import registry


@registry.action("set-managed-sse", ("aws.sqs",))
class SetManagedSse(Action):
    """Turn on SSE-SQS (encryption with keys SQS owns) for queues with none.

    Custodian's ``set-encryption`` only sets a KMS key (SSE-KMS), which needs a
    key whose policy lets every producer and consumer use it: applied blindly it
    can stop a working queue. SSE-SQS satisfies FSBP SQS.1 and needs no key policy,
    so it is the safe automatic fix; queues that need SSE-KMS keep their key
    (queues with a ``KmsMasterKeyId`` are left alone). SQS has no batch API for
    attributes, so it is one call per queue.

    :example:

    .. code-block:: yaml

        policies:
          - name: sqs-queue-encrypted
            resource: aws.sqs
            metadata:
              category: compliance
              severity: medium
              controls: [FSBP/SQS.1]
              source: https://docs.aws.amazon.com/securityhub/latest/userguide/sqs-controls.html#sqs-1
              remediation: auto
              description: SQS queues should be encrypted at rest.
            filters:
              - KmsMasterKeyId: absent
              - SqsManagedSseEnabled: "false"
            actions:
              - type: set-managed-sse
    """

    schema = type_schema("set-managed-sse")
    permissions = ("sqs:SetQueueAttributes",)

    def process(self, resources):
        client = local_session(self.manager.session_factory).client("sqs")
        for r in resources:
            if r.get("KmsMasterKeyId"):
                continue
            client.set_queue_attributes(QueueUrl=r["QueueUrl"],
                                        Attributes={"SqsManagedSseEnabled": "true"})
