"""sqlx: reversible `<ts>_<name>.up.sql` / `.down.sql` pairs pass; simple `<ts>_<name>.sql`
migrations cannot be reverted and fail."""

from __future__ import annotations

import pytest

from checks.model import Status
from tests.checks.migrations.gitdiff import (
    added,
    modified,
    only,
    pr,
    removed,
    renamed,
    rules,
    run,
)

UP = """
CREATE TABLE IF NOT EXISTS invoice_lines (
    id BIGSERIAL PRIMARY KEY,
    invoice_id BIGINT NOT NULL REFERENCES invoices (id),
    amount_cents BIGINT NOT NULL
);
"""
DOWN = "DROP TABLE IF EXISTS invoice_lines;\n"
RUST = """
use sqlx::PgPool;

pub async fn lines(pool: &PgPool, invoice: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!("SELECT amount_cents FROM invoice_lines WHERE invoice_id = $1", invoice)
        .fetch_all(pool)
        .await
}
"""
OFFLINE = '{\n  "db_name": "PostgreSQL",\n  "query": "SELECT amount_cents FROM invoice_lines"\n}\n'
REPO = ["Cargo.toml", "Cargo.lock", "src/main.rs", "migrations/20240101000000_invoices.up.sql",
        "migrations/20240101000000_invoices.down.sql"]
TS = "migrations/20240502101500_invoice_lines"


def rust_pr(*parts: str) -> str:
    """A sqlx PR: migration, the query using it, and the offline query data."""
    return pr(*parts, modified("src/billing.rs", "use sqlx::PgPool;\n", RUST),
              added(".sqlx/query-5f1c0a.json", OFFLINE))


@pytest.mark.parametrize(
    ("name", "diff", "expected"),
    [
        ("reversible pair", rust_pr(added(f"{TS}.up.sql", UP), added(f"{TS}.down.sql", DOWN)),
         []),
        ("simple migration", rust_pr(added(f"{TS}.sql", UP)),
         [("sqlx-missing-down", f"{TS}.sql", 1)]),
        ("up without down", rust_pr(added(f"{TS}.up.sql", UP)),
         [("sqlx-missing-down-file", f"{TS}.up.sql", 1)]),
        ("down with the generated comment only", rust_pr(
            added(f"{TS}.up.sql", UP),
            added(f"{TS}.down.sql", "-- Add down migration script here\n")),
         [("sqlx-empty-down", f"{TS}.down.sql", 1)]),
    ],
)
def test_sqlx_table(name: str, diff: str, expected: list[tuple[str, str, int]]) -> None:
    result = run(diff, repo_files=REPO)
    assert rules(result) == expected, name
    assert result.status is (Status.FAIL if expected else Status.PASS)
    if expected or "pair" in name:
        assert "sqlx" in result.summary


def test_simple_migration_message_says_how_to_make_it_reversible() -> None:
    message = only(run(added(f"{TS}.sql", UP), repo_files=REPO)).message
    assert f"{TS}.up.sql" in message and f"{TS}.down.sql" in message
    assert "sqlx migrate add -r" in message


def test_rust_project_seen_from_the_pr_alone() -> None:
    # No repository listing: the PR's Rust files say it is a Rust project.
    assert only(run(rust_pr(added(f"{TS}.sql", UP)))).rule == "sqlx-missing-down"


def test_workspace_crate_in_a_subfolder() -> None:
    path = f"crates/billing/{TS}.sql"
    result = run(added(path, UP), repo_files=["Cargo.toml", "crates/billing/Cargo.toml"])
    assert rules(result) == [("sqlx-missing-down", path, 1)]


def test_deleting_a_down_while_the_up_stays_fails() -> None:
    result = run(removed("migrations/20240101000000_invoices.down.sql", DOWN), repo_files=REPO)
    finding = only(result)
    assert (finding.rule, finding.path) == ("sqlx-deleted-down",
                                            "migrations/20240101000000_invoices.up.sql")


def test_plain_sql_files_outside_rust_projects_are_not_sqlx() -> None:
    # Supabase keeps forward-only `<ts>_<name>.sql` files too; it is not one of our frameworks.
    result = run(added("supabase/migrations/20240502101500_invoice_lines.sql", UP),
                 repo_files=["supabase/config.toml", "package.json"])
    assert result.summary == "No migration in this PR."


def test_pairs_outside_rust_projects_belong_to_golang_migrate() -> None:
    result = run(added(f"{TS}.up.sql", UP), repo_files=["go.mod", "main.go"])
    assert only(result).rule == "golang-migrate-missing-down"


def test_moving_a_crate_moves_its_simple_migrations_without_making_them_new() -> None:
    # "chore: move crates into crates/": git shows every migration as a pure rename.
    names = ["20210422143411_create_history.sql", "20220505083406_create-events.sql"]
    diff = pr(*(renamed(f"client/migrations/{n}", f"crates/client/migrations/{n}")
                for n in names),
              renamed("client/Cargo.toml", "crates/client/Cargo.toml"))
    result = run(diff, repo_files=["Cargo.toml", "crates/client/Cargo.toml",
                                   *(f"crates/client/migrations/{n}" for n in names)])
    assert result.status is Status.PASS, rules(result)


def test_a_simple_migration_renamed_to_a_new_version_is_judged() -> None:
    old, new = f"{TS}.sql", "migrations/20240601000000_invoice_lines.sql"
    result = run(rust_pr(renamed(old, new, UP, UP)), repo_files=[*REPO, new])
    assert rules(result) == [("sqlx-missing-down", new, 1)]


def test_moving_a_reversible_pair_keeps_it_paired() -> None:
    diff = pr(renamed(f"{TS}.up.sql", f"server/{TS}.up.sql"),
              renamed(f"{TS}.down.sql", f"server/{TS}.down.sql"))
    result = run(diff, repo_files=["server/Cargo.toml", f"server/{TS}.up.sql",
                                   f"server/{TS}.down.sql"])
    assert result.status is Status.PASS, rules(result)
