"""The mailer end to end: the emulator's queue, a real SMTP server (aiosmtpd) and a
Slack-compatible HTTP endpoint on loopback, the real ``slack_sdk`` and ``smtplib``."""

from __future__ import annotations

import json

import pytest
import yaml

from assetpack.cli.main import main
from assetpack.demo import create_notify_queue
from assetpack.sinks import SlackSink, SmtpSink
from assetpack_mailer.processor import Mailer
from tests.e2e.notify import HOSTILE, finding, import_and_replay, mailer_config, queued

pytestmark = pytest.mark.e2e
MAX_RECEIVES = 6  # the tests' own peeks (queued()) count as receives too
INJECTIONS = ("<!channel>", "<@U123>", "<http://evil|click>", "<b>")


@pytest.fixture
def sinks():
    with SmtpSink() as smtp, SlackSink() as slack:
        yield smtp, slack


@pytest.fixture
def alerted(aws, tmp_path):
    """A new CRITICAL finding with hostile text on a critical asset, replayed."""
    url = create_notify_queue(aws, max_receive_count=MAX_RECEIVES)
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="crown-jewels")
    s3.put_bucket_tagging(Bucket="crown-jewels", Tagging={"TagSet": [
        {"Key": "asset:criticality", "Value": "critical"},
        {"Key": "asset:owner", "Value": "web-team"}, {"Key": "Name", "Value": HOSTILE}]})
    import_and_replay(aws, tmp_path, finding("arn:aws:s3:::crown-jewels", title=HOSTILE,
                                             Description=HOSTILE))
    return aws, url


def all_text(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False)


def received(smtp, slack) -> dict[str, int]:
    counts: dict[str, int] = {}
    for m in smtp.messages:
        counts[m["To"]] = counts.get(m["To"], 0) + 1
    for channel, _ in slack.posts:
        counts[channel] = counts.get(channel, 0) + 1
    return counts


def test_critical_finding_reaches_both_sinks_once_escaped_in_one_run(
        alerted, sinks, tmp_path, capsys):
    aws, url = alerted
    smtp, slack = sinks
    config = tmp_path / "mailer.yml"
    config.write_text(yaml.safe_dump(mailer_config(url, smtp, slack, tmp_path)))
    assert main(["mailer", "--config", str(config), "--once"]) == 0
    assert "1 messages delivered" in capsys.readouterr().out
    # security-page (Slack channel and on-call) and the owner's route (web-team).
    assert received(smtp, slack) == {"#security-alerts": 1, "oncall@example.com": 1,
                                     "web-team@example.com": 1}
    for mail in smtp.messages:
        html = mail.get_body(("html",)).get_content()
        text = mail.get_body(("plain",)).get_content()
        assert not any(bad in html for bad in INJECTIONS)
        assert "&lt;!channel&gt;" in html and "한국어&lt;b&gt;굵게&lt;/b&gt;&amp;amp;" in html
        assert HOSTILE[:60] in text
        assert mail["Subject"].startswith("[CRITICAL] new: S3.8")
    (_, post), = slack.posts
    assert not any(bad in all_text(post) for bad in INJECTIONS)
    assert "&lt;@U123&gt;" in all_text(post)
    assert queued(aws, url) == []  # deleted: every target accepted
    # Running again delivers nothing more.
    assert main(["mailer", "--config", str(config), "--once"]) == 0
    assert len(smtp.messages) == 2 and len(slack.posts) == 1


def test_slack_outage_loses_nothing_and_the_retry_delivers_exactly_once(
        alerted, sinks, tmp_path):
    aws, url = alerted
    smtp, slack = sinks
    config = mailer_config(url, smtp, slack, tmp_path)
    slack.fail_next(500)
    first = Mailer(config, aws).run()
    assert first.retrying == 1 and first.delivered == 0
    assert received(smtp, slack) == {"oncall@example.com": 1, "web-team@example.com": 1}
    assert len(queued(aws, url)) == 1  # still there
    # Slack is rate limiting when it comes back: slack_sdk waits Retry-After, then posts.
    slack.fail_next(429, retry_after=1)
    attempts = slack.attempts
    second = Mailer(config, aws).run()
    assert second.delivered == 1 and second.ok
    assert slack.attempts == attempts + 2
    assert received(smtp, slack) == {"#security-alerts": 1, "oncall@example.com": 1,
                                     "web-team@example.com": 1}
    assert queued(aws, url) == []


def test_smtp_451_is_retried_without_resending_slack(alerted, sinks, tmp_path):
    aws, url = alerted
    smtp, slack = sinks
    config = mailer_config(url, smtp, slack, tmp_path)
    smtp.fail_next("451 4.3.0 Mailbox temporarily unavailable")
    first = Mailer(config, aws).run()
    assert first.retrying == 1 and any("451" in e for e in first.errors)
    assert sum(received(smtp, slack).values()) == 2
    second = Mailer(config, aws).run()
    assert second.ok and second.delivered == 1
    assert received(smtp, slack) == {"#security-alerts": 1, "oncall@example.com": 1,
                                     "web-team@example.com": 1}


def test_a_message_that_keeps_failing_goes_to_the_dead_letter_queue(
        alerted, sinks, tmp_path, caplog):
    aws, url = alerted
    smtp, slack = sinks
    config = mailer_config(url, smtp, slack, tmp_path)
    slack.fail_next(500, times=10)
    results = [Mailer(config, aws).run() for _ in range(MAX_RECEIVES)]
    assert [r.retrying for r in results] == [1] * (MAX_RECEIVES - 1) + [0]
    assert results[-1].dead_lettered == 1
    assert "dead-letter queue" in caplog.text
    dlq = aws.client("sqs").get_queue_url(QueueName="assetpack-notify-dlq")["QueueUrl"]
    # SQS moves it on the next receive; the e-mails went out once, Slack never.
    assert Mailer(config, aws).run().delivered == 0
    assert len(queued(aws, dlq)) == 1 and queued(aws, url) == []
    assert received(smtp, slack) == {"oncall@example.com": 1, "web-team@example.com": 1}


def test_updates_reply_in_the_alert_thread(alerted, sinks, tmp_path):
    aws, url = alerted
    smtp, slack = sinks
    config = mailer_config(url, smtp, slack, tmp_path)
    Mailer(config, aws).run()
    import_and_replay(aws, tmp_path, finding("arn:aws:s3:::crown-jewels", title=HOSTILE,
                                             Compliance={"Status": "PASSED"}))
    Mailer(config, aws).run()
    first, update = (p for _, p in slack.posts)
    assert "thread_ts" not in first or not first["thread_ts"]
    assert update["thread_ts"] == "1700000000.000001"


def test_plain_custodian_notify_is_delivered_with_owner_gaps_stated(aws, sinks, tmp_path):
    """Any policy's notify (tag compliance here) goes through the same mailer."""
    from c7n.config import Config
    from c7n.policy import PolicyCollection
    from c7n.resources import load_resources

    import c7n_plugins

    smtp, slack = sinks
    url = create_notify_queue(aws)
    s3 = aws.client("s3")
    for name, owner in (("owned", "web-team"), ("unowned", None)):
        s3.create_bucket(Bucket=name)
        if owner:
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [
                {"Key": "asset:owner", "Value": owner}]})
    c7n_plugins.load()
    load_resources(("aws.s3",))
    policy_data = {"name": "bucket-notice", "resource": "aws.s3", "actions": [{
        "type": "notify", "to": ["resource-owner", "security-channel"],
        "subject": "Buckets <!channel>", "violation_desc": HOSTILE,
        "transport": {"type": "sqs", "queue": url}}]}
    (policy,) = PolicyCollection.from_data({"policies": [policy_data]}, Config.empty(
        region="us-east-1", account_id="123456789012", output_dir=str(tmp_path)))
    policy.run()
    result = Mailer(mailer_config(url, smtp, slack, tmp_path), aws).run()
    assert result.ok and result.delivered == 1
    assert received(smtp, slack) == {"web-team@example.com": 1, "#security-alerts": 1,
                                     "security@example.com": 1, "webhook:default": 1}
    to_owner = next(m for m in smtp.messages if m["To"] == "web-team@example.com")
    assert "owned" in to_owner.get_body(("plain",)).get_content()
    assert "unowned" not in to_owner.get_body(("plain",)).get_content()
    fallback = next(m for m in smtp.messages if m["To"] == "security@example.com")
    assert "No owner could be reached" in fallback.get_body(("plain",)).get_content()
    hook = dict(slack.posts)["webhook:default"]
    assert "No owner could be reached" in all_text(hook)
    assert "<!channel>" not in all_text(hook)


def test_lambda_handler_drains_the_queue(alerted, sinks, tmp_path, monkeypatch):
    from assetpack_mailer import handler

    aws, url = alerted
    smtp, slack = sinks
    monkeypatch.setenv("ASSETPACK_MAILER_CONFIG",
                       json.dumps(mailer_config(url, smtp, slack, tmp_path)))
    summary = handler.run({"source": "aws.events"}, None)
    assert summary["delivered"] == 1 and summary["sent"] == 3 and not summary["errors"]
    assert queued(aws, url) == []
