"""Drive the real bot server (aiohttp test client) against the in-process fake GitHub.

Payloads are the real webhook bodies from tests/fixtures/github/webhooks, pointed at the fake's
repository, installation and PR, and signed with a test secret.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import hmac
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app import STATE, create_app, review_pool
from bot.settings import Settings
from tests.shared import GITHUB, load_json

SECRET = "test-webhook-secret-5f0c"


def payload(name: str) -> dict[str, Any]:
    """A real webhook body from the fixtures."""
    return copy.deepcopy(load_json(GITHUB / "webhooks" / f"{name}.json"))


def sign(body: bytes, secret: str = SECRET) -> str:
    """The X-Hub-Signature-256 value GitHub would send."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def headers_for(event: str, body: bytes, delivery: str | None = None,
                secret: str = SECRET) -> dict[str, str]:
    """Delivery headers as GitHub sends them."""
    return {
        "Content-Type": "application/json",
        "User-Agent": "GitHub-Hookshot/044aadd",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "X-GitHub-Hook-ID": "292430182",
        "X-Hub-Signature-256": sign(body, secret),
    }


def pr_event(fake: Any, action: str, number: int, **changes: Any) -> dict[str, Any]:
    """The real `pull_request.<action>` body, pointed at the fake's PR `number`."""
    body = payload(f"pull_request.{action}")
    pr = fake.pull(fake.repo, number)
    body["repository"]["full_name"] = fake.repo
    body["repository"]["name"] = fake.repo.split("/")[1]
    body["repository"]["owner"]["login"] = fake.repo.split("/")[0]
    body["installation"] = {"id": fake.installation_id,
                            "node_id": body.get("installation", {}).get("node_id", "MDIz")}
    body["number"] = number
    body["pull_request"].update(
        number=number, title=pr.title, body=pr.body, draft=pr.draft, state=pr.state,
        commits=len(pr.commits), changed_files=len(pr.files),
        comments=len(fake.comments(fake.repo, number)),
        labels=[{"name": name} for name in fake.labels(fake.repo, number)])
    body["pull_request"]["head"]["sha"] = pr.head_sha
    if pr.updated_at:
        body["pull_request"]["updated_at"] = pr.updated_at
    body["pull_request"]["head"]["ref"] = pr.head_ref
    body["pull_request"]["base"]["ref"] = pr.base_ref
    body.update(changes)
    return body


@dataclass
class Bot:
    """The running server under test and ways to talk to it."""

    client: TestClient
    fake: Any

    @property
    def state(self) -> Any:
        """The app's shared state (queue, workers, metrics)."""
        return self.client.server.app[STATE]

    async def deliver(self, event: str, body: dict[str, Any] | bytes,
                      delivery: str | None = None, secret: str = SECRET) -> Any:
        """POST a signed delivery; return the response (its JSON read)."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        resp = await self.client.post("/webhook", data=raw,
                                      headers=headers_for(event, raw, delivery, secret))
        resp.json_body = await resp.json()
        return resp

    async def idle(self, timeout: float = 20.0) -> None:
        """Wait until the queue is empty and no job runs."""
        async def settled() -> None:
            while self.state.queue.depth() or self.state.workers.running:
                await asyncio.sleep(0.01)
        await asyncio.sleep(0)
        await asyncio.wait_for(settled(), timeout)


@pytest.fixture(scope="session")
def pool() -> Iterator[ProcessPoolExecutor]:
    """One review process pool for the session (the production executor kind)."""
    executor = review_pool(2)
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)


def bot_settings(fake: Any, **env: str) -> Settings:
    """Settings as the environment would give them, pointed at the fake."""
    return Settings.from_env({
        "APP_ID": str(fake.app_id), "PRIVATE_KEY": fake.private_key_pem,
        "WEBHOOK_SECRET": SECRET, "GITHUB_API_URL": fake.url, "WORKERS": "4",
        "QUEUE_URL": "memory://", **env,
    })


@pytest.fixture
async def bot(fake_github: Any, aiohttp_client: Any, pool: ProcessPoolExecutor
              ) -> AsyncIterator[Bot]:
    """The bot server on a test client, talking to the fake GitHub, reviews in the pool."""
    app = create_app(bot_settings(fake_github), executor=pool)
    client = await aiohttp_client(app)
    yield Bot(client, fake_github)
