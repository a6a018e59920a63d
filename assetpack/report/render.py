"""Render the report's numbers as one self-contained HTML page, in English or Korean.

One template set (``templates/``), Jinja2 with autoescape on: every value from a
resource or a finding is HTML-escaped. Text comes from one message catalogue
(``messages.json``, a key per phrase and a column per language), so a language is
a column, never a copy of the template.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from assetpack.report import charts
from c7n_plugins.report.data import SEVERITIES

LANGUAGES = ("en", "ko")


@cache
def catalogue() -> dict[str, dict[str, str]]:
    return json.loads(files("assetpack.report").joinpath("messages.json").read_text("utf-8"))


def translator(lang: str):
    if lang not in LANGUAGES:
        raise ValueError(f"--lang {lang!r}: expected one of {', '.join(LANGUAGES)}")
    words, fallback = catalogue()[lang], catalogue()["en"]

    def t(key: str, **values: Any) -> str:
        text = words.get(key) or fallback.get(key) or key
        return text.format(**values) if values else text

    return t


@cache
def environment() -> Environment:
    return Environment(loader=PackageLoader("assetpack.report", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def money(value: float) -> str:
    return f"${value:,.2f}"


def report_charts(report: dict, t) -> dict[str, Any]:
    """The page's charts, drawn from the same numbers as ``report.json``."""
    sev = report["headline"]["by_severity"]
    return {
        "severity": charts.bar_chart(sev, t("by_severity"),
                                     labels={s: t(f"sev_{s}") for s in SEVERITIES},
                                     colours=charts.SEVERITY_COLOURS),
        "source": charts.bar_chart(report["by_source"], t("by_source")),
        "category": charts.bar_chart(report["by_category"], t("by_category"),
                                     labels={c: t(f"cat_{c}") for c in report["by_category"]}),
        "trend_7d": charts.line_chart([(p["date"][5:], p["open"]) for p in report["trend"]["7d"]],
                                      t("trend_7d")),
        "trend_30d": charts.line_chart([(p["date"][5:], p["open"])
                                        for p in report["trend"]["30d"]], t("trend_30d")),
    }


def render_html(report: dict, lang: str = "en") -> str:
    t = translator(lang)
    template = environment().get_template("report.html.j2")
    return template.render(r=report, t=t, lang=lang, money=money,
                           charts=report_charts(report, t))
