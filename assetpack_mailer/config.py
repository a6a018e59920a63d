"""The mailer configuration (contract 5): c7n-mailer's keys plus ``slack_api_url``,
``routes`` and the delivery-state and retry settings.

=====================  =========================================================
``queue_url``          the notification queue (required)
``from_address``       sender of e-mail (required when any route has an address)
``smtp_server`` …      ``smtp_port``, ``smtp_ssl``, ``smtp_username``, ``smtp_password``;
                       without ``smtp_server`` e-mail goes through SES (``ses_region``)
``slack_token``        bot token for ``slack://#channel`` targets (KMS-encrypted or plain)
``slack_api_url``      Slack Web API base, default ``https://slack.com/api/``
``contact_tags``       tags naming an asset's owner, default ``[asset:owner]``
``org_domain``         owner values that are not addresses become ``value@org_domain``
``routes``             route name -> targets (address, ``slack://#channel``, webhook URL)
``delivery_state``     where per-target delivery is recorded: a folder or ``s3://b/p``
``retry_backoff``      seconds before the first retry of a failed target (doubles)
``max_backoff``        cap of that delay (SQS allows 43200)
``templates_folders``  extra template folders, searched before the package's
=====================  =========================================================
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

DEFAULT_SLACK_API = "https://slack.com/api/"
DEFAULTS: dict[str, Any] = {
    "contact_tags": ["asset:owner"], "slack_api_url": DEFAULT_SLACK_API, "smtp_port": 25,
    "smtp_ssl": True, "retry_backoff": 30, "max_backoff": 900, "routes": {},
    "templates_folders": [],
}


class ConfigError(ValueError):
    """The mailer configuration is unreadable or invalid; one line says why."""


def load(path: str | Path) -> dict[str, Any]:
    """Read a YAML (or JSON) configuration file and check it."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError) as err:
        raise ConfigError(f"{path}: cannot read mailer configuration: "
                          f"{str(err).splitlines()[0]}") from err
    return check(data, str(path))


def check(data: Any, where: str = "mailer configuration") -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping of settings")
    config = {**DEFAULTS, **data}
    config.setdefault("region", os.environ.get("AWS_REGION")
                      or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1")
    config.setdefault("ses_region", config["region"])
    if not isinstance(config.get("queue_url"), str) or not config["queue_url"]:
        raise ConfigError(f"{where}: queue_url is required")
    routes = config["routes"]
    if not isinstance(routes, dict) or not all(
            isinstance(v, list) and all(isinstance(t, str) for t in v) for v in routes.values()):
        raise ConfigError(f"{where}: routes must map each route name to a list of targets")
    if "default" not in routes:
        raise ConfigError(f"{where}: routes needs a 'default' route (unknown names and "
                          "assets without an owner go there)")
    if isinstance(config["contact_tags"], str):
        config["contact_tags"] = [config["contact_tags"]]
    if any("@" in t and not config.get("from_address") for v in routes.values() for t in v):
        raise ConfigError(f"{where}: from_address is required to send e-mail")
    for key in ("retry_backoff", "max_backoff", "smtp_port"):
        if not isinstance(config[key], int) or config[key] < 0:
            raise ConfigError(f"{where}: {key} must be a non-negative integer")
    return config
