"""checks/globs.py held to pathspec, the library it replaced (kept as the test oracle).

Every glob list the project ships, realistic gitignore and CODEOWNERS lists, the edge cases of
the syntax and generated globs are matched by both over many paths; the results must be equal.
"""

from __future__ import annotations

import re
import textwrap
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from unittest import mock

import pathspec
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import checks
from checks import globs
from checks.config import DEFAULT_IGNORE, GLOBAL_OPTIONS, ConfigError, check_options
from checks.globs import GlobError, Globs, compile_globs, translate
from checks.spec import Option

ROOT = Path(__file__).resolve().parent.parent.parent

DIRS = ["", "src/", "src/billing/", "vendor/", "src/vendor/", "vendor/github.com/x/",
        "node_modules/", "web/node_modules/react/cjs/", "bower_components/", "third_party/",
        "third-party/lib/", "docs/", "docs/api/", "doc/api/v2/",
        "docs/work/features/billing/stories/",
        "docs/work/features/billing/stories/old/", "db/migrations/", "backend/db/revs/",
        "tests/fixtures/", "docs/examples/", "services/billing/", "services/legacy/",
        "tools/", "generated/", "a/generated/", "build/", "dist/", "logs/", "a/b/c/d/",
        "Debug/", "debug/", ".github/", "deep/er/vendor/"]
NAMES = ["package-lock.json", "yarn.lock", "Cargo.lock", "go.sum", "poetry.lock", "app.js",
         "app.min.js", "app.min.css", "app.js.map", "main.py", "main.pyc", "__init__.py",
         "BILL-12-story.md", "OPS-3-cancel-story.md", "README.md", "openapi.yaml",
         "0001_initial.py", "V2__add_orders.sql", "x.snap", ".env", ".env.example", "debug.log",
         "important.log", "keep.txt", "notes.txt", "vendor", "node_modules", "generated",
         "#notes#", "!bang", "[x].txt", "sp ace.txt", "trail ", "naïve.py", "日本.md", "a",
         "b", "ab", "ba", "*", "?", "x.tmp", "c.tmp"]
ODD_PATHS = ["", "/", "./", "/vendor/x.go", "./vendor/x.go", "//vendor/x.go", ".//x.min.js",
             "vendor", "vendor/", "a/vendor", "a/vendor/", "x.min.js/", "app.min.js\n",
             "vendor\n/x", "src\n", "a//b", "a/./b", "../vendor/x", "a b/c d"]
PATHS = [d + n for d in DIRS for n in NAMES] + ODD_PATHS

# A Python project's .gitignore (GitHub's template, shortened) with the negations teams add.
GITIGNORE = """\
# Byte-compiled / optimized / DLL files
__pycache__/
*.py[cod]
*$py.class

# Distribution / packaging
build/
dist/
*.egg-info/
/coverage
docs/_build/
**/node_modules
logs
*.log
npm-debug.log*
!important.log
.env
!.env.example
.idea/
*.sw?
\\#*\\#
\\!bang
a/**/b/
/root-only.txt
**/tmp/**
[Dd]ebug/
[!a-c]*.tmp
doc/*.txt
!doc/keep.txt
sp\\ ace.txt
trail\\ 
"""

# CODEOWNERS-style paths (the owners dropped): anchored folders, extensions, whole trees.
CODEOWNERS = """\
*
*.js
/build/logs/
docs/*
apps/
/docs/
**/logs
/scripts/
services/billing/**
!services/billing/README.md
"""


def oracle(patterns: Sequence[str]) -> pathspec.PathSpec[Any]:
    """pathspec as the engine used it (its best backend: RE2 when google-re2 is installed)."""
    return pathspec.PathSpec.from_lines("gitignore", patterns)


def assert_same(patterns: Sequence[str], paths: Sequence[str] = PATHS,
                compiled: Globs | None = None) -> list[str]:
    """Both match the same paths; returns them."""
    expected = [p for p in paths if oracle(patterns).match_file(p)]
    mine = compiled if compiled is not None else compile_globs(patterns)
    assert [p for p in paths if mine.match_file(p)] == expected, patterns
    assert list(mine.match_files(paths)) == expected
    return expected


def _glob_options(options: Mapping[str, Option]) -> Iterator[tuple[str, Option]]:
    for name, option in options.items():
        if option.kind == "section":
            yield from _glob_options(option.fields)
        elif option.kind == "glob_list":
            yield name, option


def _doc_globs(doc: Any, names: set[str]) -> Iterator[list[str]]:
    """Every list of strings under a glob key (`ignore`, `ignore+`, `paths`, `story_glob`, ...)."""
    if isinstance(doc, Mapping):
        for key, value in doc.items():
            if str(key).rstrip("+") in names and isinstance(value, list):
                yield [str(v) for v in value]
            else:
                yield from _doc_globs(value, names)
    elif isinstance(doc, list):
        for item in doc:
            yield from _doc_globs(item, names)


def shipped_glob_lists() -> list[tuple[str, list[str]]]:
    """The built-in defaults, every glob option's default and every documented example."""
    lists = [("DEFAULT_IGNORE", list(DEFAULT_IGNORE))]
    names = {"ignore", "paths"}
    for spec in checks.REGISTRY:
        for name, option in _glob_options(check_options(spec)):
            names.add(name)
            lists.append((f"{spec.id}.{name}", list(option.default)))
    names.update(name for name, _ in _glob_options(GLOBAL_OPTIONS))
    for doc_path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = doc_path.read_text(encoding="utf-8")
        for index, block in enumerate(re.findall(r"( *)```yaml\n(.*?)```", text, re.DOTALL)):
            doc = yaml.safe_load(textwrap.dedent(block[1]))
            for found in _doc_globs(doc, names):
                lists.append((f"{doc_path.name} example {index}", found))
    return lists


SHIPPED = shipped_glob_lists()


def test_the_shipped_lists_are_found() -> None:
    # The walk finds the lists this file means to hold (a renamed key would hide one).
    found = {name for name, _ in SHIPPED}
    assert {"DEFAULT_IGNORE", "story.story_glob", "api-docs.doc_globs", "secrets.allow_paths",
            "migrations.extra_globs", "tests.exempt_globs", "hardcoded.ignore_paths"} <= found
    examples = [patterns for name, patterns in SHIPPED if "example" in name]
    assert ["services/legacy/", "tools/**"] in examples
    assert ["backend/db/revs/*.py"] in examples


@pytest.mark.parametrize(("name", "patterns"), SHIPPED, ids=[n for n, _ in SHIPPED])
def test_every_shipped_glob_list_matches_as_pathspec_does(name: str, patterns: list[str]) -> None:
    extra = [g.replace("**", "x/y").replace("*", "z") for g in patterns]  # a path each glob names
    assert_same(patterns, PATHS + extra)


def test_the_default_ignores_are_one_expression_matching_what_they_should() -> None:
    matched = assert_same(list(DEFAULT_IGNORE))
    assert [include for include, _ in compile_globs(DEFAULT_IGNORE).expressions] == [True]
    assert {"yarn.lock", "src/vendor/main.py", "web/node_modules/react/cjs/app.js",
            "deep/er/vendor/app.js", "docs/app.min.css", "/vendor/x.go"} <= set(matched)
    assert not {"vendor", "a/vendor", "src/main.py", "app.min.js/", "docs/api/openapi.yaml"} \
        & set(matched)


@pytest.mark.parametrize("text", [GITIGNORE, CODEOWNERS], ids=["gitignore", "codeowners"])
def test_realistic_lists_match_as_pathspec_does(text: str) -> None:
    patterns = text.splitlines()
    matched = assert_same(patterns)
    assert 0 < len(matched) < len(PATHS)
    # Each prefix of the list too: every line changes what the lines before it decided.
    for end in range(1, len(patterns)):
        assert_same(patterns[:end])


def test_a_large_list_compiles_to_a_few_expressions() -> None:
    patterns = [f"{d}{n}" for d in DIRS[:20] for n in NAMES[:25]] + ["!src/main.py", "*.tmp"]
    assert len(compile_globs(patterns).expressions) == 3
    assert_same(patterns)


# (globs, path -> matched): each case spelled out, and pathspec agreeing with it.
EDGE_CASES: list[tuple[list[str], dict[str, bool]]] = [
    # The last matching line decides.
    (["*.log", "!keep.log"], {"a.log": True, "keep.log": False, "x/keep.log": False}),
    (["!keep.log", "*.log"], {"keep.log": True, "a.log": True}),
    (["logs/", "!logs/keep.txt", "logs/keep.txt"], {"logs/keep.txt": True, "logs/a": True}),
    (["!x"], {"x": False, "y": False}),
    # `a/**/b`: zero or more folders between; anchored at the root.
    (["a/**/b"], {"a/b": True, "a/x/b": True, "a/x/y/b": True, "a/b/c": True, "x/a/b": False,
                  "a/xb": False}),
    (["a/**/b/"], {"a/x/b/c": True, "a/b": False}),
    # `**/` prefix and a plain name: at any depth.
    (["**/foo"], {"foo": True, "x/foo": True, "x/y/foo/z": True, "xfoo": False}),
    (["foo"], {"foo": True, "x/foo": True, "foo/bar": True, "foo.py": False}),
    (["foo/**"], {"foo/a": True, "foo/a/b": True, "foo": False}),
    (["**/tmp/**"], {"tmp/a": True, "a/tmp/b/c": True, "tmp": False}),
    # A slash anchors; a leading slash only anchors.
    (["/x"], {"x": True, "x/y": True, "a/x": False, "/x": True}),
    (["docs/*.md"], {"docs/a.md": True, "docs/a/b.md": False, "x/docs/a.md": False}),
    (["x/*"], {"x/a": True, "x/a/": True, "x/a/b": False, "x": False}),
    # A trailing slash: only what a folder holds.
    (["dir/"], {"dir/f": True, "a/dir/f": True, "dir": False, "dirx/f": False}),
    (["*/"], {"a/b": True, "a": False}),
    (["**/"], {"a/b": True, "a": False}),
    (["/"], {"a": True, "a/b": True}),
    (["*"], {"a": True, "a/b": True, "": False}),
    (["**"], {"a": True, "a/b": True}),
    # Wildcards stay inside a segment.
    (["a*b"], {"ab": True, "axxb": True, "a/b": False, "x/ab": True}),
    (["a?b"], {"axb": True, "ab": False, "a/b": False}),
    # Classes, `!` and `^` negating, `]` first a member, unclosed a literal `[`.
    (["[!a]b"], {"cb": True, "ab": False, "/b": False}),
    (["[^a]b"], {"cb": True, "ab": False}),
    (["[]a]"], {"]": True, "a": True, "b": False}),
    (["[a-c]x"], {"bx": True, "dx": False}),
    (["a["], {"a[": True, "a": False}),
    (["[\\]x"], {"\\x": True, "x": False}),
    # Escapes, comments, spaces.
    (["\\#x", "#x"], {"#x": True}),
    (["#x"], {"#x": False}),
    (["\\!x"], {"!x": True, "x": False}),
    (["\\*"], {"*": True, "a": False}),
    (["x   "], {"x": True, "x   ": False}),
    (["x\\ "], {"x ": True, "x": False}),
    (["  x"], {"  x": True, "x": False}),
    (["", "   ", "# only comments"], {"a": False}),
    (["a//b"], {"a//b": True, "a/b": False}),
    # Paths as pathspec normalizes them, and what `$` means at a newline.
    (["vendor/"], {"./vendor/a": True, "/vendor/a": True, "//vendor/a": False}),
    (["*.js"], {"a.js\n": False, "a.js\nb": False, "a.js": True}),
    (["x"], {"x\n": False, "\nx": False, "a/x": True}),
    # A last segment of just `*` names one folder's entries; `**/*` after a folder all below it.
    (["x/*"], {"x/a": True, "x/a/": True, "x/a/b": False, "x/": False}),
    (["a/**/*"], {"a/b": True, "a/b/c": True, "a/": False, "a//b": False}),
    (["a/**"], {"a/": True, "a/b/c": True, "a": False}),
    (["a/**/"], {"a/b": True, "a": False}),
    # Three stars are two stars are one, inside a segment; `***` alone matches even "".
    (["***"], {"": True, "a/b": True}),
    (["***/a"], {"x/a": True, "a": False}),
    (["a**b"], {"ab": True, "axb": True, "a/b": False}),
    # A negated class or a range spanning `/` matches a `/` (pathspec's reading).
    (["x[!a]y"], {"x/y": True, "xay": False, "xby": True}),
    (["[a-c-e]"], {"-": True, "d": False, "e": True}),
    (["[a]b]"], {"ab]": True, "ab": False}),
    (["[!]a]"], {"b": True, "]": False, "a": False}),
    # Any trailing whitespace goes, unless the line ends in a backslashed space.
    (["x\t"], {"x": True, "x\t": False}),
    (["x\\\\ "], {"x\\ ": True, "x\\": False}),
    (["\\**"], {"*": True, "*x": True, "x": False}),
]


@pytest.mark.parametrize(("patterns", "expected"), EDGE_CASES)
def test_edge_cases_of_the_syntax(patterns: list[str], expected: dict[str, bool]) -> None:
    got = {path: compile_globs(patterns).match_file(path) for path in expected}
    assert got == expected
    assert got == {path: oracle(patterns).match_file(path) for path in expected}


@pytest.mark.parametrize("pattern", ["!", "!   ", "foo\\", "a/b\\", "x\\  ", "[z-a]", "x/[b-a]*",
                                     "[[:alpha:]]", "[][:digit:]x]", "a\ud800",
                                     "[[:]x[a:]", "[a-\\]", "x\\\t", "a\\/b", "!\t"])
def test_what_pathspec_refuses_is_refused(pattern: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # `[[` in Python's re
        with pytest.raises(Exception):  # noqa: B017 - pathspec raises several types
            oracle([pattern])
        with pytest.raises(GlobError):
            compile_globs(["*.py", pattern])


def test_a_bad_glob_in_the_configuration_names_its_key() -> None:
    with pytest.raises(ConfigError, match=r"^secrets\.allow_paths\[1\]: invalid glob"):
        checks.config_from_dict({"secrets": {"allow_paths": ["ok/", "fixtures\\"]}})


def test_compiled_once_per_list_and_without_pythons_re() -> None:
    patterns = ["build/", "*.gen.go", "!keep.gen.go"]
    compiled = compile_globs(patterns)
    assert compile_globs(tuple(patterns)) is compiled
    with mock.patch("re.compile", side_effect=AssertionError("compiled with re")):
        fresh = Globs(["generated/", "**/*.pb.go", "!api.pb.go"])  # classes are the exception
    assert fresh.match_file("x/generated/a.go") and not fresh.match_file("api.pb.go")


def test_without_re2_pythons_re_gives_the_same_answers() -> None:
    with mock.patch.object(globs, "re2", None):
        for patterns in [GITIGNORE.splitlines(), CODEOWNERS.splitlines(), list(DEFAULT_IGNORE)]:
            assert_same(patterns, compiled=Globs(patterns))
        for patterns, expected in EDGE_CASES:
            compiled = Globs(patterns)
            assert {p: compiled.match_file(p) for p in expected} == expected
        with pytest.raises(GlobError):
            Globs(["[z-a]"])


# --- generated globs ----------------------------------------------------------------------------

_ATOMS = ["a", "b", "ab", ".py", "*", "**", "?", "[ab]", "[!a]", "[a-c]", "\\*", "\\#", "#", "!",
          " ", "\\ ", "[", "]", "\\"]
_segment = st.lists(st.sampled_from(_ATOMS), min_size=0, max_size=3).map("".join)
_glob = st.tuples(st.sampled_from(["", "", "/", "!", "!/", "\\!"]),
                  st.lists(_segment, min_size=1, max_size=4).map("/".join),
                  st.sampled_from(["", "", "/", "  "])).map("".join)
_path = st.lists(st.sampled_from(["a", "b", "ab", "ba", "x.py", "a.py", "#", "!", " ", "*", "[",
                                  "]", "\\", ".", "c"]), min_size=1, max_size=5).map("/".join)


def _oracle_or_refused(patterns: list[str]) -> pathspec.PathSpec[Any] | None:
    """pathspec's reading of `patterns`; None (after checking we refuse them too) when it
    refuses them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        try:
            return oracle(patterns)
        except Exception:  # pathspec refuses the list: so must we
            with pytest.raises(GlobError):
                Globs(patterns)
            return None


@settings(max_examples=400, deadline=None)
@given(st.lists(_glob, min_size=1, max_size=6), st.lists(_path, min_size=1, max_size=30))
def test_generated_globs_match_as_pathspec_does(patterns: list[str], paths: list[str]) -> None:
    expected = _oracle_or_refused(patterns)
    if expected is None:
        return
    compiled = Globs(patterns)
    paths += ["./" + p for p in paths[:3]] + ["/" + p for p in paths[:3]]
    assert [compiled.match_file(p) for p in paths] == [expected.match_file(p) for p in paths]



# Wider: classes that negate with `^`, hold `]` or a POSIX-looking `[:`, ranges, tabs, escaped
# backslashes, trailing `/**` and `/*`; paths with empty segments, newlines and leading slashes.
_WIDE_ATOMS = [*_ATOMS, "***", "[^a]", "[]a]", "[!]", "[a-]", "[z-a]", "[[:", ":]", "\\\\",
               "\t", "\\a", "-", "é"]
_wide_segment = st.lists(st.sampled_from(_WIDE_ATOMS), min_size=0, max_size=3).map("".join)
_wide_glob = st.tuples(st.sampled_from(["", "", "/", "!", "!/", "\\!", "#", " ", "**/"]),
                       st.lists(_wide_segment, min_size=1, max_size=4).map("/".join),
                       st.sampled_from(["", "", "/", "  ", "\\ ", "/**", "/*", "\t"])
                       ).map("".join)
_wide_path = st.tuples(st.sampled_from(["", "", "/", "./", "//"]),
                       st.lists(st.sampled_from(["a", "b", "ab", "x.py", "", "\n", "a\n", "[",
                                                 "]", "\\", "-", ":", "é", " ", "*"]),
                                min_size=1, max_size=5).map("/".join),
                       st.sampled_from(["", "", "/", "\n"])).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(_wide_glob, min_size=1, max_size=4), st.lists(_wide_path, min_size=1, max_size=30))
def test_generated_odd_globs_and_paths_match_as_pathspec_does(patterns: list[str],
                                                               paths: list[str]) -> None:
    expected = _oracle_or_refused(patterns)
    if expected is None:
        return
    for compiled in [Globs(patterns), _without_re2(patterns)]:
        assert [compiled.match_file(p) for p in paths] == [expected.match_file(p) for p in paths]


def _without_re2(patterns: list[str]) -> Globs:
    with mock.patch.object(globs, "re2", None):
        return Globs(patterns)


@settings(max_examples=300, deadline=None)
@given(_wide_glob)
def test_each_expression_is_valid_alone_in_re2_and_re(pattern: str) -> None:
    # The expressions are joined into alternations and RE2 sets: each must stand alone in both
    # engines, with nothing RE2 lacks (lookarounds, backreferences) and no warning from `re`.
    try:
        translated = translate(pattern)
    except GlobError:
        return
    if translated is None:
        assert pattern.startswith("#") or not pattern.strip()
        return
    source, include = translated
    assert include is not pattern.startswith("!")
    unescaped = re.sub(r"\\[^1-9]", "", source)  # backslashed characters are literals
    assert not re.search(r"\(\?<?[=!]|\\[1-9]", unescaped), source
    in_re = globs._translate(pattern, r"\Z")  # the same line for Python's `re`
    assert in_re is not None and in_re[1] is include
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        re.compile(in_re[0])
    globs.re2.compile(source, globs._re2_options())
