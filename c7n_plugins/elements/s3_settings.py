"""``requires-tls`` (S3.5) and ``default-encryption`` (S3.17): bucket settings read
the way AWS Config's rules read them.

Custodian's ``has-statement`` compares a statement as written, so the TLS
statement AWS accepts in several spellings (``"Action": "*"``, a boolean
``false``, ``BoolIfExists``) had to be written exactly one way; its
``bucket-encryption`` filter knows ``AES256`` and ``aws:kms`` only, not DSSE-KMS.
"""

from __future__ import annotations

import json

from botocore.exceptions import ClientError
from c7n.filters import Filter
from c7n.utils import local_session, type_schema

from c7n_plugins import registry


def _listify(value) -> list:
    return value if isinstance(value, list) else [value]


def _everyone(statement: dict) -> bool:
    principal = statement.get("Principal")
    return principal == "*" or (isinstance(principal, dict)
                                and "*" in _listify(principal.get("AWS", [])))


def _false(value) -> bool:
    return all(str(v).lower() == "false" for v in _listify(value))


def denies_plain_http(statement: dict, bucket: str) -> bool:
    """A Deny of every S3 action on the bucket's objects to anyone, over plain HTTP."""
    if statement.get("Effect") != "Deny" or not _everyone(statement):
        return False
    if not any(a.lower() in ("*", "s3:*") for a in _listify(statement.get("Action", []))):
        return False
    resources = _listify(statement.get("Resource", []))
    if not any(r in ("*", f"arn:aws:s3:::{bucket}/*", f"arn:aws:s3:::{bucket}*")
               for r in resources):
        return False
    for op, values in (statement.get("Condition") or {}).items():
        if op.lower() in ("bool", "boolifexists"):
            for key, value in values.items():
                if key.lower() == "aws:securetransport" and _false(value):
                    return True
    return False


@registry.filter("requires-tls", ("aws.s3",))
class RequiresTls(Filter):
    """Buckets whose policy does (``state: true``) or does not (``state: false``) deny
    requests that are not made over TLS (``aws:SecureTransport`` false).

    :example:

    .. code-block:: yaml

        policies:
          - name: s3-bucket-requires-ssl
            resource: aws.s3
            metadata:
              category: compliance
              severity: medium
              controls: [FSBP/S3.5]
              source: s3-bucket-ssl-requests-only
              remediation: manual
              description: S3 buckets should require requests to use SSL.
            filters:
              - type: requires-tls
                state: false
    """

    schema = type_schema("requires-tls", state={"type": "boolean"})
    # The policy comes from Custodian's own bucket augment (GetBucketPolicy).
    permissions = ("s3:GetBucketPolicy",)

    def process(self, resources, event=None):
        wanted = self.data.get("state", True)
        matched = []
        for b in resources:
            policy = b.get("Policy")
            doc = json.loads(policy) if isinstance(policy, str) and policy else {}
            ok = any(denies_plain_http(s, b["Name"])
                     for s in _listify(doc.get("Statement", [])) if isinstance(s, dict))
            if ok == wanted:
                matched.append(b)
        return matched


@registry.filter("default-encryption", ("aws.s3",))
class DefaultEncryption(Filter):
    """Buckets whose default encryption algorithm is not one of ``algorithms``
    (``aws:kms`` and ``aws:kms:dsse`` for FSBP S3.17). One call per bucket: S3 has
    no batch read of encryption settings.

    :example:

    .. code-block:: yaml

        policies:
          - name: s3-bucket-kms-encrypted
            resource: aws.s3
            metadata:
              category: compliance
              severity: medium
              controls: [FSBP/S3.17]
              source: s3-default-encryption-kms
              remediation: manual
              description: S3 buckets should be encrypted at rest with AWS KMS keys.
            filters:
              - type: default-encryption
                algorithms: [aws:kms, aws:kms:dsse]
    """

    schema = type_schema("default-encryption", required=["algorithms"],
                         algorithms={"type": "array", "items": {"type": "string"}})
    permissions = ("s3:GetEncryptionConfiguration",)
    annotation = "c7n:DefaultEncryption"

    def process(self, resources, event=None):
        from c7n.resources.s3 import bucket_client

        session = local_session(self.manager.session_factory)
        wanted = set(self.data["algorithms"])
        matched = []
        for b in resources:
            if self.annotation not in b:
                try:
                    rules = bucket_client(session, b).get_bucket_encryption(
                        Bucket=b["Name"])["ServerSideEncryptionConfiguration"]["Rules"]
                except ClientError as err:
                    if err.response["Error"]["Code"] != (
                            "ServerSideEncryptionConfigurationNotFoundError"):
                        raise
                    rules = []
                b[self.annotation] = [r.get("ApplyServerSideEncryptionByDefault", {})
                                      .get("SSEAlgorithm") for r in rules]
            if not wanted & set(b[self.annotation]):
                matched.append(b)
        return matched
