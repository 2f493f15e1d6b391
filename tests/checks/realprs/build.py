"""Write one real-PR case from a local git directory (a clone or the bare copy `fetch` brings).

    python tests/checks/realprs/build.py GIT_DIR owner/name COMMIT case-name

The case holds the commit's changes against its first parent as GitHub's files API lists them:
line counts of every file, the patch of files up to 60 changed lines (300 for migration paths),
and the test, spec and migration paths of the tree at the commit (what the tests and migrations
checks look up). It is written without verdicts: add `expect` by reading the diff, before running
the checks on it. An existing case keeps its `expect`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
PATCH_LINES = 60
MIGRATION_PATCH_LINES = 300
_KEPT_PATH = re.compile(r"test|spec|migrat", re.IGNORECASE)
_MIGRATION_PATH = re.compile(r"migrat", re.IGNORECASE)
_STATUS = {"A": "added", "D": "removed", "M": "modified", "R": "renamed", "C": "copied",
           "T": "changed"}


def _git(git_dir: str, *args: str) -> str:
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], check=True,
                          capture_output=True, text=True, errors="replace").stdout


def _patch(git_dir: str, base: str, commit: str, paths: list[str]) -> str | None:
    """The hunks of one file's diff, without git's header lines, as GitHub's `patch` holds them."""
    text = _git(git_dir, "diff", "-M", base, commit, "--", *paths)
    start = text.find("\n@@")
    return text[start + 1:] if start >= 0 else None


def files(git_dir: str, commit: str) -> list[dict[str, Any]]:
    """The commit's changed files against its first parent, shaped like GitHub's files API."""
    base = f"{commit}^1"
    statuses = _git(git_dir, "diff", "-M", "--name-status", "-z", base, commit).split("\0")
    counts = _git(git_dir, "diff", "-M", "--numstat", "-z", base, commit).split("\0")
    numbers: list[tuple[int, int]] = []
    index = 0
    while index < len(counts) and counts[index]:
        added, removed, name = counts[index].split("\t", 2)
        index += 1 if name else 3  # a rename's two paths follow in their own fields
        numbers.append((0 if added == "-" else int(added), 0 if removed == "-" else int(removed)))
    out: list[dict[str, Any]] = []
    index = 0
    while index < len(statuses) and statuses[index]:
        code = statuses[index][0]
        if code in "RC":
            old, new = statuses[index + 1], statuses[index + 2]
            index += 3
        else:
            old = new = statuses[index + 1]
            index += 2
        additions, deletions = numbers[len(out)]
        item: dict[str, Any] = {"filename": new, "status": _STATUS[code],
                                "additions": additions, "deletions": deletions}
        if old != new:
            item["previous_filename"] = old
        limit = MIGRATION_PATCH_LINES if _MIGRATION_PATH.search(new) else PATCH_LINES
        if 0 < additions + deletions <= limit:
            patch = _patch(git_dir, base, commit, [old, new] if old != new else [new])
            if patch is not None:
                item["patch"] = patch
        out.append(item)
    return out


def build(git_dir: str, repository: str, commit: str, name: str) -> Path:
    """Write (or refresh, keeping `expect`) tests/checks/realprs/<name>.json."""
    commit = _git(git_dir, "rev-parse", commit).strip()
    subject = _git(git_dir, "log", "-1", "--format=%s", commit).strip()
    # -z: without it git quotes and octal-escapes non-ASCII paths (`"vilk\303\245r/..."`).
    tree = [p for p in _git(git_dir, "ls-tree", "-r", "-z", "--name-only", commit).split("\0") if p]
    path = HERE / f"{name}.json"
    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    case = {
        "provenance": {"repository": repository, "commit": commit, "subject": subject,
                       "excerpt": False,
                       "repo_files": "test, spec and migration paths of the tree at the commit"},
        "title": subject,
        "files": files(git_dir, commit),
        "expect": old.get("expect", {}),
        "repo_files": sorted(p for p in tree if _KEPT_PATH.search(p)),
    }
    path.write_text(json.dumps(case, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit("usage: build.py GIT_DIR owner/name COMMIT case-name")
    print(build(*sys.argv[1:]))
