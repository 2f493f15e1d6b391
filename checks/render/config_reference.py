"""The configuration reference in README.md, generated from the options every check declares."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from checks.config import COMMON_CHECK_OPTIONS, GLOBAL_OPTIONS
from checks.spec import CheckSpec, Option, RuleDoc

_KIND_NAMES = {
    "bool": "true/false", "int": "integer", "str": "string", "choice": "one of",
    "str_list": "list of strings", "choice_list": "list, each one of", "regex": "regex",
    "regex_list": "list of regexes", "glob_list": "list of globs (gitignore syntax)",
    "bool_map": "mapping of name to true/false", "section": "mapping",
    "permission": "role (read ... admin) or @org/team",
}


def _default(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def _kind(option: Option) -> str:
    name = _KIND_NAMES[option.kind]
    if option.choices:
        return f"{name} {', '.join(f'`{c}`' for c in option.choices)}"
    if option.kind == "bool_map":
        return f"{name} ({', '.join(f'`{k}`' for k in option.default)})"
    return name


def _table(prefix: str, options: Mapping[str, Option]) -> list[str]:
    rows = ["| key | type | default | what it does |", "| --- | --- | --- | --- |"]
    for key, option in options.items():
        if option.kind == "section":
            rows += _table(f"{prefix}{key}.", option.fields)[2:]
            continue
        doc = option.doc.replace("|", "\\|")
        default = _default(option.default).replace("|", "\\|")
        rows.append(f"| `{prefix}{key}` | {_kind(option)} | `{default}` | {doc} |")
    return rows


def rule_table(docs: Sequence[RuleDoc]) -> list[str]:
    """A markdown table of rules: id, what it reports, an example line, the fix."""
    rows = ["| rule | what it reports | for example | fix |", "| --- | --- | --- | --- |"]
    for doc in docs:
        example = doc.example.replace("|", "\\|").replace("`", "'")
        rows.append(f"| `{doc.id}` | {doc.summary} | `{example}` | {doc.fix} |")
    return rows


def config_reference(registry: Sequence[CheckSpec[Any]]) -> str:
    """Return the markdown reference of every configuration key."""
    lines = ["### Top-level keys", "", *_table("", GLOBAL_OPTIONS), ""]
    lines += ["### Keys every check has", "",
              "Write them under the check's id (`story:`, `tests:`, ...); `story: false` is short "
              "for `story: {enabled: false}`.", "", *_table("", COMMON_CHECK_OPTIONS), ""]
    for spec in registry:
        lines += [f"### `{spec.id}`: {spec.title}", ""]
        if spec.description:
            lines += [spec.description, ""]
        if spec.default_level != COMMON_CHECK_OPTIONS["level"].default:
            lines += [f"Default `{spec.id}.level`: `{spec.default_level}`.", ""]
        if spec.options:
            lines += [*_table(f"{spec.id}.", spec.options), ""]
        else:
            lines += ["No options beyond `enabled` and `level`.", ""]
        if spec.rule_docs:
            lines += [*rule_table(spec.rule_docs), ""]
    return "\n".join(lines).rstrip() + "\n"
