"""Read a webhook body that is not yet authenticated: HMAC while reading, within a byte budget
and a deadline.

Anyone on the internet can open a connection and start a body, so until the signature is
checked a body is a stranger's. Three bounds keep strangers from holding memory or sockets:
- the signature header must look like a SHA-256 digest before one byte of the body is read;
- the bytes reserved for unauthenticated bodies are capped (`BodyBudget`): a body reserves its
  declared length (GitHub always sends Content-Length; a body without one reserves the full
  25 MB cap) and a body that does not fit in time is refused with 503. A body of GitHub's usual
  size (tens of KB) still fits while a handful of 25 MB bodies hold the rest;
- the whole body must arrive within a deadline, so a half-sent body is dropped.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from bot import limits

# `sha256=` and 64 lowercase hex digits, ASCII only: anything else can never match, and
# hmac.compare_digest raises on non-ASCII text instead of answering "no".
_SIGNATURE = re.compile(r"sha256=[0-9a-f]{64}", re.ASCII)
_CHUNK = limits.READ_BUFFER_BYTES


class Refused(Exception):
    """A body refused before it was authenticated: status and a reason for the sender."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def check_signature_header(value: str | None) -> str:
    """Return the header if it is a well-formed SHA-256 signature, else refuse with 401."""
    if not value:
        raise Refused(401, "X-Hub-Signature-256 is missing")
    if not _SIGNATURE.fullmatch(value):
        raise Refused(401, "X-Hub-Signature-256 is not sha256= and 64 hex digits")
    return value


class BodyBudget:
    """Bytes that unauthenticated bodies may hold at once; a body waits for room or is refused."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.reserved = 0
        self._room = asyncio.Condition()

    @asynccontextmanager
    async def hold(self, size: int, deadline: float) -> AsyncIterator[None]:
        """Reserve `size` bytes while the body is read; 503 if no room by `deadline`."""
        try:
            async with asyncio.timeout_at(deadline), self._room:
                # Not first-come-first-served on purpose: a small body goes ahead of a large
                # one that does not fit, so 25 MB bodies cannot stall GitHub's usual ones.
                await self._room.wait_for(lambda: self.reserved + size <= self.capacity)
                self.reserved += size
        except TimeoutError:
            raise Refused(503, "too many unauthenticated bodies in flight") from None
        try:
            yield
        finally:
            async with self._room:
                self.reserved -= size
                self._room.notify_all()


async def _read_signed(request: web.Request, signature: str, secret: str) -> bytes:
    mac = hmac.new(secret.encode(), digestmod=hashlib.sha256)
    # Chunks are joined only once the signature matches: a stranger's body never costs more
    # than its own size (a growing buffer would reallocate and briefly hold it twice).
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(_CHUNK):
        size += len(chunk)
        if size > limits.MAX_PAYLOAD_BYTES:
            raise Refused(413, f"payload over GitHub's {limits.MAX_PAYLOAD_BYTES} byte cap")
        mac.update(chunk)
        chunks.append(chunk)
    if not hmac.compare_digest(signature, "sha256=" + mac.hexdigest()):
        raise Refused(401, "signature does not match")
    return b"".join(chunks)


def _verified_now(request: web.Request, signature: str, secret: str) -> bytes:
    """The body that arrived whole with its request (GitHub's usual tens of KB come in one
    read): nothing is left to wait for, so neither the deadline nor the budget applies, and
    its bytes are held already, within the connection's read buffer."""
    body = request.content.read_nowait(-1)
    if len(body) > limits.MAX_PAYLOAD_BYTES:
        raise Refused(413, f"payload over GitHub's {limits.MAX_PAYLOAD_BYTES} byte cap")
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(signature, "sha256=" + digest):
        raise Refused(401, "signature does not match")
    return body


async def read_verified(request: web.Request, secret: str, budget: BodyBudget,
                        timeout: float) -> bytes:
    """The body, once its HMAC matches the signature header; Refused otherwise."""
    signature = check_signature_header(request.headers.get("x-hub-signature-256"))
    length = request.content_length
    if length is not None and length > limits.MAX_PAYLOAD_BYTES:
        raise Refused(413, f"payload over GitHub's {limits.MAX_PAYLOAD_BYTES} byte cap")
    if request.content.is_eof():
        return _verified_now(request, signature, secret)
    size = limits.MAX_PAYLOAD_BYTES if length is None else length
    deadline = asyncio.get_running_loop().time() + timeout
    async with budget.hold(size, deadline):
        try:
            async with asyncio.timeout_at(deadline):
                return await _read_signed(request, signature, secret)
        except TimeoutError:
            raise Refused(408, f"body not received within {timeout:g} s") from None
