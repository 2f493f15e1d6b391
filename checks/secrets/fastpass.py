"""Many rules' anchors searched in a few small RE2 passes that give one alternation's matches.

One RE2 alternation of every rule's anchor is a DFA whose states multiply when several anchors
count characters of overlapping classes from any position (`[MNO][A-Za-z0-9_\\-]{23,27}\\.`,
`[A-Za-z0-9]{14}\\.atlasv1\\.`, `[A-Za-z0-9_~.]{3}[0-9]Q~`): on one long line of base64 its
state cache thrashes and the pass fell to ~1 MB/s, where each anchor alone runs at hundreds.
So each anchor that can start by counting a wide class (`runs_alone`: letters of both cases,
base64's alphabet) runs alone, every other anchor (a provider's prefix, a keyword, a quote and
then a name, a run of hex) shares one pass, and `AnchorStream` merges the passes into exactly
the matches of the single alternation: leftmost start first, ties going to the earlier anchor.
A lone anchor's pass runs only from where its hint occurs (`gate_hint`: the anchor without the
classes it starts with, led by a literal RE2 finds at memchr speed). The anchors a caller marks
rare (providers' prefixes, in code) share a pass of their own; they and the hints make
`rare_source`, which the caller searches once: a stream runs none of those passes before where
it first matches, and none at all where it matches nowhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import Any

from checks.lazyre import lazy_compile

try:  # google-re2 is a runtime dependency; callers fall back to Python's re without it
    import re2
except ImportError:  # pragma: no cover - exercised only where the wheel is unavailable
    re2 = None

# RE2's DFA gives up (and falls back to its slower NFA, logging to stderr) when its default
# 8 MiB budget runs out on large inputs; 64 MiB holds these passes' states for any diff.
RE2_MAX_MEM = 64 << 20
# How far the anchored set looks: every anchor is shorter than this unless an identifier runs on.
SET_WINDOW = 2048
_NOWHERE = 1 << 62  # a pass with no match left: its "next start" is past any text


def available() -> bool:
    """True when google-re2 can be imported (read at each call: a test may take it away)."""
    return re2 is not None


def _options(capture: bool = False) -> Any:
    options = re2.Options()
    options.max_mem = RE2_MAX_MEM
    options.log_errors = False
    options.never_capture = not capture
    return options


def compile_re2(source: str) -> Any:
    """`source` compiled by google-re2 (ASCII, no capture groups), None without google-re2."""
    if re2 is None:
        return None
    return re2.compile(source.encode("ascii"), _options())


def top_level_branches(source: str) -> list[str]:
    """The alternatives of `source` split at its top-level `|` (not in a group or a class)."""
    branches: list[str] = []
    depth = start = index = 0
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 1
        elif char == "[":
            index = _class_end(source, index)
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(source[start:index])
            start = index + 1
        index += 1
    branches.append(source[start:])
    return branches


def _class_end(source: str, index: int) -> int:
    """The index of the `]` closing the character class opened at `index`."""
    index += 1
    if source[index:index + 1] == "^":
        index += 1
    if source[index:index + 1] == "]":  # `[]…]`: a `]` first is a member
        index += 1
    while index < len(source) and source[index] != "]":
        index += 2 if source[index] == "\\" else 1
    return index


_QUANTIFIER = lazy_compile(r"[*+?]|\{\d*(?:,\d*)?\}")


_ESCAPED_CLASS = frozenset("wWdDsS")


def gate_hint(source: str) -> tuple[str, int] | None:
    """A pattern matching wherever `source` matches, at most `lead` characters after the start,
    that no alternative leads with a class in; (pattern, lead) or None.

    It is `source` without the classes it starts with (`[MNO][A-Za-z0-9_\\-]{23,27}` of
    Discord's anchor leaves `\\.[A-Za-z0-9_\\-]{6}\\.`), `lead` their longest match. Led by a
    literal, it can share a DFA with other anchors (no counter starts at every byte), and
    searched alone RE2 skips to that literal at memchr speed. None when some alternative
    cannot be cut so (a group at its head, global flags, nothing after the classes).
    """
    if _has_flags(source):  # `(?i)` at the head would not reach the tail
        return None
    tails, lead = [], 0
    for branch in top_level_branches(source):
        cut: int | None = 0
        if leads_with_class(branch):
            cut = next((end for end in _atom_ends(branch) if end < len(branch)
                        and not leads_with_class(branch[end:])), None)
        width = None if cut is None else max_width(branch[:cut])
        if cut is None or width is None:
            return None
        tails.append(branch[cut:])
        lead = max(lead, width)
    return _alternation(tails), lead


def _atom_ends(branch: str, atoms: int = 4) -> Iterator[int]:
    """Where each of the first `atoms` atoms of `branch` (with its quantifier) ends; stops at a
    group or an escape that is not a one-letter class, where a cut is not known to be valid."""
    index = 0
    for _ in range(atoms):
        char = branch[index:index + 1]
        if char == "[":
            index = _class_end(branch, index) + 1
        elif char == "\\" and branch[index + 1:index + 2] in _ESCAPED_CLASS:
            index += 2
        elif char and char not in "()|\\^$*+?{":
            index += 1
        else:
            return
        quantifier = _QUANTIFIER.match(branch, index)
        if quantifier is not None:
            index = quantifier.end()
            index += branch[index:index + 1] == "?"  # lazy: the same characters
        yield index


def max_width(source: str) -> int | None:
    """The longest match `source` can have, None when unbounded or not known."""
    parser: Any = getattr(re, "_parser", None)  # what `re` itself parses with (3.11+)
    try:
        widest: int = parser.parse(source).getwidth()[1]
    except (AttributeError, re.error):
        return None
    return widest if widest < parser.MAXREPEAT else None


_GROUP_OPEN = lazy_compile(r"\(\?(?:[aiLmsux]*(?:-[imsx]+)?:|P<\w+>)?|\(")


def leads_with_class(source: str) -> bool:
    """True when some alternative of `source` can start with a character class (or `.`): a
    string walk, cheap enough to run over every anchor before `runs_alone` parses the few."""
    for branch in top_level_branches(source):
        head = _GROUP_OPEN.match(branch)
        if head is not None:  # `(?i:pass|pwd)…`, `(?:AKIA|ASIA)…`: look inside the group
            inner, depth = head.end(), 1
            end = inner
            while depth and end < len(branch):
                if branch[end] == "\\":
                    end += 2
                    continue
                depth += {"(": 1, ")": -1}.get(branch[end], 0)
                end += 1
            if leads_with_class(branch[inner:end - 1]):
                return True
        elif branch[:1] in ("[", ".") or branch[:2] in ("\\w", "\\d", "\\s", "\\W", "\\D",
                                                       "\\S"):
            return True
    return False


# A wide class repeated more than this many times where an anchor starts is a counter the DFA
# keeps at every byte of a base64 line. Measured on engine.py's 5 MB base64 line, first scan in
# a fresh process: Azure's `[A-Za-z0-9_~.]{3}[0-9]Q~` in the shared pass adds 25 ms (of ~120)
# of DFA states, atlas's `[A-Za-z0-9]{14}` more; Discord's `[MNO]…{23,27}` thrashes it (1 MB/s).
WIDE_REPEAT = 2
_MAXREPEAT: int = getattr(getattr(re, "_parser", None), "MAXREPEAT", -1)  # `*`, `+`, `{n,}`
_ASCII = frozenset(map(chr, range(128)))
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_CATEGORIES = {
    "CATEGORY_DIGIT": frozenset("0123456789"),
    "CATEGORY_SPACE": frozenset(" \t\n\r\f\v"),
    "CATEGORY_WORD": _LETTERS | frozenset("0123456789_"),
}


def runs_alone(source: str) -> bool:
    """True when some alternative of `source` can start by counting a wide class (both cases'
    letters, as base64 and identifiers are): `[A-Za-z0-9]{14}\\.atlasv1`, or one class that
    count holds and then the count (`[MNO][A-Za-z0-9_\\-]{23,27}`, a count at each M, N, O).

    Such a counter is live at almost every byte of a base64 line, and in one DFA with the other
    anchors it multiplies their states: the shared pass fell to ~1 MB/s on base64 with Discord's
    anchor in it. Anchors led by a literal, by one class and then text outside it (`["']`, then
    an identifier), or by a count of a narrow class (hex, digits) share one pass safely.
    """
    if _has_flags(source):
        return _counts_wide_class(source)  # global flags (`(?i)`) or lookarounds: read it whole
    # Only the alternatives a class may lead need re's parser (~25 us each, the pairs anchor's
    # dozen alternatives 0.7 ms in all), on a first scan that compiles the passes.
    return any(leads_with_class(branch) and _counts_wide_class(branch)
               for branch in top_level_branches(source))


def _has_flags(source: str) -> bool:
    """True when `source` holds `(?` other than a plain, case-folded or named group."""
    return "(?" in source.replace("(?:", "").replace("(?i:", "").replace("(?P", "")


def _counts_wide_class(source: str) -> bool:
    parser: Any = getattr(re, "_parser", None)  # `re`'s own parser (3.11+), as max_width
    try:
        parsed = parser.parse(source)
    except (AttributeError, re.error):
        return True  # not understood: alone is always correct, only maybe slower
    ignore_case = bool(parsed.state.flags & re.IGNORECASE)
    for items, folded in _starts(list(parsed), ignore_case):
        if not items:
            continue
        if _wide_count(items[0], folded) is not None:
            return True
        lead = _members(items[0], folded)
        wide = _wide_count(items[1], folded) if len(items) > 1 else None
        if lead is not None and wide is not None and lead <= wide:
            return True
    return False


def _starts(items: list[Any], folded: bool) -> Iterator[tuple[list[Any], bool]]:
    """Each way `items` can begin, with groups and alternations at its head opened."""
    if not items:
        yield items, folded
        return
    op, value = items[0]
    name = str(op)
    if name == "BRANCH":
        for alternative in value[1]:
            yield from _starts([*alternative, *items[1:]], folded)
    elif name == "SUBPATTERN":  # (group, add flags, remove flags, items)
        inner = folded or bool(value[1] & re.IGNORECASE)
        inner = inner and not value[2] & re.IGNORECASE
        yield from _starts([*value[3], *items[1:]], inner)
    else:
        yield items, folded


def _wide_count(item: Any, folded: bool) -> frozenset[str] | None:
    """The members of a wide class repeated a counted number of times above WIDE_REPEAT (`*`
    and `+` count nothing: one DFA state loops on them)."""
    op, value = item
    if str(op) not in ("MAX_REPEAT", "MIN_REPEAT"):
        return None
    low, high = value[0], value[1]
    counted = low if high == _MAXREPEAT else high
    if counted <= WIDE_REPEAT:
        return None
    if len(value[2]) != 1:
        return None
    members = _members(value[2][0], folded)
    return members if members is not None and members >= _LETTERS else None


def _members(item: Any, folded: bool) -> frozenset[str] | None:
    """The ASCII characters one atom matches, None when it is not a single character."""
    op, value = item
    name = str(op)
    if name == "ANY":
        out = _ASCII - {"\n"}
    elif name == "LITERAL":
        out = frozenset(chr(value))
    elif name == "NOT_LITERAL":
        out = _ASCII - {chr(value)}
    elif name == "IN":
        negate, chosen = False, set()
        for sub_op, sub_value in value:
            sub = str(sub_op)
            if sub == "NEGATE":
                negate = True
            elif sub == "LITERAL":
                chosen.add(chr(sub_value))
            elif sub == "RANGE":
                chosen.update(map(chr, range(sub_value[0], min(sub_value[1], 127) + 1)))
            elif sub == "CATEGORY":
                category = str(sub_value).replace("_NOT_", "_")
                found = _CATEGORIES.get(category)
                if found is None:
                    return None
                chosen.update(_ASCII - found if "_NOT_" in str(sub_value) else found)
            else:
                return None
        out = frozenset(_ASCII - chosen if negate else chosen)
    else:
        return None
    if folded:
        out |= {c.swapcase() for c in out if c in _LETTERS}
    return out


# Every AsciiSearch made: what `warm_searches` compiles.
_SEARCHES: list[AsciiSearch] = []


class AsciiSearch:
    """Whether a pattern occurs in a value, `bool(re.compile(source, flags).search(value))`:
    by google-re2 when the value is printable ASCII, by Python's `re` otherwise.

    On printable ASCII the two engines agree on these patterns (no line break for `$` to stop
    before, no case folding beyond ASCII, `\\s` only a space); `source` must use no syntax RE2
    lacks (backreferences, lookarounds). Python's `re` tries each of a placeholder list's ~50
    alternatives at every position: ~30 us for a 60-character token, RE2 ~2.5 us. Both engines
    compile on first use.
    """

    def __init__(self, source: str, flags: int = 0) -> None:
        if flags & ~re.IGNORECASE:
            raise ValueError("AsciiSearch takes no flag but re.IGNORECASE")
        self.python = lazy_compile(source, flags)
        self.source = ("(?i)" if flags else "") + source
        self.compiled: Any = None
        _SEARCHES.append(self)

    def __call__(self, value: str) -> bool:
        """True when the pattern occurs somewhere in `value`."""
        if re2 is not None and value.isascii() and value.isprintable():
            compiled = self.compiled
            if compiled is None:
                compiled = self.compile()
            return compiled.search(value.encode()) is not None
        return self.python.search(value) is not None

    def compile(self) -> Any:
        """The RE2 pattern, compiled now if this is its first use (None without google-re2)."""
        if self.compiled is None and re2 is not None:
            self.compiled = re2.compile(self.source, _options())
        return self.compiled


def warm_searches() -> int:
    """Compile every AsciiSearch's patterns, both engines; returns how many there are."""
    for search in _SEARCHES:
        search.compile()
        search.python.compile()
    return len(_SEARCHES)


class AnchorPasses:
    """The compiled passes of one ordered list of anchors (google-re2 required).

    `rare` marks anchors that seldom match where the passes run (providers' token prefixes, in
    code): they share a pass of their own, which a stream searches only from its `gate_from`.
    """

    def __init__(self, anchors: Sequence[str], rare: Sequence[bool] | None = None) -> None:
        self.anchors = tuple(anchors)
        seldom = (False,) * len(self.anchors) if rare is None else tuple(rare)
        lone = [runs_alone(a) for a in self.anchors]
        kinds = list(zip(self.anchors, seldom, lone, strict=True))
        dense = [a for a, is_rare, by_itself in kinds if not is_rare and not by_itself]
        shared_rare = [a for a, is_rare, by_itself in kinds if is_rare and not by_itself]
        alone = [a for a, _, by_itself in kinds if by_itself]
        groups = [_alternation(g) for g in (dense, shared_rare) if g]
        self.sources = (*groups, *alone)
        # Compiled on first use: on code the rare pass and most lone passes are never searched.
        self._patterns: list[Any] = [None] * len(self.sources)
        # A lone pass runs from where its anchor's hint (gate_hint: led by a literal, which RE2
        # finds at memchr speed) is first found, at most `lead` before it, and not at all where
        # there is none: a lone anchor's own DFA scan costs ~19 ms over 16 MB, its hint's 1-6.
        # `lead` None: the pass is not gated.
        hints = [gate_hint(a) for a in alone]
        no_hint = ((None,) if dense else ()) + ((None,) if shared_rare else ())
        self.hints = no_hint + tuple(None if hint is None else hint[0] for hint in hints)
        self.lead = no_hint + tuple(None if hint is None else hint[1] for hint in hints)
        self.rare = ((False,) if dense else ()) + ((True,) if shared_rare else ()) + tuple(
            False for _ in alone)
        self._hint_patterns: list[Any] = [None] * len(self.sources)
        # What a caller searches once to give a stream its `gate_from`: the rare anchors and
        # the hints, in one DFA (no hint leads with a class, so none multiplies its states).
        rare_sources = ([groups[-1]] if shared_rare else []) + [
            hint for hint in self.hints if hint is not None]
        self.rare_source = _alternation(rare_sources) if rare_sources else None

    @cached_property
    def combined(self) -> Any:
        """Every anchor in one pattern: run anchored where two passes tie, compiled then."""
        return compile_re2(_alternation(self.anchors))

    def pattern(self, index: int) -> Any:
        """The RE2 pattern of pass `index`, compiled on first use."""
        found = self._patterns[index]
        if found is None:
            found = self._patterns[index] = compile_re2(self.sources[index])
        return found

    def hint(self, index: int) -> Any:
        """The RE2 pattern of pass `index`'s hint, compiled on first use (the pass has one)."""
        found = self._hint_patterns[index]
        if found is None:
            found = self._hint_patterns[index] = compile_re2(str(self.hints[index]))
        return found

    def warm(self) -> None:
        """Compile every pass and the combined pattern now."""
        for index in range(len(self.sources)):
            self.pattern(index)
            if self.hints[index] is not None:
                self.hint(index)
        _ = self.combined

    def stream(self, data: bytes, endpos: int | None = None, gate_from: int | None = 0,
               ) -> AnchorStream:
        """A stream of this alternation's matches over `data[:endpos]`; `gate_from`: the
        caller knows that no match of `rare_source` starts before it (None: nowhere)."""
        return AnchorStream(self, data, len(data) if endpos is None else endpos,
                            _NOWHERE if gate_from is None else gate_from)


def _alternation(anchors: Sequence[str]) -> str:
    return "|".join(f"(?:{a})" for a in anchors)


class AnchorStream:
    """The alternation's leftmost-first match from any position, each pass searched only again
    when the position passes its last answer (so a scan moving forward stays linear)."""

    def __init__(self, passes: AnchorPasses, data: bytes, endpos: int, gate_from: int = 0,
                 ) -> None:
        self._passes = passes
        self._data = data
        self._endpos = endpos
        self._gate_from = gate_from
        # Each gated pass's hint as a pass's answer: [searched from, next start].
        self._hints = [[_NOWHERE, -1] for _ in passes.sources]
        # Per pass still able to match: [index, searched from, next start, its end], the answer
        # valid for positions in [from, start]. A pass with no match left is dropped.
        self._live = [[index, _NOWHERE, -1, -1] for index in range(len(passes.sources))]

    def first_from(self, pos: int) -> tuple[int, int] | None:
        """The (start, end) of the alternation's leftmost-first match starting at `pos` or later."""
        best, ends, dead = _NOWHERE, [], False
        for state in self._live:
            index, searched, start, end = state
            if not searched <= pos <= start:
                start, end = self._search(index, pos)
                state[1:] = pos, start, end
                dead = dead or start == _NOWHERE
            if start < best:
                best, ends = start, [end]
            elif start == best:
                ends.append(end)
        if dead:
            self._live = [state for state in self._live if state[2] != _NOWHERE]
        if best == _NOWHERE:
            return None
        if len(ends) > 1:  # two passes start here: the earlier anchor in the list decides
            m = self._passes.combined.match(self._data, best, self._endpos)
            return best, m.end()
        return best, ends[0]

    def _search(self, index: int, pos: int) -> tuple[int, int]:
        if self._passes.rare[index]:
            pos = max(pos, self._gate_from)
            if pos >= self._endpos:
                return _NOWHERE, _NOWHERE
        lead = self._passes.lead[index]
        if lead is not None:  # a match starts at most `lead` before the first hint after it
            hint = self._hint_search(index, pos)
            if hint == _NOWHERE:
                return _NOWHERE, _NOWHERE
            pos = max(pos, hint - lead)
        m = self._passes.pattern(index).search(self._data, pos, self._endpos)
        return (_NOWHERE, _NOWHERE) if m is None else m.span()

    def _hint_search(self, index: int, pos: int) -> int:
        """Where pass `index`'s first hint at `pos` or later starts, _NOWHERE when none does."""
        state = self._hints[index]
        searched, start = state
        if not searched <= pos <= start:
            begin = max(pos, self._gate_from)
            m = None if begin >= self._endpos else self._passes.hint(index).search(
                self._data, begin, self._endpos)
            start = _NOWHERE if m is None else m.start()
            state[:] = pos, start
        return start

    def spans(self, pos: int) -> Iterator[tuple[int, int]]:
        """Non-overlapping matches from `pos` on, as one `finditer` of the alternation gives."""
        while (span := self.first_from(pos)) is not None:
            yield span
            pos = span[1] if span[1] > span[0] else span[0] + 1


class Branches:
    """An ordered alternation of Python regexes with an RE2 anchor each: `match` at a position
    tries only the branches whose anchor matches there, compiling each on its first use."""

    def __init__(self, anchors: Sequence[str], sources: Sequence[str], fast: bool = True,
                 rare: Sequence[bool] | None = None) -> None:
        self.sources = tuple(sources)
        self.anchors = tuple(anchors)
        self.rare = rare  # see AnchorPasses
        self.fast = fast and re2 is not None
        self._compiled: dict[int, re.Pattern[str]] = {}
        self._whole: re.Pattern[str] | None = None

    @cached_property
    def passes(self) -> AnchorPasses | None:
        """The anchors' RE2 passes, compiled on first use; None without google-re2."""
        return AnchorPasses(self.anchors, self.rare) if self.fast else None

    @cached_property
    def _set(self) -> Any:
        return _anchored_set(self.anchors) if self.fast else None

    def warm(self) -> int:
        """Compile every pass and branch now (a server process, before its first review);
        returns how many branches there are."""
        if self.passes is not None:
            self.passes.warm()
            _ = self._set
        for index in range(len(self.sources)):
            self.branch(index)
        return len(self.sources)

    def branch(self, index: int) -> re.Pattern[str]:
        """The regex of one branch, compiled on first use."""
        found = self._compiled.get(index)
        if found is None:
            found = self._compiled[index] = re.compile(self.sources[index])
        return found

    def whole(self) -> re.Pattern[str]:
        """Every branch in one Python alternation (the path without google-re2)."""
        if self._whole is None:
            self._whole = re.compile("|".join(self.sources))
        return self._whole

    def match(self, text: str, data: bytes, start: int, endpos: int | None = None,
              ) -> re.Match[str] | None:
        """`whole().match(text, start, endpos)`, trying only the branches anchored at `start`.

        Every anchor matches at least where its branch can start, so branches the RE2 set does
        not name cannot match here: the result is the alternation's without trying each branch.
        """
        end = len(text) if endpos is None else endpos
        if self._set is None:
            return self.whole().match(text, start, end)
        # No anchor spans more than one line break (`<password>` + newline is the longest reach).
        # Line breaks are looked for within the window only: on a long minified line a search
        # to its end at every anchor would make the scan quadratic.
        limit = min(end, start + SET_WINDOW)
        first = data.find(b"\n", start, limit)
        second = -1 if first < 0 else data.find(b"\n", first + 1, limit)
        stop = limit if second < 0 else second
        for index in sorted(self._set.Match(data[start:stop]) or ()):
            m = self.branch(index).match(text, start, end)
            if m is not None:
                return m
        if stop == start + SET_WINDOW:  # a minified line: an anchor may reach past the window
            return self.whole().match(text, start, end)
        return None

    def may_match(self, texts: Sequence[str]) -> list[bool]:
        """For each text, False when no branch can match in it: one search over them all.

        The texts are searched joined by line breaks; an anchor match inside a text is one in
        the joined text at the same place, so a False is certain (a True may be a match that
        runs across a break, which `finditer` on that text then rules out).
        """
        if self.passes is None:
            return [True] * len(texts)
        stream = self.passes.stream("\n".join(texts).encode("ascii", "replace"))
        possible, pos = [], 0
        for text in texts:
            end = pos + len(text)
            span = stream.first_from(pos)
            possible.append(span is not None and span[0] < end)
            pos = end + 1
        return possible

    def finditer(self, text: str, data: bytes, pos: int = 0, endpos: int | None = None,
                 ) -> Iterator[re.Match[str]]:
        """`whole().finditer(text, pos, endpos)`, found from the anchors' starts."""
        end = len(text) if endpos is None else endpos
        if self.passes is None:
            yield from self.whole().finditer(text, pos, end)
            return
        stream = self.passes.stream(data, end)
        while (span := stream.first_from(pos)) is not None:
            m = self.match(text, data, span[0], end)
            if m is None:
                pos = span[0] + 1
                continue
            yield m
            pos = m.end() if m.end() > m.start() else m.start() + 1


def _anchored_set(anchors: Sequence[str]) -> Any:
    """Every anchor in one RE2 set anchored at the start: which branches can start here."""
    branches = re2.Set.MatchSet(_options(capture=True))
    for anchor in anchors:
        branches.Add(anchor.encode("ascii"))
    branches.Compile()
    return branches

