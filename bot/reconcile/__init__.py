"""Recover deliveries GitHub failed to make: GitHub never redelivers by itself (FACTS.md,
"No automatic redelivery"), so a pass lists the App's hook deliveries since the last pass
(`GET /app/hook/deliveries`, JWT, cursor-paginated, newest first) and asks GitHub to redeliver
(`POST /app/hook/deliveries/{id}/attempts`) each event whose attempts all failed and whose
`X-GitHub-Delivery` (the `guid`) no process claimed; the queue's claim is what "accepted"
means. An event with any successful attempt (a later redelivery included) is left alone.

One pass runs at a time across replicas (a lock in the queue's store, bot/reconcile/store.py),
and the end of the last pass is stored there too, so a restarted deployment looks back to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import gidgethub
from gidgethub import abc as gh_abc

from bot.github import GitHubClient
from bot.logs import get_logger, log
from bot.queue import Queue
from bot.reconcile.store import Marks
from bot.retry import classify, describe

_log = get_logger("reconcile")
DELIVERIES_URL = "/app/hook/deliveries?per_page=100"
ATTEMPTS_URL = "/app/hook/deliveries/{delivery_id}/attempts"
# GitHub keeps deliveries for 3 days: nothing older can be redelivered.
RETENTION = timedelta(days=3)
# A delivery made just before the last pass may have got its status only after that pass
# listed it (GitHub waits up to 10 s for an answer): each pass looks this far behind the mark.
OVERLAP = timedelta(minutes=2)
# A pass takes seconds; the lock of a replica killed mid-pass ends after one interval, kept
# between these bounds (a short interval must not let a slow pass lose its lock).
LOCK_SECONDS = (10.0, 300.0)
# GitHub records a redelivery's attempt only once it is made: a pass soon after ours would
# still see the event failed. An event asked for is not asked again for this long (by this
# process), which also paces the asks while our own server keeps failing them.
ASK_AGAIN_AFTER = timedelta(minutes=10)


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Attempt:
    """One delivery attempt as `GET /app/hook/deliveries` lists it."""

    id: int
    guid: str
    delivered_at: datetime
    status_code: int
    redelivery: bool
    event: str
    action: str

    @property
    def succeeded(self) -> bool:
        """GitHub's own split: `status=success` is 200-399, anything else failed."""
        return 200 <= self.status_code < 400

    @classmethod
    def from_api(cls, item: Any) -> Attempt | None:
        """The attempt an API item describes, or None for an item without the fields we need."""
        if not isinstance(item, dict):
            return None
        try:
            at = datetime.fromisoformat(str(item["delivered_at"]).replace("Z", "+00:00"))
            return cls(id=int(item["id"]), guid=str(item["guid"]),
                       delivered_at=at if at.tzinfo else at.replace(tzinfo=UTC),
                       status_code=int(item.get("status_code") or 0),
                       redelivery=bool(item.get("redelivery")), event=str(item.get("event", "")),
                       action=str(item.get("action") or ""))
        except (KeyError, TypeError, ValueError):
            return None


def failed_events(attempts: Iterable[Attempt]) -> list[Attempt]:
    """The newest attempt of each event (guid) none of whose listed attempts succeeded,
    oldest event first."""
    by_guid: dict[str, list[Attempt]] = {}
    for attempt in attempts:
        by_guid.setdefault(attempt.guid, []).append(attempt)
    failed = [max(group, key=lambda a: (a.delivered_at, a.id)) for group in by_guid.values()
              if not any(a.succeeded for a in group)]
    return sorted(failed, key=lambda a: (a.delivered_at, a.id))


@dataclass(frozen=True)
class PassReport:
    """What one pass saw and did."""

    since: datetime
    listed: int
    failed: int
    # Failed at GitHub (an answer later than its 10 s, say) yet claimed by us: not redelivered.
    accepted: int
    redelivered: tuple[Attempt, ...]
    refused: tuple[Attempt, ...]  # GitHub would not redeliver these (logged)

    def summary(self) -> str:
        """One line for logs and the command."""
        return (f"since {self.since.isoformat(timespec='seconds')}: {self.listed} attempts "
                f"listed, {self.failed} events failed, {self.accepted} of them accepted anyway, "
                f"{len(self.redelivered)} redelivered, {len(self.refused)} refused by GitHub")


async def list_attempts(gh: gh_abc.GitHubAPI, jwt: str, since: datetime) -> list[Attempt]:
    """Every attempt made at or after `since`, following the `Link` cursor while needed."""
    found: list[Attempt] = []
    async for item in gh.getiter(DELIVERIES_URL, jwt=jwt):
        attempt = Attempt.from_api(item)
        if attempt is None:
            continue
        if attempt.delivered_at < since:
            break  # newest first: the rest are older still
        found.append(attempt)
    return found


class Reconciler:
    """Runs passes, alone across replicas, and remembers where the last one ended."""

    def __init__(self, gh: GitHubClient, queue: Queue, marks: Marks, *, interval: float,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.gh = gh
        self.queue = queue
        self.marks = marks
        self.interval = interval
        self.clock = clock
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._asked: dict[str, datetime] = {}  # guid -> when we asked GitHub to redeliver it

    async def run_pass(self, since: datetime | None = None) -> PassReport | None:
        """One pass; None when another replica's pass holds the lock.

        Without `since` it starts where the last periodic pass ended and moves the mark; with
        one (the `redeliver` command) the mark is left as it is.
        """
        low, high = LOCK_SECONDS
        if not await self.marks.acquire(self.owner, min(max(self.interval, low), high)):
            return None
        try:
            started = self.clock()
            start = since
            if start is None:
                mark = await self.marks.last_pass()
                start = (mark if mark is not None
                         else started - timedelta(seconds=self.interval)) - OVERLAP
            report = await self._pass(max(start, started - RETENTION), started)
            if since is None:
                await self.marks.set_last_pass(started)
            return report
        finally:
            await self.marks.release(self.owner)

    async def _pass(self, since: datetime, now: datetime) -> PassReport:
        # Signed with the key the client loaded once (bot/tokens.py), like every App JWT of
        # the bot: well under a millisecond, and the same JWT serves until shortly before
        # it expires.
        jwt = self.gh.signer.jwt()
        attempts = await list_attempts(self.gh, jwt, since)
        failed = failed_events(attempts)
        self._asked = {g: at for g, at in self._asked.items() if now - at < ASK_AGAIN_AFTER}
        unclaimed = [a for a in failed if not await self.queue.delivery_claimed(a.guid)]
        wanted = [a for a in unclaimed if a.guid not in self._asked]
        redelivered, refused = [], []
        for attempt in wanted:
            if await self._redeliver(jwt, attempt):
                redelivered.append(attempt)
                self._asked[attempt.guid] = now
            else:
                refused.append(attempt)
        report = PassReport(since, len(attempts), len(failed), len(failed) - len(unclaimed),
                            tuple(redelivered), tuple(refused))
        log(_log, logging.INFO, "reconciled", since=since.isoformat(timespec="seconds"),
            listed=report.listed, failed=report.failed, accepted=report.accepted,
            asked_before=len(unclaimed) - len(wanted),
            redelivered=[a.guid for a in redelivered], refused=[a.guid for a in refused])
        return report

    async def _redeliver(self, jwt: str, attempt: Attempt) -> bool:
        try:
            await self.gh.post(ATTEMPTS_URL, {"delivery_id": attempt.id}, data=b"", jwt=jwt)
        except gidgethub.BadRequest as exc:  # too old, or gone: the next events still go
            log(_log, logging.WARNING, "redelivery refused", delivery=attempt.guid,
                attempt=attempt.id, status=int(exc.status_code), reason=str(exc))
            return False
        return True

    async def run_forever(self, first_delay: float) -> None:
        """A pass after `first_delay`, then one every `interval`; a failed pass is logged
        and the next one starts from the same mark."""
        await asyncio.sleep(first_delay)
        while True:
            try:
                await self.run_pass()
            except Exception as exc:
                if classify(exc) is None and not isinstance(exc, gidgethub.HTTPException):
                    # Neither GitHub's answer nor its absence: a bug, which the traceback fixes.
                    _log.exception("reconcile pass failed; the next one starts from the same "
                                   "mark")
                else:  # GitHub down, slow, limiting or refusing: one line says it
                    log(_log, logging.WARNING, "reconcile pass failed; the next one starts "
                        "from the same mark", error=type(exc).__name__, reason=describe(exc))
            await asyncio.sleep(self.interval)


async def stop(task: asyncio.Task[None] | None) -> None:
    """Cancel a `run_forever` task and wait for it (a pass in flight releases its lock)."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task

