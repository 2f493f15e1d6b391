"""What the App says back to a command: help from the permission table in effect, explain
from this head's report, one line per refused or wrong command. Comment text is escaped."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import checks
from bot.commands import permissions
from bot.commands.grammar import (
    CONFIG_TOPIC,
    DEFAULT_PREFIX,
    SUMMARY,
    USAGE,
    Command,
    Name,
    ParseError,
)
from checks.layers import Layered
from checks.render.escape import code_span, escape_markdown
from checks.render.replies import (
    REPLY_MARKER,
    explain_all,
    explain_check,
    explain_config,
    help_text,
)


def quoted(text: str) -> str:
    """Comment text quoted in a reply: escaped, so no mention, link, HTML or hidden record
    (a code span would keep `<!-- shipshape:record ...` verbatim in the App's own comment)."""
    return f"“{escape_markdown(text)}”"


def _who(command: Command, table: Mapping[str, str]) -> str:
    return permissions.needed(command, table).describe()


def help_reply(settings: Mapping[str, Any]) -> str:
    """The `help` table for the `commands` settings in effect."""
    table = settings.get("permissions") or {}
    rows = []
    for name in Name:
        who = _who(Command(name, ""), table)
        if name is Name.SKIP:
            special = [f"{spec.id}: {_who(Command(name, '', check=spec.id), table)}"
                       for spec in checks.REGISTRY if table.get(f"skip.{spec.id}")]
            if special:
                who += " (" + "; ".join(special) + ")"
            if not settings.get("self_waive", True):
                who += "; not on your own pull request"
        rows.append((USAGE[name], SUMMARY[name], who))
    prefix = str(settings.get("prefix") or DEFAULT_PREFIX)
    return help_text(prefix, rows, checks.REGISTRY)


def error_line(error: ParseError) -> str:
    """One reply line for a wrong command: what is wrong and the right form."""
    given = f" {quoted(error.given)}" if error.given else ""
    hint = f"; {error.hint}" if error.hint else ""
    forms = ", ".join(code_span(u) for u in error.usage)
    usage = f" The form is: {forms}." if forms else ""
    return f"- {quoted(error.line)}: {error.problem}{given}{hint}.{usage}"


def explain_reply(command: Command, report: Mapping[str, Any], config: checks.Config,
                  prefix: str, layered: Layered | None = None) -> str:
    """The `explain` reply: one check in depth, every check in a line, or the configuration."""
    if command.check == CONFIG_TOPIC:
        return f"{REPLY_MARKER}\n{explain_config(layered)}"
    if not command.check:
        return f"{REPLY_MARKER}\n{explain_all(checks.REGISTRY, report, prefix)}"
    spec = next(s for s in checks.REGISTRY if s.id == command.check)
    result: Mapping[str, Any] = next(
        (c for c in report.get("checks") or () if c.get("id") == spec.id), {})
    check_config = config.checks[spec.id]
    return (f"{REPLY_MARKER}\n" + explain_check(spec, result, check_config.options,
                                                check_config.enabled,
                                                str(check_config.level)))
