"""The family table (checks/api_docs/families.py) decides which scanner modules a PR imports from
a file's path and a few words of its changed lines. A word it lacks would skip a route without a
trace, so every scanner is run alone over every input of the api-docs tests and fixtures, and
whatever it reads must come from a file the table hands it."""

from __future__ import annotations

import ast
import json
import random
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import checks
from checks.api_docs import CHECK, _candidates, _families_reading, _may_resign, families, scanners
from checks.api_docs.families import FAMILIES, Family, Side, families_of, says
from checks.lazyre import LazyPattern
from checks.lineruns import joined_texts
from checks.model import ChangedFile
from tests import diffs
from tests.checks.api_docs import cases
from tests.checks.api_docs.cases import FASTAPI_NEW_QUERY_PARAM, FLASK_API
from tests.checks.test_realprs import CASES as REAL
from tests.shared import EXAMPLES, ROOT

HERE = Path(__file__).parent
EXAMPLE = EXAMPLES / "billing-pr.json"
SCANNER_MODULES = ("checks.api_docs.routes", "checks.api_docs.python", "checks.api_docs.js",
                   "checks.api_docs.jvm", "checks.api_docs.dotnet", "checks.api_docs.gocode",
                   "checks.api_docs.ruby", "checks.api_docs.php", "checks.api_docs.elixir",
                   "checks.api_docs.graphql")


def _literal_diffs(source: Path) -> Iterator[str]:
    """The diffs a test module builds with tests/diffs.py from literal arguments."""
    builders: dict[str, Callable[..., str]] = {
        "modified": diffs.modified, "new_file": diffs.new_file, "deleted": diffs.deleted}
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in builders):
            try:
                args = [ast.literal_eval(arg) for arg in node.args]
                kwargs = {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords if kw.arg}
            except ValueError:
                continue  # built from variables (a generated size series): its shapes are above
            yield builders[node.func.id](*args, **kwargs)


def _inputs() -> Iterator[tuple[str, dict[str, object]]]:
    """Every PR the api-docs tests and fixtures hold, as snapshot documents."""
    for name, value in vars(cases).items():
        if isinstance(value, str) and "diff --git" in value:
            yield name, {"title": name, "diff": value}
    for source in sorted(HERE.glob("test_*.py")):
        for index, diff in enumerate(_literal_diffs(source)):
            yield f"{source.stem}[{index}]", {"title": source.stem, "diff": diff}
    for path in [*REAL, *sorted(EXAMPLES.glob("*.json"))]:
        doc = json.loads(path.read_text(encoding="utf-8"))
        yield path.stem, {k: v for k, v in doc.items() if k not in ("provenance", "expect")}


def _files() -> list[tuple[str, ChangedFile]]:
    return [(f"{name}:{changed.path}", changed) for name, doc in _inputs()
            for changed in checks.load_snapshot(doc).files
            if not (changed.binary or changed.patch_missing or changed.is_pure_rename)]


FILES = _files()


def test_the_inputs_are_the_tests_and_fixtures() -> None:
    names = {name.split(":", 1)[0] for name, _ in FILES}
    assert {"FASTAPI_NEW_ROUTE", "PHOENIX_API", "GRAPHQL_SPLIT_ARGUMENTS", "billing-pr",
            "maybe-0329a5f2", "test_api_docs[0]"} <= names
    assert len(FILES) > 500


def test_each_family_is_its_scanners() -> None:
    # The table's file test is the scanner's own, and it says which scanners read signatures.
    assert len(FAMILIES) == len(scanners())
    for (applies, _, resigns, load, _), scanner in zip(FAMILIES, scanners(), strict=True):
        assert load() is scanner
        assert applies is scanner.applies
        assert resigns == (scanner.resigned is not None), scanner.name


def _reads(scanner_index: int, changed: ChangedFile) -> list[str]:
    """What one scanner, alone, reads from a file as the check asks it: the routes of the lines
    its own triggers pick on each side, and the handlers whose signature changed."""
    scanner = scanners()[scanner_index]
    found = [f"{side.name} {route.label}" for side in Side
             for route in scanner.scan(changed, _candidates(
                 changed.added if side is Side.NEW else changed.removed, scanner), side)]
    if scanner.resigned is not None and _may_resign(changed):
        found += [f"resigned {route.label}" for route in scanner.resigned(changed)]
    return found


@pytest.mark.parametrize("index", range(len(FAMILIES)),
                         ids=[scanner.name for scanner in scanners()])
def test_a_scanner_reads_routes_only_from_files_the_table_hands_it(index: int) -> None:
    applies, words, _, _, _ = FAMILIES[index]
    read = 0
    for name, changed in FILES:
        if not applies(changed.path):
            continue
        found = _reads(index, changed)
        read += bool(found)
        if found:
            handed = _families_reading(changed, [FAMILIES[index]])
            assert handed == [FAMILIES[index]], (name, found, words)
    assert read > 0  # each scanner finds routes in some input: the assertion above is reached


TRIGGERS = [(index, trigger) for index, scanner in enumerate(scanners())
            for trigger in scanner.triggers]


@pytest.mark.parametrize(("index", "trigger"), TRIGGERS,
                         ids=[f"{scanners()[i].name}-{n}" for n, (i, _) in enumerate(TRIGGERS)])
@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_every_text_a_trigger_matches_holds_the_familys_words(
        index: int, trigger: LazyPattern, data: st.DataObject) -> None:
    # The check reads only lines its scanner's triggers match: text generated from each
    # trigger covers the words no fixture happens to need alone (a `.Connect(` Go route).
    text = data.draw(st.from_regex(trigger.compile(), fullmatch=True))
    assert says(text, FAMILIES[index][1]), text


def _every_family(changed: ChangedFile, families: list[Family]) -> list[Family]:
    return families


def test_the_check_gives_the_outcome_of_every_scanner_reading_every_file() -> None:
    options = CHECK.default_options()
    for name, doc in _inputs():
        snapshot = checks.load_snapshot(doc)
        outcome = CHECK.run(snapshot, options)
        with mock.patch("checks.api_docs._families_reading", _every_family):
            assert CHECK.run(snapshot, options) == outcome, name


def test_a_python_file_without_trigger_words_loads_no_scanner() -> None:
    # The example's invoices.py adds a method; only a changed signature under an unchanged
    # route (read from the hunk's context) loads the scanner without a word.
    python = [family for family in FAMILIES if family[0]("billing/invoices.py")]
    example = checks.load_snapshot(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    assert [_families_reading(f, python) for f in example.files
            if f.path.endswith(".py")] == [[], [], []]
    (handler,) = checks.load_snapshot({"title": "q", "diff": FASTAPI_NEW_QUERY_PARAM}).files
    assert _families_reading(handler, python) == python


def _imported_by(code: str) -> list[str]:
    script = (f"import io, sys, checks, cli.main\n{code}\n"
              f"print([m for m in {SCANNER_MODULES!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    imported: list[str] = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    return imported


def test_the_example_imports_no_scanner_and_a_flask_route_does() -> None:
    # Fresh interpreters: this session has imported every scanner.
    example = (f"cli.main.main(['check', '--snapshot', {str(EXAMPLE)!r}], "
               "stdout=io.StringIO())")
    assert _imported_by(example) == []
    flask = (f"report = checks.run({{'title': 'Delete users', 'diff': {FLASK_API!r}}}, "
             "only={'api-docs'})\n"
             "assert [f.rule for f in report.check('api-docs').findings] == "
             "['api-added-undocumented']")
    assert _imported_by(flask) == ["checks.api_docs.routes", "checks.api_docs.python"]


@pytest.mark.parametrize("index", range(len(FAMILIES)))
def test_says_is_every_word_of_some_group_whatever_else_the_text_holds(index: int) -> None:
    # The one-pass search only says "none of the words": the groups still decide.
    words = FAMILIES[index][1]
    filler = "def total(order):\n    return sum(line.amount for line in order.lines)\n" * 50
    for group in words:
        assert says(filler + " ".join(group) + "\n" + filler, words), group
        if len(group) > 1:  # one word of a pair is not enough
            assert not says(filler + group[0] + "\n", words) or any(
                all(w in filler + group[0] for w in other) for other in words), group
    distinct = {word for group in words for word in group}
    clean = "".join(ch for ch in filler if not any(ch in w for w in distinct)) or "x"
    assert not says(clean, words)


def _words_in(text: str, words: tuple[tuple[str, ...], ...]) -> set[str]:
    distinct = sorted({word for group in words for word in group})
    return {distinct[index] for index in families._table(words)[0](text)}


def _edge_texts(words: tuple[tuple[str, ...], ...]) -> list[str]:
    """Each word alone, first, last, among characters beyond ASCII, cut short, and at the end
    of a long run of the words' beginnings (the states a set's DFA may have to keep)."""
    distinct = sorted({word for group in words for word in group})
    texts = ["", "\n", "é" * 3, "\ud800"]
    pieces = [word[:cut] for word in distinct for cut in range(len(word))] + list("x é\n")
    rng = random.Random(18)
    prefixes = "".join(rng.choice(pieces) for _ in range(100_000))
    for word in distinct:
        texts += [word, f"{word}\n", f"é{word}é", f"\ud800{word}", f"x{word[:-1]}\n{word[-1]}",
                  f"{word[:-1]}é{word[-1:]}", f"{word.upper()} {word.lower()}", prefixes + word]
    return texts


def test_without_google_re2_each_word_is_found_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    # The set pass and plain `in` tests answer the same for every changed file of the tests
    # and fixtures and for a word at each edge of a text.
    texts = [f"{joined_texts(changed.added)}\n{joined_texts(changed.removed)}"
             for _, changed in FILES]
    cases = [(words, text) for _, words, _, _, _ in FAMILIES
             for text in [*texts, *_edge_texts(words)]]
    found = [_words_in(text, words) for words, text in cases]
    assert any(found) and not all(found)
    monkeypatch.setattr(families, "re2", None)
    families._table.cache_clear()
    try:
        assert [_words_in(text, words) for words, text in cases] == found
    finally:
        families._table.cache_clear()


def test_the_words_are_ascii_and_none_is_the_stand_in_for_other_characters() -> None:
    # The set reads a text as ASCII bytes, "?" standing for any other character.
    for _, words, _, _, _ in FAMILIES:
        for group in words:
            assert all(word.isascii() and "?" not in word and "\n" not in word
                       for word in group), group


# Every family's extensions, neighbours a file test might come to accept (`pyi`, `vue`, `exs`),
# other files' and none: drawn with random ones in either case.
_EXTENSIONS = sorted({ext for family in FAMILIES for ext in family[4]}
                     | {"pyi", "pyw", "rbw", "exs", "eex", "heex", "php3", "phtml", "kts", "sc",
                        "csx", "fsx", "vue", "svelte", "graphqls", "gqls", "md", "json", "yaml",
                        "txt", "c", "rs", "swift", "dart", "lua", ""})


@st.composite
def _paths(draw: st.DrawFn) -> str:
    folder = draw(st.sampled_from(["", "config/routes/", "app/config/routes/", "config/",
                                   "app/api/", "api/", "lib/shop_web/", "src/", "x.y/"]))
    name = draw(st.sampled_from(["routes", "router", "Router", "x", "my_router", "a.b", ""]))
    ext = draw(st.sampled_from(_EXTENSIONS) | st.text("abcdefghijklmnopqrstuvwxyz.", max_size=5))
    ext = "".join(draw(st.sampled_from([c.lower(), c.upper()])) for c in ext)
    return f"{folder}{name}.{ext}" if draw(st.booleans()) else f"{folder}{name}{ext}"


@settings(max_examples=2000, deadline=None, derandomize=True, database=None)
@given(path=_paths())
def test_a_path_is_put_to_the_file_tests_of_every_family_it_may_be(path: str) -> None:
    # families_of reads an extension table before the file tests: a family missing from its
    # extension would never read that file's routes.
    assert families_of(path) == [family for family in FAMILIES if family[0](path)]


def test_every_changed_file_of_the_tests_and_fixtures_is_put_to_its_families() -> None:
    paths = {changed.path for _, changed in FILES}
    assert [(path, families_of(path)) for path in sorted(paths)] == [
        (path, [family for family in FAMILIES if family[0](path)]) for path in sorted(paths)]
    assert sum(bool(families_of(path)) for path in paths) > 100
