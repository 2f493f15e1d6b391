"""The report as GitHub Actions workflow commands (`::error file=...,line=...::message`).

A finding becomes an annotation on the workflow run: escaped by the runner's rules, so text a PR
author wrote (a commit subject, a file name) can never end the command early or start another.
"""

from __future__ import annotations

import checks
from checks.model import Finding, Severity

_COMMAND = {Severity.FAIL: "error", Severity.WARN: "warning", Severity.NOTICE: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message: `%`, CR and LF, as the Actions runner unescapes them."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property's value: the data escapes plus `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation(title: str, finding: Finding) -> str:
    props = []
    if finding.path is not None:
        props.append(f"file={escape_property(finding.path)}")
        if finding.line is not None:
            props.append(f"line={finding.line}")
            if finding.end_line is not None and finding.end_line >= finding.line:
                props.append(f"endLine={finding.end_line}")
    label = f"{title} ({finding.rule})" if finding.rule else title
    props.append(f"title={escape_property(label)}")
    return f"::{_COMMAND[finding.severity]} {','.join(props)}::{escape_data(finding.message)}"


def render_workflow_commands(report: checks.Report) -> str:
    """One annotation per finding of every check that did not pass (waived checks excepted)."""
    lines = []
    for result in report.checks:
        if result.status is checks.Status.PASS or result.waived_by is not None:
            continue
        if not result.findings:
            severity = Severity.FAIL if result.status is checks.Status.FAIL else Severity.WARN
            lines.append(_annotation(result.title, Finding(result.summary, severity=severity)))
        lines.extend(_annotation(result.title, finding) for finding in result.findings)
    return "".join(f"{line}\n" for line in lines)
