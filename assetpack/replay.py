"""``assetpack replay``: run event-mode policies locally, as their Lambda would.

Each event is put in the envelope EventBridge delivers, matched against the
pattern Custodian itself renders for the deployed rule, and pushed through the
policy's deploy form (:func:`assetpack.pack.deploy_form`) with Custodian's own
execution mode, so what runs here is what runs in the account.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assetpack import pack

log = logging.getLogger("assetpack.replay")


class ReplayError(ValueError):
    """An event file cannot be read or is not an event the pack knows."""


@dataclass
class Outcome:
    event: str
    policy: str
    resources: list[str] = field(default_factory=list)
    error: str | None = None


def envelope(event: dict, account: str = "123456789012", region: str = "us-east-1") -> dict:
    """The EventBridge envelope of ``event`` (returned unchanged if it is one already)."""
    if not isinstance(event, dict):
        raise ReplayError("an event must be a JSON object")
    if "detail-type" in event and "detail" in event:
        return event
    base = {"version": "0", "id": str(uuid.uuid4()), "account": event.get("recipientAccountId",
            account), "region": event.get("awsRegion", region), "time": event.get("eventTime"),
            "resources": []}
    if "eventSource" in event and "eventName" in event:
        service = event["eventSource"].split(".", 1)[0]
        return {**base, "source": f"aws.{service}", "detail-type": "AWS API Call via CloudTrail",
                "detail": event}
    if "SchemaVersion" in event and "ProductArn" in event:
        return {**base, "source": "aws.securityhub",
                "detail-type": "Security Hub Findings - Imported", "detail": {"findings": [event]}}
    if event.get("service", {}).get("serviceName") == "guardduty":
        return {**base, "source": "aws.guardduty", "detail-type": "GuardDuty Finding",
                "detail": event}
    if "configurationItem" in event or "configurationItemDiff" in event:
        return {**base, "source": "aws.config",
                "detail-type": "Config Configuration Item Change", "detail": event}
    raise ReplayError("not a CloudTrail record, EventBridge event, Security Hub or "
                      "GuardDuty finding, or Config change")


def matches(pattern: Any, value: Any) -> bool:
    """EventBridge pattern matching for the forms Custodian renders."""
    if isinstance(pattern, dict):
        if not isinstance(value, dict):
            return False
        return all(matches(p, value.get(k)) for k, p in pattern.items())
    if isinstance(pattern, list):
        candidates = value if isinstance(value, list) else [value]
        return any(_leaf(p, c) for p in pattern for c in candidates)
    return pattern == value


def _leaf(pattern: Any, value: Any) -> bool:
    if isinstance(pattern, dict):
        if "prefix" in pattern:
            return isinstance(value, str) and value.startswith(pattern["prefix"])
        if "anything-but" in pattern:
            banned = pattern["anything-but"]
            return value not in (banned if isinstance(banned, list) else [banned])
        if "exists" in pattern:
            return (value is not None) == bool(pattern["exists"])
        return matches(pattern, value)
    return pattern == value


def rule_pattern(policy: dict) -> dict | None:
    from c7n.mu import CloudWatchEventSource

    rendered = CloudWatchEventSource(policy["mode"], None).render_event_pattern()
    return json.loads(rendered) if rendered else None


def load_event(path: Path) -> dict:
    try:
        return json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise ReplayError(f"{path}: cannot read event: {err}") from err


class _LambdaContext:
    """The attributes Custodian reads from a Lambda context."""

    def __init__(self, name: str):
        self.function_name = f"custodian-{name}"
        self.aws_request_id = str(uuid.uuid4())
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{name}"


class Replayer:
    """Routes events to the pack's responders and runs them."""

    def __init__(self, output_dir: str | Path, region: str, account: str,
                 files: Iterable[Path] | None = None):
        from c7n.config import Config

        import c7n_plugins
        from assetpack.sessions import retry_defaults

        c7n_plugins.load()
        retry_defaults()
        self.responders = [pack.deploy_form(p.data)
                           for p in pack.load(files, only=lambda p: not p.is_check)]
        self.patterns = [(p, rule_pattern(p)) for p in self.responders]
        self.account, self.region = account, region
        self.config = Config.empty(region=region, output_dir=str(output_dir),
                                   account_id=account)

    def route(self, event: dict) -> list[dict]:
        return [p for p, pattern in self.patterns if pattern and matches(pattern, event)]

    def replay(self, name: str, raw: dict) -> list[Outcome]:
        from c7n.policy import PolicyCollection

        event = envelope(raw, self.account, self.region)
        outcomes = []
        for data in self.route(event):
            outcome = Outcome(event=name, policy=data["name"])
            try:
                policy = next(iter(PolicyCollection.from_data({"policies": [data]},
                                                              self.config)))
                policy.validate()
                found = policy.push(json.loads(json.dumps(event)),
                                    _LambdaContext(data["name"])) or []
                if isinstance(found, dict):  # hub-finding: per (account, region)
                    found = [r for rs in found.values() for r in rs]
                id_key = policy.resource_manager.resource_type.id
                outcome.resources = [r.get(id_key, "?") for r in found]
            except Exception as err:  # noqa: BLE001 - report and go on to the next policy
                log.exception("replay of %s through %s failed", name, data["name"])
                outcome.error = f"{type(err).__name__}: {err}"[:300]
            outcomes.append(outcome)
        return outcomes
