"""The `tests` check: when source code changes, a test changes with it.

Each changed file is classified (checks/paths.py) as test, source or another kind. Source files
need a test change unless they were only deleted or renamed, are exempt, or changed nothing but
comments and blank lines. No test changed at all: fail, one finding per source file. Tests
changed, but a source file's own test (found in `repo_files`) was left alone: warn for that file,
unless a changed test covers it another way, said in the summary: it tests one aspect of the
class (`UserManagerUpdateUserTests`), uses what the change defines, or tests the code the change
now hands its work to (a new `RadioStreamConnector` with its own new test).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, Any

from checks.change_kind import ChangeKind, behaviour_words, classify_change, leading_first
from checks.config import compile_globs
from checks.globs import Globs
from checks.lazyre import Pattern, lazy_compile
from checks.model import ChangedFile, FileStatus, Finding, Outcome, Severity, Snapshot, Status
from checks.pairing import (
    class_stems,
    covers,
    exercised_by,
    has_inline_test_change,
    index_tests,
    own_tests,
    referable_names,
    source_subject,
    subject_under_test,
    tests_an_aspect,
)
from checks.paths import PathKind, classify, language_family
from checks.spec import CheckSpec, Option

if TYPE_CHECKING:
    from checks.tests_layout import Layout

OPTIONS: Mapping[str, Option] = {
    "test_globs": Option(
        [], "glob_list", "extra paths that count as tests, e.g. `qa/` or `**/*_check.py`; "
        "they win over every other rule"),
    "source_globs": Option(
        [], "glob_list", "extra paths that count as source needing tests, e.g. `models/**/*.sql` "
        "for dbt or `scripts/` when your scripts are tested"),
    "exempt_globs": Option(
        [], "glob_list", "source paths that need no test, e.g. `src/cli/` or "
        "`**/__init__.py`"),
    "min_changed_lines": Option(
        1, "int", "a source file needs a test when at least this many of its added and removed "
        "lines are code (not blank, not comments); 1 = any code change, 0 = any change at all",
        minimum=0),
    "require_for": Option(
        ["added", "modified"], "choice_list", "which source changes need a test: `added` files, "
        "`modified` files (renamed files with edits count as modified)",
        choices=("added", "modified")),
}

# Lines that are not code, per comment syntax. C's `#include` and Rust's `#[test]` are code.
_HASH = lazy_compile(r"\s*(?:#|$)")
_SLASH = lazy_compile(r"\s*(?:/[/*]|\*|$)")
_PHP = lazy_compile(r"\s*(?:/[/*]|\*|#(?!\[)|$)")
_DASH = lazy_compile(r"\s*(?:--|$)")
_BLANK = lazy_compile(r"\s*$")
_NON_CODE_BY_FAMILY = {"python": _HASH, "ruby": _HASH, "elixir": _HASH, "php": _PHP, "js": _SLASH,
                       "go": _SLASH, "jvm": _SLASH, "dotnet": _SLASH, "rust": _SLASH,
                       "swift": _SLASH, "dart": _SLASH, "c": _SLASH}
_NON_CODE_BY_EXT = {"pl": _HASH, "pm": _HASH, "r": _HASH, "jl": _HASH, "cr": _HASH, "nim": _HASH,
                    "lua": _DASH, "hs": _DASH, "elm": _DASH, "zig": _SLASH, "sol": _SLASH,
                    "erl": lazy_compile(r"\s*(?:%|$)")}


_EXCUSES = {
    "exempt": "exempt by exempt_globs",
    "comments": "only comments or blank lines changed",
    "small": "fewer than {min} code lines changed",
    "added": "new files need no test (require_for)",
    "modified": "edits need no test (require_for)",
    **{kind.name: kind.value for kind in ChangeKind if kind is not ChangeKind.BEHAVIOUR},
}


@dataclass(frozen=True)
class TestsOptions:
    """The tests check's options; keys, defaults and docs are declared in `OPTIONS`."""

    __test__ = False  # a name pytest would otherwise collect as a test class

    test_globs: tuple[str, ...]
    source_globs: tuple[str, ...]
    exempt_globs: tuple[str, ...]
    min_changed_lines: int
    require_for: tuple[FileStatus, ...]


# eq=False on this module's working records: built once per run, never compared.
@dataclass(frozen=True, eq=False)
class _Rules:
    """The check's options, with globs compiled once per run."""

    tests: Globs | None
    sources: Globs | None
    exempt: Globs | None
    min_lines: int
    require: frozenset[str]

    @staticmethod
    def from_options(options: TestsOptions) -> _Rules:
        """Compile the configured globs."""
        def globs(patterns: Sequence[str]) -> Globs | None:
            return compile_globs(patterns) if patterns else None

        return _Rules(globs(options.test_globs), globs(options.source_globs),
                      globs(options.exempt_globs), options.min_changed_lines,
                      frozenset(options.require_for))

    def kind(self, path: str) -> PathKind:
        """Classify a path, the configured globs first."""
        if self.tests is not None and self.tests.match_file(path):
            return PathKind.TEST
        if self.sources is not None and self.sources.match_file(path):
            return PathKind.SOURCE
        return classify(path)


@dataclass(eq=False)
class _Tally:
    """What the PR changed, sorted into what the verdict needs."""

    tests: list[ChangedFile] = field(default_factory=list)
    judged: list[ChangedFile] = field(default_factory=list)
    excused: Counter[str] = field(default_factory=Counter)
    kinds: Counter[PathKind] = field(default_factory=Counter)
    removed: int = 0
    renamed: int = 0


def _code_lines(changed: ChangedFile, enough: int) -> int:
    """Count added and removed lines that are code, stopping once `enough` are found."""
    if changed.patch_missing or changed.binary:
        return enough  # unseen lines may be anything: assume they are code
    if enough <= 0:
        return 0
    non_code = _non_code(changed.path)
    count = 0
    # Usually the first line is code: read that much (and no line past the last one counted),
    # not a whole new file's lines.
    sides = (leading_first(side, enough) for side in (changed.added, changed.removed))
    for line in chain.from_iterable(sides):
        if not non_code.match(line.text):
            count += 1
            if count >= enough:
                break
    return count


def _excuse(changed: ChangedFile, rules: _Rules) -> str | None:
    """Why a changed source file needs no test, or None when it does."""
    if rules.exempt is not None and rules.exempt.match_file(changed.path):
        return "exempt"
    change = "added" if changed.status is FileStatus.ADDED else "modified"
    if change not in rules.require:
        return change
    if rules.min_lines and _code_lines(changed, rules.min_lines) < rules.min_lines:
        return "comments" if rules.min_lines == 1 else "small"
    if rules.min_lines:  # 0 asks for a test for any change at all
        kind = classify_change(changed, _code_predicate(changed.path))
        if kind is not ChangeKind.BEHAVIOUR:
            return kind.name
    return None


def _code_predicate(path: str) -> Callable[[str], bool]:
    """Tell code lines from comments and blanks, by the file's comment syntax."""
    non_code = _non_code(path)
    return lambda text: not non_code.match(text)


def _non_code(path: str) -> Pattern:
    family = language_family(path)
    ext = path.rpartition(".")[2].lower()
    return _NON_CODE_BY_FAMILY.get(family or "") or _NON_CODE_BY_EXT.get(ext, _BLANK)


def _sort(changed: ChangedFile, rules: _Rules, tally: _Tally) -> None:
    if changed.status is FileStatus.REMOVED:
        tally.removed += 1
        return
    if changed.is_pure_rename:
        tally.renamed += 1
        return
    kind = rules.kind(changed.path)
    tally.kinds[kind] += 1
    if kind is PathKind.TEST:
        tally.tests.append(changed)
    elif kind is PathKind.SOURCE:
        if has_inline_test_change(changed):
            tally.tests.append(changed)  # a Rust file whose `mod tests` changed carries its test
        excuse = _excuse(changed, rules)
        if excuse is None:
            tally.judged.append(changed)
        else:
            tally.excused[excuse] += 1


def _tally(files: Iterable[ChangedFile], rules: _Rules) -> _Tally:
    tally = _Tally()
    for changed in files:
        _sort(changed, rules, tally)
    return tally


def _join(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _pass_summary(tally: _Tally, rules: _Rules) -> str:
    """Say why nothing needs a test: what changed instead."""
    excused = sum(tally.excused.values())
    if excused:
        reasons = [_EXCUSES[key].format(min=rules.min_lines)
                   for key, _ in tally.excused.most_common()]
        return (f"{_plural(excused, 'source file')} changed, none needing a test "
                f"({'; '.join(reasons)}).")
    kinds = [kind.label for kind, _ in sorted(tally.kinds.items(), key=lambda kv: -kv[1])]
    moves = [word for word, count in (("deletions", tally.removed), ("renames", tally.renamed))
             if count]
    if kinds and moves:
        return f"Only {_join(kinds)} changed, plus {_join(moves)}."
    if kinds:
        return f"Only {_join(kinds)} changed."
    if moves:
        return f"Only {_join(moves)}."
    return "No files to judge."


def _first_line(changed: ChangedFile) -> int | None:
    return changed.added[0].number if changed.added else None


@dataclass(frozen=True, eq=False)
class _Lookup:
    """Own tests of the judged sources, from the repository's files and the PR's tests."""

    by_source: Mapping[str, list[str]]
    layout: Layout | None

    def suggestion(self, source: str) -> str | None:
        """A conventional test path in a folder the repository has, best fitting first."""
        return None if self.layout is None else self.layout.suggestion(source)


def _repo_tests(repo_files: Iterable[str], subjects: set[str], rules: _Rules) -> list[str]:
    """Repository test files that test one of `subjects` (subject first: it is the cheap test)."""
    return [path for path in repo_files
            if subject_under_test(path) in subjects and rules.kind(path) is PathKind.TEST]


def _lookup(tally: _Tally, repo_files: frozenset[str] | None, rules: _Rules,
            want_folders: bool) -> _Lookup:
    subjects = {source_subject(f.path) for f in tally.judged} - {""}
    pool = {f.path for f in tally.tests}
    if repo_files is not None:
        pool.update(_repo_tests(repo_files, subjects, rules))
    index = index_tests(sorted(pool))
    by_source = {f.path: own_tests(f.path, index.get(source_subject(f.path), ()))
                 for f in tally.judged}
    layout = None
    if want_folders and repo_files is not None:
        # Only a failing PR gets a suggested test path: the layout is read (and its module
        # imported) then.
        from checks.tests_layout import read_layout

        layout = read_layout(repo_files, rules.kind)
    return _Lookup(by_source, layout)


def _missing_finding(changed: ChangedFile, lookup: _Lookup) -> Finding:
    own = lookup.by_source.get(changed.path) or []
    what = behaviour_words(changed, _code_predicate(changed.path))
    message = f"{changed.path} changed ({what}) but no test changed"
    if own:
        message += f"; update its test {own[0]}"
    elif (suggested := lookup.suggestion(changed.path)) is not None:
        message += f"; add one, e.g. {suggested}"
    return Finding(message + ".", changed.path, _first_line(changed), rule="tests-missing",
                   severity=Severity.FAIL)


def _fail(tally: _Tally, repo_files: frozenset[str] | None, rules: _Rules) -> Outcome:
    lookup = _lookup(tally, repo_files, rules, want_folders=True)
    findings = tuple(_missing_finding(f, lookup) for f in tally.judged)
    summary = f"{_plural(len(tally.judged), 'source file')} changed, no test changed."
    return Outcome(Status.FAIL, summary, findings, stats=_stats(tally))


def _covered_elsewhere(changed: ChangedFile, tests: Sequence[ChangedFile]) -> str | None:
    """`by x_test.go (same package)` when a test the PR changed exercises the source."""
    for test in tests:
        why = exercised_by(changed, test)
        if why is not None:
            return f"{changed.path} by {test.path} ({why})"
    return None


_IDENTIFIER = lazy_compile(r"[A-Za-z_$][\w$]*")
_STRING = lazy_compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')


@dataclass(eq=False)
class _Elsewhere:
    """Finds, for a source whose own test was left alone, a changed test that still covers it.

    Indexes are built on first use: most PRs never get here.
    """

    tally: _Tally
    lookup: _Lookup
    repo_files: frozenset[str] | None
    # Most added lines first: a new test is better evidence than one that lost a few lines.
    ranked: list[str] = field(init=False)
    _stems: frozenset[str] | None = None
    _names: dict[str, list[ChangedFile]] | None = None
    _tested: dict[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        tests = sorted(self.tally.tests, key=lambda f: (-f.additions, f.path))
        self.ranked = [f.path for f in tests]

    def stems(self) -> frozenset[str]:
        """Class names the repository defines by file, to tell a class from an aspect."""
        if self._stems is None:
            paths = chain(self.repo_files or (), (f.path for f in self.tally.judged))
            self._stems = class_stems(paths)
        return self._stems

    def why(self, changed: ChangedFile) -> str | None:
        """`x by y_test (reason)` naming the covering test, or None."""
        path = changed.path
        aspect = next((test for test in self.ranked
                       if tests_an_aspect(path, test, self.stems())), None)
        if aspect is not None:
            return f"{path} by {aspect} (tests part of it)"
        return _covered_elsewhere(changed, self.tally.tests) or self._delegated(changed)

    def _tested_here(self, path: str) -> str | None:
        """The test this PR changed that is `path`'s own or covers it, or None."""
        if path not in self._tested:
            own = set(self.lookup.by_source.get(path) or ())
            self._tested[path] = next(
                (test for test in self.ranked if test in own or covers(path, test)
                 or tests_an_aspect(path, test, self.stems())), None)
        return self._tested[path]

    def _delegated(self, changed: ChangedFile) -> str | None:
        """`x by y_test (uses Y, changed with it)` when the change calls code this PR tests."""
        if self._names is None:
            self._names = {}
            for other in self.tally.judged:
                for name in referable_names(other):
                    self._names.setdefault(name, []).append(other)
        family = language_family(changed.path)
        is_code = _code_predicate(changed.path)
        # Names in code, not in strings or comments: a template path is not a call.
        used = {word for line in changed.added if is_code(line.text)
                for word in _IDENTIFIER.findall(_STRING.sub("", line.text))}
        for name in sorted(used.intersection(self._names)):
            for other in self._names[name]:
                if other.path == changed.path or language_family(other.path) != family:
                    continue
                test = self._tested_here(other.path)
                if test is not None:
                    return f"{changed.path} by {test} (uses {name}, changed with it)"
        return None


def _stale_findings(tally: _Tally, lookup: _Lookup, covered: list[str],
                    elsewhere: _Elsewhere) -> list[Finding]:
    touched = {f.path for f in tally.tests}
    findings = []
    for changed in tally.judged:
        own = lookup.by_source.get(changed.path) or []
        if (own and changed.path not in touched and not touched.intersection(own)
                and not any(covers(changed.path, test) for test in touched)):
            why = elsewhere.why(changed)
            if why is not None:
                covered.append(why)
                continue
            findings.append(Finding(
                f"{changed.path} changed but its test {own[0]} was not updated.",
                changed.path, _first_line(changed), rule="tests-not-updated",
                severity=Severity.WARN))
    return findings


def _with_tests(tally: _Tally, repo_files: frozenset[str] | None, rules: _Rules) -> Outcome:
    sources, tests = _plural(len(tally.judged), "source file"), _plural(len(tally.tests), "test")
    covered: list[str] = []
    lookup = _lookup(tally, repo_files, rules, want_folders=False)
    stale = _stale_findings(tally, lookup, covered, _Elsewhere(tally, lookup, repo_files))
    if not stale:
        shown = "; ".join(covered[:3]) + ("; ..." if len(covered) > 3 else "")
        extra = f" (covered by tests elsewhere in the PR: {shown})" if covered else ""
        return Outcome(Status.PASS, f"{sources} changed with {tests}{extra}.",
                       stats=_stats(tally))
    summary = (f"{sources} changed with {tests}, but {len(stale)} of them "
               f"{'has' if len(stale) == 1 else 'have'} an existing test that was not updated.")
    return Outcome(Status.WARN, summary, tuple(stale), stats=_stats(tally))


def _stats(tally: _Tally) -> dict[str, Any]:
    kinds = {str(kind): count for kind, count in sorted(tally.kinds.items())}
    return {"tests": {"source_files": len(tally.judged), "test_files": len(tally.tests),
                      "kinds": kinds, "removed": tally.removed, "renamed": tally.renamed}}


def check(snapshot: Snapshot, options: TestsOptions) -> Outcome:
    """Check that tests changed with the source code."""
    rules = _Rules.from_options(options)
    tally = _tally(snapshot.files, rules)
    if not tally.judged:
        return Outcome(Status.PASS, _pass_summary(tally, rules), stats=_stats(tally))
    if not tally.tests:
        return _fail(tally, snapshot.repo_files, rules)
    return _with_tests(tally, snapshot.repo_files, rules)


CHECK = CheckSpec(
    id="tests",
    title="Tests changed with the code",
    run=check,
    options_type=TestsOptions,
    rules=("tests-missing", "tests-not-updated"),
    options=OPTIONS,
    description="Source changes come with test changes; a file's own test is kept up to date.",
)
