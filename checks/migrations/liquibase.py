"""Liquibase changelogs in XML, YAML/JSON and formatted SQL, judged changeSet by changeSet.

A changeSet passes when each of its changes has automatic rollback (Liquibase's documented list)
or when it declares a `rollback` (an empty one is Liquibase's declared no-op). Formatted SQL never
has automatic rollback, so each changeset needs a `--rollback` line. Master changelogs that only
`include` others hold no changeSet and are not judged. In a modified changelog only changeSets the
diff shows whole and the PR touched are judged (teams append to one file).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from textwrap import dedent
from xml.parsers import expat

from checks.lazyre import lazy_compile
from checks.migrations.base import Framework, MigrationContext, Segment, finding
from checks.migrations.paths import LIQUIBASE_SUFFIXES, LIQUIBASE_WORDS
from checks.migrations.sqltext import does_something
from checks.model import ChangedFile, FileStatus, Finding

# Change types Liquibase rolls back by itself (docs: "What change types can I use auto rollback
# with?"); every other change (sql, sqlFile, dropTable, dropColumn, insert, update, delete,
# loadData, modifyDataType, customChange, ...) needs an explicit rollback.
AUTO_ROLLBACK = frozenset({
    "addCheckConstraint", "addColumn", "addDefaultValue", "addForeignKeyConstraint",
    "addLookupTable", "addNotNullConstraint", "addPrimaryKey", "addUniqueConstraint",
    "createIndex", "createSequence", "createSynonym", "createTable", "createView",
    "disableCheckConstraint", "disableTrigger", "dropNotNullConstraint", "enableCheckConstraint",
    "enableTrigger", "renameColumn", "renameSequence", "renameTable", "renameTrigger",
    "renameView", "tagDatabase", "empty", "output",
})
# Children of a changeSet that are not changes.
_META = frozenset({"comment", "preConditions", "validCheckSum", "modifySql", "rollback", "id",
                   "author", "context", "contextFilter", "labels", "dbms", "runAlways",
                   "runOnChange", "failOnError", "runInTransaction", "objectQuotingStrategy",
                   "created", "ignore", "logicalFilePath", "onValidationFail", "runOrder"})

_XML_COMMENT = lazy_compile(r"<!--.*?-->", re.DOTALL)
_XML_CHANGESET = lazy_compile(r"<(?:\w+:)?changeSet\b.*?</(?:\w+:)?changeSet\s*>", re.DOTALL)
_FORMATTED_HEADER = lazy_compile(r"^\s*--\s*liquibase\s+formatted\s+sql", re.IGNORECASE)
_FORMATTED_CHANGESET = lazy_compile(r"^\s*--\s*changeset\s+(\S+)", re.IGNORECASE)
_FORMATTED_ROLLBACK = lazy_compile(r"^\s*--\s*rollback\b[ \t:]*(.*)$", re.IGNORECASE)
_BLOCK_ROLLBACK = lazy_compile(r"^\s*/\*\s*liquibase\s+rollback\b", re.IGNORECASE)
_YAML_CHANGESET = lazy_compile(r"^(\s*)-\s+changeSet\s*:")


@dataclass(frozen=True)
class ChangeSet:
    """One changeSet: identity, line, change type names, whether it declares a rollback."""

    ident: str
    line: int
    last: int
    changes: tuple[str, ...]
    has_rollback: bool
    formatted: bool = False
    has_sql: bool = True

    def defect(self) -> str | None:
        """The change that needs a rollback this changeSet lacks, or None."""
        if self.has_rollback:
            return None
        if self.formatted:
            return "sql" if self.has_sql else None
        return next((c for c in self.changes if c not in AUTO_ROLLBACK), None)


# --- XML --------------------------------------------------------------------------------------

@dataclass
class _Element:
    name: str
    attrs: dict[str, str]
    line: int
    children: list[_Element] = field(default_factory=list)


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def _parse_xml(text: str) -> _Element | None:
    """Parse `text` into elements with line numbers; None for anything that is not plain XML."""
    parser = expat.ParserCreate()
    root: list[_Element] = []
    stack: list[_Element] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        element = _Element(_local(name), attrs, parser.CurrentLineNumber)
        (stack[-1].children if stack else root).append(element)
        stack.append(element)

    def refuse(*_: object) -> None:
        raise ValueError("entity declarations are not read")

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: stack.pop()
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(text, True)
    except (expat.ExpatError, ValueError, IndexError):
        return None
    return root[0] if root else None


def _xml_changeset(element: _Element, offset: int, last: int) -> ChangeSet:
    names = tuple(c.name for c in element.children if c.name not in _META)
    ident = f"{element.attrs.get('id', '?')}::{element.attrs.get('author', '?')}"
    has_rollback = any(c.name == "rollback" for c in element.children)
    return ChangeSet(ident, offset + element.line - 1, last, names, has_rollback)


def _xml_changesets(text: str, start: int) -> Iterator[ChangeSet]:
    masked = _XML_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), text)
    for match in _XML_CHANGESET.finditer(masked):
        first = start + masked.count("\n", 0, match.start())
        last = first + match[0].count("\n")
        element = _parse_xml(match[0])
        if element is not None and element.name == "changeSet":
            yield _xml_changeset(element, first, last)


def _is_xml_changelog(text: str) -> bool:
    return re.search(r"<(?:\w+:)?databaseChangeLog\b", _XML_COMMENT.sub("", text)) is not None


# --- YAML / JSON ------------------------------------------------------------------------------

def _yaml_changesets(text: str, start: int) -> Iterator[ChangeSet]:
    # PyYAML costs ~12 ms to import: only a PR with a YAML or JSON changelog pays it.
    from checks.migrations.liquibase_yaml import changesets

    return changesets(text, start)


def _yaml_fragments(seg: Segment) -> Iterator[tuple[int, int, str]]:
    """(first line, last line, text) of each `- changeSet:` item fully visible in `seg`."""
    for index, line in enumerate(seg.lines):
        match = _YAML_CHANGESET.match(line)
        if not match:
            continue
        indent = len(match[1])
        end = None
        for j in range(index + 1, len(seg.lines)):
            other = seg.lines[j]
            if other.strip() and len(other) - len(other.lstrip()) <= indent:
                end = j - 1
                break
        if end is None and seg.at_end:
            end = len(seg.lines) - 1
        if end is not None:
            text = dedent("\n".join(seg.lines[index:end + 1]))
            yield seg.start + index, seg.start + end, "databaseChangeLog:\n" + text


def _is_yaml_changelog(text: str) -> bool:
    return re.search(r"""^\s*["']?databaseChangeLog["']?\s*:""", text, re.MULTILINE) is not None


# --- formatted SQL -----------------------------------------------------------------------------

def _formatted_changesets(seg: Segment, complete: bool) -> Iterator[ChangeSet]:
    starts = [i for i, line in enumerate(seg.lines) if _FORMATTED_CHANGESET.match(line)]
    for n, index in enumerate(starts):
        if n + 1 < len(starts):
            end = starts[n + 1] - 1
        elif complete or seg.at_end:
            end = len(seg.lines) - 1
        else:
            continue
        body = seg.lines[index + 1:end + 1]
        ident = _FORMATTED_CHANGESET.match(seg.lines[index])[1]  # type: ignore[index]
        yield ChangeSet(ident, seg.start + index, seg.start + end, ("sql",),
                         _formatted_has_rollback(body), formatted=True,
                         has_sql=does_something("\n".join(body)))


def _formatted_has_rollback(body: list[str] | tuple[str, ...]) -> bool:
    for line in body:
        match = _FORMATTED_ROLLBACK.match(line)
        if (match and match[1].strip()) or _BLOCK_ROLLBACK.match(line):
            return True
    return False


# --- judging ------------------------------------------------------------------------------------

def _changesets(path: str, seg: Segment, whole: bool) -> Iterator[ChangeSet]:
    lower = path.lower()
    if lower.endswith(".xml"):
        yield from _xml_changesets(seg.text, seg.start)
    elif lower.endswith((".yaml", ".yml", ".json")):
        if whole:
            yield from _yaml_changesets(seg.text, seg.start)
        else:
            for first, _last, text in _yaml_fragments(seg):
                yield from _yaml_changesets(text, first - 1)
    elif lower.endswith(".sql"):
        yield from _formatted_changesets(seg, whole)


def _kind_of(path: str, text: str) -> bool:
    """True when a whole file is a Liquibase changelog."""
    lower = path.lower()
    if lower.endswith(".xml"):
        return _is_xml_changelog(text)
    if lower.endswith((".yaml", ".yml", ".json")):
        return _is_yaml_changelog(text)
    first = next((line for line in text.splitlines() if line.strip()), "")
    return lower.endswith(".sql") and bool(_FORMATTED_HEADER.match(first))


def _finding(change_set: ChangeSet, path: str) -> Finding | None:
    change = change_set.defect()
    if change is None:
        return None
    name = change_set.ident.split("::")[0]
    if change_set.formatted:
        return finding("liquibase-sql-missing-rollback", path, change_set.line, changeset=name)
    return finding("liquibase-missing-rollback", path, change_set.line, changeset=name,
                   change=change)


def _judge_whole(change: ChangedFile, seg: Segment) -> list[Finding] | None:
    if not _kind_of(change.path, seg.text):
        return None
    sets = list(_changesets(change.path, seg, True))
    if not sets:
        return None  # a master changelog that only includes others
    return [f for cs in sets if (f := _finding(cs, change.path)) is not None]


def _hunks_look_like_liquibase(ctx: MigrationContext, change: ChangedFile) -> bool:
    lower = change.path.lower()
    for seg in (*ctx.head_view(change).segments, *ctx.base_view(change).segments):
        text = seg.text
        if lower.endswith(".sql") and any(_FORMATTED_CHANGESET.match(x) for x in seg.lines):
            return True
        if not lower.endswith(".sql") and "changeSet" in text:
            return True
    return False


def _judge_hunks(ctx: MigrationContext, change: ChangedFile) -> list[Finding] | None:
    if not _hunks_look_like_liquibase(ctx, change):
        return None
    before = {cs.ident: cs.defect() for seg in ctx.base_view(change).segments
              for cs in _changesets(change.path, seg, False)}
    out: list[Finding] = []
    for seg in ctx.head_view(change).segments:
        for cs in _changesets(change.path, seg, False):
            if not seg.is_touched(cs.line, cs.last):
                continue
            if cs.ident in before and before[cs.ident] == cs.defect():
                continue  # the changeSet was like this before the PR
            found = _finding(cs, change.path)
            if found is not None:
                out.append(found)
    return out


def judge_liquibase(ctx: MigrationContext) -> list[Finding]:
    """Judge Liquibase changelogs: every changeSet can be rolled back."""
    out: list[Finding] = []
    for change in ctx.files:
        if (not change.path.lower().endswith(LIQUIBASE_SUFFIXES) or change.binary
                or change.status is FileStatus.REMOVED or change.is_pure_rename
                or not ctx.is_migration_path(change.path, True)
                or not ctx.mentions(change, *LIQUIBASE_WORDS)):
            continue
        view = ctx.head_view(change)
        if view.whole:
            found = _judge_whole(change, view.segments[0]) if view.segments else None
        else:
            found = _judge_hunks(ctx, change)
        if found is not None and ctx.claim(change.path, "liquibase"):
            out.extend(found)
    return out


FRAMEWORKS = (Framework("liquibase", "Liquibase", judge_liquibase),)
