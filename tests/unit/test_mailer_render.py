"""What the mailer renders: escaping and truncation (contract 5), routes and owners."""

from __future__ import annotations

import json
import unicodedata

import pytest

from assetpack_mailer.config import ConfigError, check
from assetpack_mailer.escape import ELLIPSIS, slack_escape, truncate
from assetpack_mailer.render import FIELD_MAX, HEADER_MAX, SECTION_MAX, Context, Renderer
from assetpack_mailer.targets import Planner

HOSTILE = ("<!channel> <@U123> <http://evil|click> *bold* _it_ & "
           + "가나다<script>alert(1)</script>" * 20)[:256]
INJECTIONS = ("<!channel>", "<@U123>", "<http://evil|click>", "<script>", "<b>")


def alert_message(**overrides) -> dict:
    alert = {"FindingId": "f-1", "Title": HOSTILE, "Description": HOSTILE * 20,
             "Severity": "CRITICAL", "Product": "GuardDuty", "Control": HOSTILE[:40],
             "ResourceId": "arn:aws:s3:::b", "ResourceType": "AwsS3Bucket",
             "Classification": {"asset:class": "storage", "asset:owner": HOSTILE,
                                "asset:criticality": "critical",
                                "asset:environment": HOSTILE},
             "Tags": [{"Key": "asset:owner", "Value": HOSTILE}],
             "PackAction": "needs a human", "Change": "new", "Recommendation": HOSTILE,
             "ConsoleUrl": "https://console.aws.amazon.com/securityhub/home?region=us-east-1"}
    alert.update(overrides)
    return {"action": {"to": ["security-page"], "template": "alert",
                       "subject": f"[CRITICAL] new: {HOSTILE}"},
            "policy": {"name": "alert-hub-findings"}, "resources": [alert],
            "account_id": "123456789012", "region": "us-east-1"}


def texts(node):
    """Every text object of a Block Kit payload."""
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and "text" in node:
            yield node
        for v in node.values():
            yield from texts(v)
    elif isinstance(node, list):
        for v in node:
            yield from texts(v)


def test_slack_escapes_the_three_characters():
    assert slack_escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


@pytest.mark.parametrize("limit", [5, 10, 37, 150])
def test_truncate_never_cuts_an_entity_or_exceeds_the_limit(limit):
    escaped = slack_escape("a<b>&" * 40)
    cut = truncate(escaped, limit)
    assert len(cut) <= limit and cut.endswith(ELLIPSIS)
    body = cut[:-1]
    # Every '&' left starts a complete entity.
    for i, ch in enumerate(body):
        if ch == "&":
            assert body[i:i + 4] in ("&lt;", "&gt;", "&amp")


def test_truncate_keeps_combining_marks_with_their_base():
    text = "e\u0301" * 10  # é as e + combining acute
    cut = truncate(text, 6)
    assert not cut[:-1].endswith("e") or cut[:-1] == ""  # never a bare base at the edge
    assert len(cut[:-1]) % 2 == 0
    assert truncate("한국어" * 100, 150) == ("한국어" * 50)[:149] + ELLIPSIS
    decomposed = unicodedata.normalize("NFD", "한국어" * 100)  # jamo: 2-3 per syllable
    cut = truncate(decomposed, 150)[:-1]
    assert unicodedata.normalize("NFC", cut) == ("한국어" * 100)[:len(
        unicodedata.normalize("NFC", cut))]
    assert not ("\u1160" <= decomposed[len(cut)] <= "\u11ff")


def test_slack_alert_renders_every_injection_as_text_within_limits():
    payload = Renderer().slack(Context(alert_message(), alert_message()["resources"],
                                       "slack://#sec"))
    dumped = json.dumps(payload, ensure_ascii=False)
    for bad in INJECTIONS:
        assert bad not in dumped
    assert "&lt;!channel&gt;" in dumped and "&lt;@U123&gt;" in dumped
    assert payload["mrkdwn"] is False
    objects = list(texts(payload))
    # Values from the finding are only ever in plain_text: *bold* is not formatted.
    assert all(t["type"] == "plain_text" for t in objects)
    assert any("*bold*" in t["text"] for t in objects)
    blocks = payload["attachments"][0]["blocks"]
    assert payload["attachments"][0]["color"] == "#b00020"
    assert len(blocks[0]["text"]["text"]) <= HEADER_MAX
    for block in blocks:
        if block["type"] == "section":
            assert all(len(f["text"]) <= FIELD_MAX for f in block.get("fields", []))
            assert len(block.get("text", {}).get("text", "")) <= SECTION_MAX


def test_email_html_is_escaped_and_text_part_is_plain():
    message = alert_message()
    subject, text, html = Renderer().email(Context(message, message["resources"], "a@b.c"))
    for bad in INJECTIONS:
        assert bad not in html
    assert "&lt;script&gt;" in html and "&lt;!channel&gt;" in html
    assert "가나다" in html and "가나다<script>" in text
    assert "\n" not in subject and subject.startswith("[CRITICAL] new:")


def test_generic_notify_message_uses_the_default_templates():
    message = {"action": {"to": ["x"], "template": "tag-compliance", "subject": "Tags",
                          "violation_desc": HOSTILE},
               "policy": {"name": "tag-compliance-s3", "metadata": {"severity": "medium"}},
               "resources": [{"Name": HOSTILE, "Tags": [{"Key": "asset:owner", "Value": "x"}],
                              "c7n:tag-violations": [HOSTILE]}],
               "account_id": "1", "region": "r"}
    _, text, html = Renderer().email(Context(message, message["resources"], "a@b.c"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    payload = Renderer().slack(Context(message, message["resources"], "slack://#x"))
    assert "<script>" not in json.dumps(payload, ensure_ascii=False)


CONFIG = {"queue_url": "q", "from_address": "a@example.com",
          "routes": {"security-page": ["slack://#sec", "oncall@example.com"],
                     "web-team": ["web@example.com", "slack://#web"],
                     "default": ["sec@example.com"]}}


def test_org_domain_makes_addresses_only_of_plausible_owner_values():
    planner = Planner(check(dict(CONFIG, org_domain="example.com")))
    assert planner.owner_targets({"Tags": [{"Key": "asset:owner", "Value": "ops"}]})[0] == [
        "ops@example.com"]
    assert planner.owner_targets({"Tags": [{"Key": "asset:owner", "Value": "x" * 65}]})[0] == []


def test_routes_owner_tags_and_the_default_route():
    planner = Planner(check(dict(CONFIG)))
    owned = {"Tags": [{"Key": "asset:owner", "Value": "web-team"}]}
    mailed = {"Tags": [{"Key": "asset:owner", "Value": "dev@example.com"}]}
    orphan = {"Tags": []}
    named = {"Tags": [{"Key": "asset:owner", "Value": "nobody-knows"}]}
    message = {"action": {"to": ["security-page", "resource-owner", "no-such-route"]},
               "resources": [owned, mailed, orphan, named]}
    plan = {d.target: d for d in planner.plan(message)}
    assert set(plan) == {"slack://#sec", "oncall@example.com", "web@example.com",
                         "slack://#web", "dev@example.com", "sec@example.com"}
    assert plan["web@example.com"].resources == [owned]
    assert plan["dev@example.com"].resources == [mailed]
    # The unknown route and the two unreachable owners all land on default ...
    assert len(plan["sec@example.com"].resources) == 4
    # ... and the message says why the owners were not told.
    assert any("missing" in n for n in plan["sec@example.com"].notes)
    assert any("nobody-knows" in n for n in plan["sec@example.com"].notes)
    assert plan["slack://#sec"].kind == "slack" and plan["dev@example.com"].kind == "email"


@pytest.mark.parametrize("bad, why", [
    ({}, "queue_url is required"),
    ({"queue_url": "q", "routes": {"x": ["a@b.co"]}}, "'default' route"),
    ({"queue_url": "q", "routes": {"default": "a@b.co"}}, "list of targets"),
    ({"queue_url": "q", "routes": {"default": ["a@b.co"]}}, "from_address"),
    ({"queue_url": "q", "routes": {"default": []}, "retry_backoff": -1}, "retry_backoff"),
])
def test_bad_configuration_says_why(bad, why):
    with pytest.raises(ConfigError, match=why):
        check(bad)
