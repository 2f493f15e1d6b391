"""The in-memory queue: one process, one event loop (see bot/queue/__init__.py for invariants).

Layout: `_pending` maps a job slot (the PR key; a comment's own key for commands) to its one
waiting job, in arrival order; `_not_before` the slots whose job waits for a retry time; `_busy`
holds the PR keys being worked on; `_heads` keeps each PR's recent heads, newest last.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence

from bot.gate import Gate, LocalGate
from bot.queue import (
    QUEUED,
    REPLACED,
    STALE,
    DeadLetter,
    Job,
    QueueClosed,
    log_dead_letter,
    replacing,
)
from bot.queue.heads import is_older_head

MAX_DELIVERIES = 10_000
MAX_PRS = 10_000
HEADS_PER_PR = 20
MAX_DEAD = 1_000
RETRY_POLL_SECONDS = 1.0


class MemoryQueue:
    """A queue in this process's memory; jobs are lost on exit (tests only: use SQLite or Redis)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._gate = LocalGate(clock)
        self._pending: OrderedDict[str, Job] = OrderedDict()
        self._not_before: dict[str, float] = {}
        self._busy: set[str] = set()
        self._heads: OrderedDict[str, list[tuple[str, str]]] = OrderedDict()
        self._deliveries: OrderedDict[str, None] = OrderedDict()
        self._changed = asyncio.Condition()
        self._closed = False
        self._dead: deque[DeadLetter] = deque(maxlen=MAX_DEAD)

    def _is_older_head(self, job: Job) -> bool:
        return is_older_head([list(h) for h in self._heads.get(job.pr_key, [])], job)

    def _note_head(self, job: Job) -> None:
        heads = [h for h in self._heads.pop(job.pr_key, []) if h[0] != job.head_sha]
        heads.append((job.head_sha, job.updated_at))
        self._heads[job.pr_key] = heads[-HEADS_PER_PR:]
        while len(self._heads) > MAX_PRS:
            self._heads.popitem(last=False)

    async def put(self, job: Job) -> str:
        """Queue `job`, replacing an older waiting job in the same slot."""
        outcome = self._put(job)
        if outcome != STALE:
            await self._wake_for([job])
        return outcome

    def _put(self, job: Job) -> str:
        # No await in here: a put is one step of the event loop, so nothing interleaves.
        if self._is_older_head(job):
            return STALE
        if job.head_sha:  # a command job does not know the head: it reads the PR itself
            self._note_head(job)
        outcome = QUEUED
        waiting = self._pending.get(job.slot)
        if waiting is not None:
            outcome = REPLACED
            job = replacing(job, waiting)
        self._pending[job.slot] = job
        self._not_before.pop(job.slot, None)
        return outcome

    async def _wake_for(self, jobs: Sequence[Job]) -> None:
        # A job for a busy PR waits for `done`, not a worker.
        ready = sum(job.pr_key not in self._busy for job in jobs)
        if ready:
            async with self._changed:
                self._changed.notify(ready)

    def _next_ready(self) -> Job | None:
        now = self._clock()
        for key, job in self._pending.items():
            if job.pr_key not in self._busy and self._not_before.get(key, 0.0) <= now:
                del self._pending[key]
                self._not_before.pop(key, None)
                self._busy.add(job.pr_key)  # the PR, not the slot: a command holds its PR too
                return job
        return None

    def _next_retry_in(self) -> float | None:
        """Seconds until the earliest delayed job is due (None: no job is delayed)."""
        if not self._not_before:
            return None
        return max(0.0, min(self._not_before.values()) - self._clock())

    async def get(self) -> Job:
        """Wait for a job whose PR is not busy and whose retry time has come."""
        async with self._changed:
            while True:
                if self._closed:
                    raise QueueClosed
                job = self._next_ready()
                if job is not None:
                    return job
                due = self._next_retry_in()
                # A delayed job wakes no one when it comes due: wait at most until then (and
                # look again each second, in case the clock is not the wall clock).
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), None if due is None else
                                           min(max(due, 0.01), RETRY_POLL_SECONDS))

    async def done(self, job: Job) -> None:
        """Release the PR, waking one worker when the PR has a job waiting."""
        self._busy.discard(job.pr_key)
        if self._waiting(job.pr_key):
            async with self._changed:
                self._changed.notify(1)

    def _waiting(self, pr_key: str) -> bool:
        return any(job.pr_key == pr_key for job in self._pending.values())

    async def requeue(self, job: Job) -> None:
        """Put an unfinished job back at the front unless a newer one is waiting."""
        self._busy.discard(job.pr_key)
        if job.slot not in self._pending and await self.is_current(job):
            self._pending[job.slot] = job
            self._pending.move_to_end(job.slot, last=False)
        if self._waiting(job.pr_key):
            async with self._changed:
                self._changed.notify(1)

    async def retry_later(self, job: Job, not_before: float) -> None:
        """Put a failed job back in its slot, due at `not_before`, unless superseded."""
        if job.slot in self._pending or not await self.is_current(job):
            return
        self._pending[job.slot] = job
        self._not_before[job.slot] = not_before

    def gate(self) -> Gate:
        """Pauses and pacing in this process."""
        return self._gate

    async def is_current(self, job: Job) -> bool:
        """True while no newer head has been seen for the PR."""
        heads = self._heads.get(job.pr_key)
        return not heads or not job.head_sha or heads[-1][0] == job.head_sha

    async def recent_heads(self, job: Job) -> list[str]:
        """The heads seen for the job's PR, the newest last."""
        return [sha for sha, _ in self._heads.get(job.pr_key, [])]

    async def claim_delivery(self, delivery_id: str) -> bool:
        """Remember the last MAX_DELIVERIES delivery ids."""
        return self._claim(delivery_id)

    def _claim(self, delivery_id: str) -> bool:
        if delivery_id in self._deliveries:
            return False
        self._deliveries[delivery_id] = None
        while len(self._deliveries) > MAX_DELIVERIES:
            self._deliveries.popitem(last=False)
        return True

    async def release_delivery(self, delivery_id: str) -> None:
        """Forget a delivery id."""
        self._deliveries.pop(delivery_id, None)

    async def delivery_claimed(self, delivery_id: str) -> bool:
        """True while the delivery id is remembered."""
        return delivery_id in self._deliveries

    async def accept(self, delivery_id: str, jobs: Sequence[Job]) -> list[str] | None:
        """Claim the delivery and queue its jobs in one step of the event loop."""
        if delivery_id in self._deliveries:
            return None
        outcomes = [self._put(job) for job in jobs]
        self._claim(delivery_id)
        await self._wake_for([j for j, o in zip(jobs, outcomes, strict=True) if o != STALE])
        return outcomes

    def depth(self) -> int:
        """Jobs waiting."""
        return len(self._pending)

    async def bury(self, job: Job, error: str) -> None:
        """Release the job's PR and keep it among the last MAX_DEAD failed jobs, with its error."""
        dead = DeadLetter(job, error, 1)
        log_dead_letter(dead)
        self._dead.append(dead)
        await self.done(job)

    async def dead_letters(self) -> list[DeadLetter]:
        """Failed jobs, oldest first (a job here never outlives its taker, so only failures)."""
        return list(self._dead)

    async def dead_letter_count(self) -> int:
        """How many dead letters are kept."""
        return len(self._dead)

    def pending(self) -> list[Job]:
        """The waiting jobs, in the order they will run (for shutdown and tests)."""
        return list(self._pending.values())

    async def pending_jobs(self) -> list[Job]:
        """The waiting jobs, in the order they will run."""
        return self.pending()

    async def close(self) -> None:
        """Stop handing out jobs."""
        self._closed = True
        async with self._changed:
            self._changed.notify_all()

    async def shutdown(self) -> None:
        """Nothing to release."""
