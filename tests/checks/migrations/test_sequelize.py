"""Sequelize migrations on realistic PR diffs: pass, every way of failing, and look-alikes."""

from __future__ import annotations

import pytest

from checks.model import Status
from tests.checks.migrations.gitdiff import added, modified, pr, rules, run

MIG = "migrations/20240131120000-create-user.js"
SUB = "packages/api/src/db/migrations/20240131120000-add-role.js"

MODEL = added("models/user.js", """
    'use strict';
    const { Model } = require('sequelize');
    module.exports = (sequelize, DataTypes) => {
      class User extends Model {}
      User.init({ firstName: DataTypes.STRING }, { sequelize, modelName: 'User' });
      return User;
    };
""")
RC = added(".sequelizerc", """
    const path = require('path');
    module.exports = { 'migrations-path': path.resolve('migrations') };
""")

GENERATED = """
    'use strict';

    /** @type {import('sequelize-cli').Migration} */
    module.exports = {
      async up (queryInterface, Sequelize) {
        await queryInterface.createTable('Users', {
          id: { allowNull: false, autoIncrement: true, primaryKey: true, type: Sequelize.INTEGER },
          firstName: { type: Sequelize.STRING },
          createdAt: { allowNull: false, type: Sequelize.DATE },
          updatedAt: { allowNull: false, type: Sequelize.DATE }
        });
      },

      async down (queryInterface, Sequelize) {
        await queryInterface.dropTable('Users');
      }
    };
"""
STUB = """
    'use strict';

    /** @type {import('sequelize-cli').Migration} */
    module.exports = {
      async up (queryInterface, Sequelize) {
        await queryInterface.addColumn('Users', 'role', { type: Sequelize.STRING });
      },

      async down (queryInterface, Sequelize) {
        /**
         * Add reverting commands here.
         *
         * Example:
         * await queryInterface.dropTable('users');
         */
      }
    };
"""

CASES = [
    ("model:generate output", pr(added(MIG, GENERATED), MODEL, RC), []),
    ("v5-style arrow properties", pr(added(SUB, """
        'use strict';

        module.exports = {
          up: (queryInterface, Sequelize) => queryInterface.addColumn('Users', 'role', {
            type: Sequelize.STRING,
          }),
          down: (queryInterface) => queryInterface.removeColumn('Users', 'role'),
        };
    """)), []),
    ("transaction in down", pr(added(SUB, """
        module.exports = {
          async up(queryInterface, Sequelize) {
            await queryInterface.addColumn('Users', 'role', Sequelize.STRING);
          },
          async down(queryInterface) {
            const transaction = await queryInterface.sequelize.transaction();
            try {
              await queryInterface.removeColumn('Users', 'role', { transaction });
              await transaction.commit();
            } catch (err) {
              await transaction.rollback();
              throw err;
            }
          },
        };
    """)), []),
    ("generator stub with only its comment", pr(added(SUB, STUB), MODEL),
     [("sequelize-empty-down", SUB, 9)]),
    ("down returns a rejected promise", pr(added(SUB, """
        module.exports = {
          up: async (queryInterface, Sequelize) => {
            await queryInterface.sequelize.query('UPDATE "Users" SET role = \\'admin\\'');
          },
          down: async () => Promise.reject(new Error('irreversible data change')),
        };
    """)), [("sequelize-refusing-down", SUB, 5)]),
    ("no down", pr(added(SUB, """
        module.exports = {
          async up(queryInterface, Sequelize) {
            await queryInterface.addColumn('Users', 'role', Sequelize.STRING);
          },
        };
    """)), [("sequelize-missing-down", SUB, 2)]),
    ("model, config and a seeder", pr(MODEL, RC, added("seeders/20240131-demo-user.js", """
        module.exports = {
          async up (queryInterface) { await queryInterface.bulkInsert('Users', [{}]); },
          async down (queryInterface) {}
        };
    """)), []),
    # --- shapes seen in real apps ---
    ("script-running migration named only by its JSDoc type", pr(added(
        "server/migrations/20240131120000-backfill-titles.js", """
        "use strict";

        const { execFileSync } = require("child_process");
        const path = require("path");

        /** @type {import('sequelize-cli').Migration} */
        module.exports = {
          async up() {
            const script = path.join(process.cwd(), "build", "scripts", path.basename(__filename));
            execFileSync("node", [script], { stdio: "inherit" });
          },

          async down() {
            // noop
          },
        };
    """)), [("sequelize-empty-down", "server/migrations/20240131120000-backfill-titles.js", 13)]),
]


@pytest.mark.parametrize(("diff", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_sequelize_table(diff: str, expected: list[tuple[str, str, int]]) -> None:
    result = run(diff)
    assert rules(result) == expected
    assert result.status is (Status.FAIL if expected else Status.PASS)


def test_replacing_a_down_with_the_stub_comment_fails() -> None:
    stubbed = GENERATED.replace("    await queryInterface.dropTable('Users');\n",
                                "    // await queryInterface.dropTable('Users');\n")
    result = run(modified(MIG, GENERATED, stubbed))
    assert rules(result) == [("sequelize-empty-down", MIG, 14)]
