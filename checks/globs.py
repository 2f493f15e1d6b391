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
    """One glob line as (expression searched in a normalized path, include), None for a blank
    line or a comment; `end` is the engine's end-of-text anchor."""
    if pattern.startswith("#"):  # "A line starting with # serves as a comment."
        return None
    body = _without_trailing_spaces(pattern)
    if not body:  # "A blank line matches no files."
        return None
    include = not body.startswith("!")  # "An optional prefix "!" which negates the pattern"
    if not include:
        body = body[1:]
        if not body:
            raise GlobError(f"{pattern!r}: `!` negates nothing")
    _check_unicode(pattern)
    return _path_regex(pattern, body, end), include


def _without_trailing_spaces(pattern: str) -> str:
    """gitignore(5): "Trailing spaces are ignored unless they are quoted with backslash". Only
    a line ending in a backslashed space keeps its end; other trailing whitespace goes."""
    return pattern if pattern.endswith("\\ ") else pattern.rstrip()


def _check_unicode(pattern: str) -> None:
    # RE2 reads UTF-8: a lone surrogate has no encoding (pathspec refuses it too).
    if not pattern.isascii():
        try:
            pattern.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise GlobError(f"{pattern!r}: not valid Unicode") from exc


# A match-all line: `*`, `**`, `/`, `**/*` and their spellings. Searched, `.` finds any path
# holding a character other than a newline: pathspec's answer for these lines (it leaves out ""
# and paths of newlines only). As a folder (`**/`), any path inside one: one holding a `/`.
_EVERYTHING, _ANY_FOLDER = ".", "/"


def _path_regex(pattern: str, body: str, end: str) -> str:
    """The expression for a glob body (no `!`): its segments, anchored or not, then its end."""
    if body == "/":  # a bare root: every path below it
        return _EVERYTHING
    # gitignore(5): "If there is a separator at the end of the pattern then the pattern will
    # only match directories"; a file path matches when one of its folders does.
    folder_only = body.endswith("/")
    if folder_only:
        body = body[:-1]
    # "If there is a separator at the beginning or middle ... of the pattern, then the pattern
    # is relative to the directory level of the particular .gitignore file itself. Otherwise
    # the pattern may also match at any level below": the same as a leading `**/`.
    anchored = "/" in body
    segments = (body[1:] if body.startswith("/") else body).split("/")
    if not anchored:
        segments.insert(0, "**")
    segments, folder_only = _folded_double_stars(segments, folder_only)
    if segments == ["**"]:  # every path (or, as a folder, every path inside a folder)
        return _ANY_FOLDER if folder_only else _EVERYTHING
    return _joined(pattern, segments, folder_only, end)


def _folded_double_stars(segments: list[str], folder_only: bool) -> tuple[list[str], bool]:
    """Runs of `**` segments as one; a trailing `/**` as a folder-only glob.

    gitignore(5): "A trailing "/**" matches everything inside", which for file paths is what
    a trailing `/` means; `**/*` names every path, as `**` does.
    """
    folded: list[str] = []
    for segment in segments:
        if not (segment == "**" and folded and folded[-1] == "**"):
            folded.append(segment)
    if len(folded) > 1 and folded[-1] == "**":
        folded.pop()
        folder_only = True
    if folded == ["**", "*"]:
        folded = ["**"]
    return folded, folder_only


def _joined(pattern: str, segments: list[str], folder_only: bool, end: str) -> str:
    """Anchored at the start of the path, segment by segment, then what may follow the last.

    gitignore(5): "A leading "**" followed by a slash means match in all directories" and
    "A slash followed by two consecutive asterisks then a slash matches zero or more
    directories": both are any folders (`(?:.+/)?`) where they stand.
    """
    parts = ["^"]
    classes: list[str] = []
    last = len(segments) - 1
    for index, segment in enumerate(segments):
        if segment == "**":  # never last: a trailing `/**` was folded away
            parts.append("(?:.+/)?")
            continue
        parts.append(_segment_regex(pattern, segment, classes))
        if index < last:
            parts.append("/")
    _check_posix_classes(pattern, classes)
    parts.append(_tail(segments[-1], folder_only, end))
    return "".join(parts)


def _tail(last: str, folder_only: bool, end: str) -> str:
    """What may follow the last segment: a folder's contents (`dir/`), or the end of the path
    or of one of its folders. A last segment of just `*` names the entries of one folder, not
    what lies deeper (pathspec's reading of `dir/*`)."""
    if folder_only:
        return "/"
    if last == "*":
        return "/?" + end
    return f"(?:/|{end})"


def _segment_regex(pattern: str, segment: str, classes: list[str]) -> str:
    """One segment between slashes: `*` as any run of characters but `/` ("*" matches anything
    except a slash; a segment of just `*` is a non-empty name), `?` as one such character,
    `[...]` as a class, a backslashed character as itself ("Put a backslash in front of ..."),
    the rest literal. The members of each class go to `classes`."""
    if segment == "*":
        return "[^/]+"
    out: list[str] = []
    index, size = 0, len(segment)
    while index < size:
        char = segment[index]
        if char == "\\":
            if index + 1 == size:  # gitignore(5) gives a trailing backslash no meaning
                raise GlobError(f"{pattern!r}: a backslash escapes nothing")
            out.append(_literal(segment[index + 1]))
            index += 2
        elif char == "*":
            while index + 1 < size and segment[index + 1] == "*":
                index += 1  # `**` inside a segment is "considered regular asterisks"
            out.append("[^/]*")
            index += 1
        elif char == "?":
            out.append("[^/]")
            index += 1
        elif char == "[":
            regex, index = _bracket(pattern, segment, index, classes)
            out.append(regex)
        else:
            out.append(_literal(char))
            index += 1
    return "".join(out)


def _bracket(pattern: str, segment: str, start: int, classes: list[str]) -> tuple[str, int]:
    """The class opened at `segment[start]` as (expression, index after it), or a literal `[`
    when it is never closed. fnmatch(3) classes: `!` (or `^`) first negates, a `]` first (after
    any negation) is a member, `a-z` is a range; a backslash inside is a plain member."""
    index = start + 1
    negated = index < len(segment) and segment[index] in "!^"
    if negated:
        index += 1
    close = segment.find("]", index + 1)
    if close < 0:
        return _literal("["), start + 1
    members = segment[index:close]
    classes.append(members)
    return "[" + ("^" if negated else "") + _class_members(pattern, members) + "]", close + 1


def _check_posix_classes(pattern: str, classes: list[str]) -> None:
    """Refuse a line whose classes, written as RE2 reads them, hold a `[:name:]` POSIX class
    (`[[:alpha:]]`): glob syntax closes a class at its first `]`, so RE2 would find the class
    unclosed or the name unknown, and pathspec refuses the line. RE2 looks for the `:]` ending
    the name anywhere after `[:`; the only `:]` in a line's expression ends a class."""
    for index, members in enumerate(classes):
        opened = members.find("[:")
        if opened < 0:
            continue
        later = [members[opened + 2:], *classes[index + 1:]]
        if any(text.endswith(":") for text in later):
            raise GlobError(f"{pattern!r}: a POSIX class `[:name:]` inside a class")


def _class_members(pattern: str, members: str) -> str:
    """A class's members, each escaped, ranges kept; a range running backwards is refused."""
    out: list[str] = []
    index, size = 0, len(members)
    while index < size:
        first = members[index]
        if index + 2 < size and members[index + 1] == "-":
            last = members[index + 2]
            if ord(first) > ord(last):
                raise GlobError(f"{pattern!r}: invalid range {first}-{last}")
            out.append(f"{_literal(first)}-{_literal(last)}")
            index += 3
        else:
            out.append(_literal(first))
            index += 1
    return "".join(out)


def _literal(char: str) -> str:
    """`char` as itself in both RE2 and Python `re` (and inside a class): ASCII letters and
    digits as they are, other printable ASCII backslashed, control characters in hex."""
    if char.isalnum() or char == "_" or not char.isascii():
        return char
    if char.isprintable() and char != " ":
        return "\\" + char
    return f"\\x{ord(char):02x}"
