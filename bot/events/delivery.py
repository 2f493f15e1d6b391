"""What the event handlers made of one delivery: jobs to queue and reasons for the rest.

Every handler takes `(event, dispatch: Dispatch)`; it lives apart from the router in
`bot.events` so handler modules can import it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.queue import Job


@dataclass
class Dispatch:
    """What the handlers made of one delivery: jobs to queue and reasons for the rest."""

    delivery_id: str
    # This App's id (APP_ID): check_run / check_suite events count only for our own.
    app_id: str = ""
    jobs: list[Job] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Installations that were removed or suspended: their cached tokens must go.
    uninstalled: list[int] = field(default_factory=list)
    errors: int = 0

    def enqueue(self, job: Job) -> None:
        """Ask for a job to be queued."""
        self.jobs.append(job)

    def note(self, reason: str) -> None:
        """Say why nothing (or what) was done."""
        self.notes.append(reason)
