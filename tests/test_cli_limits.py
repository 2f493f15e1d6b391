"""What the command line reads at most (cli/limits.py): past a bound, exit 2 with one line.

The bounds are lowered here so the inputs stay small; the messages name the real ones.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import cli.check_command
import cli.local_snapshot
from cli.limits import MAX_FILES, MAX_INPUT_BYTES
from tests.diffs import new_file
from tests.test_cli import run_cli

LIMIT = 4096


@pytest.fixture
def low_byte_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.check_command, "MAX_INPUT_BYTES", LIMIT)
    monkeypatch.setattr(cli.local_snapshot, "MAX_INPUT_BYTES", LIMIT)


def _diff(files: int, lines: int) -> str:
    return "".join(new_file(f"src/mod_{i}.py", [f"value_{n} = {n}" for n in range(lines)])
                   for i in range(files))


def _one_line_error(code: int, out: str, err: str) -> str:
    assert (code, out) == (2, "")
    assert err.startswith("shipshape: error: ") and err.count("\n") == 1
    return err


def test_the_documented_bounds_are_githubs_files_list_and_64_mb() -> None:
    assert (MAX_FILES, MAX_INPUT_BYTES) == (3000, 64 * 1024 * 1024)


def test_a_diff_file_past_the_byte_bound_is_refused(tmp_path: Path, low_byte_limit: None) -> None:
    big = tmp_path / "big.diff"
    big.write_text(_diff(3, 200))
    assert big.stat().st_size > LIMIT
    err = _one_line_error(*run_cli("check", "--diff", str(big), "--only", "secrets"))
    assert f"{big} is larger than 64 MB" in err and "narrower range" in err


def test_a_diff_at_the_byte_bound_is_checked(tmp_path: Path, low_byte_limit: None) -> None:
    text = _diff(1, 10)
    text += "+" * (LIMIT - len(text.encode()) - 1) + "\n"  # one long added line, LIMIT bytes
    path = tmp_path / "exact.diff"
    path.write_text(text.replace("@@ -0,0 +1,10 @@", "@@ -0,0 +1,11 @@"))
    assert path.stat().st_size == LIMIT
    code, _, err = run_cli("check", "--diff", str(path), "--only", "secrets")
    assert (code, err) == (0, "")


def test_standard_input_past_the_byte_bound_is_refused(low_byte_limit: None) -> None:
    err = _one_line_error(*run_cli("check", "--diff", "-", "--only", "secrets",
                                   stdin=_diff(3, 200).encode()))
    assert "standard input is larger than 64 MB" in err


def test_more_files_than_github_lists_are_refused(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.check_command, "MAX_FILES", 2)
    path = tmp_path / "three.diff"
    path.write_text(_diff(3, 2))
    err = _one_line_error(*run_cli("check", "--diff", str(path), "--only", "secrets"))
    assert f"{path} changes 3 files; shipshape checks at most 3,000" in err
    path.write_text(_diff(2, 2))
    assert run_cli("check", "--diff", str(path), "--only", "secrets")[0] == 0


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=a", "-c", "user.email=a@b", *args], cwd=repo,
                   check=True, capture_output=True)


def test_git_output_past_the_byte_bound_is_refused(tmp_path: Path, low_byte_limit: None) -> None:
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "README.md").write_text("x\n")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "base")
    _git(tmp_path, "checkout", "-qb", "feature")
    (tmp_path / "big.txt").write_text("".join(f"line {n}\n" for n in range(2000)))
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "BILL-1: big")
    err = _one_line_error(*run_cli("check", "--base", "main", "--repo", str(tmp_path)))
    assert "the output of git diff is larger than 64 MB" in err
    (tmp_path / "big.txt").write_text("small\n")
    _git(tmp_path, "commit", "-qam", "BILL-1: small")
    code, _, err = run_cli("check", "--base", "main", "--repo", str(tmp_path), "--only",
                           "secrets")
    assert (code, err) == (0, "")


def test_git_errors_still_name_gits_last_line(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q", "-b", "main")
    err = _one_line_error(*run_cli("check", "--base", "main", "--repo", str(tmp_path)))
    assert "--base: 'main' is not a revision" in err
