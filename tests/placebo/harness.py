"""Replay recorded AWS responses (placebo) through a real Custodian policy run.

Flight data lives in ``tests/placebo/data/<name>/`` as ``<service>.<Operation>_<n>.json``
files, recorded by ``scripts/record_placebo.py`` and trimmed to what the check reads.
"""

from __future__ import annotations

from pathlib import Path

import boto3
import placebo
from c7n.config import Config
from c7n.policy import PolicyCollection
from c7n.resources import load_resources
from c7n.utils import reset_session_cache

import c7n_plugins
from assetpack import pack
from assetpack.testing import patch_placebo, serial_execution

DATA = Path(__file__).parent / "data"
patch_placebo()


def replay(policy: dict, flight: str, output_dir: Path, region: str = "us-east-1") -> list[dict]:
    """Run ``policy`` (its scan form) against the recorded responses of ``flight``."""
    c7n_plugins.load()
    load_resources((policy["resource"],))
    data_path = DATA / flight
    assert data_path.is_dir(), f"no flight data at {data_path}"

    def session_factory(*_args, **_kw):
        session = boto3.Session(region_name=region, aws_access_key_id="placebo",
                                aws_secret_access_key="placebo")
        pill = placebo.attach(session, data_path=str(data_path))
        pill.playback()
        return session

    session_factory.region = region
    reset_session_cache()
    config = Config.empty(region=region, account_id="123456789012", output_dir=str(output_dir),
                          dryrun=True)
    collection = PolicyCollection.from_data({"policies": [pack.scan_form(policy)]}, config,
                                            session_factory=session_factory)
    with serial_execution():
        (found,) = [p() for p in collection]
    reset_session_cache()
    return found


def policy_named(name: str) -> dict:
    """The pack's policy of that name, exactly as shipped."""
    for p in pack.load(validate=False):
        if p.name == name:
            return p.data
    raise KeyError(name)
