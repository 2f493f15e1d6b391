"""`issue_comment` on a pull request: a comment that may hold slash commands becomes a
`command` job (the worker reads the base branch's prefix and parses it properly). Comments by
bots, this App included, are never commands. `edited` comments are ignored for commands;
deleting a comment that held a command re-reviews the PR, since its waiver no longer counts."""

from __future__ import annotations

from gidgethub import routing, sansio

from bot.commands.grammar import might_hold_commands
from bot.commands.records import MARKER_START
from bot.events.common import installation_id, repo_name, text
from bot.events.delivery import Dispatch
from bot.queue import Job

router = routing.Router()


def _command_job(event: sansio.Event, dispatch: Dispatch, deleted: bool) -> Job | None:
    data = event.data
    issue, comment = data.get("issue"), data.get("comment")
    inst, repo = installation_id(data), repo_name(data)
    if not isinstance(issue, dict) or not isinstance(comment, dict):
        dispatch.note("payload lacks issue or comment")
        return None
    number, comment_id = issue.get("number"), comment.get("id")
    if inst is None or repo is None or not isinstance(number, int) or not isinstance(
            comment_id, int):
        dispatch.note("payload lacks installation, repository, issue number or comment id")
        return None
    if not isinstance(issue.get("pull_request"), dict):
        dispatch.note("the comment is on an issue, not a pull request")
        return None
    body = text(comment, "body")
    if text(comment, "user", "type") == "Bot":
        # Deleting the App's own reply deletes the record it carried: review again.
        if not (deleted and MARKER_START in body):
            dispatch.note("comments by bots are not commands")
            return None
    elif not might_hold_commands(body):
        dispatch.note("the comment holds no command")
        return None
    return Job(installation_id=inst, repo=repo, number=number, head_sha="",
               delivery_id=event.delivery_id, event=f"issue_comment.{data.get('action')}",
               kind="command", command={
                   "id": comment_id, "body": body, "author": text(comment, "user", "login"),
                   "association": text(comment, "author_association"), "deleted": deleted})


@router.register("issue_comment", action="created")
async def created(event: sansio.Event, dispatch: Dispatch) -> None:
    """Queue the comment's commands."""
    job = _command_job(event, dispatch, deleted=False)
    if job is not None:
        dispatch.enqueue(job)


@router.register("issue_comment", action="deleted")
async def deleted(event: sansio.Event, dispatch: Dispatch) -> None:
    """Re-review when a comment that may have waived something is gone."""
    job = _command_job(event, dispatch, deleted=True)
    if job is not None:
        dispatch.enqueue(job)


@router.register("issue_comment", action="edited")
async def edited(event: sansio.Event, dispatch: Dispatch) -> None:
    """Say why an edit does nothing: a command runs once, when it is posted."""
    dispatch.note("edited comments do not run commands; post a new comment")
