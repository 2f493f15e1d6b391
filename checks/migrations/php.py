"""Laravel, Doctrine and Phinx migrations, judged with the PHP scanner.

The file name says which framework wrote a migration: Laravel's `2024_01_31_120000_name.php`
under `database/migrations/`, Doctrine's `VersionYYYYMMDDHHMMSS.php`, Phinx's (and CakePHP's)
`20240131120000_name.php` under `db/migrations/` or `config/Migrations/`. A Phinx `change()` is
judged like Phinx's recording adapter reverts it: only table creation and renaming, added
columns, indexes and foreign keys invert; raw SQL and anything that drops or changes does not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from posixpath import basename

from checks.lazyre import lazy_compile
from checks.migrations.base import Framework, MigrationContext
from checks.migrations.judge import Irreversible, Style, head_text, judge_files
from checks.migrations.lexer import Code, Lang, mask
from checks.migrations.matcher import Block, brace_body, match_bracket, php_steps, remove_calls
from checks.migrations.paths import is_php_migration_path
from checks.model import ChangedFile, Finding

_LARAVEL_NAME = lazy_compile(r"^\d{4}_\d{2}_\d{2}_\d{6}_\w+\.php$")
_DOCTRINE_NAME = lazy_compile(r"^Version\w*\.php$")
_PHINX_NAME = lazy_compile(r"^\d{14}_\w+\.php$")

_THROW = r"throw\b[ \t]*([^\n;]*)"
_RETURN = lazy_compile(r"\breturn\s*;")

# Laravel's `make:migration add_x_to_users --table=users` stub: a `Schema::table` whose closure
# is empty does nothing.
_SCHEMA_TABLE = lazy_compile(r"Schema::table\s*\(")


def _closure_does_something(args: str) -> bool:
    brace = args.find("{")
    if brace < 0:
        return True
    close = match_bracket(args, brace)
    return close is None or bool(args[brace + 1:close].strip(" \t\r\n;"))


def _laravel_idle(body: str) -> str:
    body = remove_calls(body, _SCHEMA_TABLE, keep=_closure_does_something)
    return _RETURN.sub(lambda m: " " * len(m.group()), body)


# Doctrine generates a platform guard at the top of both steps; it is no step of its own.
_DOCTRINE_GUARD = lazy_compile(r"\$this->(?:abortIf|skipIf|warnIf|write)\s*\(")


def _doctrine_idle(body: str) -> str:
    body = remove_calls(body, _DOCTRINE_GUARD,
                        keep=lambda args: args.lstrip().lower().startswith("true"))
    return _RETURN.sub(lambda m: " " * len(m.group()), body)


def _plain_idle(body: str) -> str:
    return _RETURN.sub(lambda m: " " * len(m.group()), body)


# Phinx: what `change()` may contain; anything in `if ($this->isMigratingUp())` is hand-reverted.
# Phinx's docs: "You cannot use the insert methods inside a change() method".
_PHINX_IRREVERSIBLE = lazy_compile(
    r"(\$this->(?:execute|query|dropTable)|->(?:drop|removeColumn|changeColumn|removeIndex"
    r"|removeIndexByName|dropForeignKey|changePrimaryKey|changeComment|truncate|insert))\s*\("
)
_MIGRATING_GUARD = lazy_compile(r"\bif\s*\(\s*!?\s*\$this->isMigrating(?:Up|Down)\s*\(\s*\)\s*\)")


_ELSE = lazy_compile(r"\s*else\s*\{")


def _guarded(text: str) -> list[tuple[int, int]]:
    """Spans of `if ($this->isMigratingUp()) { ... } else { ... }`: reverted by hand."""
    spans = []
    for m in _MIGRATING_GUARD.finditer(text):
        body = brace_body(text, m.end())
        if body is None:
            continue
        end = len(text) if body[1] is None else body[1]
        other = _ELSE.match(text, end + 1)
        if other is not None:
            close = match_bracket(text, other.end() - 1)
            end = len(text) if close is None else close
        spans.append((m.start(), end))
    return spans


_PHINX_WHY = {
    "execute": "raw SQL is never reversed",
    "query": "raw SQL is never reversed",
    "insert": "inserted rows are not recorded, so they are not deleted",
}


def _phinx_change(code: Code, block: Block) -> list[Irreversible]:
    text = block.body(code)
    guarded = _guarded(text)
    out = []
    for m in _PHINX_IRREVERSIBLE.finditer(text):
        if any(start <= m.start() < end for start, end in guarded):
            continue
        call = m.group(1)
        name = call.split(">")[-1]
        why = _PHINX_WHY.get(name, f"it has no inverse of `{name}()`")
        out.append(Irreversible(block.start + m.start(), f"{call}()", why))
    return out


# What changes schema in a Laravel `up()`: the Schema builder and its Blueprint, and DDL in the
# SQL of `DB::statement`/`DB::unprepared`. Anything else (`DB::table(...)->update(...)`,
# `DB::update('UPDATE ...')`, model writes) moves data only. Case-blind like Rails', so a model's
# `::create(...)` counts as schema: the doubt goes to asking for a down.
_LARAVEL_SCHEMA = lazy_compile(
    r"\bSchema::|\bBlueprint\b|\$table->|\b(?:CREATE|ALTER|DROP|RENAME|TRUNCATE)\b",
    re.IGNORECASE)


def _laravel_data_only(up_body: str) -> bool:
    """An `up()` that only moves data (a backfill): an empty `down()` then has nothing to undo."""
    return bool(up_body.strip()) and _LARAVEL_SCHEMA.search(up_body) is None


LARAVEL = Style(framework="laravel", rule="laravel", lang=Lang.PHP, steps=php_steps,
                refusal=lazy_compile(_THROW), idle=_laravel_idle, data_only=_laravel_data_only)
DOCTRINE = Style(
    framework="doctrine", rule="doctrine", lang=Lang.PHP, steps=php_steps,
    refusal=lazy_compile(r"\$this->(throwIrreversibleMigrationException\s*\([^\n;]*)"
                         r"|\$this->(abortIf\s*\(\s*true[^\n;]*)|" + _THROW),
    idle=_doctrine_idle, refusing_rule="irreversible-down",
)
PHINX = Style(framework="phinx", rule="phinx", lang=Lang.PHP, steps=php_steps,
              refusal=lazy_compile(_THROW), idle=_plain_idle, change=_phinx_change,
              change_wins=True)

_SNIFF = (
    ("doctrine", lazy_compile(r"Doctrine\\Migrations|\bSchema\s+\$schema\b")),
    ("phinx", lazy_compile(r"Phinx\\Migration|\bMigrations\\(?:AbstractMigration|BaseMigration)"
                           r"|\$this->table\s*\(")),
    ("laravel", lazy_compile(r"Illuminate\\Database|\bSchema::|\bBlueprint\b")),
)


def which(path: str, code_text: str) -> str | None:
    """The PHP framework of a migration: by file name, else by what the code uses."""
    name = basename(path)
    if _LARAVEL_NAME.match(name):
        return "laravel"
    if _DOCTRINE_NAME.match(name):
        return "doctrine"
    if _PHINX_NAME.match(name):
        return "phinx"
    for framework, pattern in _SNIFF:
        if pattern.search(code_text):
            return framework
    return None


def _picker(framework: str) -> Callable[[MigrationContext, ChangedFile], bool]:
    def pick(ctx: MigrationContext, change: ChangedFile) -> bool:
        if not change.path.endswith(".php"):
            return False
        if not ctx.is_migration_path(change.path, is_php_migration_path(change.path)):
            return False
        return which(change.path, mask(head_text(ctx, change), Lang.PHP)) == framework
    return pick


def _judge(style: Style) -> Callable[[MigrationContext], list[Finding]]:
    pick = _picker(style.framework)

    def judge(ctx: MigrationContext) -> list[Finding]:
        return judge_files(ctx, style, pick)
    judge.__doc__ = f"Judge every {style.framework} migration the PR adds or changes."
    return judge


FRAMEWORKS = (
    Framework("laravel", "Laravel", _judge(LARAVEL)),
    Framework("doctrine", "Doctrine Migrations", _judge(DOCTRINE)),
    Framework("phinx", "Phinx", _judge(PHINX)),
)
