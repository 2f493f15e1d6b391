"""Python routes: FastAPI/Starlette and Flask decorators, Django `urls.py`, DRF routers/actions.

FastAPI, Starlette and Flask 2 share the `@app.get("/path")` shape; `@x.route(...)` is Flask's.
FastAPI builds its OpenAPI from code: a route whose decorator has `summary=`/`description=`, or
whose function opens with a docstring, carries its docs. So does a DRF action under
drf-spectacular's `@extend_schema`, or a Flask view whose docstring holds a flasgger/apispec
`---` block.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from posixpath import basename

from checks.api_docs.families import Side, python_file
from checks.api_docs.routes import (
    Handlers,
    Route,
    Scanner,
    Window,
    clean_path,
    join_paths,
    norm,
    resigned_handlers,
)
from checks.lazyre import lazy_compile
from checks.model import ChangedFile, Line

_STR = r"""[rbuf]*(?P<q>['"])(?P<path>[^'"]*)(?P=q)"""
# `@app.get("/items/{id}")`, `@router.post("", ...)`, `@bp.route("/x", methods=["POST"])`.
_DECORATOR = lazy_compile(
    r"^\s*@\s*\w+(?:\.\w+)*\.(?P<verb>get|post|put|patch|delete|head|options|trace|route"
    r"|api_route|websocket)\(\s*" + _STR)
# Starlette `Route("/users", endpoint=...)`, `app.add_api_route("/x", f)`, `add_url_rule`.
_CALL = lazy_compile(r"(?:^|[\s(\[,=])(?P<verb>Route|WebSocketRoute|add_api_route|add_url_rule"
                     r"|add_route)\(\s*" + _STR)
_METHODS = lazy_compile(r"methods\s*=\s*[\[(]([^\])]*)")
# Django `path("users/<int:pk>/", ...)`, `re_path(r"^x/$", ...)`, old `url(r"^x$", ...)`.
_DJANGO = lazy_compile(r"^\s*(?:path|re_path|url)\(\s*" + _STR + r"\s*,\s*(?P<view>[^,)]+)")
_DRF_REGISTER = lazy_compile(r"^\s*\w*[Rr]outer\w*\.register\(\s*" + _STR)
_DRF_ACTION = lazy_compile(r"^\s*@action\((?P<args>.*)")
_URL_PATH = lazy_compile(r"url_path\s*=\s*" + _STR)
# Django and Flask serve pages as often as an API: their routes count when the path, the file
# or the view says API, or the file uses an API toolkit (DRF, Flask-RESTful, flask-smorest).
_API_PATH = lazy_compile(r"(?:^|[/^])(?:api|v\d+|rest|graphql|webhooks?)(?:/|$|\b)", re.IGNORECASE)
_API_VIEW = lazy_compile(r"APIView|ViewSet|Api\w*View|api", re.IGNORECASE)
_API_TEXT = lazy_compile(r"rest_framework|ninja|jsonify|flask_restful|flask_smorest|apiflask"
                         r"|url_prefix=.{1,3}api|JsonResponse|fastapi|APIRouter")
# The router's own prefix, when the file shows it: `APIRouter(prefix="/items")`,
# `Blueprint("api", __name__, url_prefix="/api")`.
_PREFIX = lazy_compile(r"(?:APIRouter|Blueprint)\([^)\n]*?(?:url_)?prefix\s*=\s*" + _STR)
_DOC_KWARGS = lazy_compile(r"\b(?:summary|description|openapi_extra|responses)\s*=")
_DEF = lazy_compile(r"^\s*(?:async\s+)?def\s")
_DOCSTRING = lazy_compile(r"""^\s*[rbuf]*(?:\"\"\"|''')""")
_SPECTACULAR = lazy_compile(r"@(?:extend_schema|swagger_auto_schema|extend_schema_view)\b")


def _verbs(verb: str, text: str) -> list[str]:
    if verb in ("route", "api_route", "add_url_rule", "add_route", "Route", "add_api_route"):
        found = _METHODS.search(text)
        if found is None:
            return ["GET"] if verb in ("route", "add_url_rule") else ["ANY"]
        return [m.strip(" '\"").upper() for m in found.group(1).split(",") if m.strip(" '\"")]
    if verb in ("websocket", "WebSocketRoute"):
        return ["WEBSOCKET"]
    return [verb.upper()]


def _framework(verb: str) -> str:
    return "flask" if verb in ("route", "add_url_rule") else "fastapi"


def _django(path: str, line: Line, api_file: bool) -> list[Route]:
    if basename(path) != "urls.py" and "urlpatterns" not in line.text:
        return []
    found = _DJANGO.match(line.text)
    if found is None or "include(" in found["view"] or "admin.site" in found["view"]:
        return []
    if not (api_file or _API_PATH.search(found["path"]) or _API_VIEW.search(found["view"])):
        return []
    path = clean_path(found["path"])
    return [Route("django", "ANY", path, line.number, path)]


def scan(changed: ChangedFile, lines: Sequence[Line], side: Side) -> list[Route]:
    """Routes declared on `lines` of a Python file (either side: each is read from its line)."""
    del side
    path, shown = changed.path, changed.shown_text()
    api_file = bool(_API_PATH.search(path)) or _API_TEXT.search(shown) is not None
    prefix_match = _PREFIX.search(shown) if "prefix" in shown else None
    prefix = clean_path(prefix_match["path"]) if prefix_match else ""
    out: list[Route] = []
    for line in lines:
        text = line.text
        if "(" not in text:
            continue
        found = _DECORATOR.match(text) or _CALL.search(text)
        if found is not None:
            frame = _framework(found["verb"])
            if frame == "flask" and not (api_file or _API_PATH.search(found["path"])):
                continue
            route_path = join_paths(prefix, clean_path(found["path"]))
            out += [Route(frame, verb, route_path, line.number, norm(text))
                    for verb in _verbs(found["verb"], text)]
            continue
        if (register := _DRF_REGISTER.match(text)) is not None:
            out.append(Route("django", "ANY", clean_path(register["path"]), line.number,
                             norm(text)))
            continue
        if (action := _DRF_ACTION.match(text)) is not None:
            out += _action(action["args"], line)
            continue
        out += _django(path, line, api_file)
    return out


def _action(args: str, line: Line) -> list[Route]:
    url = _URL_PATH.search(args)
    sub = url["path"] if url else ""
    prefix = "{pk}/" if re.search(r"detail\s*=\s*True", args) else ""
    verbs = _verbs("route", args) if "methods" in args else ["GET"]
    return [Route("django", verb, f"…/{prefix}{sub}" if sub else "", line.number,
                  norm(line.text)) for verb in verbs]


# Parameters FastAPI fills from the server side (dependencies, the request, the session) are
# not part of the API: `session: SessionDep` replacing `db: Session = Depends(get_db)` is no
# change a client sees.
_SERVER_SIDE = lazy_compile(r"Depends\(|Dep\b|\bRequest\b|\bResponse\b|BackgroundTasks|Session\b"
                            r"|^\s*\*?\s*(?:self|cls|request|response|session|db|current_user)\b")


def _route_at(text: str, number: int) -> Route | None:
    found = _DECORATOR.match(text)
    if found is None or _framework(found["verb"]) != "fastapi":
        return None
    return Route("fastapi", _verbs(found["verb"], text)[0], clean_path(found["path"]), number,
                 norm(text))


def _client_params(params: list[str]) -> tuple[str, ...]:
    return tuple(sorted(p.replace(" ", "") for p in params
                        if p != "*" and not _SERVER_SIDE.search(p)))


HANDLERS = Handlers(_route_at, lazy_compile(r"^\s*(?:@|$)"), _DEF, _client_params)


def resigned(changed: ChangedFile) -> list[Route]:
    """FastAPI routes left alone whose handler's client-facing parameters changed."""
    return resigned_handlers(changed, HANDLERS)


def documented(route: Route, window: Window) -> bool:
    """The route carries its own OpenAPI docs (summary, description, docstring, schema).

    When the diff ends before the function's first statement, its docstring cannot be seen:
    the endpoint gets the benefit of the doubt rather than a warning nobody can act on.
    """
    if route.framework == "django" and route.method == "ANY":
        return False  # a `urls.py` entry: its view, and any docs on it, live elsewhere
    here = window.lines.get(route.line, "")
    if _DOC_KWARGS.search(here):
        return True
    if not here.lstrip().startswith("@"):
        return False  # `Route("/x", endpoint=f)`: the endpoint, and its docs, live elsewhere
    if any(_SPECTACULAR.search(text) for text in window.preceding(route.line, 6)):
        return True
    after = window.following(route.line, 12)
    for index, text in enumerate(after):
        if _DOC_KWARGS.search(text) and not _DEF.match(text):
            return True
        if _DEF.match(text):
            # The docstring opens on the first line after the signature ends.
            rest = after[index:]
            end = next((i for i, t in enumerate(rest) if t.rstrip().endswith(":")), None)
            if end is None or end + 1 >= len(rest):
                return True
            return bool(_DOCSTRING.match(rest[end + 1]))
    return len(after) < 12


SCANNER = Scanner(
    name="python", applies=python_file,
    triggers=(lazy_compile(r"@\s*\w+(?:\.\w+)*\.(?:get|post|put|patch|delete|head|options|trace"
                           r"|route|api_route|websocket)\("),
              lazy_compile(r"Route\("), lazy_compile(r"add_(?:api_route|url_rule|route)\b"),
              lazy_compile(r"path\("), lazy_compile(r"url\("), lazy_compile(r"\.register\("),
              lazy_compile(r"@action\(")),
    scan=scan, documented=documented,
    what_counts="a docstring or `summary=`/`description=` on a FastAPI route, or "
                "drf-spectacular's `@extend_schema`",
    resigned=resigned)
