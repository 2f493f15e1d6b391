"""Open the queue a QUEUE_URL names (bot/settings.py validates the URL)."""

from __future__ import annotations

from bot.queue import Queue
from bot.queue.memory import MemoryQueue
from bot.settings import Settings, sqlite_path


def open_queue(settings: Settings) -> Queue:
    """The queue backend for `settings.queue_url`; nothing connects until first used."""
    url = settings.queue_url
    if url.startswith("sqlite://"):
        from bot.queue.sqlite import SqliteQueue

        return SqliteQueue(sqlite_path(url), lease_seconds=settings.queue_lease_seconds)
    if url.startswith(("redis://", "rediss://")):
        from bot.queue.redis import RedisQueue  # redis is imported only by Redis deployments

        return RedisQueue(url, lease_seconds=settings.queue_lease_seconds)
    return MemoryQueue()
