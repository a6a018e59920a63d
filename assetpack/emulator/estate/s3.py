"""S3: the web assets, logs and customer-data buckets of the legacy system.

``legacy-web-logs`` is the hardened twin (every S3 check passes on it); the
others carry the misconfigurations an old estate accumulates. The customer-data
vault is critical, so remediation must leave it to a human.
"""

from __future__ import annotations

import json

from assetpack.emulator.estate import tag_list

BLOCK_ALL = {k: True for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                               "RestrictPublicBuckets")}
PARTNER_ACCOUNT = "111122223333"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
# Checks whose remediation the critical vault must be spared from.
REMEDIATED_ON_VAULT = ("s3-bucket-public-access-blocked", "s3-bucket-requires-ssl",
                       "s3-bucket-access-logging-enabled", "s3-bucket-has-lifecycle",
                       "s3-bucket-versioning-enabled", "s3-bucket-kms-encrypted")


def _ssl_policy(bucket: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})


def _log_bucket(estate, s3) -> str:
    account = estate.client("sts").get_caller_identity()["Account"]
    name = f"{account}-{estate.region}-s3-logs"
    s3.create_bucket(Bucket=name)
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=BLOCK_ALL)
    s3.put_bucket_acl(Bucket=name, ACL="log-delivery-write")
    # The central log bucket: TLS only, and S3 log delivery may write to it.
    policy = json.loads(_ssl_policy(name))
    # (Log delivery's statement first: moto's check stops at a "*" principal.)
    policy["Statement"].insert(0, {
        "Sid": "S3ServerAccessLogsPolicy", "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{name}/*",
        "Condition": {"StringEquals": {"aws:SourceAccount": account}}})
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
    estate.created += 1
    return name


def _harden(s3, name: str, log_bucket: str, replica: str) -> None:
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"},
        "BucketKeyEnabled": True}]})
    s3.put_bucket_policy(Bucket=name, Policy=_ssl_policy(name))
    s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": [{
        "ID": "expire-old-versions", "Status": "Enabled", "Filter": {"Prefix": ""},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 90}}]})
    s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": log_bucket, "TargetPrefix": f"{name}/"}})
    s3.put_bucket_notification_configuration(
        Bucket=name, NotificationConfiguration={"QueueConfigurations": [{
            "QueueArn": f"arn:aws:sqs:us-east-1:123456789012:{name}-events",
            "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]}]})
    s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}}})
    s3.put_bucket_replication(Bucket=name, ReplicationConfiguration={
        "Role": "arn:aws:iam::123456789012:role/s3-replication",
        "Rules": [{"ID": "to-dr", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
                   "DeleteMarkerReplication": {"Status": "Disabled"},
                   "Destination": {"Bucket": f"arn:aws:s3:::{replica}"}}]})


def build(estate) -> None:
    s3 = estate.client("s3")
    log_bucket = _log_bucket(estate, s3)
    for i in estate.copies():
        sfx = estate.suffix(i)
        public, private, vault, partner, replica = (
            f"legacy-web-assets{sfx}", f"legacy-web-logs{sfx}",
            f"legacy-prod-customer-data{sfx}", f"legacy-partner-exchange{sfx}",
            f"legacy-web-logs-dr{sfx}")
        for name in (public, vault, partner, replica):
            s3.create_bucket(Bucket=name)
        s3.create_bucket(Bucket=private, ObjectLockEnabledForBucket=True)
        for name in (public, private, vault, partner, replica):
            # Buckets are created with Block Public Access on, as AWS does since 2023;
            # the misconfigured ones have it turned off, as in an old estate.
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=BLOCK_ALL)
        s3.delete_public_access_block(Bucket=public)
        s3.delete_public_access_block(Bucket=vault)
        s3.put_bucket_tagging(Bucket=vault, Tagging={"TagSet": tag_list(
            {"asset:criticality": "critical", "asset:class": "storage"})})
        s3.put_bucket_versioning(Bucket=replica, VersioningConfiguration={"Status": "Enabled"})
        _harden(s3, private, log_bucket, replica)
        # The web assets were once served straight from S3: public ACLs, no policy.
        s3.put_bucket_acl(Bucket=public, ACL="public-read")
        s3.delete_public_access_block(Bucket=partner)
        owner = s3.get_bucket_acl(Bucket=partner)["Owner"]
        s3.put_bucket_acl(Bucket=partner, AccessControlPolicy={"Owner": owner, "Grants": [
            {"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"]}, "Permission": "FULL_CONTROL"},
            *({"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": perm}
              for perm in ("READ", "WRITE"))]})
        s3.put_public_access_block(Bucket=partner, PublicAccessBlockConfiguration=BLOCK_ALL)
        # A partner's account may administer the exchange bucket: too much trust.
        s3.put_bucket_versioning(Bucket=partner, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_policy(Bucket=partner, Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Sid": "PartnerAdmin", "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{PARTNER_ACCOUNT}:root"},
                "Action": ["s3:GetObject", "s3:PutObject", "s3:PutBucketPolicy"],
                "Resource": [f"arn:aws:s3:::{partner}", f"arn:aws:s3:::{partner}/*"]}]}))
        # Build artifacts: private, but Block Public Access was turned off long ago; no
        # reader depends on that, so the disruptive S3 fixes may run here unattended.
        artifacts = f"legacy-build-artifacts{sfx}"
        s3.create_bucket(Bucket=artifacts)
        estate.created += 6
        for policy in ("s3-bucket-public-access-blocked", "s3-bucket-requires-ssl",
                       "s3-bucket-kms-encrypted"):
            estate.expect(policy, violating=[artifacts], compliant=[private])

        estate.expect("s3-bucket-public-access-blocked", violating=[public],
                      compliant=[private], protected=[vault])
        for policy in REMEDIATED_ON_VAULT[1:]:
            estate.expect(policy, violating=[public], compliant=[private], protected=[vault])
        # The partner bucket's ACL grants everyone READ and WRITE, but Block Public
        # Access ignores public ACLs: AWS Config judges it not public.
        estate.expect("s3-bucket-no-public-read", violating=[public],
                      compliant=[private, vault, partner])
        estate.expect("s3-bucket-no-public-write", compliant=[private, public, partner])
        estate.expect("s3-bucket-no-cross-account-admin", violating=[partner],
                      compliant=[private, public])
        estate.expect("s3-versioned-bucket-has-lifecycle", violating=[partner],
                      compliant=[private, public])
        for policy in ("s3-bucket-cross-region-replication", "s3-bucket-event-notifications",
                       "s3-bucket-acls-disabled", "s3-bucket-object-lock-enabled"):
            estate.expect(policy, violating=[public, vault, partner], compliant=[private])
