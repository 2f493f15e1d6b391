"""The `api-docs` check: when a PR adds, removes or changes an HTTP endpoint, it also changes
the API's documentation.

Each framework family has a scanner (one module each) that reads routes from the added and
removed lines of the files it knows; it is imported only for a file whose changed lines hold its
family's trigger words (families.py), which most changed files do not. Routes are paired across
the two sides by framework, method and path: on one side only, the endpoint was added or
removed; on both with a different declaration, or with the path changed in place, it changed;
the same declaration on both sides is a move and a body-only edit shows no route line at all, so
neither is judged. An endpoint is documented when the PR changes an API document (docs.py), or,
for frameworks that generate their OpenAPI from code, when the endpoint carries its own docs (a
docstring, `summary=`, `@Operation`, `@ApiOperation` ...). Test, docs and example files declare
no endpoints.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from checks.api_docs.docs import (
    DEFAULT_DOC_GLOBS,
    has_inline_spec_change,
    is_api_doc,
    repo_keeps_docs,
)
from checks.api_docs.families import FAMILIES, Change, Family, Side, families_of, says
from checks.config import compile_globs
from checks.globs import Globs
from checks.lazyre import lazy_compile
from checks.lineruns import joined_texts
from checks.model import (
    ChangedFile,
    Finding,
    Line,
    Outcome,
    Severity,
    Snapshot,
    Status,
)
from checks.paths import PathKind, classify
from checks.spec import CheckSpec, Option, RuleDoc

if TYPE_CHECKING:
    from checks.api_docs.endpoints import Endpoint, Seen
    from checks.api_docs.routes import Route, Scanner


def scanners() -> tuple[Scanner, ...]:
    """Every family's scanner, in the order they are tried (imports them all)."""
    return tuple(load() for _, _, _, load, _ in FAMILIES)


def _scanners_for(path: str) -> list[Scanner]:
    """The scanners of every family whose files `path` is (imports those)."""
    return [load() for _, _, _, load, _ in families_of(path)]


def _families_reading(changed: ChangedFile, families: list[Family]) -> list[Family]:
    """The `families` whose scanners may read a route from `changed`: those whose trigger
    words its changed lines hold, or that look for handlers whose signature changed. Only
    their scanners are imported: most PRs declare no route in most files (issue 18)."""
    text = f"{joined_texts(changed.added)}\n{joined_texts(changed.removed)}"
    return [family for family in families
            if says(text, family[1]) or (family[2] and _may_resign(changed))]


FRAMEWORKS: tuple[str, ...] = (
    "fastapi", "flask", "django", "express", "nestjs", "nextjs", "spring", "jax-rs", "aspnet",
    "go", "rails", "grape", "laravel", "symfony", "phoenix", "graphql")
RULES: Mapping[Change, str] = {Change.ADDED: "api-added-undocumented",
                               Change.CHANGED: "api-changed-undocumented",
                               Change.REMOVED: "api-removed-undocumented"}
# Files whose routes are not the product's API: tests exercise it, docs and examples show it.
_NOT_API = frozenset({PathKind.TEST, PathKind.DOCS})
_SHOWN = 3
# Files named like route modules: `api/routes/items.py`, `routers/users.py`, `views.py`,
# `OwnerRestController.java`, `OrderResource.java`, `cats.controller.ts`.
_ROUTE_MODULE = lazy_compile(r"(?:^|/)(?:api|apis|routes?|routers?|endpoints?|views?|controllers?"
                             r"|handlers?)/|(?:controller|resource|endpoint|router|routes?|views?"
                             r"|api)[^/]*$")
_FIX = ("change the OpenAPI/Swagger document or the API docs folder in the same PR, or give the "
        "endpoint its docs in code where the framework generates OpenAPI from it")
# Frameworks that always serve an OpenAPI document generated from the code.
_ALWAYS_GENERATED = frozenset({"fastapi"})
# `/asset-manifest.json`, `/service-worker.js`, `/favicon.ico`, `/docs/*any` (Swagger UI).
_STATIC = lazy_compile(
    r"\.(?:js|mjs|css|html?|ico|png|jpe?g|gif|svg|webp|txt|map|woff2?|ttf|webmanifest|xml)$"
    r"|manifest\.json$|^/(?:docs|swagger|swagger-ui|redoc|api-docs|openapi|static|assets)"
    r"(?:[/.*:]|$)",
    re.IGNORECASE)
# How many following lines a declaration split over lines may take.
_JOINED = 4

OPTIONS: Mapping[str, Option] = {
    "doc_globs": Option(
        list(DEFAULT_DOC_GLOBS), "glob_list", "paths whose change counts as API documentation "
        "(gitignore syntax); an OpenAPI/Swagger document counts by its content, whatever its "
        "name"),
    "code_docs": Option(
        True, "bool", "an endpoint that carries its own OpenAPI docs in code counts as "
        "documented (FastAPI docstring or `summary=`, NestJS `@ApiOperation`, springdoc "
        "`@Operation`, drf-spectacular `@extend_schema`, swaggo comments, ...)"),
    "require_for": Option(
        ["added", "changed", "removed"], "choice_list", "which endpoint changes need docs",
        choices=("added", "changed", "removed")),
    "no_docs_in_repo": Option(
        "notice", "choice", "when the repository keeps no API documentation at all (no "
        "OpenAPI/Swagger/GraphQL schema file, nothing matching `doc_globs`): `notice` reports "
        "undocumented endpoints as notices, `warn` judges them as usual",
        choices=("notice", "warn")),
    "frameworks": Option(
        dict.fromkeys(FRAMEWORKS, True), "bool_map",
        "turn the detection of one framework's routes on or off"),
}


@dataclass(frozen=True)
class ApiDocsOptions:
    """The api-docs check's options; keys, defaults and docs are declared in `OPTIONS`."""

    doc_globs: tuple[str, ...]
    code_docs: bool
    require_for: tuple[Change, ...]
    no_docs_in_repo: str
    frameworks: Mapping[str, bool]


def _candidates(lines: Sequence[Line], scanner: Scanner) -> list[Line]:
    """The lines the scanner's triggers match, found with one search each over all of them."""
    if not lines:
        return []
    joined = joined_texts(lines)
    starts = sorted({match.start() for trigger in scanner.triggers
                     for match in trigger.finditer(joined)})
    indexes: list[int] = []
    index, last = 0, 0
    for start in starts:
        index += joined.count("\n", last, start)
        last = start
        if not indexes or indexes[-1] != index:
            indexes.append(index)
    return [_continued(lines, at, indexes[n + 1] if n + 1 < len(indexes) else len(lines))
            for n, at in enumerate(indexes)]


def _continued(lines: Sequence[Line], index: int, stop: int) -> Line:
    """A call split over lines (`router.post(` / `'/x',` / ...) read as one line, up to the
    next line that declares something of its own (`stop`): `Route::middleware(...)->group(
    function () {` followed by `Route::get(...)` is two lines, not one route."""
    line = lines[index]
    text, at = line.text, index
    while (text.rstrip().endswith(("(", ",", "{")) and text.count("(") > text.count(")")
           and at + 1 < stop
           and lines[at + 1].number == lines[at].number + 1 and at - index < _JOINED):
        at += 1
        text = f"{text.rstrip()} {lines[at].text.strip()}"
    return line if at == index else Line(line.number, text)


def _read(changed: ChangedFile, scanner: Scanner, side: Side,
          options: ApiDocsOptions) -> list[Seen]:
    lines = changed.added if side is Side.NEW else changed.removed
    candidates = _candidates(lines, scanner)
    if not candidates:
        return []
    return _seen(changed, scanner, [
        route for route in scanner.scan(changed, candidates, side)
        if options.frameworks.get(route.framework, True) and not _serves_files(route.path)])


def _seen(changed: ChangedFile, scanner: Scanner, routes: list[Route]) -> list[Seen]:
    if not routes:
        return []
    # Most PRs declare no route: pairing and judging endpoints (endpoints.py, two records)
    # loads for the first route read.
    from checks.api_docs.endpoints import Seen

    return [Seen(route, changed, scanner) for route in routes]


def _serves_files(path: str) -> bool:
    """Routes that serve a web UI's files or the API docs themselves are not API operations."""
    return _STATIC.search(path) is not None


def _may_resign(changed: ChangedFile) -> bool:
    """Whether to look for handlers whose signature changed under an unchanged route: only in
    files named like route modules, and only when the PR removed a line with a parameter
    list there. Reading the hunks of every changed file would cost more than the rest of the
    check."""
    low = changed.path.lower()
    return (bool(changed.added) and bool(changed.removed) and _ROUTE_MODULE.search(low) is not None
            and "(" in joined_texts(changed.removed))


def _scan(files: Iterable[ChangedFile], options: ApiDocsOptions) -> list[Endpoint]:
    added: list[Seen] = []
    removed: list[Seen] = []
    resigned: list[Seen] = []
    for changed in files:
        if changed.binary or changed.patch_missing or changed.is_pure_rename:
            continue
        families = families_of(changed.path)
        if not families:
            continue
        # Classifying a path (~8 us) costs about what reading a file's words does, and few
        # files hold them: only those are classified (11 ms on the bench diff's 1,354 code files).
        reading = _families_reading(changed, families)
        if not reading or classify(changed.path) in _NOT_API:
            continue
        scanners = [load() for _, _, _, load, _ in reading]
        for scanner in scanners:
            added += _read(changed, scanner, Side.NEW, options)
            removed += _read(changed, scanner, Side.OLD, options)
        for scanner in scanners:
            if scanner.resigned is not None and _may_resign(changed):
                resigned += _seen(changed, scanner, [
                    route for route in scanner.resigned(changed)
                    if options.frameworks.get(route.framework, True)])
    if not added and not removed and not resigned:
        return []
    from checks.api_docs.endpoints import endpoints

    return endpoints(added, removed, resigned, options.code_docs)


def _doc_files(files: Iterable[ChangedFile], globs: Globs | None,
               options: ApiDocsOptions) -> list[str]:
    return [changed.path for changed in files
            if is_api_doc(changed, globs) or (options.code_docs and has_inline_spec_change(changed)
                                              and classify(changed.path) not in _NOT_API)]


def _what_counts(endpoint: Endpoint, options: ApiDocsOptions) -> str:
    globs = ", ".join(f"`{g}`" for g in options.doc_globs[:3])
    more = " ..." if len(options.doc_globs) > 3 else ""
    counts = f"a change to an OpenAPI/Swagger document or to {globs}{more}" if globs else \
        "a change to an OpenAPI/Swagger document"
    scanner = next(iter(_scanners_for(endpoint.path)), None)
    if options.code_docs and scanner is not None and scanner.what_counts:
        counts += f", or {scanner.what_counts}"
    return counts


def _finding(endpoint: Endpoint, options: ApiDocsOptions) -> Finding:
    line = endpoint.anchor if endpoint.change is Change.REMOVED else endpoint.route.line
    message = (f"{endpoint.label} {endpoint.change} ({endpoint.route.framework}) but no API "
               f"documentation changed; counts as docs: {_what_counts(endpoint, options)}.")
    return Finding(message, endpoint.path, line, rule=RULES[endpoint.change],
                   severity=Severity.FAIL)


def _listed(endpoints: Sequence[Endpoint]) -> str:
    shown = ", ".join(f"{e.label} ({e.change})" for e in endpoints[:_SHOWN])
    return shown + (f" and {len(endpoints) - _SHOWN} more" if len(endpoints) > _SHOWN else "")


def _plural(count: int) -> str:
    return "1 endpoint" if count == 1 else f"{count} endpoints"


def check(snapshot: Snapshot, options: ApiDocsOptions) -> Outcome:
    """Check that API documentation changed with the API."""
    judged = [e for e in _scan(snapshot.files, options) if e.change in options.require_for]
    stats = {"api_docs": {"endpoints": len(judged)}}
    if not judged:
        return Outcome(Status.PASS, "No HTTP endpoint added, removed or changed.", stats=stats)
    globs = compile_globs(options.doc_globs) if options.doc_globs else None
    docs = _doc_files(snapshot.files, globs, options)
    if docs:
        shown = ", ".join(docs[:_SHOWN]) + (" ..." if len(docs) > _SHOWN else "")
        return Outcome(Status.PASS, f"{_plural(len(judged))} changed with API docs ({shown}).",
                       stats=stats)
    missing = [e for e in judged if not e.documented]
    if not missing:
        return Outcome(Status.PASS, f"{_plural(len(judged))} changed, each documented in code "
                       "(OpenAPI annotations, docstrings or schema descriptions).", stats=stats)
    summary = f"{_plural(len(missing))} changed without API docs: {_listed(missing)}."
    if (options.no_docs_in_repo == "notice" and snapshot.repo_files is not None
            and not repo_keeps_docs(snapshot.repo_files, globs)):
        return _without_repo_docs(missing, summary, options, stats)
    return Outcome(Status.FAIL, summary, tuple(_finding(e, options) for e in missing),
                   stats=stats)


def _without_repo_docs(missing: Sequence[Endpoint], summary: str, options: ApiDocsOptions,
                       stats: Mapping[str, Any]) -> Outcome:
    """A repository without any API docs would see a warning on every endpoint PR: say it
    quietly until it has docs to keep up to date. FastAPI always serves an OpenAPI document
    built from code, so its routes still need their docs in code."""
    judged = [e for e in missing if e.route.framework in _ALWAYS_GENERATED]
    quiet = [e for e in missing if e.route.framework not in _ALWAYS_GENERATED]
    findings = [_finding(e, options) for e in judged]
    findings += [replace(_finding(e, options), severity=Severity.NOTICE) for e in quiet]
    if judged:
        return Outcome(Status.FAIL, f"{_plural(len(judged))} changed without docs in code: "
                       f"{_listed(judged)}.", tuple(findings), stats=stats)
    return Outcome(Status.PASS, f"{summary[:-1]}; the repository keeps no API documentation "
                   "yet (no OpenAPI/Swagger file, nothing matching doc_globs).",
                   tuple(findings), stats=stats)


CHECK = CheckSpec(
    id="api-docs",
    title="API documentation changed with the API",
    run=check,
    options_type=ApiDocsOptions,
    options=OPTIONS,
    rules=tuple(RULES.values()),
    rule_docs=(
        RuleDoc("api-added-undocumented", "a new endpoint, and no API documentation changed",
                '@router.post("/items/{id}/archive")', _FIX),
        RuleDoc("api-changed-undocumented", "an endpoint's path or declared signature changed "
                "(path, method, FastAPI `response_model`), and no API documentation changed",
                "router.post('/send-verification-email', ...)  // was /verification-email",
                _FIX),
        RuleDoc("api-removed-undocumented", "an endpoint removed, and no API documentation "
                "changed (the docs still describe it)",
                "- Route::get('/legacy/export', [ExportController::class, 'csv']);", _FIX),
    ),
    default_level="warn",
    needs_repo_files=True,
    description="A PR that adds, removes or changes an HTTP endpoint (route or signature) also "
                "changes the API's documentation: an OpenAPI/Swagger document, an API docs "
                "folder, or the endpoint's own OpenAPI docs in code. See docs/api-docs.md.",
)
