"""``public-bucket`` (S3.2, S3.3) and ``trail-bucket`` (CloudTrail.6, CloudTrail.7):
is a bucket public the way AWS Config's rules judge it.

AWS Config's ``s3-bucket-public-read-prohibited`` and ``-write-prohibited`` read the
bucket ACL, the bucket policy and Block Public Access (bucket and account level):
a public ACL counts only where no ``IgnorePublicAcls`` applies, a public policy only
where no ``RestrictPublicBuckets`` applies. Custodian's ``global-grants`` reads only
the ACL, and ``check-public-block`` only the bucket's own settings.
"""

from __future__ import annotations

import json
import logging
from fnmatch import fnmatchcase

from botocore.exceptions import BotoCoreError, ClientError
from c7n.filters import Filter
from c7n.utils import local_session, type_schema

from c7n_plugins import registry

log = logging.getLogger("custodian.assetpack.s3-public")

PUBLIC_GROUPS = ("http://acs.amazonaws.com/groups/global/AllUsers",
                 "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")
ACL_PERMISSIONS = {"read": {"READ", "READ_ACP", "FULL_CONTROL"},
                   "write": {"WRITE", "WRITE_ACP", "FULL_CONTROL"}}
# Object and listing actions that make a bucket readable / writable by anyone.
ACTIONS = {"read": ("s3:getobject", "s3:getobjectversion", "s3:listbucket",
                    "s3:listbucketversions"),
           "write": ("s3:putobject", "s3:deleteobject", "s3:deleteobjectversion",
                     "s3:putobjectacl")}
# Condition keys that tie a statement to known principals or networks (AWS treats a
# statement conditioned on a fixed value of one of these as not public).
RESTRICTING_KEYS = {"aws:sourceip", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceaccount",
                    "aws:sourcearn", "aws:sourceowner", "aws:principalorgid",
                    "aws:principalaccount", "aws:principalarn", "aws:userid",
                    "s3:dataaccesspointaccount", "s3:dataaccesspointarn"}
BLOCK_KEY = "c7n:PublicAccessBlock"  # where Custodian's check-public-block caches it


def _listify(value) -> list:
    return value if isinstance(value, list) else [value]


def _everyone(statement: dict) -> bool:
    if "NotPrincipal" in statement:
        return True
    principal = statement.get("Principal")
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in _listify(principal.get("AWS", []))


def _restricted(statement: dict) -> bool:
    for values in (statement.get("Condition") or {}).values():
        for key, value in values.items():
            fixed = all("*" not in str(v) and "?" not in str(v) and "${" not in str(v)
                        for v in _listify(value))
            if key.lower() in RESTRICTING_KEYS and fixed:
                return True
    return False


def _grants(statement: dict, access: str) -> bool:
    if "NotAction" in statement:
        excluded = [a.lower() for a in _listify(statement["NotAction"])]
        return any(not any(fnmatchcase(w, a) for a in excluded) for w in ACTIONS[access])
    patterns = [a.lower() for a in _listify(statement.get("Action", []))]
    return any(fnmatchcase(w, p) for w in ACTIONS[access] for p in patterns)


def policy_public(policy: str | dict | None, access: str) -> bool:
    """Does the bucket policy allow ``access`` (read/write) to anyone, unconditionally?"""
    if not policy:
        return False
    doc = json.loads(policy) if isinstance(policy, str) else policy
    return any(s.get("Effect") == "Allow" and _everyone(s) and _grants(s, access)
               and not _restricted(s) for s in _listify(doc.get("Statement", [])))


def acl_public(acl: dict | None, access: str) -> bool:
    return any(g.get("Grantee", {}).get("URI") in PUBLIC_GROUPS
               and g.get("Permission") in ACL_PERMISSIONS[access]
               for g in (acl or {}).get("Grants", []))


class _BucketReader:
    """Reads what the public-access verdict needs, once per run for the account."""

    def __init__(self, manager):
        self.session = local_session(manager.session_factory)
        self.account_id = manager.config.account_id
        self._account_block: dict | None = None

    def account_block(self) -> dict:
        if self._account_block is None:
            client = self.session.client("s3control")
            try:
                self._account_block = client.get_public_access_block(
                    AccountId=self.account_id)["PublicAccessBlockConfiguration"]
            except (ClientError, BotoCoreError) as err:
                # Unreadable (denied, or an endpoint without S3 Control's account
                # host names): judge by the bucket's own settings, which can only
                # report more, never hide a public bucket.
                if not (isinstance(err, ClientError) and err.response["Error"]["Code"]
                        == "NoSuchPublicAccessBlockConfiguration"):
                    log.warning("account Block Public Access unreadable (%s); "
                                "judging buckets by their own settings", err)
                self._account_block = {}
        return self._account_block

    def bucket_block(self, s3, bucket: dict) -> dict:
        if BLOCK_KEY not in bucket:
            try:
                bucket[BLOCK_KEY] = s3.get_public_access_block(
                    Bucket=bucket["Name"])["PublicAccessBlockConfiguration"]
            except ClientError as err:
                if err.response["Error"]["Code"] != "NoSuchPublicAccessBlockConfiguration":
                    raise
                bucket[BLOCK_KEY] = {}
        return bucket[BLOCK_KEY]

    def public(self, s3, bucket: dict, access: str) -> bool:
        """``bucket`` carries ``Name`` and, if already fetched, ``Acl`` and ``Policy``."""
        block = {k: v for k, v in self.account_block().items() if v}
        block.update({k: v for k, v in self.bucket_block(s3, bucket).items() if v})
        if "Acl" not in bucket:
            bucket["Acl"] = s3.get_bucket_acl(Bucket=bucket["Name"])
        if "Policy" not in bucket:
            try:
                bucket["Policy"] = s3.get_bucket_policy(Bucket=bucket["Name"])["Policy"]
            except ClientError as err:
                if err.response["Error"]["Code"] != "NoSuchBucketPolicy":
                    raise
                bucket["Policy"] = None
        return ((not block.get("IgnorePublicAcls") and acl_public(bucket["Acl"], access))
                or (not block.get("RestrictPublicBuckets")
                    and policy_public(bucket["Policy"], access)))


@registry.filter("public-bucket", ("aws.s3",))
class PublicBucket(Filter):
    """Buckets that anyone can read (or write) through their ACL or bucket policy,
    Block Public Access (bucket and account level) taken into account.

    A policy statement counts as public when it allows the object actions to
    ``Principal: "*"`` without a condition fixing the caller's account,
    organisation, network or source (wildcards and variables do not fix it).

    :example:

    .. code-block:: yaml

        policies:
          - name: s3-bucket-no-public-read
            resource: aws.s3
            metadata:
              category: compliance
              severity: critical
              controls: [FSBP/S3.2]
              source: s3-bucket-public-read-prohibited
              remediation: manual
              description: S3 buckets should prohibit public read access.
            filters:
              - type: public-bucket
                access: read
    """

    schema = type_schema("public-bucket", required=["access"],
                         access={"enum": ["read", "write"]})
    permissions = ("s3:GetBucketAcl", "s3:GetBucketPolicy", "s3:GetBucketPublicAccessBlock",
                   "s3:GetAccountPublicAccessBlock")

    def process(self, resources, event=None):
        from c7n.resources.s3 import bucket_client

        reader = _BucketReader(self.manager)
        return [b for b in resources
                if reader.public(bucket_client(reader.session, b), b, self.data["access"])]


@registry.filter("trail-bucket", ("aws.cloudtrail",))
class TrailBucket(Filter):
    """Trails whose log bucket is public (``state: public``, read or write, judged as
    ``public-bucket`` does) or records no server access logs (``state: not-logging``).

    Custodian's trail resource knows only the bucket's name; the bucket may live in
    another account (a central log archive), where reading it is denied: such a
    trail is reported in the log and not matched, since this account cannot change
    that bucket.

    :example:

    .. code-block:: yaml

        policies:
          - name: cloudtrail-bucket-not-public
            resource: aws.cloudtrail
            metadata:
              category: compliance
              severity: critical
              controls: [FSBP/CloudTrail.6]
              source: cloudtrail-s3-bucket-public-access-prohibited
              remediation: manual
              description: The S3 bucket CloudTrail logs to must not be public.
            filters:
              - type: trail-bucket
                state: public
    """

    schema = type_schema("trail-bucket", required=["state"],
                         state={"enum": ["public", "not-logging"]})
    permissions = ("s3:GetBucketAcl", "s3:GetBucketPolicy", "s3:GetBucketPublicAccessBlock",
                   "s3:GetAccountPublicAccessBlock", "s3:GetBucketLogging")

    def process(self, resources, event=None):
        reader = _BucketReader(self.manager)
        s3 = reader.session.client("s3")
        buckets: dict[str, bool | None] = {}
        matched = []
        for trail in resources:
            name = trail.get("S3BucketName")
            if not name:
                continue
            if name not in buckets:
                buckets[name] = self._violates(reader, s3, name)
            if buckets[name]:
                matched.append(trail)
        return matched

    def _violates(self, reader: _BucketReader, s3, name: str) -> bool | None:
        try:
            if self.data["state"] == "not-logging":
                return "LoggingEnabled" not in s3.get_bucket_logging(Bucket=name)
            bucket = {"Name": name}
            return reader.public(s3, bucket, "read") or reader.public(s3, bucket, "write")
        except ClientError as err:
            if err.response["Error"]["Code"] not in ("AccessDenied", "NoSuchBucket"):
                raise
            log.warning("trail bucket %s: cannot read it (%s); not evaluated", name,
                        err.response["Error"]["Code"])
            return None
