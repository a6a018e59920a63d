"""The local AWS emulator: moto server on loopback, started and stopped by the pack.

Runs in a child process (``python -m assetpack.emulator.server``) so the emulator
and the pack use both cores. The child prints ``READY <port>`` once it listens;
the parent reads that line, so no port is guessed and no sleep is needed.

moto lacks a few behaviours the pack relies on (Security Hub filters, linear
paging and workflow updates, the administrator's view of its members' findings,
tagging SQS through the tagging API, CloudTrail ``LookupEvents``, the credential
report's date, SSM fleet reads, Config evaluations outside test mode and missing rules, Inspector's
filtered findings and coverage, GuardDuty's findings, an instance's groups following
its interface's, X-Ray sampling rules), so the child adds them before serving
(:mod:`assetpack.emulator.securityhub`, ``.securityhub_org``, ``.tagging``, ``.iam``,
``.ssm``, ``.config``, ``.inspector``, ``.guardduty``, ``.ec2``, ``.xray``,
``.cloudtrail``; Inspector, GuardDuty and CloudTrail also get a route to seed their data).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

LOOPBACK = "127.0.0.1"
# Fake credentials for the emulator only: moto accepts any, real AWS none of these.
EMULATOR_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


class EmulatorError(RuntimeError):
    """The emulator could not be started."""


@dataclass
class Emulator:
    """A running moto server and the environment that points boto3 at it."""

    port: int
    process: subprocess.Popen

    @property
    def endpoint(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def environ(self) -> dict[str, str]:
        """The standard AWS variables that make boto3 (and so c7n) talk to it."""
        route_s3_control_locally()
        env = dict(EMULATOR_ENV)
        env["AWS_ENDPOINT_URL"] = self.endpoint
        return env

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _strip_account_host(request, **_kw) -> None:
    request.url = _ACCOUNT_HOST.sub(r"\1", request.url)


_ACCOUNT_HOST = re.compile(r"^(https?://)\d{12}\.(?=127\.0\.0\.1[:/])")


def route_s3_control_locally() -> None:
    """S3 Control calls go to ``<account-id>.<endpoint>``, a host name loopback cannot
    resolve: in this process, send them to the emulator's own address (only URLs of a
    loopback endpoint are rewritten; every boto3 session created after this call)."""
    import botocore.handlers

    entry = ("before-send.s3-control", _strip_account_host)
    if entry not in botocore.handlers.BUILTIN_HANDLERS:
        botocore.handlers.BUILTIN_HANDLERS.append(entry)


def start(timeout: float = 60.0) -> Emulator:
    """Start moto server on a free loopback port and wait until it answers."""
    try:
        import moto  # noqa: F401
    except ImportError as err:
        raise EmulatorError(
            "the local emulator needs moto[server]: pip install -e '.[demo]'"
        ) from err
    proc = subprocess.Popen(
        [sys.executable, "-m", "assetpack.emulator.server"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        # A new account owns no AMIs or snapshots: moto's hundreds of sample AMIs
        # would otherwise show up as the estate's own.
        env={**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "true",
             "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"},
    )
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith("READY "):
            return Emulator(port=int(line.split()[1]), process=proc)
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise EmulatorError("moto server did not start (is moto[server] installed?)")


@contextmanager
def running(apply_env: bool = True) -> Iterator[Emulator]:
    """Run the emulator for the duration of the block, with os.environ pointed at it."""
    emu = start()
    saved = {k: os.environ.get(k) for k in [*EMULATOR_ENV, "AWS_ENDPOINT_URL", "AWS_PROFILE"]}
    try:
        if apply_env:
            os.environ.pop("AWS_PROFILE", None)
            os.environ.update(emu.environ())
        yield emu
    finally:
        emu.stop()
        if apply_env:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def _serve() -> None:
    parser = argparse.ArgumentParser(description="moto server with the pack's extensions")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    from assetpack.emulator import (
        backup,
        client_vpn,
        cloudtrail,
        config,
        ec2,
        guardduty,
        iam,
        inspector,
        securityhub,
        securityhub_org,
        ssm,
        ssm_automation,
        tagging,
        wafv2,
        xray,
    )

    backup.install()
    client_vpn.install()
    wafv2.install()
    securityhub.install()
    securityhub_org.install()  # after securityhub: its filters apply to members' findings
    tagging.install()
    iam.install()
    ssm.install()
    cloudtrail.install()
    ssm_automation.install()
    config.install()
    inspector.install()
    guardduty.install()
    ec2.install()
    xray.install()
    app = guardduty.wrap(inspector.wrap(cloudtrail.wrap(
        DomainDispatcherApplication(create_backend_app))))
    server = make_server(
        LOOPBACK, args.port, app, threaded=True, request_handler=MotoRequestHandler
    )
    print(f"READY {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    _serve()
