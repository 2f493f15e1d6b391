"""What every framework module of the migrations check shares: the context, views, findings.

A framework module exposes `FRAMEWORKS`, a tuple of `Framework(id, name, judge)`, and has a rule
in `paths.MODULES` that says which files it may judge. `judge(ctx)` looks at the PR's files
through `MigrationContext`, calls `ctx.claim(path, framework_id)` for every migration it judges
(the summary counts those, and a path claimed once is never judged by a second framework), and
returns findings built with `finding(rule_id, ...)`, whose text lives in `rules.py`.

Rule of the hunk: when a modified file shows only hunks, a module judges only a step whose start
and end are both visible (`Segment`), and only when the PR touched it; it never infers a failure
from lines it cannot see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from posixpath import basename
from typing import Any, NamedTuple, TypeVar, cast

from checks.globs import compile_globs
from checks.lazyre import lazy_compile
from checks.migrations.paths import dir_parts
from checks.migrations.rules import RULES
from checks.model import ChangedFile, FileStatus, Finding, Hunk, Snapshot

K = TypeVar("K")
T = TypeVar("T")

# git and GitHub show three lines of context around a change unless told otherwise.
_DEFAULT_CONTEXT = 3

# Files that live beside migrations but never are one, whatever folder they sit in.
_NEVER_NAMES = frozenset({
    "__init__.py", "env.py", "script.py.mako", "alembic.ini", "schema.rb", "structure.sql",
    "seeds.rb", "seeds.exs", "seed.sql", "seeds.sql", "schema.prisma", "migration_lock.toml",
    "diesel.toml", "dbconfig.yml", "flyway.conf", "flyway.toml", "liquibase.properties",
    "knexfile.js", "knexfile.ts", ".sequelizerc", "phinx.php", "phinx.yml", "phinx.json",
    "ormconfig.json", "ormconfig.js", "ormconfig.ts", "data-source.ts", "conftest.py",
    "package.json", "go.mod", "cargo.toml", "mix.exs", "composer.json", "gemfile",
    "makefile", "dockerfile", "docker-compose.yml", "docker-compose.yaml", ".gitkeep",
    "license", "changelog", "codeowners",
})
_NEVER_SUFFIXES = (
    ".md", ".markdown", ".rst", ".txt", ".adoc", ".html", ".png", ".svg", ".jpg", ".gif",
    ".pdf", ".lock", ".designer.cs", "modelsnapshot.cs", ".pyc", ".ini", ".cfg", ".toml",
    ".mako", ".sum", ".csv",
)
_NEVER_DIRS = frozenset({
    ".github", ".gitlab", ".circleci", ".buildkite", "docs", "doc", "documentation",
    "seeds", "seeders", "seed", "fixtures", "testdata", "__pycache__", "node_modules",
    "vendor", "examples", "example",
})
_NEVER_NAME_PREFIX = ("readme", "license", ".gitlab-ci", ".travis")
_TEST_NAME = lazy_compile(
    r"(^test_.*\.py$|_test\.(py|go|exs|rb)$|_spec\.rb$|\.(test|spec)\.[cm]?[jt]sx?$)"
)
# A timestamped class name is a migration even when it ends in "Tests" (`..._AddUserTests.cs`).
_CLASS_TEST_NAME = lazy_compile(r"^\D.*Tests?\.(cs|php)$")


def is_never_migration(path: str) -> bool:
    """True for files that sit near migrations but are never one (docs, CI, dumps, seeds, ...)."""
    name = basename(path).lower()
    if name in _NEVER_NAMES or name.endswith(_NEVER_SUFFIXES) or name.startswith(
        _NEVER_NAME_PREFIX
    ):
        return True
    if _TEST_NAME.search(basename(path)) or _CLASS_TEST_NAME.match(basename(path)):
        return True
    parts = path.lower().split("/")[:-1]
    return any(part in _NEVER_DIRS for part in parts)


def parent_endswith(path: str, *tail: str) -> bool:
    """True when the file's own folder ends with `tail` (any monorepo prefix before it)."""
    parts = dir_parts(path)
    return len(parts) >= len(tail) and parts[len(parts) - len(tail):] == tail


def under(path: str, *seq: str) -> bool:
    """True when the folders `seq` appear, in order and adjacent, anywhere above the file."""
    parts = dir_parts(path)
    n = len(seq)
    return any(parts[i:i + n] == seq for i in range(len(parts) - n + 1))


def index_by(items: Iterable[T], key: Callable[[T], K | None]) -> dict[K, list[T]]:
    """Group `items` by `key` (None keys are dropped): pairing in one pass, never quadratic."""
    out: dict[K, list[T]] = {}
    for item in items:
        k = key(item)
        if k is not None:
            out.setdefault(k, []).append(item)
    return out


# Records are named tuples rather than frozen dataclasses where a dataclass gains nothing: a
# frozen dataclass costs ~0.43 ms to define, a named tuple ~0.06 ms, paid by every process that
# judges a migration (issue 18).
class Segment(NamedTuple):
    """A run of consecutive lines of one side of a file, as the diff shows them.

    `start` is the number of the first line; `at_start`/`at_end` say whether the run reaches the
    first/last line of the file (known for a whole file; inferred from trailing context for a
    hunk). `touched` holds the numbers of lines the PR changed on this side (for the head side:
    added lines, and the line just before each removal).
    """

    start: int
    lines: tuple[str, ...]
    at_start: bool
    at_end: bool
    touched: frozenset[int] = frozenset()

    @property
    def end(self) -> int:
        """Number of the last line (start - 1 when empty)."""
        return self.start + len(self.lines) - 1

    @property
    def text(self) -> str:
        """The lines joined with newlines."""
        return "\n".join(self.lines)

    def line(self, number: int) -> str:
        """The text of line `number` (which must be inside the segment)."""
        return self.lines[number - self.start]

    def is_touched(self, first: int, last: int) -> bool:
        """True when the PR changed any line from `first` to `last` inclusive."""
        return any(first <= n <= last for n in self.touched)


class FileView(NamedTuple):
    """What the diff shows of one side of a file: all of it (`whole`) or some segments."""

    path: str
    whole: bool
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        """The whole text; only meaningful when `whole` is true."""
        return self.segments[0].text if self.segments else ""

    def complete_text(self) -> str | None:
        """The whole text when the diff shows all of it (a new file, or one hunk from the
        first line to the last), else None."""
        if self.whole:
            return self.text
        if len(self.segments) == 1 and self.segments[0].at_start and self.segments[0].at_end:
            return self.segments[0].text
        return None


def _context_size(hunks: tuple[Hunk, ...]) -> int:
    """The diff's context width: git's default unless a hunk not at line 1 shows less.

    A hunk's leading context is at most the width, so the largest one seen is a safe lower
    bound; a diff made with `-U0` shows 0, and then no end of file is ever inferred.
    """
    best = -1
    for hunk in hunks:
        if hunk.old_start > 1 and hunk.new_start > 1:
            lead = 0
            for hl in hunk.lines:
                if hl.kind != " ":
                    break
                lead += 1
            best = max(best, lead)
    return _DEFAULT_CONTEXT if best < 0 else best


def _trailing_context(hunk: Hunk) -> int:
    count = 0
    for hl in reversed(hunk.lines):
        if hl.kind != " ":
            break
        count += 1
    return count


def _side_segments(hunks: tuple[Hunk, ...], side: str) -> tuple[Segment, ...]:
    """Build one segment per hunk for side "new" (' ' and '+') or "old" (' ' and '-')."""
    keep, drop = ("+", "-") if side == "new" else ("-", "+")
    width = _context_size(hunks)
    out: list[Segment] = []
    for index, hunk in enumerate(hunks):
        start = hunk.new_start if side == "new" else hunk.old_start
        lines: list[str] = []
        touched: set[int] = set()
        number = max(start, 1)
        for hl in hunk.lines:
            if hl.kind == drop:
                touched.add(max(number - 1, max(start, 1)))
                continue
            if hl.kind == keep:
                touched.add(number)
            lines.append(hl.text)
            number += 1
        last = index == len(hunks) - 1
        at_end = last and width > 0 and _trailing_context(hunk) < width
        out.append(Segment(max(start, 1), tuple(lines), start <= 1, at_end, frozenset(touched)))
    return tuple(out)


def _whole(path: str, lines: Iterable[str]) -> FileView:
    text = tuple(lines)
    every = frozenset(range(1, len(text) + 1))
    return FileView(path, True, (Segment(1, text, True, True, every),))


@dataclass(frozen=True)
class MigrationContext:
    """The PR as the migrations check sees it, with shared helpers for every framework."""

    snapshot: Snapshot
    files: tuple[ChangedFile, ...]
    extra_globs: tuple[str, ...] = ()
    flyway_locations: tuple[str, ...] = ()
    # Per-run bookkeeping (never shared between runs): path -> framework id that judged it.
    _claims: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _units: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _views: dict[tuple[str, str], FileView] = field(default_factory=dict, repr=False,
                                                     compare=False)
    _index: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    # --- paths -------------------------------------------------------------------------------

    def is_extra(self, path: str) -> bool:
        """True when `path` matches a user-configured extra migration glob."""
        spec = self._index.get("extra")
        if spec is None:
            spec = compile_globs(self.extra_globs)
            self._index["extra"] = spec
        return bool(self.extra_globs) and spec.match_file(path)

    def is_migration_path(self, path: str, located: bool) -> bool:
        """True when a framework may judge `path`: in its own folder (`located`) or an extra glob,
        and not one of the files that live near migrations without being one."""
        return (located or self.is_extra(path)) and not is_never_migration(path)

    def by_path(self) -> dict[str, ChangedFile]:
        """Changed files keyed by head path (removed files by their old path)."""
        index = self._index.get("by_path")
        if index is None:
            index = {f.path: f for f in self.files}
            self._index["by_path"] = index
        return index

    def changed(self, path: str) -> ChangedFile | None:
        """The PR's change to `path` (head path), if any."""
        return self.by_path().get(path)

    def _gone(self) -> frozenset[str]:
        gone = self._index.get("gone")
        if gone is None:
            gone = frozenset(
                {f.path for f in self.files if f.status is FileStatus.REMOVED}
                | {f.old_path for f in self.files
                   if f.status is FileStatus.RENAMED and f.old_path}
            )
            self._index["gone"] = gone
        return gone

    def exists_at_head(self, path: str) -> bool | None:
        """True/False when known (PR files, then the repository's file list); None if unknown."""
        change = self.changed(path)
        if change is not None and change.status is not FileStatus.REMOVED:
            return True
        if path in self._gone():
            return False
        repo = self.snapshot.repo_files
        if repo is None:
            return None
        return path in repo

    def head_paths_in(self, folder: str) -> list[str]:
        """Paths known at head directly inside `folder` (repository list plus PR files)."""
        index: dict[str, list[str]] | None = self._index.get("folders")
        if index is None:
            folders: dict[str, set[str]] = {}
            gone = self._gone()
            known = {f.path for f in self.files if f.status is not FileStatus.REMOVED}
            for p in (*known, *(self.snapshot.repo_files or ())):
                folders.setdefault(p.rpartition("/")[0], set()).add(p)
            index = {k: sorted(v - gone) for k, v in folders.items()}
            self._index["folders"] = index
        return index.get(folder, [])

    # --- claims ------------------------------------------------------------------------------

    def claim(self, path: str, framework_id: str, migration: str | None = None) -> bool:
        """Record that `framework_id` judges `path`; False when another framework already did.

        `migration` names the migration the file belongs to when several files make one (an
        up/down pair); the summary counts migrations, not files. It defaults to the path.
        """
        owner = self._claims.setdefault(path, framework_id)
        if owner == framework_id:
            self._units.setdefault(path, f"{framework_id}:{migration or path}")
        return owner == framework_id

    def claimed(self) -> Mapping[str, str]:
        """Path -> framework id for every file judged so far."""
        return dict(self._claims)

    def migration_of(self, path: str) -> str | None:
        """The migration a judged file belongs to ("<framework>:<identity>"), if judged."""
        return self._units.get(path)

    # --- content -----------------------------------------------------------------------------

    def mentions(self, change: ChangedFile, *needles: str) -> bool:
        """Cheap pre-filter: True when any line the diff shows contains one of `needles`.

        Only to skip files early; judging is always done on the parsed structure.
        """
        key = ("raw", change.path)
        raw = self._index.get(key)
        if raw is None:
            raw = change.shown_text()
            self._index[key] = raw
        return any(needle in raw for needle in needles)

    def memo(self, key: str, make: Callable[[], T]) -> T:
        """Memoise `make()` under `key` for this run (indexes shared by a module's helpers)."""
        cache_key = ("memo", key)
        if cache_key not in self._index:
            self._index[cache_key] = make()
        return cast(T, self._index[cache_key])

    def parsed(self, key: str, change: ChangedFile, make: Callable[[], T]) -> T:
        """Memoise `make()` per (key, file) so two frameworks never parse one file twice."""
        cache_key = ("parsed", key, change.path)
        if cache_key not in self._index:
            self._index[cache_key] = make()
        return cast(T, self._index[cache_key])

    def head_view(self, change: ChangedFile) -> FileView:
        """The head side of `change`: the whole file for an added one, else its hunks."""
        return self._view(change, "new")

    def base_view(self, change: ChangedFile) -> FileView:
        """The base side of `change`: the whole file for a removed one, else its hunks."""
        return self._view(change, "old")

    def head_line_near(self, change: ChangedFile, old_line: int) -> int:
        """A head line to report something the PR removed at base line `old_line`: the first
        changed line of the same hunk (each hunk gives one segment on each side)."""
        pairs = zip(self.base_view(change).segments, self.head_view(change).segments,
                    strict=False)
        for base_seg, head_seg in pairs:
            if base_seg.start <= old_line <= base_seg.end:
                return min(head_seg.touched, default=head_seg.start)
        return 1

    def _view(self, change: ChangedFile, side: str) -> FileView:
        key = (change.path, side)
        view = self._views.get(key)
        if view is None:
            view = _build_view(change, side)
            self._views[key] = view
        return view


def _build_view(change: ChangedFile, side: str) -> FileView:
    if change.binary or change.patch_missing:
        return FileView(change.path, False, ())
    if side == "new":
        if change.status is FileStatus.ADDED:
            return _whole(change.path, (line.text for line in change.added))
        if change.status is FileStatus.REMOVED:
            return FileView(change.path, True, ())
    else:
        if change.status is FileStatus.REMOVED:
            return _whole(change.path, (line.text for line in change.removed))
        if change.status is FileStatus.ADDED:
            return FileView(change.path, True, ())
    return FileView(change.path, False, _side_segments(change.hunks, side))


_PLACEHOLDER = lazy_compile(r"\{(\w+)\}")


def finding(rule_id: str, path: str, line: int | None, **fmt: object) -> Finding:
    """Build the finding of rule `rule_id`; `{name}` in its message is filled from `fmt`.

    `{path}` is always available. Braces that name no given field are left as they are, so
    messages can quote code (`{ }`, `$table`) freely.
    """
    rule = RULES[rule_id]
    values = {"path": path, **{k: str(v) for k, v in fmt.items()}}
    message = _PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]), rule.message)
    return Finding(message, path=path, line=line, rule=rule.id, severity=rule.severity)


class Framework(NamedTuple):
    """One migration framework: stable id (the `frameworks` option key), name, and its judge."""

    id: str
    name: str
    judge: Callable[[MigrationContext], list[Finding]]
