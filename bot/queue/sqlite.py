"""A durable queue in one SQLite file (WAL mode): the default for a single `python -m bot`.

Tables: `pending` holds one waiting job per slot (`Job.slot`: the PR, or a command's comment)
with its PR, arrival order and retry time (`not_before`); `running` holds the jobs handed out,
at most one per PR, each
with its slot, the taker and the end of its lease; `heads` each PR's recent heads;
`deliveries` the claimed delivery ids with when; `dead` the jobs given up on. Every operation is
one `BEGIN IMMEDIATE` transaction, so several processes may share the file; a delivery's claim
and its jobs are one transaction (`accept`). A transaction that
finds the file free takes ~0.01 ms, far less than a hop to a thread, so it runs on the event loop
on a second connection that never waits (busy timeout 0, no checkpoints); when another
transaction holds the lock it goes to one dedicated thread, which may wait. A lease is renewed
while its job runs; the lease of a process killed with -9 simply ends, and the job is handed
out again.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import socket
import sqlite3
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import orjson

from bot.gate import Gate, LocalGate
from bot.logs import get_logger
from bot.queue import (
    DEFAULT_LEASE_SECONDS,
    DELIVERY_TTL_SECONDS,
    MAX_ATTEMPTS,
    QUEUED,
    REPLACED,
    STALE,
    DeadLetter,
    Job,
    QueueClosed,
    dead_reason,
    log_dead_letter,
    replacing,
    settling,
    unsettled,
)
from bot.queue.heads import Heads, is_current, is_older_head, note_head

T = TypeVar("T")
_log = get_logger("queue")

SCHEMA = """
CREATE TABLE IF NOT EXISTS pending (
    slot TEXT PRIMARY KEY, pr_key TEXT NOT NULL, seq REAL NOT NULL, data TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, not_before REAL NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS pending_seq ON pending (seq);
CREATE INDEX IF NOT EXISTS pending_pr ON pending (pr_key);
CREATE TABLE IF NOT EXISTS running (
    pr_key TEXT PRIMARY KEY, slot TEXT NOT NULL, data TEXT NOT NULL, owner TEXT NOT NULL,
    lease_until REAL NOT NULL, attempts INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS heads (
    pr_key TEXT PRIMARY KEY, heads TEXT NOT NULL, at REAL NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deliveries (id TEXT PRIMARY KEY, at REAL NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_at ON deliveries (at);
CREATE TABLE IF NOT EXISTS dead (
    id INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL, error TEXT NOT NULL,
    attempts INTEGER NOT NULL, at REAL NOT NULL);
"""
POLL_SECONDS = 0.5
HEADS_TTL_SECONDS = 30 * 24 * 3600  # as long as the Redis queue keeps a PR's heads
# Delivery ids older than the TTL are pruned once per this many claims.
PRUNE_EVERY = 500
# The loop's connection never checkpoints (a checkpoint syncs the disk); the thread does, once
# per this many of its commits, or the log would grow by every page each commit wrote (~20 KB a
# delivery, unbounded). The log is reused from its start by the first write after a checkpoint
# that copied all of it back, so a checkpoint that commits overtook is repeated shortly, until
# one finds a quiet moment. The reused log is kept to WAL_SIZE_LIMIT.
CHECKPOINT_EVERY = 1000
CHECKPOINT_AGAIN_SECONDS = 0.1
WAL_SIZE_LIMIT = 16 * 1024 * 1024


def _dump(job: Job) -> str:
    return job.to_json()


def _load(data: str) -> Job:
    return Job.from_json(data)


def _refuse_old_layout(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a file from before job slots clearly (`CREATE IF NOT EXISTS` would keep it)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(pending)")}
    if columns and "slot" not in columns:
        raise RuntimeError(f"{path}: queue file from an older shipshape (no job slots); "
                           "move it away (its waiting jobs are then re-run from their PRs)")


def _add_retry_column(db: sqlite3.Connection) -> None:
    """Give a file from before retries its `not_before` column (its jobs are due at once)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(pending)")}
    if "not_before" not in columns:
        db.execute("ALTER TABLE pending ADD COLUMN not_before REAL NOT NULL DEFAULT 0")


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    """True when another connection held the write lock (nothing was written)."""
    return getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY,
                                                      sqlite3.SQLITE_LOCKED) or (
        "locked" in str(exc))


class SqliteQueue:
    """Jobs in a SQLite file: they outlive the process, and a dead taker's lease runs out."""

    def __init__(self, path: str | Path, *, lease_seconds: float = DEFAULT_LEASE_SECONDS,
                 poll_seconds: float = POLL_SECONDS, max_attempts: int = MAX_ATTEMPTS,
                 clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.lease_seconds = lease_seconds
        self.poll_seconds = min(poll_seconds, lease_seconds / 3)
        self.max_attempts = max_attempts
        self._clock = clock
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shipshape-sqlite")
        self._db: sqlite3.Connection | None = None
        self._fast: sqlite3.Connection | None = None
        self._held: dict[str, Job] = {}
        # PRs whose job's last transition (retry_later, bury) may not have reached the store:
        # `done` leaves them leased, so the job comes back when the lease ends, never lost.
        self._unsettled: set[str] = set()
        self._wake = asyncio.Event()
        self._closed = False
        self._depth = 0
        self._claims = 0
        self._fast_commits = 0
        self._checkpointed = 0  # `_fast_commits` when the last checkpoint started
        self._checkpoint: asyncio.Future[list[Any]] | None = None
        self._checkpoint_again: asyncio.TimerHandle | None = None
        self._renewer: asyncio.Task[None] | None = None
        self._gate = LocalGate(clock)

    # --- plumbing: one thread, one connection, one transaction per call ---

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, isolation_level=None, timeout=30,
                                 check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode survives a process crash; only an OS crash may lose the tail.
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
            _refuse_old_layout(db, self.path)
            db.executescript(SCHEMA)
            _add_retry_column(db)
            self._db = db
        return self._db

    def _fast_connection(self) -> sqlite3.Connection | None:
        """The loop's own connection, once the thread has created the file and its schema."""
        if self._fast is None and self._db is not None:
            fast = sqlite3.connect(self.path, isolation_level=None, timeout=0)
            fast.execute("PRAGMA synchronous=NORMAL")
            # A checkpoint writes back the log and syncs: leave that to the thread.
            fast.execute("PRAGMA wal_autocheckpoint=0")
            fast.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
            self._fast = fast
        return self._fast

    def _transaction(self, work: Callable[[sqlite3.Connection], T],
                     db: sqlite3.Connection | None = None) -> T:
        db = db or self._connect()
        db.execute("BEGIN IMMEDIATE")
        try:
            result = work(db)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # a failed COMMIT too: the connection must not stay in it
                db.execute("ROLLBACK")
            raise
        return result

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        fast = self._fast_connection()
        if fast is not None:
            try:
                result = self._transaction(work, fast)
            except sqlite3.OperationalError as exc:
                if fast.in_transaction:  # busy at COMMIT: nothing of it may stay behind
                    fast.execute("ROLLBACK")
                if not _is_busy(exc):
                    raise
            else:
                self._fast_commits += 1
                if self._fast_commits % CHECKPOINT_EVERY == 0:
                    self._start_checkpoint()
                return result
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, self._transaction, work)

    def _start_checkpoint(self) -> None:
        """Copy the log back into the file on the thread (PASSIVE: it waits for no one)."""
        if self._closed or (self._checkpoint is not None and not self._checkpoint.done()):
            return
        self._checkpointed = self._fast_commits
        db = self._connect()
        # Its row is read to the end: an unfinished statement on the thread's connection makes
        # that connection's next COMMIT fail ("SQL statements in progress") and wedged it.
        self._checkpoint = asyncio.get_running_loop().run_in_executor(
            self._thread, lambda: db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall())
        self._checkpoint.add_done_callback(self._checkpoint_done)

    def _checkpoint_done(self, done: asyncio.Future[list[Any]]) -> None:
        if not done.cancelled() and done.exception() is not None:
            _log.warning("queue checkpoint failed; the next one retries",
                         exc_info=done.exception())
        if self._fast_commits != self._checkpointed and not self._closed:
            self._checkpoint_again = asyncio.get_running_loop().call_later(
                CHECKPOINT_AGAIN_SECONDS, self._start_checkpoint)

    def log_caught_up(self) -> bool:
        """True when the last checkpoint copied back every commit (the log is then reused)."""
        return (self._checkpoint is None or self._checkpoint.done()) and (
            self._fast_commits == self._checkpointed)

    # --- the Queue protocol ---

    async def put(self, job: Job) -> str:
        """Queue `job`, replacing an older waiting job in the same slot."""
        outcome = await self._run(lambda db: self._put(db, job))
        if outcome != STALE:
            self._wake.set()
        return outcome

    def _put(self, db: sqlite3.Connection, job: Job) -> str:
        heads = self._heads(db, job.pr_key)
        if is_older_head(heads, job):
            return STALE
        if job.head_sha:  # a command job does not know the head: it reads the PR itself
            db.execute("INSERT OR REPLACE INTO heads VALUES (?, ?, ?)",
                       (job.pr_key, orjson.dumps(note_head(heads, job)).decode(),
                        self._clock()))
        row = db.execute("SELECT data FROM pending WHERE slot = ?", (job.slot,)).fetchone()
        if row is None:
            seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM pending").fetchone()[0]
            db.execute("INSERT INTO pending (slot, pr_key, seq, data) VALUES (?, ?, ?, ?)",
                       (job.slot, job.pr_key, seq, _dump(job)))
            return QUEUED
        # The newer job keeps the waiting one's place in line.
        db.execute("UPDATE pending SET data = ?, attempts = 0, not_before = 0 WHERE slot = ?",
                   (_dump(replacing(job, _load(row[0]))), job.slot))
        return REPLACED

    @staticmethod
    def _heads(db: sqlite3.Connection, pr_key: str) -> Heads:
        row = db.execute("SELECT heads FROM heads WHERE pr_key = ?", (pr_key,)).fetchone()
        return orjson.loads(row[0]) if row else []

    async def get(self) -> Job:
        """Wait for a job whose PR is not busy (in this process or any other)."""
        while True:
            if self._closed:
                raise QueueClosed
            self._wake.clear()
            job = await self._run(self._take)
            if job is not None:
                self._held[job.pr_key] = job
                self._ensure_renewer()
                return job
            with contextlib.suppress(TimeoutError):  # a poll: other processes put jobs too
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)

    def _take(self, db: sqlite3.Connection) -> Job | None:
        now = self._clock()
        self._reclaim_expired(db, now)
        row = db.execute(
            "SELECT slot, pr_key, data, attempts FROM pending WHERE not_before <= ? AND pr_key "
            "NOT IN (SELECT pr_key FROM running) ORDER BY seq LIMIT 1", (now,)).fetchone()
        if row is None:
            return None
        slot, pr_key, data, attempts = row
        db.execute("DELETE FROM pending WHERE slot = ?", (slot,))
        db.execute("INSERT INTO running VALUES (?, ?, ?, ?, ?, ?)",
                   (pr_key, slot, data, self.owner, now + self.lease_seconds, attempts + 1))
        return _load(data)

    def _reclaim_expired(self, db: sqlite3.Connection, now: float) -> None:
        expired = db.execute(
            "SELECT pr_key, slot, data, attempts FROM running WHERE lease_until < ?",
            (now,)).fetchall()
        for pr_key, slot, data, attempts in expired:
            db.execute("DELETE FROM running WHERE pr_key = ?", (pr_key,))
            if db.execute("SELECT 1 FROM pending WHERE slot = ?", (slot,)).fetchone():
                continue  # a newer job in the same slot is waiting: it supersedes the lost one
            if attempts >= self.max_attempts:
                error = dead_reason(attempts)
                db.execute("INSERT INTO dead (data, error, attempts, at) VALUES (?, ?, ?, ?)",
                           (data, error, attempts, now))
                log_dead_letter(DeadLetter(_load(data), error, attempts))
                continue
            self._push_front(db, slot, pr_key, data, attempts)

    @staticmethod
    def _push_front(db: sqlite3.Connection, slot: str, pr_key: str, data: str,
                    attempts: int, not_before: float = 0.0) -> None:
        seq = db.execute("SELECT COALESCE(MIN(seq), 1) - 1 FROM pending").fetchone()[0]
        db.execute("INSERT INTO pending (slot, pr_key, seq, data, attempts, not_before) "
                   "VALUES (?, ?, ?, ?, ?, ?)", (slot, pr_key, seq, data, attempts, not_before))

    async def done(self, job: Job) -> None:
        """Release the PR, waking a worker in this process (unless the job's last transition
        failed: then its lease, no longer renewed, ends and it is taken again)."""
        self._held.pop(job.pr_key, None)
        if unsettled(self._unsettled, job):
            return
        await self._run(lambda db: self._release(db, job))
        self._wake.set()

    def _release(self, db: sqlite3.Connection, job: Job) -> None:
        # Only our own lease: if ours ran out, another process may hold the PR now.
        db.execute("DELETE FROM running WHERE pr_key = ? AND owner = ?", (job.pr_key, self.owner))

    async def requeue(self, job: Job) -> None:
        """Put an unfinished job back at the front unless a newer one is waiting."""
        self._held.pop(job.pr_key, None)
        await self._run(lambda db: self._requeue(db, job))
        self._wake.set()

    def _requeue(self, db: sqlite3.Connection, job: Job) -> None:
        row = db.execute("SELECT attempts FROM running WHERE pr_key = ? AND owner = ?",
                         (job.pr_key, self.owner)).fetchone()
        if row is None:
            return  # our lease ran out: the job went back to the queue or to another process
        self._release(db, job)
        if db.execute("SELECT 1 FROM pending WHERE slot = ?", (job.slot,)).fetchone():
            return  # a newer job in the same slot is waiting: it supersedes this one
        if not is_current(self._heads(db, job.pr_key), job):
            return
        # A shutdown is not the job's fault: it does not count as an attempt.
        attempts = max(0, row[0] - 1)
        self._push_front(db, job.slot, job.pr_key, _dump(job), attempts)

    async def retry_later(self, job: Job, not_before: float) -> None:
        """Put a failed job back in its slot, due at `not_before`, unless superseded."""
        async with settling(self._unsettled, job):
            await self._run(lambda db: self._retry_later(db, job, not_before))

    def _retry_later(self, db: sqlite3.Connection, job: Job, not_before: float) -> None:
        row = db.execute("SELECT attempts FROM running WHERE pr_key = ? AND owner = ?",
                         (job.pr_key, self.owner)).fetchone()
        if row is None:
            return  # our lease ran out: the job went back to the queue or to another process
        if db.execute("SELECT 1 FROM pending WHERE slot = ?", (job.slot,)).fetchone():
            return  # a newer job in the same slot is waiting: it supersedes this one
        if not is_current(self._heads(db, job.pr_key), job):
            return
        # Deaths of its takers still count; a failure that was answered is not one.
        self._push_front(db, job.slot, job.pr_key, _dump(job), max(0, row[0] - 1), not_before)

    def gate(self) -> Gate:
        """Pauses and pacing in this process (a SQLite queue serves one process)."""
        return self._gate

    async def is_current(self, job: Job) -> bool:
        """True while no newer head has been seen for the PR."""
        return await self._run(lambda db: is_current(self._heads(db, job.pr_key), job))

    async def recent_heads(self, job: Job) -> list[str]:
        """The heads seen for the job's PR, the newest last."""
        return [sha for sha, _ in await self._run(lambda db: self._heads(db, job.pr_key))]

    async def claim_delivery(self, delivery_id: str) -> bool:
        """True the first time a delivery id is seen within DELIVERY_TTL_SECONDS."""
        self._claims += 1
        prune = self._claims % PRUNE_EVERY == 1
        return await self._run(lambda db: self._claim(db, delivery_id, prune))

    def _claim(self, db: sqlite3.Connection, delivery_id: str, prune: bool) -> bool:
        now = self._clock()
        if prune:
            db.execute("DELETE FROM deliveries WHERE at < ?", (now - DELIVERY_TTL_SECONDS,))
            # A PR quiet for a month: an event for an old head of it is no longer refused.
            db.execute("DELETE FROM heads WHERE at < ? AND pr_key NOT IN (SELECT pr_key FROM "
                       "pending UNION SELECT pr_key FROM running)", (now - HEADS_TTL_SECONDS,))
        # One statement: a new id is inserted, one older than the TTL claimed afresh, and a
        # recent one left alone (no row changed: a repeat).
        claimed = db.execute(
            "INSERT INTO deliveries VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at"
            " WHERE deliveries.at < ?", (delivery_id, now, now - DELIVERY_TTL_SECONDS))
        return claimed.rowcount == 1

    async def accept(self, delivery_id: str, jobs: Sequence[Job]) -> list[str] | None:
        """Claim the delivery and queue its jobs in one transaction (None: seen before)."""
        self._claims += 1
        prune = self._claims % PRUNE_EVERY == 1
        outcomes = await self._run(lambda db: self._accept(db, delivery_id, jobs, prune))
        if outcomes and any(outcome != STALE for outcome in outcomes):
            self._wake.set()
        return outcomes

    def _accept(self, db: sqlite3.Connection, delivery_id: str, jobs: Sequence[Job],
                prune: bool) -> list[str] | None:
        if not self._claim(db, delivery_id, prune):
            return None
        return [self._put(db, job) for job in jobs]

    async def release_delivery(self, delivery_id: str) -> None:
        """Forget a delivery id."""
        await self._run(lambda db: db.execute("DELETE FROM deliveries WHERE id = ?",
                                              (delivery_id,)))

    async def delivery_claimed(self, delivery_id: str) -> bool:
        """True while the delivery id is claimed (within DELIVERY_TTL_SECONDS)."""
        since = self._clock() - DELIVERY_TTL_SECONDS
        row = await self._run(lambda db: db.execute(
            "SELECT 1 FROM deliveries WHERE id = ? AND at >= ?", (delivery_id, since)).fetchone())
        return row is not None

    def depth(self) -> int:
        """Jobs waiting, read now (the last count read when the file is busy or not open yet).

        Read on demand, not after every transaction: counting cost each acknowledgement a
        statement, and only /metrics, /healthz and the end of a job ask.
        """
        db = self._fast_connection()
        if db is not None:
            # A read outside any transaction: in WAL mode it waits for no writer.
            with contextlib.suppress(sqlite3.OperationalError):
                self._depth = db.execute("SELECT COUNT(*) FROM pending").fetchone()[0]
        return self._depth

    async def pending_jobs(self) -> list[Job]:
        """The waiting jobs in the order they will run (for shutdown logs and tests)."""
        rows = await self._run(lambda db: db.execute(
            "SELECT data FROM pending ORDER BY seq").fetchall())
        return [_load(data) for (data,) in rows]

    async def bury(self, job: Job, error: str) -> None:
        """Move a failed job from running to the dead letters, with its error."""
        self._held.pop(job.pr_key, None)
        async with settling(self._unsettled, job):
            await self._run(lambda db: self._bury(db, job, error))
        self._wake.set()

    def _bury(self, db: sqlite3.Connection, job: Job, error: str) -> None:
        # From running to dead in one transaction: a crash right after it must not see the
        # lease run out and the job handed out again.
        row = db.execute("SELECT attempts FROM running WHERE pr_key = ? AND owner = ?",
                         (job.pr_key, self.owner)).fetchone()
        attempts = row[0] if row else 1
        self._release(db, job)
        db.execute("INSERT INTO dead (data, error, attempts, at) VALUES (?, ?, ?, ?)",
                   (_dump(job), error, attempts, self._clock()))
        log_dead_letter(DeadLetter(job, error, attempts))

    async def dead_letters(self) -> list[DeadLetter]:
        """Jobs given up on, oldest first."""
        rows = await self._run(lambda db: db.execute(
            "SELECT data, error, attempts FROM dead ORDER BY id").fetchall())
        return [DeadLetter(_load(data), error, attempts) for data, error, attempts in rows]

    async def dead_letter_count(self) -> int:
        """How many dead letters are kept (counted, not read)."""
        return int(await self._run(
            lambda db: db.execute("SELECT COUNT(*) FROM dead").fetchone()[0]))

    # --- leases ---

    def _ensure_renewer(self) -> None:
        if self._renewer is None or self._renewer.done():
            self._renewer = asyncio.create_task(self._renew_leases(),
                                                name="shipshape-sqlite-leases")

    async def _renew_leases(self) -> None:
        while self._held:
            await asyncio.sleep(self.lease_seconds / 3)
            try:
                # The keys are read here, on the loop: the thread must not iterate a changing dict.
                await self._run(functools.partial(self._renew, keys=list(self._held)))
            except Exception:  # a busy or failing file: try again; the lease has slack
                _log.exception("could not renew the queue's leases")

    def _renew(self, db: sqlite3.Connection, keys: list[str]) -> None:
        until = self._clock() + self.lease_seconds
        db.executemany("UPDATE running SET lease_until = ? WHERE pr_key = ? AND owner = ?",
                       [(until, key, self.owner) for key in keys])

    async def close(self) -> None:
        """Stop handing out jobs; running jobs still `done` or `requeue` afterwards."""
        self._closed = True
        self._wake.set()

    async def shutdown(self) -> None:
        """Close the file once the workers have stopped."""
        self._closed = True
        if self._renewer is not None:
            self._renewer.cancel()
        if self._checkpoint_again is not None:
            self._checkpoint_again.cancel()
        if self._fast is not None:
            self._fast.close()
            self._fast = None
        if self._db is not None:
            await asyncio.get_running_loop().run_in_executor(self._thread, self._db.close)
            self._db = None
        self._thread.shutdown(wait=False)
