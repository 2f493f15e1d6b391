"""Rails routes (`config/routes.rb`, `config/routes/*.rb`) and Grape/Sinatra endpoints.

Rails routes serve pages as often as an API, so a Rails route counts only when it is plainly an
API one: its path or the routes file names `api` or a version (`/v1`), or the diff shows it inside
a `namespace :api` / `scope :v1` / `defaults: {format: :json}` block. Grape's `desc '...'` above
an endpoint (grape-swagger) carries its docs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from posixpath import basename

from checks.api_docs.families import Side, is_rails_routes_file, ruby_file
from checks.api_docs.routes import Route, Scanner, Window, blocks, clean_path
from checks.lazyre import lazy_compile
from checks.model import ChangedFile, Line

_STR = r"(?P<q>['\"])(?P<path>[^'\"]*)(?P=q)"
_VERB = lazy_compile(r"^\s*(?P<verb>get|post|put|patch|delete|match)\s*\(?\s*" + _STR)
_RESOURCES = lazy_compile(r"^\s*(?P<kind>resources|resource)\s*\(?\s*:(?P<name>\w+)(?P<rest>.*)")
_API_PATH = lazy_compile(r"(?:^|/)(?:api|v\d+)(?:/|$)", re.IGNORECASE)
_OPENER = lazy_compile(r"^\s*(?:namespace|scope|constraints|defaults|concern)\b")
_API_BLOCK = lazy_compile(r"(?:namespace|scope)\s*\(?\s*(?:module:\s*|path:\s*)?[:'\"]?/?"
                          r"(?:api|v\d+)\b|format:\s*:?['\"]?json|api_version")
_GRAPE = lazy_compile(r"^\s*(?P<verb>get|post|put|patch|delete)\s+" + _STR + r"\s+do\b")
_GRAPE_DOCS = lazy_compile(r"^\s*desc\s+['\"]")


def _rails(line: Line, api_file: bool) -> list[Route]:
    """A route of an API block or file (`api_file`), or one whose path says API."""
    text = line.text
    if (verb := _VERB.match(text)) is not None:
        path = clean_path(verb["path"])
        if api_file or _API_PATH.search(path):
            method = "ANY" if verb["verb"] == "match" else verb["verb"].upper()
            # `to: "controller#action"` may move; method and path are the contract.
            return [Route("rails", method, path, line.number, f"{method} {path}")]
    elif (res := _RESOURCES.match(text)) is not None and api_file:
        return [Route("rails", "RESOURCES", "/" + res["name"], line.number,
                      f"resources {res['name']}")]
    return []


def scan(changed: ChangedFile, lines: Sequence[Line], side: Side) -> list[Route]:
    """Routes declared on `lines` of a Ruby file."""
    path = changed.path
    if is_rails_routes_file(path):
        api_file = bool(_API_PATH.search(basename(path).removesuffix(".rb")))
        nesting = blocks(changed, side, _OPENER)
        return [route for line in lines for route in
                _rails(line, api_file or bool(_API_BLOCK.search(nesting.get(line.number, ""))))]
    return [Route("grape", m["verb"].upper(), clean_path(m["path"]), line.number,
                  f"{m['verb']} {m['path']}")
            for line in lines if (m := _GRAPE.match(line.text)) is not None]


def documented(route: Route, window: Window) -> bool:
    """A Grape `desc` just above the endpoint."""
    return route.framework == "grape" and any(
        _GRAPE_DOCS.match(text) for text in window.preceding(route.line, 8))


SCANNER = Scanner(
    name="ruby", applies=ruby_file,
    triggers=(lazy_compile(r"^\s*(?:get|post|put|patch|delete|match|resources|resource)\b",
                           re.MULTILINE),),
    scan=scan, documented=documented,
    what_counts="a Grape `desc` on the endpoint")
