"""Regular expressions compiled on first use, so that importing a check compiles nothing.

Outside the secrets rules the checks define ~360 module-level patterns; `shipshape check` on a
small PR uses a few dozen, and compiling them all at import was a large part of the command
line's start-up (issue 18). A pattern defined with `lazy_compile` compiles the first time it is
used and is kept for the life of the process (the cache `re` keeps itself holds 512 and would
thrash). `warm()` compiles every pattern defined so far, for a server process that would rather
pay once at start than in its first review.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

_T = TypeVar("_T")

# Every lazily compiled pattern: what `warm()` compiles. Patterns are only ever added, when
# their module is imported.
_DEFINED: list[LazyPattern] = []


class LazyPattern:
    """A `re.Pattern[str]` that compiles on its first match. After that, its methods are the
    compiled pattern's own bound methods (set on the instance), so a hot loop pays nothing."""

    def __init__(self, pattern: str, flags: int | re.RegexFlag) -> None:
        self.pattern = pattern
        self.flags = int(flags)
        self.compiled: re.Pattern[str] | None = None

    def __repr__(self) -> str:
        return f"lazy_compile({self.pattern!r}, {self.flags})"

    # A pattern is immutable, as a compiled one is: copies (dataclasses.replace, deepcopy of an
    # options record holding one) share it.
    def __copy__(self) -> LazyPattern:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> LazyPattern:
        return self

    def compile(self) -> re.Pattern[str]:
        """The compiled pattern, compiling it now if this is the first use."""
        compiled = self.compiled
        if compiled is None:
            compiled = self.compiled = re.compile(self.pattern, self.flags)
            # Instance attributes shadow the methods below: later calls go straight to `re`.
            vars(self).update(search=compiled.search, match=compiled.match,
                              fullmatch=compiled.fullmatch, finditer=compiled.finditer,
                              findall=compiled.findall, sub=compiled.sub, subn=compiled.subn,
                              split=compiled.split)
        return compiled

    @property
    def groups(self) -> int:
        """The number of capturing groups."""
        return self.compile().groups

    @property
    def groupindex(self) -> Any:
        """Named groups to group numbers."""
        return self.compile().groupindex

    def search(self, string: str, pos: int = 0, endpos: int | None = None
               ) -> re.Match[str] | None:
        """`re.Pattern.search`."""
        return _bounded(self.compile().search, string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int | None = None
              ) -> re.Match[str] | None:
        """`re.Pattern.match`."""
        return _bounded(self.compile().match, string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int | None = None
                  ) -> re.Match[str] | None:
        """`re.Pattern.fullmatch`."""
        return _bounded(self.compile().fullmatch, string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int | None = None
                 ) -> Iterator[re.Match[str]]:
        """`re.Pattern.finditer`."""
        return _bounded(self.compile().finditer, string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int | None = None) -> list[Any]:
        """`re.Pattern.findall`."""
        return _bounded(self.compile().findall, string, pos, endpos)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str,
            count: int = 0) -> str:
        """`re.Pattern.sub`."""
        return self.compile().sub(repl, string, count)

    def subn(self, repl: str | Callable[[re.Match[str]], str], string: str,
             count: int = 0) -> tuple[str, int]:
        """`re.Pattern.subn`."""
        return self.compile().subn(repl, string, count)

    def split(self, string: str, maxsplit: int = 0) -> list[str | Any]:
        """`re.Pattern.split`."""
        return self.compile().split(string, maxsplit)


def _bounded(method: Callable[..., _T], string: str, pos: int, endpos: int | None) -> _T:
    # re's own default end is sys.maxsize; not passing one keeps it.
    return method(string, pos) if endpos is None else method(string, pos, endpos)


def lazy_compile(pattern: str, flags: int | re.RegexFlag = 0) -> LazyPattern:
    """`re.compile`, deferred to the pattern's first use (for module-level patterns)."""
    lazy = LazyPattern(pattern, flags)
    _DEFINED.append(lazy)
    return lazy


def warm() -> int:
    """Compile every pattern defined so far; returns how many there are."""
    for lazy in _DEFINED:
        lazy.compile()
    return len(_DEFINED)


# What a function taking a pattern accepts: a lazily or an eagerly compiled one.
Pattern = re.Pattern[str] | LazyPattern


def counts() -> tuple[int, int]:
    """How many patterns have compiled, and how many are defined (for tests and metrics)."""
    return sum(1 for lazy in _DEFINED if lazy.compiled is not None), len(_DEFINED)
