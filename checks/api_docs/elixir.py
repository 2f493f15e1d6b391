"""Phoenix router routes (`get "/x", Controller, :action`, `resources`), in API scopes only.

A Phoenix router serves pages (`pipe_through :browser`, `live`) beside the API; a route counts
when its path says `api`/a version, or the diff shows it under `pipe_through :api`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from checks.api_docs.routes import Route, Scanner, Side, clean_path, norm
from checks.model import ChangedFile, Line

_ROUTE = re.compile(r"^\s*(?P<verb>get|post|put|patch|delete|options|head|resources|forward)"
                    r"\s*\(?\s*\"(?P<path>[^\"]*)\"\s*,\s*[A-Z]")
_API_PATH = re.compile(r"(?:^|/)(?:api|v\d+)(?:/|$)", re.IGNORECASE)
_API_SCOPE = re.compile(r"pipe_through\s*\(?\s*\[?\s*:api\b|scope\s+\"/api")


def scan(changed: ChangedFile, lines: Sequence[Line], side: Side) -> list[Route]:
    """Routes declared on `lines` of a Phoenix router."""
    del side
    api_scope = bool(_API_SCOPE.search(changed.shown_text()))
    out: list[Route] = []
    for line in lines:
        found = _ROUTE.match(line.text)
        if found is None:
            continue
        path = clean_path(found["path"])
        if api_scope or _API_PATH.search(path):
            verb = found["verb"].upper()
            method = "RESOURCES" if verb == "RESOURCES" else "ANY" if verb == "FORWARD" else verb
            out.append(Route("phoenix", method, path, line.number, norm(line.text)))
    return out


SCANNER = Scanner(
    name="elixir", applies=lambda path: path.endswith("router.ex"),
    trigger=re.compile(r"^\s*(?:get|post|put|patch|delete|options|head|resources|forward)\b",
                       re.MULTILINE),
    scan=scan)
