"""The App's credentials: its private key parsed once, App JWTs signed with the loaded key, and
installation tokens kept until shortly before they expire.

Parsing the PEM text costs 50-110 ms of CPU, signing with the loaded key under 1 ms (issue 12):
gidgethub's `apps.get_jwt` takes PEM text and parses it on every call, on the event loop, and
while GitHub refuses connections no token is ever cached, so the stall would repeat on every
attempt and hold up acknowledgements. So the key is loaded once per process and one JWT serves
until shortly before it expires.

Installation tokens live in this process (`GitHubClient`'s cache); with `QUEUE_URL=redis://`
replicas also share them through Redis (bot/redis_tokens.py), each key expiring when its token is
due for renewal, so N replicas ask GitHub for one token per installation, not N.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from bot import limits

# App JWT (FACTS.md): `iat` about 60 s in the past for clock drift, `exp` at most 10 minutes
# ahead (counted from the backdated `iat`, as gidgethub does); a JWT is reused until this long
# before its `exp`, so it never expires in flight.
JWT_CLOCK_SKEW_SECONDS = 60
JWT_LIFETIME_SECONDS = 10 * 60
JWT_REUSE_MARGIN_SECONDS = 60


class AppSigner:
    """Signs the App's JWTs with its key, loaded once (settings validated it is RSA)."""

    def __init__(self, app_id: str, private_key_pem: str,
                 clock: Callable[[], float] = time.time) -> None:
        key = load_pem_private_key(private_key_pem.encode("utf-8"), password=None)
        if not isinstance(key, RSAPrivateKey):
            raise ValueError("a GitHub App key is an RSA key")
        self._key = key
        self._app_id = app_id
        self._clock = clock
        self._cached: tuple[str, float] | None = None
        self.signed = 0  # how many JWTs were signed (tests count the work)

    def jwt(self) -> str:
        """A JWT for the App's own endpoints, reused until a minute before it expires."""
        now = self._clock()
        if self._cached is not None and self._cached[1] > now:
            return self._cached[0]
        issued = int(now) - JWT_CLOCK_SKEW_SECONDS
        expires = issued + JWT_LIFETIME_SECONDS
        token = jwt.encode({"iat": issued, "exp": expires, "iss": self._app_id}, self._key,
                           algorithm="RS256")
        self.signed += 1
        self._cached = (token, expires - JWT_REUSE_MARGIN_SECONDS)
        return token


@dataclass(frozen=True)
class Token:
    """An installation token and when GitHub said it expires (epoch seconds)."""

    value: str
    expires_at: float

    def usable_for(self, now: float) -> float:
        """Seconds it may still be handed out: until its expiry less the refresh margin."""
        return self.expires_at - limits.TOKEN_REFRESH_MARGIN_SECONDS - now


class SharedTokens(Protocol):
    """Installation tokens shared by the replicas of one deployment."""

    async def get(self, installation_id: int) -> Token | None:
        """The shared token for the installation, if one is still usable."""

    async def put(self, installation_id: int, token: Token) -> None:
        """Share a fresh token until it is due for renewal."""

    async def forget(self, installation_id: int, value: str) -> None:
        """Drop the shared token if it is still `value` (GitHub refused it)."""

    async def close(self) -> None:
        """Release the connection."""
