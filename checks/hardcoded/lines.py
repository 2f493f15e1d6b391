"""Reading one added line: its string literals, outside comments and docstrings.

Only values in string literals are judged in code: a URL in a comment, a docstring or an
identifier is documentation, not configuration. The scanner is one pass over the characters of a
line that already passed the cheap pre-filter, so it runs on few lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from checks.hardcoded.files import Comments
from checks.lazyre import lazy_compile

# Lines that are comments or documentation whatever the language: `# x`, `// x`, `/* x`,
# ` * x` (inside a block comment), `-- x`, `<!-- x`, Python docstrings, Rust doc comments.
_COMMENT_LINE = lazy_compile(r"""^\s*(?:#|//|/\*|\*|--|<!--|\"\"\"|'''|r\"\"\"|@doc\b"""
                             r"""|@moduledoc\b)""")
_QUOTES = frozenset("\"'`")


@dataclass(frozen=True)
class Literal:
    """A string literal on a line: its text and the code before it."""

    text: str
    before: str


def is_comment_line(text: str) -> bool:
    """True for a line that is a comment or a docstring line."""
    return _COMMENT_LINE.match(text) is not None


def _comment_at(text: str, i: int, comments: Comments) -> bool:
    char = text[i]
    if char == "#" and comments is not Comments.SLASHES:
        return True
    return (char == "/" and comments is not Comments.HASH and text.startswith("//", i)
            and (i == 0 or text[i - 1] != ":"))


def literals(text: str, comments: Comments) -> tuple[list[Literal], str]:
    """The string literals of a code line and its code without the trailing comment."""
    found: list[Literal] = []
    quote = ""
    start = 0
    i = 0
    end = len(text)
    while i < end:
        char = text[i]
        if quote:
            if char == "\\":
                i += 2
                continue
            if char == quote:
                found.append(Literal(text[start:i], text[:start - 1]))
                quote = ""
        elif char in _QUOTES:
            quote, start = char, i + 1
        elif _comment_at(text, i, comments):
            return found, text[:i]
        i += 1
    if quote:  # a string that goes on to the next line (template literal, triple quotes)
        found.append(Literal(text[start:], text[:start - 1]))
    return found, text


_PROPERTY = lazy_compile(r"^\s*(?P<key>[\w.\[\]\-]+)\s*(?:=|:\s|:$)\s*(?P<value>.*?)\s*$")
_YAML_COMMENT = lazy_compile(r"\s+#.*$")


def property_value(text: str) -> Literal | None:
    """The value of a `key=value` or `key: value` line (Spring Boot), or None."""
    stripped = text.strip()
    if not stripped or stripped[0] in "#!":
        return None
    match = _PROPERTY.match(text)
    if match is None:
        return None
    value = _YAML_COMMENT.sub("", match.group("value")).strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return Literal(value, match.group("key") + "=") if value else None
