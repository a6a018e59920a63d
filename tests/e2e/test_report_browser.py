"""The report as a person sees it: headless Chromium loads it without errors, draws
one bar or point per datum, and renders Korean with real glyphs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from assetpack.report import browser
from assetpack.report.charts import FONT
from assetpack.report.command import Options, run
from tests.e2e.test_report import seed

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def chromium():
    try:
        return browser.executable()
    except browser.BrowserError as err:
        pytest.fail(str(err))  # not a skip: CI installs it (.ci/run) and must show pictures


@pytest.fixture
def reports(aws, tmp_path):
    seed(aws, tmp_path / "journal", tmp_path / "en" / "history")
    out = {}
    for lang in ("en", "ko"):
        out[lang] = run(Options(tmp_path / lang, lang=lang, journal=str(tmp_path / "journal"),
                                history=str(tmp_path / "en" / "history")))
    return out


def _count(dom: str, cls: str) -> int:
    return len(re.findall(rf'<(?:rect|circle)[^>]*class="{cls}"', dom))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_page_loads_and_charts_match_the_numbers(chromium, reports, lang, tmp_path):
    result = reports[lang]
    dom, errors = browser.dump_dom(result.html)
    assert errors == []
    report = json.loads(result.json.read_text())
    bars = (len(report["headline"]["by_severity"]) + len(report["by_source"])
            + len(report["by_category"]))
    assert _count(dom, "bar") == bars
    assert _count(dom, "point") == len(report["trend"]["7d"]) + len(report["trend"]["30d"])
    assert f'data-label="HIGH" data-value="{report["headline"]["by_severity"]["HIGH"]}"' in dom
    png = tmp_path / f"report-{lang}.png"
    assert browser.screenshot(result.html, png) == []
    with Image.open(png) as image:
        assert image.size == (1000, 2400)
        # Not a blank page: the charts and tables put ink on it.
        assert len(image.convert("L").getcolors(maxcolors=1 << 16) or []) > 20


def test_korean_text_renders_with_real_glyphs(chromium, reports, tmp_path):
    dom, _ = browser.dump_dom(reports["ko"].html)
    assert "일일 점검 보고서" in dom and "위험도 상위 10개 자산" in dom
    # A font without Korean draws every syllable as the same empty box: four different
    # syllables, in the report's own font stack, must come out as four different glyphs.
    cells = "".join(f"<span style='display:inline-block;width:80px;height:80px'>{c}</span>"
                    for c in "점검보고")
    page = tmp_path / "glyphs.html"
    page.write_text(f"<html><body style='margin:0;font-size:56px;{_css(FONT)}'>{cells}"
                    "</body></html>", encoding="utf-8")
    png = tmp_path / "glyphs.png"
    assert browser.screenshot(page, png, width=320, height=80) == []
    with Image.open(png) as image:
        crops = [image.convert("L").crop((80 * n, 0, 80 * n + 80, 80)) for n in range(4)]
    for crop in crops:
        assert crop.getextrema()[0] < 128, "a syllable drew no ink"
    for n, a in enumerate(crops):
        for b in crops[n + 1:]:
            assert ImageChops.difference(a, b).getbbox(), "two syllables drew the same glyph"


def test_a_page_fetching_an_external_asset_is_caught(chromium, tmp_path):
    page = tmp_path / "bad.html"
    page.write_text("<html><body><img src='https://example.com/x.png'>"
                    "<script>console.log('hello')</script></body></html>")
    _, errors = browser.dump_dom(page)
    assert any("https://example.com/x.png" in e for e in errors), errors
    assert any("hello" in e for e in errors), errors


def _css(font_attr: str) -> str:
    return font_attr.replace("font-family=", "font-family:").replace("'", "") + ";"


def test_readme_screenshot_is_committed():
    root = Path(__file__).resolve().parents[2]
    assert (root / "docs" / "img" / "report-en.png").is_file()
    assert "docs/img/report-en.png" in (root / "README.md").read_text()
