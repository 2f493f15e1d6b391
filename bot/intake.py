"""POST /webhook: verify, bound, dedupe, enqueue, answer. Never calls GitHub, never reviews:
GitHub drops a delivery not answered within 10 seconds (FACTS.md, "Webhook delivery";
https://docs.github.com/en/webhooks/using-webhooks/best-practices-for-using-webhooks).

Answers: 401 missing or wrong `X-Hub-Signature-256`; 413 over GitHub's 25 MB payload cap
(refused from Content-Length before reading); 408 a body not received in time; 503 no room for
another unauthenticated body; 400 malformed headers or body (a signed `action` that is not a
string included); 200 with a reason for a repeated delivery or an event that needs no work;
202 once a job is queued; 500 only for our own failure, with the delivery id released.

The signature is checked over the raw bytes, before any parsing, while the body streams in
(bot/body.py: HMAC-SHA256 while reading, constant-time comparison, a byte budget for
unauthenticated bodies and a read deadline; 408 for a body too slow, 503 when the budget has no
room). The body is then parsed once and wrapped in a sansio `Event`; `Event.from_http` would
re-parse the content type with the email package and use the slower json module, which
together cost a third of an acknowledgement (bench/webhooks.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web
from gidgethub import sansio

from bot import limits
from bot.body import BodyBudget, Refused, read_verified
from bot.events import describe, dispatch
from bot.logs import delivery_context, get_logger, log
from bot.metrics import Metrics
from bot.queue import QUEUED, REPLACED, STALE, Queue

_log = get_logger("intake")
MAX_DELIVERY_ID = 100
# The events a metric label may name: app.yml's default_events, merge_group, and what GitHub
# sends every App. `X-GitHub-Event` is not covered by the signature, so any other name is
# "other", and a refused delivery is "unverified": strangers cannot add metric series.
METRIC_EVENTS = frozenset({"pull_request", "check_run", "check_suite", "issue_comment",
                           "merge_group", "ping", "installation", "installation_repositories"})


@dataclass(frozen=True)
class Intake:
    """What the webhook handler needs: the secret, the queue and the metrics."""

    secret: str
    queue: Queue
    metrics: Metrics
    app_id: str = ""
    # Drops an uninstalled installation's cached tokens (no GitHub call).
    forget_installation: Callable[[int], None] | None = None
    budget: BodyBudget = field(
        default_factory=lambda: BodyBudget(limits.MAX_UNVERIFIED_BODY_BYTES))
    body_timeout: float = limits.BODY_READ_TIMEOUT_SECONDS


def _answer(status: int, outcome: str, reason: str, delivery: str = "") -> web.Response:
    body: dict[str, Any] = {"status": outcome, "reason": reason}
    if delivery:
        body["delivery"] = delivery
    # orjson: a third of json_response's cost, which encodes with the json module.
    return web.Response(body=orjson.dumps(body), status=status, content_type="application/json")


def _event(request: web.Request, body: bytes) -> sansio.Event:
    """The delivery as a sansio Event; `body` is already authenticated."""
    headers = request.headers
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
    if not isinstance(data.get("action", ""), str):
        # gidgethub's router looks the action up in a dict: a list or object cannot be routed.
        raise Refused(400, "payload's action is not a string")
    return sansio.Event(data, event=headers["x-github-event"], delivery_id=delivery)


def _outcomes(jobs: list[Any], outcomes: list[str]) -> tuple[int, list[str]]:
    queued, notes = 0, []
    for job, outcome in zip(jobs, outcomes, strict=True):
        if outcome in (QUEUED, REPLACED):
            queued += 1
        if outcome == REPLACED:
            notes.append(f"replaced a waiting job for {job.pr_key}")
        elif outcome == STALE:
            notes.append(f"{job.head_sha[:12]} is an older head of {job.pr_key}; not reviewed")
    return queued, notes


async def _accept(intake: Intake, event: sansio.Event) -> tuple[int, str, str]:
    """Route the event, then claim its delivery id and queue its jobs in one queue step.

    Routing first (pure: no GitHub, no queue) lets the claim and the jobs share one
    transaction; a delivery whose routing fails is never claimed, so a redelivery runs.
    """
    result = await dispatch(event, intake.app_id)
    if result.errors and not result.jobs:
        # A bug, not the sender's fault: nothing claimed, so a redelivery can run.
        return 500, "error", "a handler failed; see the server log"
    outcomes = await intake.queue.accept(event.delivery_id, result.jobs)
    if outcomes is None:
        return 200, "duplicate", "delivery already received"
    if intake.forget_installation is not None:
        for installation in result.uninstalled:
            intake.forget_installation(installation)
    queued, notes = _outcomes(result.jobs, outcomes)
    reason = "; ".join(result.notes + notes)
    if queued:
        return 202, "accepted", reason or f"{queued} job(s) queued"
    if result.errors:
        await intake.queue.release_delivery(event.delivery_id)
        return 500, "error", "a handler failed; see the server log"
    return 200, "ignored", reason or "nothing to do"


async def handle(request: web.Request, intake: Intake) -> web.Response:
    """Handle one delivery and write one log line about it."""
    started = time.perf_counter()
    delivery = request.headers.get("x-github-delivery", "")[:MAX_DELIVERY_ID]
    name = request.headers.get("x-github-event", "")[:50] or "unknown"
    label = "unverified"
    with delivery_context(delivery):
        try:
            body = await read_verified(request, intake.secret, intake.budget,
                                       intake.body_timeout)
            event = _event(request, body)
            name = describe(event)
            label = name if event.event in METRIC_EVENTS else "other"
            status, outcome, reason = await _accept(intake, event)
        except Refused as exc:
            status, outcome, reason = exc.status, "refused", exc.reason
        except Exception:
            # Our fault (the queue failed), not the sender's: the claim is already released,
            # so GitHub's redelivery runs.
            _log.exception("delivery failed", extra={"fields": {"delivery": delivery}})
            status, outcome, reason = 500, "error", "the server failed; redeliver it later"
        intake.metrics.deliveries.labels(label[:80], outcome).inc()
        level = logging.WARNING if status >= 400 else logging.INFO
        log(_log, level, "delivery", delivery=delivery, event=name, status=status,
            outcome=outcome, reason=reason,
            duration_ms=round((time.perf_counter() - started) * 1000, 2))
    response = _answer(status, outcome, reason, delivery)
    if status in (408, 413):
        response.force_close()  # the rest of the body is not worth reading or waiting for
    return response
