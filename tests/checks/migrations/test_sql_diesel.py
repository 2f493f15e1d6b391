"""Diesel: `migrations/<version>_<name>/up.sql` needs a `down.sql` that is not the stub."""

from __future__ import annotations

import pytest

from checks.model import Status
from tests.checks.migrations.gitdiff import added, modified, only, pr, removed, rules, run

DIR = "migrations/2024-05-02-101500_create_invoice_lines"
UP = """
CREATE TABLE invoice_lines (
    id SERIAL PRIMARY KEY,
    invoice_id INTEGER NOT NULL REFERENCES invoices (id),
    amount_cents BIGINT NOT NULL
);
"""
DOWN = "DROP TABLE invoice_lines;\n"
# What `diesel migration generate create_invoice_lines` writes.
STUB_UP = "-- Your SQL goes here\n"
STUB_DOWN = "-- This file should undo anything in `up.sql`\n"
SCHEMA_RS_OLD = """
// @generated automatically by Diesel CLI.

diesel::table! {
    invoices (id) {
        id -> Int4,
    }
}
"""
SCHEMA_RS_NEW = SCHEMA_RS_OLD + """
diesel::table! {
    invoice_lines (id) {
        id -> Int4,
        invoice_id -> Int4,
        amount_cents -> Int8,
    }
}
"""
MODEL = """
use diesel::prelude::*;

#[derive(Queryable, Selectable)]
#[diesel(table_name = crate::schema::invoice_lines)]
pub struct InvoiceLine {
    pub id: i32,
    pub invoice_id: i32,
    pub amount_cents: i64,
}
"""


def diesel_pr(*parts: str) -> str:
    """A Diesel PR: migration folder, regenerated schema.rs, model."""
    return pr(*parts, modified("src/schema.rs", SCHEMA_RS_OLD, SCHEMA_RS_NEW),
              added("src/models/invoice_line.rs", MODEL))


@pytest.mark.parametrize(
    ("name", "diff", "expected"),
    [
        ("up and down", diesel_pr(added(f"{DIR}/up.sql", UP), added(f"{DIR}/down.sql", DOWN)),
         []),
        ("generated down stub", diesel_pr(added(f"{DIR}/up.sql", UP),
                                          added(f"{DIR}/down.sql", STUB_DOWN)),
         [("diesel-empty-down", f"{DIR}/down.sql", 1)]),
        ("no down.sql (--no-down)", diesel_pr(added(f"{DIR}/up.sql", UP)),
         [("diesel-missing-down", f"{DIR}/up.sql", 1)]),
        ("both stubs untouched", diesel_pr(added(f"{DIR}/up.sql", STUB_UP),
                                           added(f"{DIR}/down.sql", STUB_DOWN)), []),
        ("initial setup", pr(added("migrations/00000000000000_diesel_initial_setup/up.sql",
                                   "CREATE OR REPLACE FUNCTION diesel_manage_updated_at("
                                   "_tbl regclass) RETURNS VOID AS $$\nBEGIN\n  EXECUTE 1;\n"
                                   "END;\n$$ LANGUAGE plpgsql;\n"),
                             added("migrations/00000000000000_diesel_initial_setup/down.sql",
                                   "DROP FUNCTION IF EXISTS diesel_manage_updated_at("
                                   "_tbl regclass);\n")), []),
        ("workspace crate", pr(added(f"backend/{DIR}/up.sql", UP)),
         [("diesel-missing-down", f"backend/{DIR}/up.sql", 1)]),
    ],
)
def test_diesel_table(name: str, diff: str, expected: list[tuple[str, str, int]]) -> None:
    result = run(diff, repo_files=["Cargo.toml", "diesel.toml", "src/schema.rs"])
    assert rules(result) == expected, name
    assert result.status is (Status.FAIL if expected else Status.PASS)


def test_stub_message_quotes_diesels_own_comment() -> None:
    message = only(run(pr(added(f"{DIR}/up.sql", UP), added(f"{DIR}/down.sql", STUB_DOWN)))).message
    assert "This file should undo anything in `up.sql`" in message
    assert "diesel migration redo" in message


def test_gutting_down_sql_fails_and_deleting_it_fails_on_up_sql() -> None:
    repo = ["Cargo.toml", f"{DIR}/up.sql", f"{DIR}/down.sql"]
    assert rules(run(modified(f"{DIR}/down.sql", DOWN, STUB_DOWN), repo_files=repo)) == [
        ("diesel-empty-down", f"{DIR}/down.sql", 1)]
    finding = only(run(removed(f"{DIR}/down.sql", DOWN), repo_files=repo))
    assert (finding.rule, finding.path) == ("diesel-deleted-down", f"{DIR}/up.sql")


def test_diesel_toml_and_schema_rs_are_not_migrations() -> None:
    result = run(pr(added("diesel.toml", '[print_schema]\nfile = "src/schema.rs"\n'),
                    modified("src/schema.rs", SCHEMA_RS_OLD, SCHEMA_RS_NEW)))
    assert result.summary == "No migration in this PR."


def test_initial_setup_is_diesel_not_prisma() -> None:
    folder = "migrations/00000000000000_diesel_initial_setup"
    result = run(pr(added(f"{folder}/up.sql", "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$"
                                              " LANGUAGE sql;\n"),
                    added(f"{folder}/down.sql", "DROP FUNCTION f();\n")),
                 repo_files=["Cargo.toml", "diesel.toml"])
    assert result.summary == "1 migration judged (Diesel 1); each can be rolled back."


@pytest.mark.parametrize(
    "folder",
    [
        # `diesel migration generate` in Diesel 2.2+ appends `-0000`; names keep their hyphens.
        "migrations/2025-07-21-081447-0000_group-follow",
        "migrations/2024-05-02-101500_add-invoice-lines",
    ],
)
def test_folder_names_with_hyphens_are_judged(folder: str) -> None:
    assert run(diesel_pr(added(f"{folder}/up.sql", UP), added(f"{folder}/down.sql", DOWN)),
               repo_files=["Cargo.toml"]).status is Status.PASS
    result = run(diesel_pr(added(f"{folder}/up.sql", UP), added(f"{folder}/down.sql",
                                                                STUB_DOWN)))
    assert rules(result) == [("diesel-empty-down", f"{folder}/down.sql", 1)]


def test_metadata_toml_beside_a_migration_is_not_judged() -> None:
    folder = "migrations/2025-09-22-090805_add_jobs_priority_index"
    result = run(diesel_pr(
        added(f"{folder}/up.sql", "CREATE INDEX CONCURRENTLY jobs_priority ON jobs (priority);\n"),
        added(f"{folder}/down.sql", "DROP INDEX CONCURRENTLY jobs_priority;\n"),
        added(f"{folder}/metadata.toml", "run_in_transaction = false\n")))
    assert result.status is Status.PASS
    assert "Diesel 1" in result.summary
