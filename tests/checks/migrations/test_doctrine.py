"""Doctrine Migrations on realistic PR diffs: pass, every way of failing, and look-alikes."""

from __future__ import annotations

import pytest

from checks.model import Status
from tests.checks.migrations.gitdiff import added, modified, pr, rules, run

MIG = "migrations/Version20240131120000.php"
NEST = "apps/shop/src/Migrations/Version20240131120000.php"

ENTITY = added("src/Entity/Product.php", """
    <?php

    namespace App\\Entity;

    use Doctrine\\ORM\\Mapping as ORM;

    #[ORM\\Entity]
    class Product
    {
        #[ORM\\Id, ORM\\GeneratedValue, ORM\\Column]
        private ?int $id = null;
    }
""")
CONFIG = added("config/packages/doctrine_migrations.yaml", """
    doctrine_migrations:
        migrations_paths:
            'DoctrineMigrations': '%kernel.project_dir%/migrations'
""")


def version(up: str, down: str | None) -> str:
    """A `make:migration` file with the given step bodies (8-space indented lines)."""
    down_method = "" if down is None else f"""
    public function down(Schema $schema): void
    {{
        // this down() migration is auto-generated, please modify it to your needs
{down}    }}
"""
    return f"""<?php

declare(strict_types=1);

namespace DoctrineMigrations;

use Doctrine\\DBAL\\Schema\\Schema;
use Doctrine\\Migrations\\AbstractMigration;

/**
 * Auto-generated Migration: Please modify to your needs!
 */
final class Version20240131120000 extends AbstractMigration
{{
    public function getDescription(): string
    {{
        return '';
    }}

    public function up(Schema $schema): void
    {{
        // this up() migration is auto-generated, please modify it to your needs
{up}    }}
{down_method}}}
"""


CREATE = ("        $this->addSql('CREATE TABLE product (id INT AUTO_INCREMENT NOT NULL, "
          "PRIMARY KEY(id))');\n")
DROP = "        $this->addSql('DROP TABLE product');\n"
GUARD = ("        $this->abortIf(!$this->connection->getDatabasePlatform() instanceof "
         "\\Doctrine\\DBAL\\Platforms\\PostgreSQLPlatform, 'Migration can only be executed "
         "safely on \\'postgresql\\'.');\n")

CASES = [
    ("make:migration output", pr(added(MIG, version(CREATE, DROP)), ENTITY, CONFIG), []),
    ("platform guard then SQL", pr(added(NEST, version(GUARD + CREATE, GUARD + DROP))), []),
    ("down with only the generated comment", pr(added(MIG, version(CREATE, "")), ENTITY),
     [("doctrine-empty-down", MIG, 26)]),
    ("down with only the platform guard", pr(added(MIG, version(CREATE, GUARD))),
     [("doctrine-empty-down", MIG, 26)]),
    ("throwIrreversibleMigrationException", pr(added(NEST, version(
        CREATE, "        $this->throwIrreversibleMigrationException();\n"))),
     [("doctrine-irreversible-down", NEST, 26)]),
    ("abortIf(true, ...)", pr(added(MIG, version(
        CREATE, "        $this->abortIf(true, 'Data cannot be restored.');\n"))),
     [("doctrine-irreversible-down", MIG, 26)]),
    ("no down", pr(added(MIG, version(CREATE, None))), [("doctrine-missing-down", MIG, 20)]),
    ("entity and configuration only", pr(ENTITY, CONFIG), []),
    ("a migration test", pr(added("tests/Migrations/Version20240131120000Test.php", """
        <?php

        final class Version20240131120000Test extends TestCase
        {
            public function down(): void
            {
            }
        }
    """)), []),
]


@pytest.mark.parametrize(("diff", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_doctrine_table(diff: str, expected: list[tuple[str, str, int]]) -> None:
    result = run(diff)
    assert rules(result) == expected
    assert result.status is (Status.FAIL if expected else Status.PASS)


def test_replacing_a_down_with_a_refusal_fails() -> None:
    old = version(CREATE, DROP)
    new = version(CREATE, "        $this->throwIrreversibleMigrationException('no way back');\n")
    result = run(modified(MIG, old, new))
    assert rules(result) == [("doctrine-irreversible-down", MIG, 26)]
    assert "throwIrreversibleMigrationException" in result.findings[0].message
