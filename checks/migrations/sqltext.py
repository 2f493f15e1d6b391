"""Reading SQL the way a database would: comments are not code, strings are not statements.

`iter_statements(text)` splits SQL into statements after dropping `--` and `/* */` comments, keeping
quoted strings, quoted identifiers and PostgreSQL dollar-quoted bodies whole (a `;` or `--`
inside them is data). `does_something(text)` is false for what generators leave behind: nothing,
comments, transaction control, or a `SELECT` of a constant (goose's `SELECT 'down SQL query';`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from checks.lazyre import lazy_compile

# One pass of a single regex: comments, quoted text, dollar-quoted bodies, `;`, or a run of
# anything else. Quoted forms without their closing quote run to the end (broken input).
_TOKEN = lazy_compile(
    r"(?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z)|^[ \t]*\#[^\n]*)"  # `#` is MySQL's line comment
    r"|(?P<quoted>'(?:[^'\\]|\\.|'')*(?:'|\Z)|\"(?:[^\"]|\"\")*(?:\"|\Z)|`[^`]*(?:`|\Z)"
    r"|\$(?P<tag>[A-Za-z_]\w*|)\$.*?(?:\$(?P=tag)\$|\Z))"
    r"|(?P<end>;)"
    r"|[^-/'\"`$;\n#]+|\n|.",
    re.DOTALL | re.MULTILINE,
)
# Statements that change nothing: transaction control and selecting a constant.
_NO_OP = lazy_compile(
    r"^(begin(\s+(work|transaction))?|start\s+transaction|commit(\s+(work|transaction))?|end"
    r"|select\s+(\d+|'[^']*'|true|false|null)(\s*,\s*(\d+|'[^']*'|true|false|null))*"
    r"(\s+as\s+\w+)?|set\s+\w+\s*(=|to)\s*\S+)$",
    re.IGNORECASE | re.DOTALL,
)


def iter_statements(text: str) -> Iterator[str]:
    """The statements of `text` in order, comments removed, split on `;` outside quotes."""
    current: list[str] = []
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "comment":
            current.append(" ")
        elif match.lastgroup == "end":
            statement = "".join(current).strip()
            if statement:
                yield statement
            current = []
        else:
            current.append(match[0])
    statement = "".join(current).strip()
    if statement:
        yield statement


def does_something(text: str) -> bool:
    """True when `text` holds at least one statement that changes the database."""
    return any(not _NO_OP.match(" ".join(stmt.split())) for stmt in iter_statements(text))


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
