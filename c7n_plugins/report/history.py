"""Daily snapshots of the report's numbers: the 7- and 30-day trend is drawn from them.

One JSON document per day (``<location>/<YYYY-MM-DD>.json``; a later run on the
same day replaces it), in a local folder (``DIR/history``) or under an S3 prefix
(the pack's bucket, created by Terraform). Standard library and boto3 only: the
daily Lambda writes them too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

DATE_FILE = re.compile(r"(\d{4}-\d{2}-\d{2})\.json$")


class HistoryError(RuntimeError):
    """Snapshots could not be read or written; the message says where."""


class History:
    def __init__(self, location: str, session: Any = None) -> None:
        self.location = location
        self._session = session
        if location.startswith("s3://"):
            self.bucket, _, prefix = location[len("s3://"):].partition("/")
            if not self.bucket:
                raise HistoryError(f"{location}: no bucket in the history location")
            self.prefix = prefix.strip("/")
            self.root: Path | None = None
        else:
            self.bucket, self.prefix, self.root = "", "", Path(location)

    def _s3(self):
        if self._session is None:
            import boto3

            self._session = boto3.Session()
        return self._session.client("s3")

    def _key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def save(self, snapshot: dict[str, Any]) -> str:
        """Write the day's snapshot; return where it landed."""
        name = f"{snapshot['date']}.json"
        body = json.dumps(snapshot, indent=1, sort_keys=True, default=str)
        try:
            if self.root is not None:
                self.root.mkdir(parents=True, exist_ok=True)
                (self.root / name).write_text(body)
                return str(self.root / name)
            self._s3().put_object(Bucket=self.bucket, Key=self._key(name), Body=body.encode(),
                                  ContentType="application/json", ServerSideEncryption="AES256")
            return f"s3://{self.bucket}/{self._key(name)}"
        except Exception as err:  # noqa: BLE001 - any failure: the trend lacks today
            raise HistoryError(f"cannot write snapshot {name} to {self.location}: {err}") from err

    def load(self, days: int = 30, before: str | None = None) -> list[dict[str, Any]]:
        """The last ``days`` snapshots dated before ``before`` (ISO date), oldest first.
        A document that is not a snapshot is skipped, not fatal."""
        try:
            names = self._names()
        except Exception as err:  # noqa: BLE001
            raise HistoryError(f"cannot list snapshots at {self.location}: {err}") from err
        dates = sorted(d for d in names if before is None or d < before)[-days:]
        out = []
        for date in dates:
            try:
                doc = json.loads(self._read(names[date]))
            except (ValueError, OSError):
                continue
            if isinstance(doc, dict) and doc.get("date") == date:
                out.append(doc)
        return out

    def _names(self) -> dict[str, str]:
        if self.root is not None:
            if not self.root.exists():
                return {}
            return {m.group(1): str(p) for p in self.root.iterdir()
                    if (m := DATE_FILE.fullmatch(p.name))}
        found = {}
        paginator = self._s3().get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket,
                                       Prefix=f"{self.prefix}/" if self.prefix else ""):
            for obj in page.get("Contents", []):
                if m := DATE_FILE.search(obj["Key"]):
                    found[m.group(1)] = obj["Key"]
        return found

    def _read(self, name: str) -> str:
        if self.root is not None:
            return Path(name).read_text()
        try:
            return self._s3().get_object(Bucket=self.bucket, Key=name)["Body"].read().decode()
        except Exception as err:  # noqa: BLE001 - one unreadable day is skipped
            raise OSError(str(err)) from err
