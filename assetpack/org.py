"""``assetpack org run``: the pack's checks over many accounts and regions.

c7n-org does the running (one process per account and region, roles assumed from
the accounts file); this module gives it the pack's checks in their report form
(:func:`assetpack.pack.report_form`: findings posted to each account's Security
Hub, which AWS replicates to the delegated administrator) and reads its output
tree, ``OUT/<account>/<region>/<policy>/``, into one summary.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import yaml

from assetpack import pack

CHECKS_FILE = "assetpack-checks.yml"
SUMMARY_FILE = "org-summary.json"


def checks_file(output_dir: str | Path, files: list[Path] | None = None) -> Path:
    """Write every check of the pack (or of ``files``), in report form, for c7n-org's
    ``-u``."""
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    checks = pack.load(files, only=lambda p: p.is_check)
    path = out / CHECKS_FILE
    path.write_text(yaml.safe_dump({"policies": [pack.report_form(p.data) for p in checks]},
                                   sort_keys=False))
    return path


def summarize(output_dir: str | Path) -> dict:
    """Violations and failed checks per account and region, and per check, from
    c7n-org's output (a policy folder without ``resources.json`` did not run)."""
    out = Path(output_dir)
    cells: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    by_policy: Counter = Counter()
    for meta in sorted(out.glob("*/*/*/metadata.json")):
        policy_dir = meta.parent
        account, region = policy_dir.parent.parent.name, policy_dir.parent.name
        cell = cells[account][region]
        cell["checks"] += 1
        found = policy_dir / "resources.json"
        if not found.exists():
            cell["errors"] += 1
            continue
        matched = len(json.loads(found.read_text()))
        cell["violations"] += matched
        by_policy[policy_dir.name] += matched
    accounts = {a: {r: dict(c) for r, c in sorted(regions.items())}
                for a, regions in sorted(cells.items())}
    flat = [c for regions in accounts.values() for c in regions.values()]
    return {"accounts": accounts,
            "by_policy": dict(by_policy.most_common()),
            "totals": {"accounts": len(accounts), "account_regions": len(flat),
                       "violations": sum(c.get("violations", 0) for c in flat),
                       "errors": sum(c.get("errors", 0) for c in flat)}}


def write_summary(output_dir: str | Path) -> dict:
    summary = summarize(output_dir)
    Path(output_dir, SUMMARY_FILE).write_text(json.dumps(summary, indent=2))
    return summary


def table(summary: dict) -> str:
    lines = ["| account | region | checks | violations | failed |",
             "| --- | --- | --- | --- | --- |"]
    for account, regions in summary["accounts"].items():
        lines += [f"| {account} | {region} | {c.get('checks', 0)} | {c.get('violations', 0)} "
                  f"| {c.get('errors', 0)} |" for region, c in regions.items()]
    t = summary["totals"]
    lines.append(f"| **{t['accounts']} accounts** | {t['account_regions']} account-regions | "
                 f"| **{t['violations']}** | {t['errors']} |")
    return "\n".join(lines)
