"""The report's one-line title, "N of M checks pass", for the check run and the checklist."""

from __future__ import annotations

from checks.model import Report, Status

ICONS = {Status.PASS: "✅", Status.WARN: "⚠️", Status.FAIL: "❌", Status.SKIP: "⏭️"}


def checks_passing(report: Report) -> str:
    """"N of M checks pass", counting only the checks that ran (not skipped or waived)."""
    counted = [c for c in report.checks if c.status is not Status.SKIP]
    passing = sum(1 for c in counted if c.status is Status.PASS)
    return f"{passing} of {len(counted)} checks pass"


def check_run_title(report: Report) -> str:
    """The check run's title: the report's icon, the count, the failing (or warning) checks,
    then the waived ones."""
    head = f"{ICONS[report.status]} {checks_passing(report)}"
    waived = [c.title for c in report.checks if c.waived_by is not None]
    tail = f"; waived: {', '.join(waived)}" if waived else ""
    failing = [c.title for c in report.checks if c.status is Status.FAIL]
    if failing:
        return f"{head}; failing: {', '.join(failing)}{tail}"
    warning = [c.title for c in report.checks if c.status is Status.WARN]
    if warning:
        return f"{head}; warnings: {', '.join(warning)}{tail}"
    return head + tail
