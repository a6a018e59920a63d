"""The pack's own sub-commands: scan, replay, backfill, demo, bench, permissions."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assetpack import pack


def fail(message: str, code: int = 1) -> int:
    print(f"assetpack: error: {message}", file=sys.stderr)
    return code


def _progress(n: int, total: int, res) -> None:
    status = "error" if res.error else (f"{res.matched} found" if res.matched else "ok")
    if sys.stderr.isatty():
        print(f"\r[{n}/{total}] {res.name[:50]:<50} {status:<10}", end="", file=sys.stderr,
              flush=True)
        if n == total:
            print(file=sys.stderr)
    else:
        print(f"[{n}/{total}] {res.name}: {status}", file=sys.stderr)


def cmd_scan(args: argparse.Namespace) -> int:
    from assetpack import summary
    from assetpack.scan import ScanError, run_scan

    try:
        result = run_scan(args.output_dir, region=args.region, dryrun=args.dryrun,
                          files=args.policies or None, progress=_progress)
    except (ScanError, pack.PackError) as err:
        return fail(str(err))
    Path(args.output_dir, "summary.md").write_text(summary.markdown(result))
    Path(args.output_dir, "remediation.md").write_text(summary.remediation_report(result))
    print(summary.table(result))
    return _scan_failures(result)


def _scan_failures(result) -> int:
    """One line on stderr per policy that could not run (its findings were left as
    they were) and for findings Security Hub did not take; 1 when there is any."""
    failed = [p for p in result.policies if p.error]
    for p in failed:
        print(f"assetpack: error: policy {p.name} failed, its findings unchanged: {p.error}",
              file=sys.stderr)
    lost = result.findings.get("failed", 0)
    if lost:
        why = result.finding_errors[0] if result.finding_errors else "see the log"
        print(f"assetpack: error: {lost} finding(s) could not be posted to Security Hub "
              f"after retries ({why})", file=sys.stderr)
    return 1 if failed or lost else 0


def cmd_replay(args: argparse.Namespace) -> int:
    from assetpack.replay import Replayer, ReplayError, load_event
    from assetpack.scan import ScanError, preflight

    try:
        account, region = preflight(args.region)
        replayer = Replayer(args.output_dir, region, account, args.policies or None)
        events = [(str(p), load_event(p)) for p in args.events]
    except (ScanError, pack.PackError, ReplayError) as err:
        return fail(str(err))
    failed = False
    for name, event in events:
        try:
            outcomes = replayer.replay(name, event)
        except ReplayError as err:
            print(f"{name}: skipped: {err}")
            failed = True
            continue
        if not outcomes:
            print(f"{name}: no policy of the pack is routed this event")
        for o in outcomes:
            did = f"error: {o.error}" if o.error else (
                f"acted on {', '.join(o.resources)}" if o.resources else "nothing matched")
            print(f"{name}: {o.policy}: {did}")
            failed |= bool(o.error)
    return 1 if failed else 0


def cmd_backfill(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    from assetpack import backfill

    types = [t.strip() for t in (args.types or "").split(",") if t.strip()] or None
    warnings: list[str] = []
    try:
        results = backfill.run_backfill(days=args.days, dryrun=args.dryrun, region=args.region,
                                        types=types, warnings=warnings)
    except (BotoCoreError, ClientError) as err:
        return fail(f"cannot reach AWS: {err}")
    for warning in warnings:
        print(f"assetpack: warning: {warning}", file=sys.stderr)
    if args.dryrun:
        print("\n".join(backfill.plan_lines(results) or ["nothing to tag"]))
    print(backfill.table(results))
    return 0


def cmd_deploy(args: argparse.Namespace) -> int:
    from assetpack.deploy import DeployError, run_deploy, table

    try:
        outcomes = run_deploy(role=args.role, remediation_role=args.remediation_role,
                              dryrun=args.dryrun, prune=args.prune, region=args.region,
                              files=args.policies, mailer_config=args.mailer_config)
    except DeployError as err:
        return fail(str(err))
    print(table(outcomes, args.dryrun))
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def cmd_demo(args: argparse.Namespace) -> int:
    from assetpack.demo import run_demo

    return run_demo(args.output_dir, scale=args.scale)


def cmd_bench(args: argparse.Namespace) -> int:
    from assetpack.bench import run_bench, run_tagging_bench

    if args.tagging:
        return run_tagging_bench(str(Path(args.output).with_name("bench-tagging.json")))
    if args.compare:
        from assetpack.compare import run_compare

        return run_compare(args.compare, [int(s) for s in args.scales.split(",")],
                           str(Path(args.output).with_name("bench-compare.json")))
    if args.org:
        from assetpack.bench import run_org_bench

        return run_org_bench(str(Path(args.output).with_name("bench-org.json")))
    return run_bench([int(s) for s in args.scales.split(",")], args.output)


def cmd_undo(args: argparse.Namespace) -> int:
    from assetpack.undo import undo
    from c7n_plugins.journal import JournalError

    try:
        results = undo(args.journal, policy=args.policy, resource=args.resource,
                       dryrun=args.dryrun)
    except JournalError as err:
        return fail(str(err))
    for r in results:
        print(f"{r.status:<10} {r.entry.policy} {r.entry.resource} {r.entry.action}: {r.detail}")
    failed = sum(r.status == "failed" for r in results)
    print(f"{len(results) - failed} of {len(results)} changes "
          f"{'would be undone' if args.dryrun else 'undone'}", file=sys.stderr)
    return 1 if failed else 0


def cmd_permissions(args: argparse.Namespace) -> int:
    from assetpack import permissions

    try:
        if args.format == "automation":
            print(json.dumps(permissions.automation_policy(), indent=2, sort_keys=True))
            return 0
        if args.write:
            for path in permissions.write_generated():
                print(f"wrote {path}")
            return 0
        if args.format == "by-policy":
            perms = permissions.pack_permissions()
            doc = {name: {"role": permissions.role_of(p), "permissions": sorted(p)}
                   for name, p in perms.items()}
        else:
            doc = permissions.role_documents()
    except (pack.PackError, permissions.PermissionsError) as err:
        return fail(str(err))
    print(json.dumps(doc, indent=2, sort_keys=True))
    return 0


def cmd_forms(args: argparse.Namespace) -> int:
    import yaml

    try:
        document = pack.forms_document(args.form, pack.load(args.policies))
    except pack.PackError as err:
        return fail(str(err))
    text = yaml.safe_dump(document, sort_keys=False)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text)
        print(f"wrote {len(document['policies'])} policies to {args.output}")
    else:
        print(text, end="")
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    from assetpack import coverage

    if args.write:
        print(f"wrote {coverage.write()}")
    else:
        print(coverage.render(), end="")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from assetpack import generate

    for path in generate.write_all():
        print(f"wrote {path}")
    return 0


def cmd_mailer(args: argparse.Namespace) -> int:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from assetpack_mailer.config import ConfigError, load
    from assetpack_mailer.processor import Mailer

    try:
        config = load(args.config)
        mailer = Mailer(config, boto3.Session(region_name=config["region"]))
    except ConfigError as err:
        return fail(str(err))
    except (BotoCoreError, ClientError) as err:
        return fail(f"cannot reach the notification queue: {err}")
    while True:
        try:
            result = mailer.run(once=True, wait=0 if args.once else 20)
        except (BotoCoreError, ClientError) as err:
            return fail(f"cannot read the notification queue: {err}")
        print(f"mailer: {result.delivered} messages delivered ({len(result.sent)} sends), "
              f"{result.retrying} left queued for a retry, {result.dead_lettered} going to "
              "the dead-letter queue")
        for error in result.errors[:20]:
            print(f"  {error}", file=sys.stderr)
        if args.once:
            return 0 if result.ok else fail("some deliveries failed; they stay queued")


def cmd_report(args: argparse.Namespace) -> int:
    from assetpack.report.command import Options, ReportError, run

    opts = Options(Path(args.output_dir), since=args.since, lang=args.lang, send=args.send,
                   journal=args.journal, history=args.history,
                   mailer_config=args.mailer_config, to=args.to or ["default"],
                   region=args.region, source=args.source)
    try:
        out = run(opts)
    except ValueError as err:
        return fail(str(err), 2)
    except ReportError as err:
        return fail(str(err))
    head = out.report["headline"]
    print(f"report: {head['open']} open findings, {head['new']} new, {head['resolved']} "
          f"resolved, {head['fixed_automatically']} fixed automatically, "
          f"{head['needs_human']} need a person")
    print(f"wrote {out.html} and {out.json}; snapshot {out.snapshot or 'not kept'}")
    for error in out.report["errors"]:
        print(f"assetpack: warning: not read: {error}", file=sys.stderr)
    if args.send:
        print(f"queued {len(out.sent)} message(s) for the mailer (report and daily digests)")
    return 0



def register(sub) -> None:
    scan = sub.add_parser("scan", help="evaluate every check now, post findings, remediate")
    scan.add_argument("-s", "--output-dir", default="out", help="output folder (default out)")
    scan.add_argument("-r", "--region", help="AWS region (default from the environment)")
    scan.add_argument("--dryrun", action="store_true", help="evaluate and report, change nothing")
    scan.add_argument("-p", "--policies", nargs="+", type=Path,
                      help="policy files (default: the whole pack)")
    scan.set_defaults(func=cmd_scan)

    replay = sub.add_parser("replay", help="feed events to the event-mode policies locally")
    replay.add_argument("events", nargs="+", type=Path, metavar="EVENT.json")
    replay.add_argument("-s", "--output-dir", default="out/replay")
    replay.add_argument("-r", "--region")
    replay.add_argument("-p", "--policies", nargs="+", type=Path)
    replay.set_defaults(func=cmd_replay)

    back = sub.add_parser("backfill", help="tag existing resources from CloudTrail history")
    back.add_argument("--days", type=int, default=90, help="history to search (default 90)")
    back.add_argument("--dryrun", action="store_true", help="print what would be tagged")
    back.add_argument("-r", "--region")
    back.add_argument("--types", help="comma-separated resource types (default: all "
                      "types the events table creates), e.g. aws.s3,aws.sqs")
    back.set_defaults(func=cmd_backfill)

    deploy = sub.add_parser("deploy", help="provision every Lambda-mode policy and the mailer "
                            "in the account, idempotently")
    deploy.add_argument("--role", metavar="ARN", help="execution role of the policies that "
                        "change nothing, and of the mailer (default: Terraform's "
                        "assetpack-custodian in this account)")
    deploy.add_argument("--remediation-role", metavar="ARN", help="execution role of the "
                        "policies that change something (default: Terraform's "
                        "assetpack-custodian-remediate in this account)")
    deploy.add_argument("--dryrun", action="store_true",
                        help="list what would be created, updated or removed; change nothing")
    deploy.add_argument("--prune", action="store_true", help="remove the functions and rules "
                        "of checks that left the pack (only functions the pack tagged)")
    deploy.add_argument("-r", "--region", help="AWS region (default from the environment)")
    deploy.add_argument("-p", "--policies", nargs="+", type=Path,
                        help="policy files (default: the whole pack)")
    deploy.add_argument("--mailer-config", type=Path, metavar="FILE",
                        help="mailer YAML configuration; without it the mailer is skipped")
    deploy.set_defaults(func=cmd_deploy)

    demo = sub.add_parser("demo", help="run everything on the local emulator (no AWS account)")
    demo.add_argument("-s", "--output-dir", "--out", default="out")
    demo.add_argument("--scale", type=int, default=1, help="multiply the demo estate")
    demo.set_defaults(func=cmd_demo)

    bench = sub.add_parser("bench", help="measure scan time, memory and API calls by scale")
    bench.add_argument("--scales", default="1,10,50")
    bench.add_argument("-o", "--output", default="out/bench.json")
    bench.add_argument("--tagging", action="store_true", help="measure the auto-tag Lambda "
                       "(handler time, archive size, cold import) instead")
    bench.add_argument("--compare", metavar="PROWLER", help="time the scan beside Prowler "
                       "(its executable) over the FSBP controls both implement instead")
    bench.add_argument("--org", action="store_true", help="time `assetpack org run` over "
                       "3 emulated accounts x 2 regions instead")
    bench.set_defaults(func=cmd_bench)

    und = sub.add_parser("undo", help="restore what remediation changed, from its journal")
    und.add_argument("--journal", required=True, metavar="LOC",
                     help="the journal: a folder or s3://bucket/prefix")
    und.add_argument("--policy", help="only this policy's changes")
    und.add_argument("--resource", metavar="ARN", help="only this resource's (ARN or id)")
    und.add_argument("--dryrun", action="store_true", help="print what would be restored")
    und.set_defaults(func=cmd_undo)

    perms = sub.add_parser("permissions", help="IAM permissions the pack's policies need, "
                           "per execution role (detect, remediate)")
    perms.add_argument("--format", choices=("iam-json", "by-policy", "automation"),
                       default="iam-json", help="iam-json: each role's document; by-policy: "
                       "each policy's permissions and role; automation: the SSM Automation "
                       "role's policy (the runbooks' own calls)")
    perms.add_argument("--write", action="store_true",
                       help="rewrite terraform/generated/<role>-permissions.json")
    perms.set_defaults(func=cmd_permissions)

    forms = sub.add_parser("forms", help="the pack's derived policies as one Custodian file "
                           "(org: what `assetpack org run -u FILE` evaluates per account)")
    forms.add_argument("--form", choices=sorted(pack.FORMS), default="org",
                       help="scan: as `assetpack scan` runs them; deploy: as deployed; "
                       "org: pull mode with guarded remediation and findings (default)")
    forms.add_argument("-p", "--policies", nargs="+", type=Path,
                       help="policy files (default: the whole pack)")
    forms.add_argument("-o", "--output", type=Path, help="write to FILE (default: stdout)")
    forms.set_defaults(func=cmd_forms)

    cov = sub.add_parser("coverage", help="the FSBP control coverage table (docs/coverage.md)")
    cov.add_argument("--write", action="store_true", help="rewrite docs/coverage.md")
    cov.set_defaults(func=cmd_coverage)

    report = sub.add_parser("report", help="the daily inspection report (HTML and JSON); "
                            "with policy files, Custodian's own report")
    report.add_argument("-o", "--output-dir", default="out/report",
                        help="where report.html and report.json go (default out/report)")
    report.add_argument("--since", default="24h", help="window for new, resolved and fixed "
                        "(e.g. 24h, 7d; default 24h)")
    report.add_argument("--lang", choices=("en", "ko"), default="en")
    report.add_argument("--send", action="store_true", help="queue the report and the daily "
                        "digests for the mailer (contract 5)")
    report.add_argument("--journal", help="remediation journal (default ASSETPACK_JOURNAL, "
                        "else DIR/../journal)")
    report.add_argument("--history", help="daily snapshots: a folder or s3://bucket/prefix "
                        "(default ASSETPACK_HISTORY, else DIR/history)")
    report.add_argument("--mailer-config", help="mailer configuration (default "
                        "ASSETPACK_MAILER_CONFIG): queue_url and routes")
    report.add_argument("--to", action="append", metavar="ROUTE",
                        help="route(s) that receive the whole report (default: default)")
    report.add_argument("--from", dest="source", metavar="REPORT_JSON",
                        help="render a report.json computed earlier (a file or s3://...: "
                        "the daily Lambda's) instead of reading AWS")
    report.add_argument("-r", "--region")
    report.set_defaults(func=cmd_report)

    gen = sub.add_parser("generate", help="rewrite the policy files generated from tables")
    gen.set_defaults(func=cmd_generate)

    mailer = sub.add_parser("mailer", help="deliver the notification queue to Slack and e-mail")
    mailer.add_argument("--config", required=True, type=Path, metavar="FILE",
                        help="mailer configuration (see mailer/mailer.example.yml)")
    mailer.add_argument("--once", action="store_true",
                        help="deliver what is queued now and exit")
    mailer.set_defaults(func=cmd_mailer)

