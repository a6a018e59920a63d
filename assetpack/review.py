"""The pull-request policy review (``python -m assetpack.review``, policy-review.yml).

Lists the policies a branch adds, changes, moves or removes, as c7n-policystream
computes them between two commits, and what each added or changed check matches
in a dry run on the emulator's demo estate (moto server on loopback, the estate
``assetpack demo`` builds). Writes ``OUT/policy-review.md`` for the pull-request
comment and ``OUT/policy-review.json`` with the same numbers.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from assetpack import pack

SHOWN_RESOURCES = 5


@dataclass
class Change:
    kind: str  # add, modified, moved, remove
    policy: str
    file: str
    matched: int | None = None
    resources: list[str] | None = None
    error: str | None = None


def _is_aws_policy_file(path: str) -> bool:
    parts = Path(path).parts
    return len(parts) > 1 and parts[0] == "policies" and parts[1] != "iac"


def changes(repo_dir: str | Path, base: str, head: str = "HEAD") -> list[Change]:
    """The policies that differ between ``base`` and ``head`` (c7n-policystream)."""
    import pygit2
    from policystream import CHANGE_TYPE, PolicyRepo

    import c7n_plugins

    c7n_plugins.load()  # policystream validates with the pack's elements registered
    repo = pygit2.Repository(str(repo_dir))
    delta = PolicyRepo(str(repo_dir), repo).delta_commits(
        repo.revparse_single(base), repo.revparse_single(head))
    found = [Change(CHANGE_TYPE[c.kind].lower(), c.policy.name, c.file_path) for c in delta
             if _is_aws_policy_file(c.file_path)]
    return sorted(found, key=lambda c: (c.file, c.policy))


def dry_run(found: list[Change], root: Path, out: Path) -> None:
    """Each added, changed or moved check, evaluated without actions on the demo estate."""
    import boto3

    from assetpack.demo import prepare_account
    from assetpack.emulator import estate, server
    from assetpack.scan import run_scan

    wanted = [c for c in found if c.kind != "remove"]
    checks = {p.name for p in pack.load([root / c.file for c in wanted]) if p.is_check}
    for change in wanted:
        if change.policy not in checks:
            change.error = "event-mode responder: run it with `assetpack replay`"
    if not checks:
        return
    with server.running():
        session = boto3.Session()
        prepare_account(session)
        estate.build(session)
        result = run_scan(out / "dry-run", dryrun=True,
                          files=sorted({root / c.file for c in wanted}), names=checks)
    by_name = {p.name: p for p in result.policies}
    for change in wanted:
        res = by_name.get(change.policy)
        if res is None:
            continue
        change.matched, change.error = res.matched, res.error
        listed = out / "dry-run" / change.policy / "resources.json"
        if listed.exists():
            ids = [_resource_id(r) for r in json.loads(listed.read_text())]
            change.resources = ids[:SHOWN_RESOURCES]


def _resource_id(resource: dict) -> str:
    """The resource's ARN where its description carries one, else its name or id."""
    arns = [v for k, v in resource.items()
            if k.endswith(("Arn", "ARN")) and isinstance(v, str) and v.startswith("arn:")]
    if arns:
        return sorted(arns, key=len)[0]
    for key in ("Name", "FunctionName", "DBInstanceIdentifier"):
        if resource.get(key):
            return str(resource[key])
    return next((str(v) for k, v in resource.items() if k.endswith("Id") and v), "?")


def markdown(found: list[Change]) -> str:
    if not found:
        return "No policy added, changed, moved or removed.\n"
    lines = ["| change | policy | file | matches on the demo estate (dry run) |",
             "| --- | --- | --- | --- |"]
    for c in found:
        if c.kind == "remove":
            what = "removed: `assetpack deploy --prune` deletes its function"
        elif c.error:
            what = f"not evaluated: {c.error}"
        elif c.matched is None:
            what = "not evaluated"
        else:
            shown = ", ".join(f"`{r}`" for r in c.resources or [])
            more = "" if c.matched <= SHOWN_RESOURCES else f" (+{c.matched - SHOWN_RESOURCES})"
            what = f"{c.matched}" + (f": {shown}{more}" if shown else "")
        lines.append(f"| {c.kind} | `{c.policy}` | `{c.file}` | {what} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assetpack.review", description=__doc__)
    parser.add_argument("--base", required=True, help="base commit or branch, e.g. origin/main")
    parser.add_argument("--head", default="HEAD")
    parser.add_argument("--repo", type=Path, default=Path("."))
    parser.add_argument("-o", "--out", type=Path, default=Path("out/review"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        found = changes(args.repo, args.base, args.head)
        dry_run(found, args.repo, args.out)
    except Exception as err:  # noqa: BLE001 - one line for the job log, exit 1
        print(f"policy review: error: {str(err).splitlines()[0] if str(err) else err!r}",
              file=sys.stderr)
        return 1
    (args.out / "policy-review.md").write_text(markdown(found))
    (args.out / "policy-review.json").write_text(
        json.dumps([asdict(c) for c in found], indent=2))
    print(markdown(found), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
