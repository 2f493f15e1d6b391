"""A taker killed at every step boundary loses no accepted delivery (SQLite and real Redis).

Each scenario is what a worker does with the queue in one process: accept a delivery (what the
intake does before it answers 202), take its jobs, finish, retry, bury or hand back on
shutdown. A tap counts the store operations the scenario issues (Redis commands, SQLite
transactions) and kills it before the Nth, for every N until one run ends uncut: the process
is gone from there on (its leases stop being renewed, nothing is released). A second process
on the same store then recovers: GitHub's delivery failed if the intake never answered, so the
reconciler redelivers it unless it was claimed; then it works until no job comes for five
leases. Every job must end exactly once, done or dead, and nothing may be left waiting.

The memory queue is not here: it lives and dies with its process, by design.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from bot.queue import Job, Queue
from bot.queue.redis import RedisQueue
from bot.queue.sqlite import SqliteQueue
from tests.bot.test_queue import Factory, die, job, store

LEASE = 0.3
DELIVERY = "5f1e2a00-cc78-11e3-81ab-4c9367dc0958"
# The review of PR 1 and an event for PR 2 from one delivery: both or neither are accepted.
JOBS = (job(number=1, delivery=DELIVERY), job(number=2, head="c" * 40, delivery=DELIVERY))
# Far more store operations than any scenario issues: a cut past the end is a bug here.
MAX_STEPS = 60


class Killed(BaseException):
    """The taker was killed (kill -9) before this store operation."""


@dataclass
class Tap:
    """Counts the store operations one task issues and kills it before the `limit`-th."""

    limit: int
    count: int = 0
    task: asyncio.Task[Any] | None = None
    error: type[BaseException] = Killed

    def step(self) -> None:
        if asyncio.current_task() is not self.task:
            return  # the lease renewer, say: not the worker's own sequence of steps
        if self.count >= self.limit:
            raise self.error
        self.count += 1


def tap(queue: Queue, counter: Tap) -> None:
    """Pass every store operation of `queue` through `counter` first."""
    if isinstance(queue, RedisQueue):
        command = queue.redis.execute_command

        async def counted_command(*args: Any, **options: Any) -> Any:
            counter.step()
            return await command(*args, **options)

        queue.redis.execute_command = counted_command  # type: ignore[method-assign]
        pipeline = queue.redis.pipeline

        def counted_pipeline(*args: Any, **options: Any) -> Any:
            counter.step()
            return pipeline(*args, **options)

        queue.redis.pipeline = counted_pipeline  # type: ignore[method-assign]
        return
    assert isinstance(queue, SqliteQueue)
    run = queue._run

    async def counted_run(work: Callable[[Any], Any]) -> Any:
        counter.step()
        return await run(work)

    queue._run = counted_run  # type: ignore[method-assign]


@dataclass
class Ledger:
    """What the scenario and the recovery did, in order, per PR."""

    accepted: bool = False
    events: list[tuple[str, int]] = field(default_factory=list)

    def count(self, what: str, number: int) -> int:
        return self.events.count((what, number))


async def take(queue: Queue) -> Job:
    return await asyncio.wait_for(queue.get(), 5)


async def finish(queue: Queue, ledger: Ledger) -> None:
    """Take a job, publish (idempotently: looked up before written), release it."""
    taken = await take(queue)
    ledger.events.append(("worked", taken.number))
    await queue.done(taken)
    ledger.events.append(("done", taken.number))


async def accept(queue: Queue, ledger: Ledger) -> None:
    assert await queue.accept(DELIVERY, JOBS) is not None
    ledger.accepted = True  # the intake answers 202: GitHub's delivery succeeded


async def completes(queue: Queue, ledger: Ledger) -> None:
    await accept(queue, ledger)
    for _ in JOBS:
        await finish(queue, ledger)


async def retries_then_completes(queue: Queue, ledger: Ledger) -> None:
    """GitHub failed once: each job goes back with a retry time (now), then completes."""
    await accept(queue, ledger)
    for _ in JOBS:
        taken = await take(queue)
        await queue.retry_later(replace(taken, retries=1, retry_since=time.time()), time.time())
        await queue.done(taken)
    for _ in JOBS:
        await finish(queue, ledger)


async def buries(queue: Queue, ledger: Ledger) -> None:
    """Each job fails for good: the worker releases the delivery, buries the job, then done."""
    await accept(queue, ledger)
    for _ in JOBS:
        taken = await take(queue)
        await queue.release_delivery(taken.delivery_id)
        await queue.bury(taken, "KeyError")
        ledger.events.append(("buried", taken.number))
        await queue.done(taken)


async def shuts_down(queue: Queue, ledger: Ledger) -> None:
    """SIGTERM mid-run: the running job goes back, the other waits; the process exits."""
    await accept(queue, ledger)
    await queue.requeue(await take(queue))
    await queue.close()


Scenario = Callable[[Queue, Ledger], Awaitable[None]]


async def run_cut(make: Factory, scenario: Scenario, limit: int) -> tuple[Ledger, bool]:
    """Run `scenario` killed before its `limit`-th store operation, then recover; return
    the ledger and whether the cut fell inside the scenario."""
    ledger = Ledger()
    taker = make(lease_seconds=LEASE)
    counter = Tap(limit)
    tap(taker, counter)
    counter.task = asyncio.current_task()
    killed = False
    try:
        await scenario(taker, ledger)
    except Killed:
        killed = True
    die(taker)
    await recover(make(lease_seconds=LEASE), ledger)
    return ledger, killed


async def recover(queue: Queue, ledger: Ledger) -> None:
    """A second process: the reconciler's redelivery if GitHub saw the delivery fail and no
    one claimed it, then work until nothing has come for five leases (slack for a loaded
    machine: a lease that ended is seen at the next poll)."""
    if not ledger.accepted and not await queue.delivery_claimed(DELIVERY):
        assert await queue.accept(DELIVERY, JOBS) is not None
    while True:
        try:
            taken = await asyncio.wait_for(queue.get(), 5 * LEASE)
        except TimeoutError:
            break
        ledger.events.append(("recovered", taken.number))
        ledger.events.append(("worked", taken.number))
        await queue.done(taken)
        ledger.events.append(("done", taken.number))
    assert await queue.pending_jobs() == []


async def _one(kind: str, where: Path, scenario: Scenario,
               limit: int) -> tuple[Ledger, bool, list[int]]:
    where.mkdir()
    async with store(kind, where) as make:
        ledger, killed = await run_cut(make, scenario, limit)
        dead = [d.job.number for d in await make().dead_letters()]
    return ledger, killed, dead


async def every_cut(kind: str, tmp_path: Path,
                    scenario: Scenario) -> list[tuple[int, Ledger, list[int]]]:
    """Every cut of `scenario` (each on its own store, run side by side) up to the first
    run that ends uncut: the cut, the ledger and the PRs whose job is a dead letter."""
    cuts: list[tuple[int, Ledger, list[int]]] = []
    for first in range(0, MAX_STEPS, 8):
        limits = range(first, first + 8)
        results = await asyncio.gather(*(_one(kind, tmp_path / f"cut-{n}", scenario, n)
                                         for n in limits))
        for n, (ledger, killed, dead) in zip(limits, results, strict=True):
            cuts.append((n, ledger, dead))
            if not killed:
                return cuts
    raise AssertionError("the scenario never ended: the tap counts wrongly")


def check_exactly_once(cuts: list[tuple[int, Ledger, list[int]]]) -> None:
    """Each PR's job ended exactly once (done or dead), and was handed out again only
    when the killed taker had not finished it."""
    for cut, ledger, dead in cuts:
        for number in (1, 2):
            ended = ledger.count("done", number) + dead.count(number)
            assert ended == 1, f"cut {cut}, PR {number}: ended {ended} times: {ledger.events}"
            assert ledger.count("recovered", number) <= 1, (
                f"cut {cut}, PR {number}: handed out again twice: {ledger.events}")


BACKENDS = ["sqlite", "redis"]


@pytest.mark.parametrize("kind", BACKENDS)
async def test_a_taker_killed_at_any_step_of_a_run_loses_and_repeats_nothing(
        kind: str, tmp_path: Path) -> None:
    cuts = await every_cut(kind, tmp_path, completes)
    check_exactly_once(cuts)
    # A cut before the claim was written: GitHub saw a failed delivery and the reconciler
    # had it redelivered; every later cut was recovered from the store alone.
    redelivered = [cut for cut, ledger, _ in cuts if not ledger.accepted]
    assert redelivered and redelivered == list(range(len(redelivered)))
    taken_again = [cut for cut, ledger, _ in cuts if ledger.accepted
                   and ledger.count("recovered", 1) + ledger.count("recovered", 2)]
    assert taken_again, "no cut fell between taking a job and finishing it"
    assert not any(ledger.count("recovered", 1) + ledger.count("recovered", 2)
                   for _, ledger, _ in cuts[-1:])


@pytest.mark.parametrize("kind", BACKENDS)
async def test_a_taker_killed_around_a_retry_loses_and_repeats_nothing(
        kind: str, tmp_path: Path) -> None:
    check_exactly_once(await every_cut(kind, tmp_path, retries_then_completes))


@pytest.mark.parametrize("kind", BACKENDS)
async def test_a_taker_killed_around_a_burial_neither_loses_nor_reruns_a_dead_letter(
        kind: str, tmp_path: Path) -> None:
    cuts = await every_cut(kind, tmp_path, buries)
    check_exactly_once(cuts)
    assert sorted(cuts[-1][2]) == [1, 2]  # uncut, both jobs are dead letters and nothing ran


@pytest.mark.parametrize("kind", BACKENDS)
async def test_a_taker_killed_during_a_shutdown_leaves_every_job_to_the_next(
        kind: str, tmp_path: Path) -> None:
    cuts = await every_cut(kind, tmp_path, shuts_down)
    check_exactly_once(cuts)
    assert all(number not in dead for _, _, dead in cuts for number in (1, 2))


class Blip(ConnectionError):
    """The store failed one operation (Redis restarting, the file locked past its wait)."""


@pytest.mark.parametrize("kind", BACKENDS)
@pytest.mark.parametrize("transition", ["retry_later", "bury"])
async def test_a_transition_the_store_failed_leaves_the_job_leased_not_lost(
        kind: str, transition: str, tmp_path: Path) -> None:
    async with store(kind, tmp_path) as make:
        worker = make(lease_seconds=LEASE)
        await worker.accept(DELIVERY, JOBS[:1])
        taken = await take(worker)
        failing = Tap(0, error=Blip)  # the task's operations fail from here on, then none
        tap(worker, failing)
        failing.task = asyncio.current_task()
        with pytest.raises(Blip):
            if transition == "retry_later":
                await worker.retry_later(replace(taken, retries=1), time.time())
            else:
                await worker.bury(taken, "KeyError")
        failing.task = None  # the store answers again: the worker's `done` goes through
        await worker.done(taken)
        # Neither waiting nor dead: the job would be lost if `done` had released it.
        assert await worker.dead_letters() == []
        assert await asyncio.wait_for(worker.get(), 4 * LEASE) == taken
