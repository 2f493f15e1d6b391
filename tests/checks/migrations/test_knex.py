"""Knex migrations on realistic PR diffs: pass, every way of failing, and look-alikes."""

from __future__ import annotations

import pytest

from checks.model import Status
from tests.checks.migrations.gitdiff import added, modified, pr, rules, run

MIG = "services/billing/migrations/20240131120000_create_invoices.js"
TS_MIG = "db/migrations/20240131120000_add_paid_at.ts"

KNEXFILE = added("services/billing/knexfile.js", """
    module.exports = {
      client: "pg",
      connection: process.env.DATABASE_URL,
      migrations: { directory: "./migrations" },
    };
""")
MODEL = added("services/billing/src/invoices.js", """
    const db = require("./db");

    exports.create = (invoice) => db("invoices").insert(invoice);
""")
TEST = added("services/billing/test/invoices.test.js", """
    const { create } = require("../src/invoices");

    test("creates an invoice", async () => {
      await expect(create({ amount: 10 })).resolves.toBeDefined();
    });
""")

CREATE = """
    /**
     * @param { import("knex").Knex } knex
     * @returns { Promise<void> }
     */
    exports.up = function(knex) {
      return knex.schema.createTable('invoices', function(table) {
        table.increments('id');
        table.integer('amount').notNullable();
        table.timestamps(true, true);
      });
    };

    /**
     * @param { import("knex").Knex } knex
     * @returns { Promise<void> }
     */
    exports.down = function(knex) {
      return knex.schema.dropTable('invoices');
    };
"""
EMPTY_STUB = """
    /**
     * @param { import("knex").Knex } knex
     * @returns { Promise<void> }
     */
    exports.up = function(knex) {
      return knex.schema.createTable('invoices', function(table) {
        table.increments('id');
      });
    };

    /**
     * @param { import("knex").Knex } knex
     * @returns { Promise<void> }
     */
    exports.down = function(knex) {
      // knex.schema.dropTable('invoices')
    };
"""
TS_GOOD = """
    import type { Knex } from "knex";

    export async function up(knex: Knex): Promise<void> {
      await knex.schema.alterTable("invoices", (table) => {
        table.timestamp("paid_at");
      });
    }

    export async function down(knex: Knex): Promise<void> {
      await knex.schema.alterTable("invoices", (table) => {
        table.dropColumn("paid_at");
      });
    }
"""

CASES = [
    ("createTable with dropTable", pr(added(MIG, CREATE), KNEXFILE, MODEL, TEST), []),
    ("typescript up and down", pr(added(TS_MIG, TS_GOOD)), []),
    ("arrow expression bodies", pr(added(MIG, """
        exports.up = (knex) => knex.raw("CREATE EXTENSION IF NOT EXISTS citext");
        exports.down = (knex) => knex.raw("DROP EXTENSION citext");
    """)), []),
    ("generated stub left empty", pr(added(MIG, EMPTY_STUB), KNEXFILE, TEST),
     [("knex-empty-down", MIG, 15)]),
    ("down resolves to nothing", pr(added(TS_MIG, """
        import type { Knex } from "knex";

        export const up = async (knex: Knex) => {
          await knex.schema.alterTable("invoices", (t) => t.timestamp("paid_at"));
        };

        export const down = async (_knex: Knex) => Promise.resolve();
    """)), [("knex-empty-down", TS_MIG, 7)]),
    ("down throws", pr(added(TS_MIG, """
        import type { Knex } from "knex";

        export async function up(knex: Knex): Promise<void> {
          await knex.raw("UPDATE invoices SET amount = amount * 100");
        }

        export async function down(): Promise<void> {
          throw new Error("cannot restore the old amounts");
        }
    """)), [("knex-refusing-down", TS_MIG, 7)]),
    ("no down exported", pr(added(TS_MIG, """
        import { Knex } from "knex";

        export async function up(knex: Knex): Promise<void> {
          await knex.schema.alterTable("invoices", (t) => t.timestamp("paid_at"));
        }
    """)), [("knex-missing-down", TS_MIG, 3)]),
    # --- shapes seen in real apps: a free-named migrations directory ---
    ("knex_migrations folder with a working down", pr(added(
        "db/knex_migrations/2024-05-01-0000-add-retries.js", """
        exports.up = function (knex) {
            return knex.schema.alterTable("heartbeat", function (table) {
                table.integer("retries").notNullable().defaultTo(0);
            });
        };

        exports.down = function (knex) {
            return knex.schema.alterTable("heartbeat", function (table) {
                table.dropColumn("retries");
            });
        };
    """)), []),
    ("knex_migrations folder with an empty down", pr(added(
        "db/knex_migrations/2024-05-02-0000-widen-domain.js", """
        exports.up = function (knex) {
            return knex.schema.alterTable("domain_expiry", function (table) {
                table.string("domain", 255).notNullable().alter();
            });
        };

        exports.down = function (knex) {
        };
    """)), [("knex-empty-down", "db/knex_migrations/2024-05-02-0000-widen-domain.js", 7)]),
    ("per-dialect migrations-sqlite folder", pr(added("server/db/migrations-sqlite/2.5.12.js", """
        exports.up = knex => {
          return knex.schema
            .alterTable('groups', table => {
              table.string('redirectOnLogin').notNullable().defaultTo('/')
            })
        }

        exports.down = knex => { }
    """)), [("knex-empty-down", "server/db/migrations-sqlite/2.5.12.js", 8)]),
    ("knexfile, source and tests only", pr(KNEXFILE, MODEL, TEST), []),
    ("a seed file with exports.up-like code", pr(added("services/billing/seeds/01_invoices.js", """
        exports.seed = async function(knex) {
          await knex("invoices").del();
        };
        exports.up = function(knex) { return knex("invoices").insert({ amount: 1 }); };
    """)), []),
    ("a migration helper without up/down", pr(added("migrations/helpers.js", """
        exports.timestamps = (knex, table) => table.timestamps(true, true);
    """)), []),
]


@pytest.mark.parametrize(("diff", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_knex_table(diff: str, expected: list[tuple[str, str, int]]) -> None:
    result = run(diff)
    assert rules(result) == expected
    assert result.status is (Status.FAIL if expected else Status.PASS)


def test_gutting_the_down_of_an_existing_migration_fails() -> None:
    gutted = CREATE.replace("  return knex.schema.dropTable('invoices');\n", "")
    result = run(modified(MIG, CREATE, gutted))
    assert rules(result) == [("knex-empty-down", MIG, 17)]


def test_editing_only_the_up_is_not_judged() -> None:
    edited = CREATE.replace("table.integer('amount')", "table.bigInteger('amount')")
    assert run(modified(MIG, CREATE, edited)).findings == ()


def test_a_comment_mentioning_droptable_is_no_down_step() -> None:
    result = run(added(MIG, EMPTY_STUB))
    assert "dropTable" in EMPTY_STUB and rules(result) == [("knex-empty-down", MIG, 15)]
