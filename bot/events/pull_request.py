"""`pull_request` events: opened, reopened, synchronize, ready_for_review, and edited when
the title or body changed, become review jobs for the PR's head."""

from __future__ import annotations

from typing import Any

from gidgethub import routing, sansio

from bot.events.common import installation_id, repo_name, text
from bot.events.delivery import Dispatch
from bot.queue import Job

router = routing.Router()
REVIEW_ACTIONS = ("opened", "reopened", "synchronize", "ready_for_review")
# The checks read the title and body (story references), and a new base branch changes the
# diff; other edits (assignees, milestone) change nothing they see.
EDITS_THAT_MATTER = ("title", "body", "base")
PULL_KEYS = ("number", "title", "body", "state", "draft", "commits", "changed_files", "comments")


def job_for(event: sansio.Event, dispatch: Dispatch) -> Job | None:
    """The review job for a pull_request event, or None with a note saying why not."""
    data = event.data
    pr = data.get("pull_request")
    inst, repo = installation_id(data), repo_name(data)
    number = pr.get("number") if isinstance(pr, dict) else None
    head = text(pr, "head", "sha")
    if inst is None or repo is None or not isinstance(number, int) or not head:
        dispatch.note("payload lacks installation, repository, PR number or head sha")
        return None
    if text(pr, "state") == "closed":
        dispatch.note("the pull request is closed")
        return None
    return Job(installation_id=inst, repo=repo, number=number, head_sha=head,
               delivery_id=event.delivery_id, event=f"pull_request.{data.get('action')}",
               updated_at=text(pr, "updated_at"), pull=pull_fields(pr))


def pull_fields(pr: dict[str, Any]) -> dict[str, Any]:
    """The PR keys the review reads (bot.snapshot.Pull), as plain data for the job."""
    out = {k: pr[k] for k in PULL_KEYS if k in pr}
    out["head"] = {"sha": text(pr, "head", "sha"), "ref": text(pr, "head", "ref")}
    out["base"] = {"ref": text(pr, "base", "ref")}
    out["user"] = {"login": text(pr, "user", "login")}
    out["labels"] = [{"name": lb["name"]} for lb in pr.get("labels") or ()
                     if isinstance(lb, dict) and isinstance(lb.get("name"), str)]
    return out


async def review(event: sansio.Event, dispatch: Dispatch) -> None:
    """Queue a review of the PR's head."""
    job = job_for(event, dispatch)
    if job is not None:
        dispatch.enqueue(job)


async def edited(event: sansio.Event, dispatch: Dispatch) -> None:
    """Queue a review when the edit touched something the checks read."""
    changes = event.data.get("changes")
    if not isinstance(changes, dict) or not any(k in changes for k in EDITS_THAT_MATTER):
        dispatch.note("the edit changed neither title, body nor base")
        return
    await review(event, dispatch)


for _action in REVIEW_ACTIONS:
    router.add(review, "pull_request", action=_action)
router.add(edited, "pull_request", action="edited")
