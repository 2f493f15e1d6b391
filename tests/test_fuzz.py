"""Fuzz the engine, the renderers and the command line with realistic-but-mutated PRs.

The strategies build what real PRs carry (`git diff` blocks and GitHub `files[]` entries for
migrations of many frameworks, code, config with secret-looking values, notebooks, binaries,
renames, mode changes) and then break them the way the wild does: CRLF, non-ASCII and lone
surrogates, odd line separators, huge lines, unterminated strings, comments and heredocs.
CI runs a bounded, derandomised session; `SHIPSHAPE_FUZZ_EXAMPLES=20000` runs a long random one.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import checks
from checks.config import COMMON_CHECK_OPTIONS, GLOBAL_OPTIONS
from checks.model import ChangedFile, FileStatus, Report, Snapshot
from checks.render.annotations import to_annotations
from checks.render.markdown import render_markdown
from checks.render.text import render_text
from checks.spec import Option
from cli.main import main as cli_main
from tests.growth import FACTOR, assert_linear
from tests.shared import report_validator

_LONG = int(os.environ.get("SHIPSHAPE_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=_LONG or 60,
    deadline=None,
    derandomize=not _LONG,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much, HealthCheck.large_base_example],
)
CHECK_IDS = tuple(spec.id for spec in checks.REGISTRY)
VALIDATOR = report_validator()

# ---------------------------------------------------------------------------------------------
# Realistic content, per kind of file: (paths a real repository uses, lines such files hold).

_PY = [
    "from django.db import models", "import sqlalchemy as sa", "from alembic import op", "",
    "class Invoice(models.Model):", "    total = models.DecimalField(max_digits=12, "
    "decimal_places=2)", "    def __str__(self) -> str:", '        return f"Invoice {self.pk}"',
    '    """Docstring that never ends', "    # TODO: BILL-12 rounding", "    x = '''",
    "def total(lines):", "    return sum(line.amount for line in lines)", "    pass",
    "@pytest.mark.django_db", "def test_total(invoice):", "    assert invoice.total == 3",
    "if __name__ == '__main__':", "    main()", "\tindented_with_tab = True",
]
_DJANGO = [
    "from django.db import migrations, models", "", "class Migration(migrations.Migration):",
    "    dependencies = [('billing', '0006_auto_20240101_1200')]", "    operations = [",
    "        migrations.AddField(model_name='invoice', name='total', "
    "field=models.IntegerField(default=0)),",
    "        migrations.RunPython(forwards),", "        migrations.RunPython(forwards, "
    "migrations.RunPython.noop),",
    "        migrations.RunSQL('ALTER TABLE invoice ADD COLUMN x int', reverse_sql="
    "migrations.RunSQL.noop),",
    "        migrations.RunSQL(\"\"\"", "        DROP TABLE legacy;", "        \"\"\"),",
    "        migrations.DeleteModel(name='Legacy'),",
    "        migrations.RemoveField(model_name='invoice', name='old'),", "    ]",
    "def forwards(apps, schema_editor):", "    Invoice = apps.get_model('billing', 'Invoice')",
]
_ALEMBIC = [
    '"""add invoice total', "", "Revision ID: 3f2a1b9c", "Revises: 1a2b3c4d", '"""',
    "from alembic import op", "import sqlalchemy as sa", "revision = '3f2a1b9c'",
    "down_revision = '1a2b3c4d'", "def upgrade() -> None:",
    "    op.add_column('invoice', sa.Column('total', sa.Integer(), nullable=True))",
    "    op.drop_table('legacy')", "    op.execute(\"UPDATE invoice SET total = 0\")",
    "def downgrade() -> None:", "    pass", "    op.drop_column('invoice', 'total')",
    "    raise NotImplementedError()", "    # ### end Alembic commands ###",
]
_RUBY = [
    "class AddTotalToInvoices < ActiveRecord::Migration[7.1]", "  def change",
    "    add_column :invoices, :total, :decimal, precision: 12, scale: 2",
    "    remove_column :invoices, :legacy", "    drop_table :legacy_items", "  end",
    "  def up", "    execute <<~SQL", "      UPDATE invoices SET total = 0;", "    SQL",
    "  def down", "    raise ActiveRecord::IrreversibleMigration", "    execute <<-EOS",
    "    reversible do |dir|", "      dir.up { change_column_null :invoices, :total, false }",
    "end", "# frozen_string_literal: true", "  it 'totals' do", "    expect(total).to eq(3)",
]
_GO = [
    "package billing", "", "import (", '\t"context"', '\t"database/sql"', ")",
    "func Total(lines []Line) int {", "\treturn 0", "}", "func TestTotal(t *testing.T) {",
    "\tif Total(nil) != 0 { t.Fatal(\"x\") }", "func init() {",
    "\tgoose.AddMigrationContext(upAddTotal, downAddTotal)",
    "func upAddTotal(ctx context.Context, tx *sql.Tx) error {",
    "\t_, err := tx.ExecContext(ctx, `ALTER TABLE invoice ADD COLUMN total int`)",
    "func downAddTotal(ctx context.Context, tx *sql.Tx) error {", "\treturn nil", "\t`",
    "/* unterminated comment",
]
_TS = [
    "import { Knex } from 'knex';", "export async function up(knex: Knex): Promise<void> {",
    "  await knex.schema.alterTable('invoice', (t) => { t.integer('total'); });", "}",
    "export async function down(knex: Knex): Promise<void> {}",
    "export class AddTotal1700000000000 implements MigrationInterface {",
    "  public async up(queryRunner: QueryRunner): Promise<void> {",
    "    await queryRunner.query(`ALTER TABLE \"invoice\" ADD \"total\" integer`);",
    "  public async down(queryRunner: QueryRunner): Promise<void> {", "  }",
    "module.exports = {", "  up: async (queryInterface, Sequelize) => {",
    "  down: async () => {},", "};", "const s = `template ${", "// BILL-7 follow-up",
    "describe('Invoice', () => { it('totals', () => expect(total([])).toBe(0)); });",
    "export const Invoice = ({ total }: Props) => <span>{total}</span>;",
]
_SQL = [
    "-- +goose Up", "-- +goose Down", "-- +goose StatementBegin", "-- +goose StatementEnd",
    "-- +migrate Up", "-- +migrate Down", "-- migrate:up", "-- migrate:down",
    "ALTER TABLE invoice ADD COLUMN total integer NOT NULL DEFAULT 0;",
    "ALTER TABLE invoice DROP COLUMN total;", "DROP TABLE IF EXISTS legacy;",
    "CREATE TABLE invoice (id bigserial PRIMARY KEY, total numeric(12, 2));",
    "CREATE INDEX CONCURRENTLY idx_invoice_total ON invoice (total);",
    "UPDATE invoice SET total = 0 WHERE note = 'it''s';", "/* block comment", "*/",
    "CREATE FUNCTION f() RETURNS trigger AS $$", "BEGIN RETURN NEW; END;", "$$ LANGUAGE plpgsql;",
    "SELECT 'unterminated", "-- nothing to undo", "BEGIN;", "COMMIT;",
]
_LIQUIBASE_XML = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">',
    '  <changeSet id="12" author="ana">', '    <addColumn tableName="invoice">',
    '      <column name="total" type="int"/>', "    </addColumn>", "    <rollback>",
    '      <dropColumn tableName="invoice" columnName="total"/>', "    </rollback>",
    '    <sql>DROP TABLE legacy</sql>', "    <rollback/>", "  </changeSet>",
    "</databaseChangeLog>", "<!-- unterminated comment", "<![CDATA[", '<include file="x.xml"/>',
]
_LIQUIBASE_YAML = [
    "databaseChangeLog:", "  - changeSet:", "      id: 12", "      author: ana",
    "      changes:", "        - addColumn:", "            tableName: invoice",
    "            columns:", "              - column: {name: total, type: int}",
    "      rollback:", "        - dropColumn: {tableName: invoice, columnName: total}",
    "        - sql: DROP TABLE legacy", "  - include: {file: changes/002.yaml}", "      - [",
]
_PHP = [
    "<?php", "use Illuminate\\Database\\Migrations\\Migration;",
    "return new class extends Migration", "{", "    public function up(): void",
    "        Schema::table('invoices', function (Blueprint $table) {",
    "            $table->integer('total')->default(0);", "        });",
    "    public function down(): void", "    {", "    }", "        Schema::dropIfExists('x');",
    "        $this->addSql('ALTER TABLE invoice ADD total INT');", "/** unterminated docblock",
]
_ELIXIR = [
    "defmodule Billing.Repo.Migrations.AddTotal do", "  use Ecto.Migration", "  def change do",
    "    alter table(:invoices) do", "      add :total, :integer", "    end", "  def up do",
    "    execute \"UPDATE invoices SET total = 0\"", "  def down do", "end", '    """',
    "    remove :legacy",
]
_CSHARP = [
    "using Microsoft.EntityFrameworkCore.Migrations;", "namespace Billing.Migrations",
    "public partial class AddTotal : Migration", "{",
    "    protected override void Up(MigrationBuilder migrationBuilder)",
    "        migrationBuilder.AddColumn<int>(name: \"Total\", table: \"Invoices\");",
    "    protected override void Down(MigrationBuilder migrationBuilder)", "    {", "    }",
    "        migrationBuilder.DropTable(name: \"Legacy\");", "    @\"verbatim string",
]
_JAVA = [
    "package com.acme.billing;", "public class InvoiceService {",
    "    public int total(List<Line> lines) { return 0; }", "}", "@Test",
    "void totals() { assertEquals(0, service.total(List.of())); }", "    /* never closed",
    "    String s = \"\"\"", "fun total(lines: List<Line>): Int = 0",
]
_DOCS = [
    "# Billing", "", "---", "id: BILL-12", "title: Invoice totals", "---",
    "As a customer I want totals.", "```python", "print('x')", "<details>", "| a | b |",
]
_NOTEBOOK = [
    "{", ' "cells": [', "  {", '   "cell_type": "code",', '   "execution_count": 1,',
    '   "metadata": {},', '   "outputs": [],', '   "source": [',
    '    "import pandas as pd\\n",', '    "df = pd.read_csv(\'x.csv\')"', "   ]", "  }", " ],",
    ' "nbformat": 4,', ' "nbformat_minor": 5', "}",
]
_CONFIG = [
    "database:", "  host: db.internal", "  password: hunter2", "api_key: ${API_KEY}",
    "DATABASE_URL=postgres://app:changeme@localhost:5432/app", "DEBUG=true", "{",
    '  "ConnectionStrings": {"Default": "Server=db;User Id=sa;Password=Passw0rd!;"},', "}",
    "export AWS_REGION=eu-west-1", "token: \"\"", "secret: '", "key: |",
]

# Paths real repositories use for each kind; several kinds share the line pool of a language.
_KINDS: dict[str, tuple[list[str], list[str]]] = {
    "python": (["billing/models.py", "src/billing/services/invoice.py", "app/__init__.py",
                "scripts/sync.py"], _PY),
    "python-test": (["tests/test_invoice.py", "billing/tests/test_views.py",
                     "tests/conftest.py"], _PY),
    "django": (["billing/migrations/0007_invoice_total.py", "app/migrations/0001_initial.py"],
               _DJANGO),
    "alembic": (["alembic/versions/3f2a1b9c_add_total.py", "migrations/versions/1a2b_x.py",
                 "db/alembic/versions/2024_01_05_add.py"], _ALEMBIC),
    "rails": (["db/migrate/20240105120000_add_total_to_invoices.rb",
               "db/migrate/20240106120000_drop_legacy.rb"], _RUBY),
    "ruby": (["app/models/invoice.rb", "spec/models/invoice_spec.rb", "lib/billing.rb"], _RUBY),
    "go": (["internal/billing/invoice.go", "internal/billing/invoice_test.go",
            "db/migrations/20240105120000_add_total.go", "cmd/api/main.go"], _GO),
    "ts": (["web/src/components/Invoice.tsx", "web/src/components/Invoice.test.tsx",
            "migrations/20240105120000_add_total.ts", "src/migration/1700000000000-AddTotal.ts",
            "src/migrations/20240105-add-total.js", "db/migrations/20240105_add.js"], _TS),
    "sql": (["db/migrations/000012_add_total.up.sql", "db/migrations/000012_add_total.down.sql",
             "db/migration/V3__add_total.sql", "db/migration/U3__add_total.sql",
             "db/migrations/20240105120000_add_total.sql",
             "migrations/2024-01-05-120000_add_total/up.sql",
             "migrations/2024-01-05-120000_add_total/down.sql",
             "prisma/migrations/20240105120000_add_total/migration.sql",
             "migrations/20240105120000_add_total.up.sql", "db/schema.sql"], _SQL),
    "liquibase-xml": (["src/main/resources/db/changelog/changes/001-add-total.xml",
                       "src/main/resources/db/changelog/db.changelog-master.xml"],
                      _LIQUIBASE_XML),
    "liquibase-yaml": (["src/main/resources/db/changelog/changes/002-add.yaml",
                        "db/changelog/db.changelog-master.yml"], _LIQUIBASE_YAML),
    "php": (["database/migrations/2024_01_05_000000_add_total_to_invoices.php",
             "migrations/Version20240105120000.php", "db/migrations/20240105120000_add.php",
             "src/Service/Invoice.php", "tests/Unit/InvoiceTest.php"], _PHP),
    "elixir": (["priv/repo/migrations/20240105120000_add_total.exs", "lib/billing/invoice.ex",
                "test/billing/invoice_test.exs"], _ELIXIR),
    "csharp": (["src/Billing/Migrations/20240105120000_AddTotal.cs",
                "src/Billing/Migrations/20240105120000_AddTotal.Designer.cs",
                "src/Billing/InvoiceService.cs", "tests/Billing.Tests/InvoiceServiceTests.cs"],
               _CSHARP),
    "java": (["src/main/java/com/acme/billing/InvoiceService.java",
              "src/test/java/com/acme/billing/InvoiceServiceTest.java",
              "app/src/main/kotlin/com/acme/Invoice.kt"], _JAVA),
    "docs": (["README.md", "docs/work/features/billing/stories/BILL-12-story.md",
              "CHANGELOG.md"], _DOCS),
    "notebook": (["notebooks/analysis.ipynb"], _NOTEBOOK),
    "config": ([".env", ".env.production", "config/settings.yml", "appsettings.json",
                ".github/workflows/ci.yml", "docker-compose.yml", "k8s/secret.yaml"], _CONFIG),
}
_ODD_PATHS = ["a b/c d.py", "café/naïve.py", "日本/ファイル.ts", "-leading-dash.py", ".hidden",
              "x" * 200 + ".py", "deep/" * 30 + "x.go", "Makefile", "LICENSE", "a/b/c",
              "tab\there.py", "migrations/", "db/migrate/.rb", "vendor/lib/x.go",
              "node_modules/pkg/index.js", "package-lock.json", "dist/app.min.js",
              "src/generated/api.pb.go", "app/caf\ud800.py", "db/migrate/\udcff_x.rb"]

# Fragments that break naive scanners: unterminated strings/comments/heredocs, odd separators.
_NASTY = [
    '"', "'", '"""', "'''", "`", "/*", "*/", "<!--", "-->", "<<~SQL", "<<-EOS", "$$", "\\",
    "${", "#{", "{{", "}}", "(" * 40, ")" * 40, "[" * 200, "{" * 100 + "}" * 99, "\x00", "\r",
    "\x0b", "\x0c", "\x1c", "\x1e", "\x85", "\u2028", "\u2029", "\ud800", "\udfff", "\ufeff",
    "\u202e", "\x1b[31m", "é", "𝔘𝔫𝔦", "日本語", "\t", "#", "--", ";", "@@ -1 +1 @@", "+++ b/x",
    "--- a/x", "diff --git a/x b/x", "\\ No newline at end of file", "%}", "?>", "]]>", "=",
    ": ", "- ", "&", "<", ">", "|", "*", "AKIA", "ghp_", "-----BEGIN", "password=", "://u:p@h",
]
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


@st.composite
def secret_like(draw: st.DrawFn) -> str:
    """A value shaped like a credential, assembled at run time (no literal secret here)."""
    def chars(alphabet: str, n: int) -> str:
        return draw(st.text(alphabet=alphabet, min_size=n, max_size=n))

    upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    kind = draw(st.integers(0, 8))
    if kind == 0:
        return "gh" + "p_" + chars(_ALNUM, 36)
    if kind == 1:
        return "AK" + "IA" + chars(upper, 16)
    if kind == 2:
        return "-----BEGIN " + "RSA PRIVATE KEY-----"
    if kind == 3:
        return "postgres://app:" + chars(_ALNUM, 12) + "@db.internal:5432/app"
    if kind == 4:
        return "xo" + "xb-" + chars("0123456789", 11) + "-" + chars(_ALNUM, 24)
    if kind == 5:
        return "sk" + "_live_" + chars(_ALNUM, 24)
    if kind == 6:
        return "password: " + chars(_ALNUM + "!@#$%^&*", draw(st.integers(0, 40)))
    if kind == 7:
        return "eyJ" + chars(_ALNUM, 20) + "." + chars(_ALNUM, 30) + "." + chars(_ALNUM, 10)
    return 'api_key = "' + chars(_ALNUM + "+/=", draw(st.integers(0, 64))) + '"'


def _no_newline(text: str) -> str:
    return text.replace("\n", " ")


@st.composite
def mutated_line(draw: st.DrawFn, pool: list[str]) -> str:
    """A realistic line of `pool`, sometimes broken the way real files break."""
    line = draw(st.sampled_from(pool))
    how = draw(st.integers(0, 12))
    if how <= 5:
        return line
    if how == 6:
        return line[: draw(st.integers(0, len(line)))]
    if how == 7:
        at = draw(st.integers(0, len(line)))
        return line[:at] + draw(st.sampled_from(_NASTY)) + line[at:]
    if how == 8:
        return draw(secret_like())
    if how == 9:
        return _no_newline(draw(st.text(max_size=80)))
    if how == 10:
        return draw(st.sampled_from(["x", " ", "(", '"', "a-", "é", "="])) * draw(
            st.integers(1000, 20000))
    if how == 11:
        depth = draw(st.integers(1, 400))
        return "(" * depth + "[{" + line + "}]" + ")" * draw(st.integers(0, depth))
    return line + " " + draw(st.sampled_from(_NASTY)) * draw(st.integers(1, 30))


@st.composite
def file_lines(draw: st.DrawFn, pool: list[str], max_size: int = 25) -> list[str]:
    """The lines of one file version."""
    return draw(st.lists(mutated_line(pool), max_size=max_size))


# ---------------------------------------------------------------------------------------------
# One changed file, and its two shapes: a `git diff` block and a GitHub `files[]` entry.

@st.composite
def changes(draw: st.DrawFn) -> dict[str, Any]:
    """One change: status, paths, both versions' lines, and how git would print it."""
    kind = draw(st.sampled_from(sorted(_KINDS)))
    paths, pool = _KINDS[kind]
    path = draw(st.sampled_from(paths) if draw(st.integers(0, 9)) else st.sampled_from(_ODD_PATHS))
    status = draw(st.sampled_from(["added", "added", "modified", "modified", "removed",
                                   "renamed", "mode", "binary", "empty"]))
    old = draw(file_lines(pool)) if status in ("modified", "removed", "renamed") else []
    new: list[str] = []
    if status == "added":
        new = draw(file_lines(pool, 40))
    elif status in ("modified", "renamed") and old and draw(st.booleans()):
        new = _edit(draw, old, pool)
    elif status == "modified":
        new = old + draw(file_lines(pool, 5))
    elif status == "renamed":
        new = list(old)
    return {
        "path": path, "status": status, "old": old, "new": new,
        "old_path": draw(st.sampled_from([*paths, "old/" + path])) if status == "renamed" else None,
        "crlf": draw(st.integers(0, 6)) == 0,
        "eof_newline": draw(st.integers(0, 5)) != 0,
        "patch_missing": draw(st.integers(0, 7)) == 0,
        "quote_path": draw(st.integers(0, 9)) == 0,
    }


def _edit(draw: st.DrawFn, old: list[str], pool: list[str]) -> list[str]:
    new = list(old)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(new)))
        op = draw(st.integers(0, 2))
        if op == 0 and new:
            del new[min(at, len(new) - 1)]
        elif op == 1 and new:
            new[min(at, len(new) - 1)] = draw(mutated_line(pool))
        else:
            new[at:at] = draw(file_lines(pool, 6))
    return new


def _blob(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:7]


def _quoted(prefix: str, path: str, quote: bool) -> str:
    if not quote or (path.isascii() and "\"" not in path and "\t" not in path):
        return prefix + path
    raw = (prefix + path).encode("utf-8", "surrogatepass")
    return '"' + "".join(chr(b) if 32 <= b < 127 and b not in (34, 92) else f"\\{b:03o}"
                         for b in raw) + '"'


def _hunks(change: dict[str, Any], old_name: str, new_name: str) -> str:
    """The `@@` part of a change, as difflib (and git, with 3 lines of context) prints it."""
    eol = "\r\n" if change["crlf"] else "\n"
    old = [line + eol for line in change["old"]]
    new = [line + eol for line in change["new"]]
    if not change["eof_newline"]:  # a last line without newline is never an empty one
        if old and change["old"][-1]:
            old[-1] = old[-1][: -len(eol)]
        if new and change["new"][-1]:
            new[-1] = new[-1][: -len(eol)]
    out = []
    for line in difflib.unified_diff(old, new, old_name, new_name, n=3, lineterm="\n"):
        if line.startswith(("---", "+++")):
            continue
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _header(change: dict[str, Any]) -> tuple[str, str, str]:
    path, old_path, q = change["path"], change["old_path"] or change["path"], change["quote_path"]
    a, b = _quoted("a/", old_path, q), _quoted("b/", path, q)
    head = f"diff --git {a} {b}\n"
    old_text, new_text = "\n".join(change["old"]), "\n".join(change["new"])
    status = change["status"]
    if status in ("added", "empty", "binary"):
        head += f"new file mode 100644\nindex 0000000..{_blob(new_text)}\n"
        return head, "/dev/null", b
    if status == "removed":
        head += f"deleted file mode 100644\nindex {_blob(old_text)}..0000000\n"
        return head, a, "/dev/null"
    if status == "renamed":
        same = change["old"] == change["new"]
        head += (f"similarity index {100 if same else 87}%\nrename from {old_path}\n"
                 f"rename to {path}\n")
        if not same:
            head += f"index {_blob(old_text)}..{_blob(new_text)} 100644\n"
        return head, a, b
    if status == "mode":
        return head + "old mode 100644\nnew mode 100755\n", a, b
    return head + f"index {_blob(old_text)}..{_blob(new_text)} 100644\n", a, b


def diff_block(change: dict[str, Any]) -> str:
    """The change as one `git diff` file block."""
    head, old_name, new_name = _header(change)
    if change["status"] == "binary":
        return head + f"Binary files /dev/null and {new_name} differ\n"
    body = _hunks(change, old_name, new_name)
    if not body:
        return head
    return head + f"--- {old_name}\n+++ {new_name}\n" + body


_GITHUB_STATUS = {"added": "added", "empty": "added", "binary": "added", "removed": "removed",
                  "modified": "modified", "mode": "changed", "renamed": "renamed"}


def files_entry(change: dict[str, Any]) -> dict[str, Any]:
    """The change as an item of GitHub's 'list pull request files'."""
    body = "" if change["status"] == "binary" else _hunks(change, "a", "b")
    plus = sum(1 for line in body.splitlines() if line.startswith("+"))
    minus = sum(1 for line in body.splitlines() if line.startswith("-"))
    entry: dict[str, Any] = {"filename": change["path"], "status": _GITHUB_STATUS[change["status"]],
                             "additions": plus, "deletions": minus, "changes": plus + minus}
    if change["old_path"]:
        entry["previous_filename"] = change["old_path"]
    if body and not change["patch_missing"]:
        entry["patch"] = body.rstrip("\n")
    return entry


# ---------------------------------------------------------------------------------------------
# The rest of a PR: title, body, branch, commits, repository files, waivers.

_REFS = ["BILL-123", "#12", "acme/billing#7", "https://github.com/acme/billing/issues/3",
         "AB#123", "Fixes #1", "closes acme/x#2", "UTF-8", "SHA-256", "CVE-2024-1234", "X-509",
         "OPS-0", "bill-12", "A-1", "ABCDEFGHIJKLMNOP-99999999999999999999", "#0", "#", "AB#",
         "[BILL-12]", "(BILL-12)", "BILL-12:", "feature/BILL-12-invoices", "BILL-", "-12"]
_PROSE = ["Add invoice totals", "WIP", "fixup! Add totals", "squash! x", "tmp", "Merge branch "
          "'main' into feature/BILL-12", "Merge pull request #5 from acme/x", "```python",
          "```", "<details><summary>x</summary>", "<!-- hidden BILL-99 -->", "<script>", "@ana",
          "**bold** _it_ `code`", "| a | b |", "- [ ] task", "> quote", "\r\n", "\n\n",
          "Co-authored-by: Ana <ana@example.com>", "Signed-off-by: x", "日本語のタイトル",
          "🚀 ship it", "\u202eevil", "\ud83d", "\x00", " " * 3, "a" * 300]


@st.composite
def prose(draw: st.DrawFn, max_parts: int = 6) -> str:
    """A title, body, branch or commit message: references, markdown, HTML, unicode."""
    parts = draw(st.lists(st.one_of(st.sampled_from(_REFS), st.sampled_from(_PROSE),
                                    st.text(max_size=30)), max_size=max_parts))
    seps = draw(st.sampled_from([" ", "\n", "", "/", "-", "_"]))
    text = seps.join(parts)
    if draw(st.integers(0, 30)) == 0:
        text *= draw(st.integers(100, 3000))
    return text


@st.composite
def commit_list(draw: st.DrawFn, paths: list[str]) -> list[dict[str, Any]] | None:
    """None (diff-only), or commits with empty, huge, merge and None fields."""
    if draw(st.integers(0, 4)) == 0:
        return None
    commits = []
    for index in range(draw(st.integers(0, 8))):
        commit: dict[str, Any] = {
            "sha": draw(st.sampled_from([f"{index:040x}", "", "not-a-sha", "a" * 40])),
            "message": draw(prose(10)),
        }
        for key, strategy in (
            ("author", st.sampled_from(["ana", "dependabot[bot]", "renovate[bot]", "", "Zoë"])),
            ("parents", st.integers(0, 3)), ("additions", st.integers(0, 5000)),
            ("deletions", st.integers(0, 5000)),
            ("files", st.lists(st.sampled_from(paths or ["x.py"]), max_size=5)),
        ):
            if draw(st.booleans()):
                commit[key] = draw(st.one_of(st.none(), strategy))
        commits.append(commit)
    return commits


@st.composite
def repo_file_list(draw: st.DrawFn, paths: list[str]) -> list[str] | None:
    """None (unknown) or the head tree: the PR's files, their tests, story files, noise."""
    if draw(st.integers(0, 3)) == 0:
        return None
    extra = ["tests/test_models.py", "billing/tests/test_models.py", "spec/models/invoice_spec.rb",
             "internal/billing/invoice_test.go", "web/src/components/Invoice.test.tsx",
             "docs/work/features/billing/stories/BILL-123-story.md",
             "docs/work/features/billing/stories/invoice-totals-story.md",
             "docs/work/features/x/stories/-story.md", "", "/", "docs/work/features/a/stories/"]
    return draw(st.lists(st.sampled_from(paths + extra), max_size=15))


_SAFE_REGEXES = [r"(?P<id>[A-Z]{2,}-\d+)", r"TICKET-(\d+)", r"(?i)jira:\s*(\w+-\d+)", r"",
                 r"\b", r"(?P<id>)", r"(x)?", r"(a)|(b)", r"^", r"#(\d+)", r"[^\s]+", r".",
                 r"(?P<id>\d*)", r"(?m)^Story: (.+)$"]
_GLOBS = ["*.py", "src/", "**/*.sql", "!keep.py", "docs/**", "/root.py", "qa/", "*", "**",
          "db/migrate/", "*.min.js", "a[bc].py", "#comment", "\\!bang.py"]


# String options whose value has a shape of its own (checked beyond its kind).
_SHAPED_STRINGS = {
    "heading": ["## Audit Log", "### history", "# Log ##"],
    "template": ["{time} {event} {title}", "{status}: PR #{number} by {author} ({summary})", ""],
}


def option_value(name: str, option: Option) -> st.SearchStrategy[Any]:
    """Valid values for one option of the configuration."""
    kind = option.kind
    if kind == "bool":
        return st.booleans()
    if kind == "int":
        low = option.minimum if option.minimum is not None else -3
        return st.one_of(st.integers(low, 20), st.integers(low, 100_000))
    if kind in ("choice",):
        return st.sampled_from(option.choices)
    if kind == "choice_list":
        return st.lists(st.sampled_from(option.choices), max_size=4)
    if kind == "section":
        return _options(option.fields)
    if name in _SHAPED_STRINGS:
        return st.sampled_from(_SHAPED_STRINGS[name])
    if kind in ("regex", "str"):
        return st.sampled_from(_SAFE_REGEXES)
    if kind == "regex_list":
        return st.lists(st.sampled_from(_SAFE_REGEXES), max_size=3)
    if kind == "glob_list":
        return st.lists(st.sampled_from(_GLOBS), max_size=4)
    if kind == "str_list":
        return st.lists(st.sampled_from(["BILL", "OPS", "", "db/migration", "services",
                                         "packages", "a/b/", "é", "*"]), max_size=4)
    if kind == "section":
        return _options(option.fields)
    if kind == "permission":
        return st.sampled_from(["", "read", "triage", "write", "maintain", "admin",
                                "@octo-org/release-managers"])
    assert kind == "bool_map", name
    return st.dictionaries(st.sampled_from(sorted(option.default)), st.booleans())


def _options(spec: Mapping[str, Option]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional={k: option_value(k, o) for k, o in spec.items()})


@st.composite
def config_docs(draw: st.DrawFn) -> dict[str, Any]:
    """A valid configuration document: global keys and any check's options."""
    doc = draw(_options(GLOBAL_OPTIONS))
    for spec in checks.REGISTRY:
        choice = draw(st.integers(0, 4))
        if choice == 0:
            doc[spec.id] = draw(st.booleans())
        elif choice == 1:
            doc[spec.id] = draw(_options({**COMMON_CHECK_OPTIONS, **spec.options}))
    return doc


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """A whole PR snapshot document, in the `diff` or the `files` form."""
    found = draw(st.lists(changes(), max_size=8))
    seen: set[str] = set()
    unique = [c for c in found if not (c["path"] in seen or seen.add(c["path"]))]
    doc: dict[str, Any] = {"title": draw(prose())}
    if draw(st.booleans()):
        doc["diff"] = "".join(diff_block(c) for c in unique)
    else:
        doc["files"] = [files_entry(c) for c in unique]
    paths = [c["path"] for c in unique]
    for key, strategy in (("body", st.one_of(st.none(), prose(12))), ("head_ref", prose(3)),
                          ("base_ref", st.sampled_from(["main", "master", "develop", ""]))):
        if draw(st.booleans()):
            doc[key] = draw(strategy)
    commits = draw(commit_list(paths))
    if commits is not None:
        doc["commits"] = commits
    repo_files = draw(repo_file_list(paths))
    if repo_files is not None:
        doc["repo_files"] = repo_files
    if draw(st.integers(0, 5)) == 0:
        doc["waivers"] = draw(st.lists(st.fixed_dictionaries(
            {"check": st.sampled_from([*CHECK_IDS, "all", "nope"]),
             "by": st.sampled_from(["ana", "é"])},
            optional={"reason": prose(2)}), max_size=2))
    return doc


# ---------------------------------------------------------------------------------------------
# What must hold for every input.

def _head_lines(changed: ChangedFile) -> int | None:
    """How many lines the file has at head, when the diff shows all of them."""
    if changed.status is FileStatus.REMOVED:
        return 0
    if changed.is_whole_file:
        return len(changed.added)
    return None


def assert_sound(snapshot: Snapshot, report: Report) -> None:
    """No internal error, the contract holds, every anchored line exists at head, renders."""
    for result in report.checks:
        errors = [f.message for f in result.findings if f.rule == "internal-error"]
        assert not errors, (result.id, errors)
    doc = report.to_dict()
    problems = [e.message for e in VALIDATOR.iter_errors(doc)]
    assert not problems, problems
    by_path = {f.path: f for f in snapshot.files}
    for result in report.checks:
        for finding in result.findings:
            if finding.line is None:
                continue
            where = (result.id, finding.rule, finding.path, finding.line, finding.end_line)
            assert finding.line >= 1, where
            assert finding.end_line is None or finding.end_line >= finding.line, where
            changed = by_path.get(finding.path or "")
            total = _head_lines(changed) if changed is not None else None
            if total is not None:
                assert (finding.end_line or finding.line) <= total, where
    render_markdown(report)
    render_text(report, color=True)
    render_text(report, color=False)
    to_annotations(report)
    json.dumps(doc, ensure_ascii=False)


def run_and_check(doc: Mapping[str, Any], config: checks.Config | None = None) -> None:
    """Load `doc` (only SnapshotError may refuse it), run every check, assert soundness."""
    try:
        snapshot = checks.load_snapshot(doc)
    except checks.SnapshotError:
        return
    assert_sound(snapshot, checks.run(snapshot, config))


# ---------------------------------------------------------------------------------------------
# The tests.

@FUZZ
@given(documents(), config_docs())
def test_engine_never_crashes_on_realistic_mutated_prs(doc: dict[str, Any],
                                                       config_doc: dict[str, Any]) -> None:
    try:
        config = checks.config_from_dict(config_doc)
    except checks.ConfigError:
        assume(False)
        return
    run_and_check(doc, config)


@FUZZ
@given(documents(), st.data())
def test_broken_diffs_are_refused_with_snapshot_error_only(doc: dict[str, Any],
                                                           data: st.DataObject) -> None:
    text = doc.get("diff") or "".join(e.get("patch", "") for e in doc.get("files", []))
    assume(text)
    cut = data.draw(st.integers(0, len(text)))
    how = data.draw(st.integers(0, 3))
    if how == 0:
        broken = text[:cut]
    elif how == 1:
        broken = text[:cut] + data.draw(st.sampled_from(_NASTY)) + text[cut:]
    elif how == 2:
        broken = text.replace("@@ -", "@@ -" + data.draw(st.sampled_from(["1", "9", "-"])), 1)
    else:
        broken = text[:cut] + "\n" + text[cut:]
    run_and_check({"title": doc["title"], "diff": broken})
    run_and_check({"title": doc["title"], "files": [
        {"filename": "x.py", "status": "modified", "patch": broken}]})


_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10**20) | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                 max_size=4),
    max_leaves=20,
)
_FIELDS = ["title", "body", "diff", "files", "commits", "repo_files", "waivers", "number",
           "draft", "labels", "head_ref", "author"]


@FUZZ
@given(documents(), st.dictionaries(st.sampled_from(_FIELDS), _JSONISH, max_size=3))
def test_wrongly_typed_fields_are_snapshot_errors(doc: dict[str, Any],
                                                  overrides: dict[str, Any]) -> None:
    doc.update(overrides)
    run_and_check(doc)


# Each payload is a unit repeated to 64 KB (the full size) or to a quarter of it.
_PATHOLOGICAL = {
    "spaces": " ", "quotes": '"', "backslashes": "\\", "parens": "(", "dashes": "-",
    "hashes": "#", "words": "a ", "key-ish": "BILL-", "digits": "1", "equals": "a=",
    "letters": "a", "alnum": "aA1", "slashes": "/", "stars": "/*", "colons": "a:", "at": "@",
    "dots": "a.", "underscore": "_", "base64ish": "Ab+/", "quoted-eq": 'k="v" ',
    "url-ish": "://a@", "sql-ish": "DROP ", "lt": "<", "dollar": "$",
}
_FULL_SIZE = 64_000


def _payloads(size: int) -> list[str]:
    return [unit * (size // len(unit)) for unit in _PATHOLOGICAL.values()]


def _assert_linear_and_sound(docs_of_size: Callable[[int], list[dict[str, Any]]],
                             check_ids: tuple[str, ...]) -> None:
    """Each check alone over every doc: 4x the payloads must not take more than 8x as long
    (quadratic work takes 16x), and every report at the full size is sound."""
    snapshots: dict[int, list[Snapshot]] = {}
    for check_id in check_ids:
        reports: dict[int, list[Report]] = {}

        def build(size: int, check_id: str = check_id,
                  reports: dict[int, list[Report]] = reports) -> Callable[[], None]:
            if size not in snapshots:
                snapshots[size] = [checks.load_snapshot(doc) for doc in docs_of_size(size)]

            def work() -> None:
                reports[size] = [checks.run(s, None, only={check_id}) for s in snapshots[size]]
            return work

        assert_linear(build, _FULL_SIZE // FACTOR, what=f"the {check_id} check")
        size = max(reports)
        for snapshot, report in zip(snapshots[size], reports[size], strict=True):
            assert_sound(snapshot, report)


@pytest.mark.parametrize("path", [
    "billing/migrations/0007_x.py", "alembic/versions/3f_x.py", "db/migrate/20240105120000_x.rb",
    "db/migrations/000012_x.up.sql", "src/main/resources/db/changelog/changes/001-x.xml",
    "src/main/resources/db/changelog/changes/002-x.yaml", "config/settings.yml", ".env",
    "migrations/20240105120000_x.ts", "db/migrations/20240105120000_x.go", "notebooks/x.ipynb",
    "database/migrations/2024_01_05_000000_x.php", "priv/repo/migrations/20240105120000_x.exs",
    "src/Billing/Migrations/20240105120000_X.cs",
])
def test_no_check_is_super_linear_on_pathological_files(path: str) -> None:
    def docs(size: int) -> list[dict[str, Any]]:
        return [{"title": "BILL-1 odd file", "diff": diff_block({
            "path": path, "status": "added", "old": [], "new": [payload, payload[:5000]],
            "old_path": None, "crlf": False, "eof_newline": True, "patch_missing": False,
            "quote_path": False})} for payload in _payloads(size)]

    _assert_linear_and_sound(docs, ("tests", "migrations", "secrets"))


def test_no_check_is_super_linear_on_pathological_prose() -> None:
    def docs(size: int) -> list[dict[str, Any]]:
        return [{"title": payload[:size // 5], "body": payload, "head_ref": payload[:size // 50],
                 "diff": diff_block({"path": "app/x.py", "status": "added", "old": [],
                                     "new": ["x = 1"], "old_path": None, "crlf": False,
                                     "eof_newline": True, "patch_missing": False,
                                     "quote_path": False}),
                 "commits": [{"sha": "a" * 40, "message": payload, "parents": 1}] * 3}
                for payload in _payloads(size)]

    _assert_linear_and_sound(docs, ("story", "commits"))


# ---------------------------------------------------------------------------------------------
# The command line: bytes on stdin, YAML in --config; exit 0, 1 or 2 and never a traceback.

def _run_cli(argv: list[str], stdin: bytes) -> tuple[int, str, str]:
    out_bytes = io.BytesIO()
    stdout = io.TextIOWrapper(out_bytes, encoding="utf-8")  # strict, like a real UTF-8 pipe
    stderr = io.StringIO()
    code = cli_main(argv, stdin=io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"),
                    stdout=stdout, stderr=stderr)
    stdout.flush()
    return code, out_bytes.getvalue().decode("utf-8"), stderr.getvalue()


def _assert_cli_outcome(code: int, err: str) -> None:
    assert code in (0, 1, 2), code
    if code == 2:
        assert err.endswith("\n") and err.count("\n") == 1, err
        assert err.startswith("shipshape: error: "), err
    else:
        assert err == "", err


_CONFIG_KEYS = [*GLOBAL_OPTIONS, *CHECK_IDS, "enabled", "level", "places", "patterns", "nope"]
_YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 2000) | st.sampled_from(
        [*_SAFE_REGEXES, *_GLOBS, "warn", "fail", "(", "[", "*"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(_CONFIG_KEYS), inner, max_size=3),
    max_leaves=12,
)


@st.composite
def yaml_texts(draw: st.DrawFn) -> str:
    """Configuration text: valid-looking YAML, broken YAML, or anything."""
    how = draw(st.integers(0, 4))
    if how == 0:
        return draw(st.text(max_size=200))
    if how == 4:
        return draw(st.sampled_from(["story: " + "[" * 5000, "{a: " * 2000, "- " * 3000 + "x",
                                     "&a [*a, *a]", "story: &s {places: *s}", "? [a]\n: b"]))
    value = draw(st.dictionaries(st.sampled_from(_CONFIG_KEYS), _YAML_VALUES, max_size=4)
                 if how < 3 else _YAML_VALUES)
    text = yaml.safe_dump(value, allow_unicode=True)
    if how == 2:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from([":", "\t", "- [", "{", "&a *a", "!!python/x",
                                                  "%YAML 9", "\x00", "'"])) + text[at:]
    return text


@st.composite
def stdin_bytes(draw: st.DrawFn) -> bytes:
    """What a pipe might hold: a real snapshot or diff (maybe damaged), or random bytes."""
    how = draw(st.integers(0, 5))
    if how == 0:
        return draw(st.binary(max_size=300))
    if how == 5:
        return draw(st.sampled_from([
            b"[" * 100_000, b'{"title": "x", "diff": "", "labels": ' + b"[" * 5000,
            b'{"title": "x", "diff": "", "number": ' + b"9" * 5000 + b"}",
            b'{"title": "x", "diff": "", "number": 1e999}', b'{"title": NaN, "diff": ""}',
            b'\xef\xbb\xbf{"title": "x", "diff": ""}', '{"title": "\u00e9"}'.encode("utf-16"),
            b'{"title": "\\ud800", "diff": "", "commits": [{"sha": "\\udfff", "message": ""}]}',
        ]))
    doc = draw(documents())
    if how == 1:
        return json.dumps(doc).encode()
    if how == 2:
        return (doc.get("diff") or "").encode("utf-8", "surrogatepass")
    raw = json.dumps(doc).encode() if how == 3 else (doc.get("diff") or "").encode(
        "utf-8", "surrogatepass")
    at = draw(st.integers(0, len(raw)))
    return raw[:at] + draw(st.binary(max_size=8)) + raw[at:]


@FUZZ
@given(stdin_bytes(), st.one_of(st.none(), yaml_texts()),
       st.sampled_from(["text", "json", "markdown"]), st.sampled_from(["--snapshot", "--diff"]),
       st.one_of(st.none(), st.sampled_from(["story", "tests,secrets", "nope", ",", ""])))
def test_command_line_exits_0_1_or_2_with_one_error_line(
        data: bytes, config_text: str | None, fmt: str, source: str, only: str | None) -> None:
    argv = ["check", source, "-", "--format", fmt]
    if source == "--diff":
        argv += ["--title", "BILL-1 fuzz", "--branch", "feature/BILL-1"]
    if only is not None:
        argv += ["--only", only]
    with tempfile.TemporaryDirectory() as tmp:
        argv += ["--repo", tmp]
        if config_text is not None:
            config = Path(tmp) / "shipshape.yml"
            config.write_text(config_text, encoding="utf-8", errors="surrogatepass")
            argv += ["--config", str(config)]
        code, _, err = _run_cli(argv, data)
    _assert_cli_outcome(code, err)
