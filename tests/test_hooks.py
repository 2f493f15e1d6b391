"""The pre-commit hooks of .pre-commit-hooks.yaml, run by the real `pre-commit` tool in a
temporary repository with a remote: they install the light package from this repository's
committed HEAD, as a user's `.pre-commit-config.yaml` would."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.shared import ROOT

PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
IDENTITY = ("-c", "user.name=Dana Dev", "-c", "user.email=dana@example.com",
            "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main")


def _head_of_this_repository() -> str | None:
    done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        return None
    shown = subprocess.run(["git", "cat-file", "-e", "HEAD:.pre-commit-hooks.yaml"], cwd=ROOT,
                           capture_output=True, check=False)
    return done.stdout.strip() if shown.returncode == 0 else None


class Workspace:
    """A clone with a bare remote, the hooks installed, and pre-commit's cache of its own."""

    def __init__(self, root: Path, rev: str) -> None:
        self.remote, self.work = root / "remote.git", root / "work"
        self.env = {**os.environ, "PRE_COMMIT_HOME": str(root / "cache"),
                    "PATH": f"{PRE_COMMIT.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        self.env.pop("VIRTUAL_ENV", None)
        subprocess.run(["git", *IDENTITY, "init", "-q", "--bare", str(self.remote)], check=True)
        subprocess.run(["git", *IDENTITY, "clone", "-q", str(self.remote), str(self.work)],
                       check=True, capture_output=True)
        (self.work / ".pre-commit-config.yaml").write_text(
            f"repos:\n  - repo: {ROOT}\n    rev: {rev}\n    hooks:\n"
            "      - id: shipshape\n      - id: shipshape-secrets\n", encoding="utf-8")
        (self.work / "orders").mkdir()
        (self.work / "orders" / "cancel.py").write_text(
            "def cancel(order):\n    order.status = 'cancelled'\n", encoding="utf-8")
        self.git("checkout", "-q", "-b", "main")
        self.git("add", "-A")
        self.git("commit", "-qm", "ORD-1: start the orders service")
        self.git("push", "-q", "origin", "main")
        done = self.run(str(PRE_COMMIT), "install", "--hook-type", "pre-commit",
                        "--hook-type", "pre-push")
        assert done.returncode == 0, done.stdout + done.stderr

    def run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(argv), cwd=self.work, env=self.env, capture_output=True,
                              text=True, check=False)

    def git(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run("git", *IDENTITY, *args)

    def remote_head(self, branch: str) -> str:
        return subprocess.run(["git", "rev-parse", "--verify", "-q", branch], cwd=self.remote,
                              capture_output=True, text=True, check=False).stdout.strip()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    rev = _head_of_this_repository()
    if rev is None:
        pytest.skip("not a git checkout with .pre-commit-hooks.yaml committed: pre-commit "
                    "installs hooks from a committed revision")
    if not PRE_COMMIT.exists():
        pytest.skip(f"pre-commit is not installed beside {sys.executable} (pip install "
                    "-e '.[test]')")
    root = tmp_path_factory.mktemp("hooks")
    yield Workspace(root, rev)
    shutil.rmtree(root, ignore_errors=True)


def _aws_key() -> str:
    # Generated here, so no live-looking key is committed: AKIA and 16 of base32's alphabet.
    return "AKIA" + "".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))


def test_a_clean_push_passes_and_an_empty_push_passes(workspace: Workspace) -> None:
    workspace.git("checkout", "-q", "-b", "feature/ORD-7-cancel-docs", "main")
    (workspace.work / "docs").mkdir(exist_ok=True)
    (workspace.work / "docs" / "orders.md").write_text("# Orders\n\nCancelled orders keep "
                                                       "their reason.\n", encoding="utf-8")
    workspace.git("add", "docs/orders.md")
    committed = workspace.git("commit", "-m", "ORD-7: document why orders are cancelled")
    assert committed.returncode == 0, committed.stdout + committed.stderr
    assert "shipshape secrets" in committed.stdout + committed.stderr  # the commit hook ran
    pushed = workspace.git("push", "-u", "origin", "feature/ORD-7-cancel-docs")
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert "Passed" in pushed.stdout + pushed.stderr
    assert workspace.remote_head("feature/ORD-7-cancel-docs") != ""
    # A new branch with no commit of its own, and a push with nothing new: never blocked.
    workspace.git("checkout", "-q", "-b", "feature/ORD-8-empty", "main")
    assert workspace.git("push", "-u", "origin", "feature/ORD-8-empty").returncode == 0
    assert workspace.git("push").returncode == 0


def test_a_staged_secret_is_stopped_at_commit_and_a_pushed_one_at_push(
        workspace: Workspace) -> None:
    workspace.git("checkout", "-q", "-b", "feature/ORD-9-export", "main")
    key = _aws_key()
    (workspace.work / "orders" / "export.py").write_text(
        f'AWS_ACCESS_KEY_ID = "{key}"\n', encoding="utf-8")
    workspace.git("add", "orders/export.py")
    refused = workspace.git("commit", "-m", "ORD-9: export orders to S3")
    assert refused.returncode != 0
    output = refused.stdout + refused.stderr
    assert "orders/export.py" in output and "No hardcoded secrets" in output
    assert key not in output
    # Past the commit hook on purpose: the pre-push hook is the second gate.
    assert workspace.git("commit", "--no-verify", "-qm",
                         "ORD-9: export orders to S3").returncode == 0
    pushed = workspace.git("push", "-u", "origin", "feature/ORD-9-export")
    assert pushed.returncode != 0
    output = pushed.stdout + pushed.stderr
    assert "shipshape (Definition of Done of the pushed range)" in output
    assert "No hardcoded secrets" in output and key not in output
    assert workspace.remote_head("feature/ORD-9-export") == ""
