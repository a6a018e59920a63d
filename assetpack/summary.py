"""Human-readable views of a scan: the terminal table and ``summary.md``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from assetpack.scan import ScanResult

SEVERITY_ORDER = ("critical", "high", "medium", "low", "informational")
# Outcome statuses, in the order shown; "pending" is a change AWS applies later.
STATUS_TITLES = (("fixed", "fixed"), ("pending", "pending"), ("failed", "could not fix"),
                 ("needs-human", "needs a human"))
STATUS_LABELS = dict(STATUS_TITLES)


def cve_posture(result: ScanResult) -> dict:
    """Assets with CVEs by worst severity and the distinct CVEs, from the roll-ups the
    vulnerability checks wrote (``c7n:Vulnerabilities`` in their ``resources.json``)."""
    worst: dict[str, str] = {}
    cves: set[str] = set()
    for p in result.policies:
        if p.category != "vulnerability" or not p.matched:
            continue
        try:
            found = json.loads((Path(result.output_dir) / p.name / "resources.json").read_text())
        except (OSError, ValueError):
            continue
        for r in found:
            posture = r.get("c7n:Vulnerabilities")
            if posture:
                worst.setdefault(posture["asset"], posture["worst_severity"].lower())
                cves.update(posture["cves"])
    return {"assets": len(worst), "by_worst_severity": dict(Counter(worst.values())),
            "cves": len(cves)}


def _cve_row(result: ScanResult) -> list[tuple[str, str]]:
    c = cve_posture(result)
    if not c["assets"]:
        return []
    sev = ", ".join(f"{s} {c['by_worst_severity'][s]}" for s in SEVERITY_ORDER
                    if c["by_worst_severity"].get(s))
    return [("CVE posture (Inspector)",
             f"{c['assets']} assets with CVEs (worst: {sev}), {c['cves']} distinct CVEs")]


def _rows(result: ScanResult) -> list[tuple[str, str]]:
    t = result.totals()
    sev = ", ".join(f"{s} {t['by_severity'][s]}" for s in SEVERITY_ORDER
                    if t["by_severity"].get(s)) or "none"
    cat = ", ".join(f"{c} {n}" for c, n in sorted(t["by_category"].items())) or "none"
    fixes = t["remediation"]
    fixed = ", ".join(f"{title} {fixes.get(status, 0)}" for status, title in STATUS_TITLES)
    if result.dryrun:
        fixed = (f"dry run: nothing changed ({fixes.get('planned', 0)} would be fixed, "
                 f"needs a human {fixes.get('needs-human', 0)})")
    f = result.findings
    classes = result.groups.get("asset:class", {})
    top = sorted(classes.items(), key=lambda kv: -kv[1])
    groups = ", ".join(f"{k} {v}" for k, v in top[:6]) + (", ..." if len(top) > 6 else "")
    return [
        ("account / region", f"{result.account} / {result.region}"),
        ("checks run", f"{t['checks']} ({t['errors']} failed to run)"),
        ("resources seen", str(t["resources_seen"])),
        ("resources by asset:class", groups or "none"),
        ("violations by severity", sev),
        ("violations by category", cat),
        *_cve_row(result),
        ("remediation", fixed),
        ("earlier pending changes", ", ".join(
            f"{STATUS_LABELS.get(k, k)} {v}" for k, v in sorted(result.settled.items()))
         or "none"),
        ("Security Hub findings", f"{f.get('imported', 0)} posted, {f.get('resolved', 0)} "
                                  f"resolved, {f.get('archived', 0)} archived, "
                                  f"{f.get('failed', 0)} not posted"),
        ("AWS API calls", str(result.api_calls)),
        ("wall time", f"{result.seconds:.1f} s"),
        ("outputs", result.output_dir),
    ]


def table(result: ScanResult) -> str:
    rows = _rows(result)
    width = max(len(k) for k, _ in rows)
    line = "-" * (width + 2 + max(len(v) for _, v in rows))
    return "\n".join([line, *(f"{k.ljust(width)}  {v}" for k, v in rows), line])


def markdown(result: ScanResult) -> str:
    lines = ["| | |", "| --- | --- |", *(f"| {k} | {v} |" for k, v in _rows(result))]
    worst = sorted((p for p in result.policies if p.matched),
                   key=lambda p: (SEVERITY_ORDER.index(p.severity)
                                  if p.severity in SEVERITY_ORDER else 9, -p.matched))[:15]
    if worst:
        lines += ["", "| check | severity | controls | found | remediation |",
                  "| --- | --- | --- | --- | --- |"]
        lines += [f"| {p.name} | {p.severity} | {' '.join(p.controls)} | {p.matched} | "
                  f"{', '.join(f'{k} {v}' for k, v in sorted(p.remediated.items())) or '-'} |"
                  for p in worst]
    return "\n".join(lines) + "\n"




def remediation_report(result: ScanResult) -> str:
    """Per control: what was fixed, what could not be fixed, what needs a human."""
    lines = ["# Remediation report", "",
             f"Account {result.account}, region {result.region}"
             + (" (dry run: nothing was changed)" if result.dryrun else ""), "",
             "| control | check | " + " | ".join(t for _, t in STATUS_TITLES) + " |",
             "| --- | --- |" + " --- |" * len(STATUS_TITLES)]
    rows = sorted((p for p in result.policies if p.outcomes),
                  key=lambda p: (" ".join(p.controls), p.name))
    for p in rows:
        counts = [str(p.remediated.get(status, 0)) for status, _ in STATUS_TITLES]
        lines.append(f"| {' '.join(c for c in p.controls if c.startswith('FSBP/')) or '-'} "
                     f"| {p.name} | {' | '.join(counts)} |")
    if result.journal:
        lines += ["", f"Every change was journaled first to `{result.journal}`; "
                  f"`assetpack undo --journal {result.journal}` restores it."]
    for status, title in STATUS_TITLES[1:]:
        items = [(p.name, o) for p in rows for o in p.outcomes if o["status"] == status]
        if items:
            lines += ["", f"## {title.capitalize()}", ""]
            lines += [f"- `{name}`: {o['id']}: {o.get('reason') or '-'}" for name, o in items]
    return "\n".join(lines) + "\n"
