"""goose: SQL files need a `-- +goose Down` section that does something; Go migrations need a
non-nil down function that does something."""

from __future__ import annotations

import pytest

from checks.model import Status
from tests.checks.migrations.gitdiff import added, modified, only, pr, rules, run

PATH = "db/migrations/20240502101500_add_invoice_currency.sql"

GOOD = """
-- +goose Up
-- +goose StatementBegin
ALTER TABLE invoices ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'EUR';
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
ALTER TABLE invoices DROP COLUMN currency;
-- +goose StatementEnd
"""
# Exactly what `goose create add_invoice_currency sql` writes.
TEMPLATE = """
-- +goose Up
-- +goose StatementBegin
SELECT 'up SQL query';
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
SELECT 'down SQL query';
-- +goose StatementEnd
"""
UP_ONLY = """
-- +goose Up
ALTER TABLE invoices ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'EUR';
"""
EMPTY_DOWN = """
-- +goose Up
ALTER TABLE invoices ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'EUR';

-- +goose Down
"""
FILLED_UP_TEMPLATE_DOWN = GOOD.replace("ALTER TABLE invoices DROP COLUMN currency;",
                                       "SELECT 'down SQL query';")
COMMENT_DOWN = EMPTY_DOWN + "-- ALTER TABLE invoices DROP COLUMN currency;\n"
NO_TX = """
-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY invoices_currency_idx ON invoices (currency);

-- +goose Down
DROP INDEX CONCURRENTLY invoices_currency_idx;
"""
LOWERCASE = GOOD.replace("+goose Up", "+goose up").replace("+goose Down", "+goose down")

GO_MODEL = """
package store

type Invoice struct {
	ID       int64
	Currency string
}
"""


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line holding `needle` (text as the diff shows it)."""
    lines = text.lstrip("\n").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("up and down", GOOD, None),
        ("no transaction annotation", NO_TX, None),
        ("lower-case markers", LOWERCASE, None),
        ("untouched template", TEMPLATE, None),  # nothing up, nothing down
        ("no down section", UP_ONLY, ("goose-missing-down", "+goose Up")),
        ("empty down section", EMPTY_DOWN, ("goose-empty-down", "+goose Down")),
        ("down commented out", COMMENT_DOWN, ("goose-empty-down", "+goose Down")),
        ("template down left in", FILLED_UP_TEMPLATE_DOWN, ("goose-empty-down", "+goose Down")),
    ],
)
def test_goose_sql_table(name: str, text: str, expected: tuple[str, str] | None) -> None:
    diff = pr(added(PATH, text), added("internal/store/invoice.go", GO_MODEL))
    result = run(diff)
    if expected is None:
        assert result.findings == (), name
        assert result.status is Status.PASS
    else:
        assert rules(result) == [(expected[0], PATH, line_of(text, expected[1]))], name


def test_gutting_the_down_section_of_an_existing_file_fails() -> None:
    assert rules(run(modified(PATH, GOOD, EMPTY_DOWN))) == [
        ("goose-empty-down", PATH, line_of(EMPTY_DOWN, "+goose Down"))]


def test_editing_the_up_section_only_is_not_judged() -> None:
    long_up = GOOD.replace("-- +goose StatementBegin\nALTER", "-- +goose StatementBegin\n"
                           + "".join(f"-- step {i}\n" for i in range(10)) + "ALTER", 1)
    edited = long_up.replace("DEFAULT 'EUR'", "DEFAULT 'USD'")
    assert run(modified(PATH, long_up, edited)).status is Status.PASS


GO_GOOD = """
package migrations

import (
	"context"
	"database/sql"

	"github.com/pressly/goose/v3"
)

func init() {
	goose.AddMigrationContext(upBackfillCurrency, downBackfillCurrency)
}

func upBackfillCurrency(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, "UPDATE invoices SET currency = 'EUR' WHERE currency = ''")
	return err
}

func downBackfillCurrency(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, "UPDATE invoices SET currency = '' WHERE currency = 'EUR'")
	return err
}
"""
GO_NIL = GO_GOOD.replace("goose.AddMigrationContext(upBackfillCurrency, downBackfillCurrency)",
                         "goose.AddMigrationContext(upBackfillCurrency, nil)")
GO_EMPTY = GO_GOOD.replace(
    '''	_, err := tx.ExecContext(ctx, "UPDATE invoices SET currency = '' WHERE currency = 'EUR'")
	return err
}''', '''	// This code is executed when the migration is rolled back.
	return nil
}''')
GO_LITERAL = """
package migrations

import (
	"database/sql"

	"github.com/pressly/goose/v3"
)

func init() {
	goose.AddMigration(func(tx *sql.Tx) error {
		_, err := tx.Exec("CREATE TABLE audit (id BIGSERIAL PRIMARY KEY)")
		return err
	}, func(tx *sql.Tx) error {
		return nil
	})
}
"""
GO_COMMENTED = GO_GOOD.replace(
    "func init() {", "// goose.AddMigration(upOld, nil) was the old registration\nfunc init() {")
GO_PATH = "internal/db/migrations/20240502120000_backfill_currency.go"


@pytest.mark.parametrize(
    ("name", "text", "rule"),
    [
        ("registered with a down", GO_GOOD, None),
        ("comment mentioning nil down", GO_COMMENTED, None),
        ("nil down", GO_NIL, "goose-go-missing-down"),
        ("down returns nil only", GO_EMPTY, "goose-go-empty-down"),
        ("func literal down returns nil", GO_LITERAL, "goose-go-empty-down"),
    ],
)
def test_goose_go_table(name: str, text: str, rule: str | None) -> None:
    result = run(added(GO_PATH, text))
    if rule is None:
        assert result.findings == (), name
        assert "goose 1" in result.summary
    else:
        finding = only(result)
        anchors = {id(GO_EMPTY): "func downBackfillCurrency", id(GO_LITERAL): "}, func("}
        anchor = anchors.get(id(text), "goose.Add")
        assert (finding.rule, finding.line) == (rule, line_of(text, anchor)), name


def test_changing_an_existing_registration_to_nil_fails() -> None:
    assert only(run(modified(GO_PATH, GO_GOOD, GO_NIL))).rule == "goose-go-missing-down"


@pytest.mark.parametrize(
    "path",
    ["db/migrations/README.md", "docs/goose/20240502101500_example.sql",
     "db/migrations/20240502101500_add_invoice_currency_test.go"],
)
def test_look_alikes_are_not_judged(path: str) -> None:
    assert run(added(path, UP_ONLY if path.endswith((".sql", ".md")) else GO_NIL)).findings == ()


def test_go_file_without_goose_registration_is_not_a_migration() -> None:
    result = run(added("internal/db/migrations/embed.go", 'package migrations\n\nimport "embed"'
                       '\n\n//go:embed *.sql\nvar FS embed.FS\n'))
    assert result.summary == "No migration in this PR."


def test_deleting_the_down_section_fails() -> None:
    result = run(modified(PATH, GOOD, GOOD.split("\n-- +goose Down")[0] + "\n"))
    assert [r for r, _, _ in rules(result)] == ["goose-missing-down"]


def test_provider_api_with_a_nil_down() -> None:
    text = """
package migrations

import (
	"context"
	"database/sql"

	"github.com/pressly/goose/v3"
)

func Migrations() []*goose.Migration {
	return []*goose.Migration{
		goose.NewGoMigration(20240502, &goose.GoFunc{RunTx: upBackfill}, nil),
		goose.NewGoMigration(20240503,
			&goose.GoFunc{RunTx: upAudit}, &goose.GoFunc{RunTx: downAudit}),
	}
}

func upBackfill(ctx context.Context, tx *sql.Tx) error { return nil }
"""
    finding = only(run(added("internal/db/migrations/provider.go", text)))
    assert (finding.rule, finding.line) == ("goose-go-missing-down",
                                            line_of(text, "NewGoMigration(20240502"))
    assert "goose.NewGoMigration(20240502, &goose.GoFunc{RunTx: upBackfill}, nil)" in (
        finding.message)
