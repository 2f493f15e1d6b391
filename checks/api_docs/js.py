"""JavaScript/TypeScript routes: Express, Koa, Fastify, Hono, NestJS and Next.js route handlers.

A call counts only on a receiver that is a server or router (`app`, `router`, `fastify`,
`usersRouter` ...), never `axios`, `api` or `http`: those are clients calling an API, not
declaring one. NestJS and Fastify generate OpenAPI from code: `@ApiOperation`/`@ApiResponse`
(@nestjs/swagger) on the handler, or a route `schema` with a `summary`/`description`, carry the
docs; so does a swagger-jsdoc `@openapi`/`@swagger` block above an Express route.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from checks.api_docs.families import Side, js_file
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

_VERBS = "get|post|put|patch|delete|del|head|options|all"
_RECEIVER = r"(?:app|router|routes|route|server|fastify|instance|api[A-Z]\w*|\w+Router|\w+Routes)"
_STR = r"(?P<q>['\"`])(?P<path>[^'\"`]*)(?P=q)"
# `app.get('/users/:id', ...)`, `router.post("/", auth, handler)`, `fastify.get('/', opts, h)`.
_CALL = lazy_compile(r"(?:^|[^\w.$])" + _RECEIVER + r"\s*\.\s*(?P<verb>" + _VERBS + r")\(\s*"
                     + _STR + r"\s*,")
# `router.route('/users').get(list).post(create)`.
_CHAIN = lazy_compile(r"(?:^|[^\w.$])" + _RECEIVER + r"\s*\.\s*route\(\s*" + _STR + r"\s*\)"
                      r"(?P<rest>.*)")
_CHAINED_VERB = lazy_compile(r"\.\s*(" + _VERBS + r")\(")
# Fastify `fastify.route({ method: 'GET', url: '/x' })` on one line.
_FASTIFY = lazy_compile(r"\.route\(\s*\{.*?method:\s*\[?\s*['\"](?P<verb>\w+)['\"].*?url:\s*"
                        + _STR)
# NestJS `@Get(':id')`, `@Post()`, and the `@Controller('users')` prefix.
_NEST = lazy_compile(r"^\s*@(?P<verb>Get|Post|Put|Patch|Delete|Head|Options|All)\(\s*"
                     r"(?:" + _STR + r")?\s*\)")
_NEST_CONTROLLER = lazy_compile(r"@Controller\(\s*(?:\{[^}]*path:\s*)?['\"`]([^'\"`]*)")
_NEST_DOCS = lazy_compile(r"@Api(?:Operation|Response|\w+Response|Body|Param|Query|Tags)\b")
# Next.js App Router `export async function GET(request)` in `app/**/route.ts`.
_NEXT = lazy_compile(r"^\s*export\s+(?:async\s+)?(?:function\s+|const\s+)"
                     r"(?P<verb>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b")
_JSDOC_SPEC = lazy_compile(r"@(?:openapi|swagger)\b|\b(?:summary|description):")


def _next_path(path: str) -> str | None:
    parts = path.split("/")
    if not parts[-1].startswith("route.") or "app" not in parts[:-1]:
        return None
    below = parts[len(parts) - parts[::-1].index("app"):-1]
    return "/" + "/".join(p for p in below if not p.startswith("(")) if below else "/"


def _one(path: str, line: Line, prefix: str) -> list[Route]:
    text = line.text
    if (found := _CALL.search(text)) is not None:
        verb = "DELETE" if found["verb"] == "del" else found["verb"].upper()
        verb = "ANY" if verb == "ALL" else verb
        path = clean_path(found["path"])
        # Middleware (auth, validation, rate limits) comes and goes on the route line without
        # changing what the endpoint is: only method and path identify an Express route.
        return [Route("express", verb, path, line.number, f"{verb} {path}")]
    if (chain := _CHAIN.search(text)) is not None:
        verbs = [v.upper() for v in _CHAINED_VERB.findall(chain["rest"])] or ["ANY"]
        return [Route("express", v, clean_path(chain["path"]), line.number,
                      f"{v} {chain['path']}") for v in verbs]
    if (fastify := _FASTIFY.search(text)) is not None:
        return [Route("express", fastify["verb"].upper(), clean_path(fastify["path"]),
                      line.number, norm(text))]
    if (nest := _NEST.match(text)) is not None:
        sub = nest["path"] or ""
        return [Route("nestjs", nest["verb"].upper(), join_paths(prefix, clean_path(sub)),
                      line.number, norm(text))]
    if (route_path := _next_path(path)) is not None and (nxt := _NEXT.match(text)):
        return [Route("nextjs", nxt["verb"], route_path, line.number, norm(text))]
    return []


def scan(changed: ChangedFile, lines: Sequence[Line], side: Side) -> list[Route]:
    """Routes declared on `lines` of a JavaScript or TypeScript file."""
    del side  # a controller's prefix rarely changes with its routes: read it from any line
    path, text = changed.path, changed.shown_text()
    controller = _NEST_CONTROLLER.search(text) if "@Controller" in text else None
    prefix = clean_path(controller.group(1)) if controller and controller.group(1) else ""
    out: list[Route] = []
    for line in lines:
        if "(" in line.text:
            out += _one(path, line, prefix)
    return out


def documented(route: Route, window: Window) -> bool:
    """Docs the framework turns into OpenAPI sit on the route or just above it."""
    if route.framework == "nestjs":
        near = window.preceding(route.line, 8) + window.following(route.line, 8)
        return any(_NEST_DOCS.search(text) for text in near)
    near = window.preceding(route.line, 25) + window.following(route.line, 6)
    return any(_JSDOC_SPEC.search(text) for text in [window.lines.get(route.line, ""), *near])


_NEST_CLIENT_PARAM = lazy_compile(r"@(?:Param|Query|Body|Headers|UploadedFiles?)\(")
_NEST_METHOD = lazy_compile(r"^\s*(?:(?:public|private|protected)\s+)?(?:async\s+)?\w+\s*\(")


def _nest_client_params(params: list[str]) -> tuple[str, ...]:
    """Each client parameter's decorator and name: a TypeScript type added to it
    (`path` -> `path: string`) is no change a client sees."""
    return tuple(sorted(p.split(":", 1)[0].rstrip("?").strip() for p in params
                        if _NEST_CLIENT_PARAM.search(p)))


def resigned(changed: ChangedFile) -> list[Route]:
    """NestJS routes left alone whose handler's `@Param`/`@Query`/`@Body` parameters changed."""
    if "@" not in changed.shown_text():
        return []
    controller = _NEST_CONTROLLER.search(changed.shown_text())
    prefix = clean_path(controller.group(1)) if controller and controller.group(1) else ""

    def route_at(text: str, number: int) -> Route | None:
        found = _NEST.match(text)
        if found is None:
            return None
        return Route("nestjs", found["verb"].upper(),
                     join_paths(prefix, clean_path(found["path"] or "")), number, norm(text))

    handlers = Handlers(route_at, re.compile(r"^\s*(?:@|//|$)"), _NEST_METHOD,
                        _nest_client_params)
    return resigned_handlers(changed, handlers)


SCANNER = Scanner(
    name="js", applies=js_file,
    triggers=(lazy_compile(r"\.\s*(?:get|post|put|patch|delete|del|head|options|all|route)\("
                           r"\s*[{'\"`]"),
              lazy_compile(r"@(?:Get|Post|Put|Patch|Delete|Head|Options|All)\("),
              lazy_compile(r"export\s+(?:async\s+)?(?:function|const)\s+"
                           r"(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b")),
    scan=scan, documented=documented,
    what_counts="`@ApiOperation`/`@ApiResponse` (NestJS), a route `schema` with a summary "
                "(Fastify) or a swagger-jsdoc `@openapi` block (Express)",
    resigned=resigned)
