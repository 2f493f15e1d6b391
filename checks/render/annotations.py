"""Check run annotations: one per finding that has a path and a line.

Annotations are plain text (no markdown escaping), but what GitHub would autolink in them is
defused all the same: they quote file names and lines a PR author wrote.
"""

from __future__ import annotations

from typing import Any

from checks.model import Report, Severity
from checks.render.escape import defuse_references

_LEVEL = {Severity.FAIL: "failure", Severity.WARN: "warning", Severity.NOTICE: "notice"}
# GitHub caps an annotation's title at 255 characters and its message at 64 KB.
_MAX_TITLE = 255
_MAX_MESSAGE = 64 * 1024 - 1


def to_annotations(report: Report) -> list[dict[str, Any]]:
    """Return GitHub annotation objects for every anchored finding, in report order."""
    out: list[dict[str, Any]] = []
    for result in report.checks:
        for finding in result.findings:
            if not finding.path or finding.line is None:
                continue
            title = result.title + (f" ({finding.rule})" if finding.rule else "")
            out.append({
                "path": finding.path,
                "start_line": finding.line,
                "end_line": max(finding.end_line or finding.line, finding.line),
                "annotation_level": _LEVEL[finding.severity],
                "title": defuse_references(title)[:_MAX_TITLE],
                "message": defuse_references(finding.message)[:_MAX_MESSAGE],
            })
    return out
