"""Parse a PR's changes once, from a unified diff or GitHub's `files[]`, into ChangedFiles."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from checks.lazyre import lazy_compile
from checks.lineruns import RunHunks, side_runs
from checks.model import ChangedFile, FileStatus
from checks.unified import ADDED, REMOVED, ParseError, RawFile, read_diff, read_diff_noting_spaces

_T = TypeVar("_T")


class DiffError(ValueError):
    """The text is not a unified diff, or a file entry is malformed."""


def _gc_paused(parse: Callable[..., _T]) -> Callable[..., _T]:
    """Pause the cyclic garbage collector while a diff is parsed, then restore it.

    The reader keeps a few objects per file, not per line (checks/unified.py), but a diff with
    spaced paths is split into one string per line first, and GitHub's files[] into one string
    per patch: allocations that would start full-heap passes finding nothing. The collector's
    state is the one piece of process state the engine touches, and it is restored before
    returning, error or not.
    """

    @functools.wraps(parse)
    def paused(*args: Any, **kwargs: Any) -> _T:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return parse(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


# git quotes a path holding non-ASCII bytes, quotes or control characters (core.quotePath, on
# by default): "a/caf\303\251.py" with octal bytes and C escapes.
_QUOTED_ESCAPE = lazy_compile(r'\\([0-7]{1,3}|[abtnvfr"\\])')
_C_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def _unquote(path: str) -> str:
    """Undo git's C-style quoting of a path; other paths are returned as they are."""
    if len(path) < 2 or path[0] != '"' or path[-1] != '"':
        return path
    body, out, pos = path[1:-1], bytearray(), 0
    for m in _QUOTED_ESCAPE.finditer(body):
        out += body[pos:m.start()].encode("utf-8", "surrogatepass")
        escape = m.group(1)
        out.append(int(escape, 8) & 0xFF if escape[0] in "01234567" else _C_ESCAPES[escape])
        pos = m.end()
    out += body[pos:].encode("utf-8", "surrogatepass")
    return out.decode("utf-8", "replace")


def _strip_prefix(path: str | None) -> str | None:
    if path is None:
        return None
    path = _unquote(path)
    if path == "/dev/null":
        return None
    if path.startswith(("a/", "b/")):
        return path[2:]
    return path


def _changed(text: str, raw: RawFile, status: FileStatus, path: str, old_path: str | None,
             binary: bool) -> ChangedFile:
    """A ChangedFile over `raw`'s runs: its lines stay offsets into `text` until read."""
    added = side_runs(text, raw, ADDED)
    removed = side_runs(text, raw, REMOVED)
    return ChangedFile(path=path, status=status, old_path=old_path, binary=binary,
                       additions=len(added), deletions=len(removed), added=added,
                       removed=removed, hunk_source=RunHunks(text, raw))


def _status_of(raw: RawFile) -> FileStatus:
    if raw.is_added:
        return FileStatus.ADDED
    if raw.is_removed:
        return FileStatus.REMOVED
    if raw.is_rename:
        return FileStatus.RENAMED
    return FileStatus.MODIFIED


# unidiff's grammar (which checks/unified.py keeps) splits `diff --git a/x y.md b/x y.md` at
# the wrong space and then refuses the file's `+++ b/x y.md` line, so a PR touching one file
# with a space in its name would not parse. When a header has such a path, the spaces in file
# names (outside hunks) become a private-use character for parsing and are put back in the
# paths afterwards.
_SPACE = "\ue000"
_GIT_HEADER = "diff --git "
_HUNK_COUNTS = lazy_compile(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")
_NAME_LINES = ("--- ", "+++ ", "rename from ", "rename to ", "copy from ", "copy to ")


def _git_header(line: str, following: list[str]) -> str:
    body = line[len("diff --git "):].rstrip("\r\n")
    newline = line[len(line.rstrip("\r\n")):]
    names = {}
    for after in following:
        if after.startswith(("diff --git ", "@@", "--- ")):
            break
        for key in ("from", "to"):
            for kind in ("rename", "copy"):
                if after.startswith(f"{kind} {key} "):
                    names[key] = after[len(f"{kind} {key} "):].rstrip("\r\n")
    if body == f"a/{names.get('from')} b/{names.get('to')}":
        source, target = f"a/{names['from']}", f"b/{names['to']}"
    else:  # same path on both sides: the separating space is the middle one
        half = (len(body) - 1) // 2
        source, target = body[:half], body[half + 1:]
        if not (source.startswith("a/") and target == "b/" + source[2:]):
            return line
    return f"diff --git {source.replace(' ', _SPACE)} {target.replace(' ', _SPACE)}{newline}"


def _name_line(line: str) -> str:
    prefix = next(p for p in _NAME_LINES if line.startswith(p))
    body = line[len(prefix):]
    name, tab, rest = body.partition("\t")
    newline = "" if tab else name[len(name.rstrip("\r\n")):]
    name = name.rstrip("\r\n") if not tab else name
    return prefix + name.replace(" ", _SPACE) + newline + tab + rest


def _protect_spaced_paths(text: str) -> str:
    """Swap spaces in file names (never in hunk content) for a placeholder character."""
    lines = text.splitlines(keepends=True)
    old = new = 0
    for index, line in enumerate(lines):
        if old > 0 or new > 0:
            tag = line[:1]
            if tag == "-":
                old -= 1
            elif tag == "+":
                new -= 1
            elif tag != "\\":
                old, new = old - 1, new - 1
            continue
        counts = _HUNK_COUNTS.match(line)
        if counts:
            old = 1 if counts.group(1) is None else int(counts.group(1))
            new = 1 if counts.group(2) is None else int(counts.group(2))
        elif line.startswith("diff --git "):
            lines[index] = _git_header(line, lines[index + 1:index + 8])
        elif line.startswith(_NAME_LINES):
            lines[index] = _name_line(line)
    return "".join(lines)


def _has_spaced_header(text: str) -> bool:
    """Whether a `diff --git ` line holds two more spaces (a file name with a space).

    Looks at header lines only: a multi-line regular expression over the whole text costs
    half as much as reading the diff.
    """
    start = 0 if text.startswith(_GIT_HEADER) else _next_header(text, 0)
    while start >= 0:
        end = text.find("\n", start)
        if text.count(" ", start + len(_GIT_HEADER), len(text) if end < 0 else end) >= 2:
            return True
        start = -1 if end < 0 else _next_header(text, end)
    return False


def _next_header(text: str, pos: int) -> int:
    found = text.find("\n" + _GIT_HEADER, pos)
    return found + 1 if found >= 0 else -1


def _unprotect(path: str | None) -> str | None:
    return path.replace(_SPACE, " ") if path else path


def _read(text: str) -> list[RawFile]:
    try:
        return read_diff(text)
    except ParseError as exc:
        raise DiffError(f"not a valid unified diff: {exc}") from exc


@_gc_paused
def parse_diff(text: str) -> tuple[ChangedFile, ...]:
    """Parse a whole-PR unified diff (`git diff` or GitHub's diff media type).

    Files named by a header but without hunks (empty new file, pure rename, mode change,
    binary) are kept as files. Raises DiffError when non-empty text holds no diff at all.
    """
    # The reader notes a spaced header line as it passes: a second search of the whole text
    # for one cost ~10 ms on a 25 MB diff. A refused text is searched, as the spaces may be why.
    try:
        raws, spaced = read_diff_noting_spaces(text)
    except ParseError as exc:
        if not _has_spaced_header(text):
            raise DiffError(f"not a valid unified diff: {exc}") from exc
        spaced = True
    if spaced:
        text = _protect_spaced_paths(text)
        raws = _read(text)
    if not raws and text.strip():
        raise DiffError("not a unified diff: no 'diff --git' or '---/+++' file header found")
    files = []
    for raw in raws:
        status = _status_of(raw)
        source = _unprotect(_strip_prefix(raw.source))
        target = _unprotect(_strip_prefix(raw.target))
        path = source if status is FileStatus.REMOVED else target
        path = path or raw.path.replace(_SPACE, " ")
        files.append(_changed(text, raw, status, path,
                              source if status is FileStatus.RENAMED else None, raw.binary))
    return tuple(files)


_GITHUB_STATUS = {
    "added": FileStatus.ADDED,
    "removed": FileStatus.REMOVED,
    "modified": FileStatus.MODIFIED,
    "changed": FileStatus.MODIFIED,
    "unchanged": FileStatus.MODIFIED,
    "renamed": FileStatus.RENAMED,
    "copied": FileStatus.COPIED,
}


def _int_field(entry: Mapping[str, Any], key: str, index: int) -> int:
    value = entry.get(key, 0)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise DiffError(f"files[{index}].{key} must be a non-negative integer")
    return value


def _parse_patches(chunks: list[tuple[int, str]]) -> tuple[str, dict[int, RawFile]]:
    """Parse every file's headed patch in one pass; key the results by `files[]` index."""
    text = "".join(chunk for _, chunk in chunks)
    try:
        raws = read_diff(text)
    except ParseError as exc:
        raise DiffError(f"a file's patch is not a valid diff hunk: {exc}") from exc
    if [raw.path for raw in raws] != [str(index) for index, _ in chunks]:
        # A patch holding file headers of its own would split, or swallow the next file.
        raise DiffError(f"files[{_first_headed(chunks)}].patch must hold diff hunks only, "
                        "not file headers")
    return text, {index: raw for (index, _), raw in zip(chunks, raws, strict=True)}


def _first_headed(chunks: list[tuple[int, str]]) -> int:
    for index, chunk in chunks:
        try:
            if [raw.path for raw in read_diff(chunk)] != [str(index)]:
                return index
        except ParseError:
            return index
    return chunks[-1][0]


@_gc_paused
def parse_files(entries: Iterable[Any]) -> tuple[tuple[ChangedFile, ...], tuple[str, ...]]:
    """Parse GitHub's 'list pull request files' items; returns the files and notes.

    A missing `patch` (binary or too large for GitHub to show) is recorded on the file and in
    the notes, never an error.
    """
    entries = list(entries)
    chunks: list[tuple[int, str]] = []
    metas: list[tuple[str, FileStatus, str | None, int, int, str | None]] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise DiffError(f"files[{index}] must be an object")
        name = entry.get("filename")
        if not isinstance(name, str) or not name:
            raise DiffError(f"files[{index}].filename must be a non-empty string")
        status = _GITHUB_STATUS.get(entry.get("status"))  # type: ignore[arg-type]
        if status is None:
            raise DiffError(
                f"files[{index}].status must be one of {', '.join(sorted(_GITHUB_STATUS))}"
            )
        previous = entry.get("previous_filename")
        if previous is not None and not isinstance(previous, str):
            raise DiffError(f"files[{index}].previous_filename must be a string")
        patch = entry.get("patch")
        if patch is not None and not isinstance(patch, str):
            raise DiffError(f"files[{index}].patch must be a string")
        additions = _int_field(entry, "additions", index)
        deletions = _int_field(entry, "deletions", index)
        metas.append((name, status, previous, additions, deletions, patch))
        if patch:
            # A patch is hunks only: give it a header so the whole list parses in one pass.
            chunks.append((index, f"--- a/{index}\n+++ b/{index}\n{patch}\n"))
    text, parsed = _parse_patches(chunks) if chunks else ("", {})
    files: list[ChangedFile] = []
    notes: list[str] = []
    for index, (name, status, previous, additions, deletions, patch) in enumerate(metas):
        raw = parsed.get(index)
        missing = not patch and (additions + deletions > 0 or status is FileStatus.MODIFIED)
        binary = missing and additions + deletions == 0 and status is not FileStatus.REMOVED
        if missing:
            why = "binary file" if binary else "patch not provided (too large to show)"
            notes.append(f"{name}: {why}; its content was not checked")
        old_path = previous if status in (FileStatus.RENAMED, FileStatus.COPIED) else None
        if raw is not None:
            files.append(_changed(text, raw, status, name, old_path, binary))
        else:
            files.append(ChangedFile(path=name, status=status, old_path=old_path, binary=binary,
                                     patch_missing=missing and not binary,
                                     additions=additions if missing else 0,
                                     deletions=deletions if missing else 0))
    return tuple(files), tuple(notes)
