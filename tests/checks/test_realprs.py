"""Verdicts on real merged PRs of public repositories (tests/checks/realprs/*.json).

Each case holds a commit's changed files as GitHub's files API lists them (patches of the small
files, line counts of all), where it came from, and the verdict per check a reviewer reading the
diff would give, with the reason. `python -m tests.checks.test_realprs` prints false alarms
(verdict worse than expected) and misses (better than expected) per check.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import checks
from checks.model import Status

CASES = sorted((Path(__file__).parent / "realprs").glob("*.json"))
_SHA = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class Verdict:
    """One check's expected and actual status on one case."""

    case: str
    check: str
    expected: Status
    actual: Status
    summary: str
    must_judge: bool = False  # the case holds a file the check must say it judged
    known: str = ""  # why a known wrong verdict is left as it is (the test asserts it stays wrong)

    @property
    def silent_skip(self) -> bool:
        """The check passed a file of its business while saying there was none."""
        return self.must_judge and self.summary.startswith("No migration")

    @property
    def false_alarm(self) -> bool:
        """The check complained more than the change deserves."""
        return self.actual.rank > self.expected.rank

    @property
    def miss(self) -> bool:
        """The check let through what it should have flagged."""
        return self.actual.rank < self.expected.rank


def _load(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


def verdicts(path: Path) -> list[Verdict]:
    """Run the checks a case expects verdicts of and pair them with the expectations."""
    doc = _load(path)
    expect = doc["expect"]
    snapshot = {key: value for key, value in doc.items() if key not in ("provenance", "expect")}
    report = checks.run(snapshot, only=set(expect))
    return [Verdict(path.stem, name, Status(want["status"]), report.check(name).status,
                    report.check(name).summary, bool(want.get("judged")), want.get("known", ""))
            for name, want in sorted(expect.items())]


def test_there_are_cases() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_case_names_its_source_and_why(path: Path) -> None:
    doc = _load(path)
    provenance = doc["provenance"]
    assert "/" in provenance["repository"] and _SHA.match(provenance["commit"])
    assert doc["expect"], "a case without expected verdicts tests nothing"
    assert all(want.get("why") for want in doc["expect"].values())


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_verdicts_match_a_reviewer_reading_the_diff(path: Path) -> None:
    for verdict in verdicts(path):
        if verdict.known:
            # A known wrong verdict: when a change fixes it, move the case to the right verdict.
            assert verdict.actual is not verdict.expected, f"fixed: {verdict.known}"
            continue
        assert verdict.actual is verdict.expected, (
            f"{verdict.check}: {verdict.actual} ({verdict.summary})")
        assert not verdict.silent_skip, f"{verdict.check}: {verdict.summary}"


def main() -> int:
    """Print false alarms and misses per check over every case."""
    alarms: Counter[str] = Counter()
    misses: Counter[str] = Counter()
    silent: Counter[str] = Counter()
    judged: Counter[str] = Counter()
    for path in CASES:
        for verdict in verdicts(path):
            judged[verdict.check] += 1
            alarms[verdict.check] += verdict.false_alarm
            misses[verdict.check] += verdict.miss
            silent[verdict.check] += verdict.silent_skip
            if verdict.false_alarm or verdict.miss or verdict.silent_skip:
                kind = ("false alarm" if verdict.false_alarm else "miss" if verdict.miss
                        else "silent skip")
                print(f"{kind}: {verdict.case} {verdict.check} {verdict.actual}: {verdict.summary}")
    for name in sorted(judged):
        print(f"{name}: {judged[name]} cases, {alarms[name]} false alarms, {misses[name]} misses,"
              f" {silent[name]} silent skips")
    return 0


if __name__ == "__main__":
    sys.exit(main())
