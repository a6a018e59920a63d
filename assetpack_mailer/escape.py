"""Escaping and truncation of untrusted text (contract 5).

Everything taken from a resource or a finding passes through here before it is
shown. HTML escaping is Jinja2's autoescape (MarkupSafe); Slack gets its three
entities. Truncation happens after escaping (the limits are on what is sent), and
never cuts an entity, a surrogate-free code point sequence or a combining mark off
its base character.
"""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "\u2026"
_ENTITY_TAIL = re.compile(r"&[a-z]{0,4}$")
# Joiners and variation selectors belong with the character before them.
_JOINERS = {"\u200d", "\ufe0e", "\ufe0f"}


def slack_escape(value: object) -> str:
    """Slack's control characters as entities, so ``<!channel>`` and links are text."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_unescape(value: str) -> str:
    """What a Slack client shows for escaped text (used by the HTML preview)."""
    return value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _joins_previous(ch: str) -> bool:
    """Combining marks, joiners, and Hangul medial/final jamo (decomposed syllables)."""
    return bool(unicodedata.combining(ch)) or ch in _JOINERS or "\u1160" <= ch <= "\u11ff"


def truncate(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending with an ellipsis if cut."""
    if len(text) <= limit:
        return text
    cut = limit - 1
    # Do not split a base character from the marks and joiners that follow it.
    while cut > 0 and _joins_previous(text[cut]):
        cut -= 1
    if cut > 0 and text[cut - 1] in _JOINERS:
        cut -= 1
    head = text[:cut]
    entity = _ENTITY_TAIL.search(head)
    if entity:  # a half entity (&am) would show as garbage: drop it whole
        head = head[:entity.start()]
    return head + ELLIPSIS


def header_safe(value: object, limit: int = 200) -> str:
    """A value fit for an e-mail header: one line, bounded."""
    return truncate(" ".join(str(value).split()), limit)
