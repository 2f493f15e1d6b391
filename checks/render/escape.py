"""Escape text quoted from a PR (file names, commit subjects, titles) before it reaches markdown."""

from __future__ import annotations

import re

from checks.lazyre import lazy_compile

# A zero-width space inside what GitHub autolinks keeps the bot's own comment from mentioning
# people or referencing issues: a reference posts a "mentioned this issue" backlink into the
# issue, in any repository, from text a stranger wrote. GitHub autolinks (docs: "Autolinked
# references and URLs"): `@user`, `#26`, `GH-26`, `owner/repo#26`, `user@sha`,
# `owner/repo@sha`, and URLs (an issue, pull or commit URL becomes a reference too). `#` is
# defused whatever comes before it, since `owner/repo#26` has a word character there.
_ZWSP = "\u200b"
_MENTION = lazy_compile(r"@(?=[A-Za-z0-9])")
_ISSUE_REF = lazy_compile(r"(?<!&)#(?=\d)")
_GH_REF = lazy_compile(r"(?<![A-Za-z0-9])(GH-)(?=\d)", re.IGNORECASE)
_URL = lazy_compile(r"(?<=[A-Za-z]):(?=//)|(?<![A-Za-z0-9])(www)(?=\.)", re.IGNORECASE)
_MARKDOWN = lazy_compile(r"([\\`*_{}\[\]()|~!])")
_NEWLINES = lazy_compile(r"[\r\n]+")


def escape_markdown(text: str) -> str:
    """Return `text` safe to put in a markdown line: no mentions, links, HTML or table breaks."""
    text = _NEWLINES.sub(" ", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN.sub(r"\\\1", text)
    return defuse_references(text)


def defuse_references(text: str) -> str:
    """Return `text` with mentions, issue and commit references and URLs no longer autolinked."""
    text = _MENTION.sub("@" + _ZWSP, text)
    text = _ISSUE_REF.sub("#" + _ZWSP, text)
    text = _GH_REF.sub(lambda m: m.group(1) + _ZWSP, text)
    return _URL.sub(lambda m: (m.group(1) or ":") + _ZWSP, text)


def code_span(text: str) -> str:
    """Return `text` as an inline code span that no backtick inside can close early."""
    text = _NEWLINES.sub(" ", text)
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"
