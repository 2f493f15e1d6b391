"""The configuration's top-level keys (`GLOBAL_OPTIONS`) as one typed, frozen object."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from checks.options import build_options, field_names


class DraftPolicy(enum.StrEnum):
    """What the bot does with a draft pull request."""

    REVIEW = "review"
    SKIP = "skip"


@dataclass(frozen=True)
class RepoSettings:
    """Top-level settings; a key declared in `GLOBAL_OPTIONS` without a field here is in `sections`.

    Defaults and docs live in `GLOBAL_OPTIONS` (checks/config.py). A new top-level key needs no
    field to be validated and read (`settings["audit"]`); give it a field (a nested dataclass for
    a section) when its readers want it typed.
    """

    ignore: tuple[str, ...]
    ignore_defaults: bool
    ignore_generated: bool
    warn_conclusion: Literal["neutral", "success"]
    draft: DraftPolicy
    comment: bool
    size_label: bool
    sections: Mapping[str, Any]

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> RepoSettings:
        """Build the settings from validated top-level values (every declared key)."""
        typed = field_names(cls) - {"sections"}
        rest = {key: value for key, value in values.items() if key not in typed}
        return build_options(cls, {**values, "sections": rest})

    def __getitem__(self, key: str) -> Any:
        """Any declared top-level key by name: a typed field, else its validated value."""
        if key in field_names(type(self)) - {"sections"}:
            return getattr(self, key)
        return self.sections[key]
