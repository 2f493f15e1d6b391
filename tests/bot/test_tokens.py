"""App credentials: the key is parsed once and JWTs reused, even while GitHub refuses
connections; replicas on Redis share installation tokens until they are due for renewal.

The Redis tests use a real Redis (SHIPSHAPE_TEST_REDIS_URL or 127.0.0.1:6379) under a key
prefix of their own, deleted afterwards.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import jwt
import pytest
import redis.asyncio as aioredis

from bot import limits
from bot.github import GitHubClient
from bot.metrics import Metrics
from bot.redis_tokens import RedisTokens
from bot.tokens import JWT_LIFETIME_SECONDS, JWT_REUSE_MARGIN_SECONDS, AppSigner
from tests.bot.diffs import new_file, python_module

REDIS_URL = os.environ.get("SHIPSHAPE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _closed_port_url() -> str:
    """An address where nothing listens: GitHub refusing connections."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def pem_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the private keys PyJWT parses from PEM text (it does when handed key text, not
    a loaded key; the fake GitHub's check of a JWT tries its public key here and fails)."""
    parses: list[int] = []
    real = jwt.algorithms.load_pem_private_key  # type: ignore[attr-defined]

    def counting(*args: Any, **kwargs: Any) -> Any:
        key = real(*args, **kwargs)
        parses.append(1)
        return key

    monkeypatch.setattr(jwt.algorithms, "load_pem_private_key", counting)
    return parses


async def _no_wait(_seconds: float) -> None:
    return None


async def test_refused_connections_parse_the_key_never_and_sign_one_jwt(
        fake_github: Any, pem_parses: list[int]) -> None:
    async with aiohttp.ClientSession() as session:
        client = GitHubClient(session, app_id=str(fake_github.app_id),
                              private_key=fake_github.private_key_pem,
                              base_url=_closed_port_url(), metrics=Metrics(), sleep=_no_wait)
        failures = 0
        for attempt in range(12):
            with pytest.raises(aiohttp.ClientConnectionError):
                await client.installation_token(1000 + attempt % 4)
            failures += 1
    assert failures == 12
    assert pem_parses == []  # the key was loaded once, when the client was made
    assert client.signer.signed == 1


async def test_tokens_from_github_use_one_jwt_until_it_is_due(fake_github: Any,
                                                               pem_parses: list[int]) -> None:
    fake = fake_github
    async with aiohttp.ClientSession() as session:
        client = GitHubClient(session, app_id=str(fake.app_id),
                              private_key=fake.private_key_pem, base_url=fake.url,
                              metrics=Metrics())
        first = await client.installation_token(fake.installation_id)
        fake.expire_tokens()
        await client.forget_token(fake.installation_id, first)
        second = await client.installation_token(fake.installation_id)
        assert await client.app_slug() == fake.app_slug
    assert first != second
    assert len(fake.calls_to("POST", "/app/installations/*/access_tokens")) == 2
    assert client.signer.signed == 1
    assert pem_parses == []


def test_a_jwt_is_reused_until_a_minute_before_it_expires(fake_github: Any) -> None:
    now = [1_800_000_000.0]
    signer = AppSigner(str(fake_github.app_id), fake_github.private_key_pem,
                       clock=lambda: now[0])
    first = signer.jwt()
    claims = jwt.decode(first, fake_github.public_key_pem, algorithms=["RS256"],
                        options={"verify_exp": False, "verify_iat": False})
    assert claims["iss"] == str(fake_github.app_id)
    assert claims["exp"] - claims["iat"] == JWT_LIFETIME_SECONDS
    assert claims["exp"] - now[0] <= JWT_LIFETIME_SECONDS  # GitHub: at most 10 minutes ahead
    reuse_until = claims["exp"] - JWT_REUSE_MARGIN_SECONDS
    now[0] = reuse_until - 1
    assert signer.jwt() == first
    now[0] = reuse_until + 1
    assert signer.jwt() != first
    assert signer.signed == 2


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    name = f"shipshape-test:{uuid.uuid4().hex}"
    probe = aioredis.Redis.from_url(REDIS_URL)
    try:
        await probe.ping()  # no Redis is a failure: CI starts one (.ci/run)
        yield name
    finally:
        keys = [key async for key in probe.scan_iter(f"{name}:*")]
        if keys:
            await probe.delete(*keys)
        await probe.aclose()


async def _replicas(fake: Any, prefix: str, count: int, session: aiohttp.ClientSession
                    ) -> tuple[list[GitHubClient], list[RedisTokens]]:
    stores = [RedisTokens(REDIS_URL, prefix) for _ in range(count)]
    clients = [GitHubClient(session, app_id=str(fake.app_id), private_key=fake.private_key_pem,
                            base_url=fake.url, metrics=Metrics(), shared_tokens=store)
               for store in stores]
    return clients, stores


async def _close(stores: list[RedisTokens]) -> None:
    for store in stores:
        await store.close()


def _token_requests(fake: Any) -> int:
    return len(fake.calls_to("POST", "/app/installations/*/access_tokens"))


async def test_replicas_share_one_installation_token_through_redis(
        fake_github: Any, prefix: str) -> None:
    fake = fake_github
    async with aiohttp.ClientSession() as session:
        clients, stores = await _replicas(fake, prefix, 3, session)
        try:
            tokens = [await c.installation_token(fake.installation_id) for c in clients]
            ttl = await stores[0].redis.pttl(f"{prefix}:token:{fake.installation_id}")
        finally:
            await _close(stores)
    assert len(set(tokens)) == 1
    assert _token_requests(fake) == 1
    # The shared copy expires when the token is due for renewal, not when GitHub ends it.
    assert 0 < ttl <= (limits.INSTALLATION_TOKEN_SECONDS
                       - limits.TOKEN_REFRESH_MARGIN_SECONDS) * 1000


async def test_a_shared_token_expires_with_its_renewal_time(fake_github: Any,
                                                            prefix: str) -> None:
    fake = fake_github
    fake.token_ttl = limits.TOKEN_REFRESH_MARGIN_SECONDS + 1  # due for renewal in a second
    async with aiohttp.ClientSession() as session:
        (first_replica, second_replica), stores = await _replicas(fake, prefix, 2, session)
        try:
            first = await first_replica.installation_token(fake.installation_id)
            assert await second_replica.installation_token(fake.installation_id) == first
            await asyncio.sleep(1.2)
            fake.token_ttl = 3600.0
            renewed = await second_replica.installation_token(fake.installation_id)
            assert await first_replica.installation_token(fake.installation_id) == renewed
        finally:
            await _close(stores)
    assert renewed != first
    assert _token_requests(fake) == 2


async def test_a_refused_shared_token_is_renewed_once_for_all_replicas(
        fake_github: Any, prefix: str) -> None:
    fake = fake_github
    fake.add_pull(fake.repo, 5, diff=new_file("billing/total.py", python_module("total")))
    path = f"/repos/{fake.repo}/pulls/5"
    async with aiohttp.ClientSession() as session:
        clients, stores = await _replicas(fake, prefix, 2, session)
        try:
            views = [c.for_installation(fake.installation_id) for c in clients]
            for view in views:
                await view.get(path)
            fake.expire_tokens()  # revoked: every replica's copy is refused from now on
            for view in views:
                assert (await view.get(path))["number"] == 5
        finally:
            await _close(stores)
    statuses = [c.status for c in fake.calls if c.path == path]
    assert statuses.count(401) == 2  # each replica's stale copy, once
    assert _token_requests(fake) == 2  # the first token, and one renewal shared by both
