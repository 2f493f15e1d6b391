"""Rails (ActiveRecord) migrations: `db/migrate/*.rb`, judged with the Ruby scanner.

A `change` method is judged the way `ActiveRecord::Migration::CommandRecorder` reverts it: the
commands it cannot invert (`execute`, `change_column`, `add_enum_value`) and the ones it inverts
only when given enough to rebuild what they drop (`remove_column` with a type, `drop_table` with
a block or options, `remove_index` with a column, `change_column_default` with `from:`/`to:`...).
Code inside `reversible`, `up_only` and `if reverting?` is the author's own reversal.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from checks.lazyre import lazy_compile
from checks.migrations.base import Framework, MigrationContext
from checks.migrations.judge import Irreversible, Style, judge_files
from checks.migrations.lexer import Code, Lang
from checks.migrations.matcher import (
    Block,
    call_args,
    match_bracket,
    match_ruby_end,
    ruby_steps,
    split_args,
)
from checks.migrations.paths import is_rails_path
from checks.model import ChangedFile, Finding

_KEYWORD = lazy_compile(r"^(?:([A-Za-z_]\w*[?!]?):(?!:)|:(\w+)\s*=>|[\"'](\w*)[\"']\s*=>)")
_BLOCK_ARG = lazy_compile(r"\s(?:do\b.*|\{.*)$", re.S)


def _split(args: str) -> tuple[list[str], set[str], bool]:
    """Positional arguments, keyword names, and whether a block follows the call."""
    block = False
    bm = _BLOCK_ARG.search(" " + args)
    if bm is not None:
        block = True
        args = (" " + args)[:bm.start()]
    positional: list[str] = []
    keys: set[str] = set()
    for arg in split_args(args):
        km = _KEYWORD.match(arg)
        if km is None:
            positional.append(arg)
        else:
            keys.add(km.group(1) or km.group(2) or km.group(3) or "")
    return positional, keys, block


def _from_to(pos: list[str], keys: set[str]) -> str | None:
    return None if {"from", "to"} <= keys else "no `from:` and `to:` given"


def _drop_table(pos: list[str], keys: set[str], block: bool) -> str | None:
    if len(pos) > 1:
        return "it drops several tables"
    if not block and not keys - {"if_exists"}:
        return "no block or options to recreate the table from"
    return None


# Each command of `change` that the recorder may refuse: a test of (positional, keywords,
# block) -> why it cannot be inverted, or None when it can.
Rule = Callable[[list[str], set[str], bool], "str | None"]
_TOP: dict[str, Rule] = {
    "execute": lambda p, k, b: "raw SQL has no automatic inverse",
    "change_column": lambda p, k, b: "Rails does not know the column's previous definition",
    "add_enum_value": lambda p, k, b: "an enum value cannot be removed automatically",
    "remove_column": lambda p, k, b: None if len(p) >= 3 else "no column type given",
    "remove_columns": lambda p, k, b: None if "type" in k else "no `type:` given",
    "drop_table": _drop_table,
    "remove_index": lambda p, k, b: (
        None if len(p) >= 2 or "column" in k else "no column (or `column:`) given"),
    "change_column_default": lambda p, k, b: _from_to(p, k),
    "change_column_comment": lambda p, k, b: _from_to(p, k),
    "change_table_comment": lambda p, k, b: _from_to(p, k),
    "rename_enum_value": lambda p, k, b: _from_to(p, k),
    "remove_foreign_key": lambda p, k, b: (
        None if len(p) >= 2 or "to_table" in k else "no second table (or `to_table:`) given"),
    "remove_check_constraint": lambda p, k, b: None if len(p) >= 2 else "no expression given",
    "remove_exclusion_constraint": lambda p, k, b: None if len(p) >= 2 else "no expression given",
    "remove_unique_constraint": lambda p, k, b: None if len(p) >= 2 else "no column given",
    "add_unique_constraint": lambda p, k, b: (
        "`using_index:` cannot be undone" if "using_index" in k else None),
    "drop_enum": lambda p, k, b: None if len(p) >= 2 else "no list of values given",
    "drop_virtual_table": lambda p, k, b: None if k else "no options given",
}
# `change_table :t do |t|`: the table is implicit, so every count is one lower.
_IN_TABLE: dict[str, tuple[str, Rule]] = {
    "remove": ("remove_columns", lambda p, k, b: None if "type" in k else "no `type:` given"),
    "change": ("change_column", _TOP["change_column"]),
    "change_default": ("change_column_default", lambda p, k, b: _from_to(p, k)),
    "remove_index": ("remove_index", lambda p, k, b: (
        None if p or "column" in k else "no column (or `column:`) given")),
    "remove_foreign_key": ("remove_foreign_key", lambda p, k, b: (
        None if p or "to_table" in k else "no second table (or `to_table:`) given")),
    "remove_check_constraint": ("remove_check_constraint", lambda p, k, b: (
        None if p else "no expression given")),
}
_COMMAND = lazy_compile(r"(?<![\w.:@$])(" + "|".join(sorted(_TOP, key=len, reverse=True))
                        + r")(?![\w?!]|:[^:]|\s*=[^=>~])")
_OWN_REVERSAL = lazy_compile(r"(?<![\w.:@$])(?:reversible|up_only)\b\s*(?:\(\s*\))?\s*(do\b|\{)")
_REVERTING_BLOCK = lazy_compile(r"^[ \t]*(if|unless)\b[^\n]*\breverting\?", re.M)
_REVERTING_LINE = lazy_compile(r"^[^\n]*\b(?:if|unless)\b[^\n]*\breverting\?[^\n]*$", re.M)
_CHANGE_TABLE = lazy_compile(r"(?<![\w.:@$])change_table\b[^\n]*?(do\b|\{)\s*\|\s*(\w+)\s*\|")


def _block_end(text: str, opener: int) -> int | None:
    if text.startswith("{", opener):
        return match_bracket(text, opener)
    return match_ruby_end(text, opener)


def _own_reversals(text: str) -> list[tuple[int, int]]:
    """Regions where the author reverts by hand: `reversible`, `up_only`, `if reverting?`."""
    spans = []
    for m in _OWN_REVERSAL.finditer(text):
        end = _block_end(text, m.start(1))
        spans.append((m.start(), len(text) if end is None else end))
    for m in _REVERTING_BLOCK.finditer(text):
        start = m.start(1)
        end = match_ruby_end(text, start)
        spans.append((start, len(text) if end is None else end))
    spans.extend(m.span() for m in _REVERTING_LINE.finditer(text))
    return spans


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


def _irreversible(code: Code, block: Block) -> list[Irreversible]:
    """Commands of `def change` that the CommandRecorder cannot invert."""
    text = block.body(code)
    skip = _own_reversals(text)
    out = [item for item in _top_commands(text, block.start) if not _inside(
        item.offset - block.start, skip)]
    out.extend(item for item in _table_commands(text, block.start)
               if not _inside(item.offset - block.start, skip))
    return sorted(out, key=lambda item: item.offset)


def _top_commands(text: str, base: int) -> list[Irreversible]:
    out = []
    for m in _COMMAND.finditer(text):
        args, _ = call_args(text, m.end(), paren_less=True)
        pos, keys, block = _split(args)
        if not block:
            block = _followed_by_block(text, m.end())
        why = _TOP[m.group(1)](pos, keys, block)
        if why is not None:
            out.append(Irreversible(base + m.start(), m.group(1), why))
    return out


def _followed_by_block(text: str, after_name: int) -> bool:
    """True for `drop_table(:t) do |t|` / `drop_table(:t) { }` (a block after parentheses)."""
    _, end = call_args(text, after_name, paren_less=False)
    rest = text[end:text.find("\n", end) if "\n" in text[end:] else len(text)]
    return bool(re.match(r"\s*(?:do\b|\{)", rest))


def _table_commands(text: str, base: int) -> list[Irreversible]:
    out = []
    for m in _CHANGE_TABLE.finditer(text):
        end = _block_end(text, m.start(1))
        inner_end = len(text) if end is None else end
        var = re.escape(m.group(2))
        calls = re.compile(rf"(?<![\w.]){var}\.(" + "|".join(_IN_TABLE) + r")\b(?![?!])")
        for cm in calls.finditer(text, m.end(), inner_end):
            command, test = _IN_TABLE[cm.group(1)]
            args, _ = call_args(text, cm.end(), paren_less=True)
            pos, keys, blk = _split(args)
            why = test(pos, keys, blk)
            if why is not None:
                out.append(Irreversible(base + cm.start(), f"{m.group(2)}.{cm.group(1)}",
                                        f"{command}: {why}"))
    return out


_IDLE = lazy_compile(r"^[ \t]*nil[ \t]*$", re.M)

# Schema statements of ActiveRecord migrations, and SQL that changes schema inside `execute`.
_RAILS_SCHEMA = lazy_compile(
    r"\b(?:create_table|drop_table|rename_table|change_table|create_join_table|drop_join_table"
    r"|add_column|remove_columns?|change_column\w*|rename_column|add_index|remove_index"
    r"|rename_index|add_reference|remove_reference|add_belongs_to|remove_belongs_to"
    r"|add_foreign_key|remove_foreign_key|add_timestamps|remove_timestamps|add_check_constraint"
    r"|remove_check_constraint|enable_extension|disable_extension|create_enum|drop_enum"
    r"|create_schema|drop_schema)\b"
    r"|\b(?:CREATE|ALTER|DROP|RENAME|TRUNCATE)\b", re.IGNORECASE)


def _data_only(up_body: str) -> bool:
    """An `up` that only moves data: `execute "UPDATE ..."`, `Model.where(...).update_all`."""
    return bool(up_body.strip()) and _RAILS_SCHEMA.search(up_body) is None


STYLE = Style(
    framework="rails",
    rule="rails",
    lang=Lang.RUBY,
    steps=ruby_steps,
    refusal=lazy_compile(r"(?:raise|fail)\b(?![^\n;]*\b(?:if|unless)\b)[ \t(]*([^\n;]*)"),
    idle=lambda body: _IDLE.sub("", body),
    change=_irreversible,
    change_wins=True,
    data_only=_data_only,
)

def _pick(ctx: MigrationContext, change: ChangedFile) -> bool:
    located = is_rails_path(change.path)
    if not change.path.endswith(".rb"):
        return False
    return ctx.is_migration_path(change.path, located)


def judge_rails(ctx: MigrationContext) -> list[Finding]:
    """Judge every Rails migration the PR adds or changes."""
    return judge_files(ctx, STYLE, _pick)


FRAMEWORKS = (Framework("rails", "Rails (ActiveRecord)", judge_rails),)
