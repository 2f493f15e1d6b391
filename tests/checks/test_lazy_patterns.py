"""Patterns compile on first use, and only those the input needs (issue 18): a migrations check
over an Alembic revision compiles no Rails, Flyway or Liquibase pattern; an api-docs check over a
FastAPI route compiles no Spring or Express one. Each case runs in a fresh interpreter, since this
test session has compiled many patterns already."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

import checks
from checks.lazyre import LazyPattern, lazy_compile
from tests.checks.api_docs.cases import FASTAPI_NEW_ROUTE
from tests.checks.migrations.gitdiff import added
from tests.checks.migrations.test_alembic import CREATE, STUB, revision

ROOT = Path(__file__).resolve().parents[2]


def _reachable(value: Any, found: set[int], out: list[LazyPattern], depth: int = 0) -> None:
    """The lazy patterns a module-level value holds: itself, or inside a dict, a sequence or a
    dataclass record (frameworks, scanners, styles) a few levels down."""
    if id(value) in found or depth > 4 or isinstance(value, str | bytes | type):
        return
    found.add(id(value))
    if isinstance(value, LazyPattern):
        out.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _reachable(item, found, out, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _reachable(item, found, out, depth + 1)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            _reachable(getattr(value, name, None), found, out, depth + 1)


def patterns_of(modules: Iterable[str]) -> list[LazyPattern]:
    """Every lazy pattern the named (imported) modules hold."""
    found: set[int] = set()
    out: list[LazyPattern] = []
    for name in modules:
        for value in vars(sys.modules[name]).values():
            _reachable(value, found, out)
    return out


def probe(only: str, diff: str, used: list[str], unused: list[str]) -> None:
    """In a fresh interpreter: run one check and print how many patterns of the `used` and
    the `unused` modules compiled (patterns both reach count as used)."""
    compiled_at_import = sum(1 for p in patterns_of(m for m in sys.modules
                                                    if m.startswith("checks."))
                             if p.compiled is not None)
    report = checks.run({"title": "Add invoices", "diff": diff}, only={only})
    mine = {id(p) for p in patterns_of(used)}
    theirs = [p for p in patterns_of(m for m in unused if m in sys.modules) if id(p) not in mine]
    print(json.dumps({
        "imported": sorted(m for m in unused if m in sys.modules),
        "at_import": compiled_at_import,
        "used": sum(1 for p in patterns_of(used) if p.compiled is not None),
        "unused_defined": len(theirs),
        "unused_compiled": sorted(p.pattern for p in theirs if p.compiled is not None),
        "rules": sorted({f.rule or "" for f in report.check(only).findings}),
    }))


def _fresh(only: str, diff: str, used: list[str], unused: list[str]) -> dict[str, Any]:
    code = ("import json, sys; from tests.checks.test_lazy_patterns import probe; "
            "probe(*json.load(sys.stdin))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, text=True,
                          capture_output=True, input=json.dumps([only, diff, used, unused]))
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


OTHER_MIGRATIONS = ["checks.migrations.ruby", "checks.migrations.php", "checks.migrations.sql",
                    "checks.migrations.liquibase", "checks.migrations.js",
                    "checks.migrations.dotnet", "checks.migrations.elixir",
                    "checks.migrations.gocode"]


def test_an_alembic_revision_compiles_no_other_frameworks_patterns() -> None:
    diff = added("migrations/versions/3f2a9c1d7b4e_add_invoices.py", revision(CREATE, STUB))
    seen = _fresh("migrations", diff, ["checks.migrations.python"], OTHER_MIGRATIONS)
    assert seen["rules"] == ["alembic-empty-downgrade"]  # the revision was judged
    assert seen["at_import"] == 0
    assert seen["used"] > 0
    # Not even imported: a framework's module loads when the PR changes a file it may judge.
    assert seen["imported"] == []


def test_a_fastapi_route_compiles_no_other_frameworks_patterns() -> None:
    others = ["checks.api_docs.jvm", "checks.api_docs.js", "checks.api_docs.ruby",
              "checks.api_docs.php", "checks.api_docs.dotnet", "checks.api_docs.gocode",
              "checks.api_docs.elixir", "checks.api_docs.graphql"]
    seen = _fresh("api-docs", FASTAPI_NEW_ROUTE, ["checks.api_docs.python"], others)
    assert seen["rules"] == ["api-added-undocumented"]  # the new route was found
    assert seen["used"] > 0
    # Not even imported: a family's scanner loads when a file of its extensions changes.
    assert seen["imported"] == []


@pytest.mark.parametrize("name", ["app/api/routes/items.py", "web/routes.RB", "src/x.Tsx",
                                  "lib/app_web/router.ex", "api/Schema.GQL", "a.b/c", "Makefile",
                                  "src/main/kotlin/OrderController.kt", "api/routes.php",
                                  "Controllers/ItemsController.cs", "cmd/server/main.go",
                                  "config/routes.rb", "app/api/v1/users.rb", "schema.graphqls"])
def test_a_scanner_is_only_asked_about_files_of_its_families_extensions(name: str) -> None:
    # The extension table that decides which scanner modules to import must never hide a file
    # from the scanner that would read it.
    from checks.api_docs import _scanners_for, scanners

    assert _scanners_for(name) == [s for s in scanners() if s.applies(name)]


def test_warm_compiles_every_pattern_the_checks_define() -> None:
    checks.warm()
    # Modules a check imports on demand are imported too: no pattern is left to define later.
    assert "checks.api_docs.graphql" in sys.modules and "checks.api_docs.jvm" in sys.modules
    every = patterns_of(m for m in list(sys.modules) if m.startswith("checks."))
    assert len(every) > 300
    assert [p.pattern for p in every if p.compiled is None] == []


def test_a_lazy_pattern_matches_as_the_compiled_one_and_then_is_it() -> None:
    lazy = lazy_compile(r"(?P<key>\w+)\s*=\s*(\d+)", 0)
    assert lazy.compiled is None
    text = "retries = 3, timeout = 30"
    assert [m.groups() for m in lazy.finditer(text)] == [("retries", "3"), ("timeout", "30")]
    assert lazy.compiled is not None
    # After the first use the methods are the compiled pattern's own: no Python frame between.
    assert lazy.search.__self__ is lazy.compiled  # type: ignore[attr-defined]
    assert lazy.sub(r"\1", text) == "retries, timeout"
    assert lazy.groupindex == {"key": 1}
    assert lazy.match(text, 11) is None and lazy.search(text, 11, 14) is None


def test_warm_compiles_the_secrets_rules_so_a_review_compiles_none() -> None:
    # The secrets check keeps its own caches (RE2 passes and per-rule branches): warming must
    # reach them too, or a server's first reviews pay for compiling them.
    from unittest import mock

    from checks.secrets import scan

    checks.warm()
    branches = scan._main(scan._fast())
    assert sorted(branches._compiled) == list(range(len(branches.sources)))
    key = "AKIA" + "QYLPMN5HHHFPZAM2"  # split: no scanner flags this test file
    diff = ("diff --git a/app/settings.py b/app/settings.py\nnew file mode 100644\n"
            "--- /dev/null\n+++ b/app/settings.py\n@@ -0,0 +1,2 @@\n"
            f'+AWS_ACCESS_KEY_ID = "{key}"\n+password = "Zt7#qL9vR2mX8wP4"\n')
    snapshot = checks.load_snapshot({"title": "PROJ-1 Settings", "diff": diff})
    # The default configuration's path globs compile on a first run (pathspec, not secrets).
    checks.run(checks.load_snapshot({"title": "PROJ-1", "diff": diff.replace(key, "x")
                                     .replace("Zt7#qL9vR2mX8wP4", "")}), only=["secrets"])
    with mock.patch("re.compile", side_effect=AssertionError("compiled after warm-up")):
        report = checks.run(snapshot, only=["secrets"])
    result = report.check("secrets")
    assert result.status is checks.Status.FAIL and result.findings
