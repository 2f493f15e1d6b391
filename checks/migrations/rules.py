"""Every rule of the migrations check, in one table: id, framework, defect, severity, fix message.

Rule ids are stable (`<framework>-<defect>`) and appear in reports, annotations and docs. A message
says how to fix the defect in the framework's own words; `{path}` and any field a module passes to
`base.finding(..., name=value)` are filled in, other braces are kept as written.

Defects used across frameworks:
- missing-down: the migration has no down step at all;
- empty-down: the down step is an untouched stub (empty, `pass`, comments only);
- refusing-down: the down step raises instead of reverting;
- deleted-down: the PR deletes an existing down file while its up file stays;
- no-reverse: an operation that cannot revert itself has no reverse given.
"""

from __future__ import annotations

from typing import NamedTuple

from checks.model import Severity


# A named tuple, not a frozen dataclass: ~0.06 ms to define instead of ~0.43 (issue 18).
class Rule(NamedTuple):
    """One rule: stable id, framework id, defect kind, message, severity."""

    id: str
    framework: str
    defect: str
    message: str
    severity: Severity = Severity.FAIL


def _table(*rules: Rule) -> dict[str, Rule]:
    out: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in out:
            raise ValueError(f"duplicate rule id {rule.id}")
        out[rule.id] = rule
    return out


_DELETED = ("This PR deletes {down} while {up} stays, so the migration can no longer be rolled "
            "back. Restore {down}, or delete both files if the migration itself goes.")

# --- Alembic, Django (Python) ---
_PYTHON = (
    Rule("alembic-missing-downgrade", "alembic", "missing-down",
         "Alembic revision {revision} has no `downgrade()` function. Add `def downgrade() -> None:`"
         " with the `op.*` calls that undo `upgrade()`."),
    Rule("alembic-empty-downgrade", "alembic", "empty-down",
         "`downgrade()` of Alembic revision {revision} does nothing (only `pass`, a docstring or "
         "comments) while `upgrade()` changes the schema. Write the `op.*` calls that undo "
         "`upgrade()` (e.g. `op.drop_table(...)` for `op.create_table(...)`)."),
    Rule("alembic-refusing-downgrade", "alembic", "refusing-down",
         "`downgrade()` of Alembic revision {revision} raises `{raised}` instead of undoing "
         "`upgrade()`. Replace the `raise` with the `op.*` calls that revert the change."),
    Rule("alembic-not-judged", "alembic", "not-judged",
         "{path} looks like an Alembic revision but does not parse as Python 3 ({reason}), so its "
         "`downgrade()` was not judged. Python 2 code, or syntax newer than the server's Python, "
         "does this: check the downgrade by hand.", Severity.WARN),
    Rule("django-not-judged", "django", "not-judged",
         "{path} looks like a Django migration but does not parse as Python 3 ({reason}), so its "
         "operations were not judged. Python 2 code, or syntax newer than the server's Python, "
         "does this: check that it can be unapplied by hand.", Severity.WARN),
    Rule("django-runpython-no-reverse", "django", "no-reverse",
         "`migrations.RunPython({code})` has no `reverse_code`, so `migrate` cannot unapply this "
         "migration. Pass `reverse_code=` a function that undoes it, or "
         "`migrations.RunPython.noop` if there is nothing to undo."),
    Rule("django-runsql-no-reverse", "django", "no-reverse",
         "`migrations.RunSQL(...)` has no `reverse_sql`, so `migrate` cannot unapply this "
         "migration. Pass `reverse_sql=` the SQL that undoes it, or `migrations.RunSQL.noop` if "
         "there is nothing to undo."),
)

# --- SQL-file frameworks ---
_SQL = (
    Rule("golang-migrate-missing-down", "golang-migrate", "missing-down",
         "{up} has no matching `{down}`. golang-migrate rolls back with the `.down.sql` file of "
         "the same version: create it (`migrate create -ext sql -seq <name>` makes both) with "
         "the statements that undo the up file."),
    Rule("golang-migrate-empty-down", "golang-migrate", "empty-down",
         "{path} is empty (or only comments), so `migrate down` would leave the schema changed. "
         "Write the statements that undo {up}."),
    Rule("golang-migrate-deleted-down", "golang-migrate", "deleted-down", _DELETED),
    Rule("goose-missing-down", "goose", "missing-down",
         "{path} has no `-- +goose Down` section. Add `-- +goose Down` followed by the "
         "statements that undo the `-- +goose Up` section."),
    Rule("goose-empty-down", "goose", "empty-down",
         "The `-- +goose Down` section of {path} is empty, so `goose down` would leave the schema "
         "changed. Write the statements that undo the `-- +goose Up` section under it."),
    Rule("goose-go-missing-down", "goose", "missing-down",
         "The goose Go migration in {path} registers a nil down function "
         "(`{call}`), so `goose down` cannot revert it. Pass a "
         "down function that undoes the up function."),
    Rule("goose-go-empty-down", "goose", "empty-down",
         "The down function {func} of the goose Go migration in {path} does nothing but "
         "`return nil`. Make it undo the up function (e.g. `tx.ExecContext(ctx, \"DROP ...\")`)."),
    Rule("sql-migrate-missing-down", "sql-migrate", "missing-down",
         "{path} has no `-- +migrate Down` section. Add `-- +migrate Down` followed by the "
         "statements that undo the `-- +migrate Up` section."),
    Rule("sql-migrate-empty-down", "sql-migrate", "empty-down",
         "The `-- +migrate Down` section of {path} is empty, so `sql-migrate down` would leave "
         "the schema changed. Write the statements that undo the `-- +migrate Up` section."),
    Rule("dbmate-missing-down", "dbmate", "missing-down",
         "{path} has no `-- migrate:down` section. Add `-- migrate:down` followed by the "
         "statements that undo the `-- migrate:up` section (`dbmate rollback` runs it)."),
    Rule("dbmate-empty-down", "dbmate", "empty-down",
         "The `-- migrate:down` section of {path} is empty, so `dbmate rollback` would leave the "
         "schema changed. Write the statements that undo the `-- migrate:up` section."),
    Rule("flyway-missing-undo", "flyway", "missing-down",
         "Versioned migration {path} has no undo migration `U{version}__<description>.sql` in any "
         "migration location. Add one with the statements that revert it (`flyway undo` runs it)."),
    # Undo migrations are a Flyway Teams feature: a repository with none at all rolls back some
    # other way, so failing each of its migrations would only get the check switched off.
    Rule("flyway-undo-unused", "flyway", "missing-down",
         "Versioned migration {path} cannot be rolled back by `flyway undo`, and this repository "
         "keeps no undo migrations at all (`U<version>__` files need Flyway Teams). Add "
         "`U{version}__<description>.sql` if you use undo; otherwise say in the PR how V{version} "
         "is reverted.", Severity.WARN),
    Rule("flyway-empty-undo", "flyway", "empty-down",
         "Undo migration {path} is empty (or only comments), so `flyway undo` would revert "
         "nothing. Write the statements that revert V{version}."),
    Rule("flyway-deleted-undo", "flyway", "deleted-down", _DELETED),
    Rule("liquibase-missing-rollback", "liquibase", "missing-down",
         "changeSet `{changeset}` uses `{change}`, which Liquibase cannot roll back by itself. Add "
         "a `rollback` block to the changeSet with the changes that undo it."),
    Rule("liquibase-sql-missing-rollback", "liquibase", "missing-down",
         "changeset `{changeset}` of formatted SQL changelog {path} has no `--rollback` line; "
         "Liquibase never generates rollback for SQL. Add `--rollback <statement>;` lines "
         "after the changeset's SQL."),
    Rule("prisma-missing-down", "prisma", "missing-down",
         "Prisma Migrate is forward-only: {path} has no `down.sql` beside it. While your database "
         "is still at the previous migration, generate one with `npx prisma migrate diff "
         "--from-schema-datamodel prisma/schema.prisma --to-schema-datasource "
         "prisma/schema.prisma --script > {down_path}` (roll back later with `prisma db execute "
         "--file {down_path}` and `prisma migrate resolve --rolled-back`), or record a waiver "
         "if this migration is meant to stay forward-only."),
    Rule("prisma-empty-down", "prisma", "empty-down",
         "{path} is empty (or only comments), so `prisma db execute --file {path}` would revert "
         "nothing. Regenerate it with `prisma migrate diff --from-schema-datamodel "
         "prisma/schema.prisma --to-schema-datasource prisma/schema.prisma --script`."),
    Rule("prisma-deleted-down", "prisma", "deleted-down", _DELETED),
    Rule("sqlx-missing-down", "sqlx", "missing-down",
         "{path} is a simple (forward-only) sqlx migration, so `sqlx migrate revert` cannot undo "
         "it. Make it reversible: rename it to `{stem}.up.sql` and add `{stem}.down.sql` with "
         "the statements that undo it (`sqlx migrate add -r <name>` creates such a pair)."),
    Rule("sqlx-missing-down-file", "sqlx", "missing-down",
         "{up} has no matching `{down}`, so `sqlx migrate revert` cannot undo it. Create it with "
         "the statements that undo the up file."),
    Rule("sqlx-empty-down", "sqlx", "empty-down",
         "{path} is empty (or only comments), so `sqlx migrate revert` would undo nothing. Write "
         "the statements that undo {up}."),
    Rule("sqlx-deleted-down", "sqlx", "deleted-down", _DELETED),
    Rule("diesel-missing-down", "diesel", "missing-down",
         "Diesel migration {dir} has no `down.sql`. Create it with the statements that undo "
         "`up.sql`, then check with `diesel migration redo`."),
    Rule("diesel-empty-down", "diesel", "empty-down",
         "{path} is still the generated stub (\"This file should undo anything in `up.sql`\"). "
         "Write the statements that undo `up.sql`, then check with `diesel migration redo`."),
    Rule("diesel-deleted-down", "diesel", "deleted-down", _DELETED),
)

# --- Rails, JS, PHP, EF Core, Ecto ---
_OTHERS: tuple[Rule, ...] = (
    Rule("rails-missing-down", "rails", "missing-down",
         "{path} defines `up` but no `down`, so `bin/rails db:rollback` cannot revert it. Add "
         "`def down` with the calls that undo `up` (e.g. `drop_table` for `create_table`), or "
         "write the migration as `def change` with reversible commands."),
    Rule("rails-empty-down", "rails", "empty-down",
         "`def down` in {path} does nothing while `up` changes the schema. Write the calls that "
         "undo `up` (e.g. `remove_column` for `add_column`)."),
    Rule("rails-refusing-down", "rails", "refusing-down",
         "`def down` in {path} raises `{raised}`, so `bin/rails db:rollback` stops here. Write the "
         "calls that undo `up` instead of raising."),
    Rule("rails-irreversible-change", "rails", "no-reverse",
         "`{command}` in `def change` of {path} cannot be reversed automatically ({why}), so "
         "`bin/rails db:rollback` raises `ActiveRecord::IrreversibleMigration`. Wrap it in "
         "`reversible do |dir| dir.up { ... }; dir.down { ... } end`, or use `def up`/`def down`."),
    Rule("knex-missing-down", "knex", "missing-down",
         "{path} exports `up` but no `down`, so `knex migrate:rollback` cannot revert it. Export "
         "`down(knex)` that undoes `up` (e.g. `knex.schema.dropTable(...)` for `createTable`)."),
    Rule("knex-empty-down", "knex", "empty-down",
         "`down` in {path} does nothing while `up` changes the schema. Make it undo `up` (e.g. "
         "`return knex.schema.dropTable(...)` for `createTable`)."),
    Rule("knex-refusing-down", "knex", "refusing-down",
         "`down` in {path} throws instead of reverting, so `knex migrate:rollback` fails. Make it "
         "undo `up` with `knex.schema` calls."),
    Rule("sequelize-missing-down", "sequelize", "missing-down",
         "{path} has `up` but no `down`, so `sequelize db:migrate:undo` cannot revert it. Add "
         "`async down (queryInterface, Sequelize)` that undoes `up` (e.g. "
         "`queryInterface.dropTable(...)` for `createTable`)."),
    Rule("sequelize-empty-down", "sequelize", "empty-down",
         "`down` in {path} does nothing (empty, or only comments like the generated \"Add "
         "reverting commands here\") while `up` changes the schema. Write the `queryInterface` "
         "calls that undo `up`."),
    Rule("sequelize-refusing-down", "sequelize", "refusing-down",
         "`down` in {path} throws instead of reverting, so `sequelize db:migrate:undo` fails. "
         "Write the `queryInterface` calls that undo `up`."),
    Rule("typeorm-missing-down", "typeorm", "missing-down",
         "The migration class in {path} has `up` but no `down`, so `typeorm migration:revert` "
         "cannot revert it. Add `public async down(queryRunner: QueryRunner): Promise<void>` "
         "with the queries that undo `up` (`migration:generate` writes both)."),
    Rule("typeorm-empty-down", "typeorm", "empty-down",
         "`down(queryRunner)` in {path} is empty while `up` changes the schema. Add the "
         "`queryRunner` calls that undo `up`."),
    Rule("typeorm-refusing-down", "typeorm", "refusing-down",
         "`down(queryRunner)` in {path} throws instead of reverting, so `typeorm migration:revert` "
         "fails. Add the `queryRunner` calls that undo `up`."),
    Rule("laravel-missing-down", "laravel", "missing-down",
         "The migration in {path} has `up()` but no `down()`, so `php artisan migrate:rollback` "
         "leaves its changes. Add `public function down(): void` that undoes `up()` (e.g. "
         "`Schema::dropIfExists(...)` for `Schema::create(...)`)."),
    Rule("laravel-empty-down", "laravel", "empty-down",
         "`down()` in {path} does nothing (the generated stub) while `up()` changes the schema. "
         "Undo `up()` in it (e.g. `$table->dropColumn(...)` inside `Schema::table(...)`)."),
    Rule("laravel-refusing-down", "laravel", "refusing-down",
         "`down()` in {path} throws instead of reverting, so `php artisan migrate:rollback` fails. "
         "Undo `up()` in it with `Schema` calls."),
    Rule("doctrine-missing-down", "doctrine", "missing-down",
         "Doctrine migration {path} has no `down(Schema $schema)`, so `doctrine:migrations:migrate "
         "prev` aborts (\"No down() migration implemented\"). Add it with the `$this->addSql(...)` "
         "statements that undo `up()`."),
    Rule("doctrine-empty-down", "doctrine", "empty-down",
         "`down(Schema $schema)` in {path} is empty (only the auto-generated comment) while `up()` "
         "changes the schema. Add the `$this->addSql(...)` statements that undo `up()`."),
    Rule("doctrine-irreversible-down", "doctrine", "refusing-down",
         "`down(Schema $schema)` in {path} refuses to run (`{raised}`), so the migration cannot be "
         "rolled back. Write the `$this->addSql(...)` statements that undo `up()`."),
    Rule("phinx-missing-down", "phinx", "missing-down",
         "Phinx migration {path} has `up()` but no `down()`, so `phinx rollback` cannot revert it. "
         "Add `down()` that undoes `up()`, or use a reversible `change()`."),
    Rule("phinx-empty-down", "phinx", "empty-down",
         "`down()` in {path} is empty while `up()` changes the schema. Undo `up()` in it (e.g. "
         "`$this->table('...')->drop()->save()`)."),
    Rule("phinx-refusing-down", "phinx", "refusing-down",
         "`down()` in {path} throws `{raised}`, so `phinx rollback` fails. Undo `up()` in it."),
    Rule("phinx-irreversible-change", "phinx", "no-reverse",
         "`{command}` in `change()` of {path} cannot be reversed by Phinx ({why}), so `phinx "
         "rollback` throws `IrreversibleMigrationException`. Guard it with "
         "`if ($this->isMigratingUp())` and undo it too, or use `up()`/`down()`."),
    Rule("efcore-missing-down", "ef-core", "missing-down",
         "EF Core migration {path} does not override `Down(MigrationBuilder migrationBuilder)`, so "
         "`dotnet ef database update <previous>` reverts nothing. Add the override with the "
         "`migrationBuilder` calls that undo `Up` (`dotnet ef migrations add` generates them)."),
    Rule("efcore-empty-down", "ef-core", "empty-down",
         "`Down(MigrationBuilder migrationBuilder)` in {path} is empty while `Up` changes the "
         "schema. Add the `migrationBuilder` calls that undo `Up` (e.g. `DropTable` for "
         "`CreateTable`)."),
    Rule("efcore-refusing-down", "ef-core", "refusing-down",
         "`Down` in {path} throws `{raised}`, so `dotnet ef database update <previous>` fails. "
         "Add the `migrationBuilder` calls that undo `Up`."),
    Rule("ecto-missing-down", "ecto", "missing-down",
         "Ecto migration {path} defines `up/0` but no `down/0`, so `mix ecto.rollback` cannot "
         "revert it. Add `def down do ... end` that undoes `up/0`, or use a reversible "
         "`change/0`."),
    Rule("ecto-empty-down", "ecto", "empty-down",
         "`down/0` in {path} does nothing while `up/0` changes the schema. Undo `up/0` in it (e.g. "
         "`drop table(...)` for `create table(...)`)."),
    Rule("ecto-refusing-down", "ecto", "refusing-down",
         "`down/0` in {path} raises, so `mix ecto.rollback` fails. Undo `up/0` in it."),
    Rule("ecto-irreversible-change", "ecto", "no-reverse",
         "`{command}` in `change/0` of {path} cannot be reversed ({why}), so `mix ecto.rollback` "
         "raises `Ecto.MigrationError`. Give the reverse (e.g. `execute(up_sql, down_sql)`, "
         "`remove :col, :type`), or define `up/0` and `down/0`."),
)

RULES: dict[str, Rule] = _table(*_PYTHON, *_SQL, *_OTHERS)
