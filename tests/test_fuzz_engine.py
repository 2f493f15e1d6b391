"""Bad input never crashes: mutated but realistic PRs through the engine, renderers and CLI.

Derandomized and bounded so CI is reproducible and quick; a crash inside a check would show up
as an `internal-error` finding, which these tests refuse.
"""

from __future__ import annotations

import io
import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import checks
from checks.render.annotations import to_annotations
from checks.render.markdown import render_markdown
from checks.render.text import render_text
from cli.main import main
from tests.diffs import deleted, modified, new_file, renamed
from tests.shared import report_validator

# SHIPSHAPE_FUZZ_EXAMPLES=5000 for a long local session; CI keeps the default.
FUZZ = settings(max_examples=int(os.environ.get("SHIPSHAPE_FUZZ_EXAMPLES", "200")),
                deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

PATHS = st.sampled_from([
    "app/models.py", "billing/migrations/0042_invoice_tax.py", "db/migrate/20261120_add_tax.rb",
    "migrations/000042_add_tax.up.sql", "migrations/000042_add_tax.down.sql",
    "alembic/versions/1a2b_add_tax.py", "src/main/resources/db/changelog/changes.xml",
    "prisma/migrations/20261120_add_tax/migration.sql", "web/src/App.test.tsx", "web/src/App.tsx",
    "internal/store/orders.go", "internal/store/orders_test.go", ".env", "config/settings.yaml",
    "deploy/main.tf", "Dockerfile", "notebooks/explore.ipynb", "README.md", "docs/a b/ü.md",
    "priv/repo/migrations/20261120_add_tax.exs", "database/migrations/2026_11_20_add_tax.php",
    "docs/work/features/billing/stories/BILL-12-tax-story.md", "package-lock.json",
])
# Lines that look like the code real PRs carry, plus the odd shapes that break naive parsers.
LINES = st.one_of(
    st.sampled_from([
        "def downgrade():", "    pass", "def upgrade():", "    op.add_column('t', sa.Column('x'))",
        "class Migration(migrations.Migration):", "    operations = [migrations.RunPython(f)]",
        "  def change", "    execute 'UPDATE x SET y = 1'", "  end", "end", "-- +goose Down",
        "-- +goose Up", "-- migrate:down", "<rollback/>", "<changeSet id=\"1\" author=\"a\">",
        "export async function down(knex) {", "}", "def change do", "  remove :x", "\"\"\"",
        "'''", "/*", "*/", "<<~SQL", "SQL", "${", "`", "password: \"hunter2hunter2\"",
        "API_KEY=sk_live_" + "0" * 24, "-----BEGIN RSA PRIVATE KEY-----", "{", "[", "(",
        "postgres://user:pa55word@db:5432/app", "@generated", "#[cfg(test)]", "\t", "",
        "DROP TABLE invoices;", "ALTER TABLE invoices ADD COLUMN tax numeric;",
    ]),
    st.text(max_size=80).map(lambda s: s.replace("\n", " ").replace("\r", " ")),
)
BLOCK = st.lists(LINES, min_size=0, max_size=25)


@st.composite
def file_diffs(draw: st.DrawFn) -> str:
    """One file's `git diff` block: added, modified, deleted or renamed."""
    path = draw(PATHS)
    kind = draw(st.sampled_from(["new", "modified", "deleted", "renamed"]))
    if kind == "new":
        return new_file(path, draw(BLOCK))
    if kind == "deleted":
        return deleted(path, draw(BLOCK.filter(bool)))
    if kind == "renamed":
        return renamed(path, "moved/" + path)
    removed, added = draw(BLOCK), draw(BLOCK)
    if not removed and not added:
        added = ["x = 1"]
    return modified(path, draw(st.integers(1, 400)), draw(BLOCK), removed, added, draw(BLOCK))


TEXT = st.one_of(st.text(max_size=200), st.sampled_from([
    "BILL-12: add tax", "Fixes #12", "UTF-8 SHA-256 ISO-8601", "WIP", "fixup! x", "",
    "Merge branch 'main' into feature/x", "<!-- template -->\n```\nBILL-1\n```", "@octocat #1",
]))


@st.composite
def snapshots(draw: st.DrawFn) -> dict:
    """A PR snapshot document in the `diff` form, with optional commits and repo files."""
    doc: dict = {
        "title": draw(TEXT), "body": draw(st.one_of(st.none(), TEXT)),
        "head_ref": draw(TEXT), "diff": "".join(draw(st.lists(file_diffs(), max_size=6))),
    }
    if draw(st.booleans()):
        doc["commits"] = [
            {"sha": f"{i:040x}", "message": draw(TEXT), "parents": draw(st.integers(0, 3)),
             "additions": draw(st.integers(0, 5000)), "deletions": draw(st.integers(0, 5000))}
            for i in range(draw(st.integers(0, 5)))
        ]
    if draw(st.booleans()):
        doc["repo_files"] = draw(st.lists(PATHS, max_size=10))
    return doc


@FUZZ
@given(snapshots())
def test_engine_and_renderers_never_crash(doc: dict) -> None:
    report = checks.run(doc)
    internal = [f for c in report.checks for f in c.findings if f.rule == "internal-error"]
    assert internal == [], [c.summary for c in report.checks]
    assert list(report_validator().iter_errors(report.to_dict())) == []
    render_markdown(report)
    render_text(report, color=True)
    for annotation in to_annotations(report):
        assert annotation["start_line"] >= 1


@FUZZ
@given(st.binary(max_size=400), st.sampled_from(["--snapshot", "--diff"]))
def test_cli_answers_any_bytes_with_an_exit_code(data: bytes, option: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    code = main(["check", option, "-", "--title", "x", "--format", "json"], stdin=stdin,
                stdout=out, stderr=err)
    assert code in (0, 1, 2)
    if code == 2:
        assert err.getvalue().startswith("shipshape: error: ")
        assert err.getvalue().count("\n") == 1
    else:
        json.loads(out.getvalue())


@FUZZ
@given(st.text(max_size=300))
def test_any_yaml_config_is_accepted_or_named(text: str) -> None:
    try:
        checks.config_from_yaml(text)
    except checks.ConfigError as exc:
        assert str(exc)
