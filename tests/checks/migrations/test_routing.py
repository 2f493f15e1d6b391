"""The check imports a framework's module only when the PR changes a file it may judge.

The routing must never hide a file from the module that would judge it: run alone on every
path the framework tests quote with every text they hold, a module claims only files its rule
lets through; and on PRs mixed from them, the check's outcome equals the one of every framework
judging every PR, as before. And it must stay lazy: in a fresh interpreter (nothing imported
yet), a PR without migrations imports no framework module, one Alembic revision only the Python
one, and neither imports PyYAML.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from functools import cache
from itertools import product
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import checks
from checks.migrations import CHECK, FRAMEWORK_IDS, paths
from checks.migrations.base import MigrationContext
from checks.model import Outcome, Snapshot
from tests.checks.migrations.gitdiff import added, modified, removed, renamed
from tests.checks.migrations.test_alembic import CREATE, STUB, revision

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
FRAMEWORK_MODULES = sorted(f"checks.migrations.{p.stem}" for p in
                           (ROOT / "checks" / "migrations").glob("*.py")
                           if p.stem not in ("__init__", "paths"))

# --- the routing loses nothing ------------------------------------------------------------------


_PATH = re.compile(r"(?:[\w.@-]+/)*[\w.@-]+\.[A-Za-z]+")
# Files whose presence in the repository changes which framework owns a migration.
_MARKERS = ["Cargo.toml", "db/Cargo.toml", "prisma/schema.prisma", "migration_lock.toml"]


@cache
def corpus() -> dict[str, tuple[list[str], list[str]]]:
    """Per framework test module: the file paths it quotes and the multi-line texts it holds."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    for source in sorted(HERE.glob("test_*.py")):
        if source.name in (Path(__file__).name, "test_scan.py"):
            continue
        tree = ast.parse(source.read_text(encoding="utf-8"))
        strings = {node.value for node in ast.walk(tree)
                   if isinstance(node, ast.Constant) and isinstance(node.value, str)}
        out[source.stem] = (sorted(s for s in strings if _PATH.fullmatch(s)),
                            sorted(s for s in strings if "\n" in s))
    return out


def _pick(draw: st.DrawFn, own: list[str], every: list[str]) -> str:
    # Mostly the module's own, so that files are judged; sometimes any, so that they are not.
    return draw(st.sampled_from(own if own and draw(st.integers(0, 4)) else every))


def _change(draw: st.DrawFn) -> str:
    by_module = corpus()
    every_path = sorted({p for found, _ in by_module.values() for p in found})
    every_text = sorted({t for _, texts in by_module.values() for t in texts})
    own_paths, own_texts = by_module[draw(st.sampled_from(sorted(by_module)))]
    path = _pick(draw, own_paths, every_path)
    path = draw(st.sampled_from(["", "", "services/billing/", "db/"])) + path
    text = _pick(draw, own_texts, every_text)
    kind = draw(st.sampled_from(["added", "added", "modified", "removed", "renamed"]))
    if kind == "added":
        return added(path, text)
    if kind == "removed":
        return removed(path, text)
    other = _pick(draw, own_texts, every_text)
    if kind == "modified":
        return modified(path, text, other)
    return renamed(_pick(draw, own_paths, every_path), path, text,
                   draw(st.sampled_from([text, other])))


@st.composite
def prs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A PR of one to three files mixed from the framework tests, and the check's options."""
    diff = "".join(_change(draw) for _ in range(draw(st.integers(1, 3))))
    doc: dict[str, Any] = {"title": "BILL-1 change", "diff": diff}
    if draw(st.booleans()):
        every_path = sorted({p for found, _ in corpus().values() for p in found})
        doc["repo_files"] = draw(st.lists(st.sampled_from(every_path + _MARKERS), max_size=8))
    config = {"extra_globs": draw(st.sampled_from([[], ["db/**"], ["*.py", "*.yaml"]]))}
    return doc, config


def every_framework_judging(snapshot: Snapshot, options: Any) -> Outcome:
    """The check as it ran before routing: every framework module judges every PR."""
    with mock.patch("checks.migrations.frameworks_for",
                    lambda files, anywhere: paths.every_framework()):
        return CHECK.run(snapshot, options)


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(prs())
def test_routing_gives_the_outcome_of_every_framework_judging(
        pr: tuple[dict[str, Any], dict[str, Any]]) -> None:
    doc, config = pr
    snapshot = checks.load_snapshot(doc)
    options = checks.config_from_dict({"migrations": config}).checks["migrations"].options
    assert CHECK.run(snapshot, options) == every_framework_judging(snapshot, options)


def _edit(text: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join([*lines[:len(lines) // 2], "\n", *lines[len(lines) // 2:]])


def _mixed(i: int, path: str, text: str) -> str:
    # Every kind of change a framework treats apart: new files, hunks, deletions.
    path = f"p{i}/{path}"  # one folder per file: a path changed twice is no PR
    return [added, lambda p, t: modified(p, t, _edit(t)), added, removed][i % 4](path, text)


@pytest.mark.parametrize("extra_globs", [(), ("**",)])
def test_no_module_judges_a_file_its_rule_passes_over(extra_globs: tuple[str, ...]) -> None:
    # Every file each framework test quotes, with every text it holds: a module, run alone on
    # all of them, judges only files its rule says it may (else routing would lose a finding).
    judged: set[str] = set()
    for found, texts in corpus().values():
        pairs = list(product(found, texts))
        diff = "".join(_mixed(i, path, text) for i, (path, text) in enumerate(pairs))
        repo = [f"p{i}/Cargo.toml" for i in range(0, len(pairs), 3)]  # some in Rust crates
        snapshot = checks.load_snapshot({"title": "BILL-1", "diff": diff, "repo_files": repo})
        files = {change.path: change for change in snapshot.files}
        for load, _, may_judge in paths.MODULES:
            ctx = MigrationContext(snapshot, snapshot.files, extra_globs=extra_globs)
            for framework in load():
                framework.judge(ctx)
            claimed = ctx.claimed()
            assert [p for p in claimed if not may_judge(files[p], bool(extra_globs))] == []
            judged.update(claimed.values())
    assert judged == set(FRAMEWORK_IDS)  # the corpus holds migrations of every framework


def test_a_rule_says_yes_only_to_the_endings_it_declares() -> None:
    # frameworks_for asks a file only of the rules of its extension: a rule saying yes to any
    # other file would be skipped, and its module's finding lost.
    paths_seen = sorted({p for found, _ in corpus().values() for p in found})
    variants = [*paths_seen, *(p.upper() for p in paths_seen), "migrations/.py", "db/x.SQL",
                "db/migrate/x.rb.bak", "migrations/x.py/readme"]
    words = " ".join((*paths.LIQUIBASE_WORDS, paths.GOOSE_GO_WORD))  # content rules say yes
    diff = "".join(added(f"p{i}/{path}", f"-- {words}\n") for i, path in enumerate(variants))
    files = checks.load_snapshot({"title": "x", "diff": diff}).files
    assert len(files) == len(variants)
    said = 0
    for _, endings, may_judge in paths.MODULES:
        assert all(ending.count(".") == 1 and ending.startswith(".") for ending in endings)
        for change, anywhere in product(files, (False, True)):
            if may_judge(change, anywhere):
                said += 1
                assert change.path.lower().endswith(endings), change.path
    assert said > len(paths.MODULES)


@pytest.mark.parametrize(("path", "may"), [
    ("billing/migrations/versions/7f8e_add_tax.py", True),
    ("billing/invoices.py", False),
    ("app/migrations/0002_auto.py", True),
    ("db/migrate/20240101120000_add_users.rb", True),
    ("app/models/user.rb", False),
    ("db/knex_migrations/20240101_init.ts", True),
    ("src/types/index.d.ts", False),
    ("database/migrations/2024_01_01_000000_create_users.php", True),
    ("src/Data/Migrations/20240101120000_Init.cs", True),
    ("priv/repo/migrations/20240101_add.exs", True),
    ("lib/app/user.ex", False),
    ("db/changelog/changes.xml", False),  # Liquibase's only when the diff names a changeSet
    ("db/migrations/0001_init.up.sql", True),
    ("queries/report.sql", True),  # SQL frameworks take any folder (goose, golang-migrate)
    ("cmd/server/main.go", False),  # goose's Go migrations only when the diff says goose
    ("docs/billing.md", False),
    ("package.json", False),
])
def test_which_module_a_path_needs(path: str, may: bool) -> None:
    change = checks.load_snapshot({"title": "x", "diff": added(path, "x = 1\n")}).files[0]
    assert any(rule(change, False) for _, _, rule in paths.MODULES) is may
    # An extra glob may make any file a migration: every module with its extension may judge.
    assert any(rule(change, True) for _, _, rule in paths.MODULES) is not path.endswith(
        (".md", ".json", ".xml", ".go"))


# --- what a run imports -------------------------------------------------------------------------


# Run in a fresh interpreter: the migrations check over the diff on stdin; print the framework
# modules imported at `import checks` and after the run, and whether the run imported PyYAML.
PROBE = """
import json, sys
import checks
diff = json.load(sys.stdin)
ours = lambda: sorted(m for m in sys.modules if m.startswith("checks.migrations."))
at_import, yaml_before = ours(), "yaml" in sys.modules
result = checks.run({"title": "BILL-1 Add invoices", "diff": diff}, only={"migrations"})
print(json.dumps({
    "at_import": at_import,
    "after": ours(),
    # PyYAML is also the configuration's parser: what counts is whether this run imported it.
    "yaml": "yaml" in sys.modules and not yaml_before,
    "rules": sorted(f.rule or "" for f in result.check("migrations").findings),
    "summary": result.check("migrations").summary,
}))
"""


def _fresh(diff: str, code: str = PROBE) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, text=True,
                          capture_output=True, input=json.dumps(diff))
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


APP = "def total(lines):\n    return sum(line.amount for line in lines)\n"
# What `import checks` itself brings: the check's table of path rules and its rule ids.
LIGHT = ["checks.migrations.paths", "checks.migrations.rules"]


def test_a_pr_without_migrations_imports_no_framework_module() -> None:
    diff = (added("billing/invoices.py", APP) + added("docs/billing.md", "# Billing\n")
            + added("package.json", '{"name": "billing"}\n')
            + added("tests/test_invoices.py", "def test_total():\n    assert True\n"))
    seen = _fresh(diff)
    assert seen["summary"] == "No migration in this PR."
    assert seen["at_import"] == LIGHT
    assert seen["after"] == LIGHT
    assert seen["yaml"] is False


def test_an_alembic_revision_imports_the_python_module_only() -> None:
    diff = (added("billing/invoices.py", APP)
            + added("billing/migrations/versions/3f2a9c1d7b4e_add_invoices.py",
                    revision(CREATE, STUB)))
    seen = _fresh(diff)
    assert seen["rules"] == ["alembic-empty-downgrade"]  # the revision was judged
    assert seen["after"] == sorted([*LIGHT, "checks.migrations.base",
                                    "checks.migrations.python"])
    assert seen["yaml"] is False


def test_a_yaml_changelog_imports_yaml_and_an_xml_one_does_not() -> None:
    from tests.checks.migrations.test_sql_liquibase import DROP, HEAD, TAIL, YAML

    xml = _fresh(added("db/changelog/001-users.xml", HEAD + DROP + TAIL))
    assert xml["rules"] == ["liquibase-missing-rollback"]
    assert "checks.migrations.liquibase" in xml["after"] and xml["yaml"] is False
    assert "checks.migrations.liquibase_yaml" not in xml["after"]
    assert "checks.migrations.sql" not in xml["after"]
    seen = _fresh(added("db/changelog/001-users.yaml", YAML))
    assert seen["rules"] == ["liquibase-missing-rollback"]
    assert "checks.migrations.liquibase_yaml" in seen["after"]


def test_warm_imports_every_framework_module_and_yaml() -> None:
    code = ("import json, sys, checks; from checks.lazyre import counts; checks.warm(); "
            "print(json.dumps({'after': sorted("
            "m for m in sys.modules if m.startswith('checks.migrations.')), "
            "'yaml': 'yaml' in sys.modules, 'patterns': counts()}))")
    seen = _fresh("", code)
    assert seen["after"] == sorted([*FRAMEWORK_MODULES, "checks.migrations.paths"])
    assert seen["yaml"] is True
    compiled, defined = seen["patterns"]
    assert compiled == defined  # every module's patterns were defined before warm() compiled


def test_only_the_yaml_changelog_module_imports_yaml() -> None:
    # Checked in the source as well: while the configuration loader imports PyYAML, a fresh
    # interpreter cannot show that a migrations module would have.
    importers = []
    for source in sorted((ROOT / "checks" / "migrations").glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name.split(".")[0] == "yaml" for name in names):
                importers.append(source.stem)
    assert importers == ["liquibase_yaml"]
