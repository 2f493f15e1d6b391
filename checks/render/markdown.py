"""The checklist comment people read on the PR (and `shipshape check --format markdown`)."""

from __future__ import annotations

from collections.abc import Iterable

from checks.model import CheckResult, Finding, Report, Status
from checks.render.escape import code_span, escape_markdown
from checks.render.title import ICONS, checks_passing

# The bot finds its own comment again by this marker; it must stay stable across versions.
COMMENT_MARKER = "<!-- shipshape:checklist -->"
MAX_FINDINGS_PER_CHECK = 10
# Findings listed per check when the checklist must fit a size: fewer and fewer, down to none,
# each check still saying how many it did not list.
_FINDINGS_STEPS = (MAX_FINDINGS_PER_CHECK, 5, 2, 1, 0)

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


def _check_lines(result: CheckResult, per_check: int) -> list[str]:
    lines = [f"- {ICONS[result.status]} **{escape_markdown(result.title)}**: "
             f"{escape_markdown(result.summary)}"]
    shown = result.findings[:per_check]
    lines.extend(_finding_line(f) for f in shown)
    hidden = len(result.findings) - len(shown)
    if hidden:
        lines.append(f"  - … and {hidden} more (see the check run's annotations)")
    return lines


def _headline(report: Report) -> str:
    return (f"### {ICONS[report.status]} shipshape: {_HEADLINES[report.status]} "
            f"({checks_passing(report)})")


def render_markdown(report: Report, *, notices: Iterable[str] = (),
                    max_bytes: int | None = None) -> str:
    """Render the checklist comment for `report`; `notices` are extra lines from the caller.

    With `max_bytes` (UTF-8), fewer findings are listed per check until the text fits, so every
    check keeps its line and its count of findings not listed; a publisher cutting what still
    does not fit (a huge note) then cuts no count.
    """
    notices = tuple(notices)
    text = ""
    for per_check in _FINDINGS_STEPS:
        text = _render(report, notices, per_check)
        if max_bytes is None or len(text.encode("utf-8")) <= max_bytes:
            break
    return text


def _render(report: Report, notices: tuple[str, ...], per_check: int) -> str:
    lines = [COMMENT_MARKER, _headline(report), ""]
    for result in report.checks:
        lines.extend(_check_lines(result, per_check))
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
