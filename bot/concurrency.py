"""Independent GitHub calls of one job, run at once, failing as one call would.

`asyncio.gather` leaves the other calls running when one fails (a job that has failed keeps
reading, or writing, behind the retry that replaces it), and `asyncio.TaskGroup` raises an
`ExceptionGroup`, which bot/retry.py's `classify` cannot read. `gather` here does what both
should: the first failure cancels the siblings, waits until they have stopped, and is raised
itself, so a 5xx in one of four reads is retried with backoff like a 5xx in a lone read.

Rule: only reads, or writes that are safe to cut off, go through `gather`. A write GitHub may
have carried out when it is cancelled (creating a check run or a comment) runs in its own
task and is waited for, never cancelled, when a sibling fails (bot/worker.py, `_start_run`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine, Iterable
from typing import Any, TypeVar, overload

_A = TypeVar("_A")
_B = TypeVar("_B")
_C = TypeVar("_C")
_T = TypeVar("_T")


@overload
async def gather(a: Coroutine[Any, Any, _A], b: Coroutine[Any, Any, _B], /) -> tuple[_A, _B]:
    ...


@overload
async def gather(a: Coroutine[Any, Any, _A], b: Coroutine[Any, Any, _B],
                 c: Coroutine[Any, Any, _C], /) -> tuple[_A, _B, _C]:
    ...


async def gather(*coros: Coroutine[Any, Any, Any]) -> tuple[Any, ...]:
    """Run the coroutines at once; on the first failure cancel the rest and raise it."""
    return await _gather(coros)


async def gather_all(coros: Iterable[Coroutine[Any, Any, _T]]) -> list[_T]:
    """`gather` for any number of coroutines of one result type (pages of a list)."""
    return list(await _gather(coros))


async def _gather(coros: Iterable[Coroutine[Any, Any, Any]]) -> tuple[Any, ...]:
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(coro) for coro in coros]
    except BaseExceptionGroup as failed:
        raise first_error(failed) from None
    return tuple(task.result() for task in tasks)


def first_error(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The failure that came first (TaskGroup lists them in the order they happened)."""
    error: BaseException = group.exceptions[0]
    while isinstance(error, BaseExceptionGroup):  # a nested gather raised its own group
        error = error.exceptions[0]
    return error


async def settle(task: Awaitable[Any] | None) -> None:
    """Wait for `task` to finish without cancelling it and without raising what it raised
    (its caller reports a failure of its own)."""
    if task is None:
        return
    future = asyncio.ensure_future(task)
    await asyncio.wait([future])
    if not future.cancelled():
        future.exception()  # retrieved: asyncio would log it as never retrieved
