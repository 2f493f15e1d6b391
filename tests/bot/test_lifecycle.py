"""Start-up and shutdown, logs, and reviews running off the event loop."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
from typing import Any

import pytest

import bot.app
from bot.app import STATE, create_app
from bot.logs import JsonFormatter
from bot.queue import Job
from bot.queue.memory import MemoryQueue
from bot.review import REVIEW_NICENESS
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
    assert stopped and stopped[0].fields["requeued"][0]["pr"] == 4
    assert stopped[0].fields["waiting"][0]["head"] == head


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


# A team's story pattern with nested quantifiers: on a title of many a's followed by something
# else, Python's re backtracks exponentially, so the review keeps its process busy for as long
# as a test needs (until the review timeout or a kill ends it).
BACKTRACKING_CONFIG = 'story:\n  patterns: ["(a+)+$"]\n'
BACKTRACKING_TITLE = "a" * 40 + "!"


async def test_a_long_review_does_not_delay_acknowledgements(fake_github: Any,
                                                             aiohttp_client: Any) -> None:
    fake = fake_github
    review_seconds = 3  # the backtracking review holds its process until this time-out
    app = create_app(bot_settings(fake, REVIEW_PROCESSES="1", REVIEW_TIMEOUT=str(review_seconds)))
    bot_ = Bot(await aiohttp_client(app), fake)
    fake.set_file_content(fake.repo, ".github/shipshape.yml", BACKTRACKING_CONFIG, ref="main")
    fake.add_pull(fake.repo, 6, title=BACKTRACKING_TITLE, diff=modules(40, lines=300),
                  commits=["Add billing"])
    head = fake.pull(fake.repo, 6).head_sha
    await bot_.deliver("pull_request", pr_event(fake, "opened", 6))
    await asyncio.wait_for(_started(fake, head), 10)
    answered_during_review = 0
    ping = {"zen": "Keep it logically awesome.", "hook_id": 1}
    while fake.check_runs(fake.repo, head)[0]["status"] != "completed":
        resp = await bot_.deliver("ping", ping)
        assert resp.status == 200
        # Counted only when the review is still running after the answer came back: an
        # acknowledgement that waited for the review could not be.
        if fake.check_runs(fake.repo, head)[0]["status"] != "completed":
            answered_during_review += 1
        await asyncio.sleep(0.02)
    await bot_.idle()
    # The review holds its process for seconds; acknowledgements that waited for it would come
    # back one or two in all, never dozens, whatever the machine's speed.
    assert answered_during_review >= 20


async def test_a_crashed_review_process_fails_one_job_not_the_server(
        fake_github: Any, aiohttp_client: Any) -> None:
    fake = fake_github
    app = create_app(bot_settings(fake, REVIEW_PROCESSES="1"))  # the app's own pool
    bot_ = Bot(await aiohttp_client(app), fake)
    fake.set_file_content(fake.repo, ".github/shipshape.yml", BACKTRACKING_CONFIG, ref="main")
    fake.add_pull(fake.repo, 7, title=BACKTRACKING_TITLE, diff=modules(1),
                  commits=["Add billing"])
    head = fake.pull(fake.repo, 7).head_sha
    await bot_.deliver("pull_request", pr_event(fake, "opened", 7))
    await asyncio.wait_for(_started(fake, head), 10)
    pool = app[STATE].services.executor
    while not pool._pending_work_items:  # the review has reached the pool
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.3)
    for process in list(pool._processes.values()):
        os.kill(process.pid, signal.SIGKILL)  # what the kernel's OOM killer does
    await bot_.idle()
    [crashed] = fake.check_runs(fake.repo, head)
    assert crashed["conclusion"] == "neutral"
    assert "did not finish" in crashed["output"]["title"]
    fake.set_file_content(fake.repo, ".github/shipshape.yml", "story: false\n", ref="main")
    fake.add_pull(fake.repo, 8, title="Totals", diff=modules(1), commits=["Add totals"])
    await bot_.deliver("pull_request", pr_event(fake, "opened", 8))
    await bot_.idle()
    [after] = fake.check_runs(fake.repo, fake.pull(fake.repo, 8).head_sha)
    assert after["conclusion"] == "failure"


async def test_the_review_processes_start_before_the_first_job(fake_github: Any,
                                                                aiohttp_client: Any) -> None:
    """Started lazily, the pool's first `submit` would start the forkserver and import the
    engine on the event loop, holding up acknowledgements while the first review starts."""
    app = create_app(bot_settings(fake_github, REVIEW_PROCESSES="2"))  # the app's own pool
    await aiohttp_client(app)
    pool = app[STATE].services.executor
    assert len(pool._processes) == 2  # before any delivery
    assert all(process.is_alive() for process in pool._processes.values())
    # Reviews yield the CPU to the process that acknowledges deliveries.
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    assert [os.getpriority(os.PRIO_PROCESS, pid) for pid in pool._processes] == [
        min(ours + REVIEW_NICENESS, 19)] * 2


async def test_a_pool_whose_idle_process_died_is_replaced(fake_github: Any,
                                                          aiohttp_client: Any) -> None:
    fake = fake_github
    app = create_app(bot_settings(fake, REVIEW_PROCESSES="1"))
    bot_ = Bot(await aiohttp_client(app), fake)
    pool = app[STATE].services.executor
    for process in list(pool._processes.values()):
        os.kill(process.pid, signal.SIGKILL)  # the OOM killer, between two reviews
    while not pool._broken:
        await asyncio.sleep(0.01)
    for number in (11, 12):
        fake.add_pull(fake.repo, number, title="Totals", diff=modules(1), commits=["Add totals"])
        await bot_.deliver("pull_request", pr_event(fake, "opened", number))
        await bot_.idle()
    [first] = fake.check_runs(fake.repo, fake.pull(fake.repo, 11).head_sha)
    assert first["conclusion"] == "neutral"  # its review had no process to run in
    [second] = fake.check_runs(fake.repo, fake.pull(fake.repo, 12).head_sha)
    assert second["conclusion"] == "failure"  # a fresh pool reviewed it


def test_a_failure_is_logged_on_one_line_with_its_traceback() -> None:
    try:
        {"pull_request": {}}["installation"]
    except KeyError:
        record = logging.LogRecord("shipshape.worker", logging.ERROR, __file__, 1, "job failed",
                                   (), sys.exc_info())
    record.fields = {"delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958"}
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["error"] == "KeyError: 'installation'"
    assert "Traceback" in entry["traceback"]
    assert entry["delivery"] == "72d3162e-cc78-11e3-81ab-4c9367dc0958"


async def test_a_review_that_never_ends_is_stopped(fake_github: Any,
                                                   aiohttp_client: Any) -> None:
    fake = fake_github
    app = create_app(bot_settings(fake, REVIEW_PROCESSES="1", REVIEW_TIMEOUT="2"))
    bot_ = Bot(await aiohttp_client(app), fake)
    fake.set_file_content(fake.repo, ".github/shipshape.yml", BACKTRACKING_CONFIG, ref="main")
    fake.add_pull(fake.repo, 9, title=BACKTRACKING_TITLE, diff=modules(1),
                  commits=["Add totals"])
    await bot_.deliver("pull_request", pr_event(fake, "opened", 9))
    await bot_.idle(timeout=30)  # the review alone would run for hours: only the time-out ends it
    [run] = fake.check_runs(fake.repo)
    assert run["conclusion"] == "neutral"
    assert "took too long" in run["output"]["title"]
    fake.set_file_content(fake.repo, ".github/shipshape.yml", "story: false\n", ref="main")
    fake.add_pull(fake.repo, 10, title="Totals", diff=modules(1), commits=["Add totals"])
    await bot_.deliver("pull_request", pr_event(fake, "opened", 10))
    await bot_.idle(timeout=30)
    [after] = fake.check_runs(fake.repo, fake.pull(fake.repo, 10).head_sha)
    assert after["conclusion"] == "failure"  # a fresh pool reviews the next PR


class FlakyQueue(MemoryQueue):
    """The in-memory queue behind a backend that fails once when releasing a PR (as Redis can
    when its connection drops)."""

    def __init__(self) -> None:
        super().__init__()
        self.failures = 1

    async def done(self, job: Job) -> None:
        await super().done(job)
        if self.failures:
            self.failures -= 1
            raise ConnectionError("queue backend connection lost")


async def test_a_failure_around_a_job_never_ends_the_worker_loop(
        fake_github: Any, aiohttp_client: Any, pool: Any) -> None:
    fake = fake_github
    app = create_app(bot_settings(fake, WORKERS="1"), executor=pool, queue=FlakyQueue())
    bot_ = Bot(await aiohttp_client(app), fake)
    for number in (11, 12):
        fake.add_pull(fake.repo, number, title="Totals", diff=modules(1),
                      commits=["Add totals"])
        await bot_.deliver("pull_request", pr_event(fake, "opened", number))
        await bot_.idle(timeout=10)  # the one worker is still there for the second PR
        [run] = fake.check_runs(fake.repo, fake.pull(fake.repo, number).head_sha)
        assert run["status"] == "completed"
