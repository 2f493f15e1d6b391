"""Liquibase: changes with automatic rollback pass; `sql`, `dropTable` and friends need a
`<rollback>`; formatted SQL always needs `--rollback`; include-only master changelogs are not
judged."""

from __future__ import annotations

import pytest

from checks.model import Status
from tests.checks.migrations.gitdiff import added, modified, only, pr, rules, run

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<databaseChangeLog
        xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
        xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog
        http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.20.xsd">
"""
TAIL = "</databaseChangeLog>\n"
CREATE = """
    <changeSet id="20240502-1" author="ana">
        <createTable tableName="invoice_line">
            <column name="id" type="BIGINT" autoIncrement="true">
                <constraints primaryKey="true" nullable="false"/>
            </column>
            <column name="amount_cents" type="BIGINT"/>
        </createTable>
        <addForeignKeyConstraint baseTableName="invoice_line" baseColumnNames="invoice_id"
                                 constraintName="fk_line_invoice" referencedTableName="invoice"
                                 referencedColumnNames="id"/>
    </changeSet>
"""
DROP = """
    <changeSet id="20240502-2" author="ana">
        <comment>Legacy table is gone</comment>
        <dropTable tableName="invoice_line_legacy"/>
    </changeSet>
"""
DROP_WITH_ROLLBACK = """
    <changeSet id="20240502-2" author="ana">
        <dropTable tableName="invoice_line_legacy"/>
        <rollback>
            <createTable tableName="invoice_line_legacy">
                <column name="id" type="BIGINT"/>
            </createTable>
        </rollback>
    </changeSet>
"""
SQL = """
    <changeSet id="20240502-3" author="ana">
        <sql>UPDATE invoice SET currency = 'EUR' WHERE currency IS NULL;</sql>
    </changeSet>
"""
SQL_WITH_ROLLBACK = """
    <changeSet id="20240502-3" author="ana">
        <sql>UPDATE invoice SET currency = 'EUR' WHERE currency IS NULL;</sql>
        <rollback>
            <sql>UPDATE invoice SET currency = NULL WHERE currency = 'EUR';</sql>
        </rollback>
    </changeSet>
"""
SQL_EMPTY_ROLLBACK = """
    <changeSet id="20240502-4" author="ana">
        <sql>ANALYZE invoice;</sql>
        <rollback/>
    </changeSet>
"""
COMMENTED = """
    <!-- <changeSet id="old" author="x"><dropTable tableName="invoice"/></changeSet> -->
    <changeSet id="20240502-5" author="ana">
        <addColumn tableName="invoice">
            <column name="memo" type="TEXT" remarks="dropTable is not a change here"/>
        </addColumn>
    </changeSet>
"""
MASTER = HEAD + """
    <include file="db/changelog/changes/001-init.xml"/>
    <include file="db/changelog/changes/002-invoice-lines.xml"/>
    <includeAll path="db/changelog/changes/2024/"/>
""" + TAIL
PATH = "src/main/resources/db/changelog/changes/002-invoice-lines.xml"


def changelog(*sets: str) -> str:
    """A changelog file holding `sets`."""
    return HEAD + "".join(sets) + TAIL


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line holding `needle`."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("name", "sets", "failing"),
    [
        ("createTable + addForeignKeyConstraint roll back by themselves", [CREATE], []),
        ("dropTable without rollback", [DROP], ['id="20240502-2"']),
        ("dropTable with rollback", [DROP_WITH_ROLLBACK], []),
        ("sql without rollback", [SQL], ['id="20240502-3"']),
        ("sql with rollback", [SQL_WITH_ROLLBACK], []),
        ("declared empty rollback", [SQL_EMPTY_ROLLBACK], []),
        ("comments and attribute text are not changes", [COMMENTED], []),
        ("one good, one bad", [CREATE, SQL], ['id="20240502-3"']),
    ],
)
def test_liquibase_xml_table(name: str, sets: list[str], failing: list[str]) -> None:
    text = changelog(*sets)
    result = run(pr(added(PATH, text), modified(
        "src/main/resources/db/changelog/db.changelog-master.xml",
        MASTER, MASTER.replace("<includeAll", '<include file="x.xml"/>\n    <includeAll'))))
    expected = [("liquibase-missing-rollback", PATH, line_of(text, f)) for f in failing]
    assert rules(result) == expected, name


def test_message_names_the_changeset_and_the_change() -> None:
    message = only(run(added(PATH, changelog(DROP)))).message
    assert "20240502-2" in message and "dropTable" in message and "rollback" in message


def test_master_changelog_that_only_includes_is_not_judged() -> None:
    result = run(added("src/main/resources/db/changelog/db.changelog-master.xml", MASTER))
    assert result.summary == "No migration in this PR."


def test_appending_a_changeset_to_an_existing_changelog() -> None:
    filler = "".join(CREATE.replace("20240502-1", f"2023-{i}") for i in range(4))
    before = changelog(filler)
    bad = changelog(filler, SQL)
    good = changelog(filler, SQL_WITH_ROLLBACK)
    assert rules(run(modified(PATH, before, bad))) == [
        ("liquibase-missing-rollback", PATH, line_of(bad, 'id="20240502-3"'))]
    assert run(modified(PATH, before, good)).status is Status.PASS


def test_removing_a_rollback_from_an_existing_changeset_fails() -> None:
    before = changelog(CREATE, DROP_WITH_ROLLBACK)
    after = changelog(CREATE, DROP.replace("        <comment>Legacy table is gone</comment>\n",
                                           ""))
    assert only(run(modified(PATH, before, after))).rule == "liquibase-missing-rollback"


def test_editing_an_old_changeset_without_touching_rollback_is_not_judged() -> None:
    before = changelog(DROP, CREATE)
    after = changelog(DROP, CREATE.replace('type="BIGINT"/>', 'type="BIGINT" remarks="cents"/>'))
    assert run(modified(PATH, before, after)).status is Status.PASS


YAML = """
databaseChangeLog:
  - changeSet:
      id: 20240502-1
      author: ana
      changes:
        - createTable:
            tableName: invoice_line
            columns:
              - column:
                  name: id
                  type: BIGINT
  - changeSet:
      id: 20240502-2
      author: ana
      changes:
        - sql:
            sql: UPDATE invoice SET currency = 'EUR'
  - changeSet:
      id: 20240502-3
      author: ana
      changes:
        - dropColumn:
            tableName: invoice
            columnName: legacy_code
      rollback:
        - addColumn:
            tableName: invoice
            columns:
              - column:
                  name: legacy_code
                  type: VARCHAR(8)
"""


def test_yaml_changelog() -> None:
    path = "src/main/resources/db/changelog/changes/002-invoice-lines.yaml"
    finding = only(run(added(path, YAML)))
    assert finding.rule == "liquibase-missing-rollback"
    assert finding.line == line_of(YAML.lstrip("\n"), "id: 20240502-2") - 1
    assert "20240502-2" in finding.message and "`sql`" in finding.message


def test_yaml_master_with_includes_only() -> None:
    master = ("databaseChangeLog:\n  - include:\n      file: changes/001-init.yaml\n"
              "      relativeToChangelogFile: true\n")
    assert run(added("db/changelog/db.changelog-master.yaml", master)).summary == (
        "No migration in this PR.")


def test_yaml_changeset_appended_to_an_existing_changelog() -> None:
    path = "db/changelog/changelog.yaml"
    before = YAML.split("  - changeSet:\n      id: 20240502-2")[0]
    result = run(modified(path, before, YAML))
    assert [r for r, _, _ in rules(result)] == ["liquibase-missing-rollback"]


FORMATTED = """--liquibase formatted sql

--changeset ana:20240502-1
CREATE TABLE invoice_line (id BIGINT PRIMARY KEY, amount_cents BIGINT);
--rollback DROP TABLE invoice_line;

--changeset ana:20240502-2 labels:billing
ALTER TABLE invoice ADD COLUMN currency CHAR(3);

--changeset ana:20240502-3
--comment: analyse only
ANALYZE invoice;
--rollback empty
"""


def test_formatted_sql_needs_a_rollback_line_per_changeset() -> None:
    path = "db/changelog/sql/002-invoice-lines.sql"
    finding = only(run(added(path, FORMATTED)))
    assert (finding.rule, finding.line) == ("liquibase-sql-missing-rollback", 7)
    assert "ana:20240502-2" in finding.message and "--rollback" in finding.message


def test_formatted_sql_appended_changeset() -> None:
    path = "db/changelog/sql/changelog.sql"
    before = FORMATTED.split("--changeset ana:20240502-2")[0]
    after = before + "--changeset ana:20240503-1\nDELETE FROM invoice WHERE id < 0;\n"
    assert only(run(modified(path, before, after))).rule == "liquibase-sql-missing-rollback"


@pytest.mark.parametrize(
    "path", ["pom.xml", "src/main/resources/logback.xml", ".github/workflows/liquibase.yml",
             "src/main/resources/application.yaml", "docs/changelog/002-example.xml"],
)
def test_look_alikes_are_not_judged(path: str) -> None:
    text = changelog(DROP) if path.endswith(".xml") and "docs" in path else (
        "<project><build><plugins><plugin><artifactId>liquibase-maven-plugin</artifactId>"
        "</plugin></plugins></build></project>\n" if path.endswith(".xml")
        else "spring:\n  liquibase:\n    change-log: classpath:db/changelog/master.yaml\n")
    assert run(added(path, text)).summary == "No migration in this PR."


def test_malformed_xml_is_not_judged_and_does_not_crash() -> None:
    text = HEAD + "    <changeSet id='1' author='a'><dropTable tableName='x'>\n" + TAIL
    result = run(added(PATH, text))
    assert result.status is Status.PASS


def test_entity_expansion_is_refused() -> None:
    text = ('<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
            + HEAD.split("\n", 1)[1] + '    <changeSet id="1" author="a">\n'
            '        <sql>&b;</sql>\n    </changeSet>\n' + TAIL)
    result = run(added(PATH, text))
    assert result.status in (Status.PASS, Status.FAIL)  # judged or not, never a crash
    assert all(f.rule != "internal-error" for f in result.findings)


def test_json_changelog() -> None:
    text = """{
  "databaseChangeLog": [
    {
      "changeSet": {
        "id": "20240502-1",
        "author": "ana",
        "changes": [
          {"createTable": {"tableName": "invoice_line",
                           "columns": [{"column": {"name": "id", "type": "BIGINT"}}]}}
        ]
      }
    },
    {
      "changeSet": {
        "id": "20240502-2",
        "author": "ana",
        "changes": [{"delete": {"tableName": "invoice", "where": "currency IS NULL"}}]
      }
    }
  ]
}
"""
    path = "src/main/resources/db/changelog/changes/002.json"
    finding = only(run(added(path, text)))
    assert finding.rule == "liquibase-missing-rollback" and "`delete`" in finding.message
    assert finding.line == line_of(text, '"id": "20240502-2"') - 2
