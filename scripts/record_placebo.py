#!/usr/bin/env python
"""Record placebo flight data for one of the pack's policies.

Runs the policy (dry run: no actions) against whatever the standard AWS
environment points at (a real account via AWS_PROFILE, or an emulator via
AWS_ENDPOINT_URL) with placebo recording, then keeps the files readable:
pretty-printed, ``ResponseMetadata`` dropped, account ids replaced.

    python scripts/record_placebo.py s3-bucket-public-access-blocked
    # -> tests/placebo/data/s3-bucket-public-access-blocked/*.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

import boto3
import placebo
from c7n.config import Config
from c7n.policy import PolicyCollection
from c7n.resources import load_resources

import c7n_plugins
from assetpack import pack
from assetpack.testing import serial_execution

DATA = Path(__file__).resolve().parent.parent / "tests" / "placebo" / "data"
FAKE_ACCOUNT = "123456789012"


def tidy(path: Path, account: str) -> None:
    doc = json.loads(path.read_text())
    if isinstance(doc.get("data"), dict):
        doc["data"].pop("ResponseMetadata", None)
    text = json.dumps(doc, indent=2, sort_keys=True, default=str)
    path.write_text(re.sub(re.escape(account), FAKE_ACCOUNT, text) + "\n")


def record(name: str, out: Path) -> int:
    c7n_plugins.load()
    policy = next((p.data for p in pack.load() if p.name == name), None)
    if policy is None:
        print(f"no policy named {name} in the pack", file=sys.stderr)
        return 2
    load_resources((policy["resource"],))
    out.mkdir(parents=True, exist_ok=True)
    session = boto3.Session()
    account = session.client("sts").get_caller_identity()["Account"]
    pill = placebo.attach(session, data_path=str(out))
    pill.record()

    def factory(*_a, **_kw):
        return session

    factory.region = session.region_name
    config = Config.empty(region=session.region_name, account_id=account, dryrun=True,
                          output_dir=tempfile.mkdtemp())
    with serial_execution():
        for p in PolicyCollection.from_data({"policies": [pack.scan_form(policy)]}, config,
                                            session_factory=factory):
            print(f"{name}: {len(p())} resources matched while recording")
    for path in sorted(out.glob("*.json")):
        tidy(path, account)
    print(f"flight data in {out}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("policy", help="policy name")
    parser.add_argument("--out", type=Path, help="default tests/placebo/data/<policy>")
    args = parser.parse_args()
    return record(args.policy, args.out or DATA / args.policy)


if __name__ == "__main__":
    sys.exit(main())
