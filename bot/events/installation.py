"""`ping` and `installation*` events: acknowledged and logged, nothing to run."""

from __future__ import annotations

import logging

from gidgethub import routing, sansio

from bot.events.common import installation_id, objects, text
from bot.events.delivery import Dispatch
from bot.logs import get_logger, log

router = routing.Router()
_log = get_logger("events")
# After these the installation's tokens no longer work (404 / 403): drop them from the cache.
GONE_ACTIONS = ("deleted", "suspend")


@router.register("ping")
async def ping(event: sansio.Event, dispatch: Dispatch) -> None:
    """Answer GitHub's hello."""
    log(_log, logging.INFO, "ping", delivery=event.delivery_id, zen=text(event.data, "zen"),
        hook_id=event.data.get("hook_id"))
    dispatch.note("ping acknowledged")


async def installation_changed(event: sansio.Event, dispatch: Dispatch) -> None:
    """Log installs, uninstalls and repository selection changes."""
    data = event.data
    added = [text(r, "full_name") for r in objects(data, "repositories_added")]
    removed = [text(r, "full_name") for r in objects(data, "repositories_removed")]
    log(_log, logging.INFO, "installation changed", delivery=event.delivery_id,
        event=f"{event.event}.{data.get('action')}", installation=installation_id(data),
        account=text(data, "installation", "account", "login"),
        repositories_added=added, repositories_removed=removed)
    dispatch.note(f"{event.event}.{data.get('action')} acknowledged")
    inst = installation_id(data)
    if event.event == "installation" and data.get("action") in GONE_ACTIONS and inst is not None:
        dispatch.uninstalled.append(inst)


router.add(installation_changed, "installation")
router.add(installation_changed, "installation_repositories")
