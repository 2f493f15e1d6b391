"""Webhook events -> jobs. One `routing.Router` per concern, combined here once.

Handlers only turn an event into jobs or a reason for ignoring it; they never call GitHub.
gidgethub does not define the order of callbacks and stops at the first exception, so
`dispatch` calls each callback itself and logs and continues past a failing one.
"""

from __future__ import annotations

from gidgethub import routing, sansio

from bot.events import check_run, installation, issue_comment, merge_group, pull_request
from bot.events.delivery import Dispatch
from bot.logs import get_logger

router = routing.Router(pull_request.router, check_run.router, installation.router,
                        issue_comment.router, merge_group.router)
_log = get_logger("events")


async def dispatch(event: sansio.Event, app_id: str = "") -> Dispatch:
    """Run every handler registered for the event, isolating their failures."""
    result = Dispatch(event.delivery_id, app_id)
    callbacks = router.fetch(event)
    for callback in sorted(callbacks, key=lambda c: c.__qualname__):
        try:
            await callback(event, result)
        except Exception:
            result.errors += 1
            _log.exception("event handler failed", extra={"fields": {
                "delivery": event.delivery_id, "handler": callback.__qualname__}})
    if not callbacks:
        action = event.data.get("action") if isinstance(event.data, dict) else None
        name = f"{event.event}.{action}" if action else event.event
        result.note(f"{name} is not an event shipshape acts on")
    return result


def describe(event: sansio.Event) -> str:
    """`event.action` for logs and metrics."""
    action = event.data.get("action") if isinstance(event.data, dict) else None
    return f"{event.event}.{action}" if isinstance(action, str) else event.event
