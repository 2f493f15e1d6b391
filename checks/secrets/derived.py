"""Text a value hides in that no line shows whole: concatenated literals and base64 data.

A token or key split over string literals (`"ghp_abc" + "def"` in JS, Java, Go, C#; Python's
`("ghp_abc" "def")` and `+`; PHP's `.`; Lua's `..`; over several lines) is joined here, and the
values under a Kubernetes Secret's `data:` are base64-decoded, so scan.py can run the provider
and private-key rules over what the program would really see.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from checks.lazyre import lazy_compile
from checks.model import Line

# Where a concatenation may be: a closing quote, an operator or a line break, an opening quote.
# The fast check that keeps the full literal parser off most of the text.
JOINT = lazy_compile(r"""["'](?:[ \t]*(?:\+|\.\.?)[ \t]*\\?\n?|[ \t]*\\?\n|[ \t]+)[ \t]*"""
                   r"""(?:[+.][ \t]*)?["']""")
# A string literal, its loop unrolled (`"[^"\\\n]*(?:\\.[^"\\\n]*)*"`): the same strings, and
# Python's re runs the unrolled form several times faster over long literals.
_LITERAL = r'''"[^"\\\n]*(?:\\.[^"\\\n]*)*"|'[^'\\\n]*(?:\\.[^'\\\n]*)*\''''
_SEPARATOR = r"[ \t]*(?:\+|\.\.?)?[ \t]*\\?\n?[ \t]*(?:\+|\.\.?)?[ \t]*"
# RE2-compatible too (no lookaround): scan.py runs it in google-re2 over long lines.
RUN = lazy_compile(rf"(?:{_LITERAL})(?:{_SEPARATOR}(?:{_LITERAL}))+")
_ONE = lazy_compile(_LITERAL)
_ESCAPE = lazy_compile(r"\\(.)")
# A joined value shorter than the shortest token is not worth a provider search.
MIN_JOINED = 16
HEAD_CHARS = 120


@dataclass(frozen=True)
class Joined:
    """String literals joined: where the run starts in the text, the value, where pieces meet."""

    start: int
    value: str  # the line's text before the first literal, then the literals joined
    joints: tuple[int, ...]

    def spans_a_joint(self, start: int, end: int) -> bool:
        """True when [start, end) of the value crosses a place where two literals meet."""
        return any(start < joint < end for joint in self.joints)


def _unquote(literal: str) -> str:
    # `\n` stays an escape (the private key rule reads it as one); `\"` and `\\` are undone.
    if "\\" not in literal:
        return literal[1:-1]
    return _ESCAPE.sub(lambda m: m.group(0) if m.group(1) in "nrt" else m.group(1),
                       literal[1:-1])


def python_runs(text: str) -> Callable[[int], Iterator[tuple[int, int]]]:
    """The (start, end) of each run of joined literals from a position on, by Python's re."""
    return lambda pos: (m.span() for m in RUN.finditer(text, pos))


def joined_literals(text: str, joints: Iterable[int],
                    runs: Callable[[int], Iterator[tuple[int, int]]] | None = None,
                    ) -> Iterator[Joined]:
    """Every run of two or more string literals joined by concatenation in `text`.

    `joints` are the offsets where JOINT matches, in order, and `runs(pos)` the spans of RUN
    from `pos` on (scan.py finds both with google-re2; Python's re by default).
    Each stretch of text is parsed once: `scanned` only moves forward, so a minified line with
    thousands of joints stays linear.
    """
    runs = python_runs(text) if runs is None else runs
    scanned = 0
    for joint_start in joints:
        if joint_start < scanned:
            continue
        # From the joint's line start, or from where the last run ended if that is later; not
        # searching back past `scanned` keeps a long minified line linear.
        line_start = max(scanned, text.rfind("\n", scanned, joint_start) + 1)
        for start, end in runs(line_start):
            if end <= joint_start:
                continue  # a run of its own before this joint, already reported
            scanned = start if start > joint_start else end
            if start <= joint_start:
                joined = _join(text, start, end)
                if joined is not None:
                    yield joined
            break
        else:
            scanned = len(text)


def _join(text: str, start: int, end: int) -> Joined | None:
    pieces = [_unquote(m.group()) for m in _ONE.finditer(text, start, end)]
    # The key in front (`DD_API_KEY = "…" + "…"`) lets keyword rules read it too; keys are short.
    floor = max(0, start - HEAD_CHARS)
    head = text[max(floor, text.rfind("\n", floor, start) + 1):start]
    value, meets, length = head, [], len(head)
    for piece in pieces:
        value += piece
        length += len(piece)
        meets.append(length)
    if length - len(head) < MIN_JOINED:
        return None
    return Joined(start, value, tuple(meets[:-1]))


_SECRET_KIND = lazy_compile(r"^kind:[ \t]*Secret[ \t]*$", re.MULTILINE)
# Every `_SECRET_KIND` match holds this, and RE2 can run it with other searches in one pass.
SECRET_KIND_HINT = r"kind:[ \t]*Secret"
_DATA_KEY = lazy_compile(r"^(?P<indent>[ \t]*)(?:data|binaryData):[ \t]*$")
_ENTRY = lazy_compile(r"""^(?P<indent>[ \t]+)(?P<key>[\w.\-]+):[ \t]*["']?"""
                    r"""(?P<b64>[A-Za-z0-9+/]{16,}={0,2})["']?[ \t]*$""")


def is_secret_manifest(text: str, start: int, end: int) -> bool:
    """True when text[start:end] (one file's added lines) holds `kind: Secret`."""
    return _SECRET_KIND.search(text, start, end) is not None


def secret_data(lines: Sequence[Line]) -> Iterator[tuple[int, str]]:
    """(line index, `key: decoded`) of each base64 value under a Kubernetes Secret's `data:`.

    The key stays in front so keyword rules (`DD_API_KEY: …`) can read it.
    """
    data_indent: int | None = None
    for index, line in enumerate(lines):
        header = _DATA_KEY.match(line.text)
        if header:
            data_indent = len(header.group("indent"))
            continue
        if data_indent is None:
            continue
        entry = _ENTRY.match(line.text)
        if entry is None or len(entry.group("indent")) <= data_indent:
            if line.text.strip() and len(line.text) - len(line.text.lstrip()) <= data_indent:
                data_indent = None  # the block ended
            continue
        decoded = _decode(entry.group("b64"))
        if decoded is not None:
            yield index, f"{entry.group('key')}: {decoded}"


def _decode(value: str) -> str | None:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
