"""A JSON Schema of `.github/shipshape.yml`, generated from the same option definitions as the
README's reference, so editors (the YAML language server) complete and validate the file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from checks.command_options import LEVELS, TEAM
from checks.config import APPEND, GLOBAL_OPTIONS, check_options
from checks.layers import EXTENDS, LOCKED, OVERRIDES, default_document, known_paths
from checks.spec import CheckSpec, Option

# Draft-07: the dialect editors (the YAML language server among them) support most widely;
# the schema uses no keyword whose meaning changed since.
SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#"
_LIST_KINDS = frozenset({"str_list", "choice_list", "regex_list", "glob_list"})
_REF_PATTERN = (r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}(:[^@\s]+)?"
                r"(@[^\s:]+)?$")


def _choices(option: Option) -> list[Any]:
    values: list[Any] = list(option.choices)
    # YAML reads `enabled: false` as a boolean; the validator accepts it for "false".
    values += [flag for flag in (True, False) if str(flag).lower() in option.choices]
    return values


def option_schema(option: Option) -> dict[str, Any]:
    """The schema of one option's value, with its doc and default."""
    kind = option.kind
    schema: dict[str, Any]
    if kind == "bool":
        schema = {"type": "boolean"}
    elif kind == "int":
        schema = {"type": "integer"}
        if option.minimum is not None:
            schema["minimum"] = option.minimum
    elif kind in ("str", "regex"):
        schema = {"type": "string"}
    elif kind == "permission":
        schema = {"type": "string", "anyOf": [{"enum": ["", *LEVELS]},
                                              {"pattern": TEAM.pattern}]}
    elif kind == "choice":
        schema = {"enum": _choices(option)}
    elif kind == "bool_map":
        schema = {"type": "object", "additionalProperties": False,
                  "properties": {name: {"type": "boolean"} for name in option.default}}
    elif kind == "section":
        schema = _object(option.fields)
    else:
        item: dict[str, Any] = {"type": "string"}
        if kind == "choice_list":
            item = {"enum": list(option.choices)}
        schema = {"type": "array", "items": item}
    if option.doc:
        schema["description"] = option.doc
    schema["default"] = option.default
    return schema


def _object(options: Mapping[str, Option]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for name, option in options.items():
        properties[name] = option_schema(option)
        if option.kind in _LIST_KINDS:
            appended = option_schema(option)
            appended["description"] = f"appended to the list of the layers below: {option.doc}"
            del appended["default"]
            properties[f"{name}{APPEND}"] = appended
    return {"type": "object", "additionalProperties": False, "properties": properties}


def _check(spec: CheckSpec[Any]) -> dict[str, Any]:
    settings = _object(check_options(spec))
    return {"description": f"{spec.title}. `false` turns it off.",
            "oneOf": [{"type": "boolean"}, settings]}


def _overrides(registry: Sequence[CheckSpec[Any]]) -> dict[str, Any]:
    item = {"type": "object", "required": ["paths"], "additionalProperties": False,
            "properties": {
                "paths": {"type": "array", "minItems": 1, "items": {"type": "string"},
                          "description": "the files this override judges (gitignore syntax)"},
                **{spec.id: _check(spec) for spec in registry}}}
    return {"type": "array", "items": item,
            "description": "check settings for some paths; the last override that matches "
                           "a file judges it"}


def config_schema(registry: Sequence[CheckSpec[Any]]) -> dict[str, Any]:
    """The JSON Schema (draft-07) of a configuration file of any layer."""
    top = _object(GLOBAL_OPTIONS)
    properties = top["properties"]
    properties.update({spec.id: _check(spec) for spec in registry})
    ref = {"type": "string", "pattern": _REF_PATTERN}
    properties[EXTENDS] = {
        "description": "files layered under this one: `owner/repo[:path][@ref]` (path "
                       "default .github/shipshape.yml, ref default the default branch)",
        "oneOf": [ref, {"type": "array", "items": ref}]}
    properties[LOCKED] = {
        "description": "organisation file only: key paths no repository may change",
        "type": "array",
        "items": {"enum": sorted([*known_paths(default_document(registry)), OVERRIDES])}}
    properties[OVERRIDES] = _overrides(registry)
    properties[f"{OVERRIDES}{APPEND}"] = _overrides(registry)
    return {"$schema": SCHEMA_DIALECT, "title": "shipshape configuration (.github/shipshape.yml)",
            **top}
