"""The OpenAPI subset of GitHub's REST API, loaded once per process, and request checks against it.

openapi-core does the judging (path, method, parameters, body schema); this module only adapts a
raw HTTP request to its `Request` protocol and turns its errors into GitHub-shaped answers.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.paths.exceptions import PathError
from openapi_core.templating.paths.finders import APICallPathFinder
from werkzeug.datastructures import Headers, ImmutableMultiDict

# The in-repository copy of ../shared/github (tests/fixtures/README.md), so CI needs nothing else.
GITHUB_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "github"
SPEC_PATH = GITHUB_FIXTURES / "rest-api-subset.json"
# The spec's only server; requests are matched as if they had been sent there.
SPEC_HOST = "https://api.github.com"
DOCS_URL = "https://docs.github.com/rest"
# `{path}` in the contents operations spans slashes on GitHub; OpenAPI templates match one segment.
_MULTI_SEGMENT_PARAM_AFTER = "contents"
_MAX_ERROR_TEXT = 200


class ApiError(Exception):
    """An answer GitHub would give instead of running the operation."""

    def __init__(self, status: int, payload: dict[str, Any] | None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status, (payload or {}).get("message"))
        self.status = status
        self.payload = payload
        self.headers = dict(headers or {})


@dataclass(frozen=True)
class Operation:
    """The matched operation: its id and raw (still percent-encoded) path parameters."""

    operation_id: str
    template: str
    variables: dict[str, str]


@dataclass(frozen=True)
class Validated:
    """A request the spec accepts, with parameters cast to the spec's types."""

    operation_id: str
    path: dict[str, Any]
    query: dict[str, Any]
    body: Any = field(default=None)


@dataclass
class _SpecRequest:
    """openapi-core's `Request` protocol over a raw request (the generic integration)."""

    method: str
    path: str
    parameters: RequestParameters
    body: bytes | None
    content_type: str
    host_url: str = SPEC_HOST

    @property
    def full_url_pattern(self) -> str:
        return self.host_url + self.path


@dataclass
class SpecResponse:
    """openapi-core's `Response` protocol, for validating the fake's own answers in tests."""

    data: bytes
    status_code: int
    content_type: str
    headers: Headers


@functools.cache
def spec_dict() -> dict[str, Any]:
    """Return the parsed OpenAPI subset (treat as read-only)."""
    return json.loads(SPEC_PATH.read_text())


@functools.cache
def openapi() -> OpenAPI:
    """Return the openapi-core object for the subset, built once per process."""
    return OpenAPI.from_dict(_allow_null_in_nullable_enums(copy.deepcopy(spec_dict())))


def _allow_null_in_nullable_enums(node: Any) -> Any:
    """Add null to the enum of every `nullable: true` schema, in place.

    GitHub's spec marks e.g. check-run `conclusion` nullable but leaves null out of its enum, so
    strict validators refuse GitHub's own in-progress example (FACTS.md, "Conclusion null").
    """
    if isinstance(node, dict):
        if node.get("nullable") is True and "enum" in node and None not in node["enum"]:
            node["enum"] = [*node["enum"], None]
        for value in node.values():
            _allow_null_in_nullable_enums(value)
    elif isinstance(node, list):
        for value in node:
            _allow_null_in_nullable_enums(value)
    return node


@functools.cache
def _finder() -> APICallPathFinder:
    return APICallPathFinder(openapi().spec)


def example(name: str) -> Any:
    """Return a fresh copy of `components/examples/<name>`'s value."""
    return copy.deepcopy(spec_dict()["components"]["examples"][name]["value"])


def spec_path(raw_path: str) -> str:
    """Re-encode the multi-segment contents path so the one-segment template matches it."""
    parts = raw_path.split("/")
    if len(parts) > 6 and parts[1] == "repos" and parts[4] == _MULTI_SEGMENT_PARAM_AFTER:
        tail = "/".join(parts[5:])
        return "/".join([*parts[:5], quote(unquote(tail), safe="")])
    return raw_path


def find_operation(method: str, raw_path: str) -> Operation:
    """Match method and path like GitHub's router; unknown ones are 404 Not Found."""
    try:
        found = _finder().find(method.lower(), SPEC_HOST + spec_path(raw_path))
    except PathError as exc:
        raise ApiError(404, not_found()) from exc
    variables = {k: unquote(v) for k, v in found.path_result.variables.items()}
    return Operation(found.operation["operationId"], found.path.parts[-1], variables)


def validate_request(method: str, raw_path: str, query: list[tuple[str, str]],
                     headers: Mapping[str, str], body: bytes | None,
                     content_type: str, *, check: bool = True) -> Validated:
    """Validate one request against the subset; raise ApiError(404/422/400) if GitHub would.

    openapi-core validates; its unmarshalling (10x slower on a 50-annotation body) is skipped:
    the validated JSON is parsed with `json` and parameters are cast from the spec's types.
    `check=False` skips openapi-core (routing and casting stay): for a benchmark, where its
    few milliseconds a call would be charged to the client sharing the event loop.
    """
    operation = find_operation(method, raw_path)
    request = _SpecRequest(
        method=method.lower(),
        path=spec_path(raw_path),
        parameters=RequestParameters(
            query=ImmutableMultiDict(query), header=Headers(list(headers.items())),
            cookie=ImmutableMultiDict(),
        ),
        body=body or None,
        content_type=content_type.lower(),
    )
    errors = list(openapi().iter_request_errors(request)) if check else []
    if errors:
        raise ApiError(*_error_answer(errors))
    types = _parameter_types(operation.operation_id)
    path = {k: _cast(v, types.get(k)) for k, v in operation.variables.items()}
    cast_query = {k: _cast(v, types.get(k)) for k, v in query}
    return Validated(operation.operation_id, path, cast_query, json.loads(body) if body else None)


def _cast(value: str, kind: str | None) -> Any:
    return int(value) if kind == "integer" else value


@functools.cache
def _parameter_types(operation_id: str) -> dict[str, str]:
    """Parameter name -> schema type for one operation (refs resolved)."""
    spec = spec_dict()
    for item in spec["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                params = [_resolve(spec, p) for p in operation.get("parameters", [])]
                return {p["name"]: p.get("schema", {}).get("type", "string") for p in params}
    return {}


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if ref is None:
        return node
    target: Any = spec
    for part in ref.lstrip("#/").split("/"):
        target = target[part]
    return target


def validate_response(method: str, raw_path: str, query: list[tuple[str, str]], status: int,
                      content_type: str, body: bytes, headers: Mapping[str, str]) -> None:
    """Raise openapi-core's error if a response does not match the operation's response schema."""
    request = _SpecRequest(
        method=method.lower(), path=spec_path(raw_path),
        parameters=RequestParameters(query=ImmutableMultiDict(query), header=Headers(),
                                     cookie=ImmutableMultiDict()),
        body=None, content_type="",
    )
    response = SpecResponse(body, status, content_type, Headers(list(headers.items())))
    openapi().validate_response(request, response)


def not_found() -> dict[str, Any]:
    """GitHub's body for an unknown path, method or invisible resource."""
    return {"message": "Not Found", "documentation_url": DOCS_URL, "status": "404"}


def validation_failed(message: str, errors: list[Any] | None = None) -> dict[str, Any]:
    """GitHub's 422 body."""
    return {"message": message, "errors": errors or [], "documentation_url": DOCS_URL,
            "status": "422"}


def _error_answer(errors: list[Exception]) -> tuple[int, dict[str, Any]]:
    """Turn openapi-core errors into GitHub's 400 (unparsable body) or 422 answer."""
    details: list[str] = []
    for error in errors:
        cause = error.__cause__
        if type(cause).__name__ == "MediaTypeDeserializeError":
            return 400, {"message": "Problems parsing JSON", "documentation_url": DOCS_URL,
                         "status": "400"}
        details.extend(_describe(error))
    message = "Invalid request.\n\n" + "\n".join(details)
    return 422, validation_failed(message, [_short(d) for d in details])


def _describe(error: Exception) -> list[str]:
    """Short, value-free descriptions of one openapi-core error (values can be 64 KB)."""
    cause = error.__cause__
    name = getattr(error, "name", None)
    where = f"{getattr(error, 'location', 'body')} parameter {name!r}: " if name else ""
    schema_errors = getattr(cause, "schema_errors", None)
    if schema_errors:
        return [where + _schema_error_text(e) for e in schema_errors]
    if cause is not None and type(cause).__name__ == "CastError":
        return [f"{where}{_short(repr(cause.value))} is not of type {cause.type}"]
    return [where + _short(str(cause or error))]


def _schema_error_text(error: Any) -> str:
    """`Invalid property /output/summary: maxLength 65535` in GitHub's wording style."""
    location = "/" + "/".join(str(p) for p in error.absolute_path)
    if error.validator == "required":
        missing = re.match(r"'(.*)' is a required property", error.message)
        name = missing.group(1) if missing else error.message
        return _short(f'"{name}" wasn\'t supplied.')
    limit = error.validator_value if not isinstance(error.validator_value, (list, dict)) else ""
    if error.validator in {"maxLength", "maxItems", "minItems", "minLength", "maximum", "minimum"}:
        return f"Invalid property {location}: {error.validator} {limit}."
    if error.validator == "enum":
        return f"Invalid property {location}: not one of {_short(str(error.validator_value))}."
    if error.validator == "type":
        return f"Invalid property {location}: is not of type {error.validator_value}."
    return f"Invalid property {location}: {_short(error.message)}"


def _short(text: str) -> str:
    return text if len(text) <= _MAX_ERROR_TEXT else text[: _MAX_ERROR_TEXT - 1] + "…"
