"""Shared fixtures: the local AWS emulator (moto server on loopback) and the demo estate."""

from __future__ import annotations

import os
from collections.abc import Iterator

import boto3
import pytest
import requests

from assetpack.emulator import server

# Nothing in the tests may reach a real account, whatever the developer's shell has.
for _var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE",
             "AWS_SHARED_CREDENTIALS_FILE"):
    os.environ.pop(_var, None)
os.environ.update(server.EMULATOR_ENV)
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull


@pytest.fixture(scope="session")
def emulator() -> Iterator[server.Emulator]:
    emu = server.start()
    yield emu
    emu.stop()


@pytest.fixture
def aws(emulator, monkeypatch) -> boto3.Session:
    """A clean emulated account for one test; boto3 and c7n point at it."""
    requests.post(f"{emulator.endpoint}/moto-api/reset", timeout=30)
    for key, value in emulator.environ().items():
        monkeypatch.setenv(key, value)
    session = boto3.Session()
    session.client("securityhub").enable_security_hub(EnableDefaultStandards=False)
    return session
