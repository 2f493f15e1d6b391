"""Plain text for the terminal: coloured when asked, plain when piped."""

from __future__ import annotations

from checks.lazyre import lazy_compile
from checks.model import CheckResult, Report, Status

_MARKS = {Status.PASS: "✔", Status.WARN: "!", Status.FAIL: "✘", Status.SKIP: "-"}
_COLOURS = {Status.PASS: "32", Status.WARN: "33", Status.FAIL: "31", Status.SKIP: "90"}
# Text quoted from a PR may carry terminal escape sequences; show them, never execute them.
_CONTROL = lazy_compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def _paint(text: str, status: Status, color: bool) -> str:
    return f"\x1b[{_COLOURS[status]}m{text}\x1b[0m" if color else text


def _check_lines(result: CheckResult, color: bool) -> list[str]:
    label = _paint(f"{_MARKS[result.status]} {result.status.value:<4}", result.status, color)
    lines = [f"  {label}  {_clean(result.title)}: {_clean(result.summary)}"]
    for f in result.findings:
        where = _clean(f.path or "")
        if where and f.line is not None:
            where += f":{f.line}"
        rule = f" [{f.rule}]" if f.rule else ""
        lines.append(f"          {where + '  ' if where else ''}{_clean(f.message)}{rule}")
    return lines


def render_text(report: Report, color: bool = False) -> str:
    """Render `report` as terminal text; `color` adds ANSI colours."""
    head = _paint(f"shipshape: {report.status.value.upper()}", report.status, color)
    lines = [head]
    for result in report.checks:
        lines.extend(_check_lines(result, color))
    if report.stories:
        lines.append(f"  stories: {_clean(', '.join(report.stories))}")
    lines.extend(f"  note: {_clean(note)}" for note in report.notes)
    return "\n".join(lines) + "\n"
