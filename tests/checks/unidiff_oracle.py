"""The parser as it was before checks/unified.py: unidiff's objects converted to the model.

Kept as the oracle the new parser is compared with (tests/checks/test_unified.py, and every
parse of the whole suite with `pytest -p tests.checks.oracle_plugin`): same files, lines,
hunks, shown text and error messages. The helpers that do not touch unidiff (space
protection, prefixes, GitHub's fields) are the parser's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import unidiff

from checks.diff import (
    _GITHUB_STATUS,
    _SPACE,
    DiffError,
    _int_field,
    _protect_spaced_paths,
    _strip_prefix,
    _unprotect,
)
from checks.model import ChangedFile, FileStatus, Hunk, HunkLine, Line

_SPACED_HEADER = re.compile(r"^diff --git [^\n]* [^\n]* ", re.MULTILINE)


class _UnidiffHunks:
    """One file's unidiff hunks, converted to the model's Hunks when asked."""

    def __init__(self, raw: tuple[unidiff.Hunk, ...]) -> None:
        self._raw = raw

    def hunks(self) -> tuple[Hunk, ...]:
        return tuple(
            Hunk(h.source_start, h.source_length, h.target_start, h.target_length,
                 tuple(HunkLine(pl.line_type, pl.source_line_no, pl.target_line_no,
                                pl.value.rstrip("\r\n")) for pl in h if pl.line_type != "\\"),
                 h.section_header)
            for h in self._raw)

    def shown_text(self) -> str:
        return "".join(pl.value for hunk in self._raw for pl in hunk)

    def mentions(self, words: Sequence[str]) -> bool:
        text = self.shown_text()
        return any(word in text for word in words)


def _added_removed(pfile: unidiff.PatchedFile) -> tuple[tuple[Line, ...], tuple[Line, ...]]:
    lines = [pl for hunk in pfile for pl in hunk]
    return (tuple(Line(pl.target_line_no, pl.value.rstrip("\r\n")) for pl in lines
                  if pl.line_type == "+"),
            tuple(Line(pl.source_line_no, pl.value.rstrip("\r\n")) for pl in lines
                  if pl.line_type == "-"))


def _status_of(pfile: unidiff.PatchedFile) -> FileStatus:
    if pfile.is_added_file:
        return FileStatus.ADDED
    if pfile.is_removed_file:
        return FileStatus.REMOVED
    if pfile.is_rename:
        return FileStatus.RENAMED
    return FileStatus.MODIFIED


def parse_diff(text: str) -> tuple[ChangedFile, ...]:
    """The old `checks.diff.parse_diff`."""
    spaced = _SPACED_HEADER.search(text) is not None
    try:
        patchset = unidiff.PatchSet(_protect_spaced_paths(text) if spaced else text)
    except unidiff.UnidiffParseError as exc:
        raise DiffError(f"not a valid unified diff: {exc}") from exc
    if not len(patchset) and text.strip():
        raise DiffError("not a unified diff: no 'diff --git' or '---/+++' file header found")
    files = []
    for pfile in patchset:
        status = _status_of(pfile)
        source = _unprotect(_strip_prefix(pfile.source_file))
        target = _unprotect(_strip_prefix(pfile.target_file))
        path = source if status is FileStatus.REMOVED else target
        path = path or pfile.path.replace(_SPACE, " ")
        added, removed = _added_removed(pfile)
        files.append(ChangedFile(
            path=path, status=status, old_path=source if status is FileStatus.RENAMED else None,
            binary=bool(pfile.is_binary_file), additions=len(added), deletions=len(removed),
            added=added, removed=removed, hunk_source=_UnidiffHunks(tuple(pfile))))
    return tuple(files)


def _first_headed(chunks: list[tuple[int, str]]) -> int:
    for index, text in chunks:
        try:
            if [pfile.path for pfile in unidiff.PatchSet(text)] != [str(index)]:
                return index
        except unidiff.UnidiffParseError:
            return index
    return chunks[-1][0]


@dataclass(frozen=True)
class _Meta:
    name: str
    status: FileStatus
    previous: str | None
    additions: int
    deletions: int
    patch: str | None


def _meta(index: int, entry: Any) -> _Meta:
    if not isinstance(entry, Mapping):
        raise DiffError(f"files[{index}] must be an object")
    name = entry.get("filename")
    if not isinstance(name, str) or not name:
        raise DiffError(f"files[{index}].filename must be a non-empty string")
    status = _GITHUB_STATUS.get(entry.get("status"))  # type: ignore[arg-type]
    if status is None:
        raise DiffError(f"files[{index}].status must be one of {', '.join(sorted(_GITHUB_STATUS))}")
    previous = entry.get("previous_filename")
    if previous is not None and not isinstance(previous, str):
        raise DiffError(f"files[{index}].previous_filename must be a string")
    patch = entry.get("patch")
    if patch is not None and not isinstance(patch, str):
        raise DiffError(f"files[{index}].patch must be a string")
    return _Meta(name, status, previous, _int_field(entry, "additions", index),
                 _int_field(entry, "deletions", index), patch)


def parse_files(entries: Iterable[Any]) -> tuple[tuple[ChangedFile, ...], tuple[str, ...]]:
    """The old `checks.diff.parse_files`."""
    metas = [_meta(index, entry) for index, entry in enumerate(entries)]
    chunks = [(index, f"--- a/{index}\n+++ b/{index}\n{meta.patch}\n")
              for index, meta in enumerate(metas) if meta.patch]
    parsed: dict[int, unidiff.PatchedFile] = {}
    if chunks:
        try:
            patchset = unidiff.PatchSet("".join(text for _, text in chunks))
        except unidiff.UnidiffParseError as exc:
            raise DiffError(f"a file's patch is not a valid diff hunk: {exc}") from exc
        if [pfile.path for pfile in patchset] != [str(index) for index, _ in chunks]:
            raise DiffError(f"files[{_first_headed(chunks)}].patch must hold diff hunks only, "
                            "not file headers")
        parsed = {index: pfile for (index, _), pfile in zip(chunks, patchset, strict=True)}
    files, notes = [], []
    for index, meta in enumerate(metas):
        pfile = parsed.get(index)
        added, removed = _added_removed(pfile) if pfile is not None else ((), ())
        total = meta.additions + meta.deletions
        missing = not meta.patch and (total > 0 or meta.status is FileStatus.MODIFIED)
        binary = missing and total == 0 and meta.status is not FileStatus.REMOVED
        if missing:
            why = "binary file" if binary else "patch not provided (too large to show)"
            notes.append(f"{meta.name}: {why}; its content was not checked")
        files.append(ChangedFile(
            path=meta.name, status=meta.status,
            old_path=meta.previous if meta.status in (FileStatus.RENAMED, FileStatus.COPIED)
            else None,
            binary=binary, patch_missing=missing and not binary,
            additions=meta.additions if missing else len(added),
            deletions=meta.deletions if missing else len(removed),
            added=added, removed=removed,
            hunk_source=_UnidiffHunks(tuple(pfile)) if pfile is not None else None))
    return tuple(files), tuple(notes)


# Words asked of `mentions`: framework words, words of the "no newline" marker, and letters
# the generated diffs are made of.
PROBE_WORDS = ("changeSet", "goose", "No", "newline", "file", "def", "x", "a", "b", "é")


def described(files: Iterable[ChangedFile]) -> list[tuple[Any, ...]]:
    """Everything a check can read of each file, as plain values to compare."""
    return [(f.path, f.status, f.old_path, f.binary, f.patch_missing, f.additions, f.deletions,
             tuple(f.added), tuple(f.removed), f.hunks, f.shown_text(), f.hunk_source is None,
             tuple(f.mentions((word,)) for word in PROBE_WORDS))
            for f in files]
