"""`merge_group` events (GitHub's merge queue): `checks_requested` becomes a job that reviews
the group's commit; `destroyed` drops the group's job if it is still waiting.

The payload names no pull request: the number is read from the group's branch,
`refs/heads/gh-readonly-queue/<base branch>/pr-<N>-<sha>`, where the base branch may itself
contain '/'. The shas come from the payload, never from the name (FACTS.md, Merge queue).
"""

from __future__ import annotations

import re

from gidgethub import routing, sansio

from bot.events.common import installation_id, repo_name, text
from bot.events.delivery import Dispatch
from bot.queue import MERGE_GROUP, Job

router = routing.Router()
# Greedy base, so `release/2.x` stays whole; the PR part is anchored at the end.
_QUEUE_REF = re.compile(r"^refs/heads/gh-readonly-queue/(?P<base>.+)/pr-(?P<number>\d+)-[^/]+$")
# A group whose branch names no PR still gets its job: the worker reports why it cannot review.
NO_PULL = 0


def pull_number(head_ref: str) -> int | None:
    """The PR number in a merge group's branch name, or None when the name has none."""
    match = _QUEUE_REF.match(head_ref)
    return int(match["number"]) if match else None


def job_for(event: sansio.Event, dispatch: Dispatch) -> Job | None:
    """The merge-group job for the event, or None with a note saying why not."""
    data = event.data
    group = data.get("merge_group")
    inst, repo = installation_id(data), repo_name(data)
    head, base = text(group, "head_sha"), text(group, "base_sha")
    if inst is None or repo is None or not head:
        dispatch.note("payload lacks installation, repository or merge group head sha")
        return None
    number = pull_number(text(group, "head_ref"))
    return Job(installation_id=inst, repo=repo, number=NO_PULL if number is None else number,
               head_sha=head, delivery_id=event.delivery_id,
               event=f"merge_group.{data.get('action')}", kind=MERGE_GROUP, base_sha=base,
               base_ref=text(group, "base_ref").removeprefix("refs/heads/"))


@router.register("merge_group", action="checks_requested")
async def checks_requested(event: sansio.Event, dispatch: Dispatch) -> None:
    """Queue a review of the merge group's commit."""
    job = job_for(event, dispatch)
    if job is not None:
        dispatch.enqueue(job)


@router.register("merge_group", action="destroyed")
async def destroyed(event: sansio.Event, dispatch: Dispatch) -> None:
    """Replace the group's waiting job (same key) with one that only records the end."""
    job = job_for(event, dispatch)
    if job is not None:
        dispatch.enqueue(job)
        dispatch.note(f"merge group {job.head_sha[:12]} destroyed "
                      f"({text(event.data, 'reason') or 'no reason given'})")
