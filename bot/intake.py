"""POST /webhook: verify, bound, dedupe, enqueue, answer. Never calls GitHub, never reviews:
GitHub drops a delivery not answered within 10 seconds (FACTS.md, "Webhook delivery";
https://docs.github.com/en/webhooks/using-webhooks/best-practices-for-using-webhooks).

Answers: 401 missing or wrong `X-Hub-Signature-256`; 413 over GitHub's 25 MB payload cap
(refused from Content-Length before reading); 400 malformed headers or body; 200 with a reason
for a repeated delivery or an event that needs no work; 202 once a job is queued.

The signature is checked over the raw bytes, before any parsing, by gidgethub's sansio
`validate_event` (HMAC-SHA256, constant-time comparison). The body is then parsed once and
wrapped in a sansio `Event`; `Event.from_http` would do both steps but re-parse the
content type with the email package and use the slower json module, which together cost a
third of an acknowledgement (bench/webhooks.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gidgethub
import orjson
from aiohttp import web
from gidgethub import sansio

from bot import limits
from bot.events import describe, dispatch
from bot.logs import delivery_context, get_logger, log
from bot.metrics import Metrics
from bot.queue import QUEUED, REPLACED, STALE, Queue

_log = get_logger("intake")
MAX_DELIVERY_ID = 100


@dataclass(frozen=True)
class Intake:
    """What the webhook handler needs: the secret, the queue and the metrics."""

    secret: str
    queue: Queue
    metrics: Metrics
    app_id: str = ""
    # Drops an uninstalled installation's cached tokens (no GitHub call).
    forget_installation: Callable[[int], None] | None = None


class Refused(Exception):
    """A delivery answered with an error status before any work."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _answer(status: int, outcome: str, reason: str, delivery: str = "") -> web.Response:
    body: dict[str, Any] = {"status": outcome, "reason": reason}
    if delivery:
        body["delivery"] = delivery
    return web.json_response(body, status=status)


async def _read_body(request: web.Request) -> bytes:
    length = request.content_length
    if length is not None and length > limits.MAX_PAYLOAD_BYTES:
        raise Refused(413, f"payload over GitHub's {limits.MAX_PAYLOAD_BYTES} byte cap")
    try:
        return await request.read()  # client_max_size stops a body without a length early
    except web.HTTPRequestEntityTooLarge:
        raise Refused(413, f"payload over GitHub's {limits.MAX_PAYLOAD_BYTES} byte cap") from None


def _event(request: web.Request, body: bytes, secret: str) -> sansio.Event:
    headers = request.headers
    if not headers.get("x-hub-signature-256"):
        raise Refused(401, "X-Hub-Signature-256 is missing")
    try:
        sansio.validate_event(body, signature=headers["x-hub-signature-256"], secret=secret)
    except gidgethub.ValidationFailure:
        raise Refused(401, "signature does not match") from None
    delivery = headers.get("x-github-delivery", "")
    if not headers.get("x-github-event") or not delivery or len(delivery) > MAX_DELIVERY_ID:
        raise Refused(400, "X-GitHub-Event or X-GitHub-Delivery is missing or malformed")
    if request.content_type != "application/json":
        # GitHub can also send form-encoded payloads; the App's hook is configured for JSON.
        raise Refused(400, "Content-Type must be application/json")
    try:
        # orjson parses a 28 KB pull_request payload in a third of json.loads' time, and
        # parsing is the largest part of what an acknowledgement costs.
        data = orjson.loads(body)
    except orjson.JSONDecodeError:  # includes bad UTF-8
        raise Refused(400, "body is not valid JSON") from None
    if not isinstance(data, dict):
        raise Refused(400, "payload is not a JSON object")
    return sansio.Event(data, event=headers["x-github-event"], delivery_id=delivery)


async def _enqueue(intake: Intake, jobs: list[Any]) -> tuple[int, list[str]]:
    queued, notes = 0, []
    for job in jobs:
        outcome = await intake.queue.put(job)
        if outcome in (QUEUED, REPLACED):
            queued += 1
        if outcome == REPLACED:
            notes.append(f"replaced a waiting job for {job.pr_key}")
        elif outcome == STALE:
            notes.append(f"{job.head_sha[:12]} is an older head of {job.pr_key}; not reviewed")
    intake.metrics.queue_depth.set(intake.queue.depth())
    return queued, notes


async def _accept(intake: Intake, event: sansio.Event) -> tuple[int, str, str]:
    if not await intake.queue.claim_delivery(event.delivery_id):
        return 200, "duplicate", "delivery already received"
    result = await dispatch(event, intake.app_id)
    if intake.forget_installation is not None:
        for installation in result.uninstalled:
            intake.forget_installation(installation)
    queued, notes = await _enqueue(intake, result.jobs)
    reason = "; ".join(result.notes + notes)
    if queued:
        return 202, "accepted", reason or f"{queued} job(s) queued"
    if result.errors:
        # A bug, not the sender's fault: forget the delivery so a redelivery can run.
        await intake.queue.release_delivery(event.delivery_id)
        return 500, "error", "a handler failed; see the server log"
    return 200, "ignored", reason or "nothing to do"


async def handle(request: web.Request, intake: Intake) -> web.Response:
    """Handle one delivery and write one log line about it."""
    started = time.perf_counter()
    delivery = request.headers.get("x-github-delivery", "")[:MAX_DELIVERY_ID]
    name = request.headers.get("x-github-event", "")[:50] or "unknown"
    with delivery_context(delivery):
        try:
            event = _event(request, await _read_body(request), intake.secret)
            name = describe(event)
            status, outcome, reason = await _accept(intake, event)
        except Refused as exc:
            status, outcome, reason = exc.status, "refused", exc.reason
        intake.metrics.deliveries.labels(name, outcome).inc()
        level = logging.WARNING if status >= 400 else logging.INFO
        log(_log, level, "delivery", delivery=delivery, event=name, status=status,
            outcome=outcome, reason=reason,
            duration_ms=round((time.perf_counter() - started) * 1000, 2))
    return _answer(status, outcome, reason, delivery)
