"""sql-migrate: one file per migration, `-- +migrate Up` and a working `-- +migrate Down`."""

from __future__ import annotations

import pytest

from checks.model import Status
from tests.checks.migrations.gitdiff import added, modified, pr, renamed, rules, run

PATH = "migrations/20240502-add-invoice-currency.sql"

GOOD = """
-- +migrate Up
ALTER TABLE invoices ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'EUR';

-- +migrate StatementBegin
CREATE FUNCTION invoice_currency_default() RETURNS trigger AS $$
BEGIN
    NEW.currency := COALESCE(NEW.currency, 'EUR'); -- keep EUR; a ';' in here is fine
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +migrate StatementEnd

-- +migrate Down
DROP FUNCTION invoice_currency_default();
ALTER TABLE invoices DROP COLUMN currency;
"""
# What `sql-migrate new add-invoice-currency` writes.
TEMPLATE = """
-- +migrate Up

-- +migrate Down
"""
UP_ONLY = """
-- +migrate Up
ALTER TABLE invoices ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'EUR';
"""
EMPTY_DOWN = UP_ONLY + "\n-- +migrate Down\n"
NOTRANSACTION = """
-- +migrate Up notransaction
CREATE INDEX CONCURRENTLY invoices_currency_idx ON invoices (currency);

-- +migrate Down notransaction
DROP INDEX CONCURRENTLY invoices_currency_idx;
"""
DOLLAR_ONLY_DOWN = UP_ONLY + """
-- +migrate Down
-- +migrate StatementBegin
-- DO $$ BEGIN DROP TABLE x; END $$;
-- +migrate StatementEnd
"""
DBCONFIG = """
development:
  dialect: postgres
  datasource: dbname=billing sslmode=disable
  dir: migrations
"""


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line holding `needle` (text as the diff shows it)."""
    return next(i for i, line in enumerate(text.lstrip("\n").splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("up and down with a function body", GOOD, None),
        ("notransaction option", NOTRANSACTION, None),
        ("untouched template", TEMPLATE, None),
        ("no down section", UP_ONLY, ("sql-migrate-missing-down", "+migrate Up")),
        ("empty down section", EMPTY_DOWN, ("sql-migrate-empty-down", "+migrate Down")),
        ("down holding only a commented block", DOLLAR_ONLY_DOWN,
         ("sql-migrate-empty-down", "+migrate Down")),
    ],
)
def test_sql_migrate_table(name: str, text: str, expected: tuple[str, str] | None) -> None:
    result = run(pr(added("dbconfig.yml", DBCONFIG), added(PATH, text)))
    if expected is None:
        assert result.findings == (), name
        assert result.status is Status.PASS
    else:
        assert rules(result) == [(expected[0], PATH, line_of(text, expected[1]))], name


def test_gutting_the_down_section_fails() -> None:
    assert rules(run(modified(PATH, GOOD, GOOD.split("-- +migrate Down")[0]
                              + "-- +migrate Down\n"))) == [
        ("sql-migrate-empty-down", PATH, line_of(GOOD, "+migrate Down"))]


def test_dbconfig_and_readme_are_not_migrations() -> None:
    result = run(pr(added("dbconfig.yml", DBCONFIG), added("migrations/README.md", UP_ONLY)))
    assert result.summary == "No migration in this PR."


CONVERTED_UP = """
ALTER TABLE invoices ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'EUR';
"""
LONG_GOOD = GOOD.replace(
    "ALTER TABLE invoices ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'EUR';\n",
    "".join(f"ALTER TABLE invoices ADD COLUMN c{i} INT;\n" for i in range(12)))


@pytest.mark.parametrize("moved_side", ["up", "down"])
def test_switching_to_golang_migrate_pairs_is_judged_as_pairs(moved_side: str) -> None:
    # "Refactor SQL schema migrations from sql-migrate to golang-migrate": git -M shows each old
    # file renamed to whichever half of the new pair it resembles, and the other half added.
    old = "internal/storage/migrations/0033_invoice_currency.sql"
    up, down = old.replace(".sql", ".up.sql"), old.replace(".sql", ".down.sql")
    up_text = LONG_GOOD.split("-- +migrate Down")[0].replace("-- +migrate Up\n", "")
    down_text = "DROP FUNCTION invoice_currency_default();\n"
    if moved_side == "up":
        diff = pr(renamed(old, up, LONG_GOOD, up_text), added(down, down_text))
    else:
        diff = pr(added(up, up_text), renamed(old, down, LONG_GOOD, down_text))
    result = run(diff, repo_files=[up, down, "go.mod"])
    assert result.status is Status.PASS, rules(result)
    assert "golang-migrate 1" in result.summary


def test_deleting_the_down_section_of_a_sql_migrate_file_still_fails() -> None:
    after = LONG_GOOD.split("-- +migrate Down")[0]
    result = run(modified(PATH, LONG_GOOD, after))
    assert [r[0] for r in rules(result)] == ["sql-migrate-missing-down"]
