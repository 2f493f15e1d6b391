"""Installation tokens shared by replicas in Redis (`QUEUE_URL=redis://`): one key per
installation, `<prefix>:token:<installation>`, expiring when its token is due for renewal.

Imported only by Redis deployments, like bot/queue/redis.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import orjson
import redis.asyncio as aioredis

from bot.tokens import Token

# Deletes the key only while it still holds the refused token: another replica may have
# stored a fresh one meanwhile.
_FORGET = """
local raw = redis.call('GET', KEYS[1])
if raw and cjson.decode(raw)['token'] == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisTokens:
    """Installation tokens in Redis under `<prefix>:token:<installation>`, expiring with them."""

    def __init__(self, url: str, prefix: str, clock: Callable[[], float] = time.time) -> None:
        self.redis: aioredis.Redis = aioredis.Redis.from_url(url, decode_responses=True)
        self.prefix = prefix
        self._clock = clock
        self._forget = self.redis.register_script(_FORGET)

    def _key(self, installation_id: int) -> str:
        return f"{self.prefix}:token:{installation_id}"

    async def get(self, installation_id: int) -> Token | None:
        """The shared token, if one is stored and not yet due for renewal."""
        raw = await self.redis.get(self._key(installation_id))
        if raw is None:
            return None
        data = orjson.loads(raw)
        token = Token(str(data["token"]), float(data["expires_at"]))
        return token if token.usable_for(self._clock()) > 0 else None

    async def put(self, installation_id: int, token: Token) -> None:
        """Store the token with a TTL that ends when it is due for renewal."""
        ttl_ms = int(token.usable_for(self._clock()) * 1000)
        if ttl_ms <= 0:
            return
        raw = orjson.dumps({"token": token.value, "expires_at": token.expires_at})
        await self.redis.set(self._key(installation_id), raw, px=ttl_ms)

    async def forget(self, installation_id: int, value: str) -> None:
        """Drop the shared token if it is still the refused one."""
        await self._forget(keys=[self._key(installation_id)], args=[value])

    async def close(self) -> None:
        """Close the connection pool."""
        await self.redis.aclose()
