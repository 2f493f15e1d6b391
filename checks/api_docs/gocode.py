"""Go routes: net/http (`HandleFunc`, Go 1.22 `"GET /x/{id}"` patterns), gin, echo, chi,
gorilla/mux (`.Methods("GET")`), fiber.

swaggo builds OpenAPI from comments: `// @Summary` and `// @Router /x [get]` above a handler
carry its docs.
"""

from __future__ import annotations

from collections.abc import Sequence

from checks.api_docs.families import Side, go_file
from checks.api_docs.routes import Route, Scanner, Window, clean_path
from checks.lazyre import lazy_compile
from checks.model import ChangedFile, Line

_STR = r"\"(?P<path>[^\"]*)\""
# `mux.HandleFunc("/x", h)`, `http.Handle("GET /x/{id}", h)`.
_HANDLE = lazy_compile(r"\.(?:HandleFunc|Handle)\(\s*" + _STR + r"\s*,")
# gin/echo `r.GET("/x", h)`, chi/fiber `r.Get("/x", h)`; the handler argument is required,
# so `http.Get(url)` and `c.Get("key")` are not routes.
_VERB = lazy_compile(r"\.(?P<verb>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|Any|Get|Post|Put|Patch"
                     r"|Delete|Head|Options|Connect|Trace|All)\(\s*" + _STR + r"\s*,")
# gin `r.Match([]string{"GET", "HEAD"}, "/health", h)`.
_MATCH = lazy_compile(r"\.Match\(\s*\[\]string\{(?P<verbs>[^}]*)\}\s*,\s*" + _STR)
_METHODS = lazy_compile(r"\.Methods\(\s*([^)]*)\)")
_PATTERN_METHOD = lazy_compile(r"^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(.*)$")
# A handler that serves the web UI's files: `serveFile("index.html", ...)`, `http.FileServer`.
_SERVES_FILES = lazy_compile(r"[Ss]erveFile|FileServer|StaticFile|\.Static\(|\.File\(")
_DOCS = lazy_compile(r"//\s*@(?:Summary|Description|Router|Success)\b")


def _route(verb: str, raw: str, line: Line) -> Route:
    pattern = _PATTERN_METHOD.match(raw)
    if pattern is not None:  # Go 1.22 `"GET /items/{id}"`
        verb, raw = pattern.group(1), pattern.group(2)
    path = clean_path(raw)
    # Middleware chained on the line (`.Use(auth)`) is not the endpoint: method and path are.
    return Route("go", verb, path, line.number, f"{verb} {path}")


def scan(changed: ChangedFile, lines: Sequence[Line], side: Side) -> list[Route]:
    """Routes declared on `lines` of a Go file."""
    del changed, side
    out: list[Route] = []
    for line in lines:
        text = line.text
        if text.lstrip().startswith("//") or _SERVES_FILES.search(text):
            continue
        if (match := _MATCH.search(text)) is not None:
            out += [_route(verb.strip(' "').upper(), match["path"], line)
                    for verb in match["verbs"].split(",") if verb.strip(' "')]
        elif (handle := _HANDLE.search(text)) is not None:
            methods = _METHODS.search(text)
            verbs = ([m.strip(' "').upper() for m in methods.group(1).split(",")]
                     if methods else ["ANY"])
            out += [_route(verb, handle["path"], line) for verb in verbs]
        elif (verb := _VERB.search(text)) is not None and verb["path"].startswith(("/", ":")):
            name = verb["verb"].upper()
            out.append(_route("ANY" if name in ("ANY", "ALL") else name, verb["path"], line))
        elif (verb := _VERB.search(text)) is not None and verb["path"] == "":
            out.append(_route(verb["verb"].upper(), "/", line))
    return out


def documented(route: Route, window: Window) -> bool:
    """swaggo comments just above the route (handlers written next to their registration)."""
    return any(_DOCS.search(text) for text in window.preceding(route.line, 20))


SCANNER = Scanner(
    name="go", applies=go_file,
    triggers=(lazy_compile(r"\.(?:HandleFunc|Handle|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|Any|Get"
                           r"|Post|Put|Patch|Delete|Head|Options|Connect|Trace|All)\(\s*\""),
              lazy_compile(r"\.Match\(\s*\[\]string")),
    scan=scan, documented=documented,
    what_counts="swaggo `// @Summary` / `// @Router` comments on the handler")
