"""Within one scan the same read reaches AWS once (``assetpack.read_cache``): answers
and errors are replayed as copies, a change empties the cache, and a dry-run scan
finds exactly what it finds without the cache."""

from __future__ import annotations

import json

import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError

from assetpack import scan
from assetpack.emulator.estate import Estate, s3
from assetpack.pack import policies_root
from assetpack.read_cache import ReadCache
from assetpack.sessions import ApiCounter, SharedSessionFactory

pytestmark = pytest.mark.e2e
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Deny", "Principal": "*", "Action": "s3:*",
    "Resource": "arn:aws:s3:::cached-bucket/*",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})


def _session():
    counter, cache = ApiCounter(), ReadCache()
    return SharedSessionFactory("us-east-1", counter, also=(cache,))(), counter, cache


def test_a_repeated_read_is_answered_from_memory_as_a_copy(aws):
    aws.client("s3").create_bucket(Bucket="cached-bucket")
    session, counter, cache = _session()
    client = session.client("s3")
    first = client.get_bucket_acl(Bucket="cached-bucket")
    first["Grants"].clear()  # a caller that changes its answer changes no one else's
    second = client.get_bucket_acl(Bucket="cached-bucket")
    assert second["Grants"] and second["Owner"] == first["Owner"]
    assert counter.calls["s3:GetBucketAcl"] == 1 and cache.hits == 1


def test_an_error_is_replayed_and_a_change_empties_the_cache(aws):
    aws.client("s3").create_bucket(Bucket="cached-bucket")
    session, counter, _ = _session()
    client = session.client("s3")
    for _ in range(2):
        with pytest.raises(ClientError, match="NoSuchBucketPolicy"):
            client.get_bucket_policy(Bucket="cached-bucket")
    assert counter.calls["s3:GetBucketPolicy"] == 1
    client.put_bucket_policy(Bucket="cached-bucket", Policy=POLICY)
    assert json.loads(client.get_bucket_policy(Bucket="cached-bucket")["Policy"]) == \
        json.loads(POLICY)
    assert counter.calls["s3:GetBucketPolicy"] == 2


def test_throttling_is_never_kept(aws):
    session, counter, cache = _session()
    client = session.client("sqs", config=Config(retries={"total_max_attempts": 1}))
    throttled = [True]

    class Body:
        def stream(self, **_):
            yield b'{"__type": "ThrottlingException", "message": "slow down"}'

    def throttle_once(request, **_):
        return AWSResponse(request.url, 400, {}, Body()) if throttled and throttled.pop() \
            else None

    client.meta.events.register("before-send", throttle_once)
    with pytest.raises(ClientError, match="Throttling"):
        client.list_queues()
    client.list_queues()  # asked again, not replayed
    assert counter.calls["sqs:ListQueues"] == 2 and cache.hits == 0


def test_a_read_in_flight_during_a_change_is_not_kept():
    cache = ReadCache()

    class Model:
        name, has_streaming_output = "GetBucketAcl", False
        service_model = type("S", (), {"service_name": "s3"})

    class Write(Model):
        name = "PutBucketAcl"

    class Http:
        status_code, headers = 200, {}

    params, context = {"method": "GET", "url": "https://b.s3/?acl", "body": b""}, {}
    assert cache._before(Model, params, context) is None  # asked
    cache._before(Write, {"url": "https://b.s3/?acl", "body": b""}, {})  # a change
    cache._after(Http, {"Grants": []}, context)  # the old answer arrives
    assert cache._before(Model, params, {}) is None  # asked again, not replayed


def test_dry_run_scan_finds_the_same_with_and_without_the_cache(aws, tmp_path, monkeypatch):
    estate = Estate(session=aws)
    s3.build(estate)
    files = [policies_root() / "compliance" / "s3.yml"]
    cached = scan.run_scan(tmp_path / "cached", dryrun=True, files=files)
    monkeypatch.setattr(ReadCache, "attach", lambda self, session: None)
    uncached = scan.run_scan(tmp_path / "uncached", dryrun=True, files=files)

    def found(out):
        return {p: sorted(str(r.get("Name", r.get("account_id"))) for r in json.loads(
            (out / p / "resources.json").read_text())) for p in
            (d.name for d in out.iterdir() if (d / "resources.json").exists())}

    assert found(tmp_path / "cached") == found(tmp_path / "uncached")
    buckets = len(aws.client("s3").list_buckets()["Buckets"])
    # Three checks read the public access block; each bucket's is read once.
    assert cached.api_calls_by_operation["s3:GetPublicAccessBlock"] == buckets
    assert uncached.api_calls_by_operation["s3:GetPublicAccessBlock"] > buckets
    assert cached.api_calls < uncached.api_calls


def test_a_generated_report_empties_only_its_own_service(aws):
    aws.client("s3").create_bucket(Bucket="cached-bucket")
    session, counter, _ = _session()
    s3, iam = session.client("s3"), session.client("iam")
    s3.get_bucket_acl(Bucket="cached-bucket")
    with pytest.raises(ClientError, match="ReportNotPresent"):
        iam.get_credential_report()
    iam.generate_credential_report()
    iam.generate_credential_report()
    assert iam.get_credential_report()["Content"]  # asked again, not the old error
    s3.get_bucket_acl(Bucket="cached-bucket")  # still answered from memory
    assert counter.calls["iam:GetCredentialReport"] == 2
    assert counter.calls["s3:GetBucketAcl"] == 1
