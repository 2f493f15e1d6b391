"""ASP.NET Core routes: controller attributes (`[HttpGet("{id}")]`) and minimal APIs (`MapGet`).

Swashbuckle and ASP.NET's OpenAPI generator read docs from code: an XML `/// <summary>` or
`[EndpointSummary]`/`[ProducesResponseType]` on an action, or `.WithSummary(...)`,
`.WithDescription(...)`, `.WithOpenApi(...)` on a minimal API endpoint.
"""

from __future__ import annotations

from collections.abc import Sequence

from checks.api_docs.families import Side, dotnet_file
from checks.api_docs.routes import Route, Scanner, Window, clean_path, join_paths
from checks.lazyre import lazy_compile
from checks.model import ChangedFile, Line

_ATTRIBUTE = lazy_compile(r"\[\s*Http(?P<verb>Get|Post|Put|Patch|Delete|Head|Options)"
                          r"(?:\(\s*(?:template:\s*)?\"(?P<path>[^\"]*)\")?")
# `app.MapGet("/todos/{id}", handler)`, and the handler-first helpers of the Clean
# Architecture template: `group.MapPut(UpdateTodoItem, "{id}")`.
_MAP = lazy_compile(r"\.Map(?P<verb>Get|Post|Put|Patch|Delete|Methods)\(\s*(?:\w+\s*,\s*)?"
                    r"\"(?P<path>[^\"]*)\"")
_PREFIX = lazy_compile(r"\[\s*Route\(\s*\"([^\"]*)\"\s*\)\s*\][^\n]*\n(?:\s*\[.*\n)*"
                       r"\s*public\s+(?:\w+\s+)*class\b")
_DOCS = lazy_compile(r"///\s*<summary>|\[(?:EndpointSummary|EndpointDescription|"
                     r"ProducesResponseType|SwaggerOperation)\b|\.With(?:Summary|Description|"
                     r"OpenApi|Tags)\(|\.Produces(?:<|\()")


def scan(changed: ChangedFile, lines: Sequence[Line], side: Side) -> list[Route]:
    """Routes declared on `lines` of a C# file."""
    del side
    text = changed.shown_text()
    prefix_match = _PREFIX.search(text) if "[Route(" in text else None
    prefix = clean_path(prefix_match.group(1)) if prefix_match else ""
    out: list[Route] = []
    for line in lines:
        if (attr := _ATTRIBUTE.search(line.text)) is not None:
            path = join_paths(prefix, clean_path(attr["path"] or ""))
            verb = attr["verb"].upper()
            out.append(Route("aspnet", verb, path, line.number, f"{verb} {path}"))
        elif (mapped := _MAP.search(line.text)) is not None:
            # `.RequireAuthorization()` and friends chained on the line are not the endpoint.
            verb = "ANY" if mapped["verb"] == "Methods" else mapped["verb"].upper()
            path = clean_path(mapped["path"])
            out.append(Route("aspnet", verb, path, line.number, f"{verb} {path}"))
    return out


def documented(route: Route, window: Window) -> bool:
    """An XML summary or an OpenAPI attribute above the action, or `.With*` on the endpoint."""
    near = window.preceding(route.line, 10) + window.following(route.line, 6)
    return any(_DOCS.search(text) for text in [window.lines.get(route.line, ""), *near])


SCANNER = Scanner(
    name="dotnet", applies=dotnet_file,
    triggers=(lazy_compile(r"\[\s*Http(?:Get|Post|Put|Patch|Delete|Head|Options)\b"),
              lazy_compile(r"\.Map(?:Get|Post|Put|Patch|Delete|Methods)\(")),
    scan=scan, documented=documented,
    what_counts="an XML `/// <summary>`, `[ProducesResponseType]` or `.WithSummary(...)` on "
                "the endpoint")
