#!/usr/bin/env python
"""Screenshot the daily report for the README (headless Chromium, as the tests do).

    make demo && python scripts/screenshot_report.py out/report
    # -> docs/img/report-en.png, docs/img/report-ko.png
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assetpack.report import browser

IMG = Path(__file__).resolve().parent.parent / "docs" / "img"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report_dir", type=Path, help="the folder `assetpack report -o` wrote")
    args = parser.parse_args()
    for lang, page, height in (("en", args.report_dir / "report.html", 2400),
                               ("ko", args.report_dir / "ko" / "report.html", 1300)):
        png = IMG / f"report-{lang}.png"
        errors = browser.screenshot(page, png, width=1000, height=height)
        if errors:
            print(f"{page}: {'; '.join(errors)}", file=sys.stderr)
            return 1
        print(f"wrote {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
