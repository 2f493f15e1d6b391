"""How a check declares itself: id, checklist title, options, and its pure function."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from checks.model import Outcome, Snapshot

# Option kinds the configuration validator understands (see checks/config.py).
KINDS = frozenset(
    {"bool", "int", "str", "choice", "str_list", "choice_list", "regex", "regex_list",
     "glob_list", "bool_map", "section", "permission"}
)


@dataclass(frozen=True)
class Option:
    """One configuration key of a check: default, kind, a line of docs, accepted values."""

    default: Any
    kind: str
    doc: str
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    # For kind "section": the keys of a nested mapping (`audit.branch`, `commands.prefix`).
    fields: Mapping[str, Option] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown option kind {self.kind!r}")
        if (self.kind == "section") != bool(self.fields):
            raise ValueError("an option has fields exactly when its kind is 'section'")


def section(doc: str, fields: Mapping[str, Option]) -> Option:
    """A nested mapping of options; its default is the mapping of its fields' defaults."""
    return Option({name: opt.default for name, opt in fields.items()}, "section", doc,
                  fields=fields)


@dataclass(frozen=True)
class CheckSpec:
    """A check: stable id, checklist title, options, and `run(snapshot, options) -> Outcome`."""

    id: str
    title: str
    run: Callable[[Snapshot, Mapping[str, Any]], Outcome]
    options: Mapping[str, Option] = field(default_factory=dict)
    description: str = ""
    # True when the check reads `snapshot.repo_files`: the bot then fetches the repository tree.
    needs_repo_files: bool = False
