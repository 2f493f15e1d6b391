"""Workers: take jobs from the queue and run them, one PR at a time, newest head winning.

A job's life: the PR as its event described it (a GET only for check_run / check_suite events;
a head other than the job's means a newer job exists: stop) -> at once: our check run found or
created in progress, the config from the base branch (then the head's tree, when a check reads
it), the commits, the changes and the PR's comments (the waivers and story links slash
commands recorded there: bot/commands/history.py; also the lookup of our checklist comment)
-> the review in a worker process -> before each write, `queue.is_current` again, so a result
computed for a stale head is never published -> at once: check run completed, checklist
comment, size label. A small PR costs three sequential round trips to GitHub. Every job ends
in a logged outcome, and a started check run is always completed, even when the job fails.

A job failing for a passing reason (GitHub down, 5xx, time-outs, rate limits: bot/retry.py)
leaves its check run in progress and goes back to the queue with backoff; its next attempt
adopts that run. Past the bounded retry time it becomes a dead letter and its run is completed.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from typing import Protocol

import cachetools

import checks
from bot.audit import KIND as AUDIT_KIND
from bot.audit import AuditState, run_audit
from bot.commands.history import load_state, with_state
from bot.commands.records import PullState
from bot.commands.state import CommandState
from bot.concurrency import gather, settle
from bot.config_files import ConfigCache, error_summary, load_config
from bot.github import GitHubClient, Installation, is_gone
from bot.logs import delivery_context, get_logger, log
from bot.metrics import Metrics
from bot.outcome import JobOutcome, JobResult
from bot.publish import check_run, comment, label, superseded
from bot.queue import MERGE_GROUP, Job, Queue, QueueClosed
from bot.retry import CircuitBreaker, Holds, Kind, Passing, RetryPolicy, classify
from bot.review import Outputs, review
from bot.snapshot import (
    Built,
    Pull,
    TreeCache,
    build_document,
    fetch_pull,
    needs_repo_files,
    with_repo_files,
)
from checks.render import Conclusion
from checks.render.escape import code_span

_log = get_logger("worker")
QUEUE_RETRY_SECONDS = 1.0


@dataclass
class Services:
    """Everything a job needs, built once per process by the app's lifecycle."""

    client: GitHubClient
    queue: Queue
    executor: Executor | None
    metrics: Metrics
    app_id: str
    # Makes a fresh pool when a review process dies (out of memory on a huge diff), so one
    # crash does not fail every later job; None when the executor is not ours to replace.
    new_executor: Callable[[], Executor] | None = None
    # A review past this is stopped: a team's own regular expression can backtrack for ever.
    review_timeout: float = 120.0
    comments: comment.CommentCache = field(default_factory=comment.CommentCache)
    trees: TreeCache = field(default_factory=TreeCache)
    configs: ConfigCache = field(default_factory=ConfigCache)
    # The run this process last completed on a head, and a digest of what it said, so a
    # re-review of the same head that finds the same thing writes nothing.
    runs: cachetools.LRUCache[str, tuple[int, str]] = field(
        default_factory=lambda: cachetools.LRUCache(10_000))
    audit: AuditState = field(default_factory=AuditState)
    commands: CommandState = field(default_factory=CommandState)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    breaker: CircuitBreaker = field(default_factory=CircuitBreaker)
    sweeper: superseded.Sweeper = field(default_factory=superseded.Sweeper)


class ReviewHook(Protocol):
    """What a slash command adds to a review: change the document before the checks run,
    then see the result (False: publish nothing, the command only wanted to read it)."""

    async def prepare(self, ctx: InFlight, config: checks.Config, built: Built) -> Built:
        """Return the document to review."""

    async def reviewed(self, ctx: InFlight, outputs: Outputs) -> bool:
        """Act on the result; True to publish it."""


@dataclass
class InFlight:
    """One job in flight: its services, GitHub view, PR and check run."""

    services: Services
    job: Job
    gh: Installation
    pull: Pull | None = None
    run_id: int | None = None
    run_completed: bool = False
    # Set by a command job, which validated the config already and wants a say in the review.
    config: checks.Config | None = None
    # What the configuration layers refused (a locked key), shown beside the checklist.
    config_notices: tuple[str, ...] = ()
    hook: ReviewHook | None = None
    # Our completed run on this head found on GitHub (another process, or before a restart).
    found: check_run.ExistingRun | None = None
    # Finding or creating this head's run, beside the reads of the review (`review_pull`).
    starting: asyncio.Task[None] | None = None

    async def current(self) -> bool:
        """True while no newer head has been seen for the PR."""
        return await self.services.queue.is_current(self.job)

    async def run_ready(self) -> None:
        """Wait until this job's check run is found or created (raising what that raised);
        whatever writes to the run waits for this first."""
        if self.starting is not None:
            await asyncio.shield(self.starting)  # a caller's cancellation never cuts it off


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


async def _complete(ctx: InFlight, conclusion: Conclusion, title: str, summary: str,
                    annotations: list[dict[str, object]] | None = None) -> str:
    """Complete (or leave alone, when unchanged) this head's check run; return what happened."""
    await ctx.run_ready()
    key = f"{ctx.job.repo}@{ctx.job.head_sha}"
    digest = _digest(conclusion, title, summary, annotations or [])
    known = ctx.services.runs.get(key)
    if ctx.run_id is None and known is not None and known[1] == digest:
        ctx.run_completed = True
        return "unchanged"
    if ctx.run_id is None and ctx.found is not None and ctx.found.says(conclusion, title,
                                                                       summary):
        ctx.run_completed = True
        return "unchanged"
    run_id = ctx.run_id
    if run_id is None:
        # A new result for a head that has our run: a fresh run, since an update would
        # append its annotations to the old ones.
        run_id = await check_run.start(ctx.gh, ctx.job.repo, ctx.job.head_sha,
                                       ctx.job.delivery_id, ctx.services.app_id)
    await check_run.complete(ctx.gh, ctx.job.repo, run_id, conclusion=conclusion, title=title,
                             summary=summary, annotations=annotations or [])
    ctx.run_id, ctx.run_completed = run_id, True
    ctx.services.runs[key] = (run_id, digest)
    return "completed"


async def _start_run(ctx: InFlight) -> None:
    key = f"{ctx.job.repo}@{ctx.job.head_sha}"
    if not ctx.job.rerun and key in ctx.services.runs:
        return  # this head already has our completed run: update it only if the result changes
    if not ctx.job.rerun or ctx.job.retries:
        # The in-memory cache only sits in front of GitHub: a run created by another process,
        # or by this one before a crash or a failed attempt, is adopted (in progress) or
        # compared (completed; a Re-run wants a fresh one).
        found = await check_run.find(ctx.gh, ctx.job.repo, ctx.job.head_sha,
                                     ctx.services.app_id)
        if found is not None and (not found.completed or found.interrupted):
            ctx.run_id = found.id
            return
        if found is not None and not ctx.job.rerun:
            ctx.found = found
            return
    ctx.run_id = await check_run.start(ctx.gh, ctx.job.repo, ctx.job.head_sha,
                                       ctx.job.delivery_id, ctx.services.app_id)


async def _config_error(ctx: InFlight, error: checks.ConfigError) -> JobResult:
    await _complete(ctx, Conclusion.NEUTRAL, "Configuration error: no checks ran",
                    error_summary(error))
    return JobResult(JobOutcome.CONFIG_ERROR, Conclusion.NEUTRAL)


async def _superseded(ctx: InFlight) -> JobResult:
    await ctx.run_ready()
    if ctx.run_id is not None and not ctx.run_completed:
        await check_run.complete(
            ctx.gh, ctx.job.repo, ctx.run_id, conclusion=Conclusion.CANCELLED,
            title="Superseded by a newer commit",
            summary="A newer commit was pushed to this pull request; it is reviewed instead.")
        ctx.run_completed = True
        return JobResult(JobOutcome.SUPERSEDED, Conclusion.CANCELLED)
    return JobResult(JobOutcome.SUPERSEDED)


class ReviewTimeout(Exception):
    """The checks did not finish within the review timeout."""


def _replace_pool(services: Services) -> None:
    """Swap in a fresh pool and stop the old one's processes (a hung or dead review)."""
    if services.new_executor is None or services.executor is None:
        return
    old, services.executor = services.executor, services.new_executor()
    # ProcessPoolExecutor cannot cancel a running call; ending its processes is the only
    # way to get the CPU back. Reviews running beside it fail and are completed neutral.
    for process in list(getattr(old, "_processes", {}).values()):
        process.kill()
    old.shutdown(wait=False, cancel_futures=True)


async def _run_review(ctx: InFlight, document: dict[str, object], config: checks.Config,
                      notices: tuple[str, ...]) -> Outputs:
    services = ctx.services
    if services.executor is None:
        return review(document, config, notices)
    loop = asyncio.get_running_loop()
    try:
        # The validated config crosses to the review process pickled: its text is parsed once.
        # Inside the try: a pool whose idle process died refuses the submit itself.
        future = loop.run_in_executor(services.executor, review, document, config, notices)
        return await asyncio.wait_for(future, services.review_timeout)
    except TimeoutError:
        _replace_pool(services)
        raise ReviewTimeout from None
    except BrokenProcessPool:
        _replace_pool(services)
        raise


def _draft_conclusion(pull: Pull, outputs: Outputs) -> tuple[Conclusion, str]:
    if pull.draft and outputs.conclusion is Conclusion.FAILURE:
        return Conclusion.NEUTRAL, f"Draft: {outputs.title}"
    return outputs.conclusion, outputs.title


async def _comment(ctx: InFlight, pull: Pull, config: checks.Config, outputs: Outputs) -> str:
    if not config.settings.comment:
        return comment.UNCHANGED
    # `listed`: the review's comment history (`load_state(find_ours=True)`) was the lookup.
    return await comment.upsert(
        ctx.gh, pull.repo, pull.number, outputs.checklist, app_id=ctx.services.app_id,
        cache=ctx.services.comments, guard=ctx.current,
        tail=check_run.left_out_note(outputs.annotations), listed=True)


async def _label(ctx: InFlight, pull: Pull, config: checks.Config, outputs: Outputs) -> None:
    if config.settings.size_label and outputs.size_label and await ctx.current():
        await label.apply(ctx.gh, pull.repo, pull.number, outputs.size_label, pull.labels)


async def _publish(ctx: InFlight, config: checks.Config, outputs: Outputs) -> JobResult:
    pull = ctx.pull
    assert pull is not None
    conclusion, title = _draft_conclusion(pull, outputs)
    # Three independent writes, at once. Each one finishes even when another fails: a write
    # cut off halfway may or may not be on GitHub, and every one of them is safe to repeat
    # (the run is compared or adopted, the comment looked for, the label checked), so the
    # retry after a failure changes nothing twice.
    results = await asyncio.gather(
        _complete(ctx, conclusion, title, outputs.checklist, outputs.annotations),
        _comment(ctx, pull, config, outputs), _label(ctx, pull, config, outputs),
        return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    if results[1] == comment.SUPERSEDED:
        return JobResult(JobOutcome.SUPERSEDED, conclusion)
    return JobResult(JobOutcome.PUBLISHED, conclusion)


@dataclass(frozen=True)
class _Setting:
    """The configuration a review runs by (or the error that stops it), and the head's file
    list when an enabled check reads it."""

    config: checks.Config | None
    error: checks.ConfigError | None = None
    notices: tuple[str, ...] = ()
    listing: tuple[list[str], bool] | None = None


def _skips_draft(pull: Pull, config: checks.Config) -> bool:
    return pull.draft and config.settings.draft is checks.DraftPolicy.SKIP


async def _setting(ctx: InFlight) -> _Setting:
    """The configuration (the command job's, or the base branch's), then the head's tree if
    a check reads it: the only read that waits for another."""
    pull = ctx.pull
    assert pull is not None
    if ctx.config is not None:
        setting = _Setting(ctx.config, notices=ctx.config_notices)
    else:
        loaded = await load_config(ctx.gh, pull.repo, pull.base_ref, ctx.services.configs)
        setting = _Setting(loaded.config, loaded.error, loaded.notices)
    config = setting.config
    if config is None or _skips_draft(pull, config) or not needs_repo_files(config):
        return setting
    # Read by the head's commit sha rather than its tree sha (from the commits list), so it
    # does not wait for the commits.
    return replace(setting, listing=await ctx.services.trees.paths(ctx.gh, pull.repo,
                                                                   pull.head_sha))


async def _history(ctx: InFlight, pull: Pull) -> PullState:
    # Also the sticky comment's lookup, a round trip before the review instead of after it.
    services = ctx.services
    return await load_state(ctx.gh, pull, services.app_id, services.commands.bot_login,
                            services.comments, find_ours=True)


async def _read(ctx: InFlight) -> tuple[_Setting, Built]:
    """Everything the review reads, at once: the configuration (then the tree), the commits,
    the changes, and the comment history. A draft's configuration comes first: it may say
    not to review it, and then nothing else is read."""
    pull = ctx.pull
    assert pull is not None
    if pull.draft:
        setting = await _setting(ctx)
        if setting.config is None or _skips_draft(pull, setting.config):
            return setting, Built({}, (), None)
        built, state = await gather(build_document(ctx.gh, pull), _history(ctx, pull))
    else:
        setting, built, state = await gather(_setting(ctx), build_document(ctx.gh, pull),
                                             _history(ctx, pull))
    built = with_state(built, state)
    if setting.listing is not None:
        built = with_repo_files(built, setting.listing)
    return setting, built


async def _review_pull(ctx: InFlight) -> JobResult:
    pull = ctx.pull
    assert pull is not None
    setting, built = await _read(ctx)
    config = setting.config
    if config is None:
        assert setting.error is not None
        return await _config_error(ctx, setting.error)
    ctx.config_notices = setting.notices
    if _skips_draft(pull, config):
        await _complete(ctx, Conclusion.SKIPPED, "Draft: not reviewed",
                        "This pull request is a draft and the configuration says `draft: skip`."
                        " It is reviewed when it is marked ready for review.")
        return JobResult(JobOutcome.DRAFT_SKIPPED, Conclusion.SKIPPED)
    if ctx.hook is not None:
        built = await ctx.hook.prepare(ctx, config, built)
    # GitHub already has a newer head than the queue knows (its push's delivery is late or
    # lost, the reconciler brings it): reviewing this head with the newer commits would
    # publish a second, different result for it.
    if built.moved_on or not await ctx.current():
        return await _superseded(ctx)
    try:
        notices = (ctx.config_notices + built.notices
                   + ctx.services.audit.notices(pull.repo))
        outputs = await _run_review(ctx, built.document, config, notices)
    except checks.SnapshotError as exc:
        await _complete(ctx, Conclusion.NEUTRAL, "Could not read this pull request's changes",
                        f"shipshape could not read the changes: {code_span(str(exc))}")
        return JobResult(JobOutcome.UNREADABLE, Conclusion.NEUTRAL)
    except ReviewTimeout:
        await _complete(ctx, Conclusion.NEUTRAL, "Review stopped: it took too long",
                        f"The checks did not finish within {ctx.services.review_timeout:g} "
                        "seconds and were stopped. A regular expression in the configuration "
                        "that backtracks on this PR's text is the usual cause.")
        return JobResult(JobOutcome.TIMEOUT, Conclusion.NEUTRAL)
    if not await ctx.current():
        return await _superseded(ctx)
    ctx.services.audit.remember(pull.repo, pull.head_sha, config, built.document, outputs)
    if ctx.hook is not None and not await ctx.hook.reviewed(ctx, outputs):
        return JobResult(JobOutcome.REPLIED)
    return await _publish(ctx, config, outputs)


async def _pull_of(ctx: InFlight) -> Pull:
    """The PR as the event described it, or from GitHub when the event had none."""
    job = ctx.job
    if job.pull is not None:
        try:
            return Pull.from_api(job.repo, job.pull)
        except (KeyError, TypeError, ValueError):
            pass  # an odd payload: ask GitHub
    return await fetch_pull(ctx.gh, job.repo, job.number)


async def run_job(services: Services, job: Job) -> JobResult:
    """Run one job to a final outcome (what was published, or why nothing was)."""
    if job.kind == MERGE_GROUP:
        from bot.merge_group import run_merge_group  # it builds on this module

        return await run_merge_group(services, job)
    if job.kind == "command":
        from bot.commands.handler import handle  # the handler reviews through this module

        return await handle(services, job)
    if job.kind == AUDIT_KIND:
        await run_audit(services, job)
        return JobResult(JobOutcome.AUDITED)
    result = await _review_job(services, job)
    await superseded.after_review(services, job, result)
    # The event's audit-log entries, from what the review just found; not when the checks
    # could not run (they would fail the same way again).
    if job.audits and result.outcome not in NO_AUDIT:
        await run_audit(services, job)
    return result


NO_AUDIT = (JobOutcome.TIMEOUT, JobOutcome.UNREADABLE, JobOutcome.CONFIG_ERROR)


async def _review_job(services: Services, job: Job) -> JobResult:
    ctx = InFlight(services, job, services.client.for_installation(job.installation_id))
    ctx.pull = await _pull_of(ctx)
    if ctx.pull.state != "open":
        return JobResult(JobOutcome.CLOSED)
    if ctx.pull.head_sha != job.head_sha:
        # the PR moved on; the push's own event reviews the new head
        return JobResult(JobOutcome.SUPERSEDED)
    return await review_pull(ctx)


async def review_pull(ctx: InFlight, *, start: bool = True) -> JobResult:
    """Review `ctx.pull` at its head and publish; `start=False` opens no check run.

    The run is found or created (two round trips) while the review reads: no read waits for
    it, and its failure stops the reads. A create in flight when a read fails is waited for,
    never cut off, so the run it made is completed below or adopted by the retry.
    """
    if not await ctx.current():
        return JobResult(JobOutcome.SUPERSEDED)
    if start:
        ctx.starting = asyncio.create_task(_start_run(ctx))
    try:
        result, _ = await gather(_review_pull(ctx), ctx.run_ready())
        return result
    except BaseException as exc:
        if isinstance(exc, asyncio.CancelledError) and ctx.starting is not None:
            ctx.starting.cancel()  # the job stops: the requeued job adopts what it made
        await settle(ctx.starting)
        # After a passing failure the run stays in progress: the retry adopts it.
        if ctx.run_id is not None and not ctx.run_completed and classify(exc) is None:
            await asyncio.shield(_fail_run(ctx))
        raise


FAILED_SUMMARY = ("shipshape could not finish this review (GitHub or the server failed). "
                  "Use Re-run to try again.")


async def _fail_run(ctx: InFlight, summary: str = FAILED_SUMMARY) -> None:
    """Complete a started run when the job failed, so no required check waits forever."""
    try:
        await check_run.complete(
            ctx.gh, ctx.job.repo, ctx.run_id or 0, conclusion=Conclusion.NEUTRAL,
            title=check_run.INTERRUPTED_TITLE, summary=summary)
    except Exception as exc:
        if not is_gone(exc):  # a deleted repository takes its check runs with it
            _log.exception("could not complete the check run after a failure",
                           extra={"fields": {"delivery": ctx.job.delivery_id}})


async def _complete_left_run(services: Services, job: Job, error: str) -> None:
    """Complete the in-progress run a job given up on left on its head (its retries adopted
    it), so no required check waits for ever; best effort, GitHub may still be down."""
    if not job.head_sha or job.kind not in ("review", MERGE_GROUP):
        return
    ctx = InFlight(services, job, services.client.for_installation(job.installation_id))
    try:
        found = await check_run.find(ctx.gh, job.repo, job.head_sha, services.app_id)
    except Exception:
        _log.exception("could not look up the check run of a dead letter",
                       extra={"fields": {"delivery": job.delivery_id}})
        return
    if found is not None and not found.completed:
        ctx.run_id = found.id
        await _fail_run(ctx, f"{FAILED_SUMMARY}\n\nGitHub kept failing: {code_span(error)}")


class Workers:
    """A fixed number of tasks taking jobs from the queue."""

    def __init__(self, services: Services, count: int) -> None:
        self.services = services
        self.count = count
        self._tasks: list[asyncio.Task[None]] = []
        self.running: dict[str, Job] = {}
        # PRs whose job was held back: taken until their installation's pause ends (on the
        # retry policy's clock, read when asked: tests replace the policy).
        self.holds = Holds(services.queue.done, lambda: services.retry.clock())
        # One idle worker waits on the queue at a time: a new job wakes one taker, where every
        # idle worker used to look (a SQLite write transaction each) for the one job.
        self._taking = asyncio.Lock()

    def start(self) -> None:
        """Start the worker tasks."""
        self._tasks = [asyncio.create_task(self._loop(), name=f"shipshape-worker-{i}")
                       for i in range(self.count)]

    async def stop(self, grace: float) -> list[Job]:
        """Stop taking jobs, let running ones finish for `grace` seconds, then re-queue the rest."""
        await self.services.queue.close()
        _done, pending = await asyncio.wait(self._tasks, timeout=grace) if self._tasks else (
            set(), set())
        unfinished = list(self.running.values())
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        await self.holds.release_all()
        return unfinished if pending else []

    async def _loop(self) -> None:
        """Take jobs until the queue closes; nothing but shutdown ends this loop."""
        while True:
            try:
                async with self._taking:
                    job = await self.services.queue.get()
            except QueueClosed:
                return
            except Exception:  # a queue backend hiccup (Redis later): wait and take again
                _log.exception("could not take a job from the queue")
                await asyncio.sleep(QUEUE_RETRY_SECONDS)
                continue
            with delivery_context(job.delivery_id):
                await self._work_on(job)

    async def _work_on(self, job: Job) -> None:
        queue = self.services.queue
        self.services.metrics.queue_depth.set(queue.depth())
        self.running[job.pr_key] = job
        self.services.metrics.jobs_running.set(len(self.running))
        try:
            await self._run(job)
        except asyncio.CancelledError:
            await queue.requeue(job)
            raise
        except Exception:  # _run logs the job's outcome; this is a failure around it
            _log.exception("worker error", extra={"fields": {"delivery": job.delivery_id}})
        finally:
            self.running.pop(job.pr_key, None)
            self.services.metrics.jobs_running.set(len(self.running))
        if job in self.holds:
            return  # released when its installation's pause ends
        try:
            await queue.done(job)
        except Exception:
            _log.exception("could not release the PR in the queue",
                           extra={"fields": {"delivery": job.delivery_id, "pr": job.pr_key}})

    async def _held_back(self, job: Job) -> JobResult | None:
        """Put the job back, unrun, while its installation is paused or its circuit open."""
        services = self.services
        wait = await services.queue.gate().paused_for(job.installation_id)
        if wait <= 0:
            wait = services.breaker.admit(job.installation_id)
        if wait <= 0:
            return None
        until = services.retry.clock() + wait
        await services.queue.retry_later(job, until)
        self.holds.hold(job, until)
        return JobResult(JobOutcome.DEFERRED)

    async def _retry(self, job: Job, passing: Passing) -> JobResult:
        """Send a job that failed for a passing reason back with backoff, or give up on it."""
        services, installation = self.services, job.installation_id
        if passing.kind is Kind.OUTAGE:
            opened = services.breaker.failed(installation)
            if opened is not None:
                services.metrics.circuit_opened.inc()
                await services.queue.gate().pause(installation, opened)
                log(_log, logging.WARNING, "circuit opened: installation paused",
                    installation=installation, seconds=round(opened, 3))
        else:
            services.breaker.released(installation)
        now = services.retry.clock()
        since = job.retry_since or now
        if services.retry.given_up(since, now):
            error = (f"{passing.error} (still failing after {job.retries + 1} tries over "
                     f"{(now - since) / 3600:.1f} h)")
            await services.queue.release_delivery(job.delivery_id)
            await services.queue.bury(job, error)
            await _complete_left_run(services, job, passing.error)
            return JobResult(JobOutcome.DEAD_LETTER, error=passing.error)
        wait = max(services.retry.backoff(job.retries), passing.wait,
                   await services.queue.gate().paused_for(installation))
        await services.queue.retry_later(replace(job, retries=job.retries + 1,
                                                 retry_since=since), now + wait)
        services.metrics.job_retries.labels(passing.kind.value).inc()
        return JobResult(JobOutcome.RETRYING, error=passing.error)

    async def _run(self, job: Job) -> None:
        started = time.perf_counter()
        level = logging.INFO
        result = JobResult(JobOutcome.ERROR)  # what is logged if a BaseException ends it
        breaker = self.services.breaker
        try:
            held = await self._held_back(job)
            if held is not None:
                result = held
                return
            result = await run_job(self.services, job)
            breaker.succeeded(job.installation_id)
        except asyncio.CancelledError:
            result = JobResult(JobOutcome.REQUEUED)
            breaker.released(job.installation_id)
            raise
        except Exception as exc:
            passing = classify(exc)
            if is_gone(exc):  # the repository or PR was deleted meanwhile: nothing to report
                result = JobResult(JobOutcome.GONE)
                breaker.succeeded(job.installation_id)
            elif passing is not None:
                result = await self._retry(job, passing)
                level = logging.ERROR if result.outcome is JobOutcome.DEAD_LETTER else (
                    logging.WARNING)
            else:
                breaker.released(job.installation_id)
                result = JobResult(JobOutcome.ERROR, error=type(exc).__name__)
                level = logging.ERROR
                _log.exception("job failed", extra={"fields": {"delivery": job.delivery_id}})
                # Let the delivery run again when someone redelivers it from the App's page.
                await self.services.queue.release_delivery(job.delivery_id)
                # Retries with backoff are not done yet: a failed job is kept as a dead letter.
                await self.services.queue.bury(job, type(exc).__name__)
        finally:
            duration = time.perf_counter() - started
            self.services.metrics.jobs.labels(result.label).inc()
            self.services.metrics.job_duration.observe(duration)
            log(_log, level, "job", delivery=job.delivery_id, repo=job.repo, pr=job.number,
                head=job.head_sha, event=job.event, **result.fields(),
                duration_ms=round(duration * 1000, 1))
