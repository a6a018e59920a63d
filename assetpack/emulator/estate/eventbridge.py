"""EventBridge: the integration buses, one open to anyone who can call PutEvents."""

from __future__ import annotations

import json

ORDER = 30


def build(estate) -> None:
    events = estate.client("events")
    account = estate.client("sts").get_caller_identity()["Account"]
    for i in estate.copies():
        sfx = estate.suffix(i)
        loose, fenced = f"legacy-orders-bus{sfx}", f"legacy-payments-bus{sfx}"
        events.create_event_bus(Name=loose)
        events.create_event_bus(Name=fenced)
        events.put_permission(EventBusName=fenced, Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Sid": "OwnAccountOnly", "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": "events:PutEvents",
                "Resource": f"arn:aws:events:{estate.region}:{account}:event-bus/{fenced}"}]}))
        estate.created += 2
        estate.expect("eventbridge-custom-bus-has-policy", violating=[loose], compliant=[fenced])
