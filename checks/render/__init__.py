"""Pure functions of a Report: markdown checklist, terminal text, annotations, title, conclusion."""

from __future__ import annotations

from checks.model import Report, Status

# The one mapping from a report's status to a check run conclusion. A warn is "neutral" by
# default so it shows up yellow without blocking a required check; teams can make it "success".
_CONCLUSION = {Status.PASS: "success", Status.FAIL: "failure", Status.SKIP: "neutral"}


def conclusion(report: Report, warn_conclusion: str = "neutral") -> str:
    """Return the check run conclusion (success / neutral / failure) for a report."""
    if report.status is Status.WARN:
        return warn_conclusion
    return _CONCLUSION[report.status]
