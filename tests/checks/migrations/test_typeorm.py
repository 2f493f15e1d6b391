"""TypeORM migrations on realistic PR diffs: pass, every way of failing, and look-alikes."""

from __future__ import annotations

import pytest

from checks.model import Status
from tests.checks.migrations.gitdiff import added, modified, pr, rules, run

MIG = "src/migration/1706702400000-AddUserEmail.ts"
NEST = "apps/api/src/database/migrations/1706702400000-AddUserEmail.ts"

ENTITY = added("src/entity/User.ts", """
    import { Entity, PrimaryGeneratedColumn, Column } from "typeorm";

    @Entity()
    export class User {
        @PrimaryGeneratedColumn()
        id: number;

        @Column({ nullable: true })
        email: string;
    }
""")
DATA_SOURCE = added("src/data-source.ts", """
    import { DataSource } from "typeorm";

    export const AppDataSource = new DataSource({
        type: "postgres",
        migrations: ["src/migration/*.ts"],
    });
""")

GENERATED = """
    import { MigrationInterface, QueryRunner } from "typeorm";

    export class AddUserEmail1706702400000 implements MigrationInterface {
        name = 'AddUserEmail1706702400000'

        public async up(queryRunner: QueryRunner): Promise<void> {
            await queryRunner.query(`ALTER TABLE "user" ADD "email" character varying`);
        }

        public async down(queryRunner: QueryRunner): Promise<void> {
            await queryRunner.query(`ALTER TABLE "user" DROP COLUMN "email"`);
        }

    }
"""
EMPTY = """
    import { MigrationInterface, QueryRunner } from "typeorm";

    export class AddUserEmail1706702400000 implements MigrationInterface {

        public async up(queryRunner: QueryRunner): Promise<void> {
            await queryRunner.addColumn("user", new TableColumn({ name: "email", type: "text" }));
        }

        public async down(queryRunner: QueryRunner): Promise<void> {
        }

    }
"""

CASES = [
    ("migration:generate output", pr(added(MIG, GENERATED), ENTITY, DATA_SOURCE), []),
    ("api calls in a nested folder", pr(added(NEST, """
        import { MigrationInterface, QueryRunner, TableColumn } from "typeorm";

        export class AddUserEmail1706702400000 implements MigrationInterface {
            async up(queryRunner: QueryRunner): Promise<void> {
                await queryRunner.addColumn(
                    "user", new TableColumn({ name: "email", type: "text" }));
            }

            async down(queryRunner: QueryRunner): Promise<void> {
                await queryRunner.dropColumn("user", "email");
            }
        }
    """)), []),
    ("migration:create stub with an empty down", pr(added(MIG, EMPTY), ENTITY),
     [("typeorm-empty-down", MIG, 9)]),
    ("down throws", pr(added(NEST, """
        import { MigrationInterface, QueryRunner } from "typeorm";

        export class Backfill1706702400000 implements MigrationInterface {
            public async up(queryRunner: QueryRunner): Promise<void> {
                await queryRunner.query(`UPDATE "user" SET "email" = lower("email")`);
            }

            public async down(): Promise<void> {
                throw new Error("Backfill1706702400000 cannot be reverted");
            }
        }
    """)), [("typeorm-refusing-down", NEST, 8)]),
    ("no down", pr(added(NEST, """
        import { MigrationInterface, QueryRunner } from "typeorm";

        export class Backfill1706702400000 implements MigrationInterface {
            public async up(queryRunner: QueryRunner): Promise<void> {
                await queryRunner.query(`UPDATE "user" SET "email" = lower("email")`);
            }
        }
    """)), [("typeorm-missing-down", NEST, 4)]),
    ("entity and data source only", pr(ENTITY, DATA_SOURCE), []),
    ("a spec of a migration", pr(added("src/migration/1706702400000-AddUserEmail.spec.ts", """
        import { AddUserEmail1706702400000 } from "./1706702400000-AddUserEmail";

        describe("AddUserEmail", () => {
            it("runs", async () => {
                const queryRunner = { query: jest.fn() };
                await new AddUserEmail1706702400000().down(queryRunner as never);
            });
        });
    """)), []),
]


@pytest.mark.parametrize(("diff", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_typeorm_table(diff: str, expected: list[tuple[str, str, int]]) -> None:
    result = run(diff)
    assert rules(result) == expected
    assert result.status is (Status.FAIL if expected else Status.PASS)


def test_emptying_a_generated_down_fails_and_a_comment_is_no_step() -> None:
    gutted = GENERATED.replace(
        '        await queryRunner.query(`ALTER TABLE "user" DROP COLUMN "email"`);\n',
        '        // await queryRunner.query(`ALTER TABLE "user" DROP COLUMN "email"`);\n')
    result = run(modified(MIG, GENERATED, gutted))
    assert rules(result) == [("typeorm-empty-down", MIG, 10)]
