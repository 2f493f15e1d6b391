"""How a check declares itself: id, checklist title, options, and its pure function."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from checks.model import Outcome, Snapshot
from checks.options import NoOptions, build_options, field_names

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

OptionsT = TypeVar("OptionsT", bound="DataclassInstance")

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


@dataclass(frozen=True)
class RuleDoc:
    """One finding rule of a check, documented once for the docs, `explain` and the findings."""

    id: str
    summary: str  # what it reports, one line
    example: str  # one added line it reports
    fix: str  # the fix hint findings and `explain` carry


def section(doc: str, fields: Mapping[str, Option]) -> Option:
    """A nested mapping of options; its default is the mapping of its fields' defaults."""
    return Option({name: opt.default for name, opt in fields.items()}, "section", doc,
                  fields=fields)


# eq=False: one per check in the registry, found by id; value equality of a check's
# function and types is identity.
@dataclass(frozen=True, eq=False)
class CheckSpec(Generic[OptionsT]):
    """A check: stable id, checklist title, options, and `run(snapshot, options) -> Outcome`.

    `options` declares each key (default, kind, doc); `options_type` is the frozen dataclass
    `run` receives, with one field per key, built once by config validation.
    """

    id: str
    title: str
    run: Callable[[Snapshot, OptionsT], Outcome]
    # A check without options need not name a type. mypy cannot check a default against a
    # type variable (PEP 696 defaults need Python 3.13), hence the ignore.
    options_type: type[OptionsT] = NoOptions  # type: ignore[assignment]
    options: Mapping[str, Option] = field(default_factory=dict)
    description: str = ""
    # True when the check reads `snapshot.repo_files`: the bot then fetches the repository tree.
    needs_repo_files: bool = False
    # The stable finding rule ids it reports, which an inline `shipshape:allow <rule>` may name.
    rules: tuple[str, ...] = ()
    # The worst status before `level` is configured: "warn" for checks new teams should try
    # before they gate on them.
    default_level: str = "fail"
    # Documentation of each rule (id, one line, an example, the fix), for docs and `explain`.
    rule_docs: tuple[RuleDoc, ...] = ()

    def __post_init__(self) -> None:
        if self.default_level not in ("fail", "warn"):
            raise ValueError(f"check {self.id}: default_level must be fail or warn")
        if any(doc.id not in self.rules for doc in self.rule_docs):
            raise ValueError(f"check {self.id}: a documented rule is not in `rules`")
        declared, typed = set(self.options), field_names(self.options_type)
        if declared != typed:
            raise ValueError(f"check {self.id}: options {sorted(declared ^ typed)} are declared "
                             f"in only one of `options` and `options_type`")

    def build_options(self, values: Mapping[str, Any]) -> OptionsT:
        """The typed options from validated values, one per declared key."""
        return build_options(self.options_type, values)

    def default_options(self) -> OptionsT:
        """The typed options when the configuration sets none."""
        return self.build_options({name: opt.default for name, opt in self.options.items()})
