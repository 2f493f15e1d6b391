"""`check_run` and `check_suite` rerequested: someone pressed "Re-run", so review that head
again with a fresh check run. Only our own App's run or suite counts (`app.id` = APP_ID): a run
of another app that happens to be named `shipshape` is not ours to re-run."""

from __future__ import annotations

from typing import Any

from gidgethub import routing, sansio

from bot.events.common import installation_id, objects, repo_name, text
from bot.events.delivery import Dispatch
from bot.publish.check_run import CHECK_NAME, RERUN_IDENTIFIER
from bot.queue import Job

router = routing.Router()


def _jobs(event: sansio.Event, dispatch: Dispatch, source: dict[str, Any],
          action: str = "rerequested") -> None:
    inst, repo = installation_id(event.data), repo_name(event.data)
    head = text(source, "head_sha")
    pulls = objects(source, "pull_requests")
    if inst is None or repo is None or not head:
        dispatch.note("payload lacks installation, repository or head sha")
        return
    if not pulls:
        dispatch.note("no open pull request in this repository has that commit as its head")
        return
    for pull in pulls:
        number = pull.get("number")
        if isinstance(number, int):
            dispatch.enqueue(Job(installation_id=inst, repo=repo, number=number, head_sha=head,
                                 delivery_id=event.delivery_id,
                                 event=f"{event.event}.{action}", rerun=True))


def _is_ours(source: dict[str, Any], app_id: str) -> bool:
    """True when the run or suite belongs to this App (`app.id` is APP_ID)."""
    app = source.get("app")
    found = app.get("id") if isinstance(app, dict) else None
    return bool(app_id) and found is not None and str(found) == app_id


@router.register("check_run", action="rerequested")
async def check_run_rerequested(event: sansio.Event, dispatch: Dispatch) -> None:
    """Re-run our check run's review."""
    run = event.data.get("check_run")
    if not isinstance(run, dict) or run.get("name") != CHECK_NAME:
        dispatch.note(f"the check run is not {CHECK_NAME!r}")
        return
    if not _is_ours(run, dispatch.app_id):
        dispatch.note(f"the {CHECK_NAME!r} check run belongs to another app")
        return
    _jobs(event, dispatch, run)


@router.register("check_run", action="requested_action")
async def check_run_requested_action(event: sansio.Event, dispatch: Dispatch) -> None:
    """The check run's "Re-run" button: review the head again, like `recheck`."""
    run = event.data.get("check_run")
    identifier = text(event.data, "requested_action", "identifier")
    if not isinstance(run, dict) or run.get("name") != CHECK_NAME or not _is_ours(
            run, dispatch.app_id):
        dispatch.note(f"the check run is not this App's {CHECK_NAME!r}")
        return
    if identifier != RERUN_IDENTIFIER:
        dispatch.note("the requested action is not one shipshape offers")
        return
    _jobs(event, dispatch, run, "requested_action")


@router.register("check_suite", action="rerequested")
async def check_suite_rerequested(event: sansio.Event, dispatch: Dispatch) -> None:
    """Re-run the review for every PR of the suite's head."""
    suite = event.data.get("check_suite")
    if not isinstance(suite, dict):
        dispatch.note("payload lacks check_suite")
        return
    if not _is_ours(suite, dispatch.app_id):
        dispatch.note("the check suite belongs to another app")
        return
    _jobs(event, dispatch, suite)
