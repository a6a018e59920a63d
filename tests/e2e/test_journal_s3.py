"""The journal in S3, as the deployed Lambdas write it."""

from __future__ import annotations

import pytest

from c7n_plugins.journal import Entry, Journal, JournalError


def test_s3_journal_round_trip(aws):
    aws.client("s3").create_bucket(Bucket="assetpack-journal")
    journal = Journal("s3://assetpack-journal/remediation", aws)
    entry = journal.write(Entry("p1", "arn:aws:sqs:us-east-1:123456789012:q", "aws.sqs",
                                "set-encryption", {"KmsMasterKeyId": None},
                                {"KmsMasterKeyId": "alias/aws/sqs"}))
    journal.update(entry, "fixed")
    keys = [o["Key"] for o in aws.client("s3").list_objects_v2(
        Bucket="assetpack-journal")["Contents"]]
    assert keys == [f"remediation/{entry.id}.json"]
    [read] = list(journal.entries(policy="p1"))
    assert read.status == "fixed" and read.after == {"KmsMasterKeyId": "alias/aws/sqs"}
    assert journal.get(entry.id).status == "fixed"
    assert journal.get("p1/none/set-encryption") is None


def test_missing_bucket_means_no_entry(aws):
    with pytest.raises(JournalError, match="cannot write"):
        Journal("s3://no-such-bucket/x", aws).write(
            Entry("p", "r", "aws.s3", "a", {}, {}))
