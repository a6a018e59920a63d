"""Let the standard AWS environment choose endpoints where Custodian pins them.

Custodian's SQS resource always talks to ``https://sqs.<region>.amazonaws.com``
(to get canonical queue URLs), which ignores ``AWS_ENDPOINT_URL``: against a
VPC endpoint, a proxy or a local emulator, SQS policies then fail. When the
environment names an endpoint, the pack lets boto3 use it; otherwise Custodian's
choice stands. Queue URLs from such endpoints may be plain ``http://``, which
Custodian's id lookup doesn't recognise as URLs; they are reduced to queue names
as Custodian does for ``https://`` ones.
"""

from __future__ import annotations

import os

from c7n.utils import local_session

from c7n_plugins import registry


def _environment_endpoint(service: str) -> str | None:
    return (os.environ.get(f"AWS_ENDPOINT_URL_{service.upper()}")
            or os.environ.get("AWS_ENDPOINT_URL"))


def _honour_environment(resource_class) -> None:
    pinned = resource_class.get_client

    def get_client(self):
        if _environment_endpoint("sqs"):
            return local_session(self.session_factory).client("sqs")
        return pinned(self)

    find = resource_class.get_resources

    def get_resources(self, ids, cache=True):
        names = [i.rsplit("/", 1)[-1] if i.startswith("http://") else i for i in ids]
        return find(self, names, cache)

    resource_class.get_client = get_client
    resource_class.get_resources = get_resources


registry.on_resources(("aws.sqs",), _honour_environment)
