"""The in-memory queue keeps the invariants workers rely on (bot/queue/__init__.py)."""

from __future__ import annotations

import asyncio
import json

import pytest

from bot.queue import QUEUED, REPLACED, STALE, Job, QueueClosed
from bot.queue.memory import MemoryQueue


def job(number: int = 1, head: str = "a" * 40, delivery: str = "d1", **kw: object) -> Job:
    return Job(installation_id=9, repo="octo-org/app", number=number, head_sha=head,
               delivery_id=delivery, event="pull_request.synchronize", **kw)


def test_jobs_are_plain_serialisable_data() -> None:
    original = job(rerun=True, updated_at="2026-01-01T00:00:00Z")
    assert Job.from_dict(json.loads(json.dumps(original.to_dict()))) == original


async def test_newer_head_replaces_the_waiting_job() -> None:
    queue = MemoryQueue()
    assert await queue.put(job(head="a" * 40)) == QUEUED
    assert await queue.put(job(head="b" * 40, delivery="d2")) == REPLACED
    assert queue.depth() == 1
    assert (await queue.get()).head_sha == "b" * 40


async def test_older_head_arriving_late_is_refused() -> None:
    queue = MemoryQueue()
    await queue.put(job(head="a" * 40, updated_at="2026-01-01T10:00:00Z"))
    await queue.put(job(head="b" * 40, delivery="d2", updated_at="2026-01-01T10:05:00Z"))
    late = job(head="a" * 40, delivery="d3", updated_at="2026-01-01T10:00:00Z")
    assert await queue.put(late) == STALE
    assert not await queue.is_current(late)


async def test_force_push_back_to_an_earlier_head_is_newer_by_updated_at() -> None:
    queue = MemoryQueue()
    await queue.put(job(head="a" * 40, updated_at="2026-01-01T10:00:00Z"))
    await queue.put(job(head="b" * 40, delivery="d2", updated_at="2026-01-01T10:05:00Z"))
    back = job(head="a" * 40, delivery="d3", updated_at="2026-01-01T10:09:00Z")
    assert await queue.put(back) == REPLACED
    assert await queue.is_current(back)


async def test_one_pr_never_runs_twice_at_once() -> None:
    queue = MemoryQueue()
    first = job(head="a" * 40)
    await queue.put(first)
    other_pr = job(number=2, delivery="d9")
    taken = await queue.get()
    await queue.put(job(head="b" * 40, delivery="d2"))
    await queue.put(other_pr)
    # PR 1 is busy, so the next job handed out is PR 2's even though PR 1's came first.
    assert await asyncio.wait_for(queue.get(), 1) == other_pr
    waiter = asyncio.create_task(queue.get())
    await asyncio.sleep(0.01)
    assert not waiter.done()
    await queue.done(taken)
    assert (await asyncio.wait_for(waiter, 1)).head_sha == "b" * 40


async def test_running_job_learns_it_is_stale() -> None:
    queue = MemoryQueue()
    await queue.put(job(head="a" * 40))
    running = await queue.get()
    assert await queue.is_current(running)
    await queue.put(job(head="b" * 40, delivery="d2"))
    assert not await queue.is_current(running)


async def test_delivery_ids_are_claimed_once() -> None:
    queue = MemoryQueue()
    assert await queue.claim_delivery("72d3162e-cc78-11e3-81ab-4c9367dc0958")
    assert not await queue.claim_delivery("72d3162e-cc78-11e3-81ab-4c9367dc0958")
    await queue.release_delivery("72d3162e-cc78-11e3-81ab-4c9367dc0958")
    assert await queue.claim_delivery("72d3162e-cc78-11e3-81ab-4c9367dc0958")


async def test_requeue_puts_an_unfinished_job_first_unless_replaced() -> None:
    queue = MemoryQueue()
    await queue.put(job(number=1))
    await queue.put(job(number=2, delivery="d2"))
    first = await queue.get()
    await queue.requeue(first)
    assert [j.number for j in queue.pending()] == [1, 2]
    taken = await queue.get()
    await queue.put(job(number=1, head="c" * 40, delivery="d3"))
    await queue.requeue(taken)
    assert [j.head_sha for j in queue.pending() if j.number == 1] == ["c" * 40]


async def test_close_wakes_waiting_workers() -> None:
    queue = MemoryQueue()
    waiter = asyncio.create_task(queue.get())
    await asyncio.sleep(0.01)
    await queue.close()
    with pytest.raises(QueueClosed):
        await asyncio.wait_for(waiter, 1)


def command_job(comment_id: int, delivery: str) -> Job:
    return Job(installation_id=9, repo="octo-org/app", number=1, head_sha="",
               delivery_id=delivery, event="issue_comment.created", kind="command",
               command={"id": comment_id, "body": "/shipshape recheck", "author": "alice",
                        "association": "MEMBER", "deleted": False})


async def test_commands_and_reviews_of_one_pr_never_replace_each_other() -> None:
    queue = MemoryQueue()
    assert await queue.put(job(head="a" * 40)) == QUEUED
    assert await queue.put(command_job(101, "c1")) == QUEUED
    assert await queue.put(command_job(102, "c2")) == QUEUED
    assert await queue.put(job(head="b" * 40, delivery="d2")) == REPLACED
    assert queue.depth() == 3
    # A command does not know the head: it does not make the newest head look stale.
    assert await queue.is_current(job(head="b" * 40))
    # Still one job per PR at a time, in arrival order of the slots.
    first = await queue.get()
    assert first.kind == "review" and first.head_sha == "b" * 40
    assert queue._next_ready() is None  # the PR is busy
    await queue.done(first)
    kinds = []
    for _ in range(2):
        taken = await queue.get()
        kinds.append((taken.kind, (taken.command or {}).get("id")))
        await queue.done(taken)
    assert kinds == [("command", 101), ("command", 102)]
    assert queue.depth() == 0
