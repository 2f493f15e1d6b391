"""Start-up and shutdown, logs, and reviews running off the event loop."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import pytest

import bot.app
from bot.app import STATE, create_app
from bot.logs import JsonFormatter
from tests.bot.conftest import SECRET, Bot, bot_settings, pr_event
from tests.bot.diffs import new_file, python_module


def modules(count: int, lines: int = 7) -> str:
    body = python_module("total") + [f"RATE_{i} = {i}" for i in range(lines)]
    return "".join(new_file(f"billing/mod_{i:03d}.py", body) for i in range(count))


async def _started(fake: Any, head: str) -> None:
    while not fake.check_runs(fake.repo, head):
        await asyncio.sleep(0.01)


async def test_shutdown_lets_a_running_job_finish(fake_github: Any, aiohttp_client: Any,
                                                  pool: Any) -> None:
    fake = fake_github
    client = await aiohttp_client(create_app(bot_settings(fake), executor=pool))
    fake.add_pull(fake.repo, 3, title="Totals", diff=modules(1), commits=["Add totals"])
    head = fake.pull(fake.repo, 3).head_sha
    fake.delay = 0.1
    bot_ = Bot(client, fake)
    await bot_.deliver("pull_request", pr_event(fake, "opened", 3))
    await asyncio.wait_for(_started(fake, head), 10)
    await client.close()  # runs the app's cleanup: workers stop after finishing
    [run] = fake.check_runs(fake.repo, head)
    assert run["status"] == "completed" and run["conclusion"] == "failure"
    assert len(fake.comments(fake.repo, 3)) == 1


async def test_shutdown_requeues_a_job_that_outlives_the_grace_period(
        fake_github: Any, aiohttp_client: Any, pool: Any, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(bot.app, "SHUTDOWN_GRACE_SECONDS", 0.05)
    fake = fake_github
    app = create_app(bot_settings(fake), executor=pool)
    client = await aiohttp_client(app)
    fake.add_pull(fake.repo, 4, title="Totals", diff=modules(1), commits=["Add totals"])
    head = fake.pull(fake.repo, 4).head_sha
    fake.delay = 0.3
    await Bot(client, fake).deliver("pull_request", pr_event(fake, "opened", 4))
    await asyncio.wait_for(_started(fake, head), 10)
    with caplog.at_level(logging.INFO, logger="shipshape"):
        await client.close()
    [job] = app[STATE].queue.pending()
    assert (job.number, job.head_sha) == (4, head)
    [run] = fake.check_runs(fake.repo, head)
    assert run["status"] == "completed" and run["conclusion"] == "neutral"
    stopped = [r for r in caplog.records if r.getMessage() == "stopped"]
    assert stopped and stopped[0].fields["requeued"][0]["number"] == 4


async def test_one_json_log_line_per_delivery_and_per_job_without_secrets(
        bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 5, title="Totals", diff=modules(1), commits=["Add totals"])
    with caplog.at_level(logging.INFO, logger="shipshape"):
        resp = await bot.deliver("pull_request", pr_event(fake, "opened", 5),
                                 delivery="f3ad1a60-0c1f-11ef-9a5c")
        await bot.idle()
    assert resp.status == 202
    lines = [JsonFormatter().format(r) for r in caplog.records]
    entries = [json.loads(line) for line in lines]
    [delivery] = [e for e in entries if e["msg"] == "delivery"]
    [job] = [e for e in entries if e["msg"] == "job"]
    assert delivery["delivery"] == job["delivery"] == "f3ad1a60-0c1f-11ef-9a5c"
    assert delivery["status"] == 202 and delivery["event"] == "pull_request.opened"
    assert (job["repo"], job["pr"], job["outcome"]) == (fake.repo, 5, "failure")
    assert job["head"] == fake.pull(fake.repo, 5).head_sha
    assert job["duration_ms"] > 0
    text = "\n".join(lines)
    assert SECRET not in text
    assert "PRIVATE KEY" not in text
    tokens = list(fake.state.tokens)
    assert tokens and all(token not in text for token in tokens)
    assert all("\n" not in line for line in lines)


async def test_a_big_review_does_not_delay_acknowledgements(bot: Bot) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 6, title="Billing", diff=modules(250, lines=300),
                  commits=["Add billing"])
    head = fake.pull(fake.repo, 6).head_sha
    await bot.deliver("pull_request", pr_event(fake, "opened", 6))
    await asyncio.wait_for(_started(fake, head), 10)
    latencies = []
    ping = {"zen": "Keep it logically awesome.", "hook_id": 1}
    while fake.check_runs(fake.repo, head)[0]["status"] != "completed":
        started = time.perf_counter()
        resp = await bot.deliver("ping", ping)
        latencies.append(time.perf_counter() - started)
        assert resp.status == 200
        await asyncio.sleep(0.02)
    await bot.idle()
    assert len(latencies) >= 5  # the review took a while...
    assert max(latencies) < 0.15  # ...and no acknowledgement waited for it
