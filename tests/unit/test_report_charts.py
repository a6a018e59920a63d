"""The report's SVG helpers: one element per datum, escaped labels, valid XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from assetpack.report import charts

SVG = "{http://www.w3.org/2000/svg}"


def test_bar_chart_has_one_bar_per_key_with_its_value():
    svg = charts.bar_chart({"HIGH": 3, "LOW": 0, "MEDIUM": 7}, "by severity")
    bars = ET.fromstring(svg).findall(f"{SVG}rect")
    assert [(b.get("data-label"), b.get("data-value")) for b in bars] == [
        ("HIGH", "3"), ("LOW", "0"), ("MEDIUM", "7")]
    widths = [float(b.get("width")) for b in bars]
    assert widths[2] > widths[0] > widths[1] >= 1  # proportional; zero is a hairline


def test_line_chart_has_one_point_per_day():
    svg = charts.line_chart([("11-28", 4), ("11-29", 6), ("11-30", 2)], "trend")
    root = ET.fromstring(svg)
    points = root.findall(f"{SVG}circle")
    assert [p.get("data-value") for p in points] == ["4", "6", "2"]
    assert len(root.findall(f"{SVG}polyline")) == 1
    ys = [float(p.get("cy")) for p in points]
    assert ys[1] < ys[0] < ys[2]  # higher value, higher on the page


def test_single_point_has_no_line():
    root = ET.fromstring(charts.line_chart([("11-30", 2)], "trend"))
    assert len(root.findall(f"{SVG}circle")) == 1 and not root.findall(f"{SVG}polyline")


def test_hostile_labels_are_escaped():
    svg = charts.bar_chart({"<script>alert(1)</script>": 1, "a'b\"c&": 2}, "<b>t</b>")
    root = ET.fromstring(svg)  # still well-formed XML
    assert "<script>" not in svg and not root.findall(".//script")
    assert [b.get("data-label") for b in root.findall(f"{SVG}rect")] == [
        "<script>alert(1)</script>", "a'b\"c&"]
