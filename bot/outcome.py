"""How a job ended: one JobOutcome, the conclusion it published, the error that stopped it.

Every job ends in exactly one of these (a queue that fails silently is the failure to avoid);
the worker's log line and the `shipshape_jobs_total{outcome}` metric are read from it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from checks.render import Conclusion


class JobOutcome(enum.StrEnum):
    """Why a job stopped where it did."""

    PUBLISHED = "published"  # the report's check run (and comment, label) were written
    SUPERSEDED = "superseded"  # a newer head of the PR is reviewed instead
    CLOSED = "closed"  # the PR was closed before the job ran
    CONFIG_ERROR = "config_error"  # the base branch's configuration is invalid
    DRAFT_SKIPPED = "draft_skipped"  # a draft, and the configuration says `draft: skip`
    UNREADABLE = "unreadable"  # the PR's changes could not be read as a diff
    TIMEOUT = "timeout"  # the review ran past the review timeout
    GONE = "gone"  # the repository or PR was deleted meanwhile
    REQUEUED = "requeued"  # shutdown came first; the job waits in the queue again
    ERROR = "error"  # an exception ended the job; the delivery may be redelivered
    NO_PULL = "no_pull"  # a merge group whose branch names no PR: reported neutral
    DESTROYED = "destroyed"  # the merge group was gone before its job ran
    REPLIED = "replied"  # a slash command was answered; no new check run was needed
    REFUSED = "refused"  # every command of the comment was refused or wrong (with a reply)
    NO_COMMAND = "no_command"  # the comment held no shipshape command after all
    AUDITED = "audited"  # an audit-only job wrote its entries (or found nothing to write)
    RETRYING = "retrying"  # GitHub failed for a passing reason: back in the queue with backoff
    DEFERRED = "deferred"  # its installation is paused: back in the queue until the pause ends
    DEAD_LETTER = "dead_letter"  # still failing after the bounded retry time: kept with its error


@dataclass(frozen=True)
class JobResult:
    """A job's outcome, the conclusion of the check run it completed, and any error's type."""

    outcome: JobOutcome
    conclusion: Conclusion | None = None
    error: str | None = None

    @property
    def label(self) -> str:
        """One word for logs and metrics: the conclusion when published, else the outcome."""
        if self.outcome is JobOutcome.PUBLISHED and self.conclusion is not None:
            return self.conclusion.value
        return self.outcome.value

    def fields(self) -> dict[str, str]:
        """Log fields: `outcome` (the label), then the conclusion and error when there are."""
        out = {"outcome": self.label}
        if self.conclusion is not None:
            out["conclusion"] = self.conclusion.value
        if self.error is not None:
            out["error"] = self.error
        return out
