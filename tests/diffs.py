"""Build `git diff` text line by line for tests: real headers, `index` lines and hunk counts.

(`tests/checks/migrations/gitdiff.py` builds the same text from whole file contents instead.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def blob(text: str) -> str:
    """A short object id, as git prints it on `index` lines."""
    return hashlib.sha1(text.encode()).hexdigest()[:7]


def new_file(path: str, lines: Sequence[str]) -> str:
    """A `git diff` block adding `path` with `lines` (an empty file has no hunk, as in git)."""
    body = "".join(f"+{line}\n" for line in lines)
    if not lines:
        return (f"diff --git a/{path} b/{path}\nnew file mode 100644\n"
                "index 0000000..e69de29\n")
    return (f"diff --git a/{path} b/{path}\nnew file mode 100644\n"
            f"index 0000000..{blob(path + body)}\n--- /dev/null\n+++ b/{path}\n"
            f"@@ -0,0 +1,{len(lines)} @@\n{body}")


def modified(path: str, start: int, before: Sequence[str], removed: Sequence[str],
             added: Sequence[str], after: Sequence[str] = (), heading: str = "") -> str:
    """A `git diff` block with one hunk: context, removed lines, added lines, context."""
    old_len = len(before) + len(removed) + len(after)
    new_len = len(before) + len(added) + len(after)
    body = ("".join(f" {line}\n" for line in before) + "".join(f"-{line}\n" for line in removed)
            + "".join(f"+{line}\n" for line in added) + "".join(f" {line}\n" for line in after))
    head = f" {heading}" if heading else ""
    return (f"diff --git a/{path} b/{path}\nindex {blob(path)}..{blob(path + body)} 100644\n"
            f"--- a/{path}\n+++ b/{path}\n"
            f"@@ -{start},{old_len} +{start},{new_len} @@{head}\n{body}")


def deleted(path: str, lines: Sequence[str]) -> str:
    """A `git diff` block deleting `path`."""
    body = "".join(f"-{line}\n" for line in lines)
    return (f"diff --git a/{path} b/{path}\ndeleted file mode 100644\n"
            f"index {blob(path + body)}..0000000\n--- a/{path}\n+++ /dev/null\n"
            f"@@ -1,{len(lines)} +0,0 @@\n{body}")


def renamed(old: str, new: str) -> str:
    """A `git diff -M` block for a rename without content change."""
    return (f"diff --git a/{old} b/{new}\nsimilarity index 100%\n"
            f"rename from {old}\nrename to {new}\n")
