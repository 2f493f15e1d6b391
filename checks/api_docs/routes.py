"""What a framework scanner reports: one route declaration found on one line of a diff."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from checks.api_docs.families import Side
from checks.lazyre import Pattern
from checks.model import ChangedFile, Line


@dataclass(frozen=True, slots=True)
class Route:
    """An endpoint declared on one line: `method` is `GET`, `ANY`, `QUERY` ...; `path` may be ''.

    `signature` is the declaration as compared between the old and the new file: the same
    method, path and signature on a removed and an added line is a move, not a change.
    """

    framework: str
    method: str
    path: str
    line: int
    signature: str

    @property
    def label(self) -> str:
        """`GET /users/{id}`, or the method alone when the path cannot be read."""
        return f"{self.method} {self.path}" if self.path else self.method

    @property
    def key(self) -> tuple[str, str, str]:
        """What identifies the endpoint across the old and the new file."""
        return (self.framework, self.method, self.path or self.signature)


# eq=False: one per file side within a scan, never compared.
@dataclass(frozen=True, eq=False)
class Window:
    """One side's lines around the changes (changed and context), by line number."""

    lines: Mapping[int, str]

    def following(self, number: int, count: int) -> list[str]:
        """Up to `count` known lines after `number`, stopping at the first gap."""
        out = []
        for n in range(number + 1, number + count + 1):
            if n not in self.lines:
                break
            out.append(self.lines[n])
        return out

    def preceding(self, number: int, count: int) -> list[str]:
        """Up to `count` known lines before `number`, nearest first, stopping at a gap."""
        out = []
        for n in range(number - 1, number - count - 1, -1):
            if n not in self.lines:
                break
            out.append(self.lines[n])
        return out


def window(changed: ChangedFile, side: Side) -> Window:
    """The lines the diff shows of the new (`ADDED`) or old (`REMOVED`) file."""
    lines: dict[int, str] = {}
    for hunk in changed.hunks:
        for line in hunk.lines:
            number = line.new if side is Side.NEW else line.old
            if number is not None and line.kind in (" ", side.value):
                lines[number] = line.text
    if not lines:  # a snapshot without hunks (GitHub's files[] parsed late) still has its lines
        lines = {line.number: line.text
                 for line in (changed.added if side is Side.NEW else changed.removed)}
    return Window(lines)


# eq=False: one per framework family, made once; value equality of functions is identity.
@dataclass(frozen=True, eq=False)
class Scanner:
    """One framework family: which files it reads, how it finds routes and in-code docs.

    `triggers` find the lines worth a closer look, each with one search over all of a file's
    changed lines. Each starts with a literal character or word, which lets the regular
    expression engine skip ahead: a file without routes costs a few fast scans. `documented`
    is None for frameworks whose routes never carry their own OpenAPI docs (the docs change
    elsewhere).
    """

    name: str
    applies: Callable[[str], bool]
    triggers: tuple[Pattern, ...]
    scan: Callable[[ChangedFile, Sequence[Line], Side], list[Route]]
    documented: Callable[[Route, Window], bool] | None = None
    what_counts: str = ""
    # Endpoints whose route line the PR left alone but whose handler signature it changed.
    resigned: Callable[[ChangedFile], list[Route]] | None = None


def norm(text: str) -> str:
    """A declaration with its whitespace and trailing comma/brace dropped, for comparison."""
    return re.sub(r"\s+", "", text).rstrip(",{;")


def clean_path(raw: str) -> str:
    """A route path as written, with leading slash (`''` is the root `/`)."""
    path = raw.strip().strip("'\"`")
    if not path:
        return "/"
    if not path.startswith(("/", "^", "*")):
        path = "/" + path
    return path


def join_paths(prefix: str, path: str) -> str:
    """`/api` + `/users` -> `/api/users`; either may be empty."""
    if not prefix:
        return path
    if not path or path == "/":
        return prefix
    return prefix.rstrip("/") + "/" + path.lstrip("/")


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def blocks(changed: ChangedFile, side: Side, opener: Pattern,
           inner: Pattern | None = None) -> dict[int, str]:
    """For each changed line of `side`, the openers of the blocks it sits in, as far as the
    diff shows them (`namespace :api do` ... in routes.rb, `scope "/api"` in a router).

    Blocks are told by indentation: an opener holds the lines indented deeper than itself.
    A line matching `inner` (Phoenix's `pipe_through :api`) belongs to the block it is in.
    """
    out: dict[int, str] = {}
    for hunk in changed.hunks:
        stack: list[tuple[int, str]] = []
        for line in hunk.lines:
            if line.kind not in (" ", side.value) or not line.text.strip():
                continue
            depth = _indent(line.text)
            while stack and stack[-1][0] >= depth:
                stack.pop()
            if inner is not None and stack and inner.search(line.text):
                stack[-1] = (stack[-1][0], f"{stack[-1][1]} {line.text.strip()}")
            number = line.new if side is Side.NEW else line.old
            if line.kind == side.value and number is not None:
                out[number] = " ".join(text for _, text in stack)
            if opener.search(line.text):
                stack.append((depth, line.text.strip()))
    return out


def call_params(text: str) -> list[str] | None:
    """The parameters of a declaration written on one line (`def f(a, b=1):`,
    `public X get(@PathVariable long id)`), split at top-level commas; None when the
    parameter list does not close on the line."""
    opened, closed = text.find("("), text.rfind(")")
    if opened < 0 or closed < opened:
        return None
    params, depth, part = [], 0, ""
    for char in text[opened + 1:closed] + ",":
        if char == "," and depth == 0:
            if part.strip():
                params.append(re.sub(r"\s+", " ", part.strip()))
            part = ""
            continue
        depth += (char in "([{<") - (char in ")]}>")
        part += char
    return params


# eq=False: one per language, made once; value equality of functions is identity.
@dataclass(frozen=True, eq=False)
class Handlers:
    """How a language writes a handler under its route: which context line is a route, which
    lines may sit between (decorators, annotations), which line is the signature, and which
    of its parameters a client sends."""

    route_at: Callable[[str, int], Route | None]
    between: Pattern
    signature: Pattern
    client_params: Callable[[list[str]], tuple[str, ...]]


def resigned_handlers(changed: ChangedFile, handlers: Handlers) -> list[Route]:
    """Routes on context lines whose handler's client-facing parameters the PR changed: the
    signature line removed and added again right below an unchanged route."""
    out: list[Route] = []
    for hunk in changed.hunks:
        route: Route | None = None
        old: tuple[str, ...] | None = None
        for line in hunk.lines:
            text = line.text
            if line.kind == " ":
                found = handlers.route_at(text, line.new or 0)
                if found is not None:
                    route, old = found, None
                elif not handlers.between.match(text):
                    route, old = None, None
            elif route is not None and handlers.signature.match(text):
                params = call_params(text)
                if line.kind == "-":
                    old = None if params is None else handlers.client_params(params)
                elif old is not None and params is not None:
                    if handlers.client_params(params) != old:
                        out.append(route)
                    route, old = None, None
            elif route is not None and not handlers.between.match(text):
                route, old = None, None
    return out


def new_line_at(changed: ChangedFile, old_line: int) -> int | None:
    """Where a removed line was, in the new file: the first line shown after it (or the one
    before, at a hunk's end), so a removed route's finding can sit in the file as it is now."""
    for hunk in changed.hunks:
        seen, last_new = False, None
        for line in hunk.lines:
            if line.kind == "-" and line.old == old_line:
                seen = True
            elif line.new is not None:
                if seen:
                    return line.new
                last_new = line.new
        if seen:
            return last_new
    return None
