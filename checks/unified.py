"""Read a unified diff into compact records: file names, hunk headers and runs of lines.

The reading follows unidiff 1.0's grammar and state machine exactly (the same files, line
numbers, values and error messages; tests/checks/test_unified.py holds the two side by side),
but keeps no object per line. A hunk's body is read a *run* at a time: consecutive lines with
the same first character are found with one C-level search, and a run is stored as offsets
into the diff text (kind, start, end, count, old number, new number). Header lines (a handful
per file) go through the regular expressions one by one, as unidiff does.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field

from checks.lazyre import Pattern, lazy_compile

# The grammar of the header lines, as unidiff 1.0 reads them (unidiff/constants.py).
_GIT_HEADERS = (
    lazy_compile(r'^diff --git (?P<source>"?a/[^\t\n]+"?) (?P<target>"?b/[^\t\n]+"?)'),
    lazy_compile(r"^diff --git (?P<source>.*://[^\t\n]+) (?P<target>.*://[^\t\n]+)"),
    lazy_compile(r"^diff --git (?P<source>[^\t\n]+) (?P<target>[^\t\n]+)"),
)
_NEW_FILE = lazy_compile(r"^new file mode (?P<mode>\d+)$")
_DELETED_FILE = lazy_compile(r"^deleted file mode (?P<mode>\d+)$")
_SOURCE = lazy_compile(r'^--- (?P<filename>"?[^\t\n]*"?)(?:\t(?P<timestamp>[^\n]+))?')
_TARGET = lazy_compile(r'^\+\+\+ (?P<filename>"?[^\t\n]*"?)(?:\t(?P<timestamp>[^\n]+))?')
_HUNK = lazy_compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))?\ @@[ ]?(.*)")
_NO_NEWLINE = "\\ No newline at end of file"
_BINARY = lazy_compile(
    r"^Binary files? "
    r"(?P<source_filename>[^\t]+?)(?:\t(?P<source_timestamp>[\s0-9:\+-]+))?"
    r"(?: and (?P<target_filename>[^\t]+?)(?:\t(?P<target_timestamp>[\s0-9:\+-]+))?)?"
    r" (differ|has changed)")
_PATH_PREFIX = lazy_compile(r"^[abciow12]/")
DEV_NULL = "/dev/null"

# The end of a run of lines that all start with the same character: the first newline not
# followed by that character.
_RUN_END = {"+": lazy_compile(r"\n(?!\+)"), "-": lazy_compile(r"\n(?!-)"),
            " ": lazy_compile(r"\n(?! )")}

# Kinds of run (the first field of a run): content lines keep their own first character.
ADDED, REMOVED, CONTEXT = ord("+"), ord("-"), ord(" ")
EMPTY = ord("e")  # a bare "\n" or "\r\n" inside a hunk: a context line, value its line break
MARKER = ord("\\")  # a line starting with a backslash inside a hunk: value is the rest
NO_NEWLINE = ord("m")  # "\ No newline at end of file" after a hunk: fixed value
TRAILING = ord("t")  # an empty line after a hunk: kind '' in unidiff, no line numbers
RUN_FIELDS = 6  # kind, start, end, count, old number, new number


class ParseError(ValueError):
    """The text breaks the grammar; the message is unidiff's own for the same fault."""


# eq=False: the parser's working record, converted to ChangedFile, never compared.
@dataclass(slots=True, eq=False)
class RawFile:
    """One file of a diff as read: names as written (prefixes, quotes), hunks as offsets."""

    source: str | None
    target: str | None
    binary: bool = False
    # (old start, old length, new start, new length, heading, index of its first run)
    hunks: list[tuple[int, int, int, int, str, int]] = field(default_factory=list)
    runs: array[int] = field(default_factory=lambda: array("q"))

    @property
    def is_rename(self) -> bool:
        """unidiff's rule: both sides named and different after their two-character prefix."""
        return (self.source != DEV_NULL and self.target != DEV_NULL
                and (self.source or "")[2:] != (self.target or "")[2:])

    @property
    def is_added(self) -> bool:
        """New: no source, or one hunk that starts from an empty file."""
        if self.source == DEV_NULL:
            return True
        return len(self.hunks) == 1 and self.hunks[0][0] == 0 and self.hunks[0][1] == 0

    @property
    def is_removed(self) -> bool:
        """Deleted: no target, or one hunk that leaves an empty file."""
        if self.target == DEV_NULL:
            return True
        return len(self.hunks) == 1 and self.hunks[0][2] == 0 and self.hunks[0][3] == 0

    @property
    def path(self) -> str:
        """unidiff's `PatchedFile.path`: the source name, else the target's, prefix dropped."""
        name = self.source
        if name in (None, DEV_NULL) or (self.is_rename and self.target not in (None, DEV_NULL)):
            name = self.target
        name = name or ""
        quoted = name.startswith('"') and name.endswith('"')
        if quoted:
            name = name[1:-1]
        if _PATH_PREFIX.match(name):
            name = name[2:]
        return f'"{name}"' if quoted else name


class _Reader:
    """One pass over the text; `pos` is always the start of a line."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.size = len(text)
        self.pos = 0
        self.files: list[RawFile] = []
        self.spaced = False  # a `diff --git` line held two more spaces

    def next_line(self) -> str:
        """The line at `pos` (with its newline) and move past it."""
        text, pos = self.text, self.pos
        newline = text.find("\n", pos)
        end = self.size if newline < 0 else newline + 1
        self.pos = end
        return text[pos:end]

    def read(self) -> list[RawFile]:
        """Read every file: unidiff's `PatchSet._parse`, branch for branch."""
        current: RawFile | None = None
        info_open = False  # unidiff's `patch_info is not None`
        source: str | None = None  # the pending `---` name (a binary line sets it too)
        while self.pos < self.size:
            line = self.next_line()
            first = line[0]
            if first == "d" and line.startswith("diff --git "):
                self.spaced = self.spaced or line.count(" ", 11) >= 2
                header = next((m for m in (h.match(line) for h in _GIT_HEADERS) if m), None)
                if header is not None:
                    current = RawFile(header.group("source"), header.group("target"))
                    self.files.append(current)
                    info_open = True
                    continue
            elif first == "n" and _NEW_FILE.match(line):
                if current is None or not info_open:
                    raise ParseError(f"Unexpected new file found: {line}")
                current.source = DEV_NULL
                continue
            elif first == "d" and _DELETED_FILE.match(line):
                if current is None or not info_open:
                    raise ParseError(f"Unexpected deleted file found: {line}")
                current.target = DEV_NULL
                continue
            elif first == "-" and line.startswith("--- "):
                source = _group(_SOURCE, line, "filename")
                if current is not None and not info_open:
                    current = None
                continue
            elif first == "+" and line.startswith("+++ "):
                target = _group(_TARGET, line, "filename")
                if current is not None and current.target != target:
                    raise ParseError(f"Target without source: {line}")
                if current is None:
                    if source is None:
                        raise ParseError(f"Target without source: {line}")
                    current = RawFile(source, target)
                    self.files.append(current)
                    info_open = False
                    source = None
                continue
            elif first == "@" and (hunk := _HUNK.match(line)) is not None:
                info_open = False
                if current is None:
                    raise ParseError(f"Unexpected hunk found: {line}")
                self.hunk(current, hunk)
                continue
            elif first == "\\" and line.startswith(_NO_NEWLINE):
                if current is None:
                    raise ParseError(f"Unexpected marker: {line}")
                if not current.hunks:
                    raise ParseError("Unexpected marker: No newline at end of file")
                current.runs.extend((NO_NEWLINE, self.pos - len(line), self.pos, 1, 0, 0))
                continue
            elif line == "\n" and current is not None and current.hunks:
                current.runs.extend((TRAILING, self.pos - 1, self.pos, 1, 0, 0))
                continue
            # Anything else is header information of the file to come (or of none).
            if not info_open:
                current = None
                info_open = True
            binary = _BINARY.match(line) if first == "B" else None
            if binary is not None:
                source = binary.group("source_filename")
                if current is not None:
                    current.binary = True
                else:
                    self.files.append(RawFile(source, binary.group("target_filename") or source,
                                              binary=True))
                info_open, current = False, None
            elif line == "GIT binary patch\n":
                if current is None:
                    raise ParseError(f"Unexpected binary patch marker: {line}")
                current.binary = True
                info_open, current = False, None
        return self.files

    def hunk(self, current: RawFile, header: re.Match[str]) -> None:
        """Read one hunk's body: unidiff's `_parse_hunk`, a run of lines at a time."""
        old_start, old_len, new_start, new_len, heading = header.groups()
        old, new = int(old_start), int(new_start)
        old_end = old + (1 if old_len is None else int(old_len))
        new_end = new + (1 if new_len is None else int(new_len))
        current.hunks.append((old, old_end - old, new, new_end - new, heading,
                              len(current.runs) // RUN_FIELDS))
        runs, text, size = current.runs, self.text, self.size
        if old == old_end and new == new_end:
            self.empty_hunk(runs)
            return
        while self.pos < size:
            start = self.pos
            first = text[start]
            old_left, new_left = old_end - old, new_end - new
            if first in "+- ":
                limit, done = _run_limit(first, old_left, new_left)
                # A run that can end the hunk stops there (what follows is read as headers);
                # one that cannot is read one line past its limit, to see it is too long.
                end, count = self.run(first, limit if done else limit + 1)
                if count > limit:
                    raise ParseError("Hunk is longer than expected")
                runs.extend((ord(first), start, end, count, old, new))
                if first != "+":
                    old += count
                if first != "-":
                    new += count
                if done and count == limit:
                    return
            elif first in "\r\n":
                self.next_line()
                if old_left == 0 or new_left == 0:
                    raise ParseError("Hunk is longer than expected")
                runs.extend((EMPTY, start, self.pos, 1, old, new))
                old, new = old + 1, new + 1
                if old == old_end and new == new_end:
                    return
            elif first == "\\":
                self.next_line()
                runs.extend((MARKER, start, self.pos, 1, old, new))
            else:
                raise ParseError(f"Hunk diff line expected: {self.next_line()}")
        raise ParseError("Hunk is shorter than expected")

    def empty_hunk(self, runs: array[int]) -> None:
        """A `-0,0 +0,0` hunk still reads one line, as unidiff's loop does."""
        if self.pos >= self.size:
            return
        start = self.pos
        line = self.next_line()
        first = line[0]
        if first == "\\":
            runs.extend((MARKER, start, self.pos, 1, 0, 0))
        elif first in "+- \r\n":
            raise ParseError("Hunk is longer than expected")
        else:
            raise ParseError(f"Hunk diff line expected: {line}")

    def run(self, first: str, limit: int) -> tuple[int, int]:
        """Move past the run of `first` lines at `pos`, at most `limit` of them; return its
        end and line count."""
        text, start = self.text, self.pos
        found = _RUN_END[first].search(text, start)
        end = self.size if found is None else found.end()
        count = text.count("\n", start, end)
        if end == self.size and text[end - 1] != "\n":
            count += 1  # the text's last line, without a newline
        if count > limit:
            end, count = self.skip_lines(start, limit), limit
        self.pos = end
        return end, count

    def skip_lines(self, pos: int, lines: int) -> int:
        """The offset `lines` lines after `pos`."""
        text = self.text
        for _ in range(lines):
            newline = text.find("\n", pos)
            pos = self.size if newline < 0 else newline + 1
        return pos


def _run_limit(first: str, old_left: int, new_left: int) -> tuple[int, bool]:
    """How many lines a run of `first` lines may take, and whether taking that many ends the
    hunk (unidiff counts line by line: past either length is an error, both met is the end)."""
    if first == "+":
        return new_left, old_left == 0
    if first == "-":
        return old_left, new_left == 0
    return min(old_left, new_left), old_left == new_left


def _group(pattern: Pattern, line: str, name: str) -> str:
    match = pattern.match(line)
    assert match is not None  # every line starting with the literal prefix matches
    return match.group(name)


def read_diff(text: str) -> list[RawFile]:
    """Read every file of `text`; raise ParseError where unidiff would raise its own."""
    return _Reader(text).read()


def read_diff_noting_spaces(text: str) -> tuple[list[RawFile], bool]:
    """`read_diff`, and whether a `diff --git` line held two more spaces than its two names
    need: a file name with a space, which this grammar splits at the wrong space."""
    reader = _Reader(text)
    return reader.read(), reader.spaced
