"""Inline allow markers: `shipshape:allow <check-or-rule> <reason>` in a comment on an added line.

The engine applies them to every check's line findings after the checks ran:
- A marker covers the findings of the check it names (`tests`; `secret` is `secrets`) or of one
  rule (`tests-missing`, `github-pat`) on its own line; a marker on a line holding nothing but
  the comment covers the next line too (the line above a finding, or above a key block).
- A covered finding stays in the report as a notice that quotes the reason: it no longer counts
  towards the check's status, the check's summary says how many were allowed and why, and a
  reviewer still sees what was waved through. Reasons are PR text: the renderers escape them.
- A marker without a reason, or naming no known check or rule, is reported as a warning (a typo
  must not silently allow nothing); a marker that covers nothing is reported as a notice.
Markers are read only from the lines the PR adds, so a marker left in old code never hides a
finding the PR did not look at, and one the PR adds is always reviewed with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from checks.lazyre import lazy_compile
from checks.markers import may_hold_marker
from checks.model import ChangedFile, CheckResult, Finding, Severity, Status
from checks.spec import CheckSpec

# The marker must follow a comment opener (`#`, `//`, `--`, `/*`, `<!--`, `;`, `%`, `{#`, `(*`,
# `'`), so a string or prose that mentions it is not one; `/**`, `<!---` and `##` are fine too.
_MARKER = lazy_compile(
    r"(?P<opener>#|//|--|/\*|<!--|;|%|\{#|\(\*|')[ \t*!#/-]*shipshape:allow\b"
    r"[ \t:]*(?P<target>[A-Za-z0-9_.-]*)(?P<reason>.*)",
    re.IGNORECASE,
)
# Comment closers that follow a marker in HTML, C, Jinja and similar comments.
_COMMENT_END = lazy_compile(r"\s*(?:-->|\*/|#}|%>|\*\)|--%>)\s*$")
_REASON_LEAD = " \t:-–—"
ALIASES: Mapping[str, str] = {"secret": "secrets"}
MAX_REASONS_SHOWN = 3
RULE_UNKNOWN = "allow-marker-unknown"
RULE_NO_REASON = "allow-marker-no-reason"
RULE_UNUSED = "allow-marker-unused"


@dataclass(frozen=True)
class Marker:
    """One `shipshape:allow` marker on an added line."""

    path: str
    line: int
    target: str
    reason: str
    # Only the comment is on the line: the marker speaks for the next line as well.
    own_line: bool


def parse_marker(path: str, number: int, text: str) -> Marker | None:
    """The marker in one line's comment, or None when the line has none."""
    match = _MARKER.search(text)
    if match is None:
        return None
    reason = _COMMENT_END.sub("", match["reason"]).strip().lstrip(_REASON_LEAD).strip()
    target = match["target"].lower().rstrip(".-")
    return Marker(path, number, target, reason, not text[:match.start()].strip())


def read_markers(files: Iterable[ChangedFile]) -> tuple[Marker, ...]:
    """Every marker on the lines the PR adds, in file and line order."""
    found: list[Marker] = []
    for changed in files:
        if not may_hold_marker(changed):
            continue
        for line in changed.added:
            marker = parse_marker(changed.path, line.number, line.text)
            if marker is not None:
                found.append(marker)
    return tuple(found)


@dataclass(frozen=True)
class _Names:
    """What a marker may name: check ids (and aliases) and rule ids, each with its check."""

    checks: Mapping[str, str]
    rules: Mapping[str, str]

    def owner(self, target: str) -> str | None:
        return self.checks.get(target) or self.rules.get(target)

    def matches(self, marker: Marker, check_id: str, finding: Finding) -> bool:
        if self.checks.get(marker.target) == check_id:
            return True
        return marker.target in self.rules and marker.target == (finding.rule or "").lower()


def _names(registry: Sequence[CheckSpec[Any]], results: Sequence[CheckResult]) -> _Names:
    checks = {spec.id: spec.id for spec in registry}
    checks.update({alias: real for alias, real in ALIASES.items() if real in checks})
    rules = {rule: spec.id for spec in registry for rule in spec.rules}
    # A rule a check reported but did not declare still counts as known.
    for result in results:
        rules.update({f.rule.lower(): result.id for f in result.findings
                      if f.rule and f.rule.lower() not in rules})
    return _Names(checks, rules)


def _allowed(finding: Finding, marker: Marker) -> Finding:
    why = f": {marker.reason}" if marker.reason else " (no reason given)"
    return replace(finding, severity=Severity.NOTICE,
                   message=f"Allowed inline by shipshape:allow {marker.target}{why}. "
                           f"{finding.message}")


_STATUS_OF = {Severity.FAIL: Status.FAIL, Severity.WARN: Status.WARN, Severity.NOTICE: Status.PASS}


def _status(before: Status, findings: Sequence[Finding], suppressed: bool) -> Status:
    """The status once allowed findings are notices and marker warnings are added."""
    worst = Status.worst(_STATUS_OF[f.severity] for f in findings)
    if suppressed and worst.rank < before.rank:
        return worst  # what made the check fail was allowed inline
    return Status.worst((before, worst))


def _summary(summary: str, allowed: Sequence[Marker], status: Status) -> str:
    if not allowed:
        return summary
    reasons = list(dict.fromkeys(m.reason or "no reason given" for m in allowed))
    shown = "; ".join(reasons[:MAX_REASONS_SHOWN])
    more = f" (and {len(reasons) - MAX_REASONS_SHOWN} more)" if len(reasons) > \
        MAX_REASONS_SHOWN else ""
    if status is Status.PASS:
        # The check's own summary described the findings now allowed: it would mislead.
        noun = "finding" if len(allowed) == 1 else "findings"
        return f"{len(allowed)} {noun} allowed inline: {shown}{more}."
    return f"{summary.rstrip()} {len(allowed)} of the findings allowed inline: {shown}{more}."


def _by_place(markers: Sequence[Marker]) -> dict[tuple[str, int], list[Marker]]:
    """Markers by each (path, line) they speak for, so a lookup per finding is enough."""
    index: dict[tuple[str, int], list[Marker]] = {}
    for marker in markers:
        index.setdefault((marker.path, marker.line), []).append(marker)
        if marker.own_line:
            index.setdefault((marker.path, marker.line + 1), []).append(marker)
    return index


def _allow_in(result: CheckResult, index: Mapping[tuple[str, int], list[Marker]],
              names: _Names, used: set[Marker]) -> tuple[list[Finding], list[Marker]]:
    """The result's findings with covered ones turned into notices, and the markers used."""
    findings: list[Finding] = []
    allowed: list[Marker] = []
    for finding in result.findings:
        place = index.get((finding.path or "", finding.line or 0), ())
        marker = next((m for m in place if names.matches(m, result.id, finding)), None)
        if marker is None:
            findings.append(finding)
            continue
        used.add(marker)
        if finding.severity is Severity.NOTICE:
            findings.append(finding)  # already allowed (the secrets check reads markers too)
        else:
            findings.append(_allowed(finding, marker))
            allowed.append(marker)
    return findings, allowed


def _distance(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`."""
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        above, row = row, [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(above[j] + 1, row[j - 1] + 1, above[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], before[j - 2] + 1)
        before = above
    return row[-1]


def _nearest(target: str, names: _Names) -> tuple[str, int]:
    """The known name closest to `target` (check ids first on a tie) and its distance."""
    known = [*sorted(set(names.checks.values())), *sorted(names.rules)]
    return min(((name, _distance(target, name)) for name in known), key=lambda p: p[1])


def _unknown(marker: Marker, names: _Names) -> tuple[str | None, Finding]:
    nearest, distance = _nearest(marker.target, names)
    close = distance <= max(2, len(marker.target) // 3) and distance < len(marker.target)
    hint = f" Did you mean {nearest}?" if marker.target and close else ""
    what = f" ({marker.target})" if marker.target else ""
    message = (f"This shipshape:allow marker names no check or rule{what}, so it allows "
               f"nothing.{hint} Write shipshape:allow <check-or-rule> <reason>; checks: "
               f"{', '.join(sorted(set(names.checks.values())))}.")
    return names.owner(nearest), Finding(message, marker.path, marker.line, rule=RULE_UNKNOWN,
                                         severity=Severity.WARN)


def _problem(marker: Marker, names: _Names, used: set[Marker]) -> tuple[str | None, Finding
                                                                       | None]:
    """The check a marker's problem belongs to and the finding that reports it, if any."""
    owner = names.owner(marker.target)
    if owner is None:
        return _unknown(marker, names)
    if not marker.reason:
        return owner, Finding(
            f"This shipshape:allow {marker.target} marker gives no reason. Say why the finding "
            f"is acceptable: shipshape:allow {marker.target} <reason>.", marker.path,
            marker.line, rule=RULE_NO_REASON, severity=Severity.WARN)
    if marker not in used:
        return owner, Finding(
            f"This shipshape:allow {marker.target} marker covers no {marker.target} finding: "
            "remove it, or put it on the finding's line or on its own line just above.",
            marker.path, marker.line, rule=RULE_UNUSED, severity=Severity.NOTICE)
    return None, None


def apply_markers(results: Sequence[CheckResult], files: Iterable[ChangedFile],
                  registry: Sequence[CheckSpec[Any]]) -> list[CheckResult]:
    """Apply the PR's inline allow markers to the results; skipped checks are left alone."""
    markers = read_markers(files)
    if not markers:
        return list(results)
    names = _names(registry, results)
    used: set[Marker] = set()
    index = _by_place(markers)
    updated: dict[str, tuple[list[Finding], list[Marker]]] = {
        r.id: _allow_in(r, index, names, used) for r in results if r.status is not Status.SKIP}
    problems: dict[str, list[Finding]] = {}
    for marker in markers:
        owner, finding = _problem(marker, names, used)
        if finding is not None:
            if finding.rule == RULE_UNKNOWN and owner not in updated and updated:
                owner = next(iter(updated))  # the nearest check did not run: say it where one did
            if owner in updated:
                problems.setdefault(owner, []).append(finding)
    out = []
    for result in results:
        if result.id not in updated:
            out.append(result)
            continue
        findings, allowed = updated[result.id]
        findings += problems.get(result.id, [])
        status = _status(result.status, findings, bool(allowed))
        out.append(replace(result, findings=tuple(findings), status=status,
                           summary=_summary(result.summary, allowed, status)))
    return out
