"""Per-target delivery state, so a retried message reaches no target twice.

A queue message goes to several targets; SQS can only keep or delete it whole. So
each target that accepts is recorded here, under the message's SQS id, *right
after* it accepted; a retry skips recorded targets; the record is removed once the
message is deleted. Slack thread timestamps (to reply to an alert's thread when
its finding changes) are kept here too, under the finding.

The one window left: a target accepted and the process died before the record
was written. That target would get the message again on the retry. It is the
unavoidable edge of at-least-once delivery to systems without idempotency keys;
e-mail carries a deterministic ``Message-ID`` so a client can still recognise it.

Locations: a local folder (the CLI, the demo) or ``s3://bucket/prefix`` (the
Lambda; Terraform's pack bucket). Only boto3 and the standard library are used.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any


def _key(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]


class DeliveryState:
    def __init__(self, location: str, session: Any = None):
        self.location = location
        if location.startswith("s3://"):
            self.bucket, _, prefix = location[len("s3://"):].partition("/")
            self.prefix = prefix.strip("/")
            self.root: Path | None = None
            if session is None:
                import boto3

                session = boto3.Session()
            self._client = session.client("s3")
        else:
            self.root = Path(location)

    def _read(self, name: str) -> dict:
        if self.root is not None:
            path = self.root / f"{name}.json"
            return json.loads(path.read_text()) if path.exists() else {}
        try:
            body = self._client.get_object(Bucket=self.bucket, Key=self._s3key(name))["Body"]
        except self._client.exceptions.NoSuchKey:
            return {}
        return json.loads(body.read())

    def _write(self, name: str, data: dict) -> None:
        body = json.dumps(data, sort_keys=True)
        if self.root is not None:
            path = self.root / f"{name}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(body)
            tmp.replace(path)
        else:
            self._client.put_object(Bucket=self.bucket, Key=self._s3key(name),
                                    Body=body.encode(), ServerSideEncryption="AES256")

    def _delete(self, name: str) -> None:
        if self.root is not None:
            (self.root / f"{name}.json").unlink(missing_ok=True)
        else:
            self._client.delete_object(Bucket=self.bucket, Key=self._s3key(name))

    def _s3key(self, name: str) -> str:
        return f"{self.prefix}/{name}.json" if self.prefix else f"{name}.json"

    # -- per message -------------------------------------------------------------
    def delivered(self, message_id: str) -> dict[str, Any]:
        """Targets that already accepted this message: target -> what they returned."""
        return self._read(f"messages/{_key(message_id)}").get("delivered", {})

    def record(self, message_id: str, target: str, receipt: Any) -> None:
        name = f"messages/{_key(message_id)}"
        data = self._read(name)
        data.setdefault("delivered", {})[target] = receipt
        self._write(name, data)

    def forget(self, message_id: str) -> None:
        self._delete(f"messages/{_key(message_id)}")

    # -- Slack threads -----------------------------------------------------------
    def thread(self, finding_id: str, channel: str) -> str | None:
        return self._read(f"threads/{_key(finding_id)}").get(channel)

    def remember_thread(self, finding_id: str, channel: str, ts: str) -> None:
        name = f"threads/{_key(finding_id)}"
        data = self._read(name)
        data.setdefault(channel, ts)
        self._write(name, data)
