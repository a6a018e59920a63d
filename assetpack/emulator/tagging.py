"""Resource Groups Tagging API coverage moto 5.2 lacks, added to the emulator only.

``TagResources`` on an SQS queue ARN fails in moto, while real AWS accepts it;
Custodian tags queues through that API, so the emulator forwards SQS ARNs to
moto's own ``TagQueue``.
"""

from __future__ import annotations


def install() -> None:
    from moto.resourcegroupstaggingapi.models import ResourceGroupsTaggingAPIBackend
    from moto.sqs.models import sqs_backends

    original = ResourceGroupsTaggingAPIBackend.tag_resources

    def tag_resources(self, resource_arns, tags):
        queues = [a for a in resource_arns if a.split(":")[2:3] == ["sqs"]]
        for arn in queues:
            _, _, _, region, account, name = arn.split(":", 5)
            sqs_backends[account][region].tag_queue(name, tags)
        rest = [a for a in resource_arns if a not in queues]
        return original(self, rest, tags) if rest else {}

    ResourceGroupsTaggingAPIBackend.tag_resources = tag_resources
