"""Knex, Sequelize and TypeORM migrations: `migrations/*.js|ts`, judged with the JS scanner.

The three share folders (`migrations/`, TypeORM's `src/migration/`), so the code says which one
wrote a file: a `MigrationInterface` class or a `queryRunner` is TypeORM, a `queryInterface` (or
`Sequelize`) is Sequelize, a `knex` parameter or import is Knex. A file none of them claims (an
index of migrations, another tool's migration) is not judged.
"""

from __future__ import annotations

from collections.abc import Callable
from posixpath import basename

from checks.lazyre import lazy_compile
from checks.migrations.base import Framework, MigrationContext
from checks.migrations.judge import Style, head_text, judge_files
from checks.migrations.lexer import Lang, mask
from checks.migrations.matcher import js_steps
from checks.migrations.paths import JS_EXTENSIONS, is_js_migration_path
from checks.model import ChangedFile, Finding

_SNIFF = (
    ("typeorm", lazy_compile(r"\bMigrationInterface\b|\bQueryRunner\b|\bqueryRunner\b")),
    ("sequelize", lazy_compile(r"\bqueryInterface\b|\bQueryInterface\b|\bSequelize\b")),
    ("knex", lazy_compile(r"\bknex\b|\bKnex\b")),
)

_REFUSAL = lazy_compile(
    r"throw\b[ \t]*([^\n;]*)|(?:(?:return|await)\s+)?Promise\.reject\s*\(([^\n;]*)")
_IDLE = lazy_compile(
    r"(?:return|await)?\s*Promise\.resolve\s*\(\s*\)\s*;?|\breturn\s*(?:null|undefined)?\s*;"
    r"|\breturn\s*$")


def _idle(body: str) -> str:
    return _IDLE.sub(lambda m: " " * len(m.group()), body)


def _style(framework: str) -> Style:
    return Style(framework=framework, rule=framework, lang=Lang.JS, steps=js_steps,
                 refusal=_REFUSAL, idle=_idle)


STYLES = {name: _style(name) for name, _ in _SNIFF}


def which(code_text: str) -> str | None:
    """Which framework wrote this (masked) code, or None when none of them did."""
    for name, pattern in _SNIFF:
        if pattern.search(code_text):
            return name
    return None


# The JSDoc type line of sequelize-cli's generated skeleton names the tool when the code does not
# (`async up() { ... }` with no `queryInterface` parameter).
_TYPED_AS = lazy_compile(r"@type\s*\{\s*import\(\s*['\"]sequelize-cli['\"]\s*\)")


def _typed_as(raw: str) -> str | None:
    return "sequelize" if _TYPED_AS.search(raw) else None


def _picker(framework: str) -> Callable[[MigrationContext, ChangedFile], bool]:
    def pick(ctx: MigrationContext, change: ChangedFile) -> bool:
        name = basename(change.path)
        if not name.endswith(JS_EXTENSIONS):
            return False
        if not ctx.is_migration_path(change.path, is_js_migration_path(change.path)):
            return False
        raw = head_text(ctx, change)
        return (which(mask(raw, Lang.JS)) or _typed_as(raw)) == framework
    return pick


def _judge(framework: str) -> Callable[[MigrationContext], list[Finding]]:
    pick = _picker(framework)

    def judge(ctx: MigrationContext) -> list[Finding]:
        return judge_files(ctx, STYLES[framework], pick)
    judge.__doc__ = f"Judge every {framework} migration the PR adds or changes."
    return judge


FRAMEWORKS = (
    Framework("knex", "Knex", _judge("knex")),
    Framework("sequelize", "Sequelize", _judge("sequelize")),
    Framework("typeorm", "TypeORM", _judge("typeorm")),
)
