"""`pull_request` events: opened, reopened, synchronize, ready_for_review, and edited when
the title or body changed, become review jobs for the PR's head. opened, reopened and
ready_for_review also carry an audit-log entry to write after the review; converted_to_draft and
closed become audit-only jobs (bot/audit.py), since a closed PR gets no review. The App's own
audit PR (`shipshape/audit-log`) gets neither."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from gidgethub import routing, sansio

from bot.audit import KIND as AUDIT_KIND
from bot.audit import audit_item
from bot.events.common import installation_id, objects, repo_name, text
from bot.events.delivery import Dispatch
from bot.publish.audit import AUDIT_BRANCH
from bot.queue import Job
from checks.audit import AuditEvent

router = routing.Router()
REVIEW_ACTIONS = ("opened", "reopened", "synchronize", "ready_for_review")
# opened, reopened and ready_for_review carry their audit entry on the review job.
AUDIT_ONLY_ACTIONS = ("converted_to_draft", "closed")
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
    if _is_audit_pull(pr):
        dispatch.note("the pull request is shipshape's own audit-log PR")
        return None
    return Job(installation_id=inst, repo=repo, number=number, head_sha=head,
               delivery_id=event.delivery_id, event=f"pull_request.{data.get('action')}",
               updated_at=text(pr, "updated_at"), pull=pull_fields(pr))


def pull_fields(pr: dict[str, Any]) -> dict[str, Any]:
    """The PR keys the review reads (bot.snapshot.Pull), as plain data for the job."""
    out = {k: pr[k] for k in PULL_KEYS if k in pr}
    out["head"] = {"sha": text(pr, "head", "sha"), "ref": text(pr, "head", "ref")}
    out["base"] = {"ref": text(pr, "base", "ref"),
                   "repo": {"default_branch": text(pr, "base", "repo", "default_branch")}}
    out["user"] = {"login": text(pr, "user", "login")}
    out["labels"] = [{"name": lb["name"]} for lb in objects(pr, "labels")
                     if isinstance(lb.get("name"), str)]
    return out


def _is_audit_pull(pr: dict[str, Any]) -> bool:
    """The PR the App opens in `audit.mode: pull-request` (its head is our branch)."""
    return text(pr, "head", "ref") == AUDIT_BRANCH and text(pr, "user", "type") == "Bot"


def audit_event(action: str, pr: dict[str, Any]) -> AuditEvent | None:
    """The audit event a pull_request action is, if any."""
    draft = bool(pr.get("draft"))
    if action in ("opened", "reopened"):
        if draft:
            return AuditEvent.DRAFT_OPENED
        return AuditEvent.OPENED if action == "opened" else AuditEvent.REOPENED
    if action == "closed":
        return AuditEvent.MERGED if pr.get("merged") else AuditEvent.CLOSED_UNMERGED
    return {"ready_for_review": AuditEvent.READY_FOR_REVIEW,
            "converted_to_draft": AuditEvent.CONVERTED_TO_DRAFT}.get(action)


def audits_of(event: sansio.Event, dispatch: Dispatch) -> tuple[str, ...]:
    """The audit event of a pull_request delivery as `event@time`, or () with a note."""
    data = event.data
    pr = data.get("pull_request")
    if not isinstance(pr, dict) or _is_audit_pull(pr):
        return ()
    kind = audit_event(str(data.get("action")), pr)
    if kind is None:
        return ()
    # The event's own time, so a redelivery or a retried job writes the same entry.
    closing = kind in (AuditEvent.MERGED, AuditEvent.CLOSED_UNMERGED)
    at = (text(pr, "closed_at") if closing else "") or text(pr, "updated_at")
    if not at:
        dispatch.note("payload lacks the pull request's updated_at: no audit entry")
        return ()
    return (audit_item(kind, at),)


def audit_job_for(event: sansio.Event, dispatch: Dispatch) -> Job | None:
    """An audit-only job (closed, converted_to_draft: events that need no review)."""
    data = event.data
    pr = data.get("pull_request")
    inst, repo = installation_id(data), repo_name(data)
    number = pr.get("number") if isinstance(pr, dict) else None
    head = text(pr, "head", "sha")
    audits = audits_of(event, dispatch)
    if inst is None or repo is None or not isinstance(number, int) or not head or not audits:
        return None
    return Job(installation_id=inst, repo=repo, number=number, head_sha=head,
               delivery_id=event.delivery_id, event=f"pull_request.{data.get('action')}",
               kind=AUDIT_KIND, updated_at=text(pr, "updated_at"), pull=pull_fields(pr),
               audits=audits)


async def review(event: sansio.Event, dispatch: Dispatch) -> None:
    """Queue a review of the PR's head (with the event's audit entry to write after it)."""
    job = job_for(event, dispatch)
    if job is not None:
        dispatch.enqueue(replace(job, audits=audits_of(event, dispatch)))


async def audit(event: sansio.Event, dispatch: Dispatch) -> None:
    """Queue the audit-log entry of an event that gets no review."""
    job = audit_job_for(event, dispatch)
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
for _action in AUDIT_ONLY_ACTIONS:
    router.add(audit, "pull_request", action=_action)
