"""``assetpack undo``: put back what remediation changed, from its journal (contract 7).

Entries are undone newest first, so when two checks changed one resource (say,
SSH and then RDP rules of one group) each restores the state it found. Each
remedy restores only what its own change altered (:mod:`c7n_plugins.remedies`),
then the entry is marked ``undone``. One entry that cannot be restored is
reported and the others still run.
"""

from __future__ import annotations

from dataclasses import dataclass

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from c7n_plugins.journal import Entry, Journal, JournalError
from c7n_plugins.remedies import lookup

UNDOABLE = ("fixed", "pending")


@dataclass
class Undone:
    entry: Entry
    status: str  # undone | would-undo | failed
    detail: str = ""


def undo(location: str, policy: str | None = None, resource: str | None = None,
         dryrun: bool = False, session: boto3.Session | None = None) -> list[Undone]:
    """Restore every fixed or pending change of the journal (optionally one policy's
    or one resource's, by ARN or id); raise :class:`JournalError` if it is unreadable."""
    session = session or boto3.Session()
    journal = Journal(location, session)
    entries = [e for e in journal.entries(policy=policy)
               if not e.dryrun and e.status in UNDOABLE
               and (resource is None or resource in (e.resource, e.resource_id))]
    entries.sort(key=lambda e: e.time, reverse=True)
    clients: dict[tuple[str, str], object] = {}
    results = []
    for entry in entries:
        region = entry.region or session.region_name or "us-east-1"

        def client(service: str, region: str = region):
            return clients.setdefault((service, region),
                                      session.client(service, region_name=region))

        remedy = lookup(entry.resource_type, entry.action)
        if remedy is None:
            results.append(Undone(entry, "failed", f"no remedy for {entry.resource_type} "
                                                   f"{entry.action}"))
            continue
        if dryrun:
            results.append(Undone(entry, "would-undo", _describe(entry)))
            continue
        try:
            remedy.restore(client, entry.resource_id, entry.before, entry.after)
            journal.update(entry, "undone", f"restored by assetpack undo: {_describe(entry)}")
            results.append(Undone(entry, "undone", _describe(entry)))
        except (ClientError, BotoCoreError, JournalError, KeyError, ValueError) as err:
            results.append(Undone(entry, "failed", str(err)[:300]))
    return results


def _describe(entry: Entry) -> str:
    changed = sorted(k for k, v in entry.before.items() if entry.after.get(k) != v)
    return f"{', '.join(changed) or 'nothing changed'} back to the values before {entry.time}"
