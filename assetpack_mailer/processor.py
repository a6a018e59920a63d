"""The queue loop: receive, deliver to every target, delete only when all accepted.

A target that fails leaves the message on the queue, invisible for a backoff that
doubles with each receive (``retry_backoff`` .. ``max_backoff``); the targets that
accepted are recorded (:mod:`assetpack_mailer.state`) and skipped on the retry.
The queue's redrive policy (Terraform: ``maxReceiveCount`` and the dead-letter
queue) decides when SQS gives up; on the last try the mailer says the message is
going to the dead-letter queue, and which targets never accepted it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import zlib
from dataclasses import dataclass, field
from typing import Any

from assetpack_mailer.render import Context, Renderer
from assetpack_mailer.state import DeliveryState
from assetpack_mailer.targets import Delivery, Planner
from assetpack_mailer.transports import DeliveryError, Email, Slack, build_email, message_id

log = logging.getLogger("assetpack.mailer")
DATA_MESSAGE = "maidmsg/1.0"  # Custodian's notify marks its messages so


class MessageError(ValueError):
    """A queue message is not a Custodian notification."""


def decode(body: str) -> dict:
    """Custodian's notify payload (base64 zlib JSON; SNS-wrapped when via a topic)."""
    with contextlib.suppress(ValueError, KeyError, TypeError):
        body = json.loads(body)["Message"]
    try:
        message = json.loads(zlib.decompress(base64.b64decode(body)))
    except (ValueError, zlib.error, TypeError) as err:
        raise MessageError(f"not a Custodian notify message: {err}") from err
    if not isinstance(message, dict) or not isinstance(message.get("resources"), list) \
            or not isinstance(message.get("action"), dict):
        raise MessageError("not a Custodian notify message: no action or resources")
    return message


@dataclass
class RunResult:
    delivered: int = 0  # messages every target accepted
    retrying: int = 0  # messages left queued for a retry
    dead_lettered: int = 0  # messages on their last try
    sent: list[tuple[str, str]] = field(default_factory=list)  # (target, queue message id)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.retrying or self.dead_lettered)


class Mailer:
    def __init__(self, config: dict, session: Any, state: DeliveryState | None = None):
        from c7n_mailer.utils import decrypt

        self.config, self.session = config, session
        self.sqs = session.client("sqs", region_name=config["region"])
        self.state = state or DeliveryState(config.get("delivery_state")
                                            or "/tmp/assetpack-mailer-state")
        self.renderer = Renderer(config.get("templates_folders"))
        self.planner = Planner(config)
        token = config.get("slack_token")
        if token and not token.startswith("xox"):  # a plain token is not KMS ciphertext
            token = decrypt(config, log, session, "slack_token")
        self.slack = Slack(config, token.strip() if token else None)
        self.email = Email(config, session)
        self.max_receives, self.dlq = self._redrive()

    def _redrive(self) -> tuple[int | None, str | None]:
        attrs = self.sqs.get_queue_attributes(QueueUrl=self.config["queue_url"],
                                              AttributeNames=["RedrivePolicy"])
        policy = json.loads(attrs.get("Attributes", {}).get("RedrivePolicy") or "{}")
        count = policy.get("maxReceiveCount")
        return (int(count) if count else None), policy.get("deadLetterTargetArn")

    def run(self, once: bool = True, wait: int = 0) -> RunResult:
        """Drain the queue; with ``once``, stop when nothing new is visible.

        Failed messages get their retry delay only when the run ends: until then
        they stay invisible under the receive's own timeout, so one run never
        receives (and counts towards the dead-letter limit) a message twice."""
        result, seen, backoff = RunResult(), set(), []
        try:
            while True:
                resp = self.sqs.receive_message(
                    QueueUrl=self.config["queue_url"], MaxNumberOfMessages=10,
                    WaitTimeSeconds=wait, MessageAttributeNames=["All"],
                    AttributeNames=["ApproximateReceiveCount", "SentTimestamp"])
                fresh = [m for m in resp.get("Messages", []) if m["MessageId"] not in seen]
                if not fresh and (once or not resp.get("Messages")):
                    return result
                for m in fresh:
                    seen.add(m["MessageId"])
                    delay = self.handle(m, result)
                    if delay is not None:
                        backoff.append((m["ReceiptHandle"], delay))
        finally:
            for receipt, delay in backoff:
                self.sqs.change_message_visibility(
                    QueueUrl=self.config["queue_url"], ReceiptHandle=receipt,
                    VisibilityTimeout=delay)

    def handle(self, sqs_message: dict, result: RunResult) -> int | None:
        """Deliver one message; None when it is done, else its retry delay."""
        mid = sqs_message["MessageId"]
        receives = int(sqs_message.get("Attributes", {}).get("ApproximateReceiveCount", 1))
        try:
            message = decode(sqs_message["Body"])
            failures = self.deliver(mid, message, result)
        except MessageError as err:
            failures = [str(err)]
        except Exception as err:  # noqa: BLE001 - one message never stops the run
            log.exception("message %s: unexpected error", mid)
            failures = [f"{type(err).__name__}: {err}"]
        if not failures:
            self.sqs.delete_message(QueueUrl=self.config["queue_url"],
                                    ReceiptHandle=sqs_message["ReceiptHandle"])
            self.state.forget(mid)
            result.delivered += 1
            return None
        result.errors.extend(f"message {mid}: {f}" for f in failures)
        if self.max_receives and receives >= self.max_receives:
            result.dead_lettered += 1
            log.error("message %s failed %d times (%s); SQS moves it to the dead-letter "
                      "queue %s", mid, receives, "; ".join(failures), self.dlq)
            return 0  # let SQS move it now rather than after a backoff
        result.retrying += 1
        delay = min(self.config["max_backoff"],
                    self.config["retry_backoff"] * 2 ** (receives - 1))
        log.warning("message %s stays queued, retry in %d s: %s", mid, delay,
                    "; ".join(failures))
        return delay

    def deliver(self, mid: str, message: dict, result: RunResult) -> list[str]:
        done = self.state.delivered(mid)
        failures = []
        for delivery in self.planner.plan(message):
            if delivery.target in done:
                continue
            try:
                receipt = self.send(mid, message, delivery)
            except DeliveryError as err:
                failures.append(str(err))
                continue
            self.state.record(mid, delivery.target, receipt)
            result.sent.append((delivery.target, mid))
            log.info("message %s delivered to %s", mid, delivery.target)
        return failures

    def send(self, mid: str, message: dict, d: Delivery) -> dict:
        ctx = Context(message, d.resources, d.target, d.notes)
        if d.kind == "email":
            subject, text, html = self.renderer.email(ctx)
            mail = build_email(self.config, d.target, subject, text, html,
                               message_id(mid, d.target),
                               (message.get("action") or {}).get("priority_header"))
            return self.email.send(mail, d.target)
        payload = self.renderer.slack(ctx)
        if d.kind == "webhook":
            return self.slack.webhook(d.target, payload)
        channel = d.target.removeprefix("slack://")
        finding = d.resources[0].get("FindingId") if ctx.is_alert else None
        thread = self.state.thread(finding, channel) if finding else None
        receipt = self.slack.post(channel, payload, thread_ts=thread)
        if finding and not thread and receipt.get("ts"):
            self.state.remember_thread(finding, channel, receipt["ts"])
        return receipt
