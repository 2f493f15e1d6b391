"""Escape text quoted from a PR (file names, commit subjects, titles) before it reaches markdown."""

from __future__ import annotations

import re

# A zero-width space after `@` or `#` keeps GitHub from turning the text into a mention or a
# cross-reference (which would notify people or link issues from the bot's own comment).
_ZWSP = "\u200b"
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")
_ISSUE_REF = re.compile(r"(?<![\w&])#(?=\d)")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()|~!])")
_NEWLINES = re.compile(r"[\r\n]+")


def escape_markdown(text: str) -> str:
    """Return `text` safe to put in a markdown line: no mentions, links, HTML or table breaks."""
    text = _NEWLINES.sub(" ", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN.sub(r"\\\1", text)
    text = _MENTION.sub("@" + _ZWSP, text)
    return _ISSUE_REF.sub("#" + _ZWSP, text)


def code_span(text: str) -> str:
    """Return `text` as an inline code span that no backtick inside can close early."""
    text = _NEWLINES.sub(" ", text)
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"
