"""Shared sessions for the scan (``assetpack.sessions``): one model loader, one session
per role and region, cached clients, and every call counted for the policy that made
it, also from Custodian's inner thread pools."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.stub import Stubber

from assetpack import sessions


def _policy(name: str):
    return SimpleNamespace(name=name, ctx=SimpleNamespace(api_stats=SimpleNamespace(
        api_calls=Counter())))


def test_one_model_loader_for_every_botocore_session():
    sessions.share_loader()
    first, second = botocore.session.get_session(), botocore.session.get_session()
    assert first.get_component("data_loader") is second.get_component("data_loader")


def test_one_session_per_region_and_clients_made_once():
    factory = sessions.SharedSessionFactory("us-east-1", sessions.ApiCounter())
    session = factory()
    assert factory() is session and factory(region="eu-west-1") is not session
    assert session.client("sqs") is session.client("sqs")
    slow = Config(read_timeout=200)
    assert session.client("s3", config=slow) is session.client("s3", config=Config(
        read_timeout=200))
    assert session.client("s3", config=slow) is not session.client("s3")
    assert session.client("sqs", region_name="eu-west-1") is not session.client("sqs")


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_):
        yield self.data


def _answer_on_the_wire(client, body: bytes) -> None:
    """Answer each request where it would leave for AWS: the call is made in full."""
    client.meta.events.register(
        "before-send", lambda request, **_: AWSResponse(request.url, 200, {}, _Body(body)))


def test_calls_count_for_the_policy_that_made_them_in_any_thread():
    sessions.propagate_context()
    counter = sessions.ApiCounter()
    client = sessions.SharedSessionFactory("us-east-1", counter)().client("sqs")
    _answer_on_the_wire(client, b'{"QueueUrls": []}')
    a, b = _policy("a"), _policy("b")

    def run(policy, calls):
        token = sessions.current_policy.set(policy)
        try:
            # Custodian's filters call AWS from their own pools; the policy is the same.
            with ThreadPoolExecutor(max_workers=2) as pool:
                list(pool.map(lambda _: client.list_queues(), range(calls)))
        finally:
            sessions.current_policy.reset(token)

    with ThreadPoolExecutor(max_workers=2) as outer:
        list(outer.map(run, (a, b), (3, 2)))
    client.list_queues()  # the pack's own call: no policy
    client.list_queues()
    assert a.ctx.api_stats.api_calls == {"sqs.ListQueues": 3}
    assert b.ctx.api_stats.api_calls == {"sqs.ListQueues": 2}
    assert counter.calls == {"sqs:ListQueues": 7}


def test_a_call_answered_before_it_is_sent_is_not_counted():
    counter = sessions.ApiCounter()
    client = sessions.SharedSessionFactory("us-east-1", counter)().client("sqs")
    with Stubber(client) as stub:  # answers in before-call, as a replay or the tag walk
        stub.add_response("list_queues", {"QueueUrls": []})
        client.list_queues()
    assert counter.total == 0
