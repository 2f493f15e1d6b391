"""Audit events survive the queue: a replaced job hands them on; audit jobs never collide."""

from __future__ import annotations

import asyncio
import json

from bot.publish.audit import BranchLocks
from bot.queue import QUEUED, REPLACED, Job
from bot.queue.memory import MemoryQueue

DRAFT = "draft-opened@2026-11-22T09:00:05Z"
READY = "ready-for-review@2026-11-22T09:00:40Z"


def job(head: str, delivery: str, *audits: str, **kw: object) -> Job:
    return Job(installation_id=9, repo="octo-org/app", number=1, head_sha=head,
               delivery_id=delivery, event="pull_request.opened", audits=audits, **kw)


def test_audits_round_trip_through_json() -> None:
    original = job("a" * 40, "d1", DRAFT, READY)
    back = Job.from_dict(json.loads(json.dumps(original.to_dict())))
    assert back.audits == (DRAFT, READY)


async def test_a_replacing_job_inherits_the_waiting_jobs_audits() -> None:
    queue = MemoryQueue()
    assert await queue.put(job("a" * 40, "d1", DRAFT)) == QUEUED
    assert await queue.put(job("a" * 40, "d2", READY)) == REPLACED
    assert await queue.put(job("b" * 40, "d3")) == REPLACED  # a push: no entry of its own
    taken = await queue.get()
    assert (taken.head_sha, taken.audits) == ("b" * 40, (DRAFT, READY))


async def test_a_rerun_kept_over_a_newer_event_keeps_both_audits() -> None:
    queue = MemoryQueue()
    await queue.put(job("a" * 40, "d1", DRAFT, rerun=True))
    await queue.put(job("a" * 40, "d2", READY))
    taken = await queue.get()
    assert taken.rerun and taken.audits == (DRAFT, READY)


async def test_audit_jobs_of_one_pr_never_replace_each_other() -> None:
    queue = MemoryQueue()
    await queue.put(job("a" * 40, "d1", DRAFT, kind="audit"))
    await queue.put(job("a" * 40, "d2", READY, kind="audit"))
    await queue.put(job("a" * 40, "d3"))
    assert queue.depth() == 3


async def test_branch_locks_serialise_one_branch_and_are_dropped_after_use() -> None:
    locks = BranchLocks()
    order: list[str] = []

    async def write(name: str, branch: str) -> None:
        async with locks.hold("Octo-Org/App", branch):
            order.append(f"{name}+")
            await asyncio.sleep(0.01)
            order.append(f"{name}-")

    await asyncio.gather(write("a", "main"), write("b", "main"), write("c", "other"))
    assert order.index("a-") < order.index("b+")  # one branch: one at a time
    assert order.index("c+") < order.index("a-")  # another branch: not held up
    assert len(locks) == 0
