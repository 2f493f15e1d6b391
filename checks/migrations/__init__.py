"""The `migrations` check: every migration a PR adds or changes keeps a working down step.

Each framework family lives in its own module and exposes `FRAMEWORKS`, a tuple of
`base.Framework`; rule ids, severities and fix messages live in `rules.py` only. A family's
module is imported only when the PR changes a file it may judge (`paths.MODULES`, which also
holds the order of precedence when two frameworks could claim one file): a PR without
migrations imports none of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from checks.migrations.paths import every_framework, frameworks_for
from checks.migrations.rules import RULES
from checks.model import Finding, Outcome, Severity, Snapshot, Status
from checks.spec import CheckSpec, Option

if TYPE_CHECKING:
    from checks.migrations.base import Framework, MigrationContext

# Every framework id, in the order of the support table; the `frameworks` option's keys.
FRAMEWORK_IDS = (
    "alembic", "django", "rails", "golang-migrate", "goose", "sql-migrate", "dbmate", "flyway",
    "liquibase", "knex", "sequelize", "typeorm", "prisma", "laravel", "doctrine", "phinx",
    "ef-core", "ecto", "diesel", "sqlx",
)


def __getattr__(name: str) -> tuple[Framework, ...]:
    # `FRAMEWORKS` stays importable for docs and tests, at the price of every module.
    if name == "FRAMEWORKS":
        return every_framework()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def warm() -> None:
    """Import every framework module, goose's Go scanner and the YAML parser Liquibase reads
    changelogs with, as a server process does before its first review."""
    from checks.migrations import gocode, liquibase_yaml  # noqa: F401

    every_framework()


DEFAULT_FLYWAY_LOCATIONS = ["db/migration", "src/main/resources/db/migration"]


_NONE = "No migration in this PR."


def _summary(ctx: MigrationContext, findings: list[Finding],
             names: Mapping[str, str]) -> tuple[Status, str]:
    units = {path: ctx.migration_of(path) or path for path in ctx.claimed()}
    if not units and not findings:
        return Status.PASS, _NONE
    counts: dict[str, int] = {}
    for unit in set(units.values()):
        framework_id = unit.split(":", 1)[0]
        counts[framework_id] = counts.get(framework_id, 0) + 1
    order = {framework_id: i for i, framework_id in enumerate(FRAMEWORK_IDS)}
    ranked = sorted(counts.items(), key=lambda item: order.get(item[0], len(order)))
    detail = ", ".join(f"{names.get(k, k)} {n}" for k, n in ranked)
    total = len(set(units.values()))
    noun = "migration" if total == 1 else "migrations"
    if not findings:
        return Status.PASS, f"{total} {noun} judged ({detail}); each can be rolled back."
    unjudged = {f.path for f in findings if f.rule and f.rule.endswith("-not-judged")}
    failing = [f for f in findings if f.severity is Severity.FAIL]
    if not failing:
        total = max(total, len(unjudged))
        noun = "migration" if total == 1 else "migrations"
        # Warnings that are not "could not read" say a rollback needs a look by hand.
        doubtful = {units.get(f.path or "", f.path) for f in findings
                    if f.path not in unjudged}
        if not doubtful:
            return Status.WARN, (f"{len(unjudged)} of {total} {noun} could not be read, so not "
                                 f"judged ({detail}); the rest can be rolled back.")
        unread = (f"; {len(unjudged)} could not be read, so not judged" if unjudged else "")
        return Status.WARN, (f"{len(doubtful)} of {total} {noun} may not roll back: check "
                             f"by hand ({detail} judged){unread}.")
    bad = len({units.get(f.path or "", f.path) for f in failing})
    total = max(total, bad)
    noun = "migration" if total == 1 else "migrations"
    return Status.FAIL, f"{bad} of {total} {noun} cannot be rolled back ({detail} judged)."


@dataclass(frozen=True)
class MigrationsOptions:
    """The migrations check's options; keys, defaults and docs are declared in `CHECK.options`."""

    frameworks: Mapping[str, bool]
    extra_globs: tuple[str, ...]
    flyway_locations: tuple[str, ...]


def check(snapshot: Snapshot, options: MigrationsOptions) -> Outcome:
    """Judge every migration the PR adds or changes, framework by framework."""
    loaded = frameworks_for(snapshot.files, bool(options.extra_globs))
    if not loaded:
        return Outcome(Status.PASS, _NONE, (), stats={"migrations": 0})
    from checks.migrations.base import MigrationContext

    ctx = MigrationContext(
        snapshot=snapshot,
        files=snapshot.files,
        extra_globs=options.extra_globs,
        flyway_locations=options.flyway_locations,
    )
    findings: list[Finding] = []
    for framework in loaded:
        if options.frameworks.get(framework.id, True):
            findings.extend(framework.judge(ctx))
    status, summary = _summary(ctx, findings, {fw.id: fw.name for fw in loaded})
    findings.sort(key=lambda f: (f.path or "", f.line or 0, f.rule or ""))
    migrations = len({ctx.migration_of(path) for path in ctx.claimed()})
    return Outcome(status, summary, tuple(findings), stats={"migrations": migrations})


CHECK = CheckSpec(
    id="migrations",
    title="Migrations can be rolled back",
    run=check,
    options_type=MigrationsOptions,
    rules=tuple(RULES),
    options={
        "frameworks": Option(
            dict.fromkeys(FRAMEWORK_IDS, True), "bool_map",
            "turn the judging of one framework's migrations on or off"),
        "extra_globs": Option(
            [], "glob_list",
            "extra folders or files that hold migrations (gitignore syntax), beside each "
            "framework's usual places"),
        "flyway_locations": Option(
            DEFAULT_FLYWAY_LOCATIONS, "str_list",
            "Flyway migration locations (folders, any monorepo prefix); a `U` undo file in any "
            "of them pairs with the `V` file of its version"),
    },
    description="Every new or changed migration has a down step that does something.",
)
