"""Installation pauses and content-creation pacing in Redis, shared by every replica.

Keys under the queue's prefix: `pause:<installation>` (present while the pause runs: its
time to live is the pause) and `sent:<installation>` (sorted set of this installation's
content-creating requests in the widest window, scored by Redis's own clock, so replicas with
skewed clocks agree).
"""

from __future__ import annotations

import uuid

import redis.asyncio as aioredis

from bot.gate import Windows

# KEYS: pause; ARGV: ms. Keeps the later end of two pauses.
_PAUSE = """
local ms = tonumber(ARGV[1])
if ms <= 0 or redis.call('PTTL', KEYS[1]) >= ms then return 0 end
redis.call('SET', KEYS[1], '1', 'PX', ms)
return 1
"""

# KEYS: sent; ARGV: member, then (span_ms, cap) pairs. Returns 0 (slot taken) or ms to wait.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local widest = 0
for i = 2, #ARGV, 2 do widest = math.max(widest, tonumber(ARGV[i])) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - widest)
local wait = 0
for i = 2, #ARGV, 2 do
  local span, cap = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  local from = '(' .. (now - span)
  local n = redis.call('ZCOUNT', KEYS[1], from, '+inf')
  if cap > 0 and n >= cap then
    local first = redis.call('ZRANGEBYSCORE', KEYS[1], from, '+inf', 'WITHSCORES',
                             'LIMIT', n - cap, 1)
    wait = math.max(wait, tonumber(first[2]) + span - now)
  end
end
if wait > 0 then return wait end
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], widest)
return 0
"""


class RedisGate:
    """The gate in Redis: a pause or a full window seen by one replica holds for all."""

    def __init__(self, client: aioredis.Redis, prefix: str) -> None:
        self.redis = client
        self.prefix = prefix
        self._pause = client.register_script(_PAUSE)
        self._reserve = client.register_script(_RESERVE)

    async def paused_for(self, installation_id: int) -> float:
        """Seconds left of the pause; 0 when none is running."""
        left_ms = await self.redis.pttl(f"{self.prefix}:pause:{installation_id}")
        return max(int(left_ms), 0) / 1000  # -2: no key, -1: none set (never here)

    async def pause(self, installation_id: int, seconds: float) -> None:
        """Pause every replica's calls for the installation (or keep the longer pause)."""
        await self._pause(keys=[f"{self.prefix}:pause:{installation_id}"],
                          args=[int(seconds * 1000)])

    async def reserve(self, installation_id: int, windows: Windows) -> float:
        """A slot now (0), or the seconds until one is free, counted across replicas."""
        args: list[str | int] = [uuid.uuid4().hex]
        for span, cap in windows:
            args += [int(span * 1000), cap]
        wait_ms = await self._reserve(keys=[f"{self.prefix}:sent:{installation_id}"],
                                      args=args)
        return int(wait_ms) / 1000
