"""One check run per head across processes: the in-memory cache only sits in front of GitHub,
so a second process (or this one after a restart) finds our run on the head before creating."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from typing import Any

from bot.app import create_app
from tests.bot.conftest import Bot, bot_settings, pr_event
from tests.bot.diffs import new_file, python_module, python_test

DIFF = (new_file("billing/invoice.py", python_module("invoice_total"))
        + new_file("tests/test_invoice.py", python_test("invoice_total")))


async def test_a_second_process_finds_the_run_instead_of_posting_another(
        bot: Bot, aiohttp_client: Any, pool: ProcessPoolExecutor) -> None:
    fake = bot.fake
    pr = fake.add_pull(fake.repo, 41, title="Invoice totals", body="Adds invoice totals.",
                       diff=DIFF, commits=["BILL-12 Add invoice totals"])
    assert (await bot.deliver("pull_request", pr_event(fake, "opened", 41))).status == 202
    await bot.idle()
    [first] = fake.check_runs(fake.repo, pr.head_sha)

    # Another replica, with empty caches, gets the same PR (e.g. `edited`) for the same head.
    other = Bot(await aiohttp_client(create_app(bot_settings(fake), executor=pool)), fake)
    resp = await other.deliver("pull_request", pr_event(fake, "reopened", 41))
    assert resp.status == 202
    await other.idle()
    [run] = fake.check_runs(fake.repo, pr.head_sha)
    assert (run["id"], run["status"], run["conclusion"]) == (
        first["id"], "completed", first["conclusion"])
    asked = [c for c in fake.calls if c.method == "GET" and "/check-runs" in c.path]
    assert len(asked) == 2  # each process looked before creating
