"""The checklist comment people read on the PR (and `shipshape check --format markdown`)."""

from __future__ import annotations

from collections.abc import Iterable

from checks.model import CheckResult, Finding, Report, Status
from checks.render.escape import code_span, escape_markdown
from checks.render.title import ICONS, checks_passing

# The bot finds its own comment again by this marker; it must stay stable across versions.
COMMENT_MARKER = "<!-- shipshape:checklist -->"
MAX_FINDINGS_PER_CHECK = 10

_HEADLINES = {
    Status.PASS: "All checks pass",
    Status.WARN: "Passes with warnings",
    Status.FAIL: "Not done yet",
}


def _finding_line(finding: Finding) -> str:
    where = ""
    if finding.path:
        location = finding.path if finding.line is None else f"{finding.path}:{finding.line}"
        where = f"{code_span(location)} "
    rule = f" ({code_span(finding.rule)})" if finding.rule else ""
    return f"  - {where}{escape_markdown(finding.message)}{rule}"


def _check_lines(result: CheckResult) -> list[str]:
    lines = [f"- {ICONS[result.status]} **{escape_markdown(result.title)}**: "
             f"{escape_markdown(result.summary)}"]
    shown = result.findings[:MAX_FINDINGS_PER_CHECK]
    lines.extend(_finding_line(f) for f in shown)
    hidden = len(result.findings) - len(shown)
    if hidden:
        lines.append(f"  - … and {hidden} more (see the check run's annotations)")
    return lines


def _headline(report: Report) -> str:
    return (f"### {ICONS[report.status]} shipshape: {_HEADLINES[report.status]} "
            f"({checks_passing(report)})")


def render_markdown(report: Report, *, notices: Iterable[str] = ()) -> str:
    """Render the checklist comment for `report`; `notices` are extra lines from the caller."""
    lines = [COMMENT_MARKER, _headline(report), ""]
    for result in report.checks:
        lines.extend(_check_lines(result))
    notes = [*notices, *report.notes]
    if report.stories:
        lines += ["", "Stories: " + ", ".join(code_span(s) for s in report.stories)]
    size = report.stats.get("size_label")
    if size:
        lines += ["", f"Size: **{escape_markdown(str(size))}**"]
    if notes:
        lines += ["", "<details><summary>Notes</summary>", ""]
        lines += [f"- {escape_markdown(n)}" for n in notes]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"
