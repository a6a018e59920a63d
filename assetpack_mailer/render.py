"""What each channel receives: e-mail (HTML and plain text) and Slack (Block Kit).

E-mail templates are Jinja2 with autoescape on for ``*.html.j2`` (every value from
a resource or finding is HTML-escaped unless a template marks it safe, and none
does). Slack payloads are built here, not templated: values from resources and
findings go in ``plain_text`` objects (Slack has no escape for ``*bold*`` or
``_italic_`` in mrkdwn, plain text shows them literally) and are escaped for
``&``, ``<``, ``>`` everywhere, then truncated to Block Kit's limits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from assetpack_mailer.escape import header_safe, slack_escape, truncate

TEMPLATES = Path(__file__).resolve().parent / "templates"
COLOURS = {"CRITICAL": "#b00020", "HIGH": "#d9480f", "MEDIUM": "#e6a700", "LOW": "#2b6cb0",
           "INFORMATIONAL": "#2b6cb0"}
# Block Kit limits (https://api.slack.com/reference/block-kit/blocks).
HEADER_MAX, SECTION_MAX, FIELD_MAX, FIELDS_MAX, TEXT_MAX, URL_MAX = 150, 3000, 2000, 10, 3000, 3000
MAX_LISTED = 20  # resources listed in one Slack message; the rest are counted


@dataclass
class Context:
    """One delivery's content: the queue message, the resources this target gets,
    and notes the mailer adds (an owner it could not reach)."""

    message: dict
    resources: list[dict]
    recipient: str
    notes: list[str] = field(default_factory=list)

    @property
    def is_alert(self) -> bool:
        return self.message.get("action", {}).get("template") == "alert"

    @property
    def severity(self) -> str:
        if self.is_alert:
            return str(self.resources[0].get("Severity", "")).upper()
        meta = self.message.get("policy", {}).get("metadata") or {}
        return str(meta.get("severity", "")).upper()

    @property
    def subject(self) -> str:
        action, policy = self.message.get("action", {}), self.message.get("policy", {})
        return header_safe(action.get("subject") or f"Custodian notification: "
                           f"{policy.get('name', '?')}")

    def variables(self) -> dict[str, Any]:
        m = self.message
        return {"resources": self.resources, "recipient": self.recipient, "notes": self.notes,
                "policy": m.get("policy", {}), "action": m.get("action", {}),
                "account_id": m.get("account_id", ""), "region": m.get("region", ""),
                "event": m.get("event"), "subject": self.subject, "severity": self.severity,
                "resource_id": resource_id, "tag": tag, "details": details}


def tag(resource: dict, key: str) -> str:
    tags = resource.get("Tags") or []
    if isinstance(tags, dict):
        return str(tags.get(key, ""))
    return next((str(t.get("Value", "")) for t in tags if t.get("Key") == key), "")


def resource_id(resource: dict) -> str:
    for key in ("ResourceId", "Arn", "arn", "ARN", "QueueUrl", "Name", "InstanceId",
                "DBInstanceIdentifier", "FunctionName", "GroupId", "VolumeId", "Id"):
        if resource.get(key):
            return str(resource[key])
    return "?"


def details(resource: dict) -> str:
    """The Custodian annotations a reader needs (tag violations, matched filters)."""
    found = {k: v for k, v in resource.items() if k.startswith("c7n:") and v}
    return truncate(json.dumps(found, ensure_ascii=False, default=str), 500) if found else ""


class Renderer:
    """Renders e-mail and Slack content; templates from the configuration's
    ``templates_folders`` first, then the package's own."""

    def __init__(self, folders: list[str] | None = None):
        loader = jinja2.FileSystemLoader([*(folders or []), str(TEMPLATES)])
        self.env = jinja2.Environment(
            loader=loader, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.Undefined,
            autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"),
                                                default_for_string=False, default=False))

    def _template(self, ctx: Context, kind: str) -> jinja2.Template:
        name = ctx.message.get("action", {}).get("template") or "default"
        name = name.removesuffix(".j2").removesuffix(".html")
        try:
            return self.env.get_template(f"{name}.{kind}.j2")
        except jinja2.TemplateNotFound:
            return self.env.get_template(f"default.{kind}.j2")

    def email(self, ctx: Context) -> tuple[str, str, str]:
        """(subject, plain text, HTML)."""
        values = ctx.variables()
        return (ctx.subject, self._template(ctx, "txt").render(values),
                self._template(ctx, "html").render(values))

    def slack(self, ctx: Context) -> dict[str, Any]:
        """A ``chat.postMessage``/webhook body: fallback text plus a coloured attachment
        holding the blocks."""
        blocks = alert_blocks(ctx) if ctx.is_alert else notice_blocks(ctx)
        fallback = truncate(slack_escape(ctx.subject), TEXT_MAX)
        return {"text": fallback, "mrkdwn": False,
                "attachments": [{"color": COLOURS.get(ctx.severity, "#616061"),
                                 "fallback": fallback, "blocks": blocks}]}


def plain(value: object, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(slack_escape(value) or " ", limit),
            "emoji": False}


def alert_blocks(ctx: Context) -> list[dict]:
    a = ctx.resources[0]
    c = a.get("Classification") or {}
    facts = [("Severity", a.get("Severity")), ("Control", a.get("Control")),
             ("Class", c.get("asset:class") or "unclassified"),
             ("Owner", c.get("asset:owner") or "none"),
             ("Criticality", c.get("asset:criticality") or "unknown"),
             ("Environment", c.get("asset:environment") or "unknown"),
             ("Pack did", a.get("PackAction")), ("Source", a.get("Product"))]
    blocks: list[dict] = [
        {"type": "header", "text": plain(f"{a.get('Severity')} {a.get('Change')}: "
                                         f"{a.get('Title')}", HEADER_MAX)},
        {"type": "section", "fields": [plain(f"{k}: {v}", FIELD_MAX) for k, v in facts]},
        {"type": "section", "text": plain(f"Resource: {a.get('ResourceId')} "
                                          f"({a.get('ResourceType')})", SECTION_MAX)},
        {"type": "section", "text": plain(a.get("Description") or " ", SECTION_MAX)},
    ]
    blocks += [{"type": "context", "elements": [plain(n, SECTION_MAX)]} for n in ctx.notes]
    url = str(a.get("ConsoleUrl") or "")
    if url.startswith("https://") and len(url) <= URL_MAX:
        blocks.append({"type": "actions", "elements": [
            {"type": "button", "text": plain("Open in Security Hub", 75), "url": url}]})
    return blocks


def notice_blocks(ctx: Context) -> list[dict]:
    m = ctx.message
    action, policy = m.get("action", {}), m.get("policy", {})
    listed = ctx.resources[:MAX_LISTED]
    lines = [f"{resource_id(r)} (owner: {tag(r, 'asset:owner') or 'none'})" for r in listed]
    if len(ctx.resources) > MAX_LISTED:
        lines.append(f"... and {len(ctx.resources) - MAX_LISTED} more")
    blocks: list[dict] = [
        {"type": "header", "text": plain(ctx.subject, HEADER_MAX)},
        {"type": "section", "fields": [
            plain(f"Policy: {policy.get('name', '?')}", FIELD_MAX),
            plain(f"Account: {m.get('account_id', '')} {m.get('region', '')}", FIELD_MAX),
            plain(f"Resources: {len(ctx.resources)}", FIELD_MAX)]},
    ]
    if action.get("violation_desc"):
        blocks.append({"type": "section", "text": plain(action["violation_desc"], SECTION_MAX)})
    blocks.append({"type": "section", "text": plain("\n".join(lines), SECTION_MAX)})
    if action.get("action_desc"):
        blocks.append({"type": "section", "text": plain(f"What to do: {action['action_desc']}",
                                                        SECTION_MAX)})
    blocks += [{"type": "context", "elements": [plain(n, SECTION_MAX)]} for n in ctx.notes]
    return blocks
