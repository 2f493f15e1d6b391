"""Ecto migrations: `priv/<repo>/migrations/*.exs`, judged with the Elixir scanner.

`change/0` is judged the way `Ecto.Migration.Runner` reverses it: `create`, `rename`, indexes,
`add`, `remove` with a type and `modify` with `from:` invert; `execute/1`, `remove/1`,
`modify` without `from:`, the `*_if_exists`/`*_if_not_exists` column forms, `drop table(...)`
and `drop constraint(...)` do not.
"""

from __future__ import annotations

import re
from posixpath import basename

from checks.lazyre import lazy_compile
from checks.migrations.base import Framework, MigrationContext
from checks.migrations.judge import Irreversible, Style, judge_files
from checks.migrations.lexer import Code, Lang
from checks.migrations.matcher import Block, call_args, elixir_steps, split_args
from checks.migrations.paths import is_ecto_path
from checks.model import ChangedFile, Finding

_COMMAND = lazy_compile(
    r"(?<![\w.:@])(execute_file|execute|remove_if_exists|remove|modify|add_if_not_exists"
    r"|drop_if_exists|drop)(?![\w?!]|:(?!:))")
_KEY = lazy_compile(r"^(\w+):(?!:)")


def _why(command: str, args: list[str]) -> str | None:
    """Why Ecto cannot reverse this call in `change/0`, or None when it can."""
    if command in ("execute", "execute_file"):
        return None if len(args) >= 2 else f"`{command}/1` has no down statement"
    if command == "remove":
        return None if len(args) >= 2 else "`remove/1` has no column type"
    if command == "modify":
        keys = {m.group(1) for a in args if (m := _KEY.match(a))}
        return None if "from" in keys else "`modify` without `from:`"
    if command in ("remove_if_exists", "add_if_not_exists"):
        return f"`{command}` is not reversible"
    target = args[0] if args else ""
    if target.startswith(("table(", "table ")):
        return f"`{command} table` cannot recreate the table"
    if target.startswith(("constraint(", "constraint ")):
        return f"`{command} constraint` cannot recreate the constraint"
    return None


def _irreversible(code: Code, block: Block) -> list[Irreversible]:
    text = block.body(code)
    out = []
    for m in _COMMAND.finditer(text):
        args, _ = call_args(text, m.end(), paren_less=True)
        why = _why(m.group(1), split_args(_strip_do(args)))
        if why is not None:
            out.append(Irreversible(block.start + m.start(), m.group(1), why))
    return out


_TRAILING_DO = lazy_compile(r"\s+do\s*$")


def _strip_do(args: str) -> str:
    return _TRAILING_DO.sub("", args)


_IDLE = lazy_compile(r"^[ \t]*(?::ok|nil)[ \t]*$", re.M)

STYLE = Style(
    framework="ecto", rule="ecto", lang=Lang.ELIXIR, steps=elixir_steps,
    refusal=lazy_compile(r"raise\b[ \t(]*([^\n]*)"),
    idle=lambda body: _IDLE.sub("", body),
    change=_irreversible,
)


def _pick(ctx: MigrationContext, change: ChangedFile) -> bool:
    # `priv/repo/migrations/.formatter.exs` sits with the migrations and is none.
    if not change.path.endswith((".exs", ".ex")) or basename(change.path).startswith("."):
        return False
    return ctx.is_migration_path(change.path, is_ecto_path(change.path))


def judge_ecto(ctx: MigrationContext) -> list[Finding]:
    """Judge every Ecto migration the PR adds or changes."""
    return judge_files(ctx, STYLE, _pick)


FRAMEWORKS = (Framework("ecto", "Ecto", judge_ecto),)
