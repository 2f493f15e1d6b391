"""Phinx (and CakePHP) migrations on realistic PR diffs: pass, every way of failing, look-alikes."""

from __future__ import annotations

import pytest

from checks.model import Status
from tests.checks.migrations.gitdiff import added, modified, pr, rules, run

MIG = "db/migrations/20240131120000_create_users_table.php"
CAKE = "plugins/Billing/config/Migrations/20240131120000_AddPaidToInvoices.php"

CONFIG = added("phinx.php", """
    <?php

    return [
        'paths' => ['migrations' => '%%PHINX_CONFIG_DIR%%/db/migrations'],
    ];
""")
SEED = added("db/seeds/UserSeeder.php", """
    <?php

    use Phinx\\Seed\\AbstractSeed;

    class UserSeeder extends AbstractSeed
    {
        public function run(): void
        {
            $this->execute('DELETE FROM users');
        }
    }
""")


def phinx(body: str, name: str = "CreateUsersTable") -> str:
    """A Phinx migration class around `body` (4-space indented methods)."""
    return f"""<?php

declare(strict_types=1);

use Phinx\\Migration\\AbstractMigration;

final class {name} extends AbstractMigration
{{
{body}}}
"""


CHANGE = """    public function change(): void
    {
        $table = $this->table('users');
        $table->addColumn('username', 'string', ['limit' => 20])
              ->addColumn('email', 'string', ['limit' => 100])
              ->addIndex(['username', 'email'], ['unique' => true])
              ->create();
        // $this->execute('DROP TABLE legacy_users');
    }
"""

CASES = [
    ("reversible change()", pr(added(MIG, phinx(CHANGE)), CONFIG), []),
    ("guarded data fix in change()", pr(added(MIG, phinx("""    public function change(): void
    {
        $this->table('users')->renameColumn('bio', 'biography')->update();
        if ($this->isMigratingUp()) {
            $this->execute("UPDATE users SET biography = ''");
        }
    }
"""))), []),
    ("up and down", pr(added(MIG, phinx("""    public function up(): void
    {
        $this->execute('CREATE INDEX CONCURRENTLY users_email ON users (email)');
    }

    public function down(): void
    {
        $this->execute('DROP INDEX users_email');
    }
"""))), []),
    ("CakePHP migration in a plugin", pr(added(CAKE, """<?php
declare(strict_types=1);

use Migrations\\AbstractMigration;

class AddPaidToInvoices extends AbstractMigration
{
    public function change(): void
    {
        $this->table('invoices')->addColumn('paid', 'boolean', ['default' => false])->update();
    }
}
""")), []),
    ("execute in change()", pr(added(MIG, phinx("""    public function change(): void
    {
        $this->table('users')->addColumn('status', 'string')->update();
        $this->execute("UPDATE users SET status = 'active'");
    }
""")), CONFIG, SEED), [("phinx-irreversible-change", MIG, 12)]),
    ("removeColumn and drop in change()", pr(added(MIG, phinx("""    public function change(): void
    {
        $this->table('users')
            ->removeColumn('legacy_token')
            ->update();
        $this->table('sessions')->drop()->save();
    }
"""))), [("phinx-irreversible-change", MIG, 12), ("phinx-irreversible-change", MIG, 14)]),
    ("empty down", pr(added(MIG, phinx("""    public function up(): void
    {
        $this->table('users')->addColumn('status', 'string')->update();
    }

    public function down(): void
    {
    }
"""))), [("phinx-empty-down", MIG, 14)]),
    ("down throws", pr(added(MIG, phinx("""    public function up(): void
    {
        $this->execute('DELETE FROM sessions');
    }

    public function down(): void
    {
        throw new \\Phinx\\Migration\\IrreversibleMigrationException('Sessions are gone.');
    }
"""))), [("phinx-refusing-down", MIG, 14)]),
    ("up without down", pr(added(MIG, phinx("""    public function up(): void
    {
        $this->table('users')->addColumn('status', 'string')->update();
    }
"""))), [("phinx-missing-down", MIG, 9)]),
    # --- shapes seen in real apps ---
    ("insert in change()", pr(added(CAKE, """<?php
declare(strict_types=1);

use Migrations\\AbstractMigration;

class AddPaidToInvoices extends AbstractMigration
{
    public function change(): void
    {
        $rows = [['id' => 1, 'slug' => 'paid', 'created' => date('Y-m-d H:i:s')]];
        $this->table('invoice_states')->insert($rows)->saveData();
    }
}
""")), [("phinx-irreversible-change", CAKE, 11)]),
    ("change() wins over up() and an empty down() beside it", pr(added(MIG, phinx("""\
    public function change(): void
    {
        $this->table('comments')
            ->addColumn('user_id', 'char', ['limit' => 36, 'null' => false])
            ->save();
    }

    public function up(): void
    {
        $this->execute('UPDATE comments SET user_id = created_by');
    }

    public function down(): void
    {
    }
"""))), []),
    ("configuration and seed only", pr(CONFIG, SEED), []),
]


@pytest.mark.parametrize(("diff", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_phinx_table(diff: str, expected: list[tuple[str, str, int]]) -> None:
    result = run(diff)
    assert rules(result) == expected
    assert result.status is (Status.FAIL if expected else Status.PASS)


def test_adding_execute_to_an_existing_change_fails_on_that_line() -> None:
    old = phinx(CHANGE)
    new = old.replace("        $table = $this->table('users');\n",
                      "        $table = $this->table('users');\n"
                      "        $this->execute('DROP TABLE legacy_users');\n")
    assert rules(run(modified(MIG, old, new))) == [("phinx-irreversible-change", MIG, 12)]


def test_an_edit_whose_hunk_hides_the_method_name_is_not_judged() -> None:
    old = phinx(CHANGE)
    new = old.replace("        // $this->execute('DROP TABLE legacy_users');\n",
                      "        $this->execute('DROP TABLE legacy_users');\n")
    assert run(modified(MIG, old, new)).findings == ()
