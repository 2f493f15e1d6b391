"""The model's own rules: what a merge commit is; hunks read late, without the parser's types."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import checks
import checks.model
from checks.model import ChangedFile, Commit, FileStatus, Hunk, HunkLine


@pytest.mark.parametrize(
    ("message", "parents", "expected"),
    [
        ("Merge branch 'main' into feature/x", 2, True),
        ("Octopus: three branches at once", 3, True),
        ("Merge branch 'main' into feature/x", 1, False),  # rebased or cherry-picked
        ("Merge pull request #88 from acme/hotfix", 1, False),
        ("Merge branch 'main' into feature/x", None, True),
        ("Merge branches 'a' and 'b'", None, True),
        ("Merge remote-tracking branch 'origin/main'", None, True),
        ("Merge pull request #88 from acme/hotfix\n\nShip the hotfix", None, True),
        ("Merge tag 'v2.3.0' into release", None, True),
        ("Merge commit '3f2a9c1' into feature/x", None, True),
        ("Merge duplicate address parsers into one module", None, False),
        ("Fix merge of invoice lines", None, False),
        ("", None, False),
    ],
)
def test_is_merge(message: str, parents: int | None, expected: bool) -> None:
    assert Commit("a" * 40, message, parents=parents).is_merge is expected


def test_the_model_imports_nothing_of_the_engine() -> None:
    # The parser builds the model; the model must not reach back into the parser (or anything).
    tree = ast.parse(Path(checks.model.__file__).read_text(encoding="utf-8"))
    imported = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names]
    assert not [name for name in imported if name.split(".")[0] in ("checks", "unidiff")]


def test_hunks_and_shown_text_come_from_the_parser_on_demand() -> None:
    (changed,) = checks.load_snapshot({"title": "t", "diff": EDIT_DIFF}).files
    assert changed.hunks == (Hunk(3, 3, 3, 3, (
        HunkLine(" ", 3, 3, "def total(lines):"),
        HunkLine("-", 4, None, "    return sum(lines)"),
        HunkLine("+", None, 4, "    return round(sum(lines), 2)"),
        HunkLine(" ", 5, 5, ""),
    )),)
    assert changed.shown_text() == ("def total(lines):\n    return sum(lines)\n"
                                    "    return round(sum(lines), 2)\n\n")
    bare = ChangedFile("a.py", FileStatus.MODIFIED, patch_missing=True)
    assert (bare.hunks, bare.shown_text()) == ((), "")


EDIT_DIFF = """\
diff --git a/billing/sum.py b/billing/sum.py
index 1f2e3d4..5a6b7c8 100644
--- a/billing/sum.py
+++ b/billing/sum.py
@@ -3,3 +3,3 @@
 def total(lines):
-    return sum(lines)
+    return round(sum(lines), 2)
 
"""
