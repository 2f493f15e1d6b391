"""Where the reconciler keeps its lock and the end of its last pass: beside the queue's jobs
(the same SQLite file or Redis database), so they are as durable and as shared as the jobs."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import datetime
from pathlib import Path
from typing import Protocol

from bot.settings import Settings, sqlite_path

# Compare-and-delete: a lock that expired and went to another replica is not released by us.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class Marks(Protocol):
    """A lock held by one pass at a time, and the time the last periodic pass started."""

    async def acquire(self, owner: str, seconds: float) -> bool:
        """Take the lock for `seconds` unless another owner holds it."""

    async def release(self, owner: str) -> None:
        """Give the lock back if `owner` still holds it."""

    async def last_pass(self) -> datetime | None:
        """When the last periodic pass started; None before the first."""

    async def set_last_pass(self, at: datetime) -> None:
        """Remember when this pass started."""

    async def close(self) -> None:
        """Release connections."""


class MemoryMarks:
    """For the in-memory queue (tests): one process, nothing outlives it."""

    def __init__(self) -> None:
        self._owner = ""
        self._until = 0.0
        self._mark: datetime | None = None

    async def acquire(self, owner: str, seconds: float) -> bool:
        """Take the lock unless another owner holds it."""
        now = time.monotonic()
        if self._owner not in ("", owner) and self._until > now:
            return False
        self._owner, self._until = owner, now + seconds
        return True

    async def release(self, owner: str) -> None:
        """Give the lock back."""
        if self._owner == owner:
            self._owner = ""

    async def last_pass(self) -> datetime | None:
        """The mark, if set in this process."""
        return self._mark

    async def set_last_pass(self, at: datetime) -> None:
        """Set the mark."""
        self._mark = at

    async def close(self) -> None:
        """Nothing to release."""


class SqliteMarks:
    """A `reconcile` table in the queue's SQLite file; processes sharing the file share it."""

    SCHEMA = ("CREATE TABLE IF NOT EXISTS reconcile (name TEXT PRIMARY KEY, value TEXT NOT NULL, "
              "until REAL NOT NULL)")

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def _transaction(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(self.SCHEMA)
            db.execute("BEGIN IMMEDIATE")
            rows = db.execute(sql, args).fetchall()
            db.execute("COMMIT")
            return rows
        finally:
            db.close()

    async def _run(self, sql: str, *args: object) -> list[tuple[object, ...]]:
        # A few statements every few minutes: a thread each, never the event loop.
        return await asyncio.to_thread(self._transaction, sql, args)

    async def acquire(self, owner: str, seconds: float) -> bool:
        """Take the lock unless another owner holds it unexpired."""
        now = time.time()
        rows = await self._run(
            "INSERT INTO reconcile VALUES ('lock', ?1, ?2) ON CONFLICT (name) DO UPDATE SET "
            "value = ?1, until = ?2 WHERE value = ?1 OR until < ?3 RETURNING value",
            owner, now + seconds, now)
        return bool(rows)

    async def release(self, owner: str) -> None:
        """Give the lock back if still ours."""
        await self._run("DELETE FROM reconcile WHERE name = 'lock' AND value = ?", owner)

    async def last_pass(self) -> datetime | None:
        """The stored mark."""
        rows = await self._run("SELECT value FROM reconcile WHERE name = 'mark'")
        return datetime.fromisoformat(str(rows[0][0])) if rows else None

    async def set_last_pass(self, at: datetime) -> None:
        """Store the mark."""
        await self._run("INSERT OR REPLACE INTO reconcile VALUES ('mark', ?, 0)", at.isoformat())

    async def close(self) -> None:
        """Each call opened and closed its own connection."""


class RedisMarks:
    """Keys `<prefix>:reconcile:lock` (with a TTL) and `<prefix>:reconcile:mark`."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis.asyncio as aioredis  # only Redis deployments import redis

        self.redis = aioredis.Redis.from_url(url, decode_responses=True)
        self.lock_key = f"{prefix}:reconcile:lock"
        self.mark_key = f"{prefix}:reconcile:mark"
        self._release = self.redis.register_script(_RELEASE)

    async def acquire(self, owner: str, seconds: float) -> bool:
        """SET NX with an expiry: a replica killed mid-pass does not hold it for ever."""
        if await self.redis.set(self.lock_key, owner, nx=True, px=int(seconds * 1000)):
            return True
        return bool(await self.redis.get(self.lock_key) == owner)

    async def release(self, owner: str) -> None:
        """Delete the lock if it is still ours."""
        await self._release(keys=[self.lock_key], args=[owner])

    async def last_pass(self) -> datetime | None:
        """The stored mark."""
        raw = await self.redis.get(self.mark_key)
        return datetime.fromisoformat(raw) if raw else None

    async def set_last_pass(self, at: datetime) -> None:
        """Store the mark (no TTL: it is one key)."""
        await self.redis.set(self.mark_key, at.isoformat())

    async def close(self) -> None:
        """Close the connections."""
        await self.redis.aclose()


def open_marks(settings: Settings) -> Marks:
    """The store beside the queue `settings.queue_url` names."""
    url = settings.queue_url
    if url.startswith("sqlite://"):
        return SqliteMarks(sqlite_path(url))
    if url.startswith(("redis://", "rediss://")):
        from bot.queue.open import redis_prefix

        plain, prefix = redis_prefix(url)
        return RedisMarks(plain, prefix)
    return MemoryMarks()
