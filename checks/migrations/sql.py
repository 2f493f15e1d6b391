"""SQL-file migration frameworks: golang-migrate, goose, sql-migrate, dbmate, Flyway, Prisma,
sqlx and Diesel (Liquibase lives in `liquibase.py`, goose's Go migrations in `gocode.py`).

Two shapes exist. Paired files (golang-migrate, sqlx reversible, Diesel, Flyway V/U, Prisma's
`migration.sql` + `down.sql`) pair by migration identity (folder and version), looked up in one
index of the PR's files plus the repository's file list: never by position in the diff.
Sectioned files (goose, sql-migrate, dbmate) keep up and down in one file behind marker comments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import chain
from posixpath import basename, dirname

from checks.lazyre import Pattern, lazy_compile
from checks.migrations.base import (
    Framework,
    MigrationContext,
    Segment,
    finding,
    index_by,
    is_never_migration,
    under,
)
from checks.migrations.paths import dir_parts
from checks.migrations.sqltext import does_something, first_code_line
from checks.model import ChangedFile, FileStatus, Finding

# --- shared -----------------------------------------------------------------------------------

_NEW = (FileStatus.ADDED, FileStatus.RENAMED, FileStatus.COPIED)


def _sql_files(ctx: MigrationContext) -> Iterator[ChangedFile]:
    for change in ctx.files:
        if change.path.lower().endswith((".sql", ".cql")) and not change.binary:
            yield change


def _up_line(ctx: MigrationContext, change: ChangedFile) -> int:
    view = ctx.head_view(change)
    if view.whole and view.segments:
        return first_code_line(view.segments[0].lines)
    return 1


def _whole_text(ctx: MigrationContext, change: ChangedFile) -> str | None:
    """The head text of a file when the diff shows all of it."""
    if change.status is FileStatus.REMOVED or change.patch_missing:
        return None
    if change.is_pure_rename:
        return None
    return ctx.head_view(change).complete_text()


def _top_line(ctx: MigrationContext, path: str) -> int | None:
    """Line 1 to anchor a whole-file finding; None when the file is empty at head (no line)."""
    change = ctx.changed(path)
    return None if change is not None and _whole_text(ctx, change) == "" else 1


def _gutted(ctx: MigrationContext, change: ChangedFile) -> bool:
    """True when the PR emptied a down file that used to do something."""
    if change.status is not FileStatus.MODIFIED:
        return False
    text = _whole_text(ctx, change)
    if text is None or does_something(text):
        return False
    return does_something("\n".join(line.text for line in change.removed))


def _does_nothing(ctx: MigrationContext, change: ChangedFile) -> bool:
    """True when an up file is visible whole and changes nothing: nothing to undo."""
    text = _whole_text(ctx, change)
    return text is not None and not does_something(text)


def _empty_new(ctx: MigrationContext, change: ChangedFile) -> bool:
    """True when a down file added by the PR (whole content visible) does nothing."""
    if change.status not in _NEW:
        return False
    text = _whole_text(ctx, change)
    return text is not None and not does_something(text)


# --- paired files: golang-migrate, sqlx reversible, Diesel, Prisma ----------------------------

@dataclass(frozen=True)
class _Kind:
    """How one paired framework names its files and which rules it reports."""

    framework: str
    key: Callable[[str], tuple[str, str] | None]   # path -> (identity, "up"|"down")
    down_name: Callable[[str], str]                  # up path -> conventional down path
    up_name: Callable[[str], str]                    # down path -> conventional up path
    missing: str
    empty: str
    deleted: str


_GM_NAME = lazy_compile(r"^(\d+)_(.+)\.(up|down)\.(sql|cql)$", re.IGNORECASE)
# Diesel takes the version from the folder name before its first `_`: a name may hold hyphens
# (`2024-05-01-120000-0000_add-users`), and so may a renamed Prisma folder.
_DIESEL_DIR = lazy_compile(r"^\d[\d_-]*_[\w.-]+$|^\d[\d-]*$")
_PRISMA_DIR = lazy_compile(r"^\d{14}(?:_[\w.-]*)?$")
# Prisma names folders by timestamp, but a repository keeping one schema per database often
# numbers them by hand (`db/postgresql/migrations/01_init/`): judged when Prisma's markers say so.
_PRISMA_NUMBERED_DIR = lazy_compile(r"^\d+_[\w.-]+$")
_PRISMA_MARKERS = ("schema.prisma", "migration_lock.toml")


def _version_pair_key(path: str) -> tuple[str, str] | None:
    match = _GM_NAME.match(basename(path))
    if not match or is_never_migration(path):
        return None
    return f"{dirname(path)}/{int(match[1])}", match[3].lower()


def _folder_pair_key(path: str, pattern: Pattern, names: dict[str, str]) -> (
        tuple[str, str] | None):
    side = names.get(basename(path))
    folder = dirname(path)
    parts = folder.split("/")
    if side is None or len(parts) < 2 or parts[-2] != "migrations":
        return None
    if not pattern.match(parts[-1]) or is_never_migration(path):
        return None
    return folder, side


def _diesel_key(path: str) -> tuple[str, str] | None:
    return _folder_pair_key(path, _DIESEL_DIR, {"up.sql": "up", "down.sql": "down"})


def _prisma_key(path: str) -> tuple[str, str] | None:
    return _folder_pair_key(path, _PRISMA_DIR, {"migration.sql": "up", "down.sql": "down"})


def _prisma_numbered_key(path: str) -> tuple[str, str] | None:
    return _folder_pair_key(path, _PRISMA_NUMBERED_DIR,
                            {"migration.sql": "up", "down.sql": "down"})


def _swap_up_down(path: str) -> str:
    return re.sub(r"\.up\.(\w+)$", r".down.\1", path, flags=re.IGNORECASE)


def _swap_down_up(path: str) -> str:
    return re.sub(r"\.down\.(\w+)$", r".up.\1", path, flags=re.IGNORECASE)


_GOLANG_MIGRATE = _Kind("golang-migrate", _version_pair_key, _swap_up_down, _swap_down_up,
                        "golang-migrate-missing-down", "golang-migrate-empty-down",
                        "golang-migrate-deleted-down")
_SQLX_PAIR = _Kind("sqlx", _version_pair_key, _swap_up_down, _swap_down_up,
                   "sqlx-missing-down-file",
                   "sqlx-empty-down", "sqlx-deleted-down")
_DIESEL = _Kind("diesel", _diesel_key, lambda p: f"{dirname(p)}/down.sql",
                lambda p: f"{dirname(p)}/up.sql",
                "diesel-missing-down", "diesel-empty-down", "diesel-deleted-down")
_PRISMA = _Kind("prisma", _prisma_key, lambda p: f"{dirname(p)}/down.sql",
                lambda p: f"{dirname(p)}/migration.sql",
                "prisma-missing-down", "prisma-empty-down", "prisma-deleted-down")
_PRISMA_NUMBERED = replace(_PRISMA, key=_prisma_numbered_key)


def _head_partner(ctx: MigrationContext, kind: _Kind, identity: str, side: str) -> str | None:
    """Path at head of the `side` file of migration `identity` (PR files, then the repo)."""
    for path in _pr_index(ctx, kind).get((identity, side), []):
        return path
    folder = dirname(identity) if kind.key is _version_pair_key else identity
    for path in ctx.head_paths_in(folder):
        if kind.key(path) == (identity, side):
            return path
    return None


def _pr_index(ctx: MigrationContext, kind: _Kind) -> dict[tuple[str, str], list[str]]:
    """(identity, side) -> head paths of the PR's files (removed ones excluded)."""
    return ctx.memo(f"pairs:{kind.key.__name__}", lambda: index_by(
        (f.path for f in ctx.files if f.status is not FileStatus.REMOVED), kind.key))


def _identity_changed(change: ChangedFile, kind: _Kind) -> bool:
    """True for a new file, or a renamed one whose migration version or name changed.

    Moving a migrations folder (a crate or package moved into a monorepo) keeps every
    migration's own name, so the tool sees the same migrations: none of them is new.
    """
    if change.status is FileStatus.ADDED:
        return True
    if change.status not in (FileStatus.RENAMED, FileStatus.COPIED) or not change.old_path:
        return False
    old, new = kind.key(change.old_path), kind.key(change.path)
    return old is None or new is None or _local(old[0]) != _local(new[0])


def _left_down_behind(ctx: MigrationContext, kind: _Kind, change: ChangedFile) -> bool:
    """True for an up file moved to another folder while its down file stayed in the old one."""
    old = kind.key(change.old_path or "") if change.status is FileStatus.RENAMED else None
    return old is not None and _head_partner(ctx, kind, old[0], "down") is not None


def _local(identity: str) -> str:
    """The migration's own part of an identity (version or folder name), without its place."""
    return identity.rsplit("/", 1)[-1]


def _moved_only(change: ChangedFile) -> bool:
    """True for a file renamed to another folder under the same file name, content unchanged."""
    return (change.status is FileStatus.RENAMED and change.is_pure_rename
            and basename(change.old_path or "") == basename(change.path))


def _judge_up(ctx: MigrationContext, kind: _Kind, change: ChangedFile,
              identity: str) -> list[Finding]:
    down = _head_partner(ctx, kind, identity, "down")
    if down is None:
        if not (_identity_changed(change, kind) or _left_down_behind(ctx, kind, change)):
            return []
        if _does_nothing(ctx, change):
            return []
        down_path = kind.down_name(change.path)
        return [finding(kind.missing, change.path, _up_line(ctx, change),
                        up=basename(change.path), down=basename(down_path),
                        down_path=down_path, dir=dirname(change.path))]
    return []


def _judge_down(ctx: MigrationContext, kind: _Kind, change: ChangedFile,
                identity: str) -> list[Finding]:
    up = _head_partner(ctx, kind, identity, "up")
    if not (_empty_new(ctx, change) or _gutted(ctx, change)):
        return []
    up_change = ctx.changed(up) if up else None
    if up_change is not None and up_change.status in _NEW:
        up_text = _whole_text(ctx, up_change)
        if up_text is not None and not does_something(up_text):
            return []  # an empty down beside an empty up: nothing to undo
    return [finding(kind.empty, change.path, _top_line(ctx, change.path),
                    up=basename(up) if up else "the up migration")]


def _judge_removed_down(ctx: MigrationContext, kind: _Kind, change: ChangedFile,
                        identity: str) -> list[Finding]:
    if _head_partner(ctx, kind, identity, "down") is not None:
        return []  # another down file of the same migration exists at head
    up = _head_partner(ctx, kind, identity, "up") or _untouched_up(ctx, kind.up_name(
        change.path if change.status is FileStatus.REMOVED else change.old_path or ""))
    if up is None:
        return []  # the whole migration went: not this check's business
    return [finding(kind.deleted, up, _top_line(ctx, up), down=basename(change.path),
                    up=basename(up))]


def _untouched_up(ctx: MigrationContext, path: str) -> str | None:
    """Without the repository's file list, an up file the PR did not delete still exists."""
    if ctx.snapshot.repo_files is None and path and ctx.exists_at_head(path) is None:
        return path
    return None


def _paired(ctx: MigrationContext, kind: _Kind, accept: Callable[[str], bool]) -> (
        list[Finding]):
    out: list[Finding] = []
    for change in _sql_files(ctx):
        key = kind.key(change.path)
        if key is None or not accept(change.path):
            continue
        identity, side = key
        if change.status is FileStatus.REMOVED:
            if side == "down" and ctx.claim(change.path, kind.framework, identity):
                out.extend(_judge_removed_down(ctx, kind, change, identity))
            continue
        if change.status is FileStatus.RENAMED and side == "down" and change.old_path:
            out.extend(_judge_renamed_away(ctx, kind, change))
        if not ctx.claim(change.path, kind.framework, identity):
            continue
        judge = _judge_up if side == "up" else _judge_down
        out.extend(judge(ctx, kind, change, identity))
    return out


def _judge_renamed_away(ctx: MigrationContext, kind: _Kind, change: ChangedFile) -> (
        list[Finding]):
    """A down file renamed to another migration leaves its old up without a down."""
    old = kind.key(change.old_path or "")
    if old is None or old == kind.key(change.path):
        return []
    return _judge_removed_down(ctx, kind, change, old[0])


# --- sqlx / golang-migrate split: Rust projects use sqlx ---------------------------------------

def _project_root(path: str) -> str:
    """The folder that holds the `migrations` folder of `path` ("" for the repository root)."""
    parts = dir_parts(path)
    for i in range(len(parts) - 1, -1, -1):
        if parts[i] == "migrations":
            return "/".join(parts[:i])
    return dirname(dirname(path))


def _rust_folders(ctx: MigrationContext) -> frozenset[str]:
    """Every folder holding, at any depth, a Rust file, a Cargo.toml or sqlx's `.sqlx/` data
    changed by the PR ("" stands for the repository root)."""
    return ctx.memo("rust_folders", lambda: _folders_of(
        f.path for f in ctx.files
        if f.path.endswith(".rs") or basename(f.path) == "Cargo.toml"
        or "/.sqlx/" in "/" + f.path))


def _folders_of(paths: Iterable[str]) -> frozenset[str]:
    found: set[str] = set()
    for path in paths:
        parts = path.split("/")[:-1]
        found.update("/".join(parts[:i]) for i in range(len(parts) + 1))
    return frozenset(found)


def _is_rust_project(ctx: MigrationContext, path: str) -> bool:
    root = _project_root(path)
    prefix = f"{root}/" if root else ""
    return root in _rust_folders(ctx) or bool(ctx.exists_at_head(f"{prefix}Cargo.toml"))


def judge_golang_migrate(ctx: MigrationContext) -> list[Finding]:
    """Judge `<version>_<title>.up.sql` / `.down.sql` pairs outside Rust projects."""
    return _paired(ctx, _GOLANG_MIGRATE, lambda p: not _is_rust_project(ctx, p))


_SQLX_SIMPLE = lazy_compile(r"^(\d+)_(\w[\w.-]*)\.sql$")


def judge_sqlx(ctx: MigrationContext) -> list[Finding]:
    """Judge sqlx migrations: reversible pairs, and simple files that cannot be reverted."""
    out = _paired(ctx, _SQLX_PAIR, lambda p: _is_rust_project(ctx, p))
    for change in _sql_files(ctx):
        name = basename(change.path)
        if (change.status not in _NEW or _moved_only(change) or not _SQLX_SIMPLE.match(name)
                or _GM_NAME.match(name) or "migrations" not in dir_parts(change.path)
                or not ctx.is_migration_path(change.path, True)
                or _section_kind(ctx, change) is not None
                or not _is_rust_project(ctx, change.path)):
            continue
        if ctx.claim(change.path, "sqlx") and not _does_nothing(ctx, change):
            out.append(finding("sqlx-missing-down", change.path, _up_line(ctx, change),
                               stem=change.path.removesuffix(".sql")))
    return out


def judge_diesel(ctx: MigrationContext) -> list[Finding]:
    """Judge Diesel's `migrations/<version>_<name>/up.sql` + `down.sql`."""
    return _paired(ctx, _DIESEL, lambda p: ctx.is_migration_path(p, True))


def judge_prisma(ctx: MigrationContext) -> list[Finding]:
    """Judge Prisma Migrate: forward-only unless a `down.sql` sits beside `migration.sql`."""
    def accept(path: str) -> bool:
        # A `down.sql` belongs to Prisma only beside a `migration.sql` (Diesel has one too).
        return ctx.is_migration_path(path, True) and (
            path.endswith("/migration.sql")
            or ctx.exists_at_head(f"{dirname(path)}/migration.sql") is not False)

    return _paired(ctx, _PRISMA_NUMBERED if _uses_prisma(ctx) else _PRISMA, accept)


def _uses_prisma(ctx: MigrationContext) -> bool:
    """A `schema.prisma` or `migration_lock.toml` anywhere in the repository or the PR."""
    def scan() -> bool:
        paths = chain((f.path for f in ctx.files), ctx.snapshot.repo_files or ())
        return any(path.endswith(_PRISMA_MARKERS) for path in paths)
    return ctx.memo("prisma-markers", scan)


# --- sectioned files: goose, sql-migrate, dbmate ----------------------------------------------

@dataclass(frozen=True)
class _Sections:
    framework: str
    marker: Pattern   # group 1: "up" or "down"
    missing: str
    empty: str


_GOOSE = _Sections("goose", lazy_compile(r"^\s*--\s*\+goose\s+(up|down)\b", re.IGNORECASE),
                   "goose-missing-down", "goose-empty-down")
_SQL_MIGRATE = _Sections("sql-migrate",
                         lazy_compile(r"^\s*--\s*\+migrate\s+(up|down)\b", re.IGNORECASE),
                         "sql-migrate-missing-down", "sql-migrate-empty-down")
_DBMATE = _Sections("dbmate", lazy_compile(r"^\s*--\s*migrate:(up|down)\b", re.IGNORECASE),
                    "dbmate-missing-down", "dbmate-empty-down")
_ALL_SECTIONS = (_GOOSE, _SQL_MIGRATE, _DBMATE)


def _visible_lines(ctx: MigrationContext, change: ChangedFile) -> Iterator[str]:
    for seg in ctx.head_view(change).segments:
        yield from seg.lines
    if change.status is not FileStatus.ADDED:
        for seg in ctx.base_view(change).segments:
            yield from seg.lines


def _section_kind(ctx: MigrationContext, change: ChangedFile) -> _Sections | None:
    """The sectioned framework whose markers the file shows, if any.

    When the diff shows the whole head file, only the head counts: a file converted to another
    format (sql-migrate sections split into golang-migrate `.up.sql`/`.down.sql`) is no longer
    a sectioned migration, whatever its base side held.
    """
    head = None if change.status is FileStatus.REMOVED else ctx.head_view(change).complete_text()
    lines = head.splitlines() if head is not None else _visible_lines(ctx, change)
    for line in lines:
        if "--" not in line:
            continue
        for kind in _ALL_SECTIONS:
            if kind.marker.match(line):
                return kind
    return None


@dataclass(frozen=True)
class _Section:
    side: str
    line: int        # number of the marker line
    last: int        # number of the section's last line
    text: str


def _sections(seg: Segment, kind: _Sections, complete: bool) -> list[_Section]:
    """Sections whose marker and end are both visible in `seg`."""
    marks = [(i, m[1].lower()) for i, line in enumerate(seg.lines)
             if (m := kind.marker.match(line))]
    out: list[_Section] = []
    for n, (index, side) in enumerate(marks):
        if n + 1 < len(marks):
            end = marks[n + 1][0] - 1
        elif complete or seg.at_end:
            end = len(seg.lines) - 1
        else:
            continue
        text = "\n".join(seg.lines[index + 1:end + 1])
        out.append(_Section(side, seg.start + index, seg.start + end, text))
    return out


def _judge_sections_whole(kind: _Sections, change: ChangedFile, seg: Segment) -> list[Finding]:
    sections = _sections(seg, kind, True)
    ups = [s for s in sections if s.side == "up"]
    downs = [s for s in sections if s.side == "down"]
    up_does = any(does_something(s.text) for s in ups)
    if not downs:
        if not up_does:
            return []  # nothing to undo
        return [finding(kind.missing, change.path, ups[0].line)]
    if up_does and not any(does_something(s.text) for s in downs):
        return [finding(kind.empty, change.path, downs[0].line)]
    return []


def _judge_sections_hunks(ctx: MigrationContext, kind: _Sections,
                          change: ChangedFile) -> list[Finding]:
    base_empty = any(s.side == "down" and not does_something(s.text)
                     for seg in ctx.base_view(change).segments
                     for s in _sections(seg, kind, False))
    out: list[Finding] = []
    for seg in ctx.head_view(change).segments:
        for section in _sections(seg, kind, False):
            if section.side != "down" or does_something(section.text):
                continue
            if not seg.is_touched(section.line, section.last) or base_empty:
                continue  # untouched, or the down section was already empty before this PR
            out.append(finding(kind.empty, change.path, section.line))
    return out + _removed_down_section(ctx, kind, change)


def _removed_down_section(ctx: MigrationContext, kind: _Sections,
                          change: ChangedFile) -> list[Finding]:
    """The base side shows a down marker and the head side shows none: the PR deleted it."""
    head_lines = (line for seg in ctx.head_view(change).segments for line in seg.lines)
    if any((m := kind.marker.match(line)) and m[1].lower() == "down" for line in head_lines):
        return []
    for seg in ctx.base_view(change).segments:
        for index, line in enumerate(seg.lines):
            match = kind.marker.match(line)
            if match and match[1].lower() == "down":
                return [finding(kind.missing, change.path,
                                ctx.head_line_near(change, seg.start + index))]
    return []


def _judge_sectioned(ctx: MigrationContext, kind: _Sections) -> list[Finding]:
    out: list[Finding] = []
    for change in _sql_files(ctx):
        if change.status is FileStatus.REMOVED or change.is_pure_rename:
            continue
        if not ctx.is_migration_path(change.path, True) or _section_kind(ctx, change) is not kind:
            continue
        if _split_into_pair(ctx, change):
            continue
        view = ctx.head_view(change)
        if view.whole:
            found = _judge_sections_whole(kind, change, view.segments[0]) if view.segments else []
        else:
            found = _judge_sections_hunks(ctx, kind, change)
        if ctx.claim(change.path, kind.framework):
            out.extend(found)
    return out


def _split_into_pair(ctx: MigrationContext, change: ChangedFile) -> bool:
    """True for a sectioned file renamed to `<version>_<name>.up.sql` (or `.down.sql`) whose
    partner exists at head: the PR split the sections into a pair of files (a switch to
    golang-migrate), which the paired frameworks judge."""
    if change.status is not FileStatus.RENAMED or change.old_path == change.path:
        return False
    key = _version_pair_key(change.path)
    if key is None:
        return False
    swap = _swap_up_down if key[1] == "up" else _swap_down_up
    return bool(ctx.exists_at_head(swap(change.path)))


def judge_goose(ctx: MigrationContext) -> list[Finding]:
    """Judge goose SQL migrations (`-- +goose Down`) and Go migrations (non-nil down)."""
    out = _judge_sectioned(ctx, _GOOSE)
    if any(change.path.endswith(".go") for change in ctx.files):
        # The Go scanner loads only for a PR that changes Go code.
        from checks.migrations import gocode

        out += gocode.judge_goose_go(ctx)
    return out


def judge_sql_migrate(ctx: MigrationContext) -> list[Finding]:
    """Judge sql-migrate files (`-- +migrate Down`)."""
    return _judge_sectioned(ctx, _SQL_MIGRATE)


def judge_dbmate(ctx: MigrationContext) -> list[Finding]:
    """Judge dbmate files (`-- migrate:down`)."""
    return _judge_sectioned(ctx, _DBMATE)


# --- Flyway -------------------------------------------------------------------------------------

_FLYWAY_NAME = lazy_compile(r"^([VUR])(\d+(?:[._]\d+)*)?__(.+)\.sql$")


def _flyway_version(raw: str) -> str:
    """Flyway compares versions numerically part by part: `1_1`, `1.1` and `01.1.0` are one."""
    parts = [str(int(p)) for p in re.split(r"[._]", raw)]
    while len(parts) > 1 and parts[-1] == "0":
        parts.pop()
    return ".".join(parts)


def _flyway_parse(path: str) -> tuple[str, str] | None:
    """(prefix, normalised version) of a Flyway versioned or undo file name."""
    match = _FLYWAY_NAME.match(basename(path))
    if not match or match[1] == "R" or match[2] is None:
        return None
    return match[1], _flyway_version(match[2])


# Folders Flyway users name in `locations` besides the default `db/migration`: Spring Boot apps
# use `db/migrations`, `migrations/postgres`, `db/migration/{vendor}`; any folder under a JVM
# resources root is on the classpath Flyway scans. A `V<version>__` name there is Flyway's.
_FLYWAY_FOLDERS = frozenset({"flyway", "migration", "migrations"})


def _in_flyway_location(ctx: MigrationContext, path: str) -> bool:
    parts = dir_parts(path)
    if _FLYWAY_FOLDERS & set(parts) or under(path, "src", "main", "resources"):
        return True
    for location in ctx.flyway_locations:
        seq = tuple(p for p in location.strip("/").split("/") if p)
        if seq and any(parts[i:i + len(seq)] == seq for i in range(len(parts) - len(seq) + 1)):
            return True
    return ctx.is_extra(path)


def _flyway_head_index(ctx: MigrationContext) -> dict[tuple[str, str], list[str]]:
    """(prefix, version) -> head paths of Flyway files in any location (PR and repository)."""
    return ctx.memo("flyway", lambda: _build_flyway_index(ctx))


def _build_flyway_index(ctx: MigrationContext) -> dict[tuple[str, str], list[str]]:
    gone = {f.path for f in ctx.files if f.status is FileStatus.REMOVED}
    gone |= {f.old_path for f in ctx.files if f.status is FileStatus.RENAMED and f.old_path}
    paths = {f.path for f in ctx.files if f.status is not FileStatus.REMOVED}
    paths |= {p for p in ctx.snapshot.repo_files or () if p.endswith(".sql")} - gone
    return index_by((p for p in paths if _flyway_parse(p) and _in_flyway_location(ctx, p)),
                    _flyway_parse)


def _judge_flyway_file(ctx: MigrationContext, change: ChangedFile,
                       prefix: str, version: str) -> list[Finding]:
    index = _flyway_head_index(ctx)
    if prefix == "V":
        renamed_version = (change.status is FileStatus.RENAMED and change.old_path
                           and _flyway_parse(change.old_path) != (prefix, version))
        if change.status is not FileStatus.ADDED and not renamed_version:
            return []
        if index.get(("U", version)) or _does_nothing(ctx, change):
            return []
        # Known only with the repository's file list: a team that never writes undo files.
        no_undo_anywhere = ctx.snapshot.repo_files is not None and not any(
            kind == "U" for kind, _ in index)
        return [finding("flyway-undo-unused" if no_undo_anywhere else "flyway-missing-undo",
                        change.path, _up_line(ctx, change), version=version)]
    if change.status is FileStatus.REMOVED:
        if index.get(("U", version)):
            return []
        ups: Sequence[str | None] = index.get(("V", version)) or [_untouched_up(
            ctx, f"{dirname(change.path)}/V{basename(change.path)[1:]}")]
        if ups[0] is None:
            return []
        return [finding("flyway-deleted-undo", ups[0], _top_line(ctx, ups[0]),
                        down=basename(change.path),
                        up=basename(ups[0]))]
    if _empty_new(ctx, change) or _gutted(ctx, change):
        return [finding("flyway-empty-undo", change.path, _top_line(ctx, change.path),
                        version=version)]
    return []


def judge_flyway(ctx: MigrationContext) -> list[Finding]:
    """Judge Flyway: each new `V<version>__` has a `U<version>__` in some location."""
    out: list[Finding] = []
    for change in _sql_files(ctx):
        parsed = _flyway_parse(change.path)
        if parsed is None or is_never_migration(change.path):
            continue
        if not _in_flyway_location(ctx, change.path):
            continue
        if ctx.claim(change.path, "flyway", parsed[1]):
            out.extend(_judge_flyway_file(ctx, change, *parsed))
    return out


FRAMEWORKS = (
    Framework("prisma", "Prisma Migrate", judge_prisma),
    Framework("diesel", "Diesel", judge_diesel),
    Framework("flyway", "Flyway", judge_flyway),
    Framework("goose", "goose", judge_goose),
    Framework("sql-migrate", "sql-migrate", judge_sql_migrate),
    Framework("dbmate", "dbmate", judge_dbmate),
    Framework("sqlx", "sqlx", judge_sqlx),
    Framework("golang-migrate", "golang-migrate", judge_golang_migrate),
)
