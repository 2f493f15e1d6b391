"""Reading SQL the way a database would: comments are not code, strings are not statements.

`statements(text)` splits SQL into statements after dropping `--` and `/* */` comments, keeping
quoted strings, quoted identifiers and PostgreSQL dollar-quoted bodies whole (a `;` or `--`
inside them is data). `does_something(text)` is false for what generators leave behind: nothing,
comments, transaction control, or a `SELECT` of a constant (goose's `SELECT 'down SQL query';`).
"""

from __future__ import annotations

import re

_DOLLAR = re.compile(r"\$([A-Za-z_]\w*)?\$")
# Statements that change nothing: transaction control and selecting a constant.
_NO_OP = re.compile(
    r"^(begin(\s+(work|transaction))?|start\s+transaction|commit(\s+(work|transaction))?|end"
    r"|select\s+(\d+|'[^']*'|true|false|null)(\s*,\s*(\d+|'[^']*'|true|false|null))*"
    r"(\s+as\s+\w+)?|set\s+\w+\s*(=|to)\s*\S+)$",
    re.IGNORECASE | re.DOTALL,
)


def _quoted_end(text: str, start: int, quote: str) -> int:
    """Index just past the string or identifier opened at `start` (doubled quotes escape)."""
    i = start + 1
    while i < len(text):
        if text[i] == quote:
            if i + 1 < len(text) and text[i + 1] == quote:
                i += 2
                continue
            return i + 1
        if text[i] == "\\" and quote == "'":
            i += 2
            continue
        i += 1
    return len(text)


def strip_comments(text: str) -> str:
    """The SQL without comments; strings, identifiers and dollar-quoted bodies kept verbatim."""
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "-" and text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch == "#" and (i == 0 or text[i - 1] == "\n"):  # MySQL's line comment
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            out.append(" ")
            continue
        if ch in "'\"`":
            end = _quoted_end(text, i, ch)
            out.append(text[i:end])
            i = end
            continue
        if ch == "$":
            match = _DOLLAR.match(text, i)
            if match:
                end = text.find(match[0], match.end())
                end = n if end < 0 else end + len(match[0])
                out.append(text[i:end])
                i = end
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def statements(text: str) -> list[str]:
    """The statements of `text`, comments removed, split on `;` outside quotes."""
    code = strip_comments(text)
    parts: list[str] = []
    start = 0
    i = 0
    n = len(code)
    while i < n:
        ch = code[i]
        if ch in "'\"`":
            i = _quoted_end(code, i, ch)
            continue
        if ch == "$":
            match = _DOLLAR.match(code, i)
            if match:
                end = code.find(match[0], match.end())
                i = n if end < 0 else end + len(match[0])
                continue
        if ch == ";":
            parts.append(code[start:i])
            start = i + 1
        i += 1
    parts.append(code[start:])
    return [p.strip() for p in parts if p.strip()]


def does_something(text: str) -> bool:
    """True when `text` holds at least one statement that changes the database."""
    return any(not _NO_OP.match(" ".join(stmt.split())) for stmt in statements(text))


def first_code_line(lines: tuple[str, ...] | list[str], start: int = 1) -> int:
    """Number of the first line holding SQL rather than a comment (`start` when none)."""
    in_block = False
    for offset, line in enumerate(lines):
        stripped = line.strip()
        if in_block:
            if "*/" in stripped:
                in_block = False
                stripped = stripped.split("*/", 1)[1].strip()
            else:
                continue
        if stripped.startswith("/*"):
            if "*/" not in stripped:
                in_block = True
            continue
        if stripped and not stripped.startswith("--"):
            return start + offset
    return start
