"""Jobs through GitHub's bad minutes (bot/retry.py), against the fake GitHub.

Outages are compressed: failures are injected for the first N calls or until cleared, and the
retry clock is a fake one the test moves, with backoffs of milliseconds, so nothing here waits
for wall-clock minutes and nothing asserts an elapsed time.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import json
import logging
import socket
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import aiohttp
import gidgethub
import pytest
from gidgethub import sansio

from bot import limits
from bot.app import _pacing, create_app
from bot.gate import InstallationPaused, LocalGate
from bot.github import GitHubClient, exception_message, repo_vars
from bot.metrics import Metrics
from bot.publish import check_run, comment
from bot.queue import Job
from bot.queue.memory import MemoryQueue
from bot.queue.sqlite import SqliteQueue
from bot.retry import BreakerState, CircuitBreaker, Holds, Kind, RetryPolicy, classify
from tests.bot.conftest import Bot, bot_settings, pr_event
from tests.bot.diffs import new_file, python_module
from tests.bot.test_queue import store
from tests.fakegithub.server import SECONDARY_LIMIT_MESSAGE

BODY = "<!-- shipshape:checklist -->\n### shipshape: 1 of 2 checks pass\n"


class Clock:
    """Wall-clock seconds that only move when the test (or an injected sleep) moves them."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)

    @contextlib.asynccontextmanager
    async def running(self, rate: float = 100.0) -> AsyncIterator[None]:
        """Let the clock run `rate` times faster than the wall clock meanwhile."""
        async def tick() -> None:
            while True:
                await asyncio.sleep(0.01)
                self.now += 0.01 * rate
        ticker = asyncio.create_task(tick())
        try:
            yield
        finally:
            ticker.cancel()


def answer(status: int, message: str, **headers: str) -> gidgethub.HTTPException:
    """The exception gidgethub raises for GitHub's JSON error answer."""
    body = json.dumps({"message": message, "documentation_url": "https://docs.github.com"})
    with pytest.raises(gidgethub.HTTPException) as raised:
        sansio.decipher_response(status, {"content-type": "application/json", **headers},
                                 body.encode())
    return raised.value


def test_the_message_is_read_from_every_gidgethub_exception_shape() -> None:
    secondary = answer(403, SECONDARY_LIMIT_MESSAGE, **{"x-ratelimit-remaining": "4990"})
    primary = answer(403, "API rate limit exceeded for installation ID 1.",
                     **{"x-ratelimit-remaining": "0", "x-ratelimit-limit": "5000",
                        "x-ratelimit-reset": "1800000030", "x-ratelimit-used": "5000"})
    broken = answer(502, "Server Error")
    assert type(secondary) is gidgethub.BadRequest
    assert isinstance(primary, gidgethub.RateLimitExceeded)
    assert exception_message(secondary) == SECONDARY_LIMIT_MESSAGE
    assert exception_message(primary).startswith("API rate limit exceeded")
    assert exception_message(broken) == "Server Error"
    # An answer without a JSON message: gidgethub gives the status's phrase.
    assert exception_message(gidgethub.GitHubBroken(http.HTTPStatus(503))) == (
        "Service Unavailable")


def test_passing_failures_are_told_from_lasting_ones() -> None:
    now = 1_800_000_000.0
    secondary = classify(answer(403, SECONDARY_LIMIT_MESSAGE), now)
    assert secondary is not None and secondary.kind is Kind.RATE_LIMIT
    assert secondary.wait == limits.SECONDARY_LIMIT_DEFAULT_WAIT_SECONDS  # no Retry-After
    told = classify(answer(429, "Too Many Requests", **{"retry-after": "17"}), now)
    assert told is not None and told.wait == 17
    primary = classify(answer(403, "API rate limit exceeded", **{
        "x-ratelimit-remaining": "0", "x-ratelimit-limit": "5000",
        "x-ratelimit-reset": str(int(now) + 600), "x-ratelimit-used": "5000"}), now)
    assert primary is not None and primary.wait == 601
    outage = classify(answer(502, "Server Error"), now)
    assert outage is not None and outage.kind is Kind.OUTAGE
    assert "502 Server Error" in outage.error
    refused = aiohttp.ClientConnectorError(
        aiohttp.client_reqrep.ConnectionKey("api.github.com", 443, True, True, None, None, None),
        ConnectionRefusedError(111, "Connection refused"))
    assert classify(refused, now) is not None
    assert classify(TimeoutError(), now) is not None
    # A missing permission, a gone PR, a refused body: the same every time.
    assert classify(answer(403, "Resource not accessible by integration"), now) is None
    assert classify(answer(404, "Not Found"), now) is None
    assert classify(ValueError("bad config"), now) is None


def test_backoff_doubles_with_jitter_up_to_its_cap() -> None:
    low = RetryPolicy(base_seconds=5, cap_seconds=600, rand=lambda: 0.0)
    high = RetryPolicy(base_seconds=5, cap_seconds=600, rand=lambda: 0.999)
    assert [low.backoff(n) for n in range(4)] == [2.5, 5.0, 10.0, 20.0]
    assert all(low.backoff(n) < high.backoff(n) <= 5 * 2 ** n for n in range(4))
    assert low.backoff(40) == 300 and high.backoff(40) <= 600


def test_the_circuit_opens_after_failures_probes_once_and_closes() -> None:
    clock = Clock()
    breaker = CircuitBreaker(threshold=3, open_seconds=30, max_open_seconds=100,
                             probe_wait_seconds=2, clock=clock)
    assert [breaker.failed(7) for _ in range(2)] == [None, None]
    assert breaker.state(7) is BreakerState.CLOSED and breaker.admit(7) == 0
    assert breaker.failed(7) == 30
    assert breaker.state(7) is BreakerState.OPEN
    assert breaker.admit(7) == 30 and breaker.admit(8) == 0  # other installations go on
    assert breaker.failed(7) is None  # a job started before it opened: still open, not longer
    clock.now += 30
    assert breaker.admit(7) == 0  # the probe
    assert breaker.admit(7) == 2  # the others wait for it
    assert breaker.failed(7) == 60  # the probe failed: open twice as long
    clock.now += 60
    assert breaker.admit(7) == 0
    assert breaker.failed(7) == 100  # capped
    clock.now += 100
    assert breaker.admit(7) == 0
    breaker.succeeded(7)
    assert breaker.state(7) is BreakerState.CLOSED and breaker.admit(7) == 0


# --- the bot, end to end ---


async def retrying_bot(fake: Any, aiohttp_client: Any, pool: ProcessPoolExecutor,
                       clock: Clock, **breaker: float) -> Bot:
    """The bot on a memory queue and retry clock the test moves, backoffs in milliseconds."""
    app = create_app(bot_settings(fake), executor=pool, queue=MemoryQueue(clock=clock))
    bot = Bot(await aiohttp_client(app), fake)
    services = bot.state.services
    services.retry = RetryPolicy(base_seconds=0.002, cap_seconds=0.01, clock=clock)
    services.breaker = CircuitBreaker(clock=clock, **breaker)  # type: ignore[arg-type]
    services.client.backoff = 0.001
    services.client._sleep = clock.sleep  # the client's waits move the clock
    return bot


def add_prs(fake: Any, numbers: range, repo: str | None = None) -> None:
    for number in numbers:
        fake.add_pull(repo or fake.repo, number, title=f"Totals {number}",
                      diff=new_file(f"billing/totals_{number}.py",
                                    python_module(f"total_{number}")),
                      commits=[f"Add totals {number}"])


async def deliver(bot: Bot, numbers: range) -> None:
    for number in numbers:
        resp = await bot.deliver("pull_request", pr_event(bot.fake, "opened", number))
        assert resp.status == 202, resp.json_body


async def until(condition: Callable[[], Awaitable[bool] | bool], timeout: float = 20) -> None:
    """Wait (in real time, polling) until `condition` holds."""
    async def check() -> None:
        while True:
            result = condition()
            if result is True or (not isinstance(result, bool) and await result):
                return
            await asyncio.sleep(0.01)
    await asyncio.wait_for(check(), timeout)


def published(fake: Any, numbers: range, repo: str | None = None) -> dict[int, tuple[int, int]]:
    """Per PR: (completed runs on its head, our comments)."""
    repo = repo or fake.repo
    out = {}
    for number in numbers:
        runs = fake.check_runs(repo, fake.pull(repo, number).head_sha)
        done = [r for r in runs if r["status"] == "completed"]
        ours = [c for c in fake.comments(repo, number) if c["body"].startswith("<!-- shipshape")]
        out[number] = (len(done), len(ours)) if len(done) == len(runs) else (-len(runs), 0)
    return out


async def metric(bot: Bot, line_start: str) -> float:
    text = await (await bot.client.get("/metrics")).text()
    values = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
              if line.startswith(line_start)]
    return sum(values)


async def test_an_outage_then_lost_answers_leave_one_run_and_one_comment_per_pr(
        fake_github: Any, aiohttp_client: Any, pool: ProcessPoolExecutor) -> None:
    fake, clock = fake_github, Clock()
    bot = await retrying_bot(fake, aiohttp_client, pool, clock, threshold=1_000)
    prs = range(1, 7)
    add_prs(fake, prs)
    # The outage: every call to the repositories answers 502 for a while (each job tries
    # several times in place, then goes back to the queue); the installation token's too.
    fake.fail_next("*", "/repos/*", 502, times=60)
    fake.fail_next("POST", "/app/installations/*/access_tokens", 503, times=2)
    # Then, as it recovers: GitHub makes runs and comments but the answers are lost.
    fake.fail_next("POST", "/repos/*/check-runs", 502, times=2, after=True)
    fake.lose_answer_next("POST", "/repos/*/check-runs", times=2)
    fake.fail_next("POST", "/repos/*/issues/*/comments", 504, times=2, after=True)
    fake.lose_answer_next("POST", "/repos/*/issues/*/comments", times=2)
    await deliver(bot, prs)
    async with clock.running(rate=1):  # the backoffs are milliseconds
        await until(lambda: published(fake, prs) == dict.fromkeys(prs, (1, 1)))
        await bot.idle()
    assert published(fake, prs) == dict.fromkeys(prs, (1, 1))
    assert all(r["conclusion"] == "failure" for r in fake.check_runs(fake.repo))
    statuses = [c.status for c in fake.calls]
    assert statuses.count(502) >= 60 and statuses.count(0) == 4  # the outage and lost answers
    assert await metric(bot, 'shipshape_job_retries_total{kind="outage"}') >= 1
    assert await bot.state.queue.dead_letters() == []


async def test_a_secondary_limit_without_retry_after_pauses_the_whole_installation(
        fake_github: Any, aiohttp_client: Any, pool: ProcessPoolExecutor) -> None:
    fake, clock = fake_github, Clock()
    bot = await retrying_bot(fake, aiohttp_client, pool, clock)
    other = fake.add_installation(account="other-org")
    other_repo = fake.add_repo("other-org/api", installation_id=other).full_name
    add_prs(fake, range(1, 2))
    add_prs(fake, range(2, 3))
    add_prs(fake, range(5, 6), repo=other_repo)
    fake.secondary_rate_limit_next("POST", "/repos/*/issues/1/comments", retry_after=None)
    await deliver(bot, range(1, 2))
    await until(lambda: any(c.status == 403 for c in fake.calls))
    gate = bot.state.queue.gate()
    await until(lambda: not bot.state.workers.running)
    left = await gate.paused_for(fake.installation_id)
    assert limits.SECONDARY_LIMIT_DEFAULT_WAIT_SECONDS - 1 < left <= (
        limits.SECONDARY_LIMIT_DEFAULT_WAIT_SECONDS)
    # Another PR of the paused installation waits without a call; another installation's runs.
    before = len(fake.calls)
    await deliver(bot, range(2, 3))
    fake.repo, fake.installation_id, mine = other_repo, other, fake.installation_id
    await deliver(bot, range(5, 6))
    fake.repo, fake.installation_id = "octo-org/hello-world", mine
    await until(lambda: published(fake, range(5, 6), other_repo) == {5: (1, 1)})
    assert all("/other-org/" in c.path or c.path.endswith("/access_tokens")
               for c in fake.calls[before:])
    # PR 1's run was completed before its comment met the limit; PR 2 has not started.
    assert published(fake, range(1, 3)) == {1: (1, 0), 2: (0, 0)}
    assert [c.status for c in fake.calls_to("POST", "/repos/*/issues/1/comments")] == [403]
    clock.now += limits.SECONDARY_LIMIT_DEFAULT_WAIT_SECONDS + 1  # the pause ends
    async with clock.running(rate=1):
        await until(lambda: published(fake, range(1, 3)) == {1: (1, 1), 2: (1, 1)})
    assert [c.status for c in fake.calls_to("POST", "/repos/*/issues/1/comments")] == [403, 201]
    assert await metric(bot, 'shipshape_job_retries_total{kind="rate_limit"}') == 1
    assert await metric(bot, 'shipshape_jobs_total{outcome="deferred"}') >= 1


async def test_deliveries_for_a_paused_installation_are_not_handed_to_workers_one_by_one(
        fake_github: Any, aiohttp_client: Any, pool: ProcessPoolExecutor) -> None:
    fake, clock = fake_github, Clock()
    bot = await retrying_bot(fake, aiohttp_client, pool, clock)
    add_prs(fake, range(1, 3))
    await bot.state.queue.gate().pause(fake.installation_id, 120)  # GitHub is down
    await deliver(bot, range(1, 3))

    async def both_deferred() -> bool:
        return await metric(bot, 'shipshape_jobs_total{outcome="deferred"}') >= 2

    await until(both_deferred)
    # Every later delivery for the held PRs replaces the waiting job; none is handed out.
    for _ in range(20):
        await deliver(bot, range(1, 3))
    await asyncio.sleep(0.3)  # real time, for workers that would take them
    assert await metric(bot, 'shipshape_jobs_total{outcome="deferred"}') == 2
    assert len(bot.state.workers.holds) == 2
    assert bot.state.workers.holds.timers() == 1  # one pause, one timer for its PRs
    assert fake.calls_to("*", "/repos/*") == []
    clock.now += 121  # the pause ends: each PR is reviewed once, for its newest delivery
    async with clock.running(rate=1):
        await until(lambda: published(fake, range(1, 3)) == {1: (1, 1), 2: (1, 1)})
    assert len(bot.state.workers.holds) == 0


async def test_github_refusing_connections_costs_one_line_per_failed_job_then_nothing(
        fake_github: Any, aiohttp_client: Any, pool: ProcessPoolExecutor,
        caplog: pytest.LogCaptureFixture) -> None:
    fake, clock = fake_github, Clock()
    with socket.socket() as closed:  # bound, never listening: connections are refused
        closed.bind(("127.0.0.1", 0))
        refusing = f"http://127.0.0.1:{closed.getsockname()[1]}"
        app = create_app(bot_settings(fake, GITHUB_API_URL=refusing), executor=pool,
                         queue=MemoryQueue(clock=clock))
        bot = Bot(await aiohttp_client(app), fake)
        services = bot.state.services
        services.retry = RetryPolicy(base_seconds=0.002, cap_seconds=0.01, clock=clock)
        services.breaker = CircuitBreaker(threshold=2, open_seconds=300, clock=clock)
        services.client.backoff = 0.001
        add_prs(fake, range(1, 4))
        caplog.set_level(logging.INFO, logger="shipshape")
        await deliver(bot, range(1, 4))
        breaker = services.breaker
        await until(lambda: breaker.state(fake.installation_id) is BreakerState.OPEN)
        await until(lambda: not bot.state.workers.running)
        attempts = await metric(bot, 'shipshape_github_calls_total{method="POST",status="error"}')
        for _ in range(10):  # GitHub stays down while deliveries keep coming
            await deliver(bot, range(1, 4))
        await asyncio.sleep(0.3)
        assert await metric(
            bot, 'shipshape_github_calls_total{method="POST",status="error"}') == attempts
    jobs = [r for r in caplog.records if r.getMessage() == "job"]
    failed = [r for r in jobs if r.fields["outcome"] == "retrying"]  # type: ignore[attr-defined]
    # The jobs that ran before the breaker opened (two or all three: they start together)
    # failed with one line each, naming the refusal.
    assert 2 <= len(failed) <= 3
    assert all("ClientConnectorError" in r.fields["error"]  # type: ignore[attr-defined]
               for r in failed)
    # Then each PR's job was handed out once more and held back: 30 deliveries later, one
    # line per PR, not per delivery.
    assert len(jobs) == len(failed) + 3
    assert not [r for r in caplog.records if r.exc_info]  # no traceback anywhere


class CountingSqliteQueue(SqliteQueue):
    """The SQLite queue, counting the transactions that look for a job to hand out."""

    looks = 0

    def _take(self, db: sqlite3.Connection) -> Job | None:
        self.looks += 1
        return super()._take(db)


async def test_a_delivery_wakes_one_idle_worker_to_look_for_its_job(
        fake_github: Any, aiohttp_client: Any, pool: ProcessPoolExecutor,
        tmp_path: Path) -> None:
    fake, clock = fake_github, Clock()
    queue = CountingSqliteQueue(tmp_path / "queue.sqlite3", clock=clock)
    app = create_app(bot_settings(fake), executor=pool, queue=queue)
    bot = Bot(await aiohttp_client(app), fake)
    bot.state.services.retry = RetryPolicy(clock=clock)
    add_prs(fake, range(1, 2))
    await queue.gate().pause(fake.installation_id, 120)
    await deliver(bot, range(1, 2))
    await until(lambda: len(bot.state.workers.holds) == 1)  # PR 1 is held; 4 workers idle
    await asyncio.sleep(0.1)
    before = queue.looks
    for _ in range(20):  # each replaces PR 1's waiting job and wakes the queue's takers
        await deliver(bot, range(1, 2))
    await asyncio.sleep(0.1)
    # One look per delivery (and perhaps a poll), not one per idle worker.
    assert queue.looks - before <= 20 + 2
    await queue.shutdown()


async def test_held_prs_are_released_at_shutdown_with_their_jobs_still_queued() -> None:
    clock, released = Clock(), []

    async def release(job: Job) -> None:
        released.append(job.number)

    holds = Holds(release, clock, poll_seconds=0.01)
    jobs = [Job(1, "o/r", n, "a" * 40, f"d{n}", "pull_request.opened") for n in range(3)]
    for job in jobs:
        holds.hold(job, clock.now + 60)
    assert all(job in holds for job in jobs) and holds.timers() == 1
    await asyncio.sleep(0.05)
    assert released == []
    await holds.release_all()
    assert sorted(released) == [0, 1, 2] and len(holds) == 0


async def test_the_circuit_opens_on_an_outage_holds_calls_back_and_closes(
        fake_github: Any, aiohttp_client: Any, pool: ProcessPoolExecutor) -> None:
    fake, clock = fake_github, Clock()
    bot = await retrying_bot(fake, aiohttp_client, pool, clock, threshold=3, open_seconds=300,
                             probe_wait_seconds=1)
    prs = range(1, 5)
    add_prs(fake, prs)
    fake.fail_next("*", "/repos/*", 503, times=1_000_000)  # down until cleared
    await deliver(bot, prs)
    breaker = bot.state.services.breaker
    async with clock.running(rate=1):
        await until(lambda: breaker.state(fake.installation_id) is BreakerState.OPEN)
        await until(lambda: not bot.state.workers.running)
    assert await bot.state.queue.gate().paused_for(fake.installation_id) > 250
    assert await metric(bot, "shipshape_circuit_opened_total") == 1
    held = len(fake.calls)
    await asyncio.sleep(0.3)  # real time passes, the clock does not: no job may call GitHub
    assert len(fake.calls) == held
    fake.clear_failures()  # GitHub is back
    clock.now += 301
    async with clock.running():  # the probe's success closes it; the others follow
        await until(lambda: published(fake, prs) == dict.fromkeys(prs, (1, 1)))
    assert breaker.state(fake.installation_id) is BreakerState.CLOSED


async def test_a_job_still_failing_after_the_retry_time_is_a_dead_letter_on_metrics(
        fake_github: Any, aiohttp_client: Any, pool: ProcessPoolExecutor) -> None:
    fake, clock = fake_github, Clock()
    bot = await retrying_bot(fake, aiohttp_client, pool, clock)
    bot.state.services.retry.max_seconds = 2 * 3600
    add_prs(fake, range(1, 2))
    # GitHub answers the check run but never the files: the review cannot finish.
    fake.fail_next("GET", "/repos/*/pulls/1*", 502, times=1_000_000)
    fake.fail_next("GET", "/repos/*/contents/*", 502, times=1_000_000)
    await deliver(bot, range(1, 2))
    async def waiting_with(retries: int) -> bool:
        return [job.retries for job in await bot.state.queue.pending_jobs()] == [retries]

    for tries in (1, 2):  # tries an hour apart (the backoff is in milliseconds)
        await until(lambda n=tries: waiting_with(n))  # type: ignore[misc]
        assert await bot.state.queue.dead_letters() == []
        clock.now += 3600
    await until(lambda: bot.state.queue.depth() == 0 and not bot.state.workers.running)
    [dead] = await bot.state.queue.dead_letters()
    assert (dead.job.number, dead.job.retries) == (1, 2)
    assert dead.error == "GitHubBroken: 502 Bad Gateway (still failing after 3 tries over 2.0 h)"
    assert await metric(bot, "shipshape_dead_letter_jobs") == 1
    assert await metric(bot, 'shipshape_jobs_total{outcome="dead_letter"}') == 1
    # The run its attempts kept in progress is completed, naming the failure.
    [run] = fake.check_runs(fake.repo)
    assert (run["status"], run["conclusion"]) == ("completed", "neutral")
    assert "502 Bad Gateway" in run["output"]["summary"]


# --- look before re-posting, at the client level ---


@pytest.fixture
async def client(fake_github: Any) -> AsyncIterator[GitHubClient]:
    timeout = aiohttp.ClientTimeout(total=0.5)  # so a hanging answer times out quickly
    async with aiohttp.ClientSession(timeout=timeout) as session:
        yield GitHubClient(session, app_id=str(fake_github.app_id),
                           private_key=fake_github.private_key_pem, base_url=fake_github.url,
                           metrics=Metrics(), backoff=0.001)


@pytest.mark.parametrize("lose", ["502 after the write", "disconnect", "time-out"])
async def test_a_check_run_create_whose_answer_is_lost_is_adopted_not_repeated(
        fake_github: Any, client: GitHubClient, lose: str) -> None:
    fake = fake_github
    add_prs(fake, range(1, 2))
    head = fake.pull(fake.repo, 1).head_sha
    if lose == "502 after the write":
        fake.fail_next("POST", "/repos/*/check-runs", 502, after=True)
    else:
        fake.lose_answer_next("POST", "/repos/*/check-runs", hang=2.0 if lose == "time-out" else 0)
    gh = client.for_installation(fake.installation_id)
    run_id = await check_run.start(gh, fake.repo, head, "d-1", str(fake.app_id))
    [run] = fake.check_runs(fake.repo)
    assert (run["id"], run["status"]) == (run_id, "in_progress")


async def test_a_comment_post_that_timed_out_is_found_not_posted_twice(
        fake_github: Any, client: GitHubClient) -> None:
    fake = fake_github
    add_prs(fake, range(1, 2))
    fake.lose_answer_next("POST", "/repos/*/issues/1/comments", hang=2.0)
    gh = client.for_installation(fake.installation_id)
    outcome = await comment.upsert(gh, fake.repo, 1, BODY, app_id=str(fake.app_id),
                                   cache=comment.CommentCache())
    assert outcome == comment.CREATED
    assert [c["body"] for c in fake.comments(fake.repo, 1)] == [BODY]


async def test_content_creation_is_paced_and_a_long_wait_hands_the_job_back(
        fake_github: Any) -> None:
    fake, clock = fake_github, Clock()
    async with aiohttp.ClientSession() as session:
        client = GitHubClient(session, app_id=str(fake.app_id),
                              private_key=fake.private_key_pem, base_url=fake.url,
                              metrics=Metrics(), sleep=clock.sleep, gate=LocalGate(clock),
                              pacing=((5.0, 2), (3600.0, 4)))
        add_prs(fake, range(1, 2))
        gh = client.for_installation(fake.installation_id)
        start = clock.now
        for n in range(4):
            await gh.post(comment.LIST_URL, repo_vars(fake.repo, number=1),
                          data={"body": f"{BODY}{n}"})
        # Two in the first 5 s, then a wait for the window, then two more.
        assert clock.now - start == pytest.approx(5.0)
        with pytest.raises(InstallationPaused) as paused:
            await gh.post(comment.LIST_URL, repo_vars(fake.repo, number=1),
                          data={"body": f"{BODY}5"})
        assert paused.value.seconds > limits.INLINE_WAIT_SECONDS
        assert classify(paused.value) is not None
        assert len(fake.comments(fake.repo, 1)) == 4


async def test_with_redis_a_pause_one_replica_meets_holds_every_replicas_jobs(
        fake_github: Any, aiohttp_client: Any, pool: ProcessPoolExecutor,
        tmp_path: Path) -> None:
    fake = fake_github
    async with store("redis", tmp_path) as make:
        mine, other_replica = make(), make()
        bot = Bot(await aiohttp_client(create_app(bot_settings(fake), executor=pool,
                                                  queue=mine)), fake)
        assert bot.state.services.client.gate is mine.gate()
        # The other replica met a secondary limit for this installation.
        await other_replica.gate().pause(fake.installation_id, 120)
        add_prs(fake, range(1, 3))
        await deliver(bot, range(1, 3))
        async def both_deferred() -> bool:
            return await metric(bot, 'shipshape_jobs_total{outcome="deferred"}') >= 2

        await until(both_deferred, timeout=10)
        assert fake.calls_to("*", "/repos/*") == []
        assert sorted(j.number for j in await mine.pending_jobs()) == [1, 2]


def test_pacing_follows_the_settings(fake_github: Any) -> None:
    assert _pacing(bot_settings(fake_github)) == ((60.0, 80), (3600.0, 500))
    assert _pacing(bot_settings(fake_github, CONTENT_PER_MINUTE="0")) == ((3600.0, 500),)


async def test_a_retry_looks_for_the_comment_an_attempt_made_before_github_failed(
        fake_github: Any, aiohttp_client: Any, pool: ProcessPoolExecutor) -> None:
    fake, clock = fake_github, Clock()
    bot = await retrying_bot(fake, aiohttp_client, pool, clock)
    add_prs(fake, range(1, 2))
    # GitHub writes the comment but answers 502, then cannot list comments for a while: the
    # attempt fails; the event said the PR had no comments, which is no longer true.
    fake.fail_next("POST", "/repos/*/issues/1/comments", 502, after=True)
    fake.fail_next("GET", "/repos/*/issues/1/comments", 502, times=limits.MAX_ATTEMPTS)
    await deliver(bot, range(1, 2))
    async with clock.running(rate=1):
        await until(lambda: published(fake, range(1, 2)) == {1: (1, 1)})
        await bot.idle()
    assert published(fake, range(1, 2)) == {1: (1, 1)}
    assert await metric(bot, 'shipshape_job_retries_total{kind="outage"}') == 1
    assert [c.status for c in fake.calls_to("POST", "/repos/*/issues/1/comments")] == [502]


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
async def test_an_outage_on_a_durable_queue_leaves_one_run_and_one_comment_per_pr(
        fake_github: Any, aiohttp_client: Any, pool: ProcessPoolExecutor, tmp_path: Path,
        kind: str) -> None:
    fake = fake_github
    async with store(kind, tmp_path) as make:
        queue = make()
        bot = Bot(await aiohttp_client(create_app(bot_settings(fake), executor=pool,
                                                  queue=queue)), fake)
        services = bot.state.services
        services.retry = RetryPolicy(base_seconds=0.02, cap_seconds=0.05)  # the wall clock
        services.breaker = CircuitBreaker(threshold=3, open_seconds=0.1, max_open_seconds=0.4,
                                          probe_wait_seconds=0.05)
        services.client.backoff = 0.001
        prs = range(1, 5)
        add_prs(fake, prs)
        # Enough failed answers that calls run out of their attempts although a job reads
        # five things at once (four attempts each): jobs fail and go back to the queue.
        fake.fail_next("*", "/repos/*", 502, times=160)
        fake.fail_next("POST", "/repos/*/check-runs", 502, times=2, after=True)
        fake.lose_answer_next("POST", "/repos/*/issues/*/comments", times=2)
        await deliver(bot, prs)
        await until(lambda: published(fake, prs) == dict.fromkeys(prs, (1, 1)))
        assert await metric(bot, 'shipshape_job_retries_total{kind="outage"}') >= 1
        assert await metric(bot, "shipshape_circuit_opened_total") >= 1
        assert await queue.dead_letters() == []
