"""Views of a parsed diff that keep offsets into its text, not one object per line.

A 25 MB diff has about 700,000 lines; as Python objects (a string and a tuple each) they cost
about six times the diff's size. Here a file's added (or removed) lines are runs of offsets
into the diff text, turned into `Line`s only while a check iterates them, a run at a time with
C-level splits. The text itself is the one string the diff arrived in, shared by every file.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from itertools import accumulate, chain, count, islice, repeat
from typing import Any, overload

from checks.lazyre import lazy_compile
from checks.model import Hunk, HunkLine, Line
from checks.unified import (
    ADDED,
    CONTEXT,
    EMPTY,
    MARKER,
    NO_NEWLINE,
    REMOVED,
    RUN_FIELDS,
    TRAILING,
    RawFile,
)

_new = tuple.__new__
_SIDE_FIELDS = 4  # start, end, count, first line number
_NO_NEWLINE_VALUE = " No newline at end of file\n"
_NOT_CR = lazy_compile(r"[^\r]")


def _raw_texts(text: str, start: int, end: int, prefix: str) -> list[str]:
    """The lines of the run of `prefix` lines text[start:end], without prefix or newline."""
    if text[end - 1] == "\n":
        end -= 1
    return text[start + 1:end].split("\n" + prefix)


def _texts(text: str, start: int, end: int, prefix: str) -> list[str]:
    """The run's line texts as the model has them: carriage returns at the end dropped too."""
    parts = _raw_texts(text, start, end, prefix)
    if text.find("\r", start, end) >= 0:
        return [part.rstrip("\r") for part in parts]
    return parts


def _head_texts(text: str, start: int, lines: int, chars: int) -> list[str]:
    """The first `chars` characters of each of the first `lines` lines of a run, as the
    model's texts would give them: without copying the rest of a long line."""
    out = []
    size = len(text)
    for _ in range(lines):
        newline = text.find("\n", start)
        end = size if newline < 0 else newline
        cut = start + 1 + chars
        if end <= cut or _NOT_CR.search(text, cut, end) is None:
            out.append(text[start + 1:min(end, cut)].rstrip("\r"))
        else:  # carriage returns inside the first characters are text, not a line ending
            out.append(text[start + 1:cut])
        start = end + 1
    return out


# How much of a line `_head_of_run` expects, at most, when it splits a window of a run: lines
# longer than this are cut one at a time, so no window copies much more than it returns.
_HEAD_WINDOW_LINE = 256


def _head_of_run(text: str, start: int, end: int, lines: int, chars: int) -> list[str]:
    """`_head_texts` of the run text[start:end], with one split of a bounded window for lines
    of ordinary length instead of a search per line."""
    width = min(chars, _HEAD_WINDOW_LINE) + 2  # prefix, the cut, the newline
    stop = min(end, start + lines * width)
    parts = text[start:stop].split("\n", lines)
    # A part is a whole line when a newline follows it in the window, or when the window is
    # the whole rest of a run that ends the text without one.
    whole = len(parts) - 1 if stop < end or text[end - 1] == "\n" else len(parts)
    out = []
    for part in parts[:min(whole, lines)]:
        line = part[1:]
        if len(line) <= chars or not line[chars:].strip("\r"):
            out.append(line[:chars].rstrip("\r"))
        else:  # carriage returns inside the first characters are text, not a line ending
            out.append(line[:chars])
    if len(out) < lines:  # a line past the window's width: the rest a line at a time
        done = sum(map(len, parts[:len(out)])) + len(out)
        out += _head_texts(text, start + done, lines - len(out), chars)
    return out


class LineRuns(Sequence[Line]):
    """One side's changed lines (added or removed) of one file, as runs over the diff text."""

    __slots__ = ("_index", "_joined", "_prefix", "_runs", "_size", "_text")

    def __init__(self, text: str, runs: array[int], size: int, prefix: str) -> None:
        self._text = text
        self._runs = runs  # start, end, count, first number: one run after another
        self._size = size
        self._prefix = prefix
        self._index: tuple[array[int], array[int]] | None = None
        self._joined: str | None = None

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Line]:
        # Python runs once per run; each line is made by C-level map/zip.
        return chain.from_iterable(map(self._run_lines, range(0, len(self._runs), _SIDE_FIELDS)))

    def _run_lines(self, at: int) -> Iterator[Line]:
        start, end, _, first = self._runs[at:at + _SIDE_FIELDS]
        return map(_new, repeat(Line), zip(count(first), _texts(self._text, start, end,
                                                                self._prefix)))

    def joined(self) -> str:
        """Every line's text joined by newlines, cut from the diff text a run at a time; made
        once (the engine's marker search, secrets, hardcoded and api-docs all read it)."""
        if self._joined is None:
            self._joined = self._join()
        return self._joined

    def _join(self) -> str:
        text, runs, prefix = self._text, self._runs, self._prefix
        parts = []
        for at in range(0, len(runs), _SIDE_FIELDS):
            start, end = runs[at], runs[at + 1]
            if text.find("\r", start, end) >= 0:
                parts.append("\n".join(_texts(text, start, end, prefix)))
            else:
                parts.append(text[start + 1:end - (text[end - 1] == "\n")]
                             .replace("\n" + prefix, "\n"))
        return "\n".join(parts)

    def head(self, lines: int, chars: int) -> list[Line]:
        """The first `lines` lines, each cut to `chars` characters: reads only that much."""
        out: list[Line] = []
        runs = self._runs
        for at in range(0, len(runs), _SIDE_FIELDS):
            if len(out) >= lines:
                break
            start, end, size, first = runs[at:at + _SIDE_FIELDS]
            texts = _head_of_run(self._text, start, end, min(size, lines - len(out)), chars)
            out += map(_new, repeat(Line), zip(count(first), texts))
        return out

    def _built_index(self) -> tuple[array[int], array[int]]:
        """Where each line's text starts, and each run's first index: built on first use."""
        if self._index is None:
            text, runs, prefix = self._text, self._runs, self._prefix
            starts: array[int] = array("q")
            firsts: array[int] = array("q")
            for at in range(0, len(runs), _SIDE_FIELDS):
                start, end, size, _ = runs[at:at + _SIDE_FIELDS]
                firsts.append(len(starts))
                # Each line is its text, a newline and the next line's prefix character.
                lengths = map((2).__add__, map(len, _raw_texts(text, start, end, prefix)))
                starts.extend(islice(accumulate(lengths, initial=start + 1), size))
            self._index = (starts, firsts)
        return self._index

    def _line(self, index: int) -> Line:
        starts, firsts = self._built_index()
        text = self._text
        start = starts[index]
        run = bisect_right(firsts, index) - 1
        newline = text.find("\n", start)
        line = text[start:len(text) if newline < 0 else newline].rstrip("\r")
        return _new(Line, (self._runs[run * _SIDE_FIELDS + 3] + index - firsts[run], line))

    @overload
    def __getitem__(self, index: int) -> Line: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Line, ...]: ...

    def __getitem__(self, index: int | slice) -> Line | tuple[Line, ...]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._size)
            if step == 1 and start == 0 and self._index is None:
                return tuple(islice(self, stop))
            return tuple(self._line(i) for i in range(start, stop, step))
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError("line index out of range")
        return self._line(index)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(other) == self._size and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"LineRuns({list(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (tuple, (tuple(self),))


class RunHunks:
    """One file's hunks as runs over the diff text, converted to Hunks when a check asks."""

    __slots__ = ("_raw", "_text")

    def __init__(self, text: str, raw: RawFile) -> None:
        self._text = text
        self._raw = raw

    def _run_range(self, index: int) -> range:
        hunks = self._raw.hunks
        first = hunks[index][5]
        last = hunks[index + 1][5] if index + 1 < len(hunks) else len(self._raw.runs) // RUN_FIELDS
        return range(first * RUN_FIELDS, last * RUN_FIELDS, RUN_FIELDS)

    def hunks(self) -> tuple[Hunk, ...]:
        """The model's Hunks (context lines included)."""
        return tuple(Hunk(old_start, old_length, new_start, new_length,
                          tuple(self._hunk_lines(index)), heading)
                     for index, (old_start, old_length, new_start, new_length, heading, _)
                     in enumerate(self._raw.hunks))

    def _hunk_lines(self, index: int) -> Iterator[HunkLine]:
        text, runs = self._text, self._raw.runs
        for at in self._run_range(index):
            kind, start, end, _, old, new = runs[at:at + RUN_FIELDS]
            if kind == ADDED:
                yield from (_new(HunkLine, ("+", None, number, line)) for number, line
                            in zip(count(new), _texts(text, start, end, "+")))
            elif kind == REMOVED:
                yield from (_new(HunkLine, ("-", number, None, line)) for number, line
                            in zip(count(old), _texts(text, start, end, "-")))
            elif kind == CONTEXT:
                yield from (_new(HunkLine, (" ", old + step, new + step, line)) for step, line
                            in enumerate(_texts(text, start, end, " ")))
            elif kind == EMPTY:
                yield _new(HunkLine, (" ", old, new, ""))
            elif kind == TRAILING:
                yield _new(HunkLine, ("", None, None, ""))
            # A backslash line ("\ No newline at end of file") is not content.

    def mentions(self, words: Sequence[str]) -> bool:
        """Whether one of `words` occurs in `shown_text()`, searched in the diff text itself:
        a hunk's runs are one stretch of it, whose lines differ from the shown ones only by
        their first character (`+`, `-`, ` `, `\\`), so a word of letters is in one exactly
        when it is in the other."""
        assert all(word.isalpha() for word in words), words
        text, runs, hunks = self._text, self._raw.runs, self._raw.hunks
        ends = [first for *_, first in hunks[1:]] + [len(runs) // RUN_FIELDS]
        for (*_, first), end in zip(hunks, ends, strict=False):  # no hunks: one end, unread
            if first == end:
                continue
            start, stop = runs[first * RUN_FIELDS + 1], runs[(end - 1) * RUN_FIELDS + 2]
            if any(text.find(word, start, stop) >= 0 for word in words):
                return True
        return False

    def shown_text(self) -> str:
        """Every line the diff shows, as one string (unidiff's line values joined)."""
        text, runs = self._text, self._raw.runs
        parts = []
        for at in range(0, len(runs), RUN_FIELDS):
            kind, start, end = runs[at:at + 3]
            if kind in (ADDED, REMOVED, CONTEXT):
                parts.append(text[start + 1:end].replace("\n" + chr(kind), "\n"))
            elif kind == EMPTY:  # the line's first one or two line-break characters
                parts.append(text[start:start + 2] if text[start + 1:start + 2] in ("\r", "\n")
                             and end - start > 1 else text[start])
            elif kind == MARKER:
                parts.append(text[start + 1:end])
            elif kind == NO_NEWLINE:
                parts.append(_NO_NEWLINE_VALUE)
            elif kind == TRAILING:
                parts.append("\n")
        return "".join(parts)


def side_runs(text: str, raw: RawFile, kind: int) -> Sequence[Line]:
    """The added (`ADDED`) or removed (`REMOVED`) lines of a file, as a view over `text`."""
    runs = raw.runs
    picked: array[int] = array("q")
    size = 0
    number_field = 5 if kind == ADDED else 4
    for at in range(0, len(runs), RUN_FIELDS):
        if runs[at] == kind:
            lines = runs[at + 3]
            picked.extend((runs[at + 1], runs[at + 2], lines, runs[at + number_field]))
            size += lines
    return LineRuns(text, picked, size, chr(kind)) if size else ()


def joined_texts(lines: Sequence[Line]) -> str:
    """The lines' texts joined by newlines; from a LineRuns view without a Line per line."""
    if isinstance(lines, LineRuns):
        return lines.joined()
    return "\n".join(line.text for line in lines)
