"""Alembic and Django migrations, judged by their syntax tree (`ast`), never by substrings.

A new file is parsed whole. A modified file is judged hunk by hunk: a `downgrade()` function or a
`RunPython`/`RunSQL` call is judged only when the hunk shows all of it and the PR touched it; a
`downgrade()` whose base side shows the very same defect, or a hunk that holds no more calls
without a reverse than before, is not the PR's doing. Text that does not parse is not judged.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import NamedTuple

from checks.lazyre import lazy_compile
from checks.migrations.base import (
    FileView,
    Framework,
    MigrationContext,
    Segment,
    finding,
    parent_endswith,
)
from checks.migrations.paths import ALEMBIC_DIRS, dir_parts
from checks.model import ChangedFile, FileStatus, Finding

_TOP_DEF = lazy_compile(r"(?:async\s+)?def\s+(downgrade\w*)\s*\(")
_REVISION = lazy_compile(r"""^\s*(?:Revision ID:|revision\s*(?::\s*str\s*)?=)\s*['"]?([\w-]+)""",
                         re.MULTILINE)
_CALL_START = lazy_compile(r"\b(RunPython|RunSQL)\s*\(")
_REVERSE_KW = {"RunPython": "reverse_code", "RunSQL": "reverse_sql"}
_CODE_KW = {"RunPython": "code", "RunSQL": "sql"}


# --- shared -------------------------------------------------------------------------------

def _parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    # Partial or broken content is not judged. CPython's parser answers a long run of unary
    # operators (`x = ------...1`) with MemoryError and deep nesting with RecursionError.
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None


def _syntax_problem(text: str) -> tuple[int | None, str]:
    """Where and why `text` does not parse: the line and the parser's message."""
    try:
        ast.parse(text)
    except SyntaxError as exc:
        return exc.lineno, f"line {exc.lineno}: {exc.msg}"
    except (ValueError, MemoryError, RecursionError) as exc:
        return None, type(exc).__name__
    return None, "unreadable"


_LOOKS_ALEMBIC = lazy_compile(r"^down_revision\b.*^(?:async\s+)?def\s+upgrade\b|"
                              r"^(?:async\s+)?def\s+upgrade\b.*^down_revision\b",
                              re.MULTILINE | re.DOTALL)
_LOOKS_DJANGO = lazy_compile(r"^class\s+Migration\s*\(", re.MULTILINE)


def _not_judged(rule_id: str, path: str, text: str) -> list[Finding]:
    # Python 2 code never parses and newer syntax may not on this server: never a silent pass.
    line, reason = _syntax_problem(text)
    return [finding(rule_id, path, line, reason=reason)]


# `op.*` calls that move data, not schema: a data migration's downgrade may rightly be `pass`.
_DATA_OPS = frozenset({"execute", "bulk_insert", "get_bind", "get_context", "inline_literal", "f"})
_SCHEMA_SQL = lazy_compile(r"\b(?:create|alter|drop|rename|truncate|comment\s+on)\b", re.IGNORECASE)


def _changes_schema(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """True unless every `op.*` call only moves data (UPDATE/INSERT SQL, `bulk_insert`)."""
    for node in ast.walk(func):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id == "op" and node.attr not in _DATA_OPS):
            return True
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and _SCHEMA_SQL.search(node.value)):
            return True
    return False


def _effective(body: list[ast.stmt]) -> list[ast.stmt]:
    """The statements that do something: not `pass`, `...`, docstrings or bare strings."""
    return [
        stmt for stmt in body
        if not isinstance(stmt, ast.Pass)
        and not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))
    ]


def _python_files(ctx: MigrationContext, framework_id: str) -> Iterator[ChangedFile]:
    for change in ctx.files:
        if not change.path.endswith(".py") or change.status is FileStatus.REMOVED:
            continue
        if change.binary or change.is_pure_rename:
            continue
        parts = set(dir_parts(change.path))
        located = bool(ALEMBIC_DIRS & parts) if framework_id == "alembic" else (
            "migrations" in parts)
        if ctx.is_migration_path(change.path, located):
            yield change


def _base_segments(ctx: MigrationContext, change: ChangedFile) -> tuple[Segment, ...]:
    return () if change.status is FileStatus.ADDED else ctx.base_view(change).segments


# --- Alembic ------------------------------------------------------------------------------

def _is_alembic(tree: ast.Module) -> bool:
    names = {t.id for stmt in tree.body if isinstance(stmt, ast.Assign | ast.AnnAssign)
             for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
             if isinstance(t, ast.Name)}
    funcs = {stmt.name for stmt in tree.body if isinstance(stmt, ast.FunctionDef)}
    return "down_revision" in names and "upgrade" in funcs


def _defect(func: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, str] | None:
    """("empty", "") or ("refusing", exception name) for a down function that does nothing."""
    body = _effective(func.body)
    if not body:
        return "empty", ""
    for stmt in body:
        if isinstance(stmt, ast.Raise):
            exc = stmt.exc
            target = exc.func if isinstance(exc, ast.Call) else exc
            return "refusing", ast.unparse(target) if target is not None else "raise"
    return None


def _revision(text: str, path: str) -> str:
    match = _REVISION.search(text)
    return match[1] if match else path.rsplit("/", 1)[-1].removesuffix(".py")


def _alembic_whole(ctx: MigrationContext, change: ChangedFile,
                   view: FileView) -> list[Finding] | None:
    tree = ctx.parsed("python", change, lambda: _parse(view.text))
    if tree is None:
        if _LOOKS_ALEMBIC.search(view.text):
            return _not_judged("alembic-not-judged", change.path, view.text)
        return None
    if not _is_alembic(tree):
        return None
    funcs = {s.name: s for s in tree.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)}
    revision = _revision(view.text, change.path)
    if "downgrade" not in funcs:
        return [finding("alembic-missing-downgrade", change.path, funcs["upgrade"].lineno,
                        revision=revision)]
    out: list[Finding] = []
    for name, func in funcs.items():
        if not name.startswith("downgrade"):
            continue
        up = funcs.get("upgrade" + name.removeprefix("downgrade"))
        defect = _defect(func)
        if defect is None or (defect[0] == "empty" and up is not None and (
                not _effective(up.body) or not _changes_schema(up))):
            continue  # beside an empty up (a merge revision) or a data-only up, `pass` is right
        out.append(_alembic_finding(defect, change.path, func.lineno, revision))
    return out


def _alembic_finding(defect: tuple[str, str], path: str, line: int, revision: str) -> Finding:
    if defect[0] == "refusing":
        return finding("alembic-refusing-downgrade", path, line, revision=revision,
                       raised=defect[1])
    return finding("alembic-empty-downgrade", path, line, revision=revision)


class _Region(NamedTuple):
    """A top-level function fully visible in one segment."""

    name: str
    first: int
    last: int
    func: ast.FunctionDef | ast.AsyncFunctionDef


def _top_level_end(seg: Segment, index: int) -> int | None:
    """Index of the last line of the top-level block opened at `index`, if visible."""
    last = index
    for i in range(index + 1, len(seg.lines)):
        line = seg.lines[i]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace() and not line.startswith((")", "]", "}")):
            return last
        last = i
    return last if seg.at_end else None


def _regions(segments: tuple[Segment, ...]) -> Iterator[_Region]:
    for seg in segments:
        for index, line in enumerate(seg.lines):
            match = _TOP_DEF.match(line)
            if not match:
                continue
            end = _top_level_end(seg, index)
            if end is None:
                continue
            tree = _parse("\n".join(seg.lines[index:end + 1]))
            if tree is None or not tree.body:
                continue
            func = tree.body[0]
            if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                yield _Region(func.name, seg.start + index, seg.start + end, func)


def _alembic_hunks(ctx: MigrationContext, change: ChangedFile) -> list[Finding] | None:
    head = ctx.head_view(change)
    base = list(_regions(_base_segments(ctx, change)))
    base_defects = {r.name: _defect(r.func) for r in base}
    text = "\n".join(s.text for s in head.segments)
    revision = _revision(text, change.path)
    out: list[Finding] = []
    seen = bool(base)
    for region in _regions(head.segments):
        seen = True
        seg = next(s for s in head.segments if s.start <= region.first <= s.end)
        defect = _defect(region.func)
        if defect is None or not seg.is_touched(region.first, region.last):
            continue
        if region.name in base_defects and base_defects[region.name] == defect:
            continue  # the same defect was there before this PR
        out.append(_alembic_finding(defect, change.path, region.first, revision))
    out.extend(_removed_downgrades(ctx, change, base, text, revision))
    return out if seen else None


def _removed_downgrades(ctx: MigrationContext, change: ChangedFile, base: list[_Region],
                        head_text: str, revision: str) -> list[Finding]:
    """A `downgrade()` the base side shows and the head side no longer has anywhere in view.

    A line the PR did not touch shows on both sides, so a def visible only on the base side
    was deleted; one moved elsewhere would show as added in another hunk.
    """
    out: list[Finding] = []
    for region in base:
        if region.name != "downgrade" or _defect(region.func) is not None:
            continue
        if re.search(rf"^(async\s+)?def\s+{region.name}\s*\(", head_text, re.MULTILINE):
            continue
        line = ctx.head_line_near(change, region.first)
        out.append(finding("alembic-missing-downgrade", change.path, line, revision=revision))
    return out


def _edits_a_revision(change: ChangedFile, headings: tuple[str, ...], marker: str) -> bool:
    """A modified migration whose hunks sit in its functions or class (git's hunk headings) or
    show the framework's calls: it is judged, so the summary never says "No migration"."""
    if change.status is FileStatus.ADDED or change.patch_missing:
        return False
    for hunk in change.hunks:
        if any(name in hunk.heading for name in headings):
            return True
        if any(marker in line.text for line in hunk.lines):
            return True
    return False


def judge_alembic(ctx: MigrationContext) -> list[Finding]:
    """Judge Alembic revisions: `downgrade()` exists, does something, and does not raise."""
    out: list[Finding] = []
    for change in _python_files(ctx, "alembic"):
        if change.is_whole_file:
            found = _alembic_whole(ctx, change, ctx.head_view(change))
        elif change.status is FileStatus.ADDED:
            found = None
        elif ctx.mentions(change, "def downgrade"):
            found = _alembic_hunks(ctx, change)
        else:
            found = None
        if found is None and _edits_a_revision(change, ("def upgrade", "def downgrade"), "op."):
            found = []  # an edit inside upgrade()/downgrade() that leaves the down step whole
        if found is not None and ctx.claim(change.path, "alembic"):
            out.extend(found)
    return out


# --- Django -------------------------------------------------------------------------------

def _is_django(tree: ast.Module) -> bool:
    for stmt in tree.body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == "Migration":
            return any(_name_of(base) == "Migration" for base in stmt.bases)
    return False


def _name_of(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _irreversible_calls(node: ast.AST) -> Iterator[ast.Call]:
    """RunPython / RunSQL calls without a reverse, skipping `state_operations` (state only)."""
    stack: list[ast.AST] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Call):
            kind = _name_of(current.func)
            if kind in _REVERSE_KW and not _has_reverse(current, kind):
                yield current
            for kw in current.keywords:
                if kw.arg != "state_operations":
                    stack.append(kw.value)
            stack.extend(current.args)
            stack.append(current.func)
            continue
        stack.extend(ast.iter_child_nodes(current))


def _has_reverse(call: ast.Call, kind: str) -> bool:
    if any(isinstance(arg, ast.Starred) for arg in call.args):
        return True  # *args may carry it; do not guess
    reverse: ast.expr | None = call.args[1] if len(call.args) > 1 else None
    for kw in call.keywords:
        if kw.arg == _REVERSE_KW[kind]:
            reverse = kw.value
        elif kw.arg is None:
            return True  # **kwargs may carry it; do not guess
    return reverse is not None and not (isinstance(reverse, ast.Constant)
                                        and reverse.value is None)


def _django_finding(call: ast.Call, path: str, line: int) -> Finding:
    kind = _name_of(call.func)
    if kind == "RunSQL":
        return finding("django-runsql-no-reverse", path, line)
    return finding("django-runpython-no-reverse", path, line, code=_code_arg(call, kind))


def _code_arg(call: ast.Call, kind: str) -> str:
    code: ast.expr | None = call.args[0] if call.args else None
    for kw in call.keywords:
        if kw.arg == _CODE_KW[kind]:
            code = kw.value
    text = ast.unparse(code) if code is not None else ""
    return text if len(text) <= 60 else text[:57] + "..."


def _django_whole(ctx: MigrationContext, change: ChangedFile,
                  view: FileView) -> list[Finding] | None:
    tree = ctx.parsed("python", change, lambda: _parse(view.text))
    if tree is None:
        if _LOOKS_DJANGO.search(view.text):
            return _not_judged("django-not-judged", change.path, view.text)
        return None
    if not _is_django(tree):
        return None
    return [_django_finding(call, change.path, call.lineno) for call in _irreversible_calls(tree)]


def _call_end(lines: tuple[str, ...], index: int, column: int) -> tuple[int, int] | None:
    """(line index, column) where the bracket opened at (index, column) closes, past strings."""
    depth = 0
    quote = ""
    for i in range(index, len(lines)):
        line = lines[i]
        j = column if i == index else 0
        while j < len(line):
            if quote:
                if line[j] == "\\":
                    j += 2
                    continue
                if line.startswith(quote, j):
                    j += len(quote)
                    quote = ""
                    continue
                j += 1
                continue
            ch = line[j]
            if ch == "#":
                break
            if ch in "'\"":
                quote = line[j:j + 3] if line[j:j + 3] in ('"""', "'''") else ch
                j += len(quote)
                continue
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth -= 1
                if depth == 0:
                    return i, j
            j += 1
        if quote in ("'", '"'):
            quote = ""  # a single-quoted string never spans lines
    return None


class _Call(NamedTuple):
    first: int
    last: int
    call: ast.Call


def _visible_calls(segments: tuple[Segment, ...]) -> Iterator[tuple[Segment, _Call]]:
    for seg in segments:
        for index, line in enumerate(seg.lines):
            for match in _CALL_START.finditer(line):
                if "#" in line[:match.start()]:
                    continue
                start = match.start()
                while start > 0 and (line[start - 1].isalnum() or line[start - 1] in "._"):
                    start -= 1
                end = _call_end(seg.lines, index, match.end() - 1)
                if end is None:
                    continue
                last, column = end
                chunk = [*seg.lines[index:last], seg.lines[last][:column + 1]]
                call = _parse_call("\n".join(chunk)[start:])
                if call is not None and _name_of(call.func) == match[1]:
                    yield seg, _Call(seg.start + index, seg.start + last, call)


def _parse_call(text: str) -> ast.Call | None:
    try:
        node = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError):
        return None
    return node if isinstance(node, ast.Call) else None


def _django_hunks(ctx: MigrationContext, change: ChangedFile) -> list[Finding] | None:
    """Judge the RunPython / RunSQL calls a modified migration's hunks show.

    Hunk by hunk, a touched call without a reverse fails only when the hunk now holds more such
    calls than it did before the PR: a reformat or an edit of an operation that never had a
    reverse is not this PR's doing. A call the base side shows only in part counts as one
    without a reverse, so a failure is never guessed from lines the diff does not show.
    """
    head = ctx.head_view(change).segments
    base = _base_segments(ctx, change)
    out: list[Finding] = []
    seen = False
    for index, seg in enumerate(head):
        calls = [c for _, c in _visible_calls((seg,))]
        seen = seen or bool(calls)
        bad = [c for c in calls if not _has_reverse(c.call, _name_of(c.call.func))]
        before = _unreversed_before(base[index]) if index < len(base) else {}
        for kind in _REVERSE_KW:
            of_kind = [c for c in bad if _name_of(c.call.func) == kind]
            excess = len(of_kind) - before.get(kind, 0)
            touched = [c for c in of_kind if seg.is_touched(c.first, c.last)]
            if excess > 0:
                out.extend(_django_finding(c.call, change.path, c.first)
                           for c in touched[-excess:])
    return out if seen else None


def _unreversed_before(seg: Segment) -> dict[str, int]:
    """Per kind, the calls of a base segment that had no reverse (or are not fully visible)."""
    starts: dict[str, int] = {}
    for line in seg.lines:
        for match in _CALL_START.finditer(line):
            if "#" not in line[:match.start()]:
                starts[match[1]] = starts.get(match[1], 0) + 1
    for _, found in _visible_calls((seg,)):
        kind = _name_of(found.call.func)
        if _has_reverse(found.call, kind):
            starts[kind] -= 1
    return starts


def judge_django(ctx: MigrationContext) -> list[Finding]:
    """Judge Django migrations: every RunPython / RunSQL can be reversed."""
    out: list[Finding] = []
    for change in _python_files(ctx, "django"):
        if change.is_whole_file:
            found = _django_whole(ctx, change, ctx.head_view(change))
        elif change.status is FileStatus.ADDED or not parent_endswith(change.path,
                                                                      "migrations"):
            found = None
        elif ctx.mentions(change, "RunPython", "RunSQL"):
            found = _django_hunks(ctx, change)
        else:
            found = None
        if found is None and _edits_a_revision(change, ("class Migration",), "migrations."):
            found = []  # schema operations reverse themselves; no RunPython/RunSQL was touched
        if found is not None and ctx.claim(change.path, "django"):
            out.extend(found)
    return out


FRAMEWORKS = (
    Framework("alembic", "Alembic", judge_alembic),
    Framework("django", "Django", judge_django),
)
