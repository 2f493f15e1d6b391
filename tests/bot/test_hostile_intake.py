"""Intake under hostile input: odd header bytes, mistyped signed fields, bodies that are huge,
many, or never finish. Every answer is a 4xx/503 with a reason, never a 500 or a traceback.

Raw sockets send what aiohttp's client refuses to (non-ASCII headers, half a body).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest

from bot import limits
from bot.app import create_app
from bot.body import BodyBudget
from bot.queue import Job
from bot.queue.memory import MemoryQueue
from tests.bot.conftest import Bot, bot_settings, headers_for, payload, pr_event
from tests.bot.diffs import new_file, python_module

# Short enough to keep the tests quick; every wait below is a generous multiple of it.
SHORT_TIMEOUT = 0.5
GENEROUS = SHORT_TIMEOUT * 20


def _request_head(headers: dict[str, str], length: int, signature: bytes | None = None,
                  close: bool = False) -> bytes:
    lines = [b"POST /webhook HTTP/1.1", b"Host: localhost", f"Content-Length: {length}".encode()]
    if close:
        lines.append(b"Connection: close")
    for name, value in headers.items():
        if name == "X-Hub-Signature-256" and signature is not None:
            lines.append(b"X-Hub-Signature-256: " + signature)
        else:
            lines.append(f"{name}: {value}".encode())
    return b"\r\n".join(lines) + b"\r\n\r\n"


async def _open(bot: Bot) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    server = bot.client.server
    return await asyncio.open_connection(server.host, server.port)


def _shorten(bot: Bot, budget_bytes: int | None = None) -> None:
    intake = bot.state.intake
    budget = BodyBudget(budget_bytes) if budget_bytes else intake.budget
    bot.state.intake = dataclasses.replace(intake, body_timeout=SHORT_TIMEOUT, budget=budget)


def _tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_non_ascii_signature_is_401_with_a_reason_and_no_traceback(
        bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    raw = json.dumps(payload("ping")).encode()
    head = _request_head(headers_for("ping", raw), len(raw),
                         signature=b"sha256=" + b"\xff" * 64, close=True)
    reader, writer = await _open(bot)
    with caplog.at_level(logging.INFO):
        writer.write(head + raw)
        await writer.drain()
        response = await asyncio.wait_for(reader.read(), GENEROUS)
    writer.close()
    status_line, _, rest = response.partition(b"\r\n")
    assert status_line.split()[1] == b"401"
    assert b"X-Hub-Signature-256" in rest
    assert _tracebacks(caplog) == []


async def test_a_malformed_signature_is_refused_before_the_body_is_read(bot: Bot) -> None:
    head = _request_head(headers_for("ping", b""), 20 * 1024 * 1024, signature=b"sha256=zz")
    reader, writer = await _open(bot)
    writer.write(head)  # and not one byte of the promised 20 MB
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), GENEROUS)
    writer.close()
    assert status_line.split()[1] == b"401"


@pytest.mark.parametrize("action", [["opened"], {"opened": True}])
async def test_signed_action_that_is_not_a_string_is_400_and_a_redelivery_runs(
        bot: Bot, caplog: pytest.LogCaptureFixture, action: object) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 7, diff=new_file("billing/total.py", python_module("total")))
    event = pr_event(fake, "opened", 7)
    with caplog.at_level(logging.INFO):
        bad = await bot.deliver("pull_request", {**event, "action": action}, delivery="d-7")
    assert bad.status == 400
    assert "action" in bad.json_body["reason"]
    assert _tracebacks(caplog) == []
    again = await bot.deliver("pull_request", event, delivery="d-7")
    assert again.status == 202, again.json_body
    await bot.idle()
    assert fake.check_runs(fake.repo)[-1]["status"] == "completed"


async def test_a_half_sent_body_is_dropped_after_the_read_timeout(bot: Bot) -> None:
    _shorten(bot)
    raw = json.dumps(payload("ping")).encode()
    reader, writer = await _open(bot)
    writer.write(_request_head(headers_for("ping", raw), len(raw)) + raw[:len(raw) // 2])
    await writer.drain()
    response = await asyncio.wait_for(reader.read(), GENEROUS)  # b"" only once closed
    writer.close()
    assert response.split(b"\r\n")[0].split()[1] == b"408"
    assert reader.at_eof()


async def test_bodies_beyond_the_budget_are_refused_while_a_small_one_passes(bot: Bot) -> None:
    """Two stalled 400 KB bodies hold 800 KB of a 1 MB budget; a third is refused with 503
    instead of being read, while a signed delivery of GitHub's usual size still fits."""
    _shorten(bot, budget_bytes=1024 * 1024)
    # The stalled bodies may wait far longer than the third one does for room.
    patient = dataclasses.replace(bot.state.intake, body_timeout=GENEROUS)
    short, bot.state.intake = bot.state.intake, patient
    stalled = []
    for n in range(2):
        reader, writer = await _open(bot)
        writer.write(_request_head(headers_for("ping", b"", delivery=f"s-{n}"), 400 * 1024)
                     + b"{")
        await writer.drain()
        stalled.append((reader, writer))
    budget = bot.state.intake.budget
    while budget.reserved < 800 * 1024:
        await asyncio.sleep(0.01)
    bot.state.intake = short
    third_reader, third_writer = await _open(bot)
    third_writer.write(_request_head(headers_for("ping", b"", delivery="s-3"), 400 * 1024))
    await third_writer.drain()
    ping = await bot.deliver("ping", payload("ping"))
    assert ping.status == 200
    third = await asyncio.wait_for(third_reader.readline(), GENEROUS)
    assert third.split()[1] == b"503"
    assert budget.reserved == 800 * 1024
    for _, writer in [*stalled, (third_reader, third_writer)]:
        writer.close()
    await asyncio.wait_for(_drained(budget), GENEROUS)


class CountingBudget(BodyBudget):
    """The budget, counting the bodies that had to reserve room in it."""

    holds = 0

    def hold(self, size: int, deadline: float) -> Any:
        self.holds += 1
        return super().hold(size, deadline)


async def test_a_body_that_arrived_whole_reserves_nothing_and_one_still_arriving_does(
        bot: Bot) -> None:
    budget = CountingBudget(limits.MAX_UNVERIFIED_BODY_BYTES)
    bot.state.intake = dataclasses.replace(bot.state.intake, budget=budget)
    raw = json.dumps(payload("ping")).encode()
    reader, writer = await _open(bot)
    writer.write(_request_head(headers_for("ping", raw, delivery="whole"), len(raw)) + raw)
    await writer.drain()
    assert (await asyncio.wait_for(reader.readline(), GENEROUS)).split()[1] == b"200"
    writer.close()
    assert budget.holds == 0
    reader, writer = await _open(bot)
    writer.write(_request_head(headers_for("ping", raw, delivery="halves"), len(raw))
                 + raw[:len(raw) // 2])
    await writer.drain()
    while not budget.reserved:  # the handler waits for the rest within the budget
        await asyncio.sleep(0.01)
    writer.write(raw[len(raw) // 2:])
    await writer.drain()
    assert (await asyncio.wait_for(reader.readline(), GENEROUS)).split()[1] == b"200"
    writer.close()
    assert budget.holds == 1
    bad = _request_head(headers_for("ping", raw, delivery="forged"), len(raw)) + raw
    reader, writer = await _open(bot)
    writer.write(bad[:-1] + b" ")  # whole, but not what was signed
    await writer.drain()
    assert (await asyncio.wait_for(reader.readline(), GENEROUS)).split()[1] == b"401"
    writer.close()


async def _drained(budget: BodyBudget) -> None:
    while budget.reserved:
        await asyncio.sleep(0.01)


class _DiskFullOnce(MemoryQueue):
    """A queue whose first write of a job fails as a durable queue's would when its disk is
    full (inside `accept`, after routing)."""

    failed = False

    def _put(self, job: Job) -> str:
        if not self.failed:
            self.failed = True
            raise OSError(28, "No space left on device")
        return super()._put(job)


async def test_a_delivery_that_fails_after_its_claim_releases_it_for_redelivery(
        fake_github: Any, aiohttp_client: Any, pool: ProcessPoolExecutor) -> None:
    app = create_app(bot_settings(fake_github), executor=pool, queue=_DiskFullOnce())
    bot = Bot(await aiohttp_client(app), fake_github)
    fake = bot.fake
    fake.add_pull(fake.repo, 8, diff=new_file("billing/total.py", python_module("total")))
    event = pr_event(fake, "opened", 8)
    failed = await bot.deliver("pull_request", event, delivery="d-8")
    assert failed.status == 500 and "redeliver" in failed.json_body["reason"]
    again = await bot.deliver("pull_request", event, delivery="d-8")
    assert again.status == 202, again.json_body
    await bot.idle()
    assert fake.check_runs(fake.repo)[-1]["status"] == "completed"


async def test_strangers_cannot_add_metric_series(bot: Bot) -> None:
    raw = json.dumps(payload("ping")).encode()
    for n in range(20):
        headers = {**headers_for(f"made_up_event_{n}", raw), "X-Hub-Signature-256": "sha256=0"}
        resp = await bot.client.post("/webhook", data=raw, headers=headers)
        assert resp.status == 401
    # A signed body replayed under an event name GitHub never sends.
    await bot.deliver("made_up_event_signed", payload("ping"))
    text = await (await bot.client.get("/metrics")).text()
    assert "made_up_event" not in text
    assert 'shipshape_deliveries_total{event="unverified",outcome="refused"} 20.0' in text
    assert 'shipshape_deliveries_total{event="other",outcome="ignored"} 1.0' in text


async def test_a_half_sent_request_head_is_dropped(
        fake_github: Any, aiohttp_client: Any, pool: ProcessPoolExecutor,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "IDLE_CONNECTION_SECONDS", SHORT_TIMEOUT)
    client = await aiohttp_client(create_app(bot_settings(fake_github), executor=pool))
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(b"POST /webhook HTTP/1.1\r\nHost: localhost\r\nX-GitHub-Event: pi")
    await writer.drain()
    assert await asyncio.wait_for(reader.read(), GENEROUS) == b""  # closed, nothing answered
    writer.close()
