"""Shared AWS sessions for a scan: one model loader, one session per account and region,
cached clients, and every API call counted against the policy that made it.

Custodian makes a boto3 session per thread and region (``c7n.utils.local_session``)
and a client wherever it needs one (S3's ``bucket_client``: one per bucket and
filter); each new botocore session re-reads the service models from disk. Its
``api-stats`` subscribe to sessions as they are created, so a session shared by
many policies would count every call for the first. Here:

- :func:`share_loader` makes every botocore session of the process use one
  ``Loader``, whose model cache is per instance;
- :class:`SharedSessionFactory` hands every policy (and thread) the same session per
  assume-role and region, whose clients are cached;
- what the scan adds to every session (``also``): the tag walk that reads a region's
  tags once, the read cache that sends each read once;
- :class:`ApiCounter` counts each call once per service:operation, and also in the
  ``api-stats`` of the policy running in the caller's context (a context variable
  that :func:`propagate_context` carries into Custodian's inner thread pools).
"""

from __future__ import annotations

import contextvars
import os
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

import boto3
import botocore.loaders
import botocore.session
from c7n.credentials import SessionFactory, assumed_session

# The policy whose calls are being made (None: the pack's own calls, e.g. findings).
current_policy: contextvars.ContextVar = contextvars.ContextVar("assetpack_policy",
                                                                default=None)
# The search path botocore would give each session (extra model folders in AWS_DATA_PATH).
_LOADER = botocore.loaders.create_loader(os.environ.get("AWS_DATA_PATH"))
# AWS throttles bursts (Security Hub's GetFindings at a few calls a second): the
# standard retry mode backs off with jitter, capped at 20 s, and 8 attempts make a
# call fail after retries about once in 400,000 even when a fifth are throttled.
RETRY_DEFAULTS = {"AWS_RETRY_MODE": "standard", "AWS_MAX_ATTEMPTS": "8"}


def retry_defaults() -> None:
    """Every client made from now on retries so, unless the environment says otherwise
    (botocore reads both variables when it makes a client, Custodian's too)."""
    for key, value in RETRY_DEFAULTS.items():
        os.environ.setdefault(key, value)
_patched: set[str] = set()


def share_loader() -> None:
    """Every botocore session created from now on reads service models through one
    loader (``AWS_DATA_PATH`` as at import; the pack sets no ``data_path``)."""
    if "loader" in _patched:
        return
    _patched.add("loader")

    def register(self) -> None:
        self._components.lazy_register_component("data_loader", lambda: _LOADER)

    botocore.session.Session._register_data_loader = register


def propagate_context() -> None:
    """Work submitted to a thread pool runs in the submitter's context, so calls made
    by Custodian's inner pools count for the policy that started them."""
    if "submit" in _patched:
        return
    _patched.add("submit")
    submit = ThreadPoolExecutor.submit

    def submit_in_context(self, fn, /, *args, **kwargs):
        return submit(self, contextvars.copy_context().run, fn, *args, **kwargs)

    ThreadPoolExecutor.submit = submit_in_context


class ApiCounter:
    """Counts AWS API calls through botocore's generic ``before-call`` event: once per
    operation, whatever its retries, and only for calls that go to AWS (handlers of
    the operation's own event run first, so a call answered by the scan's
    :class:`~assetpack.tag_walk.TagWalk`, the :class:`~assetpack.read_cache.ReadCache`
    or a recorded replay is not counted), by
    ``service:Operation``, and in the running policy's Custodian ``api-stats``
    (``metadata.json``)."""

    def __init__(self) -> None:
        self.calls: Counter = Counter()
        self._lock = threading.Lock()

    def attach(self, session: boto3.Session) -> None:
        session.events.register("before-call", self._count,
                                unique_id="assetpack-api-counter")

    def _count(self, model, **_) -> None:
        policy = current_policy.get()
        stats = getattr(getattr(policy, "ctx", None), "api_stats", None)
        with self._lock:
            self.calls[f"{model.service_model.service_name}:{model.name}"] += 1
            if stats is not None:
                stats.api_calls[f"{model.service_model.endpoint_prefix}.{model.name}"] += 1

    @property
    def total(self) -> int:
        return sum(self.calls.values())


class Attachable(Protocol):
    """Something that hooks into every session's botocore events (e.g.
    :class:`~assetpack.tag_walk.TagWalk`, :class:`~assetpack.read_cache.ReadCache`)."""

    def attach(self, session: boto3.Session) -> None: ...


def _config_key(config) -> tuple:
    options = getattr(config, "_user_provided_options", None) or {}
    return tuple(sorted((k, repr(v)) for k, v in options.items()))


class CachingSession(boto3.Session):
    """A boto3 session that makes each client once (clients are thread-safe; making
    them is not, hence the lock)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[tuple, object] = {}
        self._client_lock = threading.Lock()

    def client(self, service_name, region_name=None, *args, config=None, **kwargs):
        if args or any(v is not None for v in kwargs.values()):
            return super().client(service_name, region_name, *args, config=config, **kwargs)
        key = (service_name, region_name or self.region_name, _config_key(config))
        with self._client_lock:
            if key not in self._clients:
                self._clients[key] = super().client(service_name, region_name, config=config)
            return self._clients[key]


class SharedSessionFactory(SessionFactory):
    """Custodian's session factory, but one session per assume-role and region for
    every policy and thread that uses this factory. Custodian's subscribers (its
    per-session ``api-stats``) are replaced by :class:`ApiCounter`."""

    def __init__(self, region: str, counter: ApiCounter, profile: str | None = None,
                 assume_role: str | None = None, external_id: str | None = None,
                 also: tuple[Attachable, ...] = ()) -> None:
        super().__init__(region, profile, assume_role, external_id)
        self.counter = counter
        self.also = also
        self._sessions: dict[tuple, boto3.Session] = {}
        self._lock = threading.Lock()

    def __call__(self, assume: bool = True, region: str | None = None) -> boto3.Session:
        role = self.assume_role if assume else None
        key = (role, region or self.region)
        with self._lock:
            if key not in self._sessions:
                self._sessions[key] = self._build(role, region or self.region)
            return self._sessions[key]

    def _build(self, role: str | None, region: str) -> boto3.Session:
        session = CachingSession(region_name=region, profile_name=self.profile)
        if role:
            # assumed_session keeps its own botocore session with refreshable
            # credentials; wrap that one so its clients are cached too.
            assumed = assumed_session(role, self.session_name, self.session_policy, session,
                                      region, self.external_id)
            session = CachingSession(botocore_session=assumed._session, region_name=region)
        session._session.user_agent_name = "c7n"
        self.counter.attach(session)
        for extra in self.also:
            extra.attach(session)
        return session

    def set_subscribers(self, subscribers) -> None:
        """Ignored: :class:`ApiCounter` counts for the running policy."""
