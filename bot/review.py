"""The CPU-heavy half of a job, run in a worker process: snapshot + config in, outputs out.

Everything here is a pure function of plain data (picklable in and out), so it can run in a
process pool and keep the event loop that acknowledges webhooks free. It imports no aiohttp.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import checks
from checks.render import conclusion as report_conclusion
from checks.render.annotations import to_annotations
from checks.render.markdown import ICONS, render_markdown
from checks.waivers import current_fingerprints


@dataclass(frozen=True)
class Outputs:
    """One report rendered for every output the bot publishes to."""

    status: str
    conclusion: str
    title: str
    checklist: str
    annotations: list[dict[str, Any]] = field(default_factory=list)
    size_label: str | None = None
    report: dict[str, Any] = field(default_factory=dict)


def _title(report: checks.Report) -> str:
    counted = [c for c in report.checks if c.status is not checks.Status.SKIP]
    failing = [c.title for c in counted if c.status is checks.Status.FAIL]
    warning = [c.title for c in counted if c.status is checks.Status.WARN]
    passing = len(counted) - len(failing) - len(warning)
    head = f"{ICONS[report.status]} {passing} of {len(counted)} checks pass"
    waived = [c.title for c in report.checks if c.waived_by is not None]
    tail = f"; waived: {', '.join(waived)}" if waived else ""
    if failing:
        return f"{head}; failing: {', '.join(failing)}{tail}"
    if warning:
        return f"{head}; warnings: {', '.join(warning)}{tail}"
    return head + tail


def review(document: dict[str, Any], config_text: str | None,
           notices: tuple[str, ...] = ()) -> Outputs:
    """Run the checks over a snapshot document with the base branch's config text.

    Raises checks.ConfigError or checks.SnapshotError; the caller turns them into a neutral
    check run that says what is wrong.
    """
    config = (checks.config_from_yaml(config_text) if config_text is not None
              else checks.config_from_dict({}))
    report = checks.run(checks.load_snapshot(document), config)
    conclusion = report_conclusion(report, config.settings["warn_conclusion"])
    size = report.stats.get("size_label")
    return Outputs(
        status=str(report.status),
        conclusion=conclusion,
        title=_title(report),
        checklist=render_markdown(report, notices=notices),
        annotations=to_annotations(report),
        size_label=str(size) if size else None,
        report=report.to_dict(),
    )


def fingerprints_for(document: dict[str, Any], config_text: str | None,
                     check_ids: list[str]) -> dict[str, list[str]]:
    """The fingerprints of each listed check's findings on this snapshot, ignoring waivers:
    what a new `skip` records."""
    config = (checks.config_from_yaml(config_text) if config_text is not None
              else checks.config_from_dict({}))
    snapshot = checks.load_snapshot({**document, "waivers": []})
    return current_fingerprints(snapshot, config, check_ids)
