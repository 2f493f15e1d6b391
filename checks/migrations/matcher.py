"""Find bodies, steps and call arguments in masked migration code by bracket and keyword matching.

Bodies are found by brace matching (JS, PHP, C#) or keyword matching (`def ... end`,
`do ... end`) for Ruby and Elixir; `*_steps` return the up/down/change bodies of each language.
Every function is linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from checks.lazyre import Pattern, lazy_compile
from checks.migrations.lexer import Code, blanked

# --- blocks ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Block:
    """A method/function body: `start`..`end` offsets of its content, `head` of its definition.

    `end` is None when the body runs past the visible text (its close is not shown).
    """

    name: str
    head: int
    start: int
    end: int | None

    @property
    def closed(self) -> bool:
        """True when both ends of the body are visible."""
        return self.end is not None

    def body(self, code: Code) -> str:
        """The masked body text (up to the end of the visible text when not closed)."""
        return code.text[self.start:self.end if self.end is not None else len(code.text)]


_BRACKETS = {"(": ")", "[": "]", "{": "}"}
_CLOSE_TO_OPEN = {v: k for k, v in _BRACKETS.items()}


def match_bracket(text: str, at: int) -> int | None:
    """Offset of the bracket closing the one at `at` in masked text, or None if unseen."""
    stack: list[str] = []
    for i in range(at, len(text)):
        c = text[i]
        if c in _BRACKETS:
            stack.append(c)
        elif c in _CLOSE_TO_OPEN:
            if not stack or stack[-1] != _CLOSE_TO_OPEN[c]:
                return None
            stack.pop()
            if not stack:
                return i
    return None


def skip_space(text: str, i: int) -> int:
    """The first offset at or after `i` that is not whitespace (newlines included)."""
    n = len(text)
    while i < n and text[i] in " \t\r\n":
        i += 1
    return i


# Ruby: keywords that open a block closed by `end`. `if`/`unless`/`while`/`until` count only at
# the start of an expression (as modifiers they have no `end`).
_RUBY_WORDS = lazy_compile(
    r"(?<![\w.:$@])(def|class|module|do|begin|case|if|unless|while|until|for|end)(?![\w?!:])"
    r"|(?<![\w.:$@])(?:if|unless|while|until|end)(?=:[^:])"
)
# re.M: `^` must match at the line start the search begins at, not only at offset 0. `return if`
# is a modifier (`return if done?`), and so is one after a `save!` or `valid?` call.
_RUBY_EXPR_START = lazy_compile(
    r"(?:^|[=(\[{,;|&]|\b(?:then|else|do|and|or|not))\s*$", re.M)
_RUBY_ENDLESS_DEF = lazy_compile(r"def\s+(?:self\.)?[\w?!]+(?:\([^)\n]*\))?\s*=(?![=~>])")
_RUBY_LOOP_DO = lazy_compile(r"(?:while|until|for)\b[^\n]*?\bdo\b")


def _ruby_opens(text: str, m: re.Match[str]) -> bool:
    word = m.group(1)
    if word in ("if", "unless", "while", "until"):
        line_start = text.rfind("\n", 0, m.start()) + 1
        return bool(_RUBY_EXPR_START.search(text, line_start, m.start()))
    if word == "def":
        return not _RUBY_ENDLESS_DEF.match(text, m.start())
    return True


def match_ruby_end(text: str, start: int) -> int | None:
    """Offset of the `end` that closes the block opened by the keyword at `start`."""
    depth = 0
    skip_do_until = -1
    for m in _RUBY_WORDS.finditer(text, start):
        word = m.group(1)
        if word is None:
            continue  # a hash key such as `if:`
        if word == "end":
            depth -= 1
            if depth == 0:
                return m.start()
            continue
        if word == "do" and m.start() < skip_do_until:
            continue  # the optional `do` of `while cond do`
        if _ruby_opens(text, m):
            depth += 1
            if word in ("while", "until", "for"):
                loop = _RUBY_LOOP_DO.match(text, m.start())
                skip_do_until = m.start() + len(loop.group()) if loop else -1
        if depth == 0:
            return None
    return None


_ELIXIR_WORDS = lazy_compile(r"(?<![\w.:@])(do|fn|end)(?![\w?!]|:(?!:))")


def match_elixir_end(text: str, start: int) -> int | None:
    """Offset of the `end` closing the `do` (or `fn`) at or after `start`."""
    depth = 0
    for m in _ELIXIR_WORDS.finditer(text, start):
        if m.group(1) == "end":
            depth -= 1
            if depth == 0:
                return m.start()
            if depth < 0:
                return None
        else:
            depth += 1
    return None


_RUBY_DEF = lazy_compile(r"^[ \t]*def[ \t]+(?:self\.)?([\w?!]+)", re.M)


def ruby_defs(code: Code) -> list[Block]:
    """Every `def name ... end` of Ruby code, closed or running past the visible text."""
    text = code.text
    blocks: list[Block] = []
    for m in _RUBY_DEF.finditer(text):
        head = m.start() + len(m.group()) - len(m.group().lstrip())
        if _RUBY_ENDLESS_DEF.match(text, head):
            continue
        start = _ruby_params_end(text, m.end())
        end = match_ruby_end(text, head)
        blocks.append(Block(m.group(1), head, start, end))
    return blocks


def _ruby_params_end(text: str, i: int) -> int:
    j = _skip_inline_space(text, i)
    if j < len(text) and text[j] == "(":
        close = match_bracket(text, j)
        return len(text) if close is None else close + 1
    eol = text.find("\n", i)
    semi = text.find(";", i, eol if eol >= 0 else len(text))
    if semi >= 0:
        return semi + 1
    return len(text) if eol < 0 else eol


def _skip_inline_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t":
        i += 1
    return i


_ELIXIR_DEF = lazy_compile(r"^[ \t]*defp?[ \t]+([\w?!]+)[ \t]*(\([^)]*\))?[ \t]*(,[ \t]*do:|do\b)",
                           re.M)


def elixir_defs(code: Code) -> list[Block]:
    """Every `def name do ... end` and `def name, do: expr` of Elixir code."""
    text = code.text
    blocks: list[Block] = []
    for m in _ELIXIR_DEF.finditer(text):
        head = m.start() + len(m.group()) - len(m.group().lstrip())
        if m.group(3).startswith(","):
            blocks.append(Block(m.group(1), head, m.end(), _expression_end(text, m.end())))
            continue
        do_at = m.end() - 2
        end = match_elixir_end(text, do_at)
        blocks.append(Block(m.group(1), head, m.end(), end))
    return blocks


def _expression_end(text: str, i: int) -> int | None:
    """End of a one-line expression that may continue over brackets or trailing operators."""
    n = len(text)
    while i < n:
        c = text[i]
        if c in _BRACKETS:
            close = match_bracket(text, i)
            if close is None:
                return None
            i = close + 1
            continue
        if c in "\"'":
            i = _after_quote(text, i)
            continue
        if c == "\n":
            before = _line_before(text, i)
            if before.endswith((",", "(", "|>", "\\", "+", "=", "->")):
                i += 1
                continue
            return i
        i += 1
    return n


def _after_quote(text: str, i: int) -> int:
    """Skip a masked string literal (its contents are blank, so the next quote closes it)."""
    quote = text[i] * 3 if text.startswith(text[i] * 3, i) else text[i]
    close = text.find(quote, i + len(quote))
    return len(text) if close < 0 else close + len(quote)


def brace_body(text: str, after_params: int) -> tuple[int, int | None] | None:
    """The body after a parameter list: `{ ... }` or `=> expression` (arrow or C# `=>`).

    Skips a return type (`: Promise<void>`, `: void`). Returns (start, end) or None when what
    follows is not a body (a call, not a definition).
    """
    i = skip_space(text, after_params)
    if text.startswith(":", i):
        i = _skip_type(text, i + 1)
    if text.startswith("{", i):
        close = match_bracket(text, i)
        return i + 1, close
    if text.startswith("=>", i):
        j = skip_space(text, i + 2)
        if text.startswith("{", j):
            close = match_bracket(text, j)
            return j + 1, close
        return j, _statement_end(text, j)
    return None


def _skip_type(text: str, i: int) -> int:
    """Skip a type annotation up to the `{` or `=>` that starts the body."""
    depth = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in "<([":
            depth += 1
        elif c in ">)]" and not text.startswith("=>", i - 1):
            depth -= 1
        elif depth <= 0 and (c in "{;" or text.startswith("=>", i)):
            return i
        i += 1
    return n


def _statement_end(text: str, i: int) -> int | None:
    """End of an expression body: a `;`, `,` or closing bracket at depth zero."""
    n = len(text)
    while i < n:
        c = text[i]
        if c in _BRACKETS:
            close = match_bracket(text, i)
            if close is None:
                return None
            i = close + 1
            continue
        if c in ";,)]}":
            return i
        if c == "\n" and _next_line_continues(text, i) is False:
            return i
        i += 1
    return n


_CONTINUES = lazy_compile(r"\s*(?:\.|\?|:|&&|\|\||\+|-|\*)")


def _line_before(text: str, newline: int) -> str:
    """The line that ends at `newline`, without trailing blanks."""
    return text[text.rfind("\n", 0, newline) + 1:newline].rstrip()


def _next_line_continues(text: str, newline: int) -> bool:
    before = _line_before(text, newline)
    if before.endswith(("(", ",", "=>", "=", ".", "+", "&&", "||", "?", ":")):
        return True
    return bool(_CONTINUES.match(text, newline + 1))


# --- calls -----------------------------------------------------------------------------------


def split_args(args: str) -> list[str]:
    """Split masked argument text on commas outside brackets; empty pieces are dropped."""
    out: list[str] = []
    depth = 0
    start = 0
    for i, c in enumerate(args):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            out.append(args[start:i].strip())
            start = i + 1
    out.append(args[start:].strip())
    return [a for a in out if a]


def call_args(text: str, after_name: int, paren_less: bool) -> tuple[str, int]:
    """The argument text of a call whose name ends at `after_name`, and where the call ends.

    With parentheses the arguments are the bracket's content; `paren_less` (Ruby, Elixir) reads
    `name arg, arg` to the end of the line, continuing after a trailing comma or open bracket.
    """
    i = _skip_inline_space(text, after_name)
    if text.startswith("(", i):
        close = match_bracket(text, i)
        if close is None:
            return text[i + 1:], len(text)
        return text[i + 1:close], close + 1
    if not paren_less:
        return "", after_name
    end = _expression_end(text, i)
    end = len(text) if end is None else end
    return text[i:end], end


_NOTHING = lazy_compile(r"[\s;]*")


def is_blank(body: str) -> bool:
    """True when masked code does nothing: only whitespace and semicolons."""
    return _NOTHING.fullmatch(body) is not None


# --- step finders: the up/down/change bodies of each language --------------------------------

_JS_ASSIGNED = lazy_compile(
    r"(?:(?<![\w$.])(?:module\.)?exports\.(up|down)\s*=\s*"
    r"|(?<![\w$.])(?:export\s+)?(?:const|let|var)\s+(up|down)\s*(?::[^=\n]+)?=\s*"
    r"|(?<![\w$.'\"])(up|down)\s*:\s*(?=async\b|function\b|\(|[A-Za-z_$][\w$]*\s*=>))"
)
_JS_DECLARED = lazy_compile(
    r"(?<![\w$.])(?:(?:export|default|public|private|protected|static|async|override)\s+)*"
    r"(?:function\s*\*?\s*)?(up|down)\s*\("
)
_JS_FUNCTION_EXPR = lazy_compile(
    r"(?:async\s+)?(?:function\s*\*?\s*[\w$]*\s*(\()|(\()|([A-Za-z_$][\w$]*)\s*=>)"
)


def js_steps(code: Code) -> list[Block]:
    """`up`/`down` functions of JS/TS: exports, declarations, object and class methods."""
    text = code.text
    found: dict[int, Block] = {}
    for m in _JS_ASSIGNED.finditer(text):
        name = m.group(1) or m.group(2) or m.group(3)
        block = _js_function_expr(text, m.end(), name, m.start())
        if block is not None:
            found.setdefault(block.start, block)
    for m in _JS_DECLARED.finditer(text):
        block = _after_params(text, m.end() - 1, m.group(1), m.start(), arrow=False)
        if block is not None:
            found.setdefault(block.start, block)
    return sorted(found.values(), key=lambda b: b.head)


def _js_function_expr(text: str, i: int, name: str, head: int) -> Block | None:
    fm = _JS_FUNCTION_EXPR.match(text, i)
    if fm is None:
        return None
    if fm.group(3):  # `knex => ...`
        body = brace_body(text, fm.end() - 2)
        return None if body is None else Block(name, head, body[0], body[1])
    paren = fm.start(1) if fm.group(1) else fm.start(2)
    return _after_params(text, paren, name, head, arrow=True)


def _after_params(text: str, paren: int, name: str, head: int, arrow: bool) -> Block | None:
    """The body after the parameter list at `paren`; a declaration needs `{`, not `=>`."""
    close = match_bracket(text, paren)
    if close is None:
        return None
    j = skip_space(text, close + 1)
    if text.startswith(":", j):
        j = _skip_type(text, j + 1)
    if not arrow and not text.startswith("{", j):
        return None  # a call such as `up(knex);`, not a definition
    body = brace_body(text, close + 1)
    return None if body is None else Block(name, head, body[0], body[1])


_PHP_FUNCTION = lazy_compile(
    r"(?<![\w$>:])(?:(?:public|protected|private|static|final)\s+)*function\s+(up|down|change)"
    r"\s*\(", re.I)


def php_steps(code: Code) -> list[Block]:
    """`up()`, `down()` and `change()` methods of a PHP migration class."""
    text = code.text
    blocks = []
    for m in _PHP_FUNCTION.finditer(text):
        block = _after_params(text, m.end() - 1, m.group(1).lower(), m.start(), arrow=False)
        if block is not None:
            blocks.append(block)
    return blocks


_CS_METHOD = lazy_compile(
    r"(?<![\w.])(?:(?:protected|public|internal|override|virtual|sealed)\s+)+void\s+(Up|Down)"
    r"\s*\(")


def csharp_steps(code: Code) -> list[Block]:
    """`Up`/`Down` overrides of a C# migration class (names lower-cased)."""
    text = code.text
    blocks = []
    for m in _CS_METHOD.finditer(text):
        close = match_bracket(text, m.end() - 1)
        if close is None:
            continue
        body = brace_body(text, close + 1)
        if body is not None:
            blocks.append(Block(m.group(1).lower(), m.start(), body[0], body[1]))
    return blocks


def ruby_steps(code: Code) -> list[Block]:
    """`up`, `down` and `change` (instance or `self.` methods) of a Rails migration."""
    return [b for b in ruby_defs(code) if b.name in ("up", "down", "change")]


def elixir_steps(code: Code) -> list[Block]:
    """`up/0`, `down/0` and `change/0` of an Ecto migration."""
    return [b for b in elixir_defs(code) if b.name in ("up", "down", "change")]


def remove_calls(text: str, pattern: Pattern,
                 keep: Callable[[str], bool] | None = None) -> str:
    """Blank every call matched by `pattern` (ending at its `(`) through `)` and a `;`."""
    pieces: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() < pos:
            continue
        close = match_bracket(text, m.end() - 1)
        if close is None:
            continue
        end = close + 1
        tail = _skip_inline_space(text, end)
        if text.startswith(";", tail):
            end = tail + 1
        if keep is not None and keep(text[m.end():close]):
            continue
        pieces.append(text[pos:m.start()])
        pieces.append(blanked(text[m.start():end]))
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)
