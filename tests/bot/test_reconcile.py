"""The reconciler (bot/reconcile): which deliveries it asks GitHub to redeliver, the mark it
keeps between passes, its lock across replicas, and `python -m bot redeliver`.

GitHub is the fake (tests/fakegithub), which lists deliveries newest first with a `Link` cursor
and records redelivery requests; the queues and stores are real (SQLite files, Redis).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import jwt
import pytest
import redis.asyncio as aioredis

from bot.github import GitHubClient
from bot.metrics import Metrics
from bot.queue import Queue
from bot.queue.memory import MemoryQueue
from bot.queue.sqlite import SqliteQueue
from bot.reconcile import OVERLAP, Reconciler
from bot.reconcile.command import UsageError, parse_since
from bot.reconcile.store import Marks, MemoryMarks, RedisMarks, SqliteMarks
from tests.bot.conftest import SECRET
from tests.bot.test_queue import REDIS_URL
from tests.shared import ROOT


def aged(delivery: dict[str, Any], minutes: float) -> dict[str, Any]:
    """Make a fake delivery `minutes` old (GitHub's `delivered_at` format)."""
    at = datetime.now(UTC) - timedelta(minutes=minutes)
    delivery["delivered_at"] = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return delivery


def redelivered(fake: Any, guid: str, status_code: int = 202) -> dict[str, Any]:
    """What GitHub lists after redelivering `guid`: a new attempt with the same guid."""
    attempt = fake.add_delivery(guid, status_code=status_code)
    attempt["redelivery"] = True
    return attempt


@pytest.fixture
async def client(fake_github: Any) -> AsyncIterator[GitHubClient]:
    async with aiohttp.ClientSession() as session:
        yield GitHubClient(session, app_id=str(fake_github.app_id),
                           private_key=fake_github.private_key_pem, base_url=fake_github.url,
                           metrics=Metrics())


def reconciler(fake: Any, client: GitHubClient, queue: Queue, marks: Marks,
               interval: float = 600) -> Reconciler:
    return Reconciler(client, queue, marks, interval=interval)


async def test_a_pass_redelivers_only_what_failed_and_nobody_accepted(
        fake_github: Any, client: GitHubClient) -> None:
    fake = fake_github
    queue = MemoryQueue()
    # Before the window (the fake lists in the order added, newest first, as GitHub does).
    aged(fake.add_delivery("a0000000-0000-0000-0000-000000000007", status_code=502), 90)
    refused = fake.add_delivery("a0000000-0000-0000-0000-000000000001", status_code=502)
    timed_out = fake.add_delivery("a0000000-0000-0000-0000-000000000002", status_code=0)
    # GitHub gave up waiting, but we had queued it: accepted, not redelivered.
    slow = fake.add_delivery("a0000000-0000-0000-0000-000000000003", status_code=0)
    assert await queue.claim_delivery(slow["guid"])
    fake.add_delivery("a0000000-0000-0000-0000-000000000004", status_code=202)
    # Failed, then redelivered successfully: left alone.
    fake.add_delivery("a0000000-0000-0000-0000-000000000005", status_code=503)
    redelivered(fake, "a0000000-0000-0000-0000-000000000005")
    # Failed twice: redelivered once, from its newest attempt.
    fake.add_delivery("a0000000-0000-0000-0000-000000000006", status_code=500)
    twice = redelivered(fake, "a0000000-0000-0000-0000-000000000006", status_code=500)

    report = await reconciler(fake, client, queue, MemoryMarks()).run_pass(
        since=datetime.now(UTC) - timedelta(hours=1))

    assert report is not None
    assert fake.redeliveries == [refused["id"], timed_out["id"], twice["id"]]
    assert (report.listed, report.failed, report.accepted) == (8, 4, 1)
    assert [a.guid for a in report.redelivered] == [refused["guid"], timed_out["guid"],
                                                    twice["guid"]]


async def test_a_pass_follows_the_cursor_past_the_first_page(fake_github: Any,
                                                             client: GitHubClient) -> None:
    fake = fake_github
    failed = [fake.add_delivery(str(uuid.uuid4()), status_code=502) for _ in range(3)]
    for _ in range(150):
        fake.add_delivery(str(uuid.uuid4()), status_code=202)
    report = await reconciler(fake, client, MemoryQueue(), MemoryMarks()).run_pass(
        since=datetime.now(UTC) - timedelta(hours=1))
    assert report is not None and report.listed == 153
    assert fake.redeliveries == [d["id"] for d in failed]
    cursors = [call.query.get("cursor") for call in fake.calls_to("GET", "/app/hook/deliveries")]
    assert cursors == [None, "100"]


async def test_passes_sign_with_the_key_the_client_loaded_never_parsing_it_again(
        fake_github: Any, client: GitHubClient, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = fake_github
    parsed: list[int] = []
    real = jwt.algorithms.load_pem_private_key  # type: ignore[attr-defined]

    def counting(*args: Any, **kwargs: Any) -> Any:
        key = real(*args, **kwargs)  # the fake's check of a JWT tries its public key: fails
        parsed.append(1)
        return key

    # PyJWT parses PEM text here when handed key text instead of a loaded key.
    monkeypatch.setattr(jwt.algorithms, "load_pem_private_key", counting)
    first = fake.add_delivery(str(uuid.uuid4()), status_code=502)
    passes = reconciler(fake, client, MemoryQueue(), MemoryMarks())
    await passes.run_pass(since=datetime.now(UTC) - timedelta(hours=1))
    second = fake.add_delivery(str(uuid.uuid4()), status_code=502)
    await passes.run_pass(since=datetime.now(UTC) - timedelta(hours=1))
    assert fake.redeliveries == [first["id"], second["id"]]  # GitHub took the JWT
    assert parsed == []
    assert client.signer.signed == 1  # one JWT served both passes


async def test_the_mark_outlives_the_process_and_a_redelivered_event_is_not_asked_again(
        fake_github: Any, client: GitHubClient, tmp_path: Path) -> None:
    fake = fake_github
    path = tmp_path / "queue.sqlite3"
    queue = SqliteQueue(path)
    lost = fake.add_delivery("b0000000-0000-0000-0000-000000000001", status_code=502)
    first = reconciler(fake, client, queue, SqliteMarks(path))
    before = datetime.now(UTC)
    report = await first.run_pass()
    after = datetime.now(UTC)
    assert report is not None and [a.id for a in report.redelivered] == [lost["id"]]
    # GitHub's redelivery reached a replica, which claimed it.
    redelivered(fake, lost["guid"])
    assert await queue.claim_delivery(lost["guid"])
    await queue.shutdown()

    queue = SqliteQueue(path)  # a restarted process on the same file
    later = reconciler(fake, client, queue, SqliteMarks(path))
    report = await later.run_pass()
    await queue.shutdown()
    assert report is not None
    # It looked back to where the first pass started, not one interval from now.
    assert before - OVERLAP <= report.since <= after - OVERLAP
    assert report.redelivered == () and fake.redeliveries == [lost["id"]]


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    prefix = f"shipshape-test-{uuid.uuid4().hex}"
    yield prefix
    client = aioredis.Redis.from_url(REDIS_URL)
    keys = [key async for key in client.scan_iter(f"{prefix}:*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
async def test_one_pass_at_a_time_across_replicas(fake_github: Any, client: GitHubClient,
                                                  tmp_path: Path, redis_prefix: str,
                                                  kind: str) -> None:
    fake = fake_github
    fake.add_delivery("c0000000-0000-0000-0000-000000000001", status_code=502)

    def marks() -> Marks:
        if kind == "redis":
            return RedisMarks(REDIS_URL, redis_prefix)
        return SqliteMarks(tmp_path / "queue.sqlite3")

    holder, other = marks(), marks()
    assert await holder.acquire("replica-1", 60)
    try:
        busy = await reconciler(fake, client, MemoryQueue(), other).run_pass()
        assert busy is None and fake.redeliveries == []
    finally:
        await holder.release("replica-1")
    report = await reconciler(fake, client, MemoryQueue(), other).run_pass()
    assert report is not None and len(fake.redeliveries) == 1
    # An expired lock is taken over (its holder was killed mid-pass).
    assert await holder.acquire("replica-1", 0.01)
    await asyncio.sleep(0.05)
    assert await other.acquire("replica-2", 60)
    assert not await holder.acquire("replica-1", 60)
    for store in (holder, other):
        await store.close()


@pytest.mark.parametrize("text, seconds", [("30m", 1800), ("1h", 3600), ("2d", 172800),
                                           ("90s", 90), (" 3d ", 259200)])
def test_since_values(text: str, seconds: int) -> None:
    assert parse_since(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "1", "h", "1w", "-1h", "1.5h", "0m", "4d", "1h30m",
                                  "9999999d"])
def test_bad_since_values_are_refused(text: str) -> None:
    with pytest.raises(UsageError):
        parse_since(text)


def command_env(fake: Any, tmp_path: Path) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin"), "APP_ID": str(fake.app_id),
            "PRIVATE_KEY": fake.private_key_pem, "WEBHOOK_SECRET": SECRET,
            "GITHUB_API_URL": fake.url, "DATA_DIR": str(tmp_path / "data")}


@pytest.mark.parametrize("args", [["--since", "1w"], ["--since"], ["--since", "0h"],
                                  ["--until", "1h"], ["--since=soon"]])
def test_the_command_refuses_a_bad_window_in_one_line(fake_github: Any, tmp_path: Path,
                                                      args: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", "bot", "redeliver", *args], cwd=ROOT,
                          env=command_env(fake_github, tmp_path), capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("shipshape redeliver: ") and done.stdout == ""


async def test_the_command_redelivers_the_failed_deliveries_of_the_window(
        fake_github: Any, tmp_path: Path) -> None:
    fake = fake_github
    aged(fake.add_delivery("d0000000-0000-0000-0000-000000000002", status_code=502), 45)
    lost = fake.add_delivery("d0000000-0000-0000-0000-000000000001", status_code=502)
    fake.add_delivery("d0000000-0000-0000-0000-000000000003", status_code=202)
    # The fake answers on this loop: wait for the command without blocking it.
    command = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "redeliver", "--since", "30m", cwd=ROOT,
        env=command_env(fake, tmp_path), stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(command.communicate(), 60)
    assert command.returncode == 0, err.decode()
    assert fake.redeliveries == [lost["id"]]
    lines = out.decode().splitlines()
    assert lines[0].startswith(f"redelivered {lost['guid']} (pull_request.opened")
    assert "2 attempts listed, 1 events failed" in lines[-1]
    # The periodic pass's mark is not the command's to move.
    assert await SqliteMarks(tmp_path / "data" / "queue.sqlite3").last_pass() is None


async def test_a_redelivery_github_refuses_does_not_stop_the_pass(
        fake_github: Any, client: GitHubClient) -> None:
    fake = fake_github
    old = fake.add_delivery("e0000000-0000-0000-0000-000000000001", status_code=502)
    new = fake.add_delivery("e0000000-0000-0000-0000-000000000002", status_code=502)
    fake.fail_next("POST", f"/app/hook/deliveries/{old['id']}/attempts", status=422,
                   body={"message": "Validation Failed"})
    report = await reconciler(fake, client, MemoryQueue(), MemoryMarks()).run_pass(
        since=datetime.now(UTC) - timedelta(hours=1))
    assert report is not None
    assert [a.id for a in report.refused] == [old["id"]]
    assert fake.redeliveries == [new["id"]]
    assert report.summary().endswith("1 redelivered, 1 refused by GitHub")


def test_the_command_says_in_one_line_when_github_cannot_be_reached(fake_github: Any,
                                                                   tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    env = {**command_env(fake_github, tmp_path), "GITHUB_API_URL": f"http://127.0.0.1:{closed}"}
    done = subprocess.run([sys.executable, "-m", "bot", "redeliver"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith("shipshape redeliver: failed: ClientConnectorError")
    assert fake_github.private_key_pem.splitlines()[1] not in done.stderr


async def test_an_event_asked_for_is_not_asked_again_before_its_redelivery_shows(
        fake_github: Any, client: GitHubClient) -> None:
    fake = fake_github
    lost = fake.add_delivery("f0000000-0000-0000-0000-000000000001", status_code=502)
    passes = reconciler(fake, client, MemoryQueue(), MemoryMarks(), interval=1)
    assert await passes.run_pass() is not None
    # GitHub has not made the redelivery yet: the next pass still lists only the failure.
    again = await passes.run_pass()
    assert again is not None and again.redelivered == ()
    assert fake.redeliveries == [lost["id"]]



def _failed_passes(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if "pass failed" in r.getMessage()]


async def _until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(60):
        while not condition():
            await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def _looping(passes: Reconciler) -> AsyncIterator[None]:
    task = asyncio.create_task(passes.run_forever(0))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_a_pass_github_refuses_is_one_warning_line_and_the_next_pass_still_runs(
        fake_github: Any, client: GitHubClient, caplog: pytest.LogCaptureFixture) -> None:
    fake_github.fail_next("GET", "/app/hook/deliveries", status=502, times=1000)
    lost = fake_github.add_delivery("f0000000-0000-0000-0000-0000000000a1", status_code=502)
    passes = reconciler(fake_github, client, MemoryQueue(), MemoryMarks(), interval=0.05)
    with caplog.at_level(logging.INFO, logger="shipshape"):
        async with _looping(passes):
            await _until(lambda: len(_failed_passes(caplog)) >= 2)
            fake_github.clear_failures()  # GitHub is back: the same loop carries on
            await _until(lambda: fake_github.redeliveries == [lost["id"]])
    failed = _failed_passes(caplog)
    assert {(r.levelno, r.exc_info) for r in failed} == {(logging.WARNING, None)}
    assert {r.fields["error"] for r in failed} == {"GitHubBroken"}  # type: ignore[attr-defined]


async def test_a_pass_that_fails_on_a_bug_logs_its_traceback(
        fake_github: Any, client: GitHubClient, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    passes = reconciler(fake_github, client, MemoryQueue(), MemoryMarks(), interval=0.05)

    async def broken(*args: Any, **kwargs: Any) -> None:
        raise KeyError("cursor")

    monkeypatch.setattr(passes, "run_pass", broken)
    with caplog.at_level(logging.INFO, logger="shipshape"):
        async with _looping(passes):
            await _until(lambda: len(_failed_passes(caplog)) >= 1)
    first = _failed_passes(caplog)[0]
    assert first.levelno == logging.ERROR and first.exc_info is not None
