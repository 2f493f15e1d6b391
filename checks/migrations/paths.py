"""Which framework modules a PR needs, decided from its paths alone (and, for two file kinds
that live anywhere, a substring of the diff), so the check imports only those modules.

Each framework module's rule is its own file test without the content sniffing: the extension,
and the folder test (`is_rails_path`, ...) unless the user's `extra_globs` may place a migration
anywhere. A rule may say yes to a file its module then declines; it must never say no to a file
the module would judge, or a finding would be lost. The modules use the folder tests below, so a
rule and its module cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from posixpath import basename
from typing import TYPE_CHECKING

from checks.lazyre import lazy_compile
from checks.model import ChangedFile, FileStatus

if TYPE_CHECKING:
    from checks.migrations.base import Framework


def dir_parts(path: str) -> tuple[str, ...]:
    """The folders of `path`, outermost first."""
    return tuple(path.split("/")[:-1])


# --- the frameworks' folders -----------------------------------------------------------------

# Alembic's `versions/` under any name teams give the folder; Django's `migrations` is one of them.
ALEMBIC_DIRS = frozenset({"versions", "alembic", "migrations", "migration", "revisions"})

_RAILS_MIGRATE_DIR = lazy_compile(r"^(?:migrate|\w+_migrate)$")


def is_rails_path(path: str) -> bool:
    """`db/migrate/*.rb`, a multi-database `db/<name>_migrate/`, under any monorepo prefix."""
    parts = dir_parts(path)
    return (path.endswith(".rb") and len(parts) >= 2 and parts[-2] == "db"
            and bool(_RAILS_MIGRATE_DIR.match(parts[-1])) and basename(path) != "schema.rb")


JS_EXTENSIONS = (".js", ".ts", ".cjs", ".mjs", ".cts", ".mts")
_JS_FOLDERS = frozenset({"migrations", "migration", "migrate"})
# Knex's `directory` and Sequelize's `migrations-path` are free: `knex_migrations`,
# `db-migrations`, `sqlMigrations`, per-dialect `migrations-sqlite` are common.
_JS_MIGRATION_DIR = lazy_compile(r"(?i)migrations?(?:$|[-_.])")


def is_js_migration_path(path: str) -> bool:
    """A JS/TS file in a folder named `migrations`, `migration` or `*_migrations` (any
    monorepo prefix)."""
    name = basename(path)
    if not name.endswith(JS_EXTENSIONS) or name.endswith((".d.ts", ".d.mts", ".d.cts")):
        return False
    return any(part in _JS_FOLDERS or _JS_MIGRATION_DIR.search(part) for part in dir_parts(path))


def is_php_migration_path(path: str) -> bool:
    """A `.php` file in a folder named like migrations (`database/migrations`, `Migrations`,
    `DoctrineMigrations`, `db/migrations`), under any monorepo prefix."""
    return path.endswith(".php") and any("migration" in part.lower() for part in dir_parts(path))


def is_efcore_path(path: str) -> bool:
    """A `.cs` file in a `Migrations` folder (any project, any monorepo prefix)."""
    lowered = basename(path).lower()
    if not lowered.endswith(".cs") or lowered.endswith((".designer.cs", "modelsnapshot.cs")):
        return False
    return any(part.lower() == "migrations" for part in dir_parts(path))


def is_ecto_path(path: str) -> bool:
    """`priv/<repo>/migrations/*.exs` (umbrella `apps/<app>/` and other prefixes included)."""
    parts = dir_parts(path)
    return (path.endswith(".exs") and len(parts) >= 2 and parts[-1] == "migrations"
            and "priv" in parts)


LIQUIBASE_SUFFIXES = (".xml", ".yaml", ".yml", ".json", ".sql")
# Liquibase and goose's Go migrations may sit in any folder: a file is theirs only when it says so.
LIQUIBASE_WORDS = ("changeSet", "changeset", "databaseChangeLog")
GOOSE_GO_WORD = "goose"


# --- one rule per framework module, in order of precedence --------------------------------------

# (file, whether an extra glob may make any file a migration) -> the module may judge it.
Rule = Callable[[ChangedFile, bool], bool]
_SQL_SUFFIXES = (".sql", ".cql")


def _python(change: ChangedFile, anywhere: bool) -> bool:
    return change.path.endswith(".py") and (anywhere or not ALEMBIC_DIRS.isdisjoint(
        dir_parts(change.path)))


def _ruby(change: ChangedFile, anywhere: bool) -> bool:
    return change.path.endswith(".rb") and (anywhere or is_rails_path(change.path))


def _js(change: ChangedFile, anywhere: bool) -> bool:
    if anywhere:
        return basename(change.path).endswith(JS_EXTENSIONS)
    return is_js_migration_path(change.path)


def _php(change: ChangedFile, anywhere: bool) -> bool:
    return change.path.endswith(".php") and (anywhere or is_php_migration_path(change.path))


def _dotnet(change: ChangedFile, anywhere: bool) -> bool:
    return change.path.endswith(".cs") and (anywhere or is_efcore_path(change.path))


def _elixir(change: ChangedFile, anywhere: bool) -> bool:
    return change.path.endswith((".exs", ".ex")) and (anywhere or is_ecto_path(change.path))


def _says(change: ChangedFile, words: tuple[str, ...]) -> bool:
    # Only files whose head the sniffing modules read (Liquibase, goose's Go scanner): they
    # pass over deleted, binary and purely renamed files before any content test, so the
    # diff's text of those is not built here either.
    if change.binary or change.status is FileStatus.REMOVED or change.is_pure_rename:
        return False
    return change.mentions(words)


def _liquibase(change: ChangedFile, anywhere: bool) -> bool:
    return (change.path.lower().endswith(LIQUIBASE_SUFFIXES)
            and _says(change, LIQUIBASE_WORDS))


def _sql(change: ChangedFile, anywhere: bool) -> bool:
    if change.path.lower().endswith(_SQL_SUFFIXES):
        return True
    return change.path.endswith(".go") and _says(change, (GOOSE_GO_WORD,))


# Each loader imports one framework module and returns its frameworks.
Load = Callable[[], "tuple[Framework, ...]"]


# One loader per module, spelled out: checks/ may not use importlib (tests/checks/test_purity.py
# reads its static imports), so no factory builds them from a module name.
def _load_python() -> tuple[Framework, ...]:
    from checks.migrations import python
    return python.FRAMEWORKS


def _load_ruby() -> tuple[Framework, ...]:
    from checks.migrations import ruby
    return ruby.FRAMEWORKS


def _load_js() -> tuple[Framework, ...]:
    from checks.migrations import js
    return js.FRAMEWORKS


def _load_php() -> tuple[Framework, ...]:
    from checks.migrations import php
    return php.FRAMEWORKS


def _load_dotnet() -> tuple[Framework, ...]:
    from checks.migrations import dotnet
    return dotnet.FRAMEWORKS


def _load_elixir() -> tuple[Framework, ...]:
    from checks.migrations import elixir
    return elixir.FRAMEWORKS


def _load_liquibase() -> tuple[Framework, ...]:
    from checks.migrations import liquibase
    return liquibase.FRAMEWORKS


def _load_sql() -> tuple[Framework, ...]:
    from checks.migrations import sql
    return sql.FRAMEWORKS


# Per module: its loader, every file ending its rule may say yes to (one extension each,
# matched case-insensitively; a test holds each rule to them) and the rule. A file is asked
# only of the rules of its extension, not of all eight.
Module = tuple[Load, tuple[str, ...], Rule]

# The order of precedence when two frameworks could claim one file: modules in this order, and
# each module's `FRAMEWORKS` in its own order.
MODULES: tuple[Module, ...] = (
    (_load_python, (".py",), _python),
    (_load_ruby, (".rb",), _ruby),
    (_load_js, JS_EXTENSIONS, _js),
    (_load_php, (".php",), _php),
    (_load_dotnet, (".cs",), _dotnet),
    (_load_elixir, (".exs", ".ex"), _elixir),
    (_load_liquibase, LIQUIBASE_SUFFIXES, _liquibase),
    (_load_sql, (*_SQL_SUFFIXES, ".go"), _sql),
)


def _by_extension() -> dict[str, tuple[int, ...]]:
    """Lower-cased extension -> the indexes in MODULES of the rules that may want it."""
    out: dict[str, tuple[int, ...]] = {}
    for index, (_, endings, _) in enumerate(MODULES):
        for ending in endings:
            extension = ending[1:].lower()
            out[extension] = (*out.get(extension, ()), index)
    return out


_RULES_BY_EXTENSION = _by_extension()


def frameworks_for(files: tuple[ChangedFile, ...], anywhere: bool) -> tuple[Framework, ...]:
    """The frameworks of every module that may judge one of `files`, in order of precedence;
    only those modules are imported."""
    wanted: set[int] = set()
    for change in files:
        path = change.path
        # The text after the last dot: a path ending in `.py` has "py" there, whatever its case.
        for index in _RULES_BY_EXTENSION.get(path[path.rfind(".") + 1:].lower(), ()):
            if index not in wanted and MODULES[index][2](change, anywhere):
                wanted.add(index)
    out: tuple[Framework, ...] = ()
    for index in sorted(wanted):
        out += MODULES[index][0]()
    return out


def every_framework() -> tuple[Framework, ...]:
    """Every framework, in order of precedence (this imports every framework module)."""
    out: tuple[Framework, ...] = ()
    for load, _, _ in MODULES:
        out += load()
    return out
