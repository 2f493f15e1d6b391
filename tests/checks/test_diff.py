"""Parsing a PR's changes once: git diffs and GitHub's files[] into ChangedFile objects."""

from __future__ import annotations

import pytest

from checks.diff import DiffError, parse_diff, parse_files
from checks.model import FileStatus

GIT_DIFF = """\
diff --git a/billing/__init__.py b/billing/__init__.py
new file mode 100644
index 0000000..e69de29
diff --git a/billing/old_totals.py b/billing/totals.py
similarity index 100%
rename from billing/old_totals.py
rename to billing/totals.py
diff --git a/bin/deploy.sh b/bin/deploy.sh
old mode 100644
new mode 100755
diff --git a/web/public/logo.png b/web/public/logo.png
new file mode 100644
index 0000000..4b825dc
Binary files /dev/null and b/web/public/logo.png differ
diff --git a/billing/legacy.py b/billing/legacy.py
deleted file mode 100644
index 3f2a1b0..0000000
--- a/billing/legacy.py
+++ /dev/null
@@ -1,2 +0,0 @@
-def legacy_total(xs):
-    return sum(xs)
diff --git a/billing/invoices.py b/billing/invoices.py
index 8ce3223..a41f0b2 100644
--- a/billing/invoices.py
+++ b/billing/invoices.py
@@ -1,4 +1,5 @@
 from dataclasses import dataclass
+from decimal import Decimal
 
 
 @dataclass
@@ -10,3 +11,3 @@ class Invoice:
     number: str
-    amount: int
+    amount_cents: int
     currency: str
\\ No newline at end of file
diff --git a/services/orders/store.go b/services/orders/store_v2.go
similarity index 88%
rename from services/orders/store.go
rename to services/orders/store_v2.go
index 1111111..2222222 100644
--- a/services/orders/store.go
+++ b/services/orders/store_v2.go
@@ -3,2 +3,3 @@ package orders
 import "context"
+import "database/sql"
 
"""


@pytest.fixture(scope="module")
def files():
    return {f.path: f for f in parse_diff(GIT_DIFF)}


def test_every_file_with_a_header_is_a_file(files) -> None:
    assert list(files) == [
        "billing/__init__.py", "billing/totals.py", "bin/deploy.sh", "web/public/logo.png",
        "billing/legacy.py", "billing/invoices.py", "services/orders/store_v2.go",
    ]


def test_empty_new_file_is_added_with_no_lines(files) -> None:
    empty = files["billing/__init__.py"]
    assert empty.status is FileStatus.ADDED
    assert (empty.added, empty.hunks, empty.binary) == ((), (), False)


def test_pure_rename_keeps_old_path(files) -> None:
    renamed = files["billing/totals.py"]
    assert renamed.status is FileStatus.RENAMED
    assert renamed.old_path == "billing/old_totals.py"
    assert renamed.is_pure_rename


def test_mode_change_is_a_modified_file_without_lines(files) -> None:
    mode = files["bin/deploy.sh"]
    assert mode.status is FileStatus.MODIFIED and mode.additions == mode.deletions == 0


def test_binary_file(files) -> None:
    logo = files["web/public/logo.png"]
    assert logo.binary and logo.status is FileStatus.ADDED and not logo.is_whole_file


def test_removed_file_keeps_old_line_numbers(files) -> None:
    gone = files["billing/legacy.py"]
    assert gone.status is FileStatus.REMOVED
    assert [(line.number, line.text) for line in gone.removed] == [
        (1, "def legacy_total(xs):"), (2, "    return sum(xs)")]


def test_added_lines_carry_new_file_numbers(files) -> None:
    invoices = files["billing/invoices.py"]
    assert [(line.number, line.text) for line in invoices.added] == [
        (2, "from decimal import Decimal"), (12, "    amount_cents: int")]
    assert [(line.number, line.text) for line in invoices.removed] == [(11, "    amount: int")]
    assert len(invoices.hunks) == 2
    assert invoices.hunks[1].new_start == 11


def test_no_newline_marker_is_not_content(files) -> None:
    invoices = files["billing/invoices.py"]
    texts = [line.text for hunk in invoices.hunks for line in hunk.lines]
    assert not any("No newline" in t for t in texts)


def test_rename_with_edits_is_not_pure(files) -> None:
    moved = files["services/orders/store_v2.go"]
    assert moved.status is FileStatus.RENAMED and not moved.is_pure_rename
    assert moved.old_path == "services/orders/store.go"
    assert [line.number for line in moved.added] == [4]


def test_crlf_line_endings_are_stripped() -> None:
    diff = ("diff --git a/a.txt b/a.txt\r\n--- a/a.txt\r\n+++ b/a.txt\r\n"
            "@@ -1 +1 @@\r\n-old\r\n+new\r\n")
    (changed,) = parse_diff(diff)
    assert changed.added[0].text == "new"


def test_replacement_characters_survive() -> None:
    raw = (b"diff --git a/latin.txt b/latin.txt\n--- a/latin.txt\n+++ b/latin.txt\n"
           b"@@ -0,0 +1 @@\n+caf\xe9\n")
    (changed,) = parse_diff(raw.decode("utf-8", "replace"))
    assert changed.added[0].text == "caf\ufffd"


def test_text_that_is_not_a_diff_is_an_error() -> None:
    with pytest.raises(DiffError, match="not a unified diff"):
        parse_diff("Just some release notes\nwith two lines\n")


def test_broken_hunk_is_an_error() -> None:
    with pytest.raises(DiffError, match="not a valid unified diff"):
        parse_diff("--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n-only one line\n")


def test_empty_diff_has_no_files() -> None:
    assert parse_diff("") == ()


GITHUB_FILES = [
    {"filename": "billing/invoices.py", "status": "modified", "additions": 1, "deletions": 1,
     "patch": "@@ -8,3 +8,3 @@ class Invoice:\n     number: str\n-    amount: int\n"
              "+    amount_cents: int\n     currency: str"},
    {"filename": "web/public/logo.png", "status": "modified", "additions": 0, "deletions": 0},
    {"filename": "data/fixtures/big.json", "status": "added", "additions": 40211,
     "deletions": 0},
    {"filename": "billing/totals.py", "status": "renamed",
     "previous_filename": "billing/old_totals.py", "additions": 0, "deletions": 0},
    {"filename": "README.md", "status": "added", "additions": 1, "deletions": 0,
     "patch": "@@ -0,0 +1 @@\n+# Billing"},
]


def test_github_files_form() -> None:
    files, notes = parse_files(GITHUB_FILES)
    by_path = {f.path: f for f in files}
    invoices = by_path["billing/invoices.py"]
    assert [(line.number, line.text) for line in invoices.added] == [(9, "    amount_cents: int")]
    assert by_path["web/public/logo.png"].binary
    big = by_path["data/fixtures/big.json"]
    assert big.patch_missing and big.additions == 40211 and not big.is_whole_file
    assert by_path["billing/totals.py"].is_pure_rename
    assert by_path["billing/totals.py"].old_path == "billing/old_totals.py"
    assert by_path["README.md"].is_whole_file
    assert notes == (
        "web/public/logo.png: binary file; its content was not checked",
        "data/fixtures/big.json: patch not provided (too large to show); its content was not "
        "checked",
    )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("x", r"files\[0\] must be an object"),
        ({"status": "added"}, r"files\[0\]\.filename"),
        ({"filename": "a", "status": "moved"}, r"files\[0\]\.status must be one of"),
        ({"filename": "a", "status": "added", "additions": -1}, r"additions"),
        ({"filename": "a", "status": "added", "patch": 3}, r"patch must be a string"),
    ],
)
def test_malformed_github_files_name_the_field(entry, message) -> None:
    with pytest.raises(DiffError, match=message):
        parse_files([entry])


def test_parsing_restores_the_garbage_collector() -> None:
    import gc

    assert gc.isenabled()
    parse_diff(GIT_DIFF)
    assert gc.isenabled()
    with pytest.raises(DiffError):
        parse_diff("not a diff\n")
    assert gc.isenabled()
    gc.disable()
    try:
        parse_diff(GIT_DIFF)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_paths_with_spaces_from_real_git(tmp_path) -> None:
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(["git", "-c", "user.name=a", "-c", "user.email=a@b", "-c",
                               "core.quotePath=false", *args], cwd=tmp_path, check=True,
                              capture_output=True, text=True).stdout

    git("init", "-q")
    (tmp_path / "docs" / "User Guide").mkdir(parents=True)
    (tmp_path / "docs" / "User Guide" / "a b.md").write_text("intro\n-- migrate:down\nend\n")
    (tmp_path / "old name.sql").write_text("select 1;\n" * 20)
    (tmp_path / "gone file.txt").write_text("bye\n")
    git("add", "-A")
    git("commit", "-qm", "base")
    (tmp_path / "docs" / "User Guide" / "a b.md").write_text("intro\nend\nmore b/c\n")
    git("mv", "old name.sql", "new name.sql")
    (tmp_path / "gone file.txt").unlink()
    (tmp_path / "Screen Shot b.png").write_bytes(b"\x89PNG\0\0")
    git("add", "-A")
    diff = git("diff", "--cached", "-M")
    files = {f.path: f for f in parse_diff(diff)}
    assert set(files) == {"docs/User Guide/a b.md", "new name.sql", "gone file.txt",
                          "Screen Shot b.png"}
    guide = files["docs/User Guide/a b.md"]
    assert [line.text for line in guide.removed] == ["-- migrate:down"]
    assert [line.text for line in guide.added] == ["more b/c"]
    assert files["new name.sql"].old_path == "old name.sql"
    assert files["new name.sql"].is_pure_rename
    assert files["gone file.txt"].status is FileStatus.REMOVED
    assert files["Screen Shot b.png"].binary


@pytest.mark.parametrize(("name", "unidiff_refuses"), [("docs/a b.md", False),
                                                       ("docs/a b/c.md", True)])
def test_a_spaced_name_is_read_whether_or_not_the_plain_grammar_refuses_it(
        name: str, unidiff_refuses: bool) -> None:
    # The reader notes a spaced header as it passes (then the text is read again, protected);
    # a text it refuses is searched for one, since the spaces may be why it was refused.
    from checks.unified import ParseError, read_diff

    diff = (f"diff --git a/{name} b/{name}\nindex 1111111..2222222 100644\n--- a/{name}\n"
            f"+++ b/{name}\n@@ -1,2 +1,2 @@\n keep\n-old\n+new\n")
    if unidiff_refuses:
        with pytest.raises(ParseError):
            read_diff(diff)
    else:
        assert read_diff(diff)
    (changed,) = parse_diff(diff)
    assert changed.path == name
    assert [line.text for line in changed.added] == ["new"]
    assert [line.text for line in changed.removed] == ["old"]


def test_a_spaced_name_the_plain_grammar_misreads_without_refusing_is_read_right() -> None:
    # No `+++` line to contradict the header: read plainly, the header splits at the last
    # " b/" and the file would be `c.png`.
    from checks.unified import read_diff

    name = "img/a b/c.png"
    diff = (f"diff --git a/{name} b/{name}\nnew file mode 100644\nindex 0000000..1234567\n"
            f"Binary files /dev/null and b/{name} differ\n")
    assert read_diff(diff)[0].path != name
    (changed,) = parse_diff(diff)
    assert (changed.path, changed.binary, changed.status) == (name, True, FileStatus.ADDED)


def test_github_patch_holding_file_headers_is_named() -> None:
    entry = {"filename": "a.py", "status": "modified", "additions": 1, "deletions": 0,
             "patch": "--- a/b.py\n+++ b/b.py\n@@ -1 +1,2 @@\n x\n+y"}
    with pytest.raises(DiffError, match=r"files\[1\]\.patch must hold diff hunks only"):
        parse_files([GITHUB_FILES[0], entry])


def test_git_quoted_paths_are_unquoted() -> None:
    # `git diff` with core.quotePath (the default) quotes non-ASCII names with octal bytes.
    text = ('diff --git "a/docs/caf\\303\\251.md" "b/docs/caf\\303\\251.md"\n'
            "index 1b2c3d4..5e6f7a8 100644\n"
            '--- "a/docs/caf\\303\\251.md"\n+++ "b/docs/caf\\303\\251.md"\n'
            "@@ -1 +1 @@\n-# Caf\n+# Caf\u00e9\n"
            'diff --git a/README.md "b/\\346\\227\\245\\346\\234\\254.md"\n'
            "similarity index 100%\nrename from README.md\nrename to \u65e5\u672c.md\n"
            'diff --git "a/say \\"hi\\".txt" "b/say \\"hi\\".txt"\n'
            "new file mode 100644\nindex 0000000..e69de29\n")
    files = parse_diff(text)
    assert [(f.path, f.old_path, f.status) for f in files] == [
        ("docs/caf\u00e9.md", None, FileStatus.MODIFIED),
        ("\u65e5\u672c.md", "README.md", FileStatus.RENAMED),
        ('say "hi".txt', None, FileStatus.ADDED),
    ]
