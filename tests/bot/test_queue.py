"""One contract for every queue backend (bot/queue/__init__.py): memory, SQLite and Redis.

The Redis tests use a real Redis: SHIPSHAPE_TEST_REDIS_URL (.ci/run starts one when none answers)
or 127.0.0.1:6379. They fail, never skip, when it does not answer. Each test has its own key
prefix and deletes its keys afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis

from bot.app import create_app
from bot.queue import DELIVERY_TTL_SECONDS, QUEUED, REPLACED, STALE, Job, Queue, QueueClosed
from bot.queue import sqlite as sqlite_queue
from bot.queue.memory import MemoryQueue
from bot.queue.redis import RedisQueue
from bot.queue.sqlite import CHECKPOINT_EVERY, HEADS_TTL_SECONDS, PRUNE_EVERY, SqliteQueue
from tests.bot.conftest import bot_settings

REDIS_URL = os.environ.get("SHIPSHAPE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
# Short leases so a dead taker's job comes back within a test; polls well inside a lease.
LEASE = 0.6
POLL = 0.05

Factory = Callable[..., Queue]


def job(number: int = 1, head: str = "a" * 40, delivery: str = "d1", **kw: object) -> Job:
    return Job(installation_id=9, repo="octo-org/app", number=number, head_sha=head,
               delivery_id=delivery, event="pull_request.synchronize", **kw)


@contextlib.asynccontextmanager
async def store(kind: str, tmp_path: Path) -> AsyncIterator[Factory]:
    """A maker of queue objects that share one store (one file, one Redis prefix)."""
    made: list[Queue] = []
    prefix = f"shipshape-test:{uuid.uuid4().hex}"
    memory = MemoryQueue()

    def make(**kw: object) -> Queue:
        lease = float(kw.pop("lease_seconds", LEASE))  # type: ignore[arg-type]
        queue: Queue
        if kind == "memory":
            queue = memory  # one process's memory: a "second" object is the same queue
        elif kind == "sqlite":
            queue = SqliteQueue(tmp_path / "queue.sqlite3", lease_seconds=lease,
                                poll_seconds=POLL, **kw)  # type: ignore[arg-type]
        else:
            queue = RedisQueue(REDIS_URL, prefix=prefix, lease_seconds=lease,
                               poll_seconds=POLL, **kw)  # type: ignore[arg-type]
        made.append(queue)
        return queue

    if kind == "redis":
        probe = aioredis.Redis.from_url(REDIS_URL)
        try:
            await probe.ping()  # no Redis is a failure: CI starts one (.ci/run)
        finally:
            await probe.aclose()
    try:
        yield make
    finally:
        for queue in made:
            await queue.close()
            await queue.shutdown()
        if kind == "redis":
            client = aioredis.Redis.from_url(REDIS_URL)
            keys = [key async for key in client.scan_iter(f"{prefix}:*")]
            if keys:
                await client.delete(*keys)
            await client.aclose()


@pytest.fixture(params=["memory", "sqlite", "redis"])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Factory]:
    """Every backend: the invariants the worker relies on."""
    async with store(request.param, tmp_path) as make:
        yield make


@pytest.fixture(params=["sqlite", "redis"])
async def durable(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Factory]:
    """The durable backends: what outlives a process (the memory queue does not, by design)."""
    async with store(request.param, tmp_path) as make:
        yield make


def die(queue: Queue) -> None:
    """What kill -9 does to a taker: its leases stop being renewed, nothing is released."""
    renewer = queue._renewer  # type: ignore[attr-defined]
    if renewer is not None:
        renewer.cancel()
    queue._held.clear()  # type: ignore[attr-defined]


def test_jobs_are_plain_serialisable_data() -> None:
    original = job(rerun=True, updated_at="2026-01-01T00:00:00Z")
    assert Job.from_dict(json.loads(json.dumps(original.to_dict()))) == original
    commanded = job(audits=("opened@2026-01-01T00:00:00Z",), command={"id": 7, "body": "x"},
                    pull={"number": 1, "labels": [{"name": "bug"}]})
    assert json.loads(commanded.to_json()) == json.loads(json.dumps(commanded.to_dict()))
    assert Job.from_json(commanded.to_json()).to_dict() == commanded.to_dict()


async def test_newer_head_replaces_the_waiting_job(backend: Factory) -> None:
    queue = backend()
    assert await queue.put(job(head="a" * 40)) == QUEUED
    assert await queue.put(job(head="b" * 40, delivery="d2")) == REPLACED
    assert queue.depth() == 1
    assert (await queue.get()).head_sha == "b" * 40


async def test_older_head_arriving_late_is_refused(backend: Factory) -> None:
    queue = backend()
    await queue.put(job(head="a" * 40, updated_at="2026-01-01T10:00:00Z"))
    await queue.put(job(head="b" * 40, delivery="d2", updated_at="2026-01-01T10:05:00Z"))
    late = job(head="a" * 40, delivery="d3", updated_at="2026-01-01T10:00:00Z")
    assert await queue.put(late) == STALE
    assert not await queue.is_current(late)


async def test_a_head_never_seen_whose_push_came_before_the_newest_is_refused(
        backend: Factory) -> None:
    # A push whose delivery failed while the App was down comes back (GitHub's redelivery, the
    # reconciler) after a later push's: it must not take the newest head's waiting job away.
    queue = backend()
    await queue.put(job(head="b" * 40, updated_at="2026-01-01T10:05:00Z"))
    redelivered = job(head="a" * 40, delivery="d2", updated_at="2026-01-01T10:00:00Z")
    assert await queue.put(redelivered) == STALE
    assert not await queue.is_current(redelivered)
    assert (await queue.get()).head_sha == "b" * 40
    # Without updated_at (a payload that lacks it) arrival order still decides.
    unknown = job(head="c" * 40, delivery="d3")
    assert await queue.put(unknown) != STALE


async def test_force_push_back_to_an_earlier_head_is_newer_by_updated_at(
        backend: Factory) -> None:
    queue = backend()
    await queue.put(job(head="a" * 40, updated_at="2026-01-01T10:00:00Z"))
    await queue.put(job(head="b" * 40, delivery="d2", updated_at="2026-01-01T10:05:00Z"))
    back = job(head="a" * 40, delivery="d3", updated_at="2026-01-01T10:09:00Z")
    assert await queue.put(back) == REPLACED
    assert await queue.is_current(back)


async def test_a_rerun_request_is_kept_when_the_same_head_comes_again(backend: Factory) -> None:
    queue = backend()
    await queue.put(job(rerun=True, delivery="d1"))
    assert await queue.put(job(delivery="d2")) == REPLACED
    taken = await queue.get()
    assert taken.rerun and taken.delivery_id == "d1"


async def test_a_replacing_job_inherits_the_waiting_jobs_audits(backend: Factory) -> None:
    draft, ready = "draft-opened@2026-11-22T09:00:05Z", "ready-for-review@2026-11-22T09:00:40Z"
    queue = backend()
    await queue.put(job(rerun=True, audits=(draft,)))
    assert await queue.put(job(delivery="d2", audits=(ready,))) == REPLACED
    taken = await queue.get()
    assert taken.rerun and taken.audits == (draft, ready)


async def test_the_pr_a_job_carries_comes_back_as_it_went_in(backend: Factory) -> None:
    pull = {"title": "Add login", "labels": [], "requested_reviewers": [], "body": None,
            "head": {"sha": "a" * 40, "ref": "feature"}, "draft": False}
    queue = backend()
    await queue.put(job(delivery="d1"))
    await queue.put(job(delivery="d2", pull=pull))  # replaced: through the merge path too
    assert (await queue.get()).pull == pull


async def test_one_pr_never_runs_twice_at_once(backend: Factory) -> None:
    queue = backend()
    first = job(head="a" * 40)
    await queue.put(first)
    other_pr = job(number=2, delivery="d9")
    taken = await queue.get()
    await queue.put(job(head="b" * 40, delivery="d2"))
    await queue.put(other_pr)
    # PR 1 is busy, so the next job handed out is PR 2's even though PR 1's came first.
    assert await asyncio.wait_for(queue.get(), 2) == other_pr
    waiter = asyncio.create_task(queue.get())
    await asyncio.sleep(3 * POLL)
    assert not waiter.done()
    await queue.done(taken)
    assert (await asyncio.wait_for(waiter, 2)).head_sha == "b" * 40


async def test_running_job_learns_it_is_stale(backend: Factory) -> None:
    queue = backend()
    await queue.put(job(head="a" * 40))
    running = await queue.get()
    assert await queue.is_current(running)
    await queue.put(job(head="b" * 40, delivery="d2"))
    assert not await queue.is_current(running)


async def test_delivery_ids_are_claimed_once(backend: Factory) -> None:
    queue = backend()
    assert not await queue.delivery_claimed("72d3162e-cc78-11e3-81ab-4c9367dc0958")
    assert await queue.claim_delivery("72d3162e-cc78-11e3-81ab-4c9367dc0958")
    assert await queue.delivery_claimed("72d3162e-cc78-11e3-81ab-4c9367dc0958")
    assert not await queue.claim_delivery("72d3162e-cc78-11e3-81ab-4c9367dc0958")
    await queue.release_delivery("72d3162e-cc78-11e3-81ab-4c9367dc0958")
    assert not await queue.delivery_claimed("72d3162e-cc78-11e3-81ab-4c9367dc0958")
    assert await queue.claim_delivery("72d3162e-cc78-11e3-81ab-4c9367dc0958")


async def test_accept_claims_a_delivery_and_queues_its_jobs_once(backend: Factory) -> None:
    queue = backend()
    jobs = [job(number=1), job(number=2), job(number=1, head="b" * 40)]
    assert await queue.accept("d1", jobs) == [QUEUED, QUEUED, REPLACED]
    assert await queue.accept("d1", [job(number=3)]) is None  # GitHub's redelivery of d1
    assert not await queue.claim_delivery("d1")
    assert await queue.accept("d2", [job(number=1, head="a" * 40, delivery="d2")]) == [STALE]
    assert [(j.number, j.head_sha) for j in await queue.pending_jobs()] == [
        (1, "b" * 40), (2, "a" * 40)]


def _unstorable(number: int) -> Job:
    """A job a router bug filled with something JSON cannot hold (a set)."""
    return job(number=number, pull={"labels": {"bug"}})


async def test_an_accept_that_fails_leaves_its_delivery_unclaimed(durable: Factory) -> None:
    queue = durable()
    with pytest.raises(TypeError):
        await queue.accept("d1", [job(number=1), _unstorable(2)])
    assert await queue.claim_delivery("d1")  # so GitHub's redelivery runs


async def test_sqlite_accept_is_one_transaction(tmp_path: Path) -> None:
    queue = SqliteQueue(tmp_path / "queue.sqlite3")
    try:
        assert await queue.accept("d0", []) == []  # creates the file
        with pytest.raises(TypeError):
            await queue.accept("d1", [job(number=1), _unstorable(2)])
        assert await queue.pending_jobs() == []
        assert queue.depth() == 0
        assert await queue.accept("d1", [job(number=1)]) == [QUEUED]
        assert queue.depth() == 1
    finally:
        await queue.shutdown()


async def test_sqlite_log_is_checkpointed_and_reused_not_grown(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The loop's connection never checkpoints; without the thread's checkpoints the log grew
    by every page each delivery wrote, for as long as the process ran."""
    monkeypatch.setattr(sqlite_queue, "CHECKPOINT_EVERY", 50)
    queue = SqliteQueue(tmp_path / "queue.sqlite3")
    wal = tmp_path / "queue.sqlite3-wal"
    sizes = []
    try:
        for burst in range(8):
            for n in range(200):
                delivery = f"d-{burst}-{n}"
                await queue.accept(delivery, [job(number=n % 40, delivery=delivery)])
            while not queue.log_caught_up():
                await asyncio.sleep(0.01)  # a quiet moment between bursts of deliveries
            sizes.append(wal.stat().st_size)
    finally:
        await queue.shutdown()
    # Once reused, the log stops growing: the last three bursts add less than half of what
    # one burst writes (without checkpoints each adds all of it).
    assert sizes[-1] - sizes[-4] < sizes[0] / 2, sizes


async def test_requeue_puts_an_unfinished_job_first_unless_replaced(backend: Factory) -> None:
    queue = backend()
    await queue.put(job(number=1))
    await queue.put(job(number=2, delivery="d2"))
    first = await queue.get()
    await queue.requeue(first)
    assert [j.number for j in await queue.pending_jobs()] == [1, 2]
    taken = await queue.get()
    await queue.put(job(number=1, head="c" * 40, delivery="d3"))
    await queue.requeue(taken)
    assert [j.head_sha for j in await queue.pending_jobs() if j.number == 1] == ["c" * 40]


async def test_close_wakes_waiting_workers(backend: Factory) -> None:
    queue = backend()
    waiter = asyncio.create_task(queue.get())
    await asyncio.sleep(3 * POLL)
    await queue.close()
    with pytest.raises(QueueClosed):
        await asyncio.wait_for(waiter, 2)


async def test_a_new_queue_object_on_the_same_store_sees_the_waiting_jobs(
        durable: Factory) -> None:
    before = durable()
    for number in (3, 1, 2):
        await before.put(job(number=number, delivery=f"d{number}"))
    assert await before.claim_delivery("d1")
    await before.close()
    await before.shutdown()

    after = durable()  # the restarted process
    assert [j.number for j in await after.pending_jobs()] == [3, 1, 2]
    assert not await after.claim_delivery("d1")
    assert (await asyncio.wait_for(after.get(), 2)).number == 3


async def test_two_processes_never_run_one_pr_at_once(durable: Factory) -> None:
    one, two = durable(), durable()
    await one.put(job(head="a" * 40))
    taken = await asyncio.wait_for(one.get(), 2)
    await two.put(job(head="b" * 40, delivery="d2"))
    waiter = asyncio.create_task(two.get())
    await asyncio.sleep(LEASE * 1.5)  # past the lease: the live holder keeps renewing it
    assert not waiter.done()
    assert not await two.is_current(taken)
    await one.done(taken)
    assert (await asyncio.wait_for(waiter, 2)).head_sha == "b" * 40


async def test_a_dead_takers_job_is_taken_again_after_its_lease(durable: Factory) -> None:
    dead, alive = durable(), durable()
    await dead.put(job(number=1))
    await dead.put(job(number=2, delivery="d2"))
    lost = await asyncio.wait_for(dead.get(), 2)
    die(dead)
    # PR 2 first (PR 1 is leased), then PR 1 once the dead taker's lease has run out.
    assert (await asyncio.wait_for(alive.get(), 2)).number == 2
    again = await asyncio.wait_for(alive.get(), LEASE * 4)
    assert again == lost
    # The dead process's late `done` must not release the PR its successor now holds.
    await dead.done(lost)
    await alive.put(job(number=1, head="b" * 40, delivery="d3"))
    waiter = asyncio.create_task(alive.get())
    await asyncio.sleep(3 * POLL)
    assert not waiter.done()
    await alive.done(again)
    assert (await asyncio.wait_for(waiter, 2)).head_sha == "b" * 40


async def test_a_newer_head_supersedes_the_dead_takers_job(durable: Factory) -> None:
    dead, alive = durable(), durable()
    await dead.put(job(head="a" * 40))
    await asyncio.wait_for(dead.get(), 2)
    die(dead)
    await alive.put(job(head="b" * 40, delivery="d2"))
    assert (await asyncio.wait_for(alive.get(), LEASE * 4)).head_sha == "b" * 40
    assert await alive.pending_jobs() == []


async def test_a_job_whose_takers_keep_dying_becomes_a_dead_letter(durable: Factory) -> None:
    first = durable(max_attempts=2)
    await first.put(job(number=1))
    await first.put(job(number=2, delivery="d2"))
    poison = await asyncio.wait_for(first.get(), 2)
    die(first)
    second = durable(max_attempts=2)
    other = await asyncio.wait_for(second.get(), 2)
    assert other.number == 2
    await second.done(other)
    assert await asyncio.wait_for(second.get(), LEASE * 4) == poison
    die(second)
    third = durable(max_attempts=2)
    await third.put(job(number=3, delivery="d3"))
    # The poison job's second lease runs out: it is not handed out a third time.
    assert (await asyncio.wait_for(third.get(), 2)).number == 3
    waiter = asyncio.create_task(third.get())
    await asyncio.sleep(LEASE * 2)
    assert not waiter.done()
    waiter.cancel()
    dead = await third.dead_letters()
    assert [(d.job, d.attempts) for d in dead] == [(poison, 2)]
    assert "died" in dead[0].error


async def test_a_shutdown_requeue_does_not_count_as_a_death(durable: Factory) -> None:
    queue = durable(max_attempts=1)
    await queue.put(job())
    for _ in range(3):
        await queue.requeue(await asyncio.wait_for(queue.get(), 2))
    assert [j.number for j in await queue.pending_jobs()] == [1]
    assert await queue.dead_letters() == []


async def test_dead_letters_show_on_metrics(fake_github: Any, aiohttp_client: Any,
                                            tmp_path: Path) -> None:
    async with store("sqlite", tmp_path) as make:
        taker = make(max_attempts=1)
        await taker.put(job())
        await asyncio.wait_for(taker.get(), 2)
        die(taker)
        queue = make(max_attempts=1)
        waiter = asyncio.create_task(queue.get())
        await asyncio.sleep(LEASE * 2)  # the lease runs out; the job is not handed out again
        assert not waiter.done()
        waiter.cancel()
        client = await aiohttp_client(create_app(bot_settings(fake_github), queue=queue))
        text = await (await client.get("/metrics")).text()
        assert "shipshape_dead_letter_jobs 1.0" in text.splitlines()


async def test_sqlite_forgets_deliveries_after_three_days_and_quiet_prs_after_a_month(
        tmp_path: Path) -> None:
    now = [1_800_000_000.0]
    queue = SqliteQueue(tmp_path / "queue.sqlite3", poll_seconds=POLL, clock=lambda: now[0])
    try:
        assert await queue.claim_delivery("d1")
        await queue.put(job(head="a" * 40, updated_at="2026-01-01T10:00:00Z"))
        await queue.done(await asyncio.wait_for(queue.get(), 2))
        await queue.put(job(head="b" * 40, delivery="d2", updated_at="2026-01-01T10:05:00Z"))
        await queue.done(await asyncio.wait_for(queue.get(), 2))
        now[0] += DELIVERY_TTL_SECONDS - 60
        assert not await queue.claim_delivery("d1")  # GitHub may still redeliver it
        now[0] += 120
        assert await queue.claim_delivery("d1")  # GitHub redelivers for 3 days only
        old = job(head="a" * 40, delivery="d3", updated_at="2026-01-01T10:00:00Z")
        assert await queue.put(old) == STALE
        now[0] += HEADS_TTL_SECONDS
        for n in range(PRUNE_EVERY):  # pruning runs once per PRUNE_EVERY claims
            await queue.claim_delivery(f"later-{n}")
        assert await queue.put(old) == QUEUED
    finally:
        await queue.shutdown()


async def test_a_failed_job_is_kept_as_a_dead_letter_with_its_error(backend: Factory) -> None:
    queue = backend()
    await queue.put(job(number=1))
    failed = await asyncio.wait_for(queue.get(), 2)
    await queue.bury(failed, "ServerDisconnectedError")
    await queue.done(failed)
    assert [(d.job, d.error) for d in await queue.dead_letters()] == [
        (failed, "ServerDisconnectedError")]
    assert await queue.dead_letter_count() == 1
    assert await queue.pending_jobs() == []

def command_job(comment_id: int, delivery: str) -> Job:
    return Job(installation_id=9, repo="octo-org/app", number=1, head_sha="",
               delivery_id=delivery, event="issue_comment.created", kind="command",
               command={"id": comment_id, "body": "/shipshape recheck", "author": "alice",
                        "association": "MEMBER", "deleted": False})


async def test_commands_and_reviews_of_one_pr_never_replace_each_other(backend: Factory) -> None:
    queue = backend()
    assert await queue.put(job(head="a" * 40)) == QUEUED
    assert await queue.put(command_job(101, "c1")) == QUEUED
    assert await queue.put(command_job(102, "c2")) == QUEUED
    assert await queue.put(job(head="b" * 40, delivery="d2")) == REPLACED
    assert queue.depth() == 3
    # A command does not know the head: it does not make the newest head look stale.
    assert await queue.is_current(job(head="b" * 40))
    # Still one job per PR at a time, in arrival order of the slots.
    first = await asyncio.wait_for(queue.get(), 2)
    assert first.kind == "review" and first.head_sha == "b" * 40
    waiter = asyncio.create_task(queue.get())
    await asyncio.sleep(3 * POLL)
    assert not waiter.done()  # the PR is busy: its commands wait
    await queue.done(first)
    taken = await asyncio.wait_for(waiter, 2)
    kinds = [(taken.kind, (taken.command or {}).get("id"))]
    # A running command holds its PR too: a review arriving now waits for it.
    await queue.put(job(head="c" * 40, delivery="d3"))
    waiter = asyncio.create_task(queue.get())
    await asyncio.sleep(3 * POLL)
    assert not waiter.done()
    await queue.done(taken)
    for _ in range(2):
        taken = await asyncio.wait_for(waiter, 2)
        kinds.append((taken.kind, (taken.command or {}).get("id")))
        await queue.done(taken)
        waiter = asyncio.create_task(queue.get())
    waiter.cancel()
    assert kinds == [("command", 101), ("command", 102), ("review", None)]
    assert await queue.pending_jobs() == []


async def test_a_pending_command_and_review_of_one_pr_both_survive_a_restart(
        durable: Factory) -> None:
    before = durable()
    await before.put(job(head="a" * 40))
    await before.put(command_job(101, "c1"))
    await before.close()
    await before.shutdown()

    after = durable()  # the restarted process
    assert [(j.kind, j.head_sha) for j in await after.pending_jobs()] == [
        ("review", "a" * 40), ("command", "")]
    review = await asyncio.wait_for(after.get(), 2)
    await after.done(review)
    command = await asyncio.wait_for(after.get(), 2)
    assert (command.kind, (command.command or {}).get("id")) == ("command", 101)


async def test_a_dead_takers_command_returns_beside_a_waiting_review(durable: Factory) -> None:
    dead, alive = durable(), durable()
    await dead.put(command_job(101, "c1"))
    lost = await asyncio.wait_for(dead.get(), 2)
    die(dead)
    # A review waiting in the PR's own slot does not supersede the lost command.
    await alive.put(job(head="b" * 40, delivery="d2"))
    again = await asyncio.wait_for(alive.get(), LEASE * 4)
    assert again == lost
    await alive.done(again)
    assert (await asyncio.wait_for(alive.get(), 2)).head_sha == "b" * 40


async def test_a_requeued_command_keeps_its_place_beside_a_newer_review(
        backend: Factory) -> None:
    queue = backend()
    await queue.put(command_job(101, "c1"))
    taken = await asyncio.wait_for(queue.get(), 2)
    await queue.put(job(head="b" * 40, delivery="d2"))
    await queue.requeue(taken)  # a shutdown: the command is not lost to the review
    assert [(j.kind, j.head_sha) for j in await queue.pending_jobs()] == [
        ("command", ""), ("review", "b" * 40)]


async def test_a_command_job_never_becomes_the_newest_head(backend: Factory) -> None:
    queue = backend()
    await queue.put(job(head="b" * 40))
    await queue.put(command_job(101, "c1"))
    assert await queue.is_current(job(head="b" * 40))
    assert await queue.put(job(head="b" * 40, delivery="d9")) != STALE


async def test_a_sqlite_file_from_before_slots_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "queue.sqlite3"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE pending (pr_key TEXT PRIMARY KEY, seq REAL NOT NULL, "
                "data TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0)")
    old.close()
    queue = SqliteQueue(path)
    try:
        with pytest.raises(RuntimeError, match="older shipshape"):
            await queue.put(job())
    finally:
        await queue.shutdown()


async def test_sqlite_acks_wait_for_a_lock_another_process_holds_and_lose_nothing(
        tmp_path: Path) -> None:
    # The loop's own connection never waits: while another process holds the write lock, a
    # claim and a put go to the queue's thread, which waits for it, and nothing is lost.
    async with store("sqlite", tmp_path) as make:
        queue = make()
        assert await queue.claim_delivery("first")  # creates the file and its schema
        other = sqlite3.connect(tmp_path / "queue.sqlite3", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        claim = asyncio.create_task(queue.claim_delivery("second"))
        put = asyncio.create_task(queue.put(job(number=2)))
        await asyncio.sleep(0.2)
        assert not claim.done() and not put.done()  # waiting, not failed
        other.execute("COMMIT")
        other.close()
        assert await asyncio.wait_for(claim, 5) is True
        assert await asyncio.wait_for(put, 5) == QUEUED
        assert not await queue.claim_delivery("second")
        assert [j.number for j in await queue.pending_jobs()] == [2]


# --- retries: a failed job comes back no earlier than its time (bot/retry.py) ---


async def test_a_retried_job_waits_for_its_time_and_keeps_its_retry_count(
        backend: Factory) -> None:
    queue = backend()
    await queue.put(job(number=1))
    await queue.put(job(number=2, delivery="d2"))
    failed = await asyncio.wait_for(queue.get(), 2)
    again = replace(failed, retries=3, retry_since=1_800_000_000.0)
    await queue.retry_later(again, time.time() + 3600)
    await queue.done(failed)
    # PR 1's job waits for its hour; PR 2's, queued after it, is handed out first.
    assert (await asyncio.wait_for(queue.get(), 2)).number == 2
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(queue.get(), 4 * POLL)
    [waiting] = await queue.pending_jobs()
    assert (waiting.number, waiting.retries, waiting.retry_since) == (1, 3, 1_800_000_000.0)


async def test_a_retried_job_is_handed_out_once_its_time_has_come(backend: Factory) -> None:
    queue = backend()
    await queue.put(job())
    failed = await asyncio.wait_for(queue.get(), 2)
    await queue.retry_later(replace(failed, retries=1), time.time() + 2 * POLL)
    await queue.done(failed)
    taken = await asyncio.wait_for(queue.get(), 2)
    assert (taken, taken.retries) == (failed, 1)


async def test_a_newer_head_overtakes_a_waiting_retry_at_once(backend: Factory) -> None:
    queue = backend()
    await queue.put(job(head="a" * 40))
    failed = await asyncio.wait_for(queue.get(), 2)
    await queue.retry_later(replace(failed, retries=1), time.time() + 3600)
    await queue.done(failed)
    assert await queue.put(job(head="b" * 40, delivery="d2")) == REPLACED
    taken = await asyncio.wait_for(queue.get(), 2)
    assert (taken.head_sha, taken.retries) == ("b" * 40, 0)


async def test_a_retry_never_replaces_a_newer_waiting_job(backend: Factory) -> None:
    queue = backend()
    await queue.put(job(head="a" * 40))
    failed = await asyncio.wait_for(queue.get(), 2)
    await queue.put(job(head="b" * 40, delivery="d2"))  # pushed while the old head ran
    await queue.retry_later(replace(failed, retries=1), time.time())
    await queue.done(failed)
    assert [j.head_sha for j in await queue.pending_jobs()] == ["b" * 40]


async def test_a_waiting_retry_outlives_a_restart(durable: Factory) -> None:
    before = durable()
    await before.put(job())
    failed = await asyncio.wait_for(before.get(), 2)
    await before.retry_later(replace(failed, retries=2), time.time() + 3600)
    await before.done(failed)
    await before.close()
    await before.shutdown()
    after = durable()
    assert [j.retries for j in await after.pending_jobs()] == [2]
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(after.get(), 4 * POLL)


async def test_a_retry_does_not_count_as_a_death(durable: Factory) -> None:
    queue = durable(max_attempts=2)
    await queue.put(job())
    for _ in range(3):
        failed = await asyncio.wait_for(queue.get(), 2)
        await queue.retry_later(failed, time.time())
        await queue.done(failed)
    taken = await asyncio.wait_for(queue.get(), 2)
    die(queue)  # one real death after three retries: below max_attempts, handed out again
    assert (await asyncio.wait_for(durable().get(), 4 * LEASE)) == taken
    assert await queue.dead_letters() == []


async def test_an_installation_pause_holds_until_it_ends(backend: Factory) -> None:
    gate = backend().gate()  # in this process for memory and SQLite (one process each)
    await gate.pause(9, 30)
    assert 25 < await gate.paused_for(9) <= 30
    assert await gate.paused_for(10) == 0
    await gate.pause(9, 1)  # a shorter pause never cuts a longer one short
    assert await gate.paused_for(9) > 25
    await gate.pause(11, 2 * POLL)
    await asyncio.sleep(3 * POLL)
    assert await gate.paused_for(11) == 0


async def test_content_creation_is_paced_per_installation(backend: Factory) -> None:
    gate = backend().gate()
    windows = ((60.0, 3), (3600.0, 5))
    assert [await gate.reserve(9, windows) for _ in range(3)] == [0, 0, 0]
    wait = await gate.reserve(9, windows)  # a fourth within the minute
    assert 55 < wait <= 60
    assert await gate.reserve(10, windows) == 0  # another installation is not held


async def test_redis_pauses_and_pacing_are_shared_by_replicas(tmp_path: Path) -> None:
    async with store("redis", tmp_path) as make:
        one, two = make(), make()
        assert one.gate() is not two.gate()
        await one.gate().pause(9, 30)
        assert await two.gate().paused_for(9) > 25
        windows = ((3600.0, 2),)
        assert await one.gate().reserve(9, windows) == 0
        assert await two.gate().reserve(9, windows) == 0
        assert await one.gate().reserve(9, windows) > 3500


async def test_a_retry_after_the_lease_ran_out_adds_no_second_copy(durable: Factory) -> None:
    slow = durable()
    await slow.put(job())
    taken = await asyncio.wait_for(slow.get(), 2)
    die(slow)  # it hangs past its lease; another process takes the job again
    other = durable()
    assert await asyncio.wait_for(other.get(), 4 * LEASE) == taken
    await slow.retry_later(taken, time.time())  # the slow one finally fails
    assert await other.pending_jobs() == []
async def test_sqlite_after_a_checkpoint_the_queues_thread_still_commits(tmp_path: Path) -> None:
    # A checkpoint runs on the queue's thread every CHECKPOINT_EVERY commits; the thread's next
    # transaction (taken while another process holds the lock) must still commit, and every
    # later one too. Its unread row once wedged the connection: every ack answered 500.
    async with store("sqlite", tmp_path) as make:
        queue = make()
        for number in range(CHECKPOINT_EVERY + 1):  # the first creates the file on the thread
            await queue.claim_delivery(f"d{number}")

        async def caught_up() -> None:
            while not queue.log_caught_up():  # type: ignore[attr-defined]
                await asyncio.sleep(0.01)

        await asyncio.wait_for(caught_up(), 10)
        other = sqlite3.connect(tmp_path / "queue.sqlite3", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        put = asyncio.create_task(queue.put(job(number=2)))
        await asyncio.sleep(0.1)
        other.execute("COMMIT")
        other.close()
        assert await asyncio.wait_for(put, 5) == QUEUED
        assert await queue.claim_delivery("after")
        assert [j.number for j in await queue.pending_jobs()] == [2]
