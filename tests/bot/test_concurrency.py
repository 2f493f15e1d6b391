"""bot/concurrency.py: calls at once, failing as one call would; and the configuration's first
reads, which are made at once, are exactly the ones `resolve` asks for first."""

from __future__ import annotations

import asyncio

import gidgethub
import pytest

import checks
from bot.concurrency import gather, gather_all, settle
from bot.config_files import first_files
from bot.retry import Kind, classify
from checks.layers import FileRef, resolve_with


async def test_gather_returns_results_in_argument_order() -> None:
    async def after(seconds: float, value: str) -> str:
        await asyncio.sleep(seconds)
        return value

    assert await gather(after(0.02, "slow"), after(0.0, "fast")) == ("slow", "fast")


async def test_gather_all_keeps_the_order_of_its_coroutines() -> None:
    async def page(number: int) -> list[int]:
        await asyncio.sleep(0.01 * (3 - number))
        return [number]

    assert await gather_all(page(n) for n in range(1, 4)) == [[1], [2], [3]]
    assert await gather_all([]) == []


async def test_the_first_failure_stops_the_others_and_is_raised_itself() -> None:
    stopped: list[str] = []

    async def read_forever() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            stopped.append("sibling")

    async def broken() -> None:
        await asyncio.sleep(0.01)
        raise gidgethub.GitHubBroken("502", "Bad Gateway")

    with pytest.raises(gidgethub.GitHubBroken) as failed:
        await gather(read_forever(), broken(), read_forever())
    assert stopped == ["sibling", "sibling"]  # cancelled and finished before the raise
    passing = classify(failed.value)  # not an ExceptionGroup: the retry reads it as before
    assert passing is not None and passing.kind is Kind.OUTAGE


async def test_a_nested_gather_raises_the_inner_failure() -> None:
    async def fails() -> None:
        raise ValueError("inner")

    async def nested() -> None:
        await gather(fails(), asyncio.sleep(3600))

    with pytest.raises(ValueError, match="inner"):
        await gather(nested(), asyncio.sleep(3600))


async def test_cancelling_the_caller_cancels_every_call() -> None:
    stopped: list[str] = []

    async def read_forever() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            stopped.append("call")

    task = asyncio.create_task(gather(read_forever(), read_forever()))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert stopped == ["call", "call"]


async def test_settle_waits_without_cancelling_or_raising() -> None:
    async def create() -> int:
        await asyncio.sleep(0.02)
        raise RuntimeError("the create failed")

    task = asyncio.create_task(create())
    await settle(task)
    assert task.done() and not task.cancelled()
    assert isinstance(task.exception(), RuntimeError)
    await settle(None)


@pytest.mark.parametrize("repo", ["octo-org/hello-world", "solo/tool"])
def test_the_first_files_are_what_resolve_asks_for_before_any_text(repo: str) -> None:
    asked: list[FileRef] = []

    def absent(ref: FileRef) -> str | None:
        asked.append(ref)
        return None

    resolve_with(absent, repo, "main", checks.REGISTRY)
    assert tuple(asked) == first_files(repo, "main")
