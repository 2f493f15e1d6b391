"""GraphQL schema files (SDL): fields of `Query`, `Mutation` and `Subscription` are endpoints.

A field's description (`"Docs"` or a `\"\"\"` block on the lines above it) is GraphQL's own API
documentation and carries its docs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from checks.api_docs.families import Side, graphql_file
from checks.api_docs.routes import Route, Scanner, Window, norm
from checks.lazyre import lazy_compile
from checks.model import ChangedFile, Line

_TYPE = lazy_compile(r"^\s*(?:extend\s+)?type\s+(\w+)")
# `name(args): Type` or `name: Type`: types are capitalised (String, ID, Invoice), which tells
# a field from a description's prose ("Note: only open invoices").
_FIELD = lazy_compile(r"^\s+(?P<name>[A-Za-z_]\w*)\s*(?:\(|:\s*\[?[A-Z_])")
_ROOTS = frozenset({"Query", "Mutation", "Subscription"})


def _enclosing_types(changed: ChangedFile, side: Side) -> dict[int, str]:
    """The type each changed field line of `side` sits in, read from the hunks and their
    headings. Argument lines of a field split over lines (`input: X!` inside `create(...)`)
    are not fields, so they get no type; parentheses in descriptions are not counted."""
    types: dict[int, str] = {}
    for hunk in changed.hunks:
        heading = _TYPE.match(hunk.heading)
        current = heading.group(1) if heading else ""
        depth = 0
        for line in hunk.lines:
            if line.kind not in (" ", side.value):
                continue
            text = line.text
            if (opened := _TYPE.match(text)) is not None:
                current, depth = opened.group(1), 0
            elif text.startswith("}"):
                current = ""
            number = line.new if side is Side.NEW else line.old
            if line.kind == side.value and number is not None and not depth:
                types[number] = current
            if _FIELD.match(text) or text.lstrip().startswith(")"):
                depth = max(0, depth + text.count("(") - text.count(")"))
    return types


def scan(changed: ChangedFile, lines: Sequence[Line], side: Side) -> list[Route]:
    """Root-type fields declared on `lines` of a schema file."""
    types = _enclosing_types(changed, side)
    out: list[Route] = []
    for line in lines:
        root = types.get(line.number, "")
        found = _FIELD.match(line.text)
        if root in _ROOTS and found is not None:
            out.append(Route("graphql", root.upper(), found["name"], line.number,
                             norm(line.text)))
    return out


def documented(route: Route, window: Window) -> bool:
    """A description directly above the field: a string, or a `#` comment (schemas printed
    with graphql-js's `commentDescriptions`, as stitched schemas often are)."""
    above = window.preceding(route.line, 1)
    return bool(above) and (above[0].rstrip().endswith('"') or above[0].lstrip().startswith("#"))


SCANNER = Scanner(
    name="graphql", applies=graphql_file,
    triggers=(lazy_compile(r"^\s+[A-Za-z_]\w*\s*[(:]", re.MULTILINE),),
    scan=scan, documented=documented,
    what_counts="a description string above the field")
