"""Accepted waivers, withdrawals and story links as story audit-log entries.

They are written right after the command's review, from what that review found (no extra
reads: the same path as the audit entries of a `pull_request` event). Each entry's key is the
command comment's id (and the check), never the time: a retried or redelivered command job
records its waiver again at a new time, but finds its line already in the story.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.audit import KIND, audit_item, run_audit
from bot.commands.records import Kind, Record
from checks.audit import AuditEvent

if TYPE_CHECKING:
    from bot.queue import Job
    from bot.snapshot import Pull
    from bot.worker import Services

EVENT_OF = {Kind.SKIP: AuditEvent.WAIVED, Kind.UNSKIP: AuditEvent.WAIVER_WITHDRAWN,
            Kind.STORY: AuditEvent.STORY_LINKED}


def audit_items(records: Sequence[Record]) -> tuple[str, ...]:
    """One `Job.audits` item per record: who, which check, why, and the comment it came from."""
    return tuple(dict.fromkeys(
        audit_item(EVENT_OF[r.kind], r.at, r.by, r.reason, check=r.check,
                   source=f"comment={r.command_id}", story=r.story)
        for r in records))


async def write_entries(services: Services, job: Job, pull: Pull,
                        records: Sequence[Record]) -> str:
    """Write the records' entries into the PR's stories (a link: into the linked story)."""
    if not records:
        return "audit_none"
    return await run_audit(services, replace(job, kind=KIND, audits=audit_items(records)),
                           pull)
