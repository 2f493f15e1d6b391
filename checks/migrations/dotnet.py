"""EF Core migrations: `Migrations/<timestamp>_<Name>.cs`, judged with the C# scanner.

Only the migration class is judged: its `.Designer.cs` partial and the `*ModelSnapshot.cs` are
generated state, never a migration. `Migration.Down` is virtual with an empty body, so a class
without a `Down` override reverts nothing. FluentMigrator classes share the folder and are left
alone.
"""

from __future__ import annotations

from posixpath import basename

from checks.lazyre import lazy_compile
from checks.migrations.base import Framework, MigrationContext
from checks.migrations.judge import Style, head_text, judge_files
from checks.migrations.lexer import Lang, mask
from checks.migrations.matcher import csharp_steps
from checks.migrations.paths import is_efcore_path
from checks.model import ChangedFile, Finding

_EF_NAME = lazy_compile(r"^\d{14}_\w+\.cs$")
_EF_CODE = lazy_compile(r"\bMigrationBuilder\b|Microsoft\.EntityFrameworkCore")
_OTHER_TOOL = lazy_compile(
    r"\bFluentMigrator\b|\bAutoReversingMigration\b|\b(?:Create|Delete)\.Table\b")
_RETURN = lazy_compile(r"\breturn\s*;")

STYLE = Style(
    framework="ef-core", rule="efcore", lang=Lang.CSHARP, steps=csharp_steps,
    refusal=lazy_compile(r"throw\b[ \t]*([^\n;]*)"),
    idle=lambda body: _RETURN.sub(lambda m: " " * len(m.group()), body),
)


def _pick(ctx: MigrationContext, change: ChangedFile) -> bool:
    if not change.path.endswith(".cs"):
        return False
    if not ctx.is_migration_path(change.path, is_efcore_path(change.path)):
        return False
    code = mask(head_text(ctx, change), Lang.CSHARP)
    if _OTHER_TOOL.search(code):
        return False
    return bool(_EF_CODE.search(code)) or bool(_EF_NAME.match(basename(change.path)))


def judge_efcore(ctx: MigrationContext) -> list[Finding]:
    """Judge every EF Core migration the PR adds or changes."""
    return judge_files(ctx, STYLE, _pick)


FRAMEWORKS = (Framework("ef-core", "EF Core", judge_efcore),)
