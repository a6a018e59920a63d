"""An HTML picture of a Slack message, from the payload the mailer posted.

Slack is not reachable here, so the demo and the docs show what a Slack client
would: the coloured bar, header, fields, sections, context notes and buttons.
Text is shown the way Slack shows it (its three entities decoded) and then
HTML-escaped, so the preview itself is as inert as the message.
"""

from __future__ import annotations

import html
from typing import Any

from assetpack_mailer.escape import slack_unescape

STYLE = """
body{font-family:Lato,-apple-system,"Segoe UI","Noto Sans KR",Helvetica,Arial,sans-serif;
background:#fff;color:#1d1c1d;margin:0;padding:20px;max-width:760px}
.msg{display:flex;gap:10px}.avatar{width:36px;height:36px;border-radius:6px;background:#1264a3;
color:#fff;font-weight:700;display:flex;align-items:center;justify-content:center}
.who{font-weight:900}.when{color:#616061;font-size:12px;margin-left:6px}
.att{display:flex;margin-top:6px}.bar{width:4px;border-radius:4px;margin-right:12px}
.head{font-weight:900;font-size:17px;margin:2px 0 8px;word-break:break-word}
.fields{display:grid;grid-template-columns:1fr 1fr;gap:6px 24px;margin:6px 0}
.sec{margin:6px 0;white-space:pre-wrap;word-break:break-word}
.ctx{color:#616061;font-size:13px;margin:6px 0}
.btn{display:inline-block;border:1px solid #ccc;border-radius:4px;padding:4px 12px;
font-weight:700;font-size:14px;color:#1d1c1d;text-decoration:none;margin-top:6px}
.thread{color:#1264a3;font-size:13px;margin-bottom:4px}
"""


def _text(obj: dict | None) -> str:
    return html.escape(slack_unescape((obj or {}).get("text", "")))


def _block(block: dict[str, Any]) -> str:
    kind = block.get("type")
    if kind == "header":
        return f'<div class="head">{_text(block.get("text"))}</div>'
    if kind == "section":
        parts = []
        if block.get("text"):
            parts.append(f'<div class="sec">{_text(block["text"])}</div>')
        if block.get("fields"):
            parts.append('<div class="fields">' + "".join(
                f"<div>{_text(f)}</div>" for f in block["fields"]) + "</div>")
        return "".join(parts)
    if kind == "context":
        return '<div class="ctx">' + " ".join(_text(e) for e in block.get("elements", [])) \
            + "</div>"
    if kind == "actions":
        return "".join(f'<a class="btn" href="{html.escape(e.get("url", ""), quote=True)}">'
                       f'{_text(e.get("text"))}</a>' for e in block.get("elements", []))
    return ""


def render(payload: dict[str, Any], channel: str) -> str:
    """A standalone HTML page showing ``payload`` as posted to ``channel``."""
    atts = "".join(
        f'<div class="att"><div class="bar" style="background:'
        f'{html.escape(a.get("color", "#ddd"), quote=True)}"></div><div>'
        + "".join(_block(b) for b in a.get("blocks", [])) + "</div></div>"
        for a in payload.get("attachments", []))
    thread = (f'<div class="thread">reply in thread {html.escape(str(payload["thread_ts"]))}'
              "</div>" if payload.get("thread_ts") else "")
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(channel)}'
            f"</title><style>{STYLE}</style></head><body><div class=\"ctx\">"
            f"{html.escape(channel)}</div>{thread}<div class=\"msg\"><div class=\"avatar\">ap"
            f'</div><div><span class="who">assetpack</span><span class="when">now</span>'
            f"{atts}</div></div></body></html>")
