"""Phoenix router routes (`get "/x", Controller, :action`, `resources`), in API scopes only.

A Phoenix router serves pages (`pipe_through :browser`, `live`) beside the API; a route counts
when its path says `api`/a version, or the diff shows it in a scope that pipes through `:api`
(or is `scope "/api"`). A route whose scope the diff does not show is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from checks.api_docs.families import Side, elixir_file
from checks.api_docs.routes import Route, Scanner, blocks, clean_path
from checks.lazyre import lazy_compile
from checks.model import ChangedFile, Line

_ROUTE = lazy_compile(r"^\s*(?P<verb>get|post|put|patch|delete|options|head|resources|forward)"
                      r"\s*\(?\s*\"(?P<path>[^\"]*)\"\s*,\s*[A-Z]")
_API_PATH = lazy_compile(r"(?:^|/)(?:api|v\d+)(?:/|$)", re.IGNORECASE)
_SCOPE = lazy_compile(r"^\s*scope\b")
_PIPE = lazy_compile(r"^\s*pipe_through\b")
_API_SCOPE = lazy_compile(r"pipe_through\s*\(?\s*\[?[^\n]*:api\b|scope\s+\"/api")


def scan(changed: ChangedFile, lines: Sequence[Line], side: Side) -> list[Route]:
    """Routes declared on `lines` of a Phoenix router."""
    scopes = blocks(changed, side, _SCOPE, _PIPE)
    out: list[Route] = []
    for line in lines:
        found = _ROUTE.match(line.text)
        if found is None:
            continue
        path = clean_path(found["path"])
        if _API_SCOPE.search(scopes.get(line.number, "")) or _API_PATH.search(path):
            verb = found["verb"].upper()
            method = "RESOURCES" if verb == "RESOURCES" else "ANY" if verb == "FORWARD" else verb
            out.append(Route("phoenix", method, path, line.number, f"{method} {path}"))
    return out


SCANNER = Scanner(
    name="elixir", applies=elixir_file,
    triggers=(lazy_compile(r"^\s*(?:get|post|put|patch|delete|options|head|resources|forward)\b",
                           re.MULTILINE),),
    scan=scan)
