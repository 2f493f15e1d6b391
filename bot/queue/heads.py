"""Which head of a PR is newest: the rule every durable backend shares with the memory one.

A PR's recent heads are kept as `[sha, updated_at]` pairs, newest last.
"""

from __future__ import annotations

from bot.queue import Job

HEADS_PER_PR = 20

Heads = list[list[str]]


def is_older_head(heads: Heads, job: Job) -> bool:
    """True when `job.head_sha` is a head the PR has already moved away from."""
    shas = [sha for sha, _ in heads]
    if not shas or job.head_sha == shas[-1]:
        return False
    newest_at = heads[-1][1]
    if job.head_sha not in shas:
        # A head never seen whose event is older than the newest head's: a push's delivery
        # that failed and was redelivered after later pushes'. Taking it as the newest would
        # replace the newest head's waiting job, and the review would then find GitHub moved on.
        return bool(job.updated_at and newest_at and job.updated_at < newest_at)
    # A force-push back to an earlier commit is newer by updated_at: not stale.
    return not (job.updated_at and newest_at and job.updated_at > newest_at)


def note_head(heads: Heads, job: Job) -> Heads:
    """The heads with `job`'s moved to the newest place (a command job knows no head)."""
    if not job.head_sha:
        return heads
    kept = [h for h in heads if h[0] != job.head_sha]
    kept.append([job.head_sha, job.updated_at])
    return kept[-HEADS_PER_PR:]


def is_current(heads: Heads, job: Job) -> bool:
    """True while no newer head has been seen for the PR (always, for a job without a head)."""
    return not heads or not job.head_sha or heads[-1][0] == job.head_sha
