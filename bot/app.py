"""The aiohttp application: routes, and one lifecycle (cleanup_ctx) for the client session,
the review process pool and the workers.

Start-up in the worker role (and both roles in one) starts the review processes before the
first job: the first start of a forkserver pool imports the engine (~0.4 s), and done lazily it
would run inside the first review's `submit`, on the event loop, holding up acknowledgements.

Shutdown order: stop accepting new jobs, give running jobs a grace period, re-queue what did
not finish, then close the pool and the session.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import multiprocessing
import os
from collections.abc import AsyncIterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass

import aiohttp
from aiohttp import web

from bot import limits
from bot.gate import Windows
from bot.github import GitHubClient
from bot.intake import Intake, handle
from bot.logs import get_logger, log
from bot.metrics import CONTENT_TYPE, Metrics
from bot.queue import Job, Queue
from bot.queue.open import open_queue, redis_prefix
from bot.reconcile import Reconciler
from bot.reconcile import stop as stop_reconciler
from bot.reconcile.store import Marks, open_marks
from bot.retry import RetryPolicy
from bot.review import lower_priority
from bot.settings import Settings
from bot.tokens import SharedTokens
from bot.worker import Services, Workers

SHUTDOWN_GRACE_SECONDS = 20.0
# The first reconciler pass waits this long after start (or one interval, if shorter), so a
# deployment's replicas have come up and taken what GitHub is delivering right now.
RECONCILE_FIRST_DELAY_SECONDS = 30.0
_log = get_logger("app")


class Role(enum.Enum):
    """What one process does: `python -m bot [web|worker]`; both by default."""

    ALL = "all"
    WEB = "web"  # webhook intake only: verify, dedupe, queue, answer
    WORKER = "worker"  # jobs only: no webhook route


@dataclass
class State:
    """What the routes and the lifecycle share."""

    settings: Settings
    queue: Queue
    metrics: Metrics
    intake: Intake
    executor: Executor | None = None
    own_queue: bool = False
    role: Role = Role.ALL
    workers: Workers | None = None
    services: Services | None = None


STATE = web.AppKey("shipshape_state", State)


def review_pool(size: int) -> ProcessPoolExecutor:
    """A process pool for reviews; forkserver keeps children clean of the loop's threads."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["bot.review"])
    return ProcessPoolExecutor(max_workers=size, mp_context=context,
                               initializer=lower_priority)


def _pool_size(settings: Settings) -> int:
    return settings.review_processes or max(1, min(settings.workers, os.cpu_count() or 1))


async def start_pool(executor: Executor, size: int) -> None:
    """Start the pool's processes now, from a thread, so no review's `submit` on the event
    loop pays for the forkserver's start and its import of the engine."""
    def start() -> None:
        for future in [executor.submit(os.getpid) for _ in range(size)]:
            future.result()

    await asyncio.to_thread(start)


def shared_tokens(settings: Settings) -> SharedTokens | None:
    """Installation tokens shared through Redis when the queue is there (replicas)."""
    if not settings.queue_url.startswith(("redis://", "rediss://")):
        return None
    from bot.redis_tokens import RedisTokens  # redis is imported only by Redis deployments

    url, prefix = redis_prefix(settings.queue_url)
    return RedisTokens(url, prefix)


async def _lifecycle(app: web.Application) -> AsyncIterator[None]:
    state = app[STATE]
    if state.role is Role.WEB:  # no pool, no workers, no GitHub session: intake only
        log(_log, logging.INFO, "started", role=state.role.value, **state.settings.describe())
        try:
            yield
        finally:
            if state.own_queue:
                await state.queue.shutdown()
        return
    settings = state.settings
    own_pool = state.executor is None
    executor = state.executor or review_pool(_pool_size(settings))
    if own_pool:
        await start_pool(executor, _pool_size(settings))
    timeout = aiohttp.ClientTimeout(total=60, connect=10)
    connector = aiohttp.TCPConnector(limit=limits.MAX_CONCURRENT_REQUESTS)
    tokens = shared_tokens(settings)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        client = GitHubClient(session, app_id=settings.app_id, private_key=settings.private_key,
                              base_url=settings.github_api_url, metrics=state.metrics,
                              shared_tokens=tokens, gate=state.queue.gate(),
                              pacing=_pacing(settings))
        state.services = Services(
            client, state.queue, executor, state.metrics, settings.app_id,
            new_executor=(lambda: review_pool(_pool_size(settings))) if own_pool else None,
            review_timeout=settings.review_timeout,
            retry=RetryPolicy(max_seconds=settings.retry_hours * 3600))
        state.workers = Workers(state.services, settings.workers)
        state.workers.start()
        reconciler = _start_reconciler(settings, client, state.queue)
        log(_log, logging.INFO, "started", role=state.role.value, **settings.describe())
        try:
            yield
        finally:
            if reconciler is not None:
                await stop_reconciler(reconciler[0])
                await reconciler[1].close()
            requeued = await state.workers.stop(SHUTDOWN_GRACE_SECONDS)
            # Named so that, with the in-memory queue, they can be redelivered from the App's
            # settings page; a durable queue keeps them for the next start.
            waiting = await _waiting(state.queue)
            log(_log, logging.INFO, "stopped", requeued=[_brief(j) for j in requeued],
                waiting=[_brief(j) for j in waiting])
            if state.own_queue:
                await state.queue.shutdown()
            if own_pool and state.services.executor is not None:
                state.services.executor.shutdown(wait=True, cancel_futures=True)
            if tokens is not None:
                await tokens.close()


def _pacing(settings: Settings) -> Windows:
    """The content-creation windows the settings ask for (a 0 drops its window)."""
    return tuple((span, cap) for span, cap in ((60.0, settings.content_per_minute),
                                               (3600.0, settings.content_per_hour)) if cap)


def _start_reconciler(settings: Settings, client: GitHubClient, queue: Queue
                      ) -> tuple[asyncio.Task[None], Marks] | None:
    """The periodic reconciler (bot/reconcile) in a process that has a GitHub session."""
    if settings.reconcile_interval <= 0:
        return None
    marks = open_marks(settings)
    reconciler = Reconciler(client, queue, marks, interval=settings.reconcile_interval)
    first = min(settings.reconcile_interval, RECONCILE_FIRST_DELAY_SECONDS)
    task = asyncio.create_task(reconciler.run_forever(first), name="shipshape-reconciler")
    return task, marks


async def _waiting(queue: Queue) -> list[Job]:
    try:
        return await queue.pending_jobs()
    except Exception:  # the backend is unreachable: the jobs stay in it, unnamed here
        _log.exception("could not list the waiting jobs")
        return []


def _brief(job: Job) -> dict[str, object]:
    return {"delivery": job.delivery_id, "repo": job.repo, "pr": job.number,
            "head": job.head_sha}


async def healthz(request: web.Request) -> web.Response:
    """Liveness and the queue depth."""
    state = request.app[STATE]
    running = len(state.workers.running) if state.workers else 0
    return web.json_response({"status": "ok", "queue_depth": state.queue.depth(),
                              "running": running})


async def metrics(request: web.Request) -> web.Response:
    """Prometheus text format."""
    state = request.app[STATE]
    state.metrics.queue_depth.set(state.queue.depth())
    try:
        state.metrics.dead_letters.set(await state.queue.dead_letter_count())
    except Exception:  # the gauge keeps its last value; /metrics itself must answer
        _log.exception("could not count the dead letters")
    return web.Response(body=state.metrics.render(), headers={"Content-Type": CONTENT_TYPE})


def create_app(settings: Settings, *, executor: Executor | None = None,
               queue: Queue | None = None, role: Role = Role.ALL) -> web.Application:
    """Build the server; `executor` runs reviews (default: a process pool it owns)."""
    own_queue = queue is None
    queue = queue if queue is not None else open_queue(settings)
    metrics_ = Metrics()

    def forget_installation(installation_id: int) -> None:
        if state.services is not None:
            state.services.client.forget_installation(installation_id)
            state.services.configs.forget_installation(installation_id)

    intake = Intake(settings.webhook_secret, queue, metrics_, settings.app_id,
                    forget_installation)
    state = State(settings, queue, metrics_, intake, executor, own_queue, role)
    # One byte over GitHub's cap, so aiohttp refuses a bigger body while reading it.
    # Lingering (reading the rest of a refused body so the sender sees the answer) is cut
    # from aiohttp's 10 s, which would keep a stranger's stalled body open that much longer.
    # aiohttp's keep-alive timer also closes a connection whose request head never completes.
    # A smaller read buffer bounds what each stranger's connection holds (bot/limits.py).
    app = web.Application(client_max_size=limits.MAX_PAYLOAD_BYTES + 1, handler_args={
        "lingering_time": limits.REFUSED_BODY_LINGER_SECONDS,
        "keepalive_timeout": limits.IDLE_CONNECTION_SECONDS,
        "read_bufsize": limits.READ_BUFFER_BYTES})
    app[STATE] = state

    async def webhook(request: web.Request) -> web.Response:
        """POST $WEBHOOK_PATH."""
        return await handle(request, state.intake)

    if role is not Role.WORKER:
        app.router.add_post(settings.webhook_path, webhook)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    app.cleanup_ctx.append(_lifecycle)
    return app
