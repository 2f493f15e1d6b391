"""Open the queue a QUEUE_URL names (bot/settings.py validates the URL)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.queue import Queue
from bot.queue.memory import MemoryQueue
from bot.settings import Settings, sqlite_path

DEFAULT_PREFIX = "shipshape"


def open_queue(settings: Settings) -> Queue:
    """The queue backend for `settings.queue_url`; nothing connects until first used."""
    url = settings.queue_url
    if url.startswith("sqlite://"):
        from bot.queue.sqlite import SqliteQueue

        return SqliteQueue(sqlite_path(url), lease_seconds=settings.queue_lease_seconds)
    if url.startswith(("redis://", "rediss://")):
        from bot.queue.redis import RedisQueue  # redis is imported only by Redis deployments

        url, prefix = redis_prefix(url)
        return RedisQueue(url, prefix=prefix, lease_seconds=settings.queue_lease_seconds)
    return MemoryQueue()


def redis_prefix(url: str) -> tuple[str, str]:
    """The URL without our `prefix=` query argument, and the key prefix it names (several
    deployments may share one Redis database)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    prefix = next((value for key, value in query if key == "prefix"), "") or DEFAULT_PREFIX
    rest = urlencode([(key, value) for key, value in query if key != "prefix"])
    return urlunsplit(parts._replace(query=rest)), prefix
