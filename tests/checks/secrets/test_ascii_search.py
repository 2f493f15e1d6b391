"""quiet.py's placeholder lists run on google-re2 for printable ASCII values (AsciiSearch): the
answers are Python `re`'s, the oracle here, on every value the corpora make the check judge and
on the inputs where the engines could part (line breaks, case folding beyond ASCII, `\\s`)."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import checks
from checks.secrets import fastpass, quiet
from tests.checks.secrets.corpus import build_corpus, to_diff
from tests.checks.secrets.syntaxes import harness_corpus

pytestmark = pytest.mark.skipif(fastpass.re2 is None, reason="google-re2 is not installed")

# Where RE2 and Python's re could disagree: `$` before a final line break, `\s` for \v and
# \x1c, Unicode case folding (Kelvin sign, long s, dotless i), and the `…` literal.
_EDGES = ["example\n", "Example", "EXAMPLE", "\u212aey", "\u017fecret", "t\u0131tle", "…",
          "a\x0bb", "a\x1cb", "here", "tokenHERE", "%ABC%", "%abc%", "x%ABC_DEF%y", "${X}",
          "aaaAA", "aA-aAa", "zzzzzzzz", "ab" * 10, "sv=1&sig=2", "urn:x", ".Values.a.b",
          "eyJhbGci.eyJzdWIi.", "required|string|min:8", "<password>", "[secret]",
          "CHANGE-ME", "ch4n63m3", "p@ssw0rd1", "PASSWORD", "Zt7#qL9vR2mX8wP4", "\t", ""]


def _judged_values() -> list[str]:
    """Every value the check passes to quiet.py while scanning both corpora."""
    seen: list[str] = []
    wrapped = {name: getattr(quiet, name) for name in (
        "is_not_secret_value", "is_placeholder_token", "is_placeholder_password",
        "is_prose_or_markup", "names_a_secret", "is_reference")}

    def spy(real: Callable[..., Any]) -> Callable[..., Any]:
        def call(value: str, *args: Any, **kwargs: Any) -> Any:
            seen.append(value)
            return real(value, *args, **kwargs)
        return call

    with pytest.MonkeyPatch.context() as patch:
        for name, real in wrapped.items():
            patch.setattr(quiet, name, spy(real))
        for samples in (build_corpus(seed=11), harness_corpus()):
            checks.run({"title": "t", "diff": to_diff(samples)}, only={"secrets"})
    return seen


def _values() -> Iterator[str]:
    values = _judged_values()
    assert len(values) > 1000
    rng = random.Random(3)
    yield from values
    yield from _EDGES
    for value in rng.sample(values, 300):  # the same values with the edges spliced in
        cut = rng.randrange(len(value) + 1)
        yield value[:cut] + rng.choice(_EDGES) + value[cut:]
        yield value.swapcase()


def test_each_ascii_search_answers_as_python_re_does() -> None:
    searches = [quiet._TOKEN_PLACEHOLDER, quiet._VALUE_PLACEHOLDER, quiet._REFERENCE,
                quiet._NOT_ONE_VALUE, quiet._SELF_NAMING_INSIDE]
    checked = 0
    for value in _values():
        for search in searches:
            oracle = re.compile(search.python.pattern, search.python.flags)
            assert search(value) == bool(oracle.search(value)), (search.source, value)
            checked += 1
    assert checked > 5000


def test_the_split_out_runs_give_the_one_patterns_answer() -> None:
    # RE2 has no backreferences: the run of one character left each pattern for its own.
    token = re.compile(quiet._TOKEN_PLACEHOLDER.python.pattern + r"|(.)\1{7}")
    not_one = re.compile(quiet._NOT_ONE_VALUE.python.pattern + r"|(.)\1{4}", re.IGNORECASE)
    runs = 0
    for value in _values():
        assert quiet.is_placeholder_token(value) == (bool(token.search(value))
                                                     or quiet.is_sequence(value))
        split = quiet._NOT_ONE_VALUE(value) or bool(quiet._RUN_OF_FIVE.search(value))
        assert split == bool(not_one.search(value)), value
        runs += bool(quiet._RUN_OF_FIVE.search(value))
    assert runs > 10


def test_without_google_re2_the_same_values_are_judged_alike(monkeypatch: pytest.MonkeyPatch,
                                                            ) -> None:
    values = list(_values())[:2000]
    fast = [quiet.is_not_secret_value(v) for v in values]
    monkeypatch.setattr(fastpass, "re2", None)
    assert [quiet.is_not_secret_value(v) for v in values] == fast
