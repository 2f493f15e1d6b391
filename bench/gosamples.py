"""Evaluate the sample expressions of gitleaks' Go rule files (a small subset of Go, no Go needed).

Used by bench/peer_samples.py. Supported: string literals (interpreted and raw), `+`,
`[]string{...}`, `map[string]string{...}`, `append(x, y...)`, local variables, `fmt.Sprintf`
with `%s`/`%v`/`%d`, `strings.Repeat`/`ToUpper`/`ToLower`, gitleaks' sample helpers
(GenerateSampleSecret(s), the `utils` regex builders) and `secrets.NewSecret(regex)`, which
gets a value from a generator over Python's regex parser. Anything else raises GoError and the
statement is counted as skipped by the caller.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

try:  # Python 3.11+
    import re._constants as sre_constants  # type: ignore[import-not-found]
    import re._parser as sre_parse  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]


class GoError(Exception):
    """An expression or regex outside the supported subset."""


@dataclass(frozen=True)
class Value:
    """One evaluated sample: its text, the GenerateSampleSecrets syntax key, the path it names."""

    text: str
    syntax: str | None = None
    path: str | None = None


@dataclass
class Rule:
    """A rule's id, the samples that could be evaluated, and why the others could not."""

    rule_id: str
    tps: list[Value] = field(default_factory=list)
    fps: list[Value] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


_TOKEN = re.compile(r"""
    (?P<ws>[ \t\r]+) | (?P<nl>\n) | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<raw>`[^`]*`) | (?P<str>"(?:[^"\\\n]|\\.)*") | (?P<char>'(?:[^'\\\n]|\\.)+')
  | (?P<num>\d+(?:\.\d+)?) | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\.\.\.|:=|==|!=|<=|>=|&&|\|\||\+=|[-+*/%(){}\[\],.:;=<>!&|^])
""", re.VERBOSE | re.DOTALL)

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "a": "\a",
            "b": "\b", "f": "\f", "v": "\v"}


def _unquote(literal: str) -> str:
    body = literal[1:-1]
    out = []
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt == "x":
            out.append(chr(int(body[i + 2:i + 4], 16)))
            i += 4
        elif nxt == "u":
            out.append(chr(int(body[i + 2:i + 6], 16)))
            i += 6
        elif nxt == "U":
            out.append(chr(int(body[i + 2:i + 10], 16)))
            i += 10
        elif nxt in "01234567":
            out.append(chr(int(body[i + 1:i + 4], 8)))
            i += 4
        else:
            raise GoError(f"unknown escape \\{nxt}")
    return "".join(out)


@dataclass(frozen=True)
class Tok:
    kind: str
    text: str


def tokenize(source: str) -> list[Tok]:
    """Go tokens, comments dropped, newlines kept (statement boundaries)."""
    tokens = []
    pos = 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if m is None:
            tokens.append(Tok("other", source[pos]))
            pos += 1
            continue
        pos = m.end()
        kind = m.lastgroup or "other"
        if kind in ("ws", "comment"):
            if kind == "comment" and "\n" in m.group():
                tokens.append(Tok("nl", "\n"))
            continue
        tokens.append(Tok(kind, m.group()))
    return tokens


# --- a value generator for Go (RE2) regexes, over Python's regex parser ---

_CATEGORY_CHARS = {
    sre_constants.CATEGORY_DIGIT: "0123456789",
    sre_constants.CATEGORY_WORD: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_",
    sre_constants.CATEGORY_SPACE: " ",
    sre_constants.CATEGORY_NOT_DIGIT: "abcXYZ",
    sre_constants.CATEGORY_NOT_WORD: "-.",
    sre_constants.CATEGORY_NOT_SPACE: "abcXYZ019",
}
_PRINTABLE = [chr(c) for c in range(0x21, 0x7f)]
_POSIX = {"alnum": "a-zA-Z0-9", "alpha": "a-zA-Z", "digit": "0-9", "upper": "A-Z",
          "lower": "a-z", "xdigit": "0-9A-Fa-f", "space": r"\s", "punct": r"!-/:-@\[-`{-~",
          "word": r"\w"}


def _go_to_python(regex: str) -> str:
    regex = regex.replace(r"\z", r"\Z")
    regex = re.sub(r"\[:(\w+):\]", lambda m: _POSIX.get(m.group(1), m.group()), regex)
    # RE2 allows a flag group anywhere; Python only at the start: these samples are generated
    # as written (case as in the pattern), so flags do not change what is produced.
    return re.sub(r"\(\?[imsU]+\)", "", regex)


def generate(regex: str, rng: random.Random, limit: int = 1) -> str:
    """A string matching `regex` (RE2 syntax); unbounded repeats add up to `limit` items."""
    try:
        parsed = sre_parse.parse(_go_to_python(regex))
    except (re.error, OverflowError) as exc:
        raise GoError(f"regex not parsed: {exc}") from exc
    return "".join(_emit(parsed, rng, limit))


def _set_choices(items: list[tuple[object, object]]) -> list[str]:
    chars: set[str] = set()
    negate = False
    for op, arg in items:
        if op is sre_constants.NEGATE:
            negate = True
        elif op is sre_constants.LITERAL:
            chars.add(chr(arg))  # type: ignore[arg-type]
        elif op is sre_constants.RANGE:
            lo: int
            hi: int
            lo, hi = arg  # type: ignore[misc]
            chars.update(chr(c) for c in range(lo, hi + 1))
        elif op is sre_constants.CATEGORY:
            chars.update(_CATEGORY_CHARS.get(arg, ""))  # type: ignore[call-overload]
        else:
            raise GoError(f"character set item {op}")
    if negate:
        return [c for c in _PRINTABLE if c not in chars]
    return sorted(chars)


def _emit(parsed: object, rng: random.Random, limit: int) -> Iterator[str]:
    for op, arg in parsed:  # type: ignore[attr-defined]
        if op is sre_constants.LITERAL:
            yield chr(arg)
        elif op is sre_constants.NOT_LITERAL:
            yield rng.choice([c for c in _PRINTABLE if c != chr(arg)])
        elif op is sre_constants.ANY:
            yield rng.choice(_PRINTABLE)
        elif op is sre_constants.IN:
            choices = _set_choices(arg)
            if not choices:
                raise GoError("empty character set")
            yield rng.choice(choices)
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT,
                    getattr(sre_constants, "POSSESSIVE_REPEAT", None)):
            lo, hi, sub = arg
            hi = lo + limit if hi is sre_constants.MAXREPEAT else hi
            for _ in range(rng.randint(lo, hi)):
                yield from _emit(sub, rng, limit)
        elif op is sre_constants.SUBPATTERN:
            yield from _emit(arg[-1], rng, limit)
        elif op is sre_constants.BRANCH:
            yield from _emit(rng.choice(arg[1]), rng, limit)
        elif op is sre_constants.CATEGORY:
            yield rng.choice(_CATEGORY_CHARS.get(arg, "a"))
        elif op is sre_constants.AT:
            continue
        else:
            raise GoError(f"regex construct {op}")


# --- the evaluator ---

_PATTERN_HELPERS = {  # gitleaks cmd/generate/config/utils/patterns.go, by behaviour
    "utils.Numeric": "[0-9]{%s}", "utils.Hex": "[a-f0-9]{%s}",
    "utils.AlphaNumeric": "[a-z0-9]{%s}", "utils.AlphaNumericExtendedShort": "[a-z0-9_-]{%s}",
    "utils.AlphaNumericExtended": r"[a-z0-9=_\-]{%s}",
    "utils.AlphaNumericExtendedLong": r"[a-z0-9\/=_\+\-]{%s}",
}
_HEX_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
GoValue = str | list[Value] | dict[str, str]


class _Parser:
    def __init__(self, tokens: list[Tok], pos: int, env: dict[str, GoValue],
                 templates: dict[str, str], rng: random.Random) -> None:
        self.tokens, self.pos, self.env = tokens, pos, env
        self.templates, self.rng = templates, rng

    def peek(self, skip_nl: bool = True) -> Tok:
        while skip_nl and self.pos < len(self.tokens) and self.tokens[self.pos].kind == "nl":
            self.pos += 1
        return self.tokens[self.pos] if self.pos < len(self.tokens) else Tok("eof", "")

    def take(self, text: str | None = None) -> Tok:
        tok = self.peek()
        if text is not None and tok.text != text:
            raise GoError(f"expected {text!r}, got {tok.text!r}")
        self.pos += 1
        return tok

    def expression(self) -> GoValue:
        value = self.primary()
        while self.peek(skip_nl=False).text == "+":
            self.take("+")
            right = self.primary()
            if not isinstance(value, str) or not isinstance(right, str):
                raise GoError("+ on non-strings")
            value = value + right
        return value

    def _dotted(self) -> str:
        name = self.take().text
        while self.peek(skip_nl=False).text == "." and self.tokens[self.pos + 1].kind == "ident":
            self.take(".")
            name += "." + self.take().text
        return name

    def primary(self) -> GoValue:
        tok = self.peek()
        if tok.kind in ("str", "raw"):
            self.pos += 1
            return _unquote(tok.text) if tok.kind == "str" else tok.text[1:-1]
        if tok.text == "[":
            self.take("[")
            self.take("]")
            if self.take().text != "string":
                raise GoError("slice of non-strings")
            return [v if isinstance(v, Value) else Value(v) for v in self._elements()]
        if tok.kind == "ident" and tok.text == "map":
            self.take()
            for part in ("[", "string", "]", "string"):
                self.take(part)
            return self._map()
        if tok.kind == "ident":
            name = self._dotted()
            if self.peek(skip_nl=False).text == "(":
                return self.call(name)
            if name in ("nil",):
                return []
            if name not in self.env:
                raise GoError(f"unknown name {name}")
            return self.env[name]
        raise GoError(f"unexpected {tok.text!r}")

    def _elements(self) -> list[Value | str]:
        self.take("{")
        out: list[Value | str] = []
        while self.peek().text != "}":
            value = self.expression()
            if not isinstance(value, str):
                raise GoError("non-string slice element")
            out.append(value)
            if self.peek().text == ",":
                self.take(",")
        self.take("}")
        return out

    def _map(self) -> dict[str, str]:
        self.take("{")
        out: dict[str, str] = {}
        while self.peek().text != "}":
            key = self.expression()
            self.take(":")
            value = self.expression()
            if not isinstance(key, str) or not isinstance(value, str):
                raise GoError("non-string map entry")
            out[key] = value
            if self.peek().text == ",":
                self.take(",")
        self.take("}")
        return out

    def _args(self) -> list[tuple[GoValue, bool]]:
        self.take("(")
        args: list[tuple[GoValue, bool]] = []
        while self.peek().text != ")":
            value = self.expression()
            spread = self.peek().text == "..."
            if spread:
                self.take("...")
            args.append((value, spread))
            if self.peek().text == ",":
                self.take(",")
        self.take(")")
        return args

    def call(self, name: str) -> GoValue:
        args = self._args()
        strings = [a for a, _ in args]
        if name == "append":
            base = strings[0]
            if not isinstance(base, list):
                raise GoError("append to a non-slice")
            out = list(base)
            for value, spread in args[1:]:
                if spread and isinstance(value, list):
                    out.extend(value)
                elif isinstance(value, str) and not spread:
                    out.append(Value(value))
                else:
                    raise GoError("append of an unsupported value")
            return out
        if name in _PATTERN_HELPERS:
            return _PATTERN_HELPERS[name] % _string(strings[0])
        if name == "utils.Hex8_4_4_4_12":
            return _HEX_UUID
        if name == "secrets.NewSecret":
            return generate(_string(strings[0]), self.rng)
        if name == "utils.GenerateSampleSecret":
            return f'{_string(strings[0])}_api_token = "{_string(strings[1])}"'
        if name == "utils.GenerateSampleSecrets":
            ident, secret = _string(strings[0]), _string(strings[1])
            return [Value(t.replace("{i}", ident).replace("{I}", ident.upper())
                          .replace("{s}", secret), syntax=key)
                    for key, t in self.templates.items()]
        if name == "fmt.Sprintf":
            return _sprintf(_string(strings[0]), [_string(s) for s in strings[1:]])
        if name == "strings.Repeat":
            return _string(strings[0]) * int(_string(strings[1]))
        if name == "strings.ToUpper":
            return _string(strings[0]).upper()
        if name == "strings.ToLower":
            return _string(strings[0]).lower()
        raise GoError(f"unsupported call {name}")


def _string(value: GoValue) -> str:
    if not isinstance(value, str):
        raise GoError("expected a string")
    return value


def _sprintf(fmt: str, args: list[str]) -> str:
    it = iter(args)

    def sub(m: re.Match[str]) -> str:
        return "%" if m.group() == "%%" else next(it)

    try:
        return re.sub(r"%%|%[svdq]", sub, fmt)
    except StopIteration as exc:
        raise GoError("too few Sprintf arguments") from exc


def sample_templates(generate_go: str) -> dict[str, str]:
    """The `samples` map of gitleaks' GenerateSampleSecrets (syntax key -> template)."""
    tokens = tokenize(generate_go)
    for i, tok in enumerate(tokens):
        if tok.text == "samples" and tokens[i + 1].text == ":=":
            value = _Parser(tokens, i + 2, {}, {}, random.Random(0)).expression()
            if isinstance(value, dict):
                return value
    raise GoError("GenerateSampleSecrets' samples map not found")


_FUNC = re.compile(r"^func ", re.MULTILINE)
_RULE_ID = re.compile(r'RuleID:\s*"([^"]+)"')


def evaluate_rules(source: str, generate_go: str, rng: random.Random) -> list[Rule]:
    """The rules defined in one Go file, with the tps/fps samples that could be evaluated."""
    templates = sample_templates(generate_go)
    rules = []
    for chunk in _FUNC.split(source)[1:]:
        found = _RULE_ID.search(chunk)
        if found is None:
            continue
        rule = Rule(found.group(1))
        _evaluate_body(tokenize(chunk), rule, templates, rng)
        rules.append(rule)
    return rules


def _evaluate_body(tokens: list[Tok], rule: Rule, templates: dict[str, str],
                   rng: random.Random) -> None:
    env: dict[str, GoValue] = {}
    depth = 0
    statement_start = True
    for i, tok in enumerate(tokens):
        if tok.text in "{(":
            depth += 1
        elif tok.text in "})":
            depth -= 1
        at_start, statement_start = statement_start, tok.kind == "nl" or tok.text == "{"
        if not at_start or tok.kind != "ident" or i + 1 >= len(tokens):
            continue
        name_pos = i + 1 if tok.text == "var" else i
        if tokens[name_pos].kind != "ident" or name_pos + 1 >= len(tokens):
            continue
        name, op = tokens[name_pos].text, tokens[name_pos + 1].text
        if op not in (":=", "="):
            continue
        if depth > 1:  # inside a loop or a condition: evaluating it once would be wrong
            if name in ("tps", "fps"):
                rule.skipped.append("assignment inside a loop or condition")
            continue
        try:
            env[name] = _Parser(tokens, name_pos + 2, env, templates, rng).expression()
        except (GoError, IndexError, ValueError, KeyError) as exc:
            env.pop(name, None)
            if name in ("tps", "fps"):
                rule.skipped.append(_reason(exc))
    for name, target in (("tps", rule.tps), ("fps", rule.fps)):
        value = env.get(name)
        if isinstance(value, list):
            target.extend(value)
        elif isinstance(value, dict):  # ValidateWithPaths: path -> content
            target.extend(Value(text, path=path) for path, text in value.items())


def _reason(exc: Exception) -> str:
    text = str(exc)
    if text.startswith("unsupported call"):
        return text
    if text.startswith("unknown name"):
        return "a name defined outside the rule"
    if text.startswith("regex"):
        return "a regex the generator does not support"
    return "an expression outside the supported subset"
