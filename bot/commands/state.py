"""What this process remembers between command jobs: roles (minutes), the last accepted
`recheck` per PR, and the App's slug. Losing it on restart costs a call or allows one recheck."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import cachetools

from bot.commands.permissions import PermissionCache

MAX_PRS = 10_000


@dataclass
class CommandState:
    """Per-process caches for the command handler."""

    permissions: PermissionCache = field(default_factory=PermissionCache)
    slug: str = ""
    clock: Callable[[], float] = time.monotonic
    _rechecks: cachetools.LRUCache[str, float] = field(
        default_factory=lambda: cachetools.LRUCache(MAX_PRS))

    @property
    def bot_login(self) -> str:
        """`<slug>[bot]`, the App's account, once the slug is known."""
        return f"{self.slug}[bot]" if self.slug else ""

    def recheck_wait(self, pr_key: str, interval: float) -> float:
        """Seconds until `pr_key` may be rechecked again; 0 records this recheck as accepted."""
        now = self.clock()
        last = self._rechecks.get(pr_key)
        if last is not None and now - last < interval:
            return interval - (now - last)
        self._rechecks[pr_key] = now
        return 0.0
