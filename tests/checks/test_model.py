"""The model's own rules: what a merge commit is."""

from __future__ import annotations

import pytest

from checks.model import Commit


@pytest.mark.parametrize(
    ("message", "parents", "expected"),
    [
        ("Merge branch 'main' into feature/x", 2, True),
        ("Octopus: three branches at once", 3, True),
        ("Merge branch 'main' into feature/x", 1, False),  # rebased or cherry-picked
        ("Merge pull request #88 from acme/hotfix", 1, False),
        ("Merge branch 'main' into feature/x", None, True),
        ("Merge branches 'a' and 'b'", None, True),
        ("Merge remote-tracking branch 'origin/main'", None, True),
        ("Merge pull request #88 from acme/hotfix\n\nShip the hotfix", None, True),
        ("Merge tag 'v2.3.0' into release", None, True),
        ("Merge commit '3f2a9c1' into feature/x", None, True),
        ("Merge duplicate address parsers into one module", None, False),
        ("Fix merge of invoice lines", None, False),
        ("", None, False),
    ],
)
def test_is_merge(message: str, parents: int | None, expected: bool) -> None:
    assert Commit("a" * 40, message, parents=parents).is_merge is expected
