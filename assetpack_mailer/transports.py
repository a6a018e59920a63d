"""Delivery to one target: Slack (``slack_sdk``) and e-mail (SMTP through c7n-mailer,
or SES). Each ``send`` returns what the target returned (kept in the delivery
state) or raises :class:`DeliveryError`."""

from __future__ import annotations

import hashlib
import logging
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from assetpack_mailer.escape import header_safe

log = logging.getLogger("assetpack.mailer")
# A 429 is waited out (its Retry-After honoured) this many times within one try.
RATE_LIMIT_RETRIES = 3


class DeliveryError(RuntimeError):
    """A target did not accept the message; it stays queued for a retry."""


def message_id(queue_message_id: str, target: str) -> str:
    """The same Message-ID for the same (queue message, target), every try."""
    digest = hashlib.sha256(f"{queue_message_id}\x00{target}".encode()).hexdigest()[:32]
    return f"<{digest}@assetpack.notify>"


class Slack:
    def __init__(self, config: dict, token: str | None):
        self.api_url = config.get("slack_api_url") or "https://slack.com/api/"
        if not self.api_url.endswith("/"):
            self.api_url += "/"
        self.token = token
        self.retry = [RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)]
        self._client: WebClient | None = None

    def client(self) -> WebClient:
        if not self.token:
            raise DeliveryError("slack:// target but no slack_token in the configuration")
        if self._client is None:
            self._client = WebClient(token=self.token, base_url=self.api_url, timeout=15,
                                     retry_handlers=self.retry)
        return self._client

    def post(self, channel: str, payload: dict, thread_ts: str | None = None) -> dict:
        try:
            resp = self.client().chat_postMessage(channel=channel, thread_ts=thread_ts,
                                                  **payload)
        except SlackApiError as err:
            raise DeliveryError(f"Slack {channel}: {err.response.status_code} "
                                f"{err.response.get('error', '')}".strip()) from err
        except (SlackClientError, OSError) as err:
            raise DeliveryError(f"Slack {channel}: {err}") from err
        return {"channel": resp.get("channel", channel), "ts": resp.get("ts")}

    def webhook(self, url: str, payload: dict) -> dict:
        try:
            resp = WebhookClient(url, timeout=15, retry_handlers=self.retry).send_dict(payload)
        except (SlackClientError, OSError) as err:
            raise DeliveryError(f"webhook: {err}") from err
        if resp.status_code != 200:
            raise DeliveryError(f"webhook: HTTP {resp.status_code} {resp.body[:100]}")
        return {"status": resp.status_code}


def build_email(config: dict, to: str, subject: str, text: str, html: str,
                msg_id: str, priority: str | None = None) -> MIMEMultipart:
    mail = MIMEMultipart("alternative")
    mail["Subject"] = header_safe(subject)
    mail["From"] = config["from_address"]
    mail["To"] = to
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = msg_id
    if priority in ("1", "2"):
        mail["X-Priority"] = priority
        mail["Importance"] = "high"
    mail.attach(MIMEText(text, "plain", "utf-8"))
    mail.attach(MIMEText(html, "html", "utf-8"))
    return mail


class Email:
    """SMTP through c7n-mailer's ``SmtpDelivery`` (login, STARTTLS, KMS-encrypted
    password), or SES ``SendRawEmail`` when no ``smtp_server`` is configured."""

    def __init__(self, config: dict, session: Any):
        self.config, self.session = config, session

    def send(self, mail: MIMEMultipart, to: str) -> dict:
        import smtplib

        if self.config.get("smtp_server"):
            from c7n_mailer.smtp_delivery import SmtpDelivery

            try:
                smtp = SmtpDelivery(self.config, self.session, log)
                try:
                    smtp.send_message(mail, [to])
                finally:
                    del smtp  # its __del__ says QUIT
            except (smtplib.SMTPException, OSError) as err:
                raise DeliveryError(f"SMTP {to}: {err}") from err
            return {"smtp": self.config["smtp_server"]}
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            resp = self.session.client("ses", region_name=self.config["ses_region"]) \
                .send_raw_email(RawMessage={"Data": mail.as_string()}, Destinations=[to])
        except (BotoCoreError, ClientError) as err:
            raise DeliveryError(f"SES {to}: {err}") from err
        return {"ses": resp.get("MessageId")}
