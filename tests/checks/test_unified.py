"""The diff reader (checks/unified.py + checks/lineruns.py) against unidiff, the parser it replaced.

Every case goes through both `checks.diff` and tests/checks/unidiff_oracle.py (the previous
parser: unidiff's objects converted to the model) and must give the same files, lines, hunks,
shown text and notes, or the same error message.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.engine import generate_diff
from checks.diff import DiffError, parse_diff, parse_files
from checks.lineruns import LineRuns, joined_texts
from checks.model import Line
from tests.checks import unidiff_oracle
from tests.diffs import deleted, modified, new_file, renamed
from tests.growth import assert_linear

REALPRS = sorted((Path(__file__).parent / "realprs").glob("*.json"))


def _outcome(parse: Callable[[Any], Any], arg: Any, with_notes: bool = False) -> tuple[str, Any]:
    try:
        result = parse(arg)
    except DiffError as exc:
        return "error", str(exc)
    files, notes = result if with_notes else (result, ())
    return "ok", (unidiff_oracle.described(files), notes)


def assert_same_as_unidiff(text: str) -> tuple[str, Any]:
    """Parse `text` both ways; fail with both outcomes when they differ."""
    new, old = _outcome(parse_diff, text), _outcome(unidiff_oracle.parse_diff, text)
    assert new == old, f"diff {text!r}:\nnew {new!r}\nold {old!r}"
    if new[0] == "ok":  # the views' shortcut agrees with their lines
        for changed in parse_diff(text):
            for side in (changed.added, changed.removed):
                assert joined_texts(side) == "\n".join(line.text for line in side)
    return new


def assert_same_files(entries: list[Any]) -> None:
    new = _outcome(parse_files, entries, with_notes=True)
    old = _outcome(unidiff_oracle.parse_files, entries, with_notes=True)
    assert new == old, f"files {entries!r}:\nnew {new!r}\nold {old!r}"


# --- diffs from real git ------------------------------------------------------------------------

def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=a", "-c", "user.email=a@b", *args], cwd=repo,
                          check=True, capture_output=True, text=True, encoding="utf-8",
                          errors="replace").stdout


@pytest.fixture(scope="module")
def tricky_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository whose last commit does every odd thing a diff can show."""
    repo = tmp_path_factory.mktemp("tricky")
    _git(repo, "init", "-q")
    files = {
        "renamed.txt": "one\ntwo\nthree\n" * 10,
        "renamed edited.py": "def f():\n    return 1\n" * 10,
        "no-newline.txt": "first\nlast without newline",
        "to-no-newline.txt": "keeps\nends\n",
        "crlf.txt": "windows\r\nline endings\r\n",
        "mode.sh": "#!/bin/sh\necho hi\n",
        "gone.bin": "\0\1\2binary",
        "café/naïve.md": "# Titel\n",
        'quote"d.txt': "q\n",
        "tab\tname.txt": "t\n",
        "deleted.txt": "bye\n",
        "sql.sql": "-- comment\n--- three dashes\nselect 1;\n",
        "empty-then-full.txt": "",
    }
    for name, content in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_bytes(content.encode())
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    (repo / "moved").mkdir()
    _git(repo, "mv", "renamed.txt", "moved/renamed.txt")
    _git(repo, "mv", "renamed edited.py", "moved edited.py")
    (repo / "moved edited.py").write_text("def f():\n    return 2\n"
                                          + "def f():\n    return 1\n" * 9)
    (repo / "no-newline.txt").write_text("first\nlast now ends\n")
    (repo / "to-no-newline.txt").write_text("keeps\nends")
    (repo / "crlf.txt").write_bytes(b"windows\r\nchanged\r\nline endings\r\n")
    (repo / "mode.sh").chmod(0o755)
    (repo / "gone.bin").unlink()
    (repo / "new.bin").write_bytes(b"\x89PNG\0\0\1")
    (repo / "café/naïve.md").write_text("# Titel\n\nMehr Text.\n")
    (repo / 'quote"d.txt').write_text("q\nr\n")
    (repo / "tab\tname.txt").write_text("t\nu\n")
    (repo / "deleted.txt").unlink()
    (repo / "empty.txt").write_text("")
    (repo / "empty-then-full.txt").write_text("now\nfull\n")
    (repo / "sql.sql").write_text("--- three dashes\n-- comment\n++ plus\nselect 2;\n")
    (repo / "blank lines.txt").write_text("\n\n\nx\n\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "tricky")
    return repo


@pytest.mark.parametrize(("config", "flags"), [
    ((), ("-M",)), ((), ("--no-renames",)), ((), ("-M", "--binary")), ((), ("-U0",)),
    ((), ("-U0", "-M", "--full-index")), (("-c", "core.quotePath=false"), ("-M",)),
    ((), ("--function-context",)), ((), ("-M", "--text")),
])
def test_real_git_diffs_read_the_same(tricky_repo: Path, config: tuple[str, ...],
                                      flags: tuple[str, ...]) -> None:
    diff = _git(tricky_repo, *config, "diff", *flags, "HEAD~1", "HEAD")
    assert "diff --git" in diff
    assert assert_same_as_unidiff(diff)[0] == "ok"


def test_real_git_diff_with_crlf_everywhere(tricky_repo: Path) -> None:
    diff = _git(tricky_repo, "diff", "-M", "HEAD~1", "HEAD").replace("\n", "\r\n")
    assert_same_as_unidiff(diff)


def test_real_format_patch_reads_the_same(tricky_repo: Path) -> None:
    # format-patch adds mail headers before and a signature after the diff.
    patch = _git(tricky_repo, "format-patch", "-M", "--stdout", "HEAD~1")
    assert_same_as_unidiff(patch)


# --- hand-written odd shapes --------------------------------------------------------------------

ODD = {
    "no newline at end, both sides":
        "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n"
        "\\ No newline at end of file\n",
    "marker with CRLF": "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n\\ No newline at end of file\r\n",
    "backslash line inside a hunk": "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n\\ whatever\n+b\n c\n",
    "empty line as context": "--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n\n-b\n+c\n",
    "CRLF empty line as context": "--- a/x\r\n+++ b/x\r\n@@ -1,2 +1,2 @@\r\n\r\n-b\r\n+c\r\n",
    "carriage returns in a line": "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n\rodd\n-b\r\r\n+c\r\n",
    "trailing empty lines after a hunk": "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n\n\n",
    "zero-length hunk at the end": "--- a/x\n+++ b/x\n@@ -0,0 +0,0 @@\n",
    "zero-length hunk then a marker": "--- a/x\n+++ b/x\n@@ -0,0 +0,0 @@\n\\ marker\n",
    "zero-length hunk then a line": "--- a/x\n+++ b/x\n@@ -0,0 +0,0 @@\n+a\n",
    "zero-length hunk then a header": "--- a/x\n+++ b/x\n@@ -0,0 +0,0 @@\ndiff --git a/y b/y\n",
    "hunk too long": "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n+c\n",
    "hunk too long in context": "--- a/x\n+++ b/x\n@@ -1,2 +1 @@\n a\n b\n",
    "hunk too short": "--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n-a\n",
    "hunk ends early, rest is header text": "--- a/x\n+++ b/x\n@@ -1 +1,2 @@\n-a\n+b\n+c\n+d\n",
    "bad line in a hunk": "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n*b\n",
    "a hunk with no file": "@@ -1 +1 @@\n-a\n+b\n",
    "target without source": "+++ b/x\n",
    "target differs from header": "diff --git a/x b/x\n--- a/x\n+++ b/y\n@@ -1 +1 @@\n-a\n+b\n",
    "new file mode with no file": "new file mode 100644\n",
    "deleted file mode with no file": "deleted file mode 100644\n",
    "marker with no file": "\\ No newline at end of file\n",
    "marker before any hunk": "diff --git a/x b/x\n\\ No newline at end of file\n",
    "binary patch marker with no file": "GIT binary patch\nliteral 0\n",
    "binary files line without git header": "Binary files a/x.png and b/x.png differ\n",
    "binary file, hg style": "Binary file x.png has changed\n",
    "binary then a target line": "Binary files a/p.png and b/p.png differ\n+++ b/q\n"
                                 "@@ -1 +1 @@\n-a\n+b\n",
    "GIT binary patch after a header":
        "diff --git a/x.bin b/x.bin\nindex 1..2 100644\nGIT binary patch\nliteral 3\nabc\n",
    "two plain diffs": "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"
                       "--- a/y\n+++ b/y\n@@ -1 +1 @@\n-c\n+d\n",
    "timestamps and no prefixes": "--- x.txt\t2026-01-01 10:00:00\n+++ x.txt\t2026-01-02 10:00:00\n"
                                  "@@ -1 +1 @@\n-a\n+b\n",
    "difflib without names": "--- \n+++ \n@@ -1 +1 @@\n-a\n+b\n",
    "git header without prefixes": "diff --git x y\n--- x\n+++ y\n@@ -1 +1 @@\n-a\n+b\n",
    "uri-like header": "diff --git s3://b/x s3://b/y\n",
    "header with one name": "diff --git only-one\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n",
    "mail around a diff": "From 1 Mon\nSubject: x\n\n---\n x | 2 +-\n\n"
                          "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"
                          "-- \n2.40.0\n\n",
    "lines that look like headers inside a hunk":
        "--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n--- a/y\n-diff --git a b\n+++ b/y\n+@@ -1 +1 @@\n  x\n",
    "added lines starting with the prefix": "--- a/x\n+++ b/x\n@@ -0,0 +1,3 @@\n++\n+++\n++a\n",
    "no final newline in a hunk": "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b",
    "no final newline in a context run": "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n+b\n c",
    "hunk lengths omitted": "--- a/x\n+++ b/x\n@@ -3 +3 @@ def f():\n-a\n+b\n",
    "hunk heading with CR": "--- a/x\r\n+++ b/x\r\n@@ -3 +3 @@ def f():\r\n-a\r\n+b\r\n",
    "hunk header without space before heading": "--- a/x\n+++ b/x\n@@ -3 +3 @@x\n-a\n+b\n",
    "removed then deleted by header": "diff --git a/x b/x\ndeleted file mode 100644\n--- a/x\n"
                                      "+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n",
    "new file by hunk only": "--- a/x\n+++ b/x\n@@ -0,0 +1 @@\n+a\n",
    "removed file by hunk only": "--- a/x\n+++ b/x\n@@ -1 +0,0 @@\n-a\n",
    "rename with quoted names": 'diff --git "a/caf\\303\\251" "b/th\\303\\251"\n'
                                'similarity index 100%\n'
                                'rename from "caf\\303\\251"\nrename to "th\\303\\251"\n',
    "spaces in names": "diff --git a/a b.txt b/a b.txt\n--- a/a b.txt\n+++ b/a b.txt\n"
                       "@@ -1 +1 @@\n-x\n+y\n",
    "spaces with a rename": "diff --git a/a b.txt b/c d.txt\nsimilarity index 90%\n"
                            "rename from a b.txt\nrename to c d.txt\n--- a/a b.txt\n"
                            "+++ b/c d.txt\n@@ -1 +1 @@\n-x\n+y\n",
    "windows-1252 replaced": "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-caf\ufffd\n+caf\u00e9\n",
    "unicode line separators": "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\u2028b\x0bc\x0cd\n+e\x1cf\x85g\n",
    "only text": "release notes\nwith two lines\n",
    "only whitespace": "  \n\n",
    "empty": "",
}


@pytest.mark.parametrize("text", ODD.values(), ids=ODD.keys())
def test_odd_diffs_read_the_same(text: str) -> None:
    assert_same_as_unidiff(text)


def test_odd_diffs_cover_errors_and_successes() -> None:
    kinds = {assert_same_as_unidiff(text)[0] for text in ODD.values()}
    assert kinds == {"ok", "error"}


# --- generated diffs: the engine benchmark's, and random ones ------------------------------------

def test_the_benchmark_diff_reads_the_same() -> None:
    assert_same_as_unidiff(generate_diff(60, 0.3, seed=3))


FUZZ = settings(max_examples=int(os.environ.get("SHIPSHAPE_FUZZ_EXAMPLES", "300")),
                deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LINE = st.one_of(
    st.sampled_from(["x", "", " ", "+", "-", "--", "++", "@@", "\\ No newline at end of file",
                     "\r", "def f():", "--- a/q", "+++ b/q", "@@ -1 +1 @@", "diff --git a/q b/q",
                     "Binary files a/q and b/q differ", "GIT binary patch"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\n"), max_size=12),
)
PATH = st.sampled_from(["a.py", "dir/b c.md", "café.txt", "x"])


@st.composite
def file_blocks(draw: st.DrawFn) -> str:
    path = draw(PATH)
    kind = draw(st.sampled_from(["new", "modified", "deleted", "renamed"]))
    lines = st.lists(LINE, max_size=6)
    if kind == "new":
        return new_file(path, draw(lines))
    if kind == "deleted":
        return deleted(path, draw(lines.filter(bool)))
    if kind == "renamed":
        return renamed(path, "moved/" + path)
    return modified(path, draw(st.integers(1, 9)), draw(lines), draw(lines), draw(lines),
                    draw(lines), draw(st.sampled_from(["", "def f():", "x\r"])))


@st.composite
def mutated_diffs(draw: st.DrawFn) -> str:
    """Well-formed git diffs with a few lines dropped, duplicated, replaced or inserted."""
    lines = "".join(draw(st.lists(file_blocks(), min_size=1, max_size=4))).split("\n")
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "copy", "replace", "insert", "crlf"]))
        if action == "drop":
            del lines[at]
        elif action == "copy":
            lines.insert(at, lines[at])
        elif action == "replace":
            lines[at] = draw(LINE)
        elif action == "insert":
            lines.insert(at, draw(LINE))
        else:
            lines[at] += "\r"
        if not lines:
            lines = [""]
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))


@FUZZ
@given(mutated_diffs())
def test_mutated_diffs_read_the_same(text: str) -> None:
    assert_same_as_unidiff(text)


@FUZZ
@given(st.lists(st.one_of(LINE, st.sampled_from(["@@ -1,2 +1,2 @@", "@@ -0,0 +1 @@"])),
                max_size=12))
def test_random_lines_after_headers_read_the_same(lines: list[str]) -> None:
    assert_same_as_unidiff("--- a/x\n+++ b/x\n" + "\n".join(lines))


# --- GitHub's files[] form ----------------------------------------------------------------------

@pytest.mark.parametrize("path", REALPRS, ids=[p.stem for p in REALPRS])
def test_real_pr_file_lists_read_the_same(path: Path) -> None:
    assert_same_files(json.loads(path.read_text(encoding="utf-8"))["files"])


@pytest.mark.parametrize("patches", [
    ["@@ -1 +1 @@\n-a\n+b"],
    ["@@ -1 +1 @@\n-a\n+b\n"],  # a patch ending in a newline: the extra line is content
    ["@@ -1,2 +1,2 @@\n-a\n+b\n"],  # ... or completes the hunk as an empty context line
    ["@@ -1 +1,2 @@\n-a\n+b", "@@ -1 +1 @@\n-c\n+d"],  # a short hunk swallows the next header
    ["@@ -1 +1 @@\n-a\n+b", "--- a/z\n+++ b/z\n@@ -1 +1 @@\n-c\n+d"],
    ["@@ -1 +1 @@\n-a\n+b\n\\ No newline at end of file"],
    ["@@ -1 +1 @@\r\n-a\r\n+b\r\n"],
    ["not a hunk"],
])
def test_github_patches_read_the_same(patches: list[str]) -> None:
    entries = [{"filename": f"f{i}.py", "status": "modified", "additions": 1, "deletions": 1,
                "patch": patch} for i, patch in enumerate(patches)]
    assert_same_files(entries)


# --- the views ------------------------------------------------------------------------------------

VIEW_DIFF = ("--- a/x\n+++ b/x\n@@ -1,4 +1,7 @@\n keep\n-gone\n+one\r\n+two\n keep\n+three\n"
             "+four\n keep\n")


def test_a_file_view_is_a_sequence_of_lines() -> None:
    (changed,) = parse_diff(VIEW_DIFF)
    added = changed.added
    assert isinstance(added, LineRuns)
    want = (Line(2, "one"), Line(3, "two"), Line(5, "three"), Line(6, "four"))
    assert tuple(added) == want and len(added) == 4 and added == want and want == added
    assert [added[i] for i in range(-4, 4)] == [*want, *want]
    assert added[1:3] == want[1:3] and added[::2] == want[::2] and added[:10] == want
    assert hash(added) == hash(want) and added != want[:3] and added != "one"
    with pytest.raises(IndexError):
        added[4]
    assert changed.removed == (Line(2, "gone"),)


def test_a_fresh_view_slices_and_heads_without_an_index() -> None:
    (changed,) = parse_diff(VIEW_DIFF)
    assert changed.added[:2] == (Line(2, "one"), Line(3, "two"))
    assert changed.added.head(3, 2) == [Line(2, "on"), Line(3, "tw"), Line(5, "th")]


def test_hunk_runs_that_overshoot_are_cut_in_linear_time() -> None:
    # A hunk that ends in the middle of a long run of added lines: the rest is header text.
    def build(size: int) -> Callable[[], object]:
        text = "--- a/x\n+++ b/x\n@@ -0,0 +1,1 @@\n" + "+a\n" * size
        return lambda: parse_diff(text)

    assert_linear(build, 20_000, what="cutting a long run")


@pytest.mark.parametrize("chars", [1, 3, 4, 5, 8, 400])
def test_head_gives_each_line_cut_as_the_model_has_it(chars: int) -> None:
    lines = ["abc\r\r", "ab\rcdef", "abcd\r\r\r\r\r", "\r\r\r\r\r", "", "abcdefghij\r"]
    body = "".join(f"+{line}\n" for line in lines)
    (changed,) = parse_diff(f"--- a/x\n+++ b/x\n@@ -0,0 +1,{len(lines)} @@\n{body}")
    want = [Line(line.number, line.text[:chars]) for line in changed.added[:5]]
    assert changed.added.head(5, chars) == want


HEAD_LINE = st.one_of(st.text(alphabet="ab\r ", max_size=12),
                      st.sampled_from(["ab\r\r\r", "a\r", "\r\r\r\r", "abcd\r\r\r\r\r"]),
                      st.builds(lambda n, tail: "x" * n + tail, st.integers(200, 700),
                                st.sampled_from(["", "\r", "\r\r", "y\r"])))


@given(st.lists(st.lists(HEAD_LINE, min_size=1, max_size=8), min_size=1, max_size=3),
       st.integers(1, 12), st.sampled_from([1, 3, 5, 254, 255, 256, 400, 1 << 62]),
       st.booleans())
def test_head_cuts_every_line_as_the_model_has_it(runs: list[list[str]], lines: int, chars: int,
                                                  final_newline: bool) -> None:
    # Runs of added lines split by context lines, long lines past the split window, carriage
    # returns at the cut, and the text's last line without a newline.
    body = " ctx\n".join("".join(f"+{line}\n" for line in run) for run in runs)
    added = sum(map(len, runs))
    text = f"--- a/x\n+++ b/x\n@@ -1,{len(runs) - 1} +1,{added + len(runs) - 1} @@\n{body}"
    if not final_newline:
        text = text[:-1]
    (changed,) = parse_diff(text)
    assert isinstance(changed.added, LineRuns)
    want = [Line(line.number, line.text[:chars]) for line in list(changed.added)[:lines]]
    assert changed.added.head(lines, chars) == want


def test_joined_texts_of_a_tuple() -> None:
    assert joined_texts((Line(1, "a"), Line(2, "b"))) == "a\nb"
