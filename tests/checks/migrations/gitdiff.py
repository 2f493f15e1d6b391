"""Build `git diff` text for migration tests, and run the migrations check on it.

`added`, `modified`, `removed` and `renamed` write exactly what `git diff` prints for such a
change (headers, `index` line, `@@` counts from difflib with git's three lines of context), so
tests read like real PRs while the hunk arithmetic stays right.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable
from textwrap import dedent
from typing import Any

import checks
from checks.model import CheckResult, Finding


def _blob(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:7]


def _lines(text: str) -> list[str]:
    return dedent(text).lstrip("\n").splitlines(keepends=True)


def _body(old: list[str], new: list[str], old_name: str, new_name: str) -> str:
    out = []
    for line in difflib.unified_diff(old, new, old_name, new_name, n=3):
        if line.startswith(("---", "+++")):
            out.append(line.rstrip(" \t\n").split("\t")[0] + "\n")
        else:
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def added(path: str, text: str) -> str:
    """`git diff` of a new file (`text` is dedented; a leading newline is dropped)."""
    new = _lines(text)
    head = f"diff --git a/{path} b/{path}\nnew file mode 100644\nindex 0000000..{_blob(text)}\n"
    if not new:
        return head
    return head + _body([], new, "/dev/null", f"b/{path}")


def removed(path: str, text: str) -> str:
    """`git diff` of a deleted file."""
    old = _lines(text)
    head = f"diff --git a/{path} b/{path}\ndeleted file mode 100644\nindex {_blob(text)}..0000000\n"
    if not old:
        return head
    return head + _body(old, [], f"a/{path}", "/dev/null")


def modified(path: str, old: str, new: str) -> str:
    """`git diff` of a changed file: only the hunks, as git shows them."""
    head = f"diff --git a/{path} b/{path}\nindex {_blob(old)}..{_blob(new)} 100644\n"
    return head + _body(_lines(old), _lines(new), f"a/{path}", f"b/{path}")


def renamed(old_path: str, new_path: str, old: str = "", new: str | None = None) -> str:
    """`git diff -M` of a rename, with the content change when `new` differs from `old`."""
    head = f"diff --git a/{old_path} b/{new_path}\n"
    if new is None or new == old:
        return head + f"similarity index 100%\nrename from {old_path}\nrename to {new_path}\n"
    head += (f"similarity index 80%\nrename from {old_path}\nrename to {new_path}\n"
             f"index {_blob(old)}..{_blob(new)} 100644\n")
    return head + _body(_lines(old), _lines(new), f"a/{old_path}", f"b/{new_path}")


def pr(*parts: str) -> str:
    """Join file diffs into one PR diff."""
    return "".join(parts)


def run(diff: str, repo_files: Iterable[str] | None = None,
        config: dict[str, Any] | None = None, title: str = "BILL-1 change") -> CheckResult:
    """Run only the migrations check over `diff` and return its result."""
    doc: dict[str, Any] = {"title": title, "diff": diff}
    if repo_files is not None:
        doc["repo_files"] = sorted(repo_files)
    cfg = checks.config_from_dict({"migrations": config} if config else None)
    return checks.run(doc, cfg, only={"migrations"}).check("migrations")


def rules(result: CheckResult) -> list[tuple[str | None, str | None, int | None]]:
    """(rule, path, line) of each finding, in report order."""
    return [(f.rule, f.path, f.line) for f in result.findings]


def only(result: CheckResult) -> Finding:
    """The single finding of a result (fails the test when there is not exactly one)."""
    assert len(result.findings) == 1, [(f.rule, f.path, f.message) for f in result.findings]
    return result.findings[0]
