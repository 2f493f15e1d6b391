"""Path-scoped overrides (`overrides:`): each file is judged by the rules of the override that
matches it (the last one that names the check), every other file by the repository's rules.

A check always sees the whole PR (a test in `services/billing/tests/` still pairs with its
source), once per distinct setting; a finding is then kept from the run whose rules own its
file. Findings about the PR as a whole (no file) follow the repository's rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from checks.config import CheckConfig, PathOverride
from checks.model import Finding, Outcome, Severity, Snapshot, Status

_SEVERITY_STATUS = {Severity.FAIL: Status.FAIL, Severity.WARN: Status.WARN,
                    Severity.NOTICE: Status.PASS}


def _applied(override: PathOverride, check_id: str, files: Sequence[str]) -> str:
    """The checklist's sentence naming an override that judged some files, and which."""
    # Plain text: renderers escape a summary, since file names are the PR author's.
    shown = ", ".join(files[:3])
    more = f" and {len(files) - 3} more" if len(files) > 3 else ""
    return f"Override {override.label} ({override.changes[check_id]}) judged {shown}{more}."


def owners(check_id: str, snapshot: Snapshot, overrides: Sequence[PathOverride]
           ) -> dict[str, int]:
    """For each file some override judges for `check_id`: the index of the last that does."""
    owned: dict[str, int] = {}
    for index, override in enumerate(overrides):
        if check_id not in override.checks:
            continue
        for changed in snapshot.files:
            if override.matches(changed.path):
                owned[changed.path] = index
    return owned


def _findings_status(findings: Sequence[Finding]) -> Status:
    return Status.worst(_SEVERITY_STATUS[f.severity] for f in findings)


def judge(check_id: str, snapshot: Snapshot, base: CheckConfig,
          overrides: Sequence[PathOverride], run: Callable[[CheckConfig], Outcome]
          ) -> Outcome | None:
    """The check's outcome with overrides applied (None: off for every file); its summary
    ends with the overrides that applied."""
    owned = owners(check_id, snapshot, overrides)
    if not owned:
        return run(base) if base.enabled else None
    kept: list[Finding] = []
    whole_pr = Status.PASS
    summary = ""
    if base.enabled:
        outcome = run(base)
        summary = outcome.summary
        kept = [f for f in outcome.findings if f.path not in owned]
        # A status worse than all its findings says something about the PR as a whole.
        if outcome.status.rank > _findings_status(outcome.findings).rank:
            whole_pr = outcome.status
    applied = []
    for index in sorted(set(owned.values())):
        override = overrides[index]
        files = [path for path, owner in owned.items() if owner == index]
        applied.append(_applied(override, check_id, files))
        settings = override.checks[check_id]
        if settings.enabled:
            outcome = run(settings)
            summary = summary or outcome.summary
            kept += [f for f in outcome.findings if f.path and owned.get(f.path) == index]
    status = Status.worst((whole_pr, _findings_status(kept)))
    notes = " ".join(applied)
    return Outcome(status, f"{summary} {notes}".strip(), tuple(kept))


def capped(outcome: Outcome, level: Status) -> Outcome:
    """Cap a check's status at its configured level (`warn` turns failures into warnings)."""
    if level is not Status.WARN:
        return outcome
    findings = tuple(
        replace(f, severity=Severity.WARN) if f.severity is Severity.FAIL else f
        for f in outcome.findings
    )
    status = Status.WARN if outcome.status is Status.FAIL else outcome.status
    return replace(outcome, status=status, findings=findings)
