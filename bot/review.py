"""The CPU-heavy half of a job, run in a worker process: snapshot + config in, outputs out.

Everything here is a pure function of plain data (picklable in and out), so it can run in a
process pool and keep the event loop that acknowledges webhooks free. It imports no aiohttp.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import checks
from bot import limits
from checks.audit import report_summary
from checks.render import Conclusion
from checks.render import conclusion as report_conclusion
from checks.render.annotations import to_annotations
from checks.render.markdown import render_markdown
from checks.render.title import check_run_title
from checks.waivers import current_fingerprints

# Reviews are batch work and acknowledgements are not: on a machine with as many review
# processes as cores, a busy pool at the same priority took CPU from the intake (p99 ack at
# 500/s 484 ms against 35 ms for a bare handler). At this niceness the scheduler gives the
# intake's process the CPU whenever it wants it, and reviews the rest.
REVIEW_NICENESS = 10


def lower_priority() -> None:
    """Pool initializer: run this review process behind the process that acknowledges, and
    compile every check's patterns now rather than in its first reviews."""
    os.nice(REVIEW_NICENESS)
    checks.warm()


@dataclass(frozen=True)
class Outputs:
    """One report rendered for every output the bot publishes to."""

    status: str
    conclusion: Conclusion
    title: str
    checklist: str
    annotations: list[dict[str, Any]] = field(default_factory=list)
    size_label: str | None = None
    report: dict[str, Any] = field(default_factory=dict)


def review(document: dict[str, Any], config: checks.Config,
           notices: tuple[str, ...] = ()) -> Outputs:
    """Run the checks over a snapshot document with the base branch's validated config.

    Raises checks.SnapshotError; the caller turns it into a neutral check run that says what
    is wrong.
    """
    report = checks.run(checks.load_snapshot(document), config)
    conclusion = report_conclusion(report, config.settings.warn_conclusion)
    size = report.stats.get("size_label")
    return Outputs(
        status=str(report.status),
        conclusion=conclusion,
        title=check_run_title(report),
        checklist=render_markdown(report, notices=notices, max_bytes=limits.CHECKLIST_MAX_BYTES),
        annotations=to_annotations(report),
        size_label=str(size) if size else None,
        report=report.to_dict(),
    )


def fingerprints_for(document: dict[str, Any], config: checks.Config,
                     check_ids: list[str]) -> dict[str, list[str]]:
    """The fingerprints of each listed check's findings on this snapshot, ignoring waivers:
    what a new `skip` records."""
    snapshot = checks.load_snapshot({**document, "waivers": []})
    return current_fingerprints(snapshot, config, check_ids)


def audit_report(document: dict[str, Any], config: checks.Config,
                 notices: tuple[str, ...] = ()) -> tuple[str, tuple[str, ...], str]:
    """Run the checks once for an audit job that has no review to lean on: the summary
    (`shipshape 4/5 pass`), the stories, and the checklist."""
    report = checks.run(checks.load_snapshot(document), config)
    return report_summary(report), report.stories, render_markdown(
        report, notices=notices, max_bytes=limits.CHECKLIST_MAX_BYTES)
