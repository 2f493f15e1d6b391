"""golang-migrate: `<version>_<title>.up.sql` pairs with `.down.sql` of the same version."""

from __future__ import annotations

import pytest

from checks.model import Status
from tests.checks.migrations.gitdiff import added, modified, only, pr, removed, renamed, rules, run

UP = """
CREATE TABLE invoice_lines (
    id          BIGSERIAL PRIMARY KEY,
    invoice_id  BIGINT NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    amount_cents BIGINT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX invoice_lines_invoice_id_idx ON invoice_lines (invoice_id);
"""
DOWN = """
DROP INDEX IF EXISTS invoice_lines_invoice_id_idx;
DROP TABLE IF EXISTS invoice_lines;
"""
DIR = "db/migrations"
UP_PATH = f"{DIR}/000012_create_invoice_lines.up.sql"
DOWN_PATH = f"{DIR}/000012_create_invoice_lines.down.sql"

GO_MODEL = """
package billing

type InvoiceLine struct {
	ID          int64
	InvoiceID   int64
	AmountCents int64
}
"""
GO_TEST = """
package billing

import "testing"

func TestInvoiceLineTotal(t *testing.T) {
	lines := []InvoiceLine{{AmountCents: 100}, {AmountCents: 250}}
	if got := Total(lines); got != 350 {
		t.Fatalf("Total() = %d, want 350", got)
	}
}
"""
QUERIES = """
-- name: ListInvoiceLines :many
SELECT id, invoice_id, amount_cents FROM invoice_lines WHERE invoice_id = $1 ORDER BY id;
"""
REPO = [
    "go.mod", "cmd/api/main.go", "internal/billing/invoice.go",
    f"{DIR}/000011_create_invoices.up.sql", f"{DIR}/000011_create_invoices.down.sql",
]


def companions() -> str:
    """What a real PR carries beside the migration: model, sqlc queries, test."""
    return pr(added("internal/billing/invoice_line.go", GO_MODEL),
              added("internal/billing/queries/invoice_lines.sql", QUERIES),
              added("internal/billing/invoice_line_test.go", GO_TEST))


@pytest.mark.parametrize(
    ("name", "diff", "expected"),
    [
        ("pair", pr(companions(), added(DOWN_PATH, DOWN), added(UP_PATH, UP)), []),
        ("pair, down listed after unrelated files",
         pr(added(UP_PATH, UP), companions(), added(DOWN_PATH, DOWN)), []),
        ("up alone", pr(companions(), added(UP_PATH, UP)),
         [("golang-migrate-missing-down", UP_PATH, 1)]),
        # An empty file has no line 1 to annotate: the finding is on the file.
        ("empty down file", pr(added(UP_PATH, UP), added(DOWN_PATH, "")),
         [("golang-migrate-empty-down", DOWN_PATH, None)]),
        ("down with only a comment", pr(added(UP_PATH, UP),
                                        added(DOWN_PATH, "-- TODO: write the rollback\n")),
         [("golang-migrate-empty-down", DOWN_PATH, 1)]),
        ("down that only opens and commits a transaction",
         pr(added(UP_PATH, UP), added(DOWN_PATH, "BEGIN;\n\nCOMMIT;\n")),
         [("golang-migrate-empty-down", DOWN_PATH, 1)]),
        ("both empty (placeholder)", pr(added(UP_PATH, ""), added(DOWN_PATH, "")), []),
        ("monorepo service", pr(added(f"services/billing/{UP_PATH}", UP)),
         [("golang-migrate-missing-down", f"services/billing/{UP_PATH}", 1)]),
        ("cql ext", pr(added("migrations/1700000000_events.up.cql",
                             "CREATE TABLE events (id uuid PRIMARY KEY);\n"),
                       added("migrations/1700000000_events.down.cql", "DROP TABLE events;\n")),
         []),
    ],
)
def test_golang_migrate_table(name: str, diff: str,
                              expected: list[tuple[str, str, int | None]]) -> None:
    result = run(diff, repo_files=REPO)
    assert rules(result) == expected, name
    assert result.status is (Status.FAIL if expected else Status.PASS)


def test_up_line_skips_leading_comments() -> None:
    up = "-- Invoice lines hold the amounts.\n-- See BILL-88.\n\n" + UP.lstrip("\n")
    assert only(run(added(UP_PATH, up))).line == 4


def test_down_already_in_repository_pairs() -> None:
    result = run(added(UP_PATH, UP), repo_files=[*REPO, DOWN_PATH])
    assert result.status is Status.PASS


def test_down_of_the_same_version_with_another_title_pairs() -> None:
    result = run(pr(added(UP_PATH, UP),
                    added(f"{DIR}/000012_invoice_lines.down.sql", DOWN)), repo_files=REPO)
    assert result.status is Status.PASS


def test_editing_another_migrations_down_does_not_pair() -> None:
    other_down = f"{DIR}/000011_create_invoices.down.sql"
    diff = pr(added(UP_PATH, UP),
              modified(other_down, "DROP TABLE invoices;\n",
                       "DROP TABLE IF EXISTS invoices;\n"))
    assert rules(run(diff, repo_files=REPO)) == [("golang-migrate-missing-down", UP_PATH, 1)]


def test_renamed_pair_is_judged_at_its_new_name() -> None:
    new_up = f"{DIR}/000014_create_invoice_lines.up.sql"
    new_down = f"{DIR}/000014_create_invoice_lines.down.sql"
    diff = pr(renamed(UP_PATH, new_up), renamed(DOWN_PATH, new_down))
    result = run(diff, repo_files=[*REPO, new_up, new_down])
    assert result.status is Status.PASS
    assert "1 migration judged" in result.summary  # one migration, two files


def test_renaming_only_the_up_leaves_the_new_version_without_a_down() -> None:
    new_up = f"{DIR}/000014_create_invoice_lines.up.sql"
    result = run(renamed(UP_PATH, new_up), repo_files=[*REPO, new_up, DOWN_PATH])
    assert rules(result) == [("golang-migrate-missing-down", new_up, 1)]


def test_deleting_a_down_while_its_up_stays_fails_on_the_up() -> None:
    result = run(removed(DOWN_PATH, DOWN), repo_files=[*REPO, UP_PATH])
    finding = only(result)
    assert (finding.rule, finding.path) == ("golang-migrate-deleted-down", UP_PATH)
    assert "000012_create_invoice_lines.down.sql" in finding.message


def test_deleting_a_whole_pair_is_not_this_checks_business() -> None:
    result = run(pr(removed(UP_PATH, UP), removed(DOWN_PATH, DOWN)), repo_files=REPO)
    assert result.status is Status.PASS


def test_gutting_an_existing_down_fails_on_the_down() -> None:
    result = run(modified(DOWN_PATH, DOWN, "-- nothing to do\n"),
                 repo_files=[*REPO, UP_PATH, DOWN_PATH])
    assert rules(result) == [("golang-migrate-empty-down", DOWN_PATH, 1)]


def test_editing_an_existing_up_is_not_this_checks_business() -> None:
    result = run(modified(UP_PATH, UP, UP.replace("BIGINT NOT NULL,", "BIGINT NOT NULL CHECK "
                                                  "(amount_cents >= 0),")),
                 repo_files=[*REPO, UP_PATH, DOWN_PATH])
    assert result.status is Status.PASS


def test_a_comment_that_mentions_drop_is_not_a_down_step() -> None:
    text = "-- DROP TABLE invoice_lines;\n/* DROP INDEX invoice_lines_invoice_id_idx; */\n"
    result = run(pr(added(UP_PATH, UP), added(DOWN_PATH, text)))
    assert only(result).rule == "golang-migrate-empty-down"


def test_a_string_that_looks_like_a_comment_is_code() -> None:
    text = "UPDATE settings SET value = '-- none' WHERE key = 'billing';\n"
    assert run(pr(added(UP_PATH, UP), added(DOWN_PATH, text))).status is Status.PASS


@pytest.mark.parametrize(
    "path",
    [
        "db/migrations/README.md",
        "docs/db/migrations/000012_example.up.sql",
        "db/seeds/000001_demo_data.up.sql",
        "db/structure.sql",
        "db/schema.sql",
        "internal/billing/queries/000012_lines.sql",
        ".github/workflows/migrate.yml",
    ],
)
def test_look_alikes_are_not_judged(path: str) -> None:
    result = run(added(path, UP), repo_files=REPO)
    assert result.findings == ()
    assert result.summary == "No migration in this PR."


def test_message_says_how_to_fix_in_golang_migrate_words() -> None:
    message = only(run(added(UP_PATH, UP))).message
    assert "000012_create_invoice_lines.down.sql" in message and "migrate create" in message


def test_deleting_a_down_in_a_diff_only_run_still_fails_on_the_up() -> None:
    # No repository listing (`shipshape check --diff`): an up file the PR did not delete stays.
    finding = only(run(removed(DOWN_PATH, DOWN)))
    assert (finding.rule, finding.path) == ("golang-migrate-deleted-down", UP_PATH)
    assert run(pr(removed(UP_PATH, UP), removed(DOWN_PATH, DOWN))).status is Status.PASS


def test_moving_a_folder_of_up_only_migrations_does_not_make_them_new() -> None:
    # Migrations moved from a package folder into `config/migrations/`: their versions and names
    # stay, so the PR adds no migration (any missing down was missing before).
    old = "internal/analytics/migrations/0_initial.up.sql"
    new = "config/migrations/ch/0_initial.up.sql"
    result = run(renamed(old, new), repo_files=["go.mod", new])
    assert result.status is Status.PASS, rules(result)


def test_moving_the_up_file_away_from_its_down_fails() -> None:
    old, new = "db/migrations/7_invoice.up.sql", "db/migrations/pg/7_invoice.up.sql"
    result = run(renamed(old, new), repo_files=["go.mod", new, "db/migrations/7_invoice.down.sql"])
    assert rules(result) == [("golang-migrate-missing-down", new, 1)]
