"""Whether a changed file may hold an inline allow marker (`shipshape:allow`), asked by the
engine before it imports checks/suppressions.py: most PRs hold none, and that module's records
and patterns need not load for them."""

from __future__ import annotations

from checks.lineruns import joined_texts
from checks.model import ChangedFile

MARKER_WORD = "shipshape:allow"


def may_hold_marker(changed: ChangedFile) -> bool:
    """One plain search per file keeps a 25 MB diff without markers cheap (a case-blind
    regular expression over the same text costs ten times as much). Only added lines can
    hold a marker, and their joined text comes from the diff without a Line per line."""
    return bool(changed.added) and MARKER_WORD in joined_texts(changed.added).lower()
