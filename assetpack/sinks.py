"""Local stand-ins for Slack and an SMTP server, on loopback, for the demo and tests.

- :class:`SmtpSink`: an aiosmtpd server that keeps every message it accepted and
  can be told to answer the next DATA commands with a failure (``451``).
- :class:`SlackSink`: an HTTP server speaking enough of Slack's Web API
  (``chat.postMessage``) and incoming webhooks for ``slack_sdk``; it keeps every
  accepted payload and can be told to fail the next requests (``500``, or ``429``
  with ``Retry-After``).

Both record only what they *accepted*, so a test can assert that nothing arrived
twice and nothing was lost.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class SmtpSink:
    """``with SmtpSink() as smtp:`` gives ``smtp.port`` and ``smtp.messages``."""

    messages: list[EmailMessage] = field(default_factory=list)
    failures: deque = field(default_factory=deque)  # SMTP replies for the next DATAs

    def __enter__(self) -> SmtpSink:
        from aiosmtpd.controller import Controller

        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd
                if sink.failures:
                    return sink.failures.popleft()
                mail = message_from_bytes(envelope.original_content or envelope.content,
                                          policy=policy.default)
                mail["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
                sink.messages.append(mail)
                return "250 OK"

        self.port = free_port()
        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._controller.stop()

    def fail_next(self, reply: str = "451 4.3.0 Try again later", times: int = 1) -> None:
        self.failures.extend([reply] * times)


@dataclass
class SlackSink:
    """``with SlackSink() as slack:`` gives ``slack.api_url``, ``slack.webhook_url(name)``
    and ``slack.posts`` (channel or ``webhook:<name>``, payload)."""

    posts: list[tuple[str, dict]] = field(default_factory=list)
    attempts: int = 0
    failures: deque = field(default_factory=deque)  # (status, headers) for the next requests

    def __enter__(self) -> SlackSink:
        sink = self
        counter = itertools.count(1)

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                sink.attempts += 1
                if sink.failures:
                    status, headers = sink.failures.popleft()
                    return self._reply(status, {"ok": False, "error": "injected"}, headers)
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw or "{}")
                else:
                    body = {k: v[0] for k, v in parse_qs(raw).items()}
                    for key in ("attachments", "blocks"):
                        if isinstance(body.get(key), str):
                            body[key] = json.loads(body[key])
                if self.path.startswith("/api/chat.postMessage"):
                    if not (self.headers.get("Authorization") or "").startswith("Bearer "):
                        return self._reply(200, {"ok": False, "error": "not_authed"})
                    ts = f"1700000000.{next(counter):06d}"
                    sink.posts.append((body.get("channel", ""), body))
                    return self._reply(200, {"ok": True, "channel": body.get("channel"),
                                             "ts": ts, "message": {"ts": ts}})
                if self.path.startswith("/hooks/"):
                    sink.posts.append((f"webhook:{self.path[len('/hooks/'):]}", body))
                    return self._reply(200, "ok")
                return self._reply(404, {"ok": False, "error": "unknown_method"})

            def _reply(self, status: int, body: Any, headers: dict | None = None) -> None:
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain" if isinstance(body, str)
                                 else "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def webhook_url(self, name: str = "default") -> str:
        return f"http://127.0.0.1:{self.port}/hooks/{name}"

    def fail_next(self, status: int = 500, retry_after: int | None = None,
                  times: int = 1) -> None:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self.failures.extend([(status, headers)] * times)
