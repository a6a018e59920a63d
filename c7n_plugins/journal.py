"""The remediation journal (DESIGN.md contract 7).

Every change a remediation makes is written here *before* it is made: one JSON
document per (policy, resource, action) holding the attribute values before and
after, so ``assetpack undo`` can put them back and the daily report can say what
was fixed. A change whose entry cannot be written is not made: :meth:`Journal.write`
raises :class:`JournalError` and the caller skips the change.

The location is ``ASSETPACK_JOURNAL``: ``s3://bucket/prefix`` in AWS (the bucket
Terraform creates) or a local folder. Only boto3 and the standard library are
used: this module runs in the Lambda runtime.

Entry fields::

    id            "<policy>/<sha256(resource)[:24]>/<action>" (".dryrun" appended for a
                  dry run, so a plan never overwrites the record of a real change),
                  also the document's key
    policy        the policy (check) that made the change
    resource      the resource's ARN (or id where it has none)
    resource_type the Custodian type, e.g. "aws.s3"
    action        the action's name, e.g. "set-bucket-encryption"
    before, after the attribute values, as the undo needs them
    resource_id   the id the API calls take (bucket name, group id, queue URL, ...)
    region        where the resource lives
    execution     the SSM Automation execution that makes the change, if any
    time          ISO 8601 UTC of the write
    dryrun        true when nothing was changed
    status        "planned" (written, change not yet made), "fixed", "pending"
                  (takes effect later: an SSM Automation run, a maintenance window),
                  "failed", "undone"
    detail        free text: the error, the execution id, why it is pending
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ENV = "ASSETPACK_JOURNAL"
STATUSES = ("planned", "fixed", "pending", "failed", "undone")


class JournalError(RuntimeError):
    """The journal cannot be written or read; the message says where and why."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def resource_prefix(policy: str, resource: str) -> str:
    """Where the entries of one policy's changes to one resource live."""
    return f"{policy}/{hashlib.sha256(resource.encode()).hexdigest()[:24]}"


@dataclass
class Entry:
    """One change to one resource by one action of one policy."""

    policy: str
    resource: str
    resource_type: str
    action: str
    before: dict[str, Any]
    after: dict[str, Any]
    dryrun: bool = False
    status: str = "planned"
    detail: str = ""
    resource_id: str = ""
    region: str = ""
    execution: str = ""
    time: str = field(default_factory=now)

    @property
    def id(self) -> str:
        return (f"{resource_prefix(self.policy, self.resource)}/{self.action}"
                + (".dryrun" if self.dryrun else ""))

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, **asdict(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entry:
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**fields)


class Journal:
    """A journal in a local folder or under an S3 prefix."""

    def __init__(self, location: str, session: Any = None) -> None:
        if not location:
            raise JournalError("no journal location: set ASSETPACK_JOURNAL")
        self.location = location
        self._session = session
        self._client = None
        self._lock = threading.Lock()
        if location.startswith("s3://"):
            bucket, _, prefix = location[len("s3://"):].partition("/")
            if not bucket:
                raise JournalError(f"{location}: no bucket in the journal location")
            self.bucket, self.prefix = bucket, prefix.strip("/")
            self.root: Path | None = None
        else:
            self.bucket, self.prefix = None, ""
            self.root = Path(location)

    @classmethod
    def from_env(cls, default: str | None = None, session: Any = None) -> Journal | None:
        """The journal ``ASSETPACK_JOURNAL`` names, else ``default``, else None."""
        location = os.environ.get(ENV) or default
        return cls(location, session) if location else None

    def _s3(self):
        # Remediations of several resource types write in parallel threads; a boto3
        # session must not make clients in two threads at once, a client is shareable.
        with self._lock:
            if self._client is None:
                if self._session is None:
                    import boto3

                    self._session = boto3.Session()
                self._client = self._session.client("s3")
            return self._client

    def _key(self, entry_id: str) -> str:
        return f"{self.prefix}/{entry_id}.json" if self.prefix else f"{entry_id}.json"

    def write(self, entry: Entry) -> Entry:
        """Write (or overwrite) the entry; raise :class:`JournalError` if it did not land."""
        if entry.status not in STATUSES:
            raise JournalError(f"unknown journal status {entry.status!r}")
        body = json.dumps(entry.to_json(), sort_keys=True, default=str, indent=1)
        try:
            if self.root is not None:
                path = self.root / f"{entry.id}.json"
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp")
                tmp.write_text(body)
                tmp.replace(path)
            else:
                self._s3().put_object(Bucket=self.bucket, Key=self._key(entry.id),
                                      Body=body.encode(), ContentType="application/json",
                                      ServerSideEncryption="AES256")
        except Exception as err:  # noqa: BLE001 - any failure means "not journaled"
            raise JournalError(f"cannot write journal entry {entry.id} to "
                               f"{self.location}: {err}") from err
        return entry

    def update(self, entry: Entry, status: str, detail: str = "") -> Entry:
        """Record the outcome of a journaled change (same document, new status)."""
        entry.status, entry.detail, entry.time = status, detail or entry.detail, now()
        return self.write(entry)

    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id, or None when there is none."""
        try:
            if self.root is not None:
                path = self.root / f"{entry_id}.json"
                return Entry.from_json(json.loads(path.read_text())) if path.exists() else None
            client = self._s3()
            try:
                body = client.get_object(Bucket=self.bucket, Key=self._key(entry_id))["Body"]
            except client.exceptions.NoSuchKey:
                return None
            return Entry.from_json(json.loads(body.read()))
        except Exception as err:  # noqa: BLE001
            raise JournalError(f"cannot read journal entry {entry_id} from "
                               f"{self.location}: {err}") from err

    def entries(self, since: datetime | None = None, policy: str | None = None,
                resource: str | None = None) -> Iterator[Entry]:
        """Every entry, optionally only those written at or after ``since``."""
        for data in self._documents(policy):
            entry = Entry.from_json(data)
            if resource and entry.resource != resource:
                continue
            if since and datetime.fromisoformat(entry.time) < since:
                continue
            yield entry

    def for_resource(self, policy: str, resource: str) -> list[Entry]:
        """The entries of one policy's changes to one resource (one listing)."""
        return [Entry.from_json(d) for d in self._documents(resource_prefix(policy, resource))]

    def _documents(self, policy: str | None) -> Iterator[dict[str, Any]]:
        try:
            if self.root is not None:
                base = self.root / policy if policy else self.root
                for path in sorted(base.rglob("*.json")) if base.exists() else ():
                    yield json.loads(path.read_text())
                return
            client = self._s3()
            prefix = "/".join(p for p in (self.prefix, policy) if p)
            paginator = client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.bucket,
                                           Prefix=f"{prefix}/" if prefix else ""):
                for obj in page.get("Contents", []):
                    body = client.get_object(Bucket=self.bucket, Key=obj["Key"])["Body"]
                    yield json.loads(body.read())
        except JournalError:
            raise
        except Exception as err:  # noqa: BLE001
            raise JournalError(f"cannot read the journal at {self.location}: {err}") from err


def for_run(output_dir: str | None, session: Any = None) -> Journal:
    """The journal an action writes to: ``ASSETPACK_JOURNAL``, else ``<output_dir>/journal``
    (how ``assetpack scan -s OUT`` and ``assetpack replay`` keep it beside their output)."""
    local = output_dir if output_dir and "://" not in str(output_dir) else None
    journal = Journal.from_env(default=str(Path(local) / "journal") if local else None,
                               session=session)
    if journal is None:
        raise JournalError("no journal location: set ASSETPACK_JOURNAL")
    return journal
