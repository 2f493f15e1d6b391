"""dbmate: `-- migrate:up` and a `-- migrate:down` section that does something."""

from __future__ import annotations

import pytest

from checks.model import Status
from tests.checks.migrations.gitdiff import added, modified, pr, rules, run

PATH = "db/migrations/20240502101500_add_invoice_currency.sql"

GOOD = """
-- migrate:up
ALTER TABLE invoices ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'EUR';

-- migrate:down
ALTER TABLE invoices DROP COLUMN currency;
"""
# What `dbmate new add_invoice_currency` writes.
TEMPLATE = "-- migrate:up\n\n\n-- migrate:down\n\n"
UP_ONLY = "-- migrate:up\nALTER TABLE invoices ADD COLUMN currency CHAR(3);\n"
EMPTY_DOWN = UP_ONLY + "\n-- migrate:down\n\n"
NO_TX = """
-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY invoices_currency_idx ON invoices (currency);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY invoices_currency_idx;
"""
SCHEMA_DUMP = """
SET statement_timeout = 0;

CREATE TABLE public.invoices (
    id bigint NOT NULL,
    currency character(3) DEFAULT 'EUR'::bpchar NOT NULL
);

--
-- Dbmate schema migrations
--

INSERT INTO public.schema_migrations (version) VALUES
    ('20240502101500');
"""


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line holding `needle` (text as the diff shows it)."""
    return next(i for i, line in enumerate(text.lstrip("\n").splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("up and down", GOOD, None),
        ("transaction option", NO_TX, None),
        ("untouched template", TEMPLATE, None),
        ("no down section", UP_ONLY, ("dbmate-missing-down", "migrate:up")),
        ("empty down section", EMPTY_DOWN, ("dbmate-empty-down", "migrate:down")),
    ],
)
def test_dbmate_table(name: str, text: str, expected: tuple[str, str] | None) -> None:
    # dbmate dumps db/schema.sql after each migration; real PRs carry it.
    result = run(pr(added(PATH, text), added("db/schema.sql", SCHEMA_DUMP)))
    if expected is None:
        assert result.findings == (), name
        assert result.status is Status.PASS
    else:
        assert rules(result) == [(expected[0], PATH, line_of(text, expected[1]))], name


def test_gutting_an_existing_down_fails_and_untouched_down_is_left_alone() -> None:
    gutted = GOOD.replace("ALTER TABLE invoices DROP COLUMN currency;", "")
    assert rules(run(modified(PATH, GOOD, gutted))) == [
        ("dbmate-empty-down", PATH, line_of(GOOD, "migrate:down"))]
    edited_up = GOOD.replace("DEFAULT 'EUR'", "DEFAULT 'USD'")
    assert run(modified(PATH, GOOD, edited_up)).status is Status.PASS


def test_schema_dump_is_not_a_migration() -> None:
    assert run(added("db/schema.sql", SCHEMA_DUMP)).summary == "No migration in this PR."
