"""The ``assetpack`` console script (DESIGN.md contract 1).

Custodian's and c7n-org's own commands run unchanged, with the pack's plugins
registered first; the pack's commands are argparse sub-commands.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

import c7n_plugins

CUSTODIAN_COMMANDS = ("run", "validate", "report", "schema", "logs", "metrics", "version")
# Listed in --help under the pack's name; with policy files, "report" is Custodian's.
CUSTODIAN_ONLY = tuple(c for c in CUSTODIAN_COMMANDS if c != "report")


def _custodian(argv: list[str]) -> int:
    import tempfile

    from assetpack import pack

    c7n_plugins.load()
    with tempfile.TemporaryDirectory(prefix="assetpack-") as tmp:
        try:
            files = [pack.as_custodian_file(Path(a), Path(tmp)) if a.endswith(
                (".yml", ".yaml")) else a for a in argv]
        except pack.PackError as err:
            print(f"assetpack: error: {err}", file=sys.stderr)
            return 1
        if None in files and not any(str(a).endswith((".yml", ".yaml")) for a in files if a):
            print(f"{pack.BLAST_RADIUS_FILE}: valid", file=sys.stderr)
            return 0  # the blast-radius file alone: nothing left for Custodian to read
        return _run_custodian([str(a) for a in files if a is not None])


def _run_custodian(argv: list[str]) -> int:
    from c7n import cli

    sys.argv = ["assetpack", *argv]
    try:
        cli.main()
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 1
    return 0


def _org(argv: list[str]) -> int:
    """c7n-org's CLI. ``org run`` without ``-u`` runs the pack's checks (report form)
    and, after c7n-org, writes and prints one summary over accounts and regions."""
    from c7n_org import cli as org_cli

    from assetpack import org

    c7n_plugins.load()
    out = _option(argv, "-s", "--output-dir")
    running = bool(argv) and argv[0] == "run" and out is not None
    if not running:
        return org_cli.cli.main(args=argv, prog_name="assetpack org", standalone_mode=True) or 0
    if _option(argv, "-u", "--use") is None:
        argv = [*argv, "-u", str(org.checks_file(out))]
    try:
        code = org_cli.cli.main(args=argv, prog_name="assetpack org", standalone_mode=True)
    except SystemExit as exit_:
        code = exit_.code
    if code not in (0, None):
        return code if isinstance(code, int) else 1
    summary = org.write_summary(out)
    print(org.table(summary))
    return 1 if summary["totals"]["errors"] else 0


def _option(argv: list[str], short: str, long: str) -> str | None:
    """The value of an option in click's spellings (``-s X``, ``--output-dir X``,
    ``--output-dir=X``), or None."""
    for i, arg in enumerate(argv):
        if arg in (short, long) and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(f"{long}="):
            return arg.split("=", 1)[1]
    return None


# Options of the pack's report whose value may be a file: not a policy file.
REPORT_FILE_OPTIONS = ("--mailer-config", "--journal", "--history", "-o", "--output-dir",
                       "--from")


def _names_policies(argv: list[str]) -> bool:
    """``report`` with policy files is Custodian's; without, the pack's daily report."""
    return any(a.endswith((".yml", ".yaml", ".json")) and prev not in REPORT_FILE_OPTIONS
               for prev, a in zip(["", *argv], argv, strict=False))


def parser() -> argparse.ArgumentParser:
    from assetpack.cli import commands

    top = argparse.ArgumentParser(
        prog="assetpack",
        description="Cloud Custodian policy pack: classify, inspect, alert, remediate.",
        epilog=f"Custodian commands ({', '.join(CUSTODIAN_COMMANDS)}) and 'org ...' "
               "take Custodian's and c7n-org's own arguments.",
    )
    top.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.register(sub)
    for name in CUSTODIAN_ONLY:
        sub.add_parser(name, help=f"Custodian's '{name}' with the pack's plugins", add_help=False)
    sub.add_parser("org", help="c7n-org (multi-account, multi-region) with the plugins",
                   add_help=False)
    return top


def main(argv: list[str] | None = None) -> int:
    from assetpack.sessions import retry_defaults

    retry_defaults()  # every command, Custodian's and c7n-org's too, survives throttling
    if os.environ.get("AWS_ENDPOINT_URL", "").startswith("http://127.0.0.1"):
        # The local emulator: S3 Control's <account>.<endpoint> host names cannot
        # resolve on loopback (a no-op against AWS, whose endpoints are not loopback).
        from assetpack.emulator.server import route_s3_control_locally

        route_s3_control_locally()
    argv = list(sys.argv[1:] if argv is None else argv)
    first = next((a for a in argv if not a.startswith("-")), "")
    if first in CUSTODIAN_COMMANDS and not (first == "report" and not _names_policies(argv)):
        return _custodian(argv)
    if first == "org":
        return _org(argv[argv.index("org") + 1:])
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not args.verbose:
        # Custodian logs every policy, and every resource an action could not change;
        # the pack prints its own progress and counts failures in its summary.
        logging.getLogger("custodian").setLevel(logging.CRITICAL)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
