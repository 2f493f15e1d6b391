"""Pure functions of a Report: markdown checklist, terminal text, annotations, title, conclusion."""

from __future__ import annotations

import enum

from checks.model import Report, Status


class Conclusion(enum.StrEnum):
    """A completed check run's conclusion: the values GitHub's check-runs API accepts."""

    SUCCESS = "success"
    NEUTRAL = "neutral"
    FAILURE = "failure"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"
    ACTION_REQUIRED = "action_required"
    TIMED_OUT = "timed_out"


# The one mapping from a report's status to a check run conclusion. A warn is "neutral" by
# default so it shows up yellow without blocking a required check; teams can make it "success".
_CONCLUSION = {Status.PASS: Conclusion.SUCCESS, Status.FAIL: Conclusion.FAILURE,
               Status.SKIP: Conclusion.NEUTRAL}


def conclusion(report: Report, warn_conclusion: str = Conclusion.NEUTRAL) -> Conclusion:
    """Return the check run conclusion (success / neutral / failure) for a report.

    `warn_conclusion` is the configuration's `warn_conclusion` setting, a Conclusion's value.
    """
    if report.status is Status.WARN:
        return Conclusion(warn_conclusion)
    return _CONCLUSION[report.status]
