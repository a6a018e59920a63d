"""Rendering: one template, two languages, every value from AWS escaped."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from assetpack.report import render
from c7n_plugins.report import data

HOSTILE = "<script>alert(1)</script>"


def report(owner: str = "web-team", title: str = "t") -> dict:
    f = {"Id": "f", "ProductArn": "arn:aws:securityhub:r:1:product/1/default",
         "GeneratorId": "p", "Severity": {"Label": "CRITICAL"}, "Title": title,
         "CreatedAt": "2026-11-30T01:00:00Z", "RecordState": "ACTIVE",
         "Resources": [{"Id": f"arn:{HOSTILE}", "Type": "X",
                        "Tags": {"asset:owner": owner, "asset:criticality": "중요 ☃"}}],
         "Remediation": {"Recommendation": {"Text": f"fix {HOSTILE}"}},
         "ProductFields": {"assetpack/policy": "p", "assetpack/category": "compliance"}}
    c = data.Collected("123456789012", "us-east-1", datetime(2026, 11, 30, 6, tzinfo=UTC),
                       timedelta(hours=24), [data.Item.from_finding(f)],
                       budgets=[{"name": HOSTILE, "limit": 10.0, "actual": 12.0, "forecast": 15.0,
                                 "time_unit": "MONTHLY", "unit": "USD", "status": "over"}])
    return data.build_report(c, [])


def test_values_from_resources_are_escaped_everywhere():
    html = render.render_html(report(owner=HOSTILE, title='"><img src=x onerror=alert(1)>'))
    assert "<script>" not in html and "<img" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4  # asset, owner, step, budget


@pytest.mark.parametrize("lang", render.LANGUAGES)
def test_every_catalogue_key_exists_in_every_language(lang):
    keys = {k for words in render.catalogue().values() for k in words}
    assert keys <= set(render.catalogue()[lang])


def test_template_uses_only_catalogue_keys():
    source = (render.files("assetpack.report") / "templates" / "report.html.j2").read_text()
    used = set(re.findall(r't\("([a-z0-9_]+)"[,)]', source))
    assert used and used <= set(render.catalogue()["en"])


def test_korean_and_english_differ_only_in_words():
    r = report()
    en, ko = render.render_html(r, "en"), render.render_html(r, "ko")
    assert "Daily inspection report" in en and "일일 점검 보고서" in ko
    strip = re.compile(r">[^<]*<")
    assert strip.sub("><", en).replace('lang="en"', "") == strip.sub("><", ko).replace(
        'lang="ko"', "")


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="--lang 'fr'"):
        render.render_html(report(), "fr")


def test_numbers_in_the_page_are_those_of_the_json():
    r = report()
    html = render.render_html(r)
    assert f'data-key="open"><span class="n">{r["headline"]["open"]}</span>' in html
    assert r["cost"]["budgets"][0]["status"] == "over" and "over budget" in html
