"""`shipshape check`: outputs, exit codes, and one clear line for every bad input."""

from __future__ import annotations

import argparse
import io
import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

import checks
from cli.main import main
from tests.shared import EXAMPLES, ROOT, report_validator

EXAMPLE = EXAMPLES / "billing-pr.json"
FAILING_EXAMPLE = EXAMPLES / "needs-work-pr.json"


def run_cli(*argv: str, stdin: bytes = b"") -> tuple[int, str, str]:
    """Run the command line in-process; returns (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    fake_stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    code = main(list(argv), stdin=fake_stdin, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_json_output_validates_against_the_report_contract() -> None:
    code, out, err = run_cli("check", "--snapshot", str(EXAMPLE), "--format", "json")
    report = json.loads(out)
    assert list(report_validator().iter_errors(report)) == []
    assert code == (1 if report["status"] == "fail" else 0)
    assert err == ""


def test_markdown_is_the_checklist_comment() -> None:
    code, out, _ = run_cli("check", "--snapshot", str(EXAMPLE), "--format", "markdown")
    assert code == 0
    assert out.startswith("<!-- shipshape:checklist -->\n### ")
    for title in ("Story ID referenced", "Tests changed with the code",
                  "Migrations can be rolled back", "No hardcoded secrets",
                  "Small PR, clean commits"):
        assert f"**{title}**" in out


def test_failing_pr_exits_one() -> None:
    code, out, _ = run_cli("check", "--snapshot", str(FAILING_EXAMPLE))
    assert code == 1
    assert out.startswith("shipshape: FAIL")


def test_text_is_plain_when_piped_and_coloured_when_forced(monkeypatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    _, plain, _ = run_cli("check", "--snapshot", str(EXAMPLE))
    assert "\x1b[" not in plain
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, coloured, _ = run_cli("check", "--snapshot", str(EXAMPLE))
    assert "\x1b[" in coloured
    monkeypatch.setenv("NO_COLOR", "")
    _, no_color, _ = run_cli("check", "--snapshot", str(EXAMPLE))
    assert "\x1b[" not in no_color


def test_snapshot_from_stdin() -> None:
    _, out, _ = run_cli("check", "--snapshot", "-", "--format", "json",
                           stdin=EXAMPLE.read_bytes())
    assert json.loads(out)["checks"][0]["id"] == "story"


def test_only_runs_the_named_checks() -> None:
    _, out, _ = run_cli("check", "--snapshot", str(FAILING_EXAMPLE), "--only", "secrets,tests",
                        "--format", "json")
    statuses = {c["id"]: c["status"] for c in json.loads(out)["checks"]}
    assert statuses["story"] == statuses["migrations"] == statuses["commits"] == "skip"
    assert statuses["secrets"] != "skip" and statuses["tests"] != "skip"


NOT_A_DIFF = b"Release notes\n\n- faster invoices\n"
DIFF = (b"diff --git a/app/totals.py b/app/totals.py\nnew file mode 100644\n"
        b"index 0000000..1b2c3d4\n--- /dev/null\n+++ b/app/totals.py\n@@ -0,0 +1,2 @@\n"
        b"+def total(xs):\n+    return sum(xs)  # caf\xe9\n")


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "notes.txt").write_bytes(NOT_A_DIFF)
    (tmp_path / "change.diff").write_bytes(DIFF)
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)))
    (tmp_path / "not.json").write_text("{'title': 'single quotes'}")
    (tmp_path / "latin1.json").write_bytes('{"title": "Caf\xe9", "diff": ""}'.encode("latin-1"))
    (tmp_path / "no-title.json").write_text(json.dumps({"diff": DIFF.decode("utf-8", "replace")}))
    (tmp_path / "no-diff.json").write_text(json.dumps({"title": "BILL-1 x"}))
    (tmp_path / "bad-diff.json").write_text(json.dumps({"title": "x", "diff": "hello\n"}))
    (tmp_path / "list.json").write_text("[]")
    (tmp_path / "unknown.yml").write_text("story:\n  pattern: '[A-Z]+-\\d+'\n")
    (tmp_path / "wrongtype.yml").write_text("commits:\n  enabled: maybe\n")
    (tmp_path / "broken.yml").write_text("story: [\n")
    (tmp_path / "deep.yml").write_text("story:\n  places: " + "[" * 5000 + "\n")
    (tmp_path / "deep.json").write_text('{"title": "BILL-1 x", "diff": "", "labels": '
                                        + "[" * 100_000 + "}")
    (tmp_path / "hugeint.json").write_text('{"title": "BILL-1 x", "diff": "", "number": '
                                           + "9" * 5000 + "}")
    # unidiff's message quotes the offending line, newline included.
    (tmp_path / "truncated-hunk.json").write_text(json.dumps({
        "title": "BILL-1 x", "diff": "diff --git a/a.py b/a.py\nindex 1..2 100644\n--- a/a.py\n"
        "+++ b/a.py\n@@ -1,2 +1,2 @@\n-x\ndiff --git a/b.py b/b.py\n"}))
    return tmp_path


BAD_INPUTS = [
    (["--snapshot", "{d}/not.json"], "not.json is not valid JSON: Expecting property name"),
    (["--snapshot", "{d}/latin1.json"], "latin1.json is not UTF-8 text"),
    (["--snapshot", "{d}/image.png"], "image.png is binary data, not a JSON snapshot"),
    (["--snapshot", "{d}/no-title.json"], "title is required and must be a string"),
    (["--snapshot", "{d}/no-diff.json"], "a PR snapshot needs either 'diff' or 'files'"),
    (["--snapshot", "{d}/bad-diff.json"], "not a unified diff"),
    (["--snapshot", "{d}/list.json"], "a PR snapshot must be a JSON object"),
    (["--snapshot", "{d}/missing.json"], "cannot read {d}/missing.json: No such file"),
    (["--snapshot", "{d}"], "is a directory, not a file"),
    (["--diff", "{d}/notes.txt", "--title", "x"], "not a unified diff"),
    (["--diff", "{d}/image.png", "--title", "x"], "image.png is binary data, not a unified diff"),
    (["--diff", "{d}/change.diff"], "--diff needs --title"),
    ([], "give exactly one of --snapshot FILE, --base REV, --diff FILE, --staged or --pre-push"),
    (["--diff", "{d}/change.diff", "--snapshot", "x"], "(got --snapshot and --diff)"),
    (["--diff", "{d}/change.diff", "--title", "x", "--config", "{d}/unknown.yml"],
     "unknown.yml: story.pattern: unknown key; accepted: "),
    (["--diff", "{d}/change.diff", "--title", "x", "--config", "{d}/wrongtype.yml"],
     "wrongtype.yml: commits.enabled: expected true or false, got string"),
    (["--diff", "{d}/change.diff", "--title", "x", "--config", "{d}/broken.yml"],
     "not valid YAML at line 2"),
    (["--diff", "{d}/change.diff", "--title", "x", "--config", "{d}/deep.yml"],
     "deep.yml: not valid YAML: collections nested too deeply"),
    (["--snapshot", "{d}/truncated-hunk.json"],
     "not a valid unified diff: Hunk diff line expected: diff --git a/b.py b/b.py"),
    (["--snapshot", "{d}/deep.json"], "deep.json is not a usable snapshot: JSON nested too deeply"),
    (["--snapshot", "{d}/hugeint.json"],
     "hugeint.json is not a usable snapshot: Exceeds the limit (4300 digits)"),
    (["--diff", "{d}/change.diff", "--title", "x", "--config", "{d}/nope.yml"],
     "--config: {d}/nope.yml does not exist"),
    (["--diff", "{d}/change.diff", "--title", "x", "--only", "story,lint"],
     "--only: unknown check 'lint'; known checks: story, tests, migrations, secrets, commits"),
    (["--diff", "{d}/change.diff", "--title", "x", "--format", "html"],
     "argument --format: invalid choice: 'html'"),
    (["--base", "main", "--repo", "{d}"], "is not inside a git repository"),
]


@pytest.mark.parametrize(("argv", "message"), BAD_INPUTS, ids=lambda v: str(v)[:60])
def test_bad_input_exits_2_with_one_line(files: Path, argv: list[str], message: str) -> None:
    code, out, err = run_cli("check", *[a.format(d=files) for a in argv])
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("shipshape: error: ")
    assert message.format(d=files) in err


def test_no_command_exits_2() -> None:
    code, _, err = run_cli()
    assert code == 2 and "a command is required" in err


def test_non_utf8_bytes_in_a_diff_are_replaced_not_fatal(files: Path) -> None:
    code, out, err = run_cli("check", "--diff", str(files / "change.diff"), "--title",
                             "BILL-7: totals", "--format", "json")
    assert code in (0, 1) and err == ""
    assert json.loads(out)["stats"]["additions"] == 2


def test_lone_surrogates_from_json_escapes_do_not_break_utf8_output() -> None:
    # "\ud800" is valid JSON and json.loads keeps it; a UTF-8 stdout cannot encode it.
    path = "app/caf\ud800.py"
    diff = (f"diff --git a/{path} b/{path}\nnew file mode 100644\nindex 0000000..1b2c3d4\n"
            f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1 @@\n+total = 1\n")
    snapshot = json.dumps({"title": "WIP \ud800", "diff": diff,
                           "commits": [{"sha": "a" * 40, "message": "WIP \udfff"}]}).encode()
    for fmt in ("text", "json", "markdown"):
        raw = io.BytesIO()
        stdout = io.TextIOWrapper(raw, encoding="utf-8")  # strict, like a real UTF-8 pipe
        stderr = io.StringIO()
        code = main(["check", "--snapshot", "-", "--format", fmt],
                     stdin=io.TextIOWrapper(io.BytesIO(snapshot), encoding="utf-8"),
                     stdout=stdout, stderr=stderr)
        stdout.flush()
        assert (code, stderr.getvalue()) == (1, "")
        assert "app/caf\ufffd" in raw.getvalue().decode("utf-8").replace("\\ufffd", "\ufffd")


# --- a real git repository -------------------------------------------------------------------

def git(repo: Path, *args: str) -> str:
    """Run git in `repo` with a fixed identity."""
    done = subprocess.run(
        ["git", "-c", "user.name=Dana Dev", "-c", "user.email=dana@example.com",
         "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "service"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "orders").mkdir()
    (repo / "orders" / "__init__.py").write_text("")
    (repo / "orders" / "cancel.py").write_text("def cancel(order):\n    order.status = 'x'\n")
    (repo / "tests").mkdir()
    (repo / "tests" / "test_cancel.py").write_text("def test_cancel():\n    assert True\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Initial import")
    git(repo, "checkout", "-qb", "feature/ORD-7-cancel-reason")
    (repo / "orders" / "cancel.py").write_text(
        "def cancel(order, reason):\n    order.status = 'cancelled'\n    order.reason = reason\n")
    git(repo, "commit", "-qam", "ORD-7: record why an order was cancelled")
    (repo / "tests" / "test_cancel.py").write_text(
        "def test_cancel_records_reason():\n    class O: ...\n    o = O()\n"
        "    from orders.cancel import cancel\n    cancel(o, 'late')\n"
        "    assert o.reason == 'late'\n")
    git(repo, "mv", "orders/__init__.py", "orders/package.py")
    git(repo, "commit", "-qam", "Test the cancel reason")
    return repo


def equivalent_snapshot(repo: Path) -> dict:
    """The snapshot a person would write for this PR, read with plain git commands."""
    log = git(repo, "log", "--reverse", "--format=%H %P", "main..HEAD").split("\n")
    shas = [line.split()[0] for line in log if line]
    messages = [git(repo, "log", "-1", "--format=%B", sha).strip() for sha in shas]
    numstats = [git(repo, "show", "--no-renames", "--numstat", "--format=", sha) for sha in shas]
    commits = []
    for sha, message, numstat in zip(shas, messages, numstats, strict=True):
        rows = [row.split("\t") for row in numstat.strip().splitlines()]
        commits.append({"sha": sha, "message": message, "author": "Dana Dev", "parents": 1,
                        "additions": sum(int(r[0]) for r in rows),
                        "deletions": sum(int(r[1]) for r in rows),
                        "files": [r[2] for r in rows]})
    return {
        "title": "ORD-7: record why an order was cancelled",
        "body": "",
        "head_ref": "feature/ORD-7-cancel-reason",
        "base_ref": "main",
        "head_sha": shas[-1],
        "commits": commits,
        "diff": git(repo, "diff", "-M", "main...HEAD"),
        "repo_files": git(repo, "ls-files").split(),
    }


def test_git_range_gives_the_same_report_as_the_equivalent_snapshot(repo: Path,
                                                                    tmp_path: Path) -> None:
    snapshot_file = tmp_path / "pr.json"
    snapshot_file.write_text(json.dumps(equivalent_snapshot(repo)))
    code_git, from_git, err = run_cli("check", "--base", "main", "--repo", str(repo),
                                      "--format", "json")
    code_file, from_file, _ = run_cli("check", "--snapshot", str(snapshot_file),
                                      "--format", "json")
    assert err == ""
    assert json.loads(from_git) == json.loads(from_file)
    assert code_git == code_file
    report = json.loads(from_git)
    assert report["stories"] == ["ORD-7"]
    assert report["stats"]["files"] == 3


def test_git_snapshot_reads_commits_branch_and_renames(repo: Path) -> None:
    code, out, _ = run_cli("snapshot", "--base", "main", "--repo", str(repo))
    doc = json.loads(out)
    assert code == 0
    assert doc["head_ref"] == "feature/ORD-7-cancel-reason"
    assert [c["message"] for c in doc["commits"]] == [
        "ORD-7: record why an order was cancelled", "Test the cancel reason"]
    assert "rename from orders/__init__.py" in doc["diff"]
    snapshot = checks.load_snapshot(doc)
    assert {f.path: f.status.value for f in snapshot.files}["orders/package.py"] == "renamed"


def _config_on_main(repo: Path, text: str) -> None:
    git(repo, "checkout", "-q", "main")
    (repo / ".github").mkdir(exist_ok=True)
    (repo / ".github" / "shipshape.yml").write_text(text)
    git(repo, "add", ".github")
    git(repo, "commit", "-qm", "Configure shipshape")
    git(repo, "checkout", "-q", "feature/ORD-7-cancel-reason")
    git(repo, "merge", "-q", "--no-edit", "main")


def test_config_is_read_from_the_base_revision_as_the_app_reads_it(repo: Path) -> None:
    _config_on_main(repo, "story:\n  enabled: false\n")
    code, out, _ = run_cli("check", "--base", "main", "--repo", str(repo))
    assert code == 0 and "config: .github/shipshape.yml at main" in out
    _, out, _ = run_cli("check", "--base", "main", "--repo", str(repo), "--format", "json")
    assert json.loads(out)["checks"][0]["status"] == "skip"
    # The PR loosening its own gate in the working tree changes nothing: the base's file rules.
    (repo / ".github" / "shipshape.yml").write_text("story:\n  enabled: nope\n")
    _, out, _ = run_cli("check", "--base", "main", "--repo", str(repo), "--format", "json")
    assert json.loads(out)["checks"][0]["status"] == "skip"
    # --config says otherwise, and is named.
    code, _, err = run_cli("check", "--base", "main", "--repo", str(repo), "--config",
                           str(repo / ".github" / "shipshape.yml"))
    assert code == 2 and "story.enabled: expected true or false" in err


def test_a_bad_config_on_the_base_branch_is_one_line_naming_it(repo: Path) -> None:
    _config_on_main(repo, "story:\n  enabled: nope\n")
    code, _, err = run_cli("check", "--base", "main", "--repo", str(repo))
    assert code == 2
    assert err.count("\n") == 1 and ".github/shipshape.yml at main" in err


def test_without_a_config_on_the_base_the_text_says_defaults_were_used(repo: Path) -> None:
    (repo / ".github").mkdir()
    (repo / ".github" / "shipshape.yml").write_text("story:\n  enabled: false\n")
    _, out, _ = run_cli("check", "--base", "main", "--repo", str(repo))
    assert "config: built-in defaults (no .github/shipshape.yml at main)" in out
    assert "Story ID referenced" in out


def test_an_empty_range_has_nothing_to_check_and_exits_0(repo: Path) -> None:
    code, out, err = run_cli("check", "--base", "HEAD", "--repo", str(repo))
    assert (code, err) == (0, "")
    assert out.startswith("shipshape: nothing to check")


def test_head_naming_a_branch_gives_the_branch_name(repo: Path) -> None:
    git(repo, "checkout", "-q", "main")
    _, out, _ = run_cli("snapshot", "--base", "main", "--head", "feature/ORD-7-cancel-reason",
                        "--repo", str(repo))
    assert json.loads(out)["head_ref"] == "feature/ORD-7-cancel-reason"
    sha = git(repo, "rev-parse", "feature/ORD-7-cancel-reason").strip()
    _, out, _ = run_cli("snapshot", "--base", "main", "--head", sha, "--repo", str(repo))
    assert json.loads(out)["head_ref"] == ""  # a commit id names no branch: --branch does
    _, out, _ = run_cli("snapshot", "--base", "main", "--head", sha, "--repo", str(repo),
                        "--branch", "feature/ORD-7-x", "--number", "42")
    assert json.loads(out)["head_ref"] == "feature/ORD-7-x"
    assert json.loads(out)["number"] == 42


def test_a_number_that_is_not_a_pr_number_is_one_line(repo: Path) -> None:
    code, _, err = run_cli("check", "--base", "main", "--repo", str(repo), "--number", "0")
    assert code == 2 and "'0' is not a pull request number" in err


def test_diff_asks_for_a_title_only_when_the_story_check_runs(tmp_path: Path) -> None:
    diff = tmp_path / "pr.diff"
    diff.write_text("diff --git a/app/x.py b/app/x.py\n--- a/app/x.py\n+++ b/app/x.py\n"
                    "@@ -1 +1 @@\n-A = 1\n+A = 2\n")
    code, _, err = run_cli("check", "--diff", str(diff))
    assert code == 2 and "--diff needs --title" in err
    code, out, err = run_cli("check", "--diff", str(diff), "--only", "secrets")
    assert (code, err) == (0, "") and "No hardcoded secrets" in out


def test_staged_changes_are_checked_and_an_empty_stage_passes(repo: Path) -> None:
    code, out, _ = run_cli("check", "--staged", "--only", "secrets", "--repo", str(repo))
    assert code == 0 and "nothing to check (no staged changes)" in out
    # Generated here, so no live-looking key is committed: AKIA and 16 of base32's alphabet.
    key = "AKIA" + "".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
    (repo / "orders" / "aws.py").write_text(f'AWS_ACCESS_KEY_ID = "{key}"\n')
    git(repo, "add", "orders/aws.py")
    code, out, _ = run_cli("check", "--staged", "--only", "secrets", "--repo", str(repo))
    assert code == 1 and "orders/aws.py" in out
    assert key not in out


def test_version_is_the_installed_distributions() -> None:
    import importlib.metadata

    done = subprocess.run([sys.executable, "-m", "cli", "--version"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0
    assert done.stdout.strip() == f"shipshape {importlib.metadata.version('shipshape')}"


def test_help_version_and_usage_errors_never_load_the_engine() -> None:
    code = ("import sys, io, cli.main\n"
            "for argv in (['--help'], ['--version'], ['check', '--help'], ['bogus']):\n"
            "    try:\n"
            "        cli.main.main(argv, stdout=io.StringIO(), stderr=io.StringIO())\n"
            "    except SystemExit:\n"
            "        pass\n"
            "print(sorted(m for m in sys.modules if m == 'checks' or m.startswith('checks.')\n"
            "             or m == 'importlib.metadata'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    # importlib.metadata (email.* with it) was most of `--version`'s start-up.
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_help_and_a_snapshot_check_load_only_what_they_use() -> None:
    # subprocess (git) and importlib.metadata (SARIF's version) cost ~15 ms of start-up, and a
    # git process more: a check from a snapshot, with no `extends:` to resolve, needs none;
    # shutil (bz2, lzma) is what argparse would import for the terminal's width.
    code = ("import sys, io, cli.main\n"
            "unused = ('subprocess', 'importlib.metadata', 'shutil')\n"
            "try:\n"
            "    cli.main.main(['--help'], stdout=io.StringIO(), stderr=io.StringIO())\n"
            "except SystemExit:\n"
            "    pass\n"
            "help = [m for m in unused if m in sys.modules]\n"
            "cli.main.main(['check', '--snapshot', sys.argv[1]], stdout=io.StringIO())\n"
            "print(help, [m for m in unused if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code, str(EXAMPLE)], capture_output=True,
                          text=True, check=False, cwd=ROOT)
    assert done.stdout.strip().splitlines()[-1] == "[] []", done.stderr[-2000:]


# What `shipshape check --snapshot examples/billing-pr.json` loads (issue 18: start-up within
# 1.5x of `import yaml, unidiff`): modules of checks/ and cli/ and the dataclasses they define,
# each one ~0.5 ms to create. Lower a ceiling when work is cut, so a regression shows; raise it
# only for something every check needs.
# checks.globs counts here: every check needs the ignore list, and it replaces pathspec (not
# counted, being outside checks/ and cli/).
MAX_CHECK_MODULES = 65
MAX_CHECK_DATACLASSES = 47
# Modules only a rarer input needs: a git range or a diff file, the markdown and workflow
# formats, an allow marker, a line the hardcoded pre-filter picks, a source without a test
# (the tests check suggests a path), a route declaration (or a line that may hold one), a
# secret-like value to hold against published examples (hashlib);
# shutil is argparse's.
RARE_PATH_MODULES = (
    "cli.local_snapshot", "cli.workflow", "checks.render.markdown", "checks.suppressions",
    "checks.api_docs.endpoints", "checks.api_docs.routes", "checks.api_docs.python",
    "checks.hardcoded.close", "checks.hardcoded.context", "checks.hardcoded.hosts",
    "checks.hardcoded.values", "checks.hardcoded.lines", "checks.tests_layout", "shutil",
    "hashlib",
)


def test_a_snapshot_check_imports_what_the_example_needs_and_no_more() -> None:
    code = ("import dataclasses, io, json, sys, cli.main\n"
            "rc = cli.main.main(['check', '--snapshot', sys.argv[1]], stdout=io.StringIO())\n"
            "ours = [m for m in list(sys.modules) if m.split('.')[0] in ('checks', 'cli')]\n"
            "made = [c for m in ours for c in vars(sys.modules[m]).values()\n"
            "        if isinstance(c, type) and dataclasses.is_dataclass(c)\n"
            "        and c.__module__ == m]\n"
            "print(json.dumps({'rc': rc, 'modules': ours, 'dataclasses': len(made),\n"
            "                  'rare': [m for m in sys.argv[2:] if m in sys.modules]}))")
    done = subprocess.run([sys.executable, "-c", code, str(EXAMPLE), *RARE_PATH_MODULES],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["rc"] == 0  # the example passes with a warning: every check ran
    assert seen["rare"] == []
    # Every check's own module is there: the counts below are of a real run.
    assert {"checks.story", "checks.tests_touched", "checks.hardcoded.scan"} <= set(seen["modules"])
    assert len(seen["modules"]) <= MAX_CHECK_MODULES, sorted(seen["modules"])
    assert seen["dataclasses"] <= MAX_CHECK_DATACLASSES


def test_without_any_config_file_the_defaults_are_what_the_layering_would_give() -> None:
    # `check` skips checks.layers when there is no file and no --org; that shortcut holds only
    # while layering nothing yields exactly the defaults, refusing nothing.
    from checks.layers import resolve_with

    layered = resolve_with(lambda ref: None, "local/repo", "", checks.REGISTRY)
    assert layered.refused == ()
    assert layered.config == checks.load_config({}, checks.REGISTRY)


@pytest.mark.parametrize("columns", [None, "120", "40", "0", "-3", "wide"])
def test_help_wraps_at_the_width_shutil_would_find(monkeypatch: pytest.MonkeyPatch,
                                                   columns: str | None) -> None:
    # cli.main finds the width itself so that start-up imports no shutil; shutil is the oracle.
    import shutil

    from cli.main import terminal_columns

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert terminal_columns() == shutil.get_terminal_size().columns


def test_the_command_lines_config_path_is_the_engines() -> None:
    from checks.config import CONFIG_PATH
    from cli.main import CONFIG_PATH as CLI_CONFIG_PATH

    assert CLI_CONFIG_PATH == CONFIG_PATH


def test_every_option_has_help_text() -> None:
    from cli.main import _parser

    parser = _parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in subparsers.choices.items():
        for action in sub._actions:
            assert action.help, f"shipshape {name} {'/'.join(action.option_strings)} has no help"


@pytest.mark.parametrize("rev", ["no-such-branch", "--output=/tmp/x", "main~99"])
def test_base_that_is_not_a_revision(repo: Path, rev: str) -> None:
    code, _, err = run_cli("check", f"--base={rev}", "--repo", str(repo))
    assert code == 2
    assert f"--base: {rev!r} is not a revision" in err


def test_command_line_does_not_import_the_server_stack() -> None:
    code = ("import sys, cli.main; rc = cli.main.main(['check', '--snapshot', sys.argv[1], "
            "'--format', 'json'], stdout=open('/dev/null', 'w')); "
            "print(sorted(m for m in ('aiohttp', 'gidgethub', 'prometheus_client', 'jwt') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, str(EXAMPLE)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_runs_as_a_module() -> None:
    done = subprocess.run([sys.executable, "-m", "cli", "check", "--snapshot", str(EXAMPLE),
                           "--format", "json"], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    assert done.returncode in (0, 1) and json.loads(done.stdout)["checks"]


def test_check_layers_the_org_file_and_extends_targets_as_the_app_does(tmp_path: Path) -> None:
    checkouts = tmp_path / "checkouts"
    base = checkouts / "acme" / "base"
    base.mkdir(parents=True)
    git(base, "init", "-q")
    (base / ".github").mkdir()
    (base / ".github" / "shipshape.yml").write_text("story:\n  enabled: false\n")
    git(base, "add", "-A")
    git(base, "commit", "-qm", "Shared shipshape settings")
    config = tmp_path / "shipshape.yml"
    config.write_text("extends: acme/base\ncommits:\n  level: warn\n")
    code, _, err = run_cli("check", "--snapshot", str(EXAMPLE), "--config", str(config),
                           "--name", "acme/service")
    assert code == 2 and "--checkouts DIR" in err and err.count("\n") == 1
    code, out, err = run_cli("check", "--snapshot", str(EXAMPLE), "--config", str(config),
                             "--name", "acme/service", "--checkouts", str(checkouts),
                             "--format", "json")
    assert (code, err) == (0, "")
    assert {c["id"]: c["status"] for c in json.loads(out)["checks"]}["story"] == "skip"
    org = tmp_path / "org.yml"
    org.write_text("locked: [secrets]\nsecrets:\n  level: fail\n")
    config.write_text("secrets:\n  level: warn\n")
    code, out, _ = run_cli("check", "--snapshot", str(EXAMPLE), "--config", str(config),
                           "--org", str(org))
    assert code in (0, 1) and "over the organisation's" in out
    assert "refused:" in out and "secrets" in out.split("refused:", 1)[1]
