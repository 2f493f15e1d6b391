"""The migrations check as a whole: summary, mixed PRs, configuration, the rule table, speed."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

import checks
from checks.migrations import CHECK, FRAMEWORK_IDS, FRAMEWORKS
from checks.migrations.base import MigrationContext, finding, is_never_migration
from checks.migrations.rules import RULES
from checks.model import Outcome, Severity, Status
from tests.checks.migrations import test_alembic as alembic
from tests.checks.migrations import test_django as django
from tests.checks.migrations import test_sql_golang_migrate as gm
from tests.checks.migrations.gitdiff import added, modified, only, pr, run
from tests.growth import FACTOR, assert_linear
from tests.shared import report_validator

APP_CODE = '''
def total(lines):
    return sum(line.amount_cents for line in lines)
'''
APP_TEST = '''
from app.billing import total


def test_total():
    assert total([]) == 0
'''


def test_pr_without_migrations_passes_and_says_so() -> None:
    result = run(pr(added("app/billing.py", APP_CODE), added("tests/test_billing.py", APP_TEST),
                    added("docs/migrations.md", "# How we migrate\n")))
    assert result.status is Status.PASS
    assert result.summary == "No migration in this PR."
    assert result.findings == ()


def test_summary_counts_the_migrations_judged() -> None:
    result = run(pr(added(alembic.PATH, alembic.revision(alembic.CREATE, alembic.DROP)),
                    added(gm.UP_PATH, gm.UP), added(gm.DOWN_PATH, gm.DOWN)))
    assert result.status is Status.PASS
    assert result.summary == ("2 migrations judged (Alembic 1, golang-migrate 1); "
                              "each can be rolled back.")


def test_mixed_pr_fails_naming_only_the_bad_file() -> None:
    diff = pr(added("app/billing.py", APP_CODE),
              added(alembic.PATH, alembic.revision(alembic.CREATE, alembic.DROP)),
              added(gm.UP_PATH, gm.UP),
              added("tests/test_billing.py", APP_TEST))
    result = run(diff)
    assert result.status is Status.FAIL
    assert [f.path for f in result.findings] == [gm.UP_PATH]
    assert result.summary.startswith("1 of 2 migrations cannot be rolled back")


def test_mixed_pr_the_other_way_round() -> None:
    diff = pr(added(django.PATH, django.data_migration("migrations.RunPython(backfill_currency)")),
              added(gm.UP_PATH, gm.UP), added(gm.DOWN_PATH, gm.DOWN))
    finding = only(run(diff))
    assert (finding.path, finding.rule) == (django.PATH, "django-runpython-no-reverse")


def test_findings_anchor_to_head_lines_and_carry_fail_severity() -> None:
    result = run(added(gm.UP_PATH, gm.UP))
    finding = only(result)
    assert finding.severity is Severity.FAIL and finding.line == 1 and finding.rule


def test_a_framework_can_be_turned_off() -> None:
    diff = pr(added(gm.UP_PATH, gm.UP),
              added(alembic.PATH, alembic.revision(alembic.CREATE, alembic.STUB)))
    result = run(diff, config={"frameworks": {"golang-migrate": False}})
    assert [f.rule for f in result.findings] == ["alembic-empty-downgrade"]


def test_level_warn_caps_the_failure() -> None:
    result = run(added(gm.UP_PATH, gm.UP), config={"level": "warn"})
    assert result.status is Status.WARN
    assert only(result).severity is Severity.WARN


def test_extra_globs_add_a_custom_location() -> None:
    path = "backend/db/revs/3f2a9c1d7b4e_add_invoices.py"
    text = alembic.revision(alembic.CREATE, alembic.STUB)
    assert run(added(path, text)).summary == "No migration in this PR."
    result = run(added(path, text), config={"extra_globs": ["backend/db/revs/*.py"]})
    assert only(result).rule == "alembic-empty-downgrade"


def test_extra_globs_never_make_docs_a_migration() -> None:
    text = alembic.revision(alembic.CREATE, alembic.STUB)
    result = run(added("backend/db/revs/README.md", text),
                 config={"extra_globs": ["backend/db/revs/"]})
    assert result.findings == ()


def test_unknown_framework_in_configuration_is_an_error_naming_the_key() -> None:
    with pytest.raises(checks.ConfigError) as caught:
        checks.config_from_dict({"migrations": {"frameworks": {"mongoid": True}}})
    assert "migrations.frameworks.mongoid" in str(caught.value)
    assert "golang-migrate" in str(caught.value)


def test_yaml_configuration() -> None:
    config = checks.config_from_yaml(
        "migrations:\n  level: warn\n  frameworks:\n    prisma: false\n"
        "  extra_globs: ['db/changes/**']\n  flyway_locations: ['db/flyway']\n")
    options = config.checks["migrations"].options
    assert options.frameworks["prisma"] is False and options.frameworks["alembic"] is True
    assert options.flyway_locations == ("db/flyway",)
    assert options.extra_globs == ("db/changes/**",)


def test_report_validates_against_the_contract() -> None:
    doc = {"title": "BILL-12 invoice lines", "diff": pr(added(gm.UP_PATH, gm.UP),
                                                         added("app/billing.py", APP_CODE))}
    report = checks.run(doc)
    report_validator().validate(report.to_dict())
    assert report.check("migrations").status is Status.FAIL
    assert report.to_dict()["stats"]["migrations"] == 1


def test_patch_missing_file_is_not_guessed() -> None:
    doc = {"title": "BILL-1", "files": [
        {"filename": gm.UP_PATH, "status": "added", "additions": 9000, "deletions": 0,
         "changes": 9000},
        {"filename": gm.DOWN_PATH, "status": "added", "additions": 3, "deletions": 0,
         "changes": 3, "patch": "@@ -0,0 +1,2 @@\n+DROP INDEX x;\n+DROP TABLE y;"},
    ]}
    result = checks.run(doc, only={"migrations"}).check("migrations")
    assert result.status is Status.PASS


def test_binary_and_non_utf8_content_never_crash() -> None:
    diff = (f"diff --git a/{gm.UP_PATH} b/{gm.UP_PATH}\nnew file mode 100644\n"
            f"index 0000000..1234567\nBinary files /dev/null and b/{gm.UP_PATH} differ\n")
    result = run(diff + added("alembic/versions/abc_x.py", "\ufffd\x00 revision = 1\n"))
    assert all(f.rule != "internal-error" for f in result.findings)


# --- the rule table ------------------------------------------------------------------------------

def test_every_rule_id_is_stable_kebab_case_and_names_its_framework() -> None:
    for rule_id, rule in RULES.items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", rule_id), rule_id
        assert rule.framework in FRAMEWORK_IDS, rule_id
        assert rule_id.startswith(rule.framework.split("-")[0]), rule_id
        assert rule.message.strip() and rule.defect


def test_every_framework_module_is_registered_with_a_known_id() -> None:
    ids = [fw.id for fw in FRAMEWORKS]
    assert len(ids) == len(set(ids))
    assert set(ids) <= set(FRAMEWORK_IDS)
    assert set(CHECK.options["frameworks"].default) == set(FRAMEWORK_IDS)
    assert len(FRAMEWORK_IDS) == 20


def test_finding_fills_named_fields_and_keeps_other_braces() -> None:
    found = finding("golang-migrate-missing-down", "db/1_a.up.sql", 3, up="1_a.up.sql",
                    down="1_a.down.sql")
    assert "1_a.down.sql" in found.message and "{" not in found.message
    assert (found.path, found.line, found.rule) == ("db/1_a.up.sql", 3,
                                                    "golang-migrate-missing-down")


@pytest.mark.parametrize(
    ("path", "never"),
    [
        ("README.md", True), ("db/migrations/README", True), ("alembic/env.py", True),
        ("app/migrations/__init__.py", True), (".github/workflows/migrate.yml", True),
        ("db/schema.rb", True), ("db/structure.sql", True), ("db/seeds.rb", True),
        ("prisma/schema.prisma", True), ("prisma/migrations/migration_lock.toml", True),
        ("Migrations/20240101_Init.Designer.cs", True),
        ("Migrations/AppDbContextModelSnapshot.cs", True),
        ("db/changelog/changelog.sql", False), ("db/migrations/0001_init.up.sql", False),
        ("app/migrations/0002_auto.py", False),
        ("src/Data/Migrations/20240101120000_AddUserTests.cs", False),
        ("tests/Data/MigrationTests.cs", True), ("db/migrate/create_users_spec.rb", True),
    ],
)
def test_never_migration_paths(path: str, never: bool) -> None:
    assert is_never_migration(path) is never


def test_context_is_rebuilt_per_run() -> None:
    # Claims live in the context of one run: a second run judges the same files afresh.
    first = run(added(gm.UP_PATH, gm.UP))
    second = run(added(gm.UP_PATH, gm.UP))
    assert first.findings == second.findings and len(first.findings) == 1


# --- speed -----------------------------------------------------------------------------------

def _big_pr(pairs: int, others: int) -> str:
    parts = []
    for i in range(pairs):
        base = f"services/s{i % 40}/db/migrations/{i:06d}_step"
        parts.append(added(f"{base}.up.sql", gm.UP))
        if i % 10:
            parts.append(added(f"{base}.down.sql", gm.DOWN))
    for i in range(others):
        parts.append(modified(f"src/pkg{i % 50}/mod_{i}.py", APP_CODE * 4,
                              (APP_CODE * 4).replace("line.amount_cents", "line.cents", 1)))
    return "".join(parts)


def test_pairing_stays_linear_on_a_large_pr() -> None:
    options = checks.config_from_dict(None).checks["migrations"].options

    outcomes: dict[int, Outcome] = {}

    def build(n: int) -> Callable[[], None]:
        """n migrations (a tenth without a down), n other files, 33n files in the repository."""
        repo = [f"services/s{i % 40}/lib/f{i}.go" for i in range(33 * n)]
        snapshot = checks.load_snapshot({"title": "BILL-1", "diff": _big_pr(pairs=n, others=n),
                                         "repo_files": repo})

        def work() -> None:
            outcomes[n] = CHECK.run(snapshot, options)
        return work

    assert_linear(build, 1500 // FACTOR)
    largest = max(outcomes)  # 1,500 unless the small size had to grow to be timed
    assert len(outcomes[largest].findings) == -(-largest // 10)  # every tenth up has no down


def test_context_helpers_on_a_modified_file() -> None:
    before = "".join(f"line {i}\n" for i in range(1, 21))
    after = before.replace("line 10\n", "line ten\n")
    snapshot = checks.load_snapshot({"title": "x", "diff": modified("a.sql", before, after)})
    ctx = MigrationContext(snapshot, snapshot.files)
    (seg,) = ctx.head_view(snapshot.files[0]).segments
    assert (seg.start, seg.end, seg.at_start, seg.at_end) == (7, 13, False, False)
    assert seg.is_touched(10, 10) and not seg.is_touched(11, 13)
    assert ctx.head_view(snapshot.files[0]).complete_text() is None


def test_docs_support_table_lists_every_framework_and_rule() -> None:
    from tests.shared import ROOT

    text = (ROOT / "docs" / "migrations.md").read_text(encoding="utf-8")
    for rule_id in RULES:
        assert f"`{rule_id}`" in text, rule_id
    for framework in FRAMEWORKS:
        assert f"| {framework.name}" in text, framework.name
