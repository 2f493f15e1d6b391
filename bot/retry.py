"""Jobs through GitHub's bad minutes: which failures pass, when to try again, when to stop.

A job that fails because GitHub is unreachable, answers 5xx, times out or rate-limits goes back
to the queue (`Queue.retry_later`) after a backoff: exponential in the job's retries with
jitter, and never before its installation's pause ends. Each installation has a circuit
breaker: after `threshold` outage failures in a row it opens, pausing the installation (all its
jobs wait, other installations go on); when the pause ends one job probes; its success closes
the breaker, its failure opens it again for twice as long. A job still failing `max_seconds`
after its first failure becomes a dead letter with its error.

A job held back because its installation is paused keeps its PR taken until the pause ends
(`Holds`): newer deliveries for the PR wait in its slot, where each would otherwise be handed
out at once and put back, one queue round trip and log line per delivery on the intake's loop
for as long as GitHub is down.
"""

from __future__ import annotations

import asyncio
import enum
import math
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp
import gidgethub

from bot import limits
from bot.gate import InstallationPaused
from bot.github import exception_message, rate_limit_wait
from bot.logs import get_logger
from bot.queue import Job

_log = get_logger("retry")
# How often a held PR looks at the clock (injectable: tests move it) to see its pause ended.
HOLD_POLL_SECONDS = 1.0
HOLD_GRAIN_SECONDS = 0.1


class Kind(enum.Enum):
    """Why a failure is expected to pass."""

    OUTAGE = "outage"  # unreachable, 5xx, time-out: counts toward the circuit breaker
    RATE_LIMIT = "rate_limit"  # GitHub said to slow down: the installation is paused
    PAUSED = "paused"  # the installation was paused (by this job or another)


@dataclass(frozen=True)
class Passing:
    """A failure worth trying again, and the seconds GitHub asked to wait (0: backoff only)."""

    kind: Kind
    error: str
    wait: float = 0.0


def describe(exc: BaseException) -> str:
    """One line naming a failure: its type, and GitHub's status and message when it answered."""
    if isinstance(exc, gidgethub.HTTPException):
        message = exception_message(exc)
        return f"{type(exc).__name__}: {int(exc.status_code)} {message}".strip()
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def classify(exc: BaseException, now: float | None = None) -> Passing | None:
    """The failure as a passing one, or None when trying again would fail the same way
    (`now`: epoch seconds, against which `x-ratelimit-reset` is read)."""
    if isinstance(exc, InstallationPaused):
        return Passing(Kind.PAUSED, str(exc), exc.seconds)
    if isinstance(exc, gidgethub.GitHubBroken):
        return Passing(Kind.OUTAGE, describe(exc))
    if isinstance(exc, (TimeoutError, aiohttp.ClientConnectionError, aiohttp.ClientPayloadError)):
        return Passing(Kind.OUTAGE, describe(exc))
    if isinstance(exc, gidgethub.BadRequest) and int(exc.status_code) in (403, 429):
        wait = rate_limit_wait(int(exc.status_code), exc.headers or {},
                               exception_message(exc), 1, time.time() if now is None else now)
        if wait is not None:
            return Passing(Kind.RATE_LIMIT, describe(exc), wait)
    return None


@dataclass
class RetryPolicy:
    """How long and how often a failed job is tried again; clock and randomness injectable."""

    max_seconds: float = limits.DEFAULT_RETRY_HOURS * 3600
    base_seconds: float = 5.0
    cap_seconds: float = 600.0
    clock: Callable[[], float] = time.time
    rand: Callable[[], float] = random.random

    def backoff(self, retries: int) -> float:
        """Seconds before retry number `retries + 1`: doubling, capped, the upper half
        jittered so jobs failed together do not come back together."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** min(retries, 32))
        return ceiling / 2 + self.rand() * ceiling / 2

    def given_up(self, since: float, now: float) -> bool:
        """True once a job first failed at `since` has been retried long enough."""
        return now - since >= self.max_seconds


class BreakerState(enum.Enum):
    """Where an installation's circuit breaker stands."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass
class _Circuit:
    failures: int = 0
    opened_until: float = 0.0
    open_seconds: float = 0.0
    probing: bool = False


@dataclass
class CircuitBreaker:
    """One circuit per installation, in this process; opening it pauses the installation
    through the gate, which replicas share when the queue is in Redis."""

    threshold: int = 5
    # Short first: a 20 s outage that opened it costs ~15 s after GitHub is back
    # (bench/outage.py; 30 s cost 30 s); a longer outage doubles it up to 10 minutes.
    open_seconds: float = 15.0
    max_open_seconds: float = 600.0
    # How long a job waits while another one probes a half-open circuit.
    probe_wait_seconds: float = 2.0
    clock: Callable[[], float] = time.time
    _circuits: dict[int, _Circuit] = field(default_factory=dict)

    def state(self, installation_id: int) -> BreakerState:
        """The circuit's state now."""
        circuit = self._circuits.get(installation_id)
        if circuit is None or not circuit.opened_until:
            return BreakerState.CLOSED
        if self.clock() < circuit.opened_until:
            return BreakerState.OPEN
        return BreakerState.HALF_OPEN

    def admit(self, installation_id: int) -> float:
        """0 when a job of the installation may run now, else the seconds to wait."""
        circuit = self._circuits.get(installation_id)
        state = self.state(installation_id)
        if circuit is None or state is BreakerState.CLOSED:
            return 0.0
        if state is BreakerState.OPEN:
            return circuit.opened_until - self.clock()
        if circuit.probing:
            return self.probe_wait_seconds
        circuit.probing = True  # this job is the probe
        return 0.0

    def failed(self, installation_id: int) -> float | None:
        """Count an outage failure; return the seconds it stays open when it (re)opens."""
        circuit = self._circuits.setdefault(installation_id, _Circuit())
        state = self.state(installation_id)
        if state is BreakerState.OPEN:
            return None  # jobs started before it opened: it is open already
        circuit.failures += 1
        if state is BreakerState.HALF_OPEN:
            circuit.open_seconds = min(self.max_open_seconds, circuit.open_seconds * 2)
        elif circuit.failures >= self.threshold:
            circuit.open_seconds = self.open_seconds
        else:
            return None
        circuit.probing = False
        circuit.opened_until = self.clock() + circuit.open_seconds
        return circuit.open_seconds

    def succeeded(self, installation_id: int) -> None:
        """GitHub answered this installation's job: close the circuit."""
        self._circuits.pop(installation_id, None)

    def released(self, installation_id: int) -> None:
        """A job admitted as the probe ended without saying anything about GitHub."""
        circuit = self._circuits.get(installation_id)
        if circuit is not None:
            circuit.probing = False


class Holds:
    """PRs kept taken until their installation's pause ends, then released (`Queue.done`).

    While a PR is held no worker is handed its jobs, so a delivery for a paused installation
    costs its acknowledgement and nothing more. No worker task waits meanwhile, and the PRs a
    pause holds share one timer (their ends are rounded up to HOLD_GRAIN_SECONDS).
    """

    def __init__(self, release: Callable[[Job], Awaitable[None]],
                 clock: Callable[[], float] = time.time,
                 poll_seconds: float = HOLD_POLL_SECONDS) -> None:
        self._release = release
        self._clock = clock
        self._poll = poll_seconds
        self._held: dict[str, Job] = {}
        self._groups: dict[float, list[Job]] = {}
        self._tasks: dict[float, asyncio.Task[None]] = {}

    def __contains__(self, job: Job) -> bool:
        return job.pr_key in self._held

    def __len__(self) -> int:
        return len(self._held)

    def timers(self) -> int:
        """How many timers the held PRs share."""
        return len(self._tasks)

    def hold(self, job: Job, until: float) -> None:
        """Keep `job`'s PR taken until `until` (epoch seconds of the injected clock)."""
        until = math.ceil(until / HOLD_GRAIN_SECONDS) * HOLD_GRAIN_SECONDS
        self._held[job.pr_key] = job
        self._groups.setdefault(until, []).append(job)
        if until not in self._tasks:
            self._tasks[until] = asyncio.create_task(self._release_at(until),
                                                     name="shipshape-holds")

    async def _release_at(self, until: float) -> None:
        try:
            while (left := until - self._clock()) > 0:
                await asyncio.sleep(min(left, self._poll))
        finally:
            del self._tasks[until]
            for job in self._groups.pop(until, []):
                self._held.pop(job.pr_key, None)
                try:
                    await self._release(job)
                except Exception:
                    _log.exception("could not release a held PR in the queue",
                                   extra={"fields": {"delivery": job.delivery_id,
                                                     "pr": job.pr_key}})

    async def release_all(self) -> None:
        """Release every held PR now (shutdown): their jobs wait in the queue, due when the
        pause ends, for whichever process runs next."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
