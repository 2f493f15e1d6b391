"""Gitignore-style path globs (`vendor/`, `**/*.min.js`, `/docs/`, `!keep.min.js`), compiled a
whole list at a time.

The meaning is pathspec's "gitignore" patterns, exactly: each line translates to the regular
expression pathspec 1.x builds for it, and the last line that matches a path decides (`!` lines
exclude). What differs is the compiling: pathspec compiles every line with Python's `re` (and
importing it cost ~12 ms of a `shipshape check` whose floor is ~41 ms, issue 18); here each run of
lines of the same sign becomes one alternation, and the runs of a list one RE2 set. pathspec stays
the test oracle (tests/checks/test_globs.py).
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


# --- translation (pathspec 1.x, patterns/gitignore/basic.py and base.py) ---------------------


def translate(pattern: str) -> tuple[str, bool] | None:
    """One glob line as (RE2 expression, include), None for a blank line or a comment: what
    pathspec's `GitIgnoreBasicPattern.pattern_to_regex` returns. Raises GlobError."""
    return _translate(pattern, _RE2_END)


def _translate(pattern: str, end: str) -> tuple[str, bool] | None:
    # Trailing spaces go unless the last one is escaped; leading ones stay, as in Git.
    text = pattern if pattern.endswith("\\ ") else pattern.rstrip()
    if not text or text.startswith("#"):
        return None
    include = not text.startswith("!")
    if not include:
        text = text[1:]
    segments = text.split("/")
    # A lone `/` is read as `**`, every path, where `**/` would be every path in a folder.
    is_dir = not segments[-1] and text != "/"
    segments = _normalized_segments(segments, pattern)
    whole = _whole_path_regex(segments, is_dir)
    if whole is not None:
        return whole, include
    regex, has_class = _segments_regex(segments, pattern, end)
    if has_class:
        _check_class(regex, pattern)
    return regex, include


def _normalized_segments(segments: list[str], pattern: str) -> list[str]:
    if not segments[0]:
        del segments[0]  # `/x`: anchored at the root
    elif (len(segments) == 1 or (len(segments) == 2 and not segments[1])) \
            and segments[0] != "**":
        segments.insert(0, "**")  # `x` and `x/` match at any depth
    if not segments:
        raise GlobError(f"invalid glob {pattern!r}: nothing to match")
    if not segments[-1]:
        segments[-1] = "**"  # `x/`: everything below x
    return [s for i, s in enumerate(segments) if not (i and s == "**" == segments[i - 1])]


def _whole_path_regex(segments: list[str], is_dir: bool) -> str | None:
    """The expression of a glob that matches every path (or every one below the root)."""
    if segments == ["**"]:
        return "/" if is_dir else "."
    if segments == ["**", "*"]:
        return "."
    if segments == ["**", "*", "**"]:
        return "/"
    return None


def _segments_regex(segments: list[str], pattern: str, end: str) -> tuple[str, bool]:
    parts: list[str] = []
    has_class = need_slash = False
    last = len(segments) - 1
    for i, segment in enumerate(segments):
        if segment == "**":
            if i == 0:
                parts.append("^(?:.+/)?")
            elif i < last:
                parts.append("(?:/.+)?")
                need_slash = True
            else:
                parts.append("/")
            continue
        if i == 0:
            parts.append("^")
        if need_slash:
            parts.append("/")
        if segment == "*":
            parts.append("[^/]+")
        else:
            regex, in_class = _segment_regex(segment, pattern)
            parts.append(regex)
            has_class = has_class or in_class
        if i == last:
            # `x/*` matches what x holds but nothing deeper; `x` also matches below itself.
            parts.append("/?" + end if segment == "*" else "(?:/|" + end + ")")
        need_slash = True
    return "".join(parts), has_class


def _segment_regex(segment: str, pattern: str) -> tuple[str, bool]:
    """One path segment's glob as an expression, and whether it holds a `[...]` class."""
    out: list[str] = []
    has_class = escape = False
    i, end = 0, len(segment)
    while i < end:
        char = segment[i]
        i += 1
        if escape:
            escape = False
            out.append(re.escape(char))
        elif char == "\\":
            escape = True
        elif char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            close = _class_end(segment, i)
            if close is None:
                out.append("\\[")  # no closing bracket: a literal `[`, as fnmatch(3) reads it
                continue
            negated = segment[i] in "!^"
            body = segment[i + negated:close - 1]
            # Backslashes in a class are literal in a glob; `]` first in it is a member.
            out.append("[" + "^" * negated + body.replace("\\", "\\\\") + "]")
            has_class = True
            i = close
        else:
            out.append(re.escape(char))
    if escape:
        raise GlobError(f"invalid glob {pattern!r}: a backslash escapes nothing")
    return "".join(out), has_class


def _class_end(segment: str, start: int) -> int | None:
    """Index just past the `]` closing the class opened before `start`, None when unclosed."""
    j, end = start, len(segment)
    if j < end and segment[j] in "!^":
        j += 1
    if j < end and segment[j] == "]":
        j += 1
    j = segment.find("]", j)
    return None if j < 0 else j + 1


def _check_class(regex: str, pattern: str) -> None:
    """Refuse what pathspec refuses: an expression either engine rejects (`[z-a]`, RE2's
    unknown `[[:word:]`). Only a class can make one; checked alone, as an invalid one joined to
    others could parse as something else."""
    try:
        re.compile(regex)
        if re2 is not None:
            re2.compile(regex, _re2_options())
    except Exception as exc:  # re.error, re2.error
        raise GlobError(f"invalid glob {pattern!r}: {exc}") from exc
