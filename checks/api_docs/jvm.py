"""Java/Kotlin routes: Spring MVC/WebFlux mappings, JAX-RS (`@GET` + `@Path`), Micronaut.

springdoc and MicroProfile OpenAPI build the spec from code: `@Operation`, `@ApiResponse(s)`
(or Swagger 2's `@ApiOperation`) on the handler carry its docs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from checks.api_docs.families import Side, jvm_file
from checks.api_docs.routes import (
    Handlers,
    Route,
    Scanner,
    Window,
    clean_path,
    join_paths,
    norm,
    resigned_handlers,
    window,
)
from checks.lazyre import lazy_compile
from checks.model import ChangedFile, Line

_STR = r"\"(?P<path>[^\"]*)\""
# `@GetMapping("/{id}")`, `@PostMapping(value = "/x", consumes = ...)`, `@GetMapping`.
_SPRING = lazy_compile(r"^\s*@(?P<verb>Get|Post|Put|Patch|Delete|Request)Mapping\b"
                       r"(?:\(\s*(?:(?:value|path)\s*=\s*)?\{?\s*(?:" + _STR + r")?(?P<rest>.*))?")
_NAMED_BINDINGS = frozenset({"PathVariable", "RequestParam", "RequestHeader", "CookieValue",
                             "MatrixVariable", "QueryValue", "Header", "RequestPart"})
_BINDING = lazy_compile(r"@(\w+)(?:\(([^)]*)\))?")
_REQUEST_METHOD = lazy_compile(r"RequestMethod\.(\w+)")
# Micronaut `@Get("/x")`, `@Post`.
_MICRONAUT = lazy_compile(r"^\s*@(?P<verb>Get|Post|Put|Patch|Delete)\b(?:\(\s*(?:value\s*=\s*)?"
                          r"(?:" + _STR + r")?)?")
_JAXRS = lazy_compile(r"^\s*@(?P<verb>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s*$")
_PATH = lazy_compile(r"@Path\(\s*(?:value\s*=\s*)?" + _STR)
_CLASS_PREFIX = lazy_compile(r"^\s*@(?:RequestMapping|Path|Controller)\("
                             r"\s*(?:(?:value|path)\s*=\s*)?\{?\s*" + _STR
                             + r"[^\n]*\n(?:\s*@.*\n)*\s*(?:public\s+|open\s+)?"
                             r"(?:abstract\s+)?(?:class|interface|object)\b", re.MULTILINE)
_CLASS = lazy_compile(r"\b(?:class|interface|object)\s")
_API_SIGNS = lazy_compile(r"@RestController|@ResponseBody|ResponseEntity|produces\s*=|consumes\s*="
                          r"|MediaType|\"/?api/|\"/v\d")
_DOCS = lazy_compile(r"@(?:Operation|ApiOperation|ApiResponses?|Tag|Parameter|RequestBody\(|"
                     r"APIResponses?)\b")


def _prefix(changed: ChangedFile) -> str:
    text = changed.shown_text()
    found = _CLASS_PREFIX.search(text) if ("@RequestMapping" in text or "@Path" in text
                                            or "@Controller" in text) else None
    return clean_path(found["path"]) if found else ""


def _spring(found: re.Match[str], line: Line, prefix: str) -> list[Route]:
    rest = found["rest"] or ""
    verbs = ([v.upper() for v in _REQUEST_METHOD.findall(rest)] or ["ANY"]
             if found["verb"] == "Request" else [found["verb"].upper()])
    path = join_paths(prefix, clean_path(found["path"] or ""))
    # `produces`/`consumes` churn (`APPLICATION_JSON_UTF8_VALUE` -> `"application/json"`) is
    # not a new contract: method and path identify the endpoint.
    return [Route("spring", verb, path, line.number, f"{verb} {path}") for verb in verbs]


def _jaxrs(found: re.Match[str], line: Line, paths: dict[int, str], prefix: str) -> Route:
    near = next((paths[n] for n in (line.number + 1, line.number - 1, line.number + 2,
                                    line.number - 2) if n in paths), "")
    path = join_paths(prefix, near)
    return Route("jax-rs", found["verb"], path, line.number, f"{found['verb']} {path}")


def _serves_pages(changed: ChangedFile) -> bool:
    """A Spring MVC `@Controller` returning view names serves pages, not an API."""
    text = changed.shown_text()
    return "@Controller" in text and _API_SIGNS.search(text) is None


def scan(changed: ChangedFile, lines: Sequence[Line], side: Side) -> list[Route]:
    """Routes declared on `lines` of a Java or Kotlin file."""
    if _serves_pages(changed):
        return []
    context: Window | None = None
    prefix = _prefix(changed)
    paths = {line.number: clean_path(m["path"]) for line in lines
             if (m := _PATH.search(line.text)) is not None}
    out: list[Route] = []
    for line in lines:
        text = line.text
        if (spring := _SPRING.match(text)) is not None:
            if spring["verb"] == "Request":
                context = context or window(changed, side)
                if _is_class_mapping(context, line):
                    continue
            out += _spring(spring, line, prefix)
        elif (jaxrs := _JAXRS.match(text)) is not None:
            out.append(_jaxrs(jaxrs, line, paths, prefix))
        elif (micronaut := _MICRONAUT.match(text)) is not None:
            out.append(Route("spring", micronaut["verb"].upper(),
                             join_paths(prefix, clean_path(micronaut["path"] or "")),
                             line.number, norm(text)))
    return out


def _is_class_mapping(context: Window, line: Line) -> bool:
    """A `@RequestMapping` on a class sets a prefix; it declares no endpoint of its own."""
    return any(_CLASS.search(text) for text in context.following(line.number, 4))


def documented(route: Route, window: Window) -> bool:
    """springdoc / Swagger annotations stacked on the handler."""
    near = window.preceding(route.line, 10) + window.following(route.line, 10)
    return any(_DOCS.search(text) for text in [window.lines.get(route.line, ""), *near])


# A handler's parameters a client sends carry one of these annotations; the rest (a
# `Principal`, `HttpServletRequest`, a `Model`) are filled by the server.
_CLIENT_PARAM = lazy_compile(r"@(?:PathVariable|RequestParam|RequestBody|RequestHeader|RequestPart"
                             r"|CookieValue|MatrixVariable|ModelAttribute|PathParam|QueryParam"
                             r"|HeaderParam|FormParam|BeanParam|CookieParam|Body|QueryValue|Header)\b")
_METHOD = lazy_compile(r"^\s*(?:(?:public|protected|private|static|final|suspend|open|override"
                       r"|abstract|synchronized)\s+)*(?:fun\s+\w+|[\w<>\[\],.? ]+\s+\w+)\s*\(")


def _route_at(text: str, number: int) -> Route | None:
    found = _SPRING.match(text)
    if found is None or (found["verb"] == "Request" and not _REQUEST_METHOD.search(text)):
        return None  # a bare `@RequestMapping` may be the class's: not a handler's route
    return _spring(found, Line(number, text), "")[0]


def _client_params(params: list[str]) -> tuple[str, ...]:
    """What a client sees of each parameter: its binding annotations with their arguments,
    and its name when no argument names it; not its Java type (`Owner` -> `OwnerDto` is a
    refactoring the JSON does not show)."""
    return tuple(sorted(_wire(p) for p in params if _CLIENT_PARAM.search(p)))


def _wire(param: str) -> str:
    bindings = _BINDING.findall(param)
    # A query/path/header parameter without an explicit name is bound by its Java name; a
    # body has no name on the wire.
    by_name = any(kind in _NAMED_BINDINGS and not args.strip() for kind, args in bindings)
    name = param.rsplit(" ", 1)[-1] if by_name else ""
    return " ".join(f"@{kind}({args.strip()})" for kind, args in bindings) + f" {name}"


HANDLERS = Handlers(_route_at, lazy_compile(r"^\s*(?:@|//|$)"), _METHOD, _client_params)


def resigned(changed: ChangedFile) -> list[Route]:
    """Spring routes left alone whose handler's client-facing parameters changed."""
    return [] if _serves_pages(changed) else resigned_handlers(changed, HANDLERS)


SCANNER = Scanner(
    name="jvm", applies=jvm_file,
    triggers=(lazy_compile(r"@(?:(?:Get|Post|Put|Patch|Delete|Request)Mapping\b"
                           r"|(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s*$"
                           r"|(?:Get|Post|Put|Patch|Delete)\b|Path\()", re.MULTILINE),),
    scan=scan, documented=documented,
    what_counts="springdoc's `@Operation`/`@ApiResponse` on the handler",
    resigned=resigned)
