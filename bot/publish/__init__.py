"""Publishing one report three ways: check run, sticky checklist comment, size label.

Cutting text to GitHub's limits keeps the markdown valid: a cut falls at a line end (or, for one
huge line, at a space outside any code span), a `<details>` block left open is closed, and a
closing note says how much was cut.
"""

from __future__ import annotations

import re

_NOTE = ("\n\n… {n:,} more characters of this {what} were cut to fit GitHub's limit of "
         "{limit:,} characters.\n")
_CLOSE_DETAILS = "\n\n</details>"
# An inline code span: a run of backticks, then anything up to the same run (CommonMark).
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")


def cut_text(text: str, limit: int, what: str, github_limit: int | None = None,
             tail: str = "") -> str:
    """Keep `text` + `tail` within `limit` characters as valid markdown, saying what was cut.

    `tail` (a note on what else was left out) is never cut: room for it is kept first.
    """
    if len(text) + len(tail) <= limit:
        return text + tail
    shown_limit = github_limit or limit
    longest_note = _NOTE.format(n=len(text), what=what, limit=shown_limit)
    room = max(0, limit - len(longest_note) - len(_CLOSE_DETAILS) - len(tail))
    kept = text[:_cut_point(text, room)].rstrip("\n")
    if _details_left_open(kept):
        kept += _CLOSE_DETAILS
    return kept + _NOTE.format(n=len(text) - len(kept), what=what, limit=shown_limit) + tail


def cut_line(text: str, limit: int) -> str:
    """One line of at most `limit` characters (a title), ending in `…` when cut."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit - 1].rstrip() + "…"


def _cut_point(text: str, room: int) -> int:
    """Where to cut `text` so at most `room` characters stay and no construct is split."""
    newline = text.rfind("\n", 0, room + 1)
    if newline > room // 2:
        return newline
    # One very long line: cut at a space, and never inside a code span.
    line_start = newline + 1
    cut = room
    line_end = text.find("\n", line_start)
    for span in _CODE_SPAN.finditer(text, line_start, len(text) if line_end < 0 else line_end):
        if span.start() < cut < span.end():
            cut = span.start()
            break
    space = text.rfind(" ", line_start, cut + 1)
    return space if space > line_start else cut


def _details_left_open(text: str) -> bool:
    depth = 0
    for line in text.splitlines():
        if line.startswith("<details"):
            depth += 1
        elif line.strip() == "</details>" and depth:
            depth -= 1
    return depth > 0
