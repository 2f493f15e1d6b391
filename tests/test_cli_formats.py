"""`--format sarif` (validated against the SARIF 2.1.0 schema) and `--format github` (workflow
commands and the job summary), and the import directions between checks/, cli/ and bot/."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cli.workflow import escape_data, escape_property
from tests.shared import EXAMPLES, ROOT
from tests.test_cli import run_cli

# The OASIS SARIF 2.1.0 schema (Schemata/sarif-schema-2.1.0.json of the standard), kept as data.
SARIF_SCHEMA = json.loads((ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json")
                          .read_text(encoding="utf-8"))
NEEDS_WORK = EXAMPLES / "needs-work-pr.json"


def _sarif(path: Path) -> dict[str, Any]:
    code, out, err = run_cli("check", "--snapshot", str(path), "--format", "sarif")
    assert err == "" and code in (0, 1)
    return json.loads(out)


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_sarif_output_is_valid_sarif_2_1_0(example: Path) -> None:
    jsonschema.Draft7Validator(SARIF_SCHEMA).validate(_sarif(example))


def test_sarif_has_a_rule_per_rule_id_and_located_results() -> None:
    log = _sarif(NEEDS_WORK)
    run = log["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert {"story-missing", "tests-missing", "golang-migrate-missing-down",
            "url-credentials"} <= set(rules)
    assert all(rule["help"]["text"] for rule in rules.values())
    by_rule = {result["ruleId"]: result for result in run["results"]}
    # A PR-level finding (no story) has no file to point at: code scanning cannot show it.
    assert "story-missing" not in by_rule
    migration = by_rule["golang-migrate-missing-down"]
    assert migration["level"] == "error"
    location = migration["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == (
        "services/orders/migrations/000042_add_cancel_reason.up.sql")
    assert location["region"]["startLine"] == 1
    fingerprints = [r["partialFingerprints"]["shipshapeFinding/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)


def test_sarif_never_holds_the_secret_in_full() -> None:
    raw = NEEDS_WORK.read_text(encoding="utf-8")
    password = re.search(r"postgres://[^:]+:([^@]+)@", raw)
    assert password is not None
    out = json.dumps(_sarif(NEEDS_WORK))
    assert "url-credentials" in out
    assert password.group(1) not in out


def test_fingerprints_survive_a_line_move() -> None:
    doc = json.loads(NEEDS_WORK.read_text(encoding="utf-8"))
    first = _fingerprints(doc)
    lines_of = _secret_lines(doc)
    # Two lines added above the credential move it from line 4 to line 6.
    doc["diff"] = doc["diff"].replace("@@ -0,0 +1,4 @@\n+server:\n",
                                      "@@ -0,0 +1,6 @@\n+# orders service\n+\n+server:\n", 1)
    assert _secret_lines(doc) == {line + 2 for line in lines_of}
    assert _fingerprints(doc) == first


def _run_on(doc: dict[str, Any]) -> dict[str, Any]:
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".json") as handle:
        json.dump(doc, handle)
        handle.flush()
        return _sarif(Path(handle.name))


def _fingerprints(doc: dict[str, Any]) -> set[str]:
    return {r["partialFingerprints"]["shipshapeFinding/v1"]
            for r in _run_on(doc)["runs"][0]["results"]}


def _secret_lines(doc: dict[str, Any]) -> set[int]:
    return {r["locations"][0]["physicalLocation"]["region"]["startLine"]
            for r in _run_on(doc)["runs"][0]["results"] if r["ruleId"] == "url-credentials"}


def _unescape(value: str) -> str:
    # The runner's own unescaping, in its order.
    return (value.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":")
            .replace("%2C", ",").replace("%25", "%"))


@pytest.mark.parametrize("text", ["plain", "50% done", "two\nlines", "a::b,c:d", "%0A literal",
                                  "\r\n::error::injected"])
def test_workflow_escaping_round_trips_and_never_breaks_a_line(text: str) -> None:
    assert "\n" not in escape_data(text) and "\r" not in escape_data(text)
    assert _unescape(escape_data(text)) == text
    assert _unescape(escape_property(text)) == text
    assert ":" not in escape_property(text) and "," not in escape_property(text)


def test_github_format_annotates_and_writes_the_step_summary(tmp_path: Path,
                                                             monkeypatch: Any) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    doc = json.loads(NEEDS_WORK.read_text(encoding="utf-8"))
    # A stranger's commit subject trying to forge a workflow command of its own.
    doc["commits"][0]["message"] = "fix\n::error file=x.py::forged"
    pr = tmp_path / "pr.json"
    pr.write_text(json.dumps(doc))
    code, out, err = run_cli("check", "--snapshot", str(pr), "--format", "github")
    assert (code, err) == (1, "")
    commands = [line for line in out.splitlines() if line.startswith("::")]
    assert any(line.startswith("::error file=services/orders/migrations/000042_add_cancel_"
                               "reason.up.sql,line=1,title=") for line in commands)
    assert any(line.startswith("::error title=Story ID referenced") for line in commands)
    assert not any("forged" in line and not line.startswith("::warning") for line in commands)
    assert "::error file=x.py::forged" not in out.splitlines()
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("# earlier step\n")  # appended, as Actions expects
    assert "Migrations can be rolled back" in written


def _imports(package: str) -> set[tuple[str, str]]:
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and
                     node.level == 0 else [])
            found.update((str(path.relative_to(ROOT)), name.split(".")[0]) for name in names)
    return found


def test_imports_flow_one_way_checks_then_cli_then_bot() -> None:
    assert {(f, m) for f, m in _imports("checks") if m in ("bot", "cli")} == set()
    assert {(f, m) for f, m in _imports("cli") if m == "bot"} == set()
    server = {"aiohttp", "gidgethub", "jwt", "prometheus_client", "redis", "orjson", "cachetools"}
    assert {(f, m) for f, m in _imports("cli") | _imports("checks") if m in server} == set()
