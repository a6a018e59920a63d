"""Lambda entry point of the mailer: ``assetpack_mailer.handler.run``.

The configuration is ``config.json`` beside this code in the archive (as
c7n-mailer's provisioning writes it) or the JSON in ``ASSETPACK_MAILER_CONFIG``.
A scheduled invocation drains what is queued now; a message that could not reach
every target stays queued (the run reports it and the next schedule retries).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from assetpack_mailer.config import check
from assetpack_mailer.processor import Mailer

log = logging.getLogger("assetpack.mailer")


def load_config() -> dict:
    raw = os.environ.get("ASSETPACK_MAILER_CONFIG")
    if raw:
        return check(json.loads(raw), "ASSETPACK_MAILER_CONFIG")
    root = Path(os.environ.get("LAMBDA_TASK_ROOT", Path(__file__).resolve().parent.parent))
    return check(json.loads((root / "config.json").read_text()), "config.json")


def run(event: Any = None, context: Any = None) -> dict:
    import boto3

    logging.getLogger().setLevel(logging.INFO)
    config = load_config()
    result = Mailer(config, boto3.Session(region_name=config["region"])).run(once=True)
    summary = {"delivered": result.delivered, "retrying": result.retrying,
               "dead_lettered": result.dead_lettered, "sent": len(result.sent),
               "errors": result.errors[:20]}
    log.info("mailer run: %s", json.dumps(summary))
    return summary
