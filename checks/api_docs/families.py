"""Which api-docs scanner may read a changed file, decided without importing it (issue 18).

Each framework family has a file test (`applies`, which its scanner uses too, so the two cannot
drift apart) and trigger words: literals that every line its scanner's own `triggers` pick
must hold, in groups that must all occur. A family's scanner module (the Python one with
routes.py is ~2.7 ms) is imported only for a file of its kind whose changed lines hold one
group, or, for the families that read handler signatures below an unchanged route (`resigns`),
a file that may hold such a change. The words may say yes to a file its scanner then finds
nothing in; they must never say no to a file the scanner would read a route from, or the route
would be lost silently (tests/checks/api_docs/test_families.py holds every scanner to that).
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Callable
from posixpath import dirname
from typing import TYPE_CHECKING

from checks.hardcoded.fast import as_data

try:  # google-re2 is a runtime dependency; without it plain `in` tests give the same answers
    import re2
except ImportError:  # pragma: no cover - exercised only where the wheel is unavailable
    re2 = None

if TYPE_CHECKING:
    from checks.api_docs.routes import Scanner


# The check and every scanner speak of these: they live here so the check needs no routes.py.
class Change(enum.StrEnum):
    """What the PR did to an endpoint."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


class Side(enum.Enum):
    """Which file a line belongs to: the new one (added lines) or the old one (removed)."""

    NEW = "+"
    OLD = "-"


def ext_in(*exts: str) -> Callable[[str], bool]:
    """A path test: the file's extension is one of `exts`."""
    wanted = frozenset(exts)
    return lambda path: path.rpartition(".")[2].lower() in wanted


def python_file(path: str) -> bool:
    """A Python module."""
    return path.endswith(".py")


_JS_EXTS = ("js", "mjs", "cjs", "ts", "mts", "cts", "jsx", "tsx")
_JVM_EXTS = ("java", "kt", "groovy", "scala")
_DOTNET_EXTS = ("cs", "fs", "vb")
_GRAPHQL_EXTS = ("graphql", "graphqls", "gql")
js_file = ext_in(*_JS_EXTS)
jvm_file = ext_in(*_JVM_EXTS)
dotnet_file = ext_in(*_DOTNET_EXTS)
go_file = ext_in("go")
graphql_file = ext_in(*_GRAPHQL_EXTS)


def is_rails_routes_file(path: str) -> bool:
    """`config/routes.rb` or a file drawn into it from `config/routes/`."""
    return path.endswith("config/routes.rb") or dirname(path).endswith("config/routes")


def ruby_file(path: str) -> bool:
    """A Rails routes file, or a Ruby file under an `api/` folder (Grape)."""
    return path.endswith(".rb") and (is_rails_routes_file(path) or "/api/" in f"/{path}")


def php_file(path: str) -> bool:
    """A PHP file."""
    return path.endswith(".php")


def elixir_file(path: str) -> bool:
    """A Phoenix router."""
    return path.endswith("router.ex")


# A group of words that must all occur in a file's changed lines (anywhere in them: a call
# split over lines is read as one line).
Words = tuple[tuple[str, ...], ...]


def _each(*words: str) -> Words:
    return tuple((word,) for word in words)


def _with(word: str, *others: str) -> Words:
    return tuple((word, other) for other in others)


# Each word below is what one of the scanner's `triggers` cannot match without.
# `@app.get(`, `@bp.route(`: an `@` and `.verb(`; `Route(`, `WebSocketRoute(`, `add_*`,
# Django's `path(`/`re_path(`/`url(`, DRF's `router.register(` and `@action(`.
_PYTHON = (*_with("@", ".get(", ".post(", ".put(", ".patch(", ".delete(", ".head(", ".options(",
                  ".trace(", ".route(", ".api_route(", ".websocket("),
           *_each("Route(", "add_api_route", "add_url_rule", "add_route", "path(", "url(",
                  ".register(", "@action("))
# `router . get(` (a space may follow the dot), NestJS `@Get(`, Next.js `export ... GET`.
_JS = (*_each("get(", "post(", "put(", "patch(", "delete(", "del(", "head(", "options(", "all(",
              "route(", "@Get(", "@Post(", "@Put(", "@Patch(", "@Delete(", "@Head(",
              "@Options(", "@All("),
       *_with("export", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD",
              "OPTIONS"))
# Spring `@GetMapping` (within `@Get`), `@RequestMapping`, JAX-RS `@GET` and `@Path(`, Micronaut.
_JVM = _each("@Get", "@Post", "@Put", "@Patch", "@Delete", "@RequestMapping", "@GET", "@POST",
             "@PUT", "@PATCH", "@DELETE", "@HEAD", "@OPTIONS", "@Path(")
_DOTNET = _each("HttpGet", "HttpPost", "HttpPut", "HttpPatch", "HttpDelete", "HttpHead",
                "HttpOptions", ".MapGet(", ".MapPost(", ".MapPut(", ".MapPatch(", ".MapDelete(",
                ".MapMethods(")
_GO = (*_each(".HandleFunc(", ".Handle(", ".GET(", ".POST(", ".PUT(", ".PATCH(", ".DELETE(",
              ".HEAD(", ".OPTIONS(", ".Any(", ".Get(", ".Post(", ".Put(", ".Patch(", ".Delete(",
              ".Head(", ".Options(", ".Connect(", ".Trace(", ".All("),
       (".Match(", "[]string"))
# A line that opens with the verb (`resource` within `resources`).
_RUBY = _each("get", "post", "put", "patch", "delete", "match", "resource")
_PHP = _each("Route::", "Route(", "$router->")
_ELIXIR = _each("get", "post", "put", "patch", "delete", "options", "head", "resources",
                "forward")
# A field: `name(` or `name:`.
_GRAPHQL = _each("(", ":")


# One loader per module, spelled out: checks/ may not use importlib (tests/checks/test_purity.py
# reads its static imports), so no factory builds them from a module name.
def _python() -> Scanner:
    from checks.api_docs import python
    return python.SCANNER


def _js() -> Scanner:
    from checks.api_docs import js
    return js.SCANNER


def _jvm() -> Scanner:
    from checks.api_docs import jvm
    return jvm.SCANNER


def _dotnet() -> Scanner:
    from checks.api_docs import dotnet
    return dotnet.SCANNER


def _go() -> Scanner:
    from checks.api_docs import gocode
    return gocode.SCANNER


def _ruby() -> Scanner:
    from checks.api_docs import ruby
    return ruby.SCANNER


def _php() -> Scanner:
    from checks.api_docs import php
    return php.SCANNER


def _elixir() -> Scanner:
    from checks.api_docs import elixir
    return elixir.SCANNER


def _graphql() -> Scanner:
    from checks.api_docs import graphql
    return graphql.SCANNER


# (applies, trigger words, reads handler signatures, load, extensions) per family, in the order
# scanners are tried. The extensions (lower case) put a path to the file tests of its
# extension's families only (9 tests for each of the bench diff's 3,000 paths took ~3 ms);
# tests/checks/api_docs/test_families.py holds each file test to its list.
Family = tuple[Callable[[str], bool], Words, bool, Callable[[], "Scanner"], tuple[str, ...]]
FAMILIES: tuple[Family, ...] = (
    (python_file, _PYTHON, True, _python, ("py",)),
    (js_file, _JS, True, _js, _JS_EXTS),
    (jvm_file, _JVM, True, _jvm, _JVM_EXTS),
    (dotnet_file, _DOTNET, False, _dotnet, _DOTNET_EXTS),
    (go_file, _GO, False, _go, ("go",)),
    (ruby_file, _RUBY, False, _ruby, ("rb",)),
    (php_file, _PHP, False, _php, ("php",)),
    (elixir_file, _ELIXIR, False, _elixir, ("ex",)),
    (graphql_file, _GRAPHQL, False, _graphql, _GRAPHQL_EXTS),
)
_BY_EXTENSION: dict[str, tuple[Family, ...]] = {
    ext: tuple(family for family in FAMILIES if ext in family[4])
    for family in FAMILIES for ext in family[4]}


def families_of(path: str) -> list[Family]:
    """The families whose files `path` is, in the order their scanners are tried."""
    return [family for family in _BY_EXTENSION.get(path.rpartition(".")[2].lower(), ())
            if family[0](path)]


def says(text: str, words: Words) -> bool:
    """Whether `text` holds every word of one of the groups."""
    held, groups = _table(words)
    found = held(text)
    return bool(found) and any(group <= found for group in groups)


# Which of a family's words (by index) a text holds, and each group as a set of indexes.
_Table = tuple[Callable[[str], set[int]], tuple[frozenset[int], ...]]


@functools.cache
def _table(words: Words) -> _Table:
    distinct = sorted({word for group in words for word in group})
    groups = tuple(frozenset(map(distinct.index, group)) for group in words)
    return _held(distinct), groups


def _held(distinct: list[str]) -> Callable[[str], set[int]]:
    """Which of the words a text holds, found in one RE2 set pass: testing them a group at a
    time read a file ~20 times (4x the time on the bench diff, 8x on its TypeScript)."""
    if re2 is None:
        return lambda text: {index for index, word in enumerate(distinct) if word in text}
    options = re2.Options()
    options.log_errors = False
    options.never_capture = True
    # Literals only: the DFA's states are at most the words' prefixes, far inside its default
    # budget, so the set never gives up (an empty answer would drop a route without a trace).
    word_set = re2.Set.SearchSet(options)
    for word in distinct:
        word_set.Add(re.escape(word))
    word_set.Compile()
    # as_data reads a character beyond ASCII as "?", which no word holds.
    return lambda text: set(word_set.Match(as_data(text)) or ())
