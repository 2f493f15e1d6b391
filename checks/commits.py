"""Placeholder: replaced by the real check."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checks.model import Outcome, Snapshot, Status
from checks.spec import CheckSpec


def check(snapshot: Snapshot, options: Mapping[str, Any]) -> Outcome:
    """Placeholder."""
    return Outcome(Status.PASS, "placeholder")


CHECK = CheckSpec(id="commits", title="Small PR, clean commits", run=check)
