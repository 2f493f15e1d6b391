"""Per-installation pauses and content-creation pacing: what every job of an installation obeys.

A pause (a secondary rate limit, or the circuit breaker opening on an outage) stops all of an
installation's calls until its end, not just the one job that met it. Pacing keeps an
installation's content-creating requests within GitHub's 80 a minute and 500 an hour. The
queue backend decides where this lives: in this process (memory, SQLite: one process) or in
Redis (replicas share it, bot/queue/redis_gate.py).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Protocol

# (window seconds, requests allowed in it), widest last.
Windows = Sequence[tuple[float, int]]


class InstallationPaused(Exception):
    """The installation must not call GitHub for `seconds` more: too long to wait in a job."""

    def __init__(self, installation_id: int, seconds: float, reason: str) -> None:
        super().__init__(f"installation {installation_id} paused for {seconds:.0f} s ({reason})")
        self.installation_id = installation_id
        self.seconds = seconds
        self.reason = reason


class Gate(Protocol):
    """Pauses and pacing per installation."""

    async def paused_for(self, installation_id: int) -> float:
        """Seconds left of the installation's pause; 0 when it is not paused."""

    async def pause(self, installation_id: int, seconds: float) -> None:
        """Pause the installation for `seconds`, unless it is paused longer already."""

    async def reserve(self, installation_id: int, windows: Windows) -> float:
        """Take a content-creation slot now and return 0, or return the seconds until one is
        free (nothing taken)."""


def wait_for_slot(times: Sequence[float], now: float, windows: Windows) -> float:
    """Seconds until one more request fits every window, given the past request times
    (oldest first); 0 when it fits now."""
    wait = 0.0
    for span, cap in windows:
        recent = [t for t in times if t > now - span]
        if cap > 0 and len(recent) >= cap:
            # The request that must leave the window first to make room for one more.
            wait = max(wait, recent[len(recent) - cap] + span - now)
    return wait


class LocalGate:
    """The gate in this process's memory (one process: the memory and SQLite queues)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._paused: dict[int, float] = {}
        self._sent: dict[int, deque[float]] = {}

    async def paused_for(self, installation_id: int) -> float:
        """Seconds left of the pause; 0 when none is running."""
        left = self._paused.get(installation_id, 0.0) - self.clock()
        if left <= 0:
            self._paused.pop(installation_id, None)
            return 0.0
        return left

    async def pause(self, installation_id: int, seconds: float) -> None:
        """Pause (or keep paused longer)."""
        until = self.clock() + seconds
        self._paused[installation_id] = max(until, self._paused.get(installation_id, 0.0))

    async def reserve(self, installation_id: int, windows: Windows) -> float:
        """A slot now (0) or the seconds until one is free."""
        now = self.clock()
        sent = self._sent.setdefault(installation_id, deque())
        widest = max((span for span, _ in windows), default=0.0)
        while sent and sent[0] <= now - widest:
            sent.popleft()
        wait = wait_for_slot(sent, now, windows)
        if wait <= 0:
            sent.append(now)
        return wait
