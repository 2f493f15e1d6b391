"""One pass over all added lines: every rule in one alternation, run over the joined text.

The added lines of every file are joined into one string. The matches of one alternation of
every rule's anchor are found over it by google-re2, in a few small passes merged back into the
alternation's matches (fastpass.py: one DFA for all of them slowed to ~1 MB/s on a long line of
base64); at each anchor hit, the rules' full patterns (Python `re`, with lookarounds) confirm
and extract. Without google-re2 the same anchors run in Python `re`, slower but identical in
result. A match offset is mapped back to (file, line) only when a rule fires."""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from checks.lazyre import lazy_compile
from checks.lineruns import joined_texts
from checks.model import ChangedFile, Line
from checks.secrets import derived, entropy, fastpass, generic, pairs, pem, quiet, urls
from checks.secrets.catalog import PROVIDER_RULES
from checks.secrets.keyword_rules import KEYWORD_RULES
from checks.secrets.rules import Rule

GENERIC = "generic"
PEM = "pem"
URL = "url"


@dataclass(frozen=True)
class Hit:
    """A rule that fired on an added line; `value` is the secret (never shown unmasked)."""

    rule: str
    name: str
    value: str
    path: str
    line: int
    end_line: int | None = None
    provider: bool = True
    key: str = ""
    checksum_mismatch: bool = False


@dataclass
class _Candidate:
    hit: Hit | None  # None: the shape matched but the value is not a secret
    start: int  # where the value starts and ends in the joined text
    end: int
    container: bool = False  # generic and URL hits give way to a provider token inside them


_GROUP_NAME = lazy_compile(r"\(\?P([<=])(\w+)")


def _rename_groups(pattern: str, index: int) -> str:
    return _GROUP_NAME.sub(rf"(?P\1\2_{index}", pattern)


_SPECIAL: tuple[tuple[str, str], ...] = (
    (PEM, pem.PATTERN), (URL, urls.PATTERN), (pairs.KIND, pairs.PATTERN),
    (GENERIC, generic.PATTERN),
)
# Keyword rules (a provider's name labels the value) run in a pass of their own: in the main
# pass a generic or pair match that starts earlier on the line (`ENV `, `\n`, `("`) would
# step over the provider's name.
# By identity: `in` on the tuple compares every field of ~100 rules (1,000 __eq__ at import).
_KEYWORD_IDS = frozenset(map(id, KEYWORD_RULES))
_PREFIXED = tuple(r for r in PROVIDER_RULES if id(r) not in _KEYWORD_IDS)
_BRANCHES: tuple[Rule | str, ...] = (*_PREFIXED, *(kind for kind, _ in _SPECIAL))
_SOURCES = (*(r.pattern for r in _PREFIXED), *(p for _, p in _SPECIAL))
_ANCHORS = (*(r.anchor or r.pattern for r in _PREFIXED), pem.ANCHOR, urls.ANCHOR,
            pairs.ANCHOR, generic.ANCHOR)
# A token's prefix, a private key's header and a URL with a password seldom occur in code; the
# generic and pair anchors match every few KB. The rare ones run only from where `_rare_from`
# finds one (fastpass.AnchorPasses).
_RARE = (*(True for _ in _PREFIXED), *(kind in (PEM, URL) for kind, _ in _SPECIAL))


# Everything below compiles on first use and is kept for the process: importing the check (the
# command line's `--help`, a worker's start) compiles nothing, and the Python branches compile
# one by one as the text names them. `fast` is whether google-re2 is there (the cache key lets
# a test compare both paths in one process).
@cache
def _main(fast: bool) -> fastpass.Branches:
    """Every rule's branch, with the group names of one alternation (`value_3`)."""
    return fastpass.Branches(_ANCHORS, [f"(?P<r{i}>{_rename_groups(p, i)})"
                                        for i, p in enumerate(_SOURCES)], fast=fast,
                             rare=_RARE)


@cache
def _providers(fast: bool) -> fastpass.Branches:
    """Every provider rule's branch, for text no line shows whole (joined literals, URLs)."""
    return fastpass.Branches([r.anchor or r.pattern for r in PROVIDER_RULES],
                             [f"(?P<r{i}>{_rename_groups(r.pattern, i)})"
                              for i, r in enumerate(PROVIDER_RULES)], fast=fast)


@cache
def _slow_anchors() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in _ANCHORS))


@cache
def _fast_joint() -> Any:
    return fastpass.compile_re2(derived.JOINT.pattern)


@cache
def _fast_run() -> Any:
    return fastpass.compile_re2(derived.RUN.pattern)


def _fast_runs(data: bytes) -> Callable[[int], Iterator[tuple[int, int]]]:
    """derived.RUN's spans from a position on, found by google-re2 (same leftmost-first spans).

    The first run found is kept: the next joint often asks again from a position before it.
    """
    compiled = _fast_run()
    last = (len(data) + 1, -1, -1)  # searched from, start, end: valid for [from, start]

    def runs(pos: int) -> Iterator[tuple[int, int]]:
        nonlocal last
        searched, start, end = last
        if not searched <= pos <= start:
            m = compiled.search(data, pos)
            if m is None:
                last = (pos, len(data) + 1, len(data) + 1)
                return
            start, end = int(m.start()), int(m.end())
            last = (pos, start, end)
        elif start > len(data):
            return
        yield start, end
        yield from ((int(m.start()), int(m.end())) for m in compiled.finditer(data, end))

    return runs


@cache
def _keyword_anchor(fast: bool) -> Any:
    source = _keyword_source()
    return fastpass.compile_re2(source) if fast else re.compile(source)


@cache
def _rare_gate() -> Any:
    """The searches that match nowhere in much code, as one RE2 pass (see `_rare_from`)."""
    passes = _main(True).passes
    sources = ([] if passes is None or passes.rare_source is None else [passes.rare_source])
    sources += [_keyword_source(), derived.JOINT.pattern, derived.SECRET_KIND_HINT]
    return fastpass.compile_re2("|".join(f"(?:{s})" for s in sources))


def _rare_from(corpus: Corpus) -> int | None:
    """Where the first match of a rare search can start (None: nowhere): a provider's anchor
    or a lone anchor's hint, a keyword rule's anchor, a joint of literals, `kind: Secret`.

    Run alone, each is a DFA scan of the whole text, ~19 ms over 16 MB; in much code (the bench
    diff's 16 MB) none finds anything, and one pass of them all rules them all out. Where one is
    found, each runs from there; that search stops at the first.
    """
    if not _fast():
        return 0
    m = _rare_gate().search(corpus.data)
    return None if m is None else int(m.start())


def _keyword_source() -> str:
    return "|".join(f"(?:{r.anchor})" for r in KEYWORD_RULES)


@cache
def _keyword_pattern(index: int) -> re.Pattern[str]:
    return re.compile(KEYWORD_RULES[index].pattern)


@cache
def _pem_in() -> re.Pattern[str]:
    return re.compile(pem.PATTERN)


@cache
def _prefix(rule: Rule) -> re.Pattern[str] | None:
    return re.compile(rule.prefix) if rule.prefix else None


def _fast() -> bool:
    return fastpass.available()


def warm() -> int:
    """Compile every secrets pattern now, as a server process does before its first review
    (a scan compiles only what its text needs); returns how many rule patterns there are."""
    fast = _fast()
    count = _main(fast).warm() + _providers(fast).warm()
    _slow_anchors()
    if fast:
        _fast_joint()
        _fast_run()
        _rare_gate()
    _keyword_anchor(fast)
    _pem_in()
    for index in range(len(KEYWORD_RULES)):
        _keyword_pattern(index)
    for rule in PROVIDER_RULES:
        _prefix(rule)
    fastpass.warm_searches()  # quiet.py's placeholder lists, RE2 and Python `re` alike
    return count + len(KEYWORD_RULES)


_ALNUM_RUN = lazy_compile(r"[A-Za-z0-9]*")
_KEY_END = lazy_compile(r"<?[A-Za-z0-9_.\-$]*")
_NOTEBOOK_LINE = lazy_compile(r'^\s*"((?:[^"\\]|\\.)*)",?\s*$')
_AWS_SECRET_NEAR = lazy_compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_KEY_LOOKBACK = 200
_BLANKS = lazy_compile(r"[^\S\n]*")
_AFTER_HEAD = 16  # longer than anything generic.is_whole_literal matches after the blanks
# `badge.svg?token=…`: a token in an image URL is a display token meant to be public (Codecov).
_IMAGE_QUERY = lazy_compile(r"(?:\.(?:svg|png|gif|jpe?g|webp)|/badge|shields\.io/[^\s?\"']*)\?"
                          r"(?:[\w.\-]+=[^&\s\"']*&)*$")
_IMAGE_LOOKBACK = 80
_QUERY_NEXT = lazy_compile(r"&(?=[\w.\-]+=)")
_SCHEME_IN = lazy_compile(r"(?:Bearer|Basic|Token|bearer|token)[ \t]+$")
_CONN_EDGE = frozenset(";\"'")
_QUOTES = frozenset("\"'")
_YAML_SIGILS = frozenset("!&*")
AWS_NEAR_LINES = 5
AWS_NEAR_MIN_ENTROPY = 4.2


def _notebook_line(text: str) -> str:
    """The code inside one `"source"` string of an .ipynb file (JSON-escaped)."""
    match = _NOTEBOOK_LINE.match(text)
    if not match:
        return text
    try:
        return str(json.loads(f'"{match.group(1)}"')).rstrip("\n")
    except ValueError:
        return text


def scan_lines(changed: ChangedFile) -> Sequence[Line]:
    """The added lines as scanned: notebook source strings are decoded to their code."""
    if changed.path.endswith(".ipynb"):
        return tuple(Line(line.number, _notebook_line(line.text)) for line in changed.added)
    return changed.added


class Corpus:
    """The added lines of all files joined, with the offsets to map a match back to a line."""

    def __init__(self, files: Sequence[ChangedFile]) -> None:
        self.files = tuple(f for f in files if f.added and not f.binary)
        self.lines = tuple(scan_lines(f) for f in self.files)
        self.starts: list[int] = []
        parts: list[str] = []
        offset = 0
        for lines in self.lines:
            # A diff's lines are a view over its text: cut a run at a time, no Line per line.
            chunk = joined_texts(lines)
            self.starts.append(offset)
            parts.append(chunk)
            offset += len(chunk) + 1
        self.text = "\n".join(parts)
        self.data = ascii_bytes(self.text)
        self._cursor = (-1, 0, 0)  # file index, offset, line index: matches come in order
        self._numbers: dict[tuple[int, int], int] = {}

    def number(self, file_index: int, line_index: int) -> int:
        """The line number (in the new file) of a line, kept once asked for.

        A diff's lines are a view that cuts a line's text on each access: a minified bundle's
        thousands of hits on its one 5 MB line each copied it (2.4 MB/s)."""
        key = (file_index, line_index)
        found = self._numbers.get(key)
        if found is None:
            found = self._numbers[key] = self.lines[file_index][line_index].number
        return found

    def locate(self, pos: int) -> tuple[int, int]:
        """The (file index, line index) of offset `pos`."""
        index = bisect_right(self.starts, pos) - 1
        cur_file, cur_pos, cur_line = self._cursor
        if cur_file != index or cur_pos > pos:
            cur_pos, cur_line = self.starts[index], 0
        line = cur_line + self.text.count("\n", cur_pos, pos)
        self._cursor = (index, pos, line)
        return index, line


def _provider(rule: Rule, m: re.Match[str], corpus: Corpus, index: int | None,
              ) -> _Candidate | None:
    start = m.start()
    if rule.boundary and start and re.match(f"[{rule.boundary}]", corpus.text[start - 1]):
        return None
    group = "value" if index is None else f"value_{index}"
    value_start = m.start(group) if group in m.re.groupindex else start
    value = m.group(group) if group in m.re.groupindex else m.group(0)
    file_index, line_index = corpus.locate(value_start)  # the value's line, not its key's
    # The lines from the key to the value: keyword rules read the key (XML, Postman pairs).
    text = corpus.text
    end = text.find("\n", value_start)
    line_text = text[text.rfind("\n", 0, start) + 1:len(text) if end < 0 else end]
    hit = _judge(rule, value, line_text, corpus.files[file_index].path,
                 corpus.number(file_index, line_index))
    return _Candidate(hit, value_start, value_start + len(value))


def _judge(rule: Rule, value: str, line_text: str, path: str, number: int) -> Hit | None:
    """The hit for a value of the rule's shape, None when it is a placeholder or look-alike."""
    prefix = _prefix(rule)
    head = prefix.match(value) if prefix else None
    secret_part = value[head.end():] if head else value
    placeholder = quiet.is_placeholder_body if rule.binary else quiet.is_placeholder_token
    real = (
        not placeholder(secret_part)
        and not quiet.is_documented_example(value)
        and (rule.validate is None or rule.validate(value, line_text))
    )
    if not real:
        return None
    mismatch = rule.checksum is not None and not rule.checksum(value)
    return Hit(rule.id, rule.name, value, path, number, checksum_mismatch=mismatch)


def _pem(m: re.Match[str], corpus: Corpus, index: int) -> _Candidate:
    file_index, line_index = corpus.locate(m.start())
    lines = corpus.lines[file_index]
    line_start = corpus.text.rfind("\n", 0, m.start()) + 1
    block = pem.find_block(m.group(f"kind_{index}"), lines, line_index, m.start() - line_start)
    hit = None if block is None else Hit(
        pem.RULE_ID, pem.describe(block.kind), block.value, corpus.files[file_index].path,
        lines[line_index].number, block.end_line)
    return _Candidate(hit, m.start(), m.end())


def _url(m: re.Match[str], corpus: Corpus, index: int) -> _Candidate:
    user, value, host = (m.group(f"{g}_{index}") for g in ("user", "value", "host"))
    hit = None
    if urls.is_secret(user, value, host):
        file_index, line_index = corpus.locate(m.start())
        hit = Hit(urls.RULE_ID, urls.NAME, value, corpus.files[file_index].path,
                  corpus.number(file_index, line_index))
    start = m.start(f"value_{index}")
    return _Candidate(hit, start, start + len(value), container=True)


def _pair(m: re.Match[str], corpus: Corpus, index: int) -> _Candidate | None:
    """A secret-named value in a setter call, XML pair, YAML block, escaped JSON, netrc, CLI."""
    found = pairs.extract(m.groupdict())
    if found is None:  # pragma: no cover - the branch matched, so one value group is set
        return None
    alt, key, group = found
    value, start, end = m.group(group), m.start(group), m.end(group)
    text = corpus.text
    line_start = text.rfind("\n", 0, m.start()) + 1
    line_end = text.find("\n", end)
    after = text[line_end + 1:text.find("\n", line_end + 1)] if line_end >= 0 else ""
    if alt in ("3", "5"):  # the whole identifier: `not_secret: |` is not `secret`
        key_start = generic.identifier_start(text, m.start(), line_start)
        key = text[key_start:m.start()] + key
    file_index, line_index = corpus.locate(start)
    path = corpus.files[file_index].path
    candidate = _Candidate(None, start, end, container=True)
    indent = m.group(f"i3_{index}") if alt == "3" else ""
    if pairs.applies(alt, path, text[line_start:m.start()], after, indent) and \
            pairs.is_secret(alt, key, value):
        rule = generic.rule_for(key, value)
        candidate.hit = Hit(rule, "AWS secret access key" if rule != generic.RULE_ID else
                            pairs.NAME, value, path, corpus.number(file_index, line_index),
                            provider=rule != generic.RULE_ID, key=key)
    return candidate


@cache
def _value_groups(index: int) -> tuple[str, ...]:
    """The generic branch's value groups as named in the alternation (`quoted_101`, …)."""
    return tuple(f"{name}_{index}" for name in ("quoted", "bare", "xml"))


def _generic(m: re.Match[str], corpus: Corpus, index: int) -> _Candidate:
    group = next(g for g in _value_groups(index) if m.start(g) >= 0)
    value, start = m.group(group), m.start(group)
    bare = group.startswith("bare")
    if bare:  # `?token=abc&next=x`: a URL query's value ends at `&`
        value = _QUERY_NEXT.split(value, 1)[0]
    value, skipped = generic.split_scheme(value)  # `"Authorization": "Bearer …"`
    candidate = _Candidate(None, start + skipped, start + skipped + len(value), container=True)
    # Too short for generic.looks_random, which the hit needs: in code most values are (`None`,
    # `self`, `''`), and the key and the literal's place need not be read.
    if len(value) < generic.MIN_LENGTH:
        return candidate
    quoted = not bare
    if not quoted and value[:1] in _YAML_SIGILS:  # `!tag`, `&anchor`, `*alias` only in YAML
        quoted = not corpus.files[corpus.locate(m.start())[0]].path.endswith((".yml", ".yaml"))
    # Identifiers are short: looking back a bounded distance keeps minified files linear.
    floor = max(corpus.text.rfind("\n", max(0, m.start() - _KEY_LOOKBACK), m.start()) + 1,
                m.start() - _KEY_LOOKBACK)
    key_start = generic.identifier_start(corpus.text, m.start(), floor)
    if not generic.is_key_position(corpus.text, key_start) or _IMAGE_QUERY.search(
            corpus.text, max(floor, key_start - _IMAGE_LOOKBACK), key_start):
        return candidate
    key_end = _KEY_END.match(corpus.text, m.start()).end()  # type: ignore[union-attr]
    key = corpus.text[key_start:key_end].lstrip("<$-")
    if corpus.text.startswith("(", key_end):  # `dataSource.setPassword(`: the method names it
        key = key.rsplit(".", 1)[-1]
    if not generic.is_secret_key(key):
        return candidate
    file_index, line_index = corpus.locate(m.start())
    path = corpus.files[file_index].path
    # Entropy and the look-alike tests last: the cheap tests of the key and of where the literal
    # sits turn most hits away first (a minified bundle's `token:e.token`), same result.
    if not _literal_in_place(corpus, m, group, key_start, key_end, path) or \
            not generic.looks_random(value, quoted=quoted):
        return candidate
    rule = generic.rule_for(key, value)
    candidate.hit = Hit(rule, "AWS secret access key" if rule != generic.RULE_ID else
                        "secret", value, path, corpus.number(file_index, line_index),
                        provider=rule != generic.RULE_ID, key=key)
    return candidate


def _literal_in_place(corpus: Corpus, m: re.Match[str], group: str, key_start: int,
                      key_end: int, path: str) -> bool:
    """True when the value is a whole literal where this file type writes literals."""
    text, value_start = corpus.text, m.start(group)
    value = m.group(group)
    # Only a bare value ends at a query's next `&k=`; a quoted literal runs to its quote.
    value_end = value_start + len(_QUERY_NEXT.split(value, 1)[0] if group.startswith("bare")
                                  else value)
    after_start = value_end + (1 if group.startswith("quoted") else 0)  # past the quote
    # generic.is_whole_literal reads the rest of the line only up to its first non-blank
    # character and a few after it: a bounded slice keeps a long line of many values linear.
    cutoff = _BLANKS.match(text, after_start).end() + _AFTER_HEAD  # type: ignore[union-attr]
    line_end = text.find("\n", value_end, cutoff)
    after = text[after_start:min(cutoff, len(text)) if line_end < 0 else line_end]
    operator = text[key_end:value_start]
    if "(" in operator and "set" not in generic.key_words(text[key_start:key_end]):
        return False  # a call with a literal argument is a setter or nothing
    if group.startswith("bare"):
        # `Authorization: Bearer …` inside a string, `Password=…;` in a connection string.
        before = text[key_start - 1:key_start]
        in_connection_string = "=" in operator and (
            (before == ";" and after[:1] in _CONN_EDGE) or (before in _QUOTES and after[:1] == ";"))
        in_string = _SCHEME_IN.search(operator) or in_connection_string
        if in_string:
            return True
        if not generic.allows_bare_values(path):
            return False
    return generic.is_whole_literal(group[:group.rindex("_")], operator, after, path)


def match_at(text: str, data: bytes, start: int) -> re.Match[str] | None:
    """The alternation of every rule's branch matched at `start`, trying only the branches whose
    anchor matches there (see fastpass.Branches.match)."""
    return _main(_fast()).match(text, data, start)


def anchor_spans(text: str, data: bytes, rare_from: int | None = 0,
                 ) -> Callable[[int], Iterator[tuple[int, int]]]:
    """A function giving the (start, end) of each anchor match from `pos` on, in order.

    Matches do not overlap; the caller starts again from a position inside the last match when
    that match led nowhere, so one rule's anchor (`ENV `, `("`) cannot hide another's start.
    The function keeps what each RE2 pass found, so starting again costs no second search.
    `rare_from` is `_rare_from`'s answer: no rare anchor nor lone anchor's hint starts before it.
    """
    passes = _main(_fast()).passes
    if passes is None:
        slow = _slow_anchors()
        return lambda pos: (m.span() for m in slow.finditer(text, pos))
    return passes.stream(data, gate_from=rare_from).spans


def ascii_bytes(text: str) -> bytes:
    """The text for RE2: ASCII with `?` for anything else keeps byte offsets equal to character
    offsets; every anchor is ASCII, and the full patterns run on the real text."""
    return text.encode("ascii", "replace")


def _candidates(corpus: Corpus, rare_from: int | None) -> Iterator[_Candidate]:
    text, pos, data = corpus.text, 0, corpus.data
    spans = anchor_spans(text, data, rare_from)
    anchors = spans(0)
    while (span := next(anchors, None)) is not None:
        start, end = span
        if start < pos:
            continue
        m = match_at(text, data, start)
        if m is None:  # no rule starts inside this run either (`AAAA…` of a zero-filled blob)
            pos = max(start + 1, _ALNUM_RUN.match(text, start).end())  # type: ignore[union-attr]
            if pos < end:
                anchors = spans(pos)
            continue
        index = int(m.lastgroup[1:])  # type: ignore[index]
        branch = _BRANCHES[index]
        pos = max(m.end(), start + 1)
        if isinstance(branch, Rule):
            candidate = _provider(branch, m, corpus, index)
            if candidate is None:  # the text before continues it: so would any start in the run
                pos = max(start + 1, _ALNUM_RUN.match(text, start).end())  # type: ignore[union-attr]
        elif branch == PEM:
            candidate = _pem(m, corpus, index)
        elif branch == pairs.KIND:
            candidate = _pair(m, corpus, index)
            if candidate is not None:
                pos = max(candidate.start, start + 1)  # a token in the value is found alone
                # Search again from the value: a later anchor (`TOKEN: ` of a command-line
                # header) may have covered the token's own.
                anchors = spans(pos)
        elif branch == URL:
            candidate = _url(m, corpus, index)
            # The fast pass skipped the user and password: a token there speaks for itself.
            yield from _tokens_within(corpus, m.start(f"user_{index}"), candidate.end)
        else:
            candidate = _generic(m, corpus, index)
            # A provider token inside the value is found on its own.
            pos = max(candidate.start, start + 1)
        if pos < end:  # the next rule may start inside this anchor's match
            anchors = spans(pos)
        if candidate is not None:
            yield candidate


def _keyword_candidates(corpus: Corpus, rare_from: int | None) -> Iterator[_Candidate]:
    """Tokens without a prefix, where a key naming their provider is assigned them."""
    if rare_from is None:
        return
    text = corpus.text
    fast = _fast()
    anchor = _keyword_anchor(fast)
    starts: Iterator[int] = (int(m.start()) for m in anchor.finditer(
        corpus.data if fast else text, rare_from))
    for start in starts:
        for index, rule in enumerate(KEYWORD_RULES):
            m = _keyword_pattern(index).match(text, start)
            if m is not None:
                candidate = _provider(rule, m, corpus, None)
                if candidate is not None:
                    yield candidate
                break


def _tokens_within(corpus: Corpus, start: int, end: int) -> Iterator[_Candidate]:
    """Provider tokens between `start` and `end` (the credentials part of a URL)."""
    for m in _providers(_fast()).finditer(corpus.text, corpus.data, start, end):
        index = int(m.lastgroup[1:])  # type: ignore[index]
        candidate = _provider(PROVIDER_RULES[index], m, corpus, index)
        if candidate is not None:
            yield candidate


def _resolve(candidates: list[_Candidate]) -> list[Hit]:
    """Drop generic/URL hits whose value holds a provider-shaped token (it speaks for itself)."""
    tokens = [c for c in candidates if not c.container]
    hits = []
    for cand in candidates:
        if cand.hit is None:
            continue
        if cand.container and any(cand.start <= t.start < cand.end for t in tokens):
            continue
        hits.append(cand.hit)
    return hits


def _aws_secrets_near(corpus: Corpus, hits: list[Hit]) -> list[Hit]:
    """A 40-character secret access key within a few lines of an AWS access key id."""
    found: list[Hit] = []
    seen = {(h.path, h.line) for h in hits if h.rule == generic.AWS_SECRET_ID}
    by_path = {f.path: i for i, f in enumerate(corpus.files)}
    for hit in hits:
        if hit.rule != "aws-access-key-id":
            continue
        for line in corpus.lines[by_path[hit.path]]:
            if abs(line.number - hit.line) > AWS_NEAR_LINES or (hit.path, line.number) in seen:
                continue
            for m in _AWS_SECRET_NEAR.finditer(line.text):
                value = m.group()
                if _looks_like_aws_secret(value):
                    seen.add((hit.path, line.number))
                    found.append(Hit(generic.AWS_SECRET_ID, "AWS secret access key", value,
                                     hit.path, line.number))
    return found


def _looks_like_aws_secret(value: str) -> bool:
    return (any(c.islower() for c in value) and any(c.isupper() for c in value)
            and any(c.isdigit() for c in value)
            and entropy.shannon(value) >= AWS_NEAR_MIN_ENTROPY
            and not quiet.is_documented_example(value))


def _in_text(value: str, path: str, number: int, within: Callable[[int, int], bool],
             tokens: bool = True) -> Iterator[Hit]:
    """Provider tokens (unless `tokens` is False) and private keys in derived text."""
    matches = _providers(_fast()).finditer(value, ascii_bytes(value)) if tokens else iter(())
    for m in matches:
        index = int(m.lastgroup[1:])  # type: ignore[index]
        rule = PROVIDER_RULES[index]
        group = f"value_{index}"
        start = m.start(group) if group in m.re.groupindex else m.start()
        token = m.group(group) if group in m.re.groupindex else m.group()
        if rule.boundary and start and re.match(f"[{rule.boundary}]", value[start - 1]):
            continue
        if within(start, start + len(token)):
            hit = _judge(rule, token, value, path, number)
            if hit is not None:
                yield hit
    for m in _pem_in().finditer(value):
        if within(m.start(), len(value)):  # the key's body runs on past the marker's literal
            block = pem.find_block(m.group("kind"), (Line(number, value),), 0, m.start())
            if block is not None:
                yield Hit(pem.RULE_ID, pem.describe(block.kind), block.value, path, number)


def _derived(corpus: Corpus, rare_from: int | None) -> Iterator[Hit]:
    """Tokens split over concatenated literals, and tokens in a Kubernetes Secret's data."""
    if rare_from is None:  # no joint, no `kind: Secret`
        return
    text, data = corpus.text, corpus.data
    runs = _fast_runs(data) if _fast() else None
    every = list(derived.joined_literals(text, _joint_starts(text, data, rare_from), runs))
    # One anchor search over all joined values says which can hold a token at all: a minified
    # bundle has thousands of `"a"+"b"`, and searching each on its own costs more than the rest.
    possible = _providers(_fast()).may_match([joined.value for joined in every]) if every else []
    for joined, tokens in zip(every, possible, strict=True):
        file_index, line_index = corpus.locate(joined.start)
        number = corpus.number(file_index, line_index)
        yield from _in_text(joined.value, corpus.files[file_index].path, number,
                            joined.spans_a_joint, tokens)
    for file_index, changed in enumerate(corpus.files):
        start = corpus.starts[file_index]
        end = corpus.starts[file_index + 1] if file_index + 1 < len(corpus.starts) else len(
            corpus.text)
        if end <= rare_from or not changed.path.endswith((".yaml", ".yml")) or \
                not derived.is_secret_manifest(corpus.text, start, end):
            continue
        lines = corpus.lines[file_index]
        for line_index, decoded in derived.secret_data(lines):
            yield from _in_text(decoded.replace("\r", "").replace("\n", "\\n"),
                                changed.path, lines[line_index].number, _anywhere)


def _joint_starts(text: str, data: bytes, pos: int) -> Iterator[int]:
    """Where string literals may be concatenated from `pos` on, found by google-re2 when it is
    there."""
    if not _fast():
        return (m.start() for m in derived.JOINT.finditer(text, pos))
    return (int(m.start()) for m in _fast_joint().finditer(data, pos))


def _anywhere(_start: int, _end: int) -> bool:
    return True


def find_secrets(files: Sequence[ChangedFile]) -> list[Hit]:
    """Every secret on the added lines of `files`, in diff order."""
    corpus = Corpus(files)
    rare_from = _rare_from(corpus)
    hits = _resolve([*_candidates(corpus, rare_from), *_keyword_candidates(corpus, rare_from)])
    hits += _aws_secrets_near(corpus, hits)
    seen = {(h.path, h.line, h.rule) for h in hits}
    for hit in _derived(corpus, rare_from):
        if (hit.path, hit.line, hit.rule) not in seen:
            seen.add((hit.path, hit.line, hit.rule))
            hits.append(hit)
    return hits
