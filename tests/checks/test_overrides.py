"""Path-scoped overrides: one PR touching two services is judged by each service's rules."""

from __future__ import annotations

import pytest

import checks
from checks.config import load_config
from checks.engine import run_checks
from checks.model import Finding, Outcome, Severity, Snapshot, Status
from checks.options import NoOptions
from checks.render.markdown import render_markdown
from checks.spec import CheckSpec
from tests.diffs import new_file

BILLING = new_file("services/billing/invoice.py", [
    "from decimal import Decimal", "", "",
    "def total(lines):", "    return sum((Decimal(l.amount) for l in lines), Decimal(0))"])
LEDGER = new_file("services/ledger/post.go", [
    "package ledger", "", "func Post(e Entry) error {", "\treturn store.Append(e)", "}"])
MIGRATION = new_file("services/billing/migrations/versions/20240101_add_due.py", [
    '"""add due date"""', "from alembic import op", "import sqlalchemy as sa", "",
    'revision = "a1"', 'down_revision = None', "", "",
    "def upgrade():", '    op.add_column("invoice", sa.Column("due", sa.Date()))', "", "",
    "def downgrade():", "    pass"])
SNAPSHOT = {"title": "BILL-12: invoice totals and ledger posting", "head_ref": "BILL-12",
            "diff": BILLING + LEDGER}

TWO_SERVICES = """\
overrides:
  - paths: ["services/billing/**"]
    tests: {level: warn}
"""


def _tests(config_text: str, snapshot: dict[str, object] = SNAPSHOT) -> checks.CheckResult:
    return checks.run(snapshot, checks.config_from_yaml(config_text)).check("tests")


def test_without_overrides_both_services_fail() -> None:
    result = _tests("")
    assert result.status is checks.Status.FAIL
    assert {(f.path, f.severity) for f in result.findings if f.path} == {
        ("services/billing/invoice.py", checks.Severity.FAIL),
        ("services/ledger/post.go", checks.Severity.FAIL)}


def test_each_service_is_judged_by_its_own_rules() -> None:
    result = _tests(TWO_SERVICES)
    severities = {f.path: f.severity for f in result.findings if f.path}
    assert severities == {"services/billing/invoice.py": checks.Severity.WARN,
                          "services/ledger/post.go": checks.Severity.FAIL}
    assert result.status is checks.Status.FAIL
    assert ("Override services/billing/** (level warn) judged "
            "services/billing/invoice.py.") in result.summary


def test_the_checklist_says_which_override_applied() -> None:
    report = checks.run(SNAPSHOT, checks.config_from_yaml(TWO_SERVICES))
    assert r"Override services/billing/\*\* \(level warn\)" in render_markdown(report)


def test_an_override_alone_on_the_pr_lowers_the_status() -> None:
    result = _tests(TWO_SERVICES, {**SNAPSHOT, "diff": BILLING})
    assert result.status is checks.Status.WARN


def test_an_override_that_matches_nothing_changes_nothing() -> None:
    config = "overrides:\n  - paths: [\"services/search/**\"]\n    tests: false\n"
    assert _tests(config) == _tests("")


def test_an_override_can_turn_a_check_off_for_its_paths_only() -> None:
    config = "overrides:\n  - paths: [\"services/ledger/\"]\n    tests: false\n"
    result = _tests(config)
    assert {f.path for f in result.findings if f.path} == {"services/billing/invoice.py"}
    assert "Override services/ledger/ (enabled false)" in result.summary


def test_an_override_can_turn_a_check_on_for_its_paths_only() -> None:
    config = ("tests: false\noverrides:\n  - paths: [\"services/billing/**\"]\n"
              "    tests: true\n")
    result = _tests(config)
    assert result.status is checks.Status.FAIL
    assert {f.path for f in result.findings if f.path} == {"services/billing/invoice.py"}


def test_the_last_matching_override_wins() -> None:
    config = ("overrides:\n  - paths: [\"services/**\"]\n    tests: false\n"
              "  - paths: [\"services/billing/**\"]\n    tests: {level: warn}\n")
    result = _tests(config)
    assert {(f.path, f.severity) for f in result.findings if f.path} == {
        ("services/billing/invoice.py", checks.Severity.WARN)}


def test_override_options_merge_over_the_repository_options() -> None:
    config = ("migrations:\n  frameworks: {django: false}\n"
              "overrides:\n  - paths: [\"services/billing/**\"]\n"
              "    migrations: {frameworks: {alembic: false}}\n")
    parsed = checks.config_from_yaml(config)
    [override] = parsed.overrides
    frameworks = override.checks["migrations"].options.frameworks
    assert not frameworks["alembic"] and not frameworks["django"] and frameworks["rails"]
    snapshot = {**SNAPSHOT, "diff": MIGRATION}
    assert checks.run(snapshot, parsed).check("migrations").findings == ()
    assert checks.run(snapshot, checks.config_from_yaml("")).check("migrations").findings


@pytest.mark.parametrize(("text", "path"), [
    ("overrides: {paths: [a]}\n", "overrides"),
    ("overrides:\n  - tests: false\n", "overrides[0].paths"),
    ("overrides:\n  - 3\n", "overrides[0]"),
    ("overrides:\n  - paths: []\n    tests: false\n", "overrides[0].paths"),
    ("overrides:\n  - paths: [a]\n    ignore: [b]\n", "overrides[0].ignore"),
    ("overrides:\n  - paths: [a]\n    tests: {level: loud}\n", "overrides[0].tests.level"),
])
def test_bad_overrides_name_the_key_path(text: str, path: str) -> None:
    with pytest.raises(checks.ConfigError) as caught:
        checks.config_from_yaml(text)
    assert caught.value.path == path


def _size_like(snapshot: Snapshot, options: NoOptions) -> Outcome:
    """A check whose failure is about the PR as a whole, with notices on files."""
    notices = tuple(Finding(f"{f.path} is large", path=f.path, severity=Severity.NOTICE)
                    for f in snapshot.files)
    return Outcome(Status.FAIL, "The PR is too large.", notices)


def test_a_whole_pr_failure_stays_when_overrides_take_every_file() -> None:
    spec = CheckSpec("size", "Small PR", _size_like)
    config = load_config({"overrides": [{"paths": ["services/**"], "size": {"level": "warn"}}]},
                         [spec])
    snapshot = checks.load_snapshot(SNAPSHOT)
    [result] = run_checks(snapshot, [spec], config).checks
    assert result.status is Status.FAIL  # the repository's rules judge the PR as a whole
    assert len(result.findings) == 2 and "Override services/** (level warn)" in result.summary


def test_the_checklist_line_shows_list_settings() -> None:
    config = ("overrides:\n  - paths: [\"services/**\"]\n"
              "    tests: {exempt_globs: [\"services/ledger/\"], level: warn}\n")
    # Values go through the one masking function: a glob is long and mixed enough to be masked.
    assert ("Override services/** (exempt_globs […(16 chars)], level warn) judged "
            "services/billing/invoice.py, services/ledger/post.go.") in _tests(config).summary
