"""Gitignore-style path globs (`vendor/`, `**/*.min.js`, `/docs/`, `!keep.min.js`), compiled a
whole list at a time.

The meaning is Git's documented gitignore patterns (gitignore(5)), as pathspec's "gitignore"
patterns read them: the last line that matches a path decides (`!` lines exclude). pathspec
compiled every line with Python's `re`, and importing it cost ~12 ms of a `shipshape check` whose
floor is ~41 ms (issue 18); here each run of lines of the same sign becomes one alternation, and
the runs of a list one RE2 set. pathspec stays the test oracle (tests/checks/test_globs.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

try:  # google-re2 is a runtime dependency; without it the same expressions run in Python `re`
    import re2
except ImportError:  # pragma: no cover - exercised only where the wheel is unavailable
    re2 = None

# pathspec feeds the same expressions to RE2, where `$` is the end of the text; Python's `$` also
# matches before a final newline, `\Z` does not (and RE2 has no `\Z`).
_RE2_END, _RE_END = "$", r"\Z"


class GlobError(ValueError):
    """A glob pathspec would refuse (a trailing backslash, `!` alone, a bad `[...]` range)."""


class Globs:
    """A compiled list of gitignore-style globs; immutable, shared through `compile_globs`."""

    __slots__ = ("_match", "expressions", "patterns")

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        runs = _runs(self.patterns, _RE2_END if re2 is not None else _RE_END)
        # (include, one alternation) per run of lines of one sign: usually one, including.
        self.expressions = tuple((include, _alternation(regexes)) for include, regexes in runs)
        self._match = _matcher(self.expressions)

    def __repr__(self) -> str:
        return f"Globs({list(self.patterns)!r})"

    # Immutable: copies of a configuration share their compiled globs.
    def __copy__(self) -> Globs:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Globs:
        return self

    def match_file(self, path: str) -> bool:
        """True when the last glob matching `path` includes it (as pathspec's `match_file`)."""
        return self._match(_normalized(path))

    def match_files(self, paths: Iterable[str]) -> Iterator[str]:
        """The paths `match_file` accepts, in order."""
        match = self._match
        return (path for path in paths if match(_normalized(path)))


def compile_globs(patterns: Sequence[str]) -> Globs:
    """Compile gitignore-style globs once per process; raises GlobError for a bad one."""
    return _compiled(tuple(patterns))


# Every layer and every validation asks for the same defaults again; matching never changes a
# compiled list, so one is shared.
@lru_cache(maxsize=1024)
def _compiled(patterns: tuple[str, ...]) -> Globs:
    return Globs(patterns)


def _normalized(path: str) -> str:
    # pathspec.util.normalize_file on a POSIX system: one leading `/` or `./` goes.
    if path.startswith("/"):
        return path[1:]
    return path[2:] if path.startswith("./") else path


# --- matching -------------------------------------------------------------------------------


def _runs(patterns: Sequence[str], end: str) -> list[tuple[bool, list[str]]]:
    """Each run of consecutive lines of one sign, as (include, expressions), first run first.

    The last matching line decides, so the last run holding a match decides, and runs of
    excluding lines before any including one can only say "no", as no match does: dropped.
    """
    runs: list[tuple[bool, list[str]]] = []
    for pattern in patterns:
        translated = _translate(pattern, end)
        if translated is None:
            continue
        regex, include = translated
        if runs and runs[-1][0] is include:
            runs[-1][1].append(regex)
        elif runs or include:
            runs.append((include, [regex]))
    return runs


def _matcher(expressions: Sequence[tuple[bool, str]]) -> Callable[[str], bool]:
    """A function of a normalized path: True when the last run that matches it includes."""
    if not expressions:
        return lambda path: False
    includes = [include for include, _source in expressions]
    sources = [source for _include, source in expressions]
    if re2 is None:
        searches = [_compile_re(source).search for source in reversed(sources)]
        last_first = list(zip(searches, reversed(includes), strict=True))
        return lambda path: next((inc for search, inc in last_first if search(path)), False)
    regex_set = _re2_set(sources)
    if len(sources) == 1:  # the usual list, no `!` line: one run, which includes
        return lambda path: bool(regex_set.Match(path))

    def match(path: str) -> bool:
        hits = regex_set.Match(path)  # the runs that match, in no promised order
        return bool(hits) and includes[max(hits)]

    return match


def _alternation(regexes: list[str]) -> str:
    return regexes[0] if len(regexes) == 1 else "|".join(f"(?:{r})" for r in regexes)


def _re2_set(sources: list[str]) -> Any:
    regex_set = re2.Set.SearchSet(_re2_options())
    try:
        for source in sources:
            regex_set.Add(source)
        regex_set.Compile()
    except re2.error as exc:  # each line is valid alone (classes are checked): only size is left
        raise GlobError(f"globs too large to compile: {exc}") from exc
    except UnicodeEncodeError as exc:  # a lone surrogate: RE2 reads UTF-8
        raise GlobError(f"glob not valid Unicode: {exc}") from exc
    return regex_set


def _compile_re(source: str) -> re.Pattern[str]:
    try:
        return re.compile(source)
    except (re.error, RecursionError, OverflowError) as exc:
        raise GlobError(f"globs too large to compile: {exc}") from exc


def _re2_options() -> Any:
    options = re2.Options()
    options.log_errors = False
    options.never_capture = True
    return options


# --- translation: one glob line to one regular expression ---------------------------------


def translate(pattern: str) -> tuple[str, bool] | None:
    """One glob line as (RE2 expression, include), None for a blank line or a comment.
    Raises GlobError for a glob Git's rules give no meaning to."""
    return _translate(pattern, _RE2_END)


def _translate(pattern: str, end: str) -> tuple[str, bool] | None:
    raise NotImplementedError("to be written from gitignore(5)")
