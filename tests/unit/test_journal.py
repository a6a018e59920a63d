"""The remediation journal (contract 7): entries land before a change, or the change waits."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from c7n_plugins.journal import Entry, Journal, JournalError


def _entry(**kw) -> Entry:
    base = dict(policy="s3-bucket-versioning", resource="arn:aws:s3:::b1", resource_type="aws.s3",
                action="toggle-versioning", before={"Status": "Suspended"},
                after={"Status": "Enabled"})
    return Entry(**{**base, **kw})


def test_local_round_trip_and_filters(tmp_path):
    journal = Journal(str(tmp_path))
    first = journal.write(_entry())
    journal.write(_entry(resource="arn:aws:s3:::b2"))
    journal.update(first, "fixed")
    entries = {e.resource: e for e in journal.entries()}
    assert set(entries) == {"arn:aws:s3:::b1", "arn:aws:s3:::b2"}
    assert entries["arn:aws:s3:::b1"].status == "fixed"
    assert entries["arn:aws:s3:::b1"].before == {"Status": "Suspended"}
    assert [e.resource for e in journal.entries(resource="arn:aws:s3:::b2")] == ["arn:aws:s3:::b2"]
    future = datetime.now(UTC) + timedelta(hours=1)
    assert list(journal.entries(since=future)) == []


def test_one_document_per_policy_resource_and_action(tmp_path):
    journal = Journal(str(tmp_path))
    journal.write(_entry())
    journal.write(_entry(after={"Status": "Enabled", "MFADelete": "Disabled"}))
    assert len(list(journal.entries())) == 1


def test_unwritable_location_raises(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(JournalError, match="cannot write journal entry"):
        Journal(str(blocker)).write(_entry())


def test_unknown_status_is_refused(tmp_path):
    with pytest.raises(JournalError, match="unknown journal status"):
        Journal(str(tmp_path)).write(_entry(status="done-ish"))


def test_location_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("ASSETPACK_JOURNAL", raising=False)
    assert Journal.from_env() is None
    assert Journal.from_env(default=str(tmp_path)).root == tmp_path
    monkeypatch.setenv("ASSETPACK_JOURNAL", "s3://bucket/prefix")
    journal = Journal.from_env(default=str(tmp_path))
    assert (journal.bucket, journal.prefix) == ("bucket", "prefix")
    assert os.environ["ASSETPACK_JOURNAL"] == "s3://bucket/prefix"


def test_a_dry_run_never_overwrites_the_record_of_a_real_change(tmp_path):
    journal = Journal(str(tmp_path))
    real = journal.write(_entry(status="fixed"))
    plan = journal.write(_entry(dryrun=True, after={"intended": {}}))
    assert real.id != plan.id
    assert journal.get(real.id).status == "fixed"
    assert journal.get(plan.id).dryrun is True
    assert journal.get("no/such/entry") is None


def test_ids_and_execution_round_trip(tmp_path):
    journal = Journal(str(tmp_path))
    entry = journal.write(_entry(resource_id="b1", region="eu-west-1", execution="e-1",
                                 status="pending"))
    again = journal.get(entry.id)
    assert (again.resource_id, again.region, again.execution) == ("b1", "eu-west-1", "e-1")


def test_parallel_writers_share_one_s3_client():
    """Remediations of several types journal from parallel threads: the journal makes
    its S3 client once (a boto3 session may not make clients in two threads at once)."""
    import threading
    import time

    made = []

    class Session:
        def client(self, name):
            made.append(name)
            time.sleep(0.05)  # widen the window two unguarded threads would both enter
            return object()

    journal = Journal("s3://bucket/prefix", session=Session())
    threads = [threading.Thread(target=journal._s3) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert made == ["s3"]
