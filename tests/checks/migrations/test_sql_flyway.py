"""Flyway: each new `V<version>__` has a `U<version>__` undo in some location; `R__` is not
judged."""

from __future__ import annotations

import pytest

from checks.model import Status
from tests.checks.migrations.gitdiff import added, modified, only, pr, removed, renamed, rules, run

LOC = "src/main/resources/db/migration"
V = f"{LOC}/V7__add_invoice_currency.sql"
U = f"{LOC}/U7__add_invoice_currency.sql"
UP = """
ALTER TABLE invoice ADD COLUMN currency VARCHAR(3) NOT NULL DEFAULT 'EUR';
CREATE INDEX idx_invoice_currency ON invoice (currency);
"""
UNDO = """
DROP INDEX idx_invoice_currency;
ALTER TABLE invoice DROP COLUMN currency;
"""
ENTITY = """
package com.example.billing;

import jakarta.persistence.*;

@Entity
public class Invoice {
    @Id @GeneratedValue private Long id;
    @Column(length = 3, nullable = false) private String currency = "EUR";
}
"""
ENTITY_TEST = """
package com.example.billing;

import static org.assertj.core.api.Assertions.assertThat;
import org.junit.jupiter.api.Test;

class InvoiceTest {
    @Test
    void defaultsToEuro() {
        assertThat(new Invoice().getCurrency()).isEqualTo("EUR");
    }
}
"""
REPO = ["pom.xml", f"{LOC}/V6__create_invoice.sql", f"{LOC}/U6__create_invoice.sql"]


def java_pr(*parts: str) -> str:
    """A Spring Boot PR: entity, migration files, test."""
    return pr(added("src/main/java/com/example/billing/Invoice.java", ENTITY), *parts,
              added("src/test/java/com/example/billing/InvoiceTest.java", ENTITY_TEST))


@pytest.mark.parametrize(
    ("name", "diff", "expected"),
    [
        ("V with U", java_pr(added(V, UP), added(U, UNDO)), []),
        ("V alone", java_pr(added(V, UP)), [("flyway-missing-undo", V, 1)]),
        ("U empty", java_pr(added(V, UP), added(U, "-- undo\n")),
         [("flyway-empty-undo", U, 1)]),
        ("U empty file, no line 1", java_pr(added(V, UP), added(U, "")),
         [("flyway-empty-undo", U, None)]),
        ("U in another configured location", java_pr(
            added(V, UP), added("db/migration/undo/U7__add_invoice_currency.sql", UNDO)), []),
        ("dotted and underscored versions are one", java_pr(
            added(f"{LOC}/V7_1__backfill.sql", "UPDATE invoice SET currency = 'EUR';\n"),
            added(f"{LOC}/U7.1__backfill.sql", "UPDATE invoice SET currency = NULL;\n")), []),
        ("U of another version does not pair", java_pr(
            added(V, UP), added(f"{LOC}/U8__other.sql", UNDO)),
         [("flyway-missing-undo", V, 1)]),
        ("repeatable migration is not judged", java_pr(
            added(f"{LOC}/R__invoice_totals_view.sql",
                  "CREATE OR REPLACE VIEW invoice_totals AS SELECT 1 AS x;\n")), []),
        ("plain flyway folder in a monorepo", pr(
            added("services/ledger/flyway/sql/V3__ledger.sql", UP)),
         [("flyway-missing-undo", "services/ledger/flyway/sql/V3__ledger.sql", 1)]),
    ],
)
def test_flyway_table(name: str, diff: str, expected: list[tuple[str, str, int | None]]) -> None:
    result = run(diff, repo_files=REPO)
    assert rules(result) == expected, name
    assert result.status is (Status.FAIL if expected else Status.PASS)


def test_undo_already_in_repository_pairs() -> None:
    assert run(added(V, UP), repo_files=[*REPO, U]).status is Status.PASS


def test_configured_location_is_used() -> None:
    path = "database/changes/V9__audit.sql"
    config = {"flyway_locations": ["database/changes"]}
    assert only(run(added(path, UP), config=config)).rule == "flyway-missing-undo"
    assert run(added(path, UP)).findings == ()  # not a Flyway location by default


def test_renaming_only_the_versioned_file_leaves_it_without_undo() -> None:
    new_v = f"{LOC}/V9__add_invoice_currency.sql"
    result = run(renamed(V, new_v), repo_files=[*REPO, new_v, U])
    assert rules(result) == [("flyway-missing-undo", new_v, 1)]


def test_renaming_both_keeps_the_pair() -> None:
    new_v, new_u = f"{LOC}/V9__add_invoice_currency.sql", f"{LOC}/U9__add_invoice_currency.sql"
    result = run(pr(renamed(V, new_v), renamed(U, new_u)), repo_files=[*REPO, new_v, new_u])
    assert result.status is Status.PASS


def test_deleting_an_undo_while_the_versioned_file_stays_fails_on_it() -> None:
    finding = only(run(removed(U, UNDO), repo_files=[*REPO, V]))
    assert (finding.rule, finding.path) == ("flyway-deleted-undo", V)


def test_gutting_an_undo_fails() -> None:
    result = run(modified(U, UNDO, "-- nothing\n"), repo_files=[*REPO, V, U])
    assert rules(result) == [("flyway-empty-undo", U, 1)]


def test_editing_a_versioned_migration_is_not_judged() -> None:
    result = run(modified(V, UP, UP.replace("'EUR'", "'USD'")), repo_files=[*REPO, V])
    assert result.status is Status.PASS


@pytest.mark.parametrize(
    "path",
    [f"{LOC}/README.md", "docs/flyway/V7__example.sql", f"{LOC}/afterMigrate.sql",
     "src/main/resources/application.yml"],
)
def test_look_alikes_are_not_judged(path: str) -> None:
    assert run(added(path, UP), repo_files=REPO).findings == ()


def test_deleting_an_undo_in_a_diff_only_run_fails_on_the_versioned_file() -> None:
    finding = only(run(removed(U, UNDO)))
    assert (finding.rule, finding.path) == ("flyway-deleted-undo", V)


@pytest.mark.parametrize(
    "path",
    [
        # `spring.flyway.locations` set to the plural or a vendor folder, and a module's own
        # `migrations/<vendor>/` folder (`classpath:migrations/postgres`).
        "src/main/resources/db/migrations/V3__add_invoice_currency.sql",
        "src/main/resources/db/postgresql/V3__add_invoice_currency.sql",
        "jdbc-postgres/src/main/resources/migrations/postgres/V1_3__add_invoice_currency.sql",
    ],
)
def test_common_spring_boot_locations_are_flyway(path: str) -> None:
    assert rules(run(java_pr(added(path, UP)))) == [("flyway-missing-undo", path, 1)]
    undo = path.replace("/V", "/U", 1) if "/V" in path else path
    assert run(java_pr(added(path, UP), added(undo, UNDO))).status is Status.PASS


def test_callbacks_beside_versioned_migrations_are_not_judged() -> None:
    diff = java_pr(added(f"{LOC}/afterMigrate.sql", "ANALYZE;\n"),
                   added(f"{LOC}/beforeEachMigrate__log.sql", "SET lock_timeout = '5s';\n"),
                   added(f"{LOC}/R__refresh_totals.sql", "REFRESH MATERIALIZED VIEW totals;\n"))
    assert run(diff, repo_files=REPO).findings == ()


def test_moving_versioned_files_to_a_vendor_folder_is_not_judged() -> None:
    new_v = f"{LOC}/postgresql/V6__create_invoice.sql"
    result = run(renamed(f"{LOC}/V6__create_invoice.sql", new_v), repo_files=[new_v])
    assert result.status is Status.PASS
