r"""PHP routes: Laravel `routes/*.php` (`Route::get`, `Route::apiResource`) and Symfony
`#[Route('/x', methods: ['GET'])]` attributes.

`routes/web.php` serves pages and `console.php`/`channels.php` no HTTP at all, so only the other
route files count. swagger-php `#[OA\Get(...)]` / `@OA\Get` on a Symfony action carries its docs.
"""

from __future__ import annotations

from collections.abc import Sequence
from posixpath import basename

from checks.api_docs.families import Side, php_file
from checks.api_docs.routes import Route, Scanner, Window, clean_path
from checks.lazyre import lazy_compile
from checks.model import ChangedFile, Line

_STR = r"(?P<q>['\"])(?P<path>[^'\"]*)(?P=q)"
_LARAVEL = lazy_compile(r"(?:Route::|\$router->)(?P<verb>get|post|put|patch|delete|options|any"
                        r"|match|apiResource|resource|apiResources)\(\s*(?:\[[^\]]*\]\s*,\s*)?"
                        + _STR)
_SYMFONY = lazy_compile(r"(?:#\[|@)Route\(\s*(?:path:\s*|path=)?" + _STR + r"(?P<rest>.*)")
_SYMFONY_METHODS = lazy_compile(r"methods[:=]\s*[\[{]([^\]}]*)")
_PAGE_FILES = frozenset({"web.php", "console.php", "channels.php", "auth.php"})
_DOCS = lazy_compile(r"OA\\\w+|@OA\b|@OpenApi\b")


def _laravel(line: Line) -> list[Route]:
    found = _LARAVEL.search(line.text)
    if found is None:
        return []
    verb = found["verb"]
    method = ("RESOURCES" if verb.lower().endswith(("resource", "resources"))
              else "ANY" if verb in ("any", "match") else verb.upper())
    path = clean_path(found["path"])
    # `->middleware(...)`, `->name(...)` or another controller action is not a new contract.
    return [Route("laravel", method, path, line.number, f"{method} {path}")]


def _symfony(line: Line) -> list[Route]:
    found = _SYMFONY.search(line.text)
    if found is None:
        return []
    methods = _SYMFONY_METHODS.search(found["rest"])
    verbs = ([m.strip(" '\"").upper() for m in methods.group(1).split(",") if m.strip(" '\"")]
             if methods else ["ANY"])
    path = clean_path(found["path"])
    return [Route("symfony", verb, path, line.number, f"{verb} {path}") for verb in verbs]


def scan(changed: ChangedFile, lines: Sequence[Line], side: Side) -> list[Route]:
    """Routes declared on `lines` of a PHP file."""
    del side
    parts = changed.path.split("/")
    if "routes" in parts[:-1]:
        if basename(changed.path) in _PAGE_FILES:
            return []
        return [route for line in lines for route in _laravel(line)]
    if "Controller" in basename(changed.path) and "/api" in changed.path.lower():
        return [route for line in lines for route in _symfony(line)]
    return [route for line in lines for route in _symfony(line)
            if "/api" in route.path.lower()]


def documented(route: Route, window: Window) -> bool:
    """swagger-php attributes or annotations above the action."""
    near = window.preceding(route.line, 12) + window.following(route.line, 4)
    return any(_DOCS.search(text) for text in near)


SCANNER = Scanner(
    name="php", applies=php_file,
    triggers=(lazy_compile(r"Route(?:::|\()"), lazy_compile(r"\$router->")),
    scan=scan, documented=documented,
    what_counts="swagger-php `#[OA\\Get(...)]` attributes on a Symfony action")
