"""S3: the web assets, logs and customer-data buckets of the legacy system."""

from __future__ import annotations

from c7n_plugins.emulator.estate import tag_list

BLOCK_ALL = {k: True for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                               "RestrictPublicBuckets")}


def build(estate) -> None:
    s3 = estate.client("s3")
    for i in estate.copies():
        sfx = estate.suffix(i)
        public, private, vault = (f"legacy-web-assets{sfx}", f"legacy-web-logs{sfx}",
                                  f"legacy-prod-customer-data{sfx}")
        for name in (public, private, vault):
            s3.create_bucket(Bucket=name)
            # Buckets are created with Block Public Access on, as AWS does since 2023;
            # the misconfigured ones have it turned off, as in an old estate.
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=BLOCK_ALL)
        s3.delete_public_access_block(Bucket=public)
        s3.delete_public_access_block(Bucket=vault)
        s3.put_bucket_tagging(Bucket=vault, Tagging={"TagSet": tag_list(
            {"asset:criticality": "critical", "asset:class": "storage"})})
        estate.created += 3
        estate.expect("s3-bucket-public-access-blocked", violating=[public],
                      compliant=[private], protected=[vault])
