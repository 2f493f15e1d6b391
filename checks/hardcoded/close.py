"""Reading closely the added lines scan.py's pre-filter picked: the hosts on them (hosts.py),
which are no environment's value (context.py), and the paths, debug switches and resource names
values.py finds. Imported only when a file has such lines, which most files do not.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from checks.hardcoded import context, hosts, rules, values
from checks.hardcoded.files import FileRole, Syntax
from checks.hardcoded.lines import Literal, is_comment_line, literals, property_value
from checks.hardcoded.model import Hit, Tuning
from checks.model import ChangedFile, Line


def _host_hits(line: Line, code: str, found: Sequence[Literal], role: FileRole,
               tuning: Tuning) -> Iterator[Hit]:
    for literal in found:
        if context.quiet_context(code, literal) or context.env_default(code, literal, role):
            continue
        for use in hosts.host_uses(literal.text, literal.before, tuning.env_words):
            if tuning.allows(use.host) or context.text_not_value(literal, use):
                continue
            if use.scheme is None and use.rule in (rules.LOCAL_URL, rules.LOCAL_PORT) \
                    and context.BIND_CALL.search(code):
                continue
            shown = use.host + (f":{use.port}" if use.port is not None else "")
            yield Hit(use.rule, line.number, shown, context.key_before(literal.before))


def scan_line(line: Line, role: FileRole, tuning: Tuning) -> list[Hit]:
    """The environment values on one added line that passed the pre-filter."""
    if role.syntax is Syntax.PROPERTIES:
        value = property_value(line.text)
        if value is None:
            return []
        code = line.text
        found = [value]
        hits = list(values.property_debug(line, value))
    else:
        if is_comment_line(line.text):
            return []
        found, code = literals(line.text, role.comments)
        hits = list(values.debug_switches(line, code, role))
    hits += _host_hits(line, code, found, role, tuning)
    hits += values.user_paths(line, found)
    return hits


def _head_lines(changed: ChangedFile) -> dict[int, str]:
    """The lines of the head version the diff shows (context and added), by number; asked
    only of files with hits, since converting hunks costs."""
    shown = {line.new: line.text for hunk in changed.hunks for line in hunk.lines
             if line.new is not None and line.kind != "-"}
    shown.update((line.number, line.text) for line in changed.added)
    return shown


def read_closely(changed: ChangedFile, role: FileRole, picked: Sequence[Line], tuning: Tuning,
                 joined: str, keyed: bool) -> list[Hit]:
    """The environment values on the picked lines, then (`keyed`: the pre-filter saw a
    resource-like key given a literal) the resource names hardcoded beside environment reads."""
    hits: list[Hit] = []
    for line in picked:
        hits += scan_line(line, role, tuning)
    if hits:
        hits = context.quiet_by_lines_above(_head_lines(changed), hits, role.production)
    if keyed:
        # Only now is the rest of the file (context lines) worth assembling.
        text = changed.shown_text() or joined
        if values.reads_environment(text):
            hits += values.env_literals(changed, text)
    return hits
