"""The job queue: a small interface, so a Redis implementation can replace the in-memory one.

Invariants every implementation keeps (the worker relies on them):
- Jobs are plain data (`Job.to_dict()` / `Job.from_dict()` round-trip through JSON).
- At most one job per pull request is handed out at a time (`get` skips busy PRs until `done`).
- A queued job for a PR is replaced by a newer one for the same PR (same `slot`: command jobs
  have a slot each, so a review never drops a command nor a command a review; the newer job
  takes over the waiting job's `audits`: each is a line in a story, never dropped); a job for a
  head the PR has already moved away from is refused (`put` returns STALE), and `is_current`
  says whether a running job's head is still the PR's newest, so a stale result is never published.
- A delivery id is claimed once (`claim_delivery`); a repeated one is acknowledged, not run.
  `accept` claims it and queues its jobs as one atomic step (a SQLite transaction, one Redis
  script): a failure or a crash leaves the delivery unclaimed with none of its jobs queued, so
  GitHub's redelivery runs; never claimed with a job missing.
- Durable backends (bot/queue/sqlite.py, bot/queue/redis.py) lease a job to the process that took
  it: a job whose taker died is handed out again after the lease (visibility timeout) ends, and
  one whose takers died MAX_ATTEMPTS times is moved to the dead letters with the reason, as is
  a job that failed (`bury`).
- Every transition of a job is one atomic step, so a taker killed between two of them leaves
  the job in exactly one place: waiting, running (leased: handed out again when the lease
  ends), or dead. `bury` moves it from running to dead and releases its PR in that one step;
  `done`, `requeue` and `retry_later` act only on the caller's own lease
  (tests/bot/test_queue_crash.py kills a taker at every boundary).
- A job that failed for a passing reason (GitHub down or rate-limiting) goes back to its slot
  with a time before which no one is handed it (`retry_later`); a newer job in the slot, or a
  newer head of its PR, supersedes it, and `put` of a newer job is ready at once.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Protocol

import orjson

from bot.gate import Gate
from bot.logs import get_logger, log

_log = get_logger("queue")

QUEUED = "queued"
REPLACED = "replaced"
STALE = "stale"
# Job kinds beside the default "review".
MERGE_GROUP = "merge_group"

# GitHub redelivers a delivery with the same X-GitHub-Delivery up to 3 days later.
DELIVERY_TTL_SECONDS = 3 * 24 * 3600
# A job whose taker dies this many times is not handed out again: it is a dead letter.
MAX_ATTEMPTS = 5
DEFAULT_LEASE_SECONDS = 60.0


class QueueClosed(Exception):
    """The queue is shutting down; workers stop taking jobs."""


@dataclass(frozen=True)
class Job:
    """One review to run: which PR, at which head, and why."""

    installation_id: int
    repo: str
    number: int
    head_sha: str
    delivery_id: str
    event: str
    kind: str = "review"
    # A check run "Re-run" asks for a fresh run; other events may reuse this head's run.
    rerun: bool = False
    # pull_request.updated_at when the event carries it: orders heads after a force-push back.
    updated_at: str = ""
    # The PR as the event described it (the keys the review reads), sparing a GET; None when
    # the event has no PR object (check_run / check_suite), and the worker fetches it.
    pull: dict[str, Any] | None = field(default=None, compare=False)
    # A merge group's parent commit and target branch (kind "merge_group"): the review compares
    # base_sha...head_sha and reads the config from base_ref.
    base_sha: str = ""
    base_ref: str = ""
    # kind "command": the comment (id, body, author, association, deleted) it came from.
    command: dict[str, Any] | None = field(default=None, compare=False)
    # Audit-log events to write after the review (or alone, kind "audit"), each
    # "<checks.audit.AuditEvent>@<ISO 8601 UTC time from the payload>" (command entries add
    # "@<JSON>", bot.audit.audit_item), so a retried job writes the same entries. A job
    # replacing a waiting one inherits its audits.
    audits: tuple[str, ...] = field(default=(), compare=False)
    # Set when the job went back to the queue after passing failures (bot/retry.py): how
    # often, and since when (epoch seconds), so the retries stop after a bounded time.
    retries: int = field(default=0, compare=False)
    retry_since: float = field(default=0.0, compare=False)

    @property
    def pr_key(self) -> str:
        """The key that serialises jobs: one PR of one repository, or one merge group.

        Each audit event keeps its own key: a later event must not replace a waiting one (both
        are lines in the story) nor count as a newer head of the PR's review.
        """
        if self.kind == MERGE_GROUP:
            # Keyed by the group's commit, so a group's job never replaces the PR's review.
            return f"{self.repo}@{self.head_sha}"
        if self.kind == "audit":
            return f"{self.repo}#{self.number}:audit:{','.join(self.audits)}"
        return f"{self.repo}#{self.number}"

    @property
    def slot(self) -> str:
        """The key under which a waiting job is replaced by a newer one."""
        if self.kind == "command" and self.command is not None:
            return f"{self.pr_key}/comment-{self.command.get('id')}"
        return self.pr_key

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return asdict(self)

    def to_json(self) -> str:
        """`to_dict` as JSON text, without its deep copy (a tenth of its cost for a PR job)."""
        return orjson.dumps(self).decode()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Job:
        """Rebuild a job from `to_dict` output, ignoring unknown keys."""
        known = {f.name for f in fields(cls)}
        kept = {k: v for k, v in data.items() if k in known}
        if "audits" in kept:
            kept["audits"] = tuple(kept["audits"])
        return cls(**kept)

    @classmethod
    def from_json(cls, text: str | bytes) -> Job:
        """Rebuild a job from `to_json` (or `to_dict` dumped as JSON) text."""
        return cls.from_dict(orjson.loads(text))


def inherit_audits(job: Job, waiting: Job) -> Job:
    """`job` replacing `waiting`, keeping the audit events `waiting` still had to write."""
    audits = tuple(dict.fromkeys((*waiting.audits, *job.audits)))
    return job if audits == job.audits else replace(job, audits=audits)


def replacing(job: Job, waiting: Job) -> Job:
    """What waits once `job` arrives for the PR of the waiting job `waiting`."""
    if waiting.head_sha == job.head_sha and waiting.rerun and not job.rerun:
        job = replace(waiting, audits=job.audits)  # a Re-run asked for: keep it
    return inherit_audits(job, waiting)


@contextlib.asynccontextmanager
async def settling(pending: set[str], job: Job) -> AsyncIterator[None]:
    """Around a job's last transition (retry_later, bury): if the store fails it (or the
    caller is cancelled in it), note the PR, so `done` leaves the job leased, not lost."""
    try:
        yield
    except BaseException:
        pending.add(job.pr_key)
        raise


def unsettled(pending: set[str], job: Job) -> bool:
    """True (once) when the job's last transition failed: `done` must not release its PR;
    its lease, no longer renewed, ends and the job is handed out again."""
    if job.pr_key not in pending:
        return False
    pending.discard(job.pr_key)
    log(_log, logging.WARNING, "job left to its lease: its last queue step failed",
        delivery=job.delivery_id, repo=job.repo, pr=job.number, head=job.head_sha)
    return True


@dataclass(frozen=True)
class DeadLetter:
    """A job that will not be handed out again, and why."""

    job: Job
    error: str
    attempts: int


def dead_reason(attempts: int) -> str:
    """Why a job became a dead letter: every process that took it died before finishing."""
    return f"its taker died or hung before finishing, {attempts} times"


def log_dead_letter(dead: DeadLetter) -> None:
    """Say loudly that a job will not run again (an operator re-runs it from the PR)."""
    job = dead.job
    log(_log, logging.ERROR, "dead letter", delivery=job.delivery_id,
        repo=job.repo, pr=job.number, head=job.head_sha, error=dead.error,
        attempts=dead.attempts)


class Queue(Protocol):
    """What intake and workers need from a queue."""

    async def put(self, job: Job) -> str:
        """Queue `job`; return QUEUED, REPLACED (an older queued job gave way) or STALE."""

    async def get(self) -> Job:
        """Wait for the next job whose PR is not busy; raise QueueClosed on shutdown."""

    async def done(self, job: Job) -> None:
        """Release the job's PR so its next job can run."""

    async def requeue(self, job: Job) -> None:
        """Give back a job that did not finish (shutdown), unless a newer one replaced it."""

    async def retry_later(self, job: Job, not_before: float) -> None:
        """Queue a job that failed again, handed out no earlier than `not_before` (epoch
        seconds), unless a newer job waits in its slot or its head is no longer the newest.
        Its PR stays held until `done`."""

    def gate(self) -> Gate:
        """The installations' pauses and pacing, shared as widely as the jobs are."""

    async def is_current(self, job: Job) -> bool:
        """True while `job.head_sha` is the newest head seen for its PR."""

    async def recent_heads(self, job: Job) -> list[str]:
        """The heads seen for the job's PR (at most HEADS_PER_PR), the newest last."""

    async def claim_delivery(self, delivery_id: str) -> bool:
        """True the first time a delivery id is seen, False after."""

    async def release_delivery(self, delivery_id: str) -> None:
        """Forget a claimed delivery id (its handling failed, so a redelivery may run)."""

    async def delivery_claimed(self, delivery_id: str) -> bool:
        """True while a delivery id is claimed (the reconciler asks, without claiming)."""

    async def accept(self, delivery_id: str, jobs: Sequence[Job]) -> list[str] | None:
        """Claim a delivery and queue its jobs: each `put` outcome, or None for a repeated
        delivery (nothing queued). On failure the delivery is left unclaimed."""

    def depth(self) -> int:
        """Jobs waiting (not running)."""

    async def bury(self, job: Job, error: str) -> None:
        """Keep a job that failed as a dead letter with its error (logged), never dropped;
        in the same step its PR is released (a later `done` changes nothing)."""

    async def pending_jobs(self) -> list[Job]:
        """The waiting jobs, in the order they will run (for shutdown logs and tests)."""

    async def dead_letters(self) -> list[DeadLetter]:
        """Jobs given up on, oldest first (kept for an operator to read, never dropped)."""

    async def dead_letter_count(self) -> int:
        """How many dead letters are kept: what /metrics shows, without reading them (after
        an outage there can be thousands, and /metrics answers on the intake's loop)."""

    async def close(self) -> None:
        """Wake waiting workers with QueueClosed."""

    async def shutdown(self) -> None:
        """Release the backend (files, connections) once the workers have stopped."""
