"""A fault-injecting HTTP proxy on loopback, in front of the emulator.

Point ``AWS_ENDPOINT_URL`` at it and a share of the requests fail the way AWS fails
under load: throttled, as each protocol's services answer (JSON: 400
``ThrottlingException``; query: 400 ``Throttling``; REST-JSON: 429
``TooManyRequestsException``; S3 and other REST-XML: 503 ``SlowDown``), or the
connection dropped after the emulator acted (the response is lost, so the client's
retry repeats a request that already took effect). ``always`` names operations
the service never answers (503), so retries run out.

moto has no fault injection and botocore's stubber replaces the HTTP layer instead
of exercising it, hence this proxy; it forwards everything else byte for byte.
"""

from __future__ import annotations

import http.client
import random
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from assetpack.emulator.server import LOOPBACK

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "expect"}


def operation(method: str, headers, path: str, body: bytes) -> str:
    """The request's operation name as far as the wire says it (JSON target or
    query ``Action``); REST requests are named by method and path."""
    target = headers.get("X-Amz-Target")
    if target:
        return target.rsplit(".", 1)[-1]
    if b"Action=" in body[:2000]:
        action = parse_qs(body.decode(errors="replace")).get("Action")
        if action:
            return action[0]
    return f"{method} {urlsplit(path).path}"


def error_response(headers, body: bytes, fault: str) -> tuple[int, str, bytes, str]:
    """(status, error code, body, content type) of a throttled request, or of one the
    service cannot answer (``exhausted``: 503 ``ServiceUnavailable``, which botocore
    retries and Custodian's own throttling retry does not), in the error format of
    the request's protocol."""
    json_protocol = headers.get("X-Amz-Target") or "json" in headers.get("Content-Type", "")
    if fault == "exhausted":
        status, code = 503, "ServiceUnavailable"
    elif json_protocol:
        status, code = (400, "ThrottlingException") if headers.get("X-Amz-Target") else (
            429, "TooManyRequestsException")
    else:
        status, code = (400, "Throttling") if b"Action=" in body[:2000] else (503, "SlowDown")
    if json_protocol:
        return (status, code, f'{{"__type": "{code}", "message": "Rate exceeded"}}'.encode(),
                "application/x-amz-json-1.1")
    return (status, code, f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
            f"<Message>Rate exceeded</Message></Error><RequestId>fault</RequestId>"
            f"</ErrorResponse>".encode(), "text/xml")


class FaultProxy:
    """The proxy's settings and what it did (``injected``: fault kind -> count)."""

    def __init__(self, upstream: str, throttle: float = 0.2, drop: float = 0.02,
                 always: frozenset[str] = frozenset(), seed: int | None = None) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or LOOPBACK, parts.port or 80)
        self.throttle, self.drop, self.always = throttle, drop, always
        self.injected: Counter = Counter()
        self.forwarded = 0
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def endpoint(self) -> str:
        assert self._server is not None
        return f"http://{LOOPBACK}:{self._server.server_port}"

    def _roll(self, op: str) -> str | None:
        with self._lock:
            if op in self.always:
                fault = "exhausted"
            else:
                r = self._random.random()
                fault = ("throttle" if r < self.throttle else
                         "drop" if r < self.throttle + self.drop else None)
            if fault:
                self.injected[fault] += 1
            else:
                self.forwarded += 1
            return fault

    def start(self) -> FaultProxy:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # the test output stays readable
                pass

            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fault = (None if self.path.startswith("/moto-api") else
                         proxy._roll(operation(self.command, self.headers, self.path, body)))
                if fault in ("throttle", "exhausted"):
                    status, code, payload, ctype = error_response(self.headers, body, fault)
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("x-amzn-ErrorType", code)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(payload)
                    return
                status, headers, payload = proxy._forward(self.command, self.path,
                                                          self.headers, body)
                if fault == "drop":
                    self.close_connection = True
                    return  # the emulator acted; the client never hears of it
                self.send_response(status)
                for key, value in headers:
                    # HEAD answers carry the length of the body they do not send.
                    if key.lower() not in HOP_HEADERS and (
                            key.lower() != "content-length" or self.command == "HEAD"):
                        self.send_header(key, value)
                if self.command != "HEAD":
                    self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _handle

        self._server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def _forward(self, method: str, path: str, headers, body: bytes):
        conn = http.client.HTTPConnection(*self.upstream, timeout=120)
        try:
            conn.request(method, path, body=body,
                         headers={k: v for k, v in headers.items()
                                  if k.lower() not in HOP_HEADERS})
            response = conn.getresponse()
            payload = response.read() if method != "HEAD" else b""
            return response.status, response.getheaders(), payload
        finally:
            conn.close()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@contextmanager
def proxy(upstream: str, **settings) -> Iterator[FaultProxy]:
    """A running :class:`FaultProxy` in front of ``upstream`` for the block."""
    running = FaultProxy(upstream, **settings).start()
    try:
        yield running
    finally:
        running.stop()
