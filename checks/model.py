"""The data that flows through the engine: a PR snapshot in, a report out.

Everything here is a frozen dataclass so a check can never change what another check sees.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple, Protocol


class Status(enum.StrEnum):
    """A check's verdict; `skip` means waived, disabled or not selected."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"

    @property
    def rank(self) -> int:
        """Order used to pick the worst status (skip counts as nothing)."""
        return _STATUS_RANK[self]

    @staticmethod
    def worst(statuses: Any) -> Status:
        """Return the worst of `statuses`, ignoring skips; pass when there is none."""
        worst = Status.PASS
        for status in statuses:
            if status is not Status.SKIP and status.rank > worst.rank:
                worst = status
        return worst


_STATUS_RANK = {Status.SKIP: -1, Status.PASS: 0, Status.WARN: 1, Status.FAIL: 2}


class Severity(enum.StrEnum):
    """How much a single finding matters."""

    NOTICE = "notice"
    WARN = "warn"
    FAIL = "fail"


class FileStatus(enum.StrEnum):
    """What the PR did to a file."""

    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"
    RENAMED = "renamed"
    COPIED = "copied"


class Line(NamedTuple):
    """One added or removed line: its number in the new (added) or old (removed) file."""

    # NamedTuples, not dataclasses: a 25 MB diff has ~700k of these and they must be cheap.
    number: int
    text: str


class HunkLine(NamedTuple):
    """One line of a hunk: kind is '+', '-' or ' ' (context)."""

    kind: str
    old: int | None
    new: int | None
    text: str


@dataclass(frozen=True, slots=True)
class Hunk:
    """One `@@` section of a file's diff."""

    old_start: int
    old_length: int
    new_start: int
    new_length: int
    lines: tuple[HunkLine, ...]
    heading: str = ""  # git's function context after the second `@@`: `func (s *store) Get(`


class HunkSource(Protocol):
    """Where a file's hunks come from: the parser keeps its own objects behind this."""

    def hunks(self) -> tuple[Hunk, ...]:
        """The file's `@@` sections, converted now (checks rarely ask, so it is done late)."""
        ...

    def shown_text(self) -> str:
        """Every line the diff shows (context, added, removed) as one string, without objects."""
        ...

    def mentions(self, words: Sequence[str]) -> bool:
        """Whether one of `words` (letters only) occurs in `shown_text()`."""
        ...


@dataclass(frozen=True)
class ChangedFile:
    """One file the PR touches, parsed once and shared by every check.

    `path` is the path at head (the old path for a removed file). `patch_missing` is true when
    the source said the file changed but showed no lines (GitHub omits huge patches), so checks
    must not read "no added lines" as "nothing added".
    """

    path: str
    status: FileStatus
    old_path: str | None = None
    binary: bool = False
    patch_missing: bool = False
    additions: int = 0
    deletions: int = 0
    # Any sequence of Lines: the parser gives views that keep offsets into the diff's text
    # and make a Line only while it is read (checks/lineruns.py), tests give tuples.
    added: Sequence[Line] = ()
    removed: Sequence[Line] = ()
    # Hunks are converted only when a check asks (most don't): converting every line of a
    # 25 MB diff up front would cost about as much as parsing it (bench/engine.py).
    hunk_source: HunkSource | None = field(default=None, compare=False, repr=False)
    # Answers about the file that several checks need (is it generated?), kept by whoever
    # computes them first so they are computed once (checks/paths.py).
    facts: dict[str, bool] = field(default_factory=dict, init=False, compare=False, repr=False)

    @cached_property
    def hunks(self) -> tuple[Hunk, ...]:
        """The file's `@@` sections with context lines, in order."""
        return () if self.hunk_source is None else self.hunk_source.hunks()

    def shown_text(self) -> str:
        """Every line the diff shows for this file (context, added, removed), as one string.

        Cheap (no per-line objects): meant for pre-filters that skip files before parsing.
        """
        return "" if self.hunk_source is None else self.hunk_source.shown_text()

    def mentions(self, words: Sequence[str]) -> bool:
        """Whether one of `words` (letters only) occurs in `shown_text()`: a pre-filter's
        question, answered without building that text."""
        return self.hunk_source is not None and self.hunk_source.mentions(words)

    @property
    def is_pure_rename(self) -> bool:
        """True for a rename or copy with no content change."""
        return (
            self.status in (FileStatus.RENAMED, FileStatus.COPIED)
            and not self.additions
            and not self.deletions
            and not self.patch_missing
        )

    @property
    def is_whole_file(self) -> bool:
        """True when the added lines are the whole file at head (a new file with its patch)."""
        return self.status is FileStatus.ADDED and not self.binary and not self.patch_missing


# The subjects git (`git merge`, `git pull`) and GitHub (merging a PR, "Update branch") write for
# a merge commit: read only when the number of parents is unknown, so compiled then (re's own
# cache keeps it; the model imports nothing of checks/, lazyre included).
_MERGE_SUBJECT = (
    r"^Merge (?:branch(?:es)? |remote-tracking branch |pull request #\d+ from |tag |commit )"
)


@dataclass(frozen=True, slots=True)
class Commit:
    """One commit of the PR, oldest first."""

    sha: str
    message: str
    author: str | None = None
    parents: int | None = None
    additions: int | None = None
    deletions: int | None = None
    files: tuple[str, ...] | None = None

    @property
    def subject(self) -> str:
        """The first line of the message."""
        return self.message.split("\n", 1)[0].strip()

    @property
    def is_merge(self) -> bool:
        """True for a merge commit: more than one parent, or a git/GitHub merge subject when
        the parents are unknown."""
        if self.parents is not None:
            return self.parents > 1
        return re.match(_MERGE_SUBJECT, self.subject) is not None

    @property
    def changed_lines(self) -> int | None:
        """Additions plus deletions, when known."""
        if self.additions is None or self.deletions is None:
            return None
        return self.additions + self.deletions


@dataclass(frozen=True, slots=True)
class Waiver:
    """A check waived for this PR by an authorised person.

    `fingerprints` are those of the check's findings when it was waived (checks/waivers.py);
    None (a waiver from an older snapshot document) covers whatever the check finds.
    """

    check: str
    by: str
    reason: str = ""
    # ISO 8601 time of the waiver and the id of the comment that gave it, when known.
    at: str = ""
    fingerprints: tuple[str, ...] | None = None
    comment_id: int | None = None


@dataclass(frozen=True)
class Snapshot:
    """Everything the checks may read about one PR at one head commit.

    `commits` is None when the source had no commit data (a bare diff); `repo_files` is None
    when the repository's file list is unknown. `notes` say what the parser could not see.
    """

    title: str
    files: tuple[ChangedFile, ...]
    body: str = ""
    head_ref: str = ""
    base_ref: str = ""
    head_sha: str = ""
    repository: str = ""
    number: int | None = None
    author: str = ""
    draft: bool = False
    labels: tuple[str, ...] = ()
    commits: tuple[Commit, ...] | None = None
    repo_files: frozenset[str] | None = None
    waivers: tuple[Waiver, ...] = ()
    notes: tuple[str, ...] = ()
    # Story ids linked with the `story <ID>` command (resolved like any other reference).
    story_links: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a check found, optionally anchored to a line of the head version."""

    message: str
    path: str | None = None
    line: int | None = None
    end_line: int | None = None
    rule: str | None = None
    severity: Severity = Severity.FAIL

    def to_dict(self) -> dict[str, Any]:
        """Serialise as report.schema.json's finding, leaving out unknown fields."""
        out: dict[str, Any] = {"message": self.message}
        if self.path is not None:
            out["path"] = self.path
        if self.line is not None:
            out["line"] = self.line
        if self.end_line is not None:
            out["end_line"] = self.end_line
        if self.rule is not None:
            out["rule"] = self.rule
        out["severity"] = str(self.severity)
        return out


@dataclass(frozen=True)
class Outcome:
    """What a check function returns: the engine adds id, title, level and waivers."""

    status: Status
    summary: str
    findings: tuple[Finding, ...] = ()
    stories: tuple[str, ...] = ()
    stats: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckResult:
    """One check's line in the report."""

    id: str
    title: str
    status: Status
    summary: str
    findings: tuple[Finding, ...] = ()
    waived_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Serialise as report.schema.json's check entry."""
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "status": str(self.status),
            "summary": self.summary,
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.waived_by is not None:
            out["waived_by"] = self.waived_by
        return out


@dataclass(frozen=True)
class Report:
    """What the checks found for one snapshot; every output is rendered from this."""

    status: Status
    checks: tuple[CheckResult, ...]
    stories: tuple[str, ...] = ()
    stats: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def check(self, check_id: str) -> CheckResult:
        """Return the result of one check by id."""
        for result in self.checks:
            if result.id == check_id:
                return result
        raise KeyError(check_id)

    def to_dict(self) -> dict[str, Any]:
        """Serialise as report.schema.json (notes is a compatible extension)."""
        out: dict[str, Any] = {
            "status": str(self.status),
            "checks": [c.to_dict() for c in self.checks],
            "stories": list(self.stories),
            "stats": dict(self.stats),
        }
        if self.notes:
            out["notes"] = list(self.notes)
        return out
