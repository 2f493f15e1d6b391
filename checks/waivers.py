"""Which findings a waiver covers, by fingerprint, so a waiver outlives pushes that change
nothing it was given for and stops covering the moment a push adds a new finding.

A fingerprint is the rule id, the path and the whitespace-collapsed text of the head line the
finding points at (not its line number, so moving code keeps it); a finding without a path (a
PR-level result such as "no story id") is fingerprinted by its rule id alone. Fingerprints are
hashed: a waiver record in a PR comment must never repeat a secret's line.
Pure: the caller passes the snapshot the findings were made on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from checks.model import (
    ChangedFile,
    CheckResult,
    Finding,
    Outcome,
    Severity,
    Snapshot,
    Status,
    Waiver,
)

WAIVE_ALL = "all"
FINGERPRINT_CHARS = 16


def normalise(text: str) -> str:
    """Collapse whitespace, so re-indenting or re-wrapping a line keeps its fingerprint."""
    return " ".join(text.split())


class LineTexts:
    """Head line text by (path, line), read from the diff only for files that are asked about."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._files = {f.path: f for f in snapshot.files}
        self._lines: dict[str, dict[int, str]] = {}

    def text(self, path: str, line: int) -> str:
        """The head line's text, or '' when the diff does not show it."""
        lines = self._lines.get(path)
        if lines is None:
            changed = self._files.get(path)
            lines = self._lines[path] = _new_lines(changed) if changed else {}
        return lines.get(line, "")


def _new_lines(changed: ChangedFile) -> dict[int, str]:
    lines = {number: text for number, text in changed.added}
    if changed.hunk_source is not None:  # context lines too: a finding may point at one
        for hunk in changed.hunks:
            for row in hunk.lines:
                if row.new is not None:
                    lines.setdefault(row.new, row.text)
    return lines


def fingerprint(finding: Finding, line_text: str = "") -> str:
    """The finding's identity across pushes: rule + path + normalised line text, hashed."""
    rule = finding.rule or normalise(finding.message)
    parts = (rule,) if finding.path is None else (rule, finding.path, normalise(line_text))
    key = "\x00".join(parts)
    import hashlib  # ~2 ms to import (OpenSSL), and only a waiver needs a fingerprint

    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:FINGERPRINT_CHARS]


def _counted(outcome: Outcome, check_id: str) -> tuple[Finding, ...]:
    """The findings a waiver must cover: everything but notices; a bare failing status counts
    as one PR-level finding so a check that fails without findings can still be waived."""
    findings = tuple(f for f in outcome.findings if f.severity is not Severity.NOTICE)
    if not findings and outcome.status in (Status.FAIL, Status.WARN):
        return (Finding(outcome.summary, rule=f"{check_id}-status",
                        severity=Severity(str(outcome.status))),)
    return findings


def fingerprints(check_id: str, outcome: Outcome, snapshot: Snapshot) -> tuple[str, ...]:
    """Fingerprints of a check's findings on this snapshot, for a new waiver to record."""
    texts = LineTexts(snapshot)
    return tuple(_print(f, texts) for f in _counted(outcome, check_id))


def _print(finding: Finding, texts: LineTexts) -> str:
    text = texts.text(finding.path, finding.line) if finding.path and finding.line else ""
    return fingerprint(finding, text)


# eq=False: returned to the engine and unpacked at once, never compared.
@dataclass(frozen=True, eq=False)
class Covered:
    """A check's outcome after its waivers: status, summary, findings, and who waived it."""

    outcome: Outcome
    waived_by: str | None = None


def for_check(check_id: str, waivers: Iterable[Waiver]) -> list[Waiver]:
    """The waivers that apply to one check, its own before `all`."""
    given = list(waivers)
    return ([w for w in given if w.check == check_id]
            + [w for w in given if w.check == WAIVE_ALL])


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def waived_text(waiver: Waiver, covered: int | None) -> str:
    """`Waived by @user: reason (covers N findings)`."""
    reason = f": {waiver.reason}" if waiver.reason else ""
    counts = "" if covered is None else f" (covers {_plural(covered, 'finding')})"
    return f"Waived by @{waiver.by}{reason}{counts}" if reason or counts else \
        f"Waived by @{waiver.by}."


def _as_waived(finding: Finding, waiver: Waiver) -> Finding:
    return replace(finding, severity=Severity.NOTICE,
                   message=f"{finding.message} (waived by @{waiver.by})")


def apply(check_id: str, outcome: Outcome, waivers: Sequence[Waiver],
          snapshot: Snapshot) -> Covered:
    """Apply a check's waivers: skip while every finding is covered, else name the new ones."""
    if not waivers or outcome.status not in (Status.FAIL, Status.WARN):
        return Covered(outcome)
    latest = waivers[0]
    if any(w.fingerprints is None for w in waivers):  # a waiver without fingerprints covers all
        return Covered(replace(outcome, status=Status.SKIP, summary=waived_text(latest, None),
                               findings=tuple(_as_waived(f, latest) for f in outcome.findings)),
                       latest.by)
    allowed: Counter[str] = Counter()
    for waiver in waivers:
        allowed |= Counter(waiver.fingerprints or ())
    texts = LineTexts(snapshot)
    covered: list[Finding] = []
    uncovered: list[Finding] = []
    for finding in _counted(outcome, check_id):
        mark = _print(finding, texts)
        if allowed[mark] > 0:
            allowed[mark] -= 1
            covered.append(finding)
        else:
            uncovered.append(finding)
    notices = tuple(f for f in outcome.findings if f.severity is Severity.NOTICE)
    if not uncovered:
        waived = tuple(_as_waived(f, latest) for f in covered if f in outcome.findings)
        return Covered(replace(outcome, status=Status.SKIP,
                               summary=waived_text(latest, len(covered)),
                               findings=waived + notices), latest.by)
    if not covered:
        return Covered(outcome)
    new = _plural(len(uncovered), "new finding")
    summary = (f"{outcome.summary} {new} not covered by the waiver of @{latest.by}"
               f"{': ' + latest.reason if latest.reason else ''}, which still covers "
               f"{_plural(len(covered), 'finding')}.")
    status = (Status.FAIL if any(f.severity is Severity.FAIL for f in uncovered)
              else Status.WARN)
    return Covered(replace(outcome, status=status, summary=summary,
                           findings=tuple(uncovered) + notices))


def current_fingerprints(snapshot: Snapshot, config: Any, check_ids: Sequence[str],
                         registry: Sequence[Any] | None = None) -> dict[str, list[str]]:
    """Run the listed checks without waivers; each one's finding fingerprints (none: passing).

    `registry` defaults to shipshape's checks; `config` None means the defaults.
    """
    from checks.engine import run_checks  # the engine imports this module
    from checks.registry import REGISTRY

    report = run_checks(replace(snapshot, waivers=()), registry or REGISTRY, config,
                        only=check_ids)
    return {result.id: list(fingerprints(result.id, _outcome(result), snapshot))
            for result in report.checks if result.id in check_ids}


def _outcome(result: CheckResult) -> Outcome:
    return Outcome(result.status, result.summary, result.findings)
