"""How a check declares itself: id, checklist title, options, and its pure function."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from checks.model import Outcome, Snapshot, Status
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


def section(doc: str, fields: Mapping[str, Option]) -> Option:
    """A nested mapping of options; its default is the mapping of its fields' defaults."""
    return Option({name: opt.default for name, opt in fields.items()}, "section", doc,
                  fields=fields)


@dataclass(frozen=True)
class RuleDoc:
    """One finding rule explained: what it flags and a one-line example of a line it flags.

    The README's rule tables and the `explain` command both read these, so they say the same.
    """

    id: str
    what: str
    example: str


@dataclass(frozen=True)
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
    # The `level` a check has when the configuration sets none (`warn` for advisory checks).
    default_level: Status = Status.FAIL
    # Rules explained for people (README, `explain`); each names one of `rules`.
    rule_docs: tuple[RuleDoc, ...] = ()

    def __post_init__(self) -> None:
        declared, typed = set(self.options), field_names(self.options_type)
        if declared != typed:
            raise ValueError(f"check {self.id}: options {sorted(declared ^ typed)} are declared "
                             f"in only one of `options` and `options_type`")
        unknown = {doc.id for doc in self.rule_docs} - set(self.rules)
        if unknown:
            raise ValueError(f"check {self.id}: rule_docs name unknown rules {sorted(unknown)}")

    def build_options(self, values: Mapping[str, Any]) -> OptionsT:
        """The typed options from validated values, one per declared key."""
        return build_options(self.options_type, values)

    def default_options(self) -> OptionsT:
        """The typed options when the configuration sets none."""
        return self.build_options({name: opt.default for name, opt in self.options.items()})
