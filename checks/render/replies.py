"""Replies to slash commands: `help` from the permission table in effect, `explain` from a
report and the checks' declared options. Pure; text from comments and the PR is escaped."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any

from checks.config import COMMON_CHECK_OPTIONS
from checks.model import Status
from checks.render.escape import code_span, escape_markdown
from checks.render.title import ICONS
from checks.spec import CheckSpec, Option

REPLY_MARKER = "<!-- shipshape:reply -->"
MAX_EXPLAINED_FINDINGS = 20
# How to fix what each check finds, beside each finding's own message (by stable check id).
FIXES: Mapping[str, str] = {
    "story": "Put the story id in the title, the branch name, the body or a commit message, "
             "or link it with the `story <ID>` command; when the repository keeps story files, "
             "add the story's file too.",
    "tests": "Add or update the tests of each changed source file (its own test file, e.g. "
             "`tests/test_<module>.py` for `<module>.py`) in this pull request.",
    "migrations": "Give each new or changed migration a down step that really reverses it, "
                  "or mark it irreversible the way the framework allows and say why.",
    "secrets": "Remove the credential, rotate it (it is in the history now), and read it "
               "from the environment or a secret store; a deliberate test value can carry "
               "`shipshape:allow secrets <reason>` on its line.",
    "commits": "Split a large pull request into smaller ones, squash fixup and WIP commits, "
               "and write subjects that say what changed and why.",
    "api-docs": "Update the API's documentation in the same pull request: the OpenAPI/Swagger "
                "document, the API docs folder, or, where the framework generates OpenAPI "
                "from code, the endpoint's own docs (docstring, `summary=`, `@Operation`, "
                "`@ApiOperation`).",
}


def help_text(prefix: str, commands: Sequence[tuple[str, str, str]],
              checks: Sequence[CheckSpec[Any]]) -> str:
    """The command list: (usage, what it does, who may run it) rows, then the check ids."""
    lines = ["**shipshape commands** (one per line, in a comment on the pull request):", "",
             "| command | what it does | who may run it |", "| --- | --- | --- |"]
    for usage, summary, who in commands:
        lines.append(f"| {code_span(f'{prefix} {usage}')} | {summary} | {who} |")
    ids = ", ".join(code_span(spec.id) for spec in checks)
    lines += ["", f"Checks: {ids}, or {code_span('all')} for `skip` and `unskip`."]
    return "\n".join(lines)


def _plain(value: Any) -> Any:
    """A typed option value as the YAML a person would write (enums, tuples, maps)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _option_rows(check_id: str, options: Mapping[str, Option], values: Any) -> list[str]:
    """One line per option: key, doc and the value in effect (`values`: a mapping or the
    check's typed options object)."""
    rows = []
    for name, option in options.items():
        value = (values.get(name, option.default) if isinstance(values, Mapping)
                 else getattr(values, name, option.default))
        value = _plain(value)
        shown = value if not isinstance(value, (list, dict)) or len(str(value)) <= 60 else "…"
        rows.append(f"- {code_span(f'{check_id}.{name}')}: {escape_markdown(option.doc)} "
                    f"(now {code_span(str(shown))})")
    return rows


def _finding_row(finding: Mapping[str, Any]) -> str:
    where = ""
    path = finding.get("path")
    if isinstance(path, str):
        line = finding.get("line")
        where = code_span(f"{path}:{line}" if isinstance(line, int) else path) + " "
    rule = finding.get("rule")
    rule_text = f" ({code_span(str(rule))})" if rule else ""
    return f"- {where}{escape_markdown(str(finding.get('message', '')))}{rule_text}"


def _rule_rows(spec: CheckSpec[Any], findings: Sequence[Mapping[str, Any]]) -> list[str]:
    """The documented rules among the findings: what each reports and its fix."""
    found = {str(f.get("rule")) for f in findings}
    return [f"- {code_span(doc.id)}: {escape_markdown(doc.summary)}; "
            f"{escape_markdown(doc.fix)}" for doc in spec.rule_docs if doc.id in found]


def explain_check(spec: CheckSpec[Any], result: Mapping[str, Any], options: Any,
                  enabled: bool, level: str) -> str:
    """What one check looks at, its findings on this head, how to fix them, its config keys."""
    status = Status(str(result.get("status", "skip")))
    lines = [f"### {ICONS[status]} {escape_markdown(spec.title)} ({code_span(spec.id)})", "",
             f"**What it looks at:** {escape_markdown(spec.description or spec.title)}", "",
             f"**On this head:** {escape_markdown(str(result.get('summary', '')))}"]
    findings = [f for f in result.get("findings") or () if isinstance(f, Mapping)]
    if findings:
        lines += ["", "**Findings:**"]
        lines += [_finding_row(f) for f in findings[:MAX_EXPLAINED_FINDINGS]]
        if len(findings) > MAX_EXPLAINED_FINDINGS:
            lines.append(f"- … and {len(findings) - MAX_EXPLAINED_FINDINGS} more "
                         "(see the check run's annotations)")
    if status in (Status.FAIL, Status.WARN):
        lines += ["", f"**How to fix:** {FIXES.get(spec.id, 'see each finding.')}"]
        lines += _rule_rows(spec, findings)
        lines += ["",
                  "If a finding is intended, a maintainer can waive it with "
                  f"{code_span(f'skip {spec.id} <reason>')}; a new finding ends the waiver."]
    common = {"enabled": enabled, "level": level}
    lines += ["", "**Configuration** (`.github/shipshape.yml` on the base branch):"]
    lines += _option_rows(spec.id, COMMON_CHECK_OPTIONS, common)
    lines += _option_rows(spec.id, spec.options, options)
    return "\n".join(lines)


def explain_all(checks: Sequence[CheckSpec[Any]], report: Mapping[str, Any], prefix: str) -> str:
    """Every check's status on this head, one line each, and how to ask for more."""
    results = {str(c.get("id")): c for c in report.get("checks") or () if isinstance(c, Mapping)}
    lines = ["### What shipshape checks on this pull request", ""]
    for spec in checks:
        result = results.get(spec.id, {})
        status = Status(str(result.get("status", "skip")))
        lines.append(f"- {ICONS[status]} **{escape_markdown(spec.title)}** "
                     f"({code_span(spec.id)}): {escape_markdown(spec.description)} "
                     f"On this head: {escape_markdown(str(result.get('summary', '')))}")
    lines += ["", f"{code_span(f'{prefix} explain <check>')} shows a check's findings, how to "
              "fix them and the settings that change it."]
    return "\n".join(lines)
