"""Which api-docs scanner may read a changed file, decided without importing it (issue 18).

Each framework family has a file test (`applies`, which its scanner uses too, so the two cannot
drift apart) and a loader that imports its scanner module: a PR of Python files loads no JVM,
.NET or PHP scanner.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from posixpath import dirname
from typing import TYPE_CHECKING

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


js_file = ext_in("js", "mjs", "cjs", "ts", "mts", "cts", "jsx", "tsx")
jvm_file = ext_in("java", "kt", "groovy", "scala")
dotnet_file = ext_in("cs", "fs", "vb")
go_file = ext_in("go")
graphql_file = ext_in("graphql", "graphqls", "gql")


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


# (applies, load) per family, in the order scanners are tried.
Family = tuple[Callable[[str], bool], Callable[[], "Scanner"]]
FAMILIES: tuple[Family, ...] = (
    (python_file, _python),
    (js_file, _js),
    (jvm_file, _jvm),
    (dotnet_file, _dotnet),
    (go_file, _go),
    (ruby_file, _ruby),
    (php_file, _php),
    (elixir_file, _elixir),
    (graphql_file, _graphql),
)

