"""A review's GitHub calls: independent ones at once, so a small PR costs few round trips.

Counted from the fake's record of when each call arrived and was answered (the longest chain
of calls made one after another), never from elapsed time: the fake's delay only makes calls
made at once overlap beyond doubt.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from bot.publish.check_run import CHECK_NAME
from tests.bot.conftest import Bot, pr_event
from tests.bot.diffs import new_file, python_module, python_test
from tests.fakegithub.state import Call
from tests.fakegithub.timeline import describe, round_trips, waves

# The budget for a small PR's review: event to completed check run and comment.
MAX_ROUND_TRIPS = 4
DELAY = 0.1  # per call: far above the time the bot takes to send calls it makes at once


def small_diff(name: str = "total") -> str:
    return new_file(f"billing/{name}.py", python_module(name))


def job_calls(bot: Bot, since: int) -> list[Call]:
    """The job's calls to the repository API (the installation token is the client's)."""
    return [c for c in bot.fake.calls[since:] if c.path.startswith("/repos/")]


async def review(bot: Bot, action: str, number: int) -> list[Call]:
    since = len(bot.fake.calls)
    resp = await bot.deliver("pull_request", pr_event(bot.fake, action, number))
    assert resp.status == 202, resp.json_body
    await bot.idle()
    return job_calls(bot, since)


def shape(call: Call) -> str:
    """The call without the repository and the PR's own numbers and shas."""
    tail = call.path.split("/", 4)[-1]
    return f"{call.method} " + re.sub(r"(?<=/)(\d+|[0-9a-f]{40})(?=/|$)", "*", tail)


async def test_a_small_pr_is_reviewed_in_at_most_four_round_trips(bot: Bot) -> None:
    fake = bot.fake
    fake.delay = DELAY
    fake.add_pull(fake.repo, 1, title="PROJ-1 Add totals", diff=small_diff(),
                  commits=["PROJ-1 Add totals"])
    fake.add_pull(fake.repo, 2, title="PROJ-2 Add ledger", diff=small_diff("ledger"),
                  commits=["PROJ-2 Add ledger"])
    # The first review also reads the organisation's two possible files, never read before.
    first = await review(bot, "opened", 1)
    assert round_trips(first) <= MAX_ROUND_TRIPS, describe(first)
    calls = await review(bot, "opened", 2)
    assert round_trips(calls) <= MAX_ROUND_TRIPS, describe(calls)
    # Nothing is read twice or for nothing: the same nine calls as one after another.
    assert sorted(shape(c) for c in calls) == sorted([
        "GET commits/*/check-runs", "POST check-runs", "PATCH check-runs/*",
        "GET contents/.github/shipshape.yml", "GET pulls/*/commits", "GET pulls/*/files",
        "GET git/trees/*", "GET issues/*/comments", "POST issues/*/comments"])
    # The run's lookup, the configuration, the changes and the comments, all at once.
    assert {shape(c) for c in waves(calls)[0]} == {
        "GET commits/*/check-runs", "GET contents/.github/shipshape.yml",
        "GET pulls/*/commits", "GET pulls/*/files", "GET issues/*/comments"}, describe(calls)
    [run] = [r for r in fake.check_runs(fake.repo, fake.pull(fake.repo, 2).head_sha)]
    assert (run["name"], run["status"]) == (CHECK_NAME, "completed")
    assert len(fake.comments(fake.repo, 2)) == 1


async def test_a_new_push_edits_the_comment_in_the_same_round_trip_as_the_run(
        bot: Bot) -> None:
    fake = bot.fake
    fake.delay = DELAY
    fake.add_pull(fake.repo, 3, title="PROJ-3 Totals", diff=small_diff(),
                  commits=["PROJ-3 Add totals"])
    await review(bot, "opened", 3)
    [comment] = fake.comments(fake.repo, 3)
    fake.push(fake.repo, 3, diff=small_diff() + new_file("tests/test_total.py",
                                                        python_test("total")),
              commits=["PROJ-3 Test totals"])
    calls = await review(bot, "synchronize", 3)
    assert round_trips(calls) <= MAX_ROUND_TRIPS, describe(calls)
    last = {shape(c) for c in waves(calls)[-1]}
    assert {"PATCH check-runs/*", "PATCH issues/comments/*"} <= last, describe(calls)
    assert [shape(c) for c in calls].count("GET issues/*/comments") == 1
    [edited] = fake.comments(fake.repo, 3)
    assert edited["id"] == comment["id"] and edited["body"] != comment["body"]


async def test_a_draft_reads_its_configuration_before_anything_else(bot: Bot) -> None:
    fake = bot.fake
    fake.set_file_content(fake.repo, ".github/shipshape.yml", "draft: skip\n")
    fake.add_pull(fake.repo, 4, title="PROJ-4 Totals", diff=small_diff(),
                  commits=["PROJ-4 Add totals"], draft=True)
    calls = await review(bot, "opened", 4)
    [run] = fake.check_runs(fake.repo)
    assert run["conclusion"] == "skipped"
    # Skipped by its configuration: its changes and comments were not read for the review
    # (the story audit that follows reads the commits).
    completed = [shape(c) for c in calls].index("PATCH check-runs/*")
    review_calls = [shape(c) for c in calls[:completed]]
    assert not [c for c in review_calls if c.startswith(("GET pulls/", "GET issues/"))], \
        review_calls


async def test_a_read_failing_while_the_run_is_created_leaves_no_run_in_progress(
        bot: Bot) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 5, title="PROJ-5 Totals", diff=small_diff(),
                  commits=["PROJ-5 Add totals"])
    creating = asyncio.Event()

    async def hold_the_create() -> None:
        creating.set()
        await asyncio.sleep(0.3)  # the read's failure reaches the bot meanwhile

    async def fail_once_creating() -> None:
        await asyncio.wait_for(creating.wait(), 10)

    fake.on_call("POST", "/repos/*/check-runs", hold_the_create)
    fake.on_call("GET", "/repos/*/pulls/5/files", fail_once_creating)
    # Not a passing failure (no retry would fix it): the job ends, and so must its run.
    fake.fail_next("GET", "/repos/*/pulls/5/files", 422, body={
        "message": "Validation Failed", "documentation_url": "https://docs.github.com/rest",
        "status": "422"})
    await review(bot, "opened", 5)
    runs: list[dict[str, Any]] = fake.check_runs(fake.repo)
    assert [(r["status"], r["conclusion"]) for r in runs] == [("completed", "neutral")]
    assert runs[0]["output"]["title"] == "Review did not finish"
    assert fake.comments(fake.repo, 5) == []


def timed(method: str, started: float, ended: float) -> Call:
    return Call(method, "/repos/o/r/x", {}, None, {}, 200, started, ended)


def test_round_trips_count_the_longest_chain_of_calls_made_one_after_another() -> None:
    # Two calls at once, one made after the first was answered (while the second ran), one
    # after all of them.
    calls = [timed("A", 0.0, 1.0), timed("B", 0.0, 2.0), timed("C", 1.5, 2.5),
             timed("D", 3.0, 4.0)]
    assert round_trips(calls) == 3  # A -> C -> D
    assert [[c.method for c in wave] for wave in waves(calls)] == [["A", "B"], ["C"], ["D"]]
    assert round_trips([timed("A", 0.0, 1.0), timed("B", 0.5, 1.5)]) == 1
    assert round_trips([timed("A", 0.0, 1.0), timed("B", 1.0, 2.0)]) == 2
    assert round_trips([]) == 0


async def test_a_head_the_pr_has_moved_past_is_not_judged_with_the_newer_commits(
        bot: Bot) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 6, title="PROJ-6 Totals", diff=small_diff(),
                  commits=["PROJ-6 Add totals"])
    old = pr_event(fake, "opened", 6)
    # Pushed before the event's job ran, and the push's own delivery is not here yet.
    fake.push(fake.repo, 6, commits=["PROJ-6 Tidy totals"])
    resp = await bot.deliver("pull_request", old)
    assert resp.status == 202, resp.json_body
    await bot.idle()
    [run] = fake.check_runs(fake.repo)
    assert run["head_sha"] == old["pull_request"]["head"]["sha"]
    assert (run["status"], run["conclusion"]) == ("completed", "cancelled")
    assert fake.comments(fake.repo, 6) == []


def listed(sha: str, *parents: str) -> dict[str, Any]:
    return {"sha": sha, "parents": [{"sha": p} for p in parents]}


def test_moved_on_only_when_a_listed_commit_is_not_in_the_head() -> None:
    from bot.snapshot import has_commits_past

    chain = [listed("a", "base"), listed("b", "a"), listed("c", "b")]
    assert not has_commits_past(chain, "c")
    assert has_commits_past(chain, "b")  # c was pushed on top of b
    merged = [listed("a", "base"), listed("m", "a", "main-tip"), listed("b", "m")]
    assert not has_commits_past(merged, "b")  # a merge from the base branch is part of the head
    assert not has_commits_past(chain, "force-pushed")  # head not listed: nothing to tell
