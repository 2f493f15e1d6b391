"""goose's Go migrations: `goose.AddMigration(up, down)` must register a down that does something.

Go is read by the shared migration scanner: comments and string contents are blanked first
(offsets kept), so a comment that shows `goose.AddMigration(up, nil)` is never taken for code;
calls and bodies are found by bracket matching on the masked text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from checks.lazyre import lazy_compile
from checks.migrations.base import MigrationContext, Segment, finding
from checks.migrations.lexer import Lang, mask
from checks.migrations.matcher import match_bracket, split_args
from checks.migrations.paths import GOOSE_GO_WORD
from checks.model import ChangedFile, FileStatus, Finding

# `AddMigration*` registers (up, down); goose v3.16's provider API takes
# `NewGoMigration(version, up, down)`: either way the down comes last.
_REGISTER = lazy_compile(r"\bgoose\.(Add(?:Named)?Migration\w*|NewGoMigration)\s*\(")
_IDENT = lazy_compile(r"^[A-Za-z_]\w*$")
_FUNC_LIT = lazy_compile(r"^func\s*\(")
_EMPTY_BODY = lazy_compile(r"^\s*(return\s+nil\s*;?)?\s*$")


def _body_is_empty(masked: str, brace: int) -> bool | None:
    end = match_bracket(masked, brace)
    if end is None:
        return None
    return bool(_EMPTY_BODY.match(masked[brace + 1:end]))


def _named_func(masked: str, name: str) -> tuple[int, bool | None]:
    """(offset of `func name(`, whether its body is empty) for a top-level function."""
    match = re.search(rf"\bfunc\s+{re.escape(name)}\s*\(", masked)
    if match is None:
        return -1, None
    params_end = match_bracket(masked, match.end() - 1)
    brace = -1 if params_end is None else masked.find("{", params_end)
    return match.start(), None if brace < 0 else _body_is_empty(masked, brace)


def _line_of(masked: str, offset: int, start: int) -> int:
    return start + masked.count("\n", 0, offset)


def _registrations(masked: str) -> Iterator[tuple[int, int, str, list[str]]]:
    """(offset, end, function, args) of each goose registration call fully in `masked`."""
    for match in _REGISTER.finditer(masked):
        end = match_bracket(masked, match.end() - 1)
        if end is not None:
            yield match.start(), end, match[1], split_args(masked[match.end():end])


def _judge_text(path: str, masked: str, start: int, seg: Segment | None) -> list[Finding]:
    out: list[Finding] = []
    for offset, end, function, args in _registrations(masked):
        if not args:
            continue
        line = _line_of(masked, offset, start)
        if seg is not None and not seg.is_touched(line, _line_of(masked, end, start)):
            continue
        down = args[-1]
        if down == "nil":
            call = f"goose.{function}({', '.join([*args[:-1], 'nil'])})"
            out.append(finding("goose-go-missing-down", path, line, call=call))
            continue
        empty: bool | None = None
        where, name = line, "given inline"
        if _IDENT.match(down) and seg is None:
            at, empty = _named_func(masked, down)
            where, name = _line_of(masked, at, start), f"`{down}`"
        elif _FUNC_LIT.match(down):
            brace = down.find("{", match_bracket(down, down.find("(")) or 0)
            empty = _body_is_empty(down, brace) if brace >= 0 else None
            where = _line_of(masked, masked.rfind(down, offset, end + 1), start)
        if empty:
            out.append(finding("goose-go-empty-down", path, where, func=name))
    return out


def _goose_go_files(ctx: MigrationContext) -> Iterator[ChangedFile]:
    for change in ctx.files:
        if (change.path.endswith(".go") and change.status is not FileStatus.REMOVED
                and not change.binary and not change.is_pure_rename
                and ctx.is_migration_path(change.path, True)):
            yield change


def judge_goose_go(ctx: MigrationContext) -> list[Finding]:
    """Judge goose Go migrations: the registered down function exists and does something."""
    out: list[Finding] = []
    for change in _goose_go_files(ctx):
        if not ctx.mentions(change, GOOSE_GO_WORD):
            continue
        view = ctx.head_view(change)
        found: list[Finding] = []
        seen = False
        for seg in view.segments:
            masked = mask(seg.text, Lang.GO)
            if not _REGISTER.search(masked):
                continue
            seen = True
            found.extend(_judge_text(change.path, masked, seg.start, None if view.whole else seg))
        if seen and ctx.claim(change.path, "goose"):
            out.extend(found)
    return out
