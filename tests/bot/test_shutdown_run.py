"""A job a shutdown stopped completes, on its next attempt, the run the shutdown completed
neutral: one run per head, not a "did not finish" run beside the result."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

import bot.app
from bot.app import create_app
from bot.publish import check_run
from bot.queue.sqlite import SqliteQueue
from tests.bot.conftest import Bot, bot_settings, pr_event
from tests.bot.test_lifecycle import _started, modules


async def test_the_requeued_job_completes_the_run_the_shutdown_completed(
        fake_github: Any, aiohttp_client: Any, pool: Any, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    monkeypatch.setattr(bot.app, "SHUTDOWN_GRACE_SECONDS", 0.05)
    fake = fake_github
    path = tmp_path / "queue.sqlite3"
    client = await aiohttp_client(create_app(bot_settings(fake), executor=pool,
                                             queue=SqliteQueue(path)))
    fake.add_pull(fake.repo, 4, title="Totals", diff=modules(1), commits=["Add totals"])
    head = fake.pull(fake.repo, 4).head_sha
    fake.delay = 0.3
    await Bot(client, fake).deliver("pull_request", pr_event(fake, "opened", 4))
    await asyncio.wait_for(_started(fake, head), 10)
    await client.close()  # SIGTERM: the grace runs out mid-review
    [stopped] = fake.check_runs(fake.repo, head)
    assert (stopped["status"], stopped["conclusion"], stopped["output"]["title"]) == (
        "completed", "neutral", check_run.INTERRUPTED_TITLE)

    fake.delay = 0
    queue = SqliteQueue(path, poll_seconds=0.05)  # the restarted process, same data directory
    assert [j.head_sha for j in await queue.pending_jobs()] == [head]
    restarted = Bot(await aiohttp_client(create_app(bot_settings(fake), executor=pool,
                                                    queue=queue)), fake)
    await restarted.idle()
    [run] = fake.check_runs(fake.repo, head)
    assert run["id"] == stopped["id"]
    assert (run["status"], run["conclusion"]) == ("completed", "failure")
    assert run["output"]["title"] != check_run.INTERRUPTED_TITLE
    assert len(run["annotations"]) > 0
    assert len(fake.comments(fake.repo, 4)) == 1
