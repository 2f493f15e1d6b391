"""Audit-log entries for a PR event, and where they go in a story file (pure: time passed in).

An entry is one markdown list line ending in a hidden key (`<!-- shipshape-audit: ... -->`) made of
the PR number, the event, the head sha and the event's time. The key makes writing idempotent: a
redelivered event or a retried job finds its key already in the file and writes nothing, while a
PR that goes ready -> draft -> ready on one head still gets three lines (three times).

Text a PR author wrote (title, login, waiver reasons) goes through `escape_markdown`, so it can
add no heading, list, link, HTML or @-mention to the story file or the issue comment.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from checks.lazyre import lazy_compile
from checks.model import Report, Snapshot, Status
from checks.render.escape import code_span, escape_markdown
from checks.story import DEFAULT_STORY_GLOB, has_story_files, story_paths

if TYPE_CHECKING:
    from checks.config import Config


class AuditEvent(enum.StrEnum):
    """What happened to the PR; the names are what `audit.events` lists."""

    DRAFT_OPENED = "draft-opened"
    CONVERTED_TO_DRAFT = "converted-to-draft"
    OPENED = "opened"
    REOPENED = "reopened"
    READY_FOR_REVIEW = "ready-for-review"
    MERGED = "merged"
    CLOSED_UNMERGED = "closed-unmerged"
    # Made by slash commands (`skip`, `unskip`, `story`): `actor` and `reason` say who and why,
    # `check` which check, `source` the command comment (bot/commands/audit.py builds them).
    WAIVED = "waived"
    STORY_LINKED = "story-linked"
    WAIVER_WITHDRAWN = "waiver-withdrawn"


class StoryStatus(enum.StrEnum):
    """A story's status as the audit log states it."""

    IN_PROGRESS = "in-progress"
    IN_REVIEW = "in-review"
    DONE = "done"


STATUS_OF: Mapping[AuditEvent, StoryStatus] = {
    AuditEvent.DRAFT_OPENED: StoryStatus.IN_PROGRESS,
    AuditEvent.CONVERTED_TO_DRAFT: StoryStatus.IN_PROGRESS,
    AuditEvent.OPENED: StoryStatus.IN_REVIEW,
    AuditEvent.REOPENED: StoryStatus.IN_REVIEW,
    AuditEvent.READY_FOR_REVIEW: StoryStatus.IN_REVIEW,
    AuditEvent.MERGED: StoryStatus.DONE,
    AuditEvent.CLOSED_UNMERGED: StoryStatus.IN_PROGRESS,
}

DEFAULT_HEADING = "## Audit Log"
DEFAULT_TEMPLATE = "{time} · {event} · PR #{number} {title} by {author} · {summary}"
TEMPLATE_FIELDS = ("time", "event", "status", "number", "title", "author", "summary", "head")
KEY_PREFIX = "<!-- shipshape-audit:"
_KEY_RE = lazy_compile(r"<!-- shipshape-audit: ([^<>]*?) -->")
_TIME_RE = lazy_compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|\+00:00)$")
_HEADING_RE = lazy_compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE_RE = lazy_compile(r"^ {0,3}(`{3,}|~{3,})")
_SHORT_SHA = 7


class AuditConfigError(ValueError):
    """An `audit` setting is invalid; `key` is the key within the section."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class AuditEntry:
    """One event in a PR's life, with what shipshape said about the PR at that moment.

    `at` is the event's UTC time as ISO 8601 (`2026-11-22T14:03:12Z`): the caller reads it from
    the webhook payload (never the worker's clock), so a retried job writes the same line.
    An entry made by a command has a `source` (`comment=123`): its key is built from that
    instead of head and time, since a retried command job records the waiver at a new time.
    """

    event: AuditEvent
    number: int
    title: str
    author: str
    head_sha: str
    summary: str
    at: str
    actor: str = ""
    reason: str = ""
    check: str = ""
    source: str = ""

    @property
    def status(self) -> StoryStatus | None:
        """The story status the event implies (None for waivers and story links)."""
        return STATUS_OF.get(self.event)

    @property
    def key(self) -> str:
        """The hidden idempotency key: same PR, event, head and time (or command) -> same key."""
        if self.source:
            check = f" check={_key_word(self.check)}" if self.check else ""
            return f"pr={self.number} event={self.event} {_key_word(self.source)}{check}"
        stamp = re.sub(r"[^0-9TZ]", "", _normal_time(self.at))
        return (f"pr={self.number} event={self.event} head={self.head_sha[:_SHORT_SHA]} "
                f"at={stamp}")


def _key_word(text: str) -> str:
    """Key-safe text: nothing that could end the HTML comment or split the key."""
    return re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9=_.-]", "", text))


def _normal_time(at: str) -> str:
    match = _TIME_RE.match(at)
    if match is None:
        raise ValueError(f"not an ISO 8601 UTC time: {at!r}")
    year, month, day, hour, minute, second = match.groups()
    return f"{year}-{month}-{day}T{hour}:{minute}:{second}Z"


def _shown_time(at: str) -> str:
    normal = _normal_time(at)
    return f"{normal[:10]} {normal[11:16]} UTC"


def _event_text(entry: AuditEntry) -> str:
    who = f" by {escape_markdown('@' + entry.actor)}" if entry.actor else ""
    why = f": {escape_markdown(entry.reason)}" if entry.reason else ""
    what = f" {code_span(entry.check)}" if entry.check else ""
    if entry.event is AuditEvent.WAIVED:
        return f"WAIVED{what}{who}{why}"
    if entry.event is AuditEvent.WAIVER_WITHDRAWN:
        return f"WAIVER WITHDRAWN{what}{who}{why}"
    if entry.event is AuditEvent.STORY_LINKED:
        return f"STORY LINKED{who}{why}"
    text = f"STATUS: {entry.status}"
    if entry.event is AuditEvent.CLOSED_UNMERGED:
        text += f" - PR #{entry.number} closed unmerged"
    return text


def entry_line(entry: AuditEntry, template: str = DEFAULT_TEMPLATE) -> str:
    """The markdown list line for an entry, ending in its hidden key."""
    fields = {
        "time": _shown_time(entry.at),
        "event": _event_text(entry),
        "status": str(entry.status or ""),
        # A local snapshot (the command line on a branch) has no PR number yet.
        "number": str(entry.number) if entry.number else "?",
        # Quotes make the title's extent plain; escaping keeps it inert.
        "title": f'"{escape_markdown(entry.title)}"',
        # Logins are [A-Za-z0-9-] (bots end in [bot]); escaping breaks the mention, so a
        # comment on an issue story does not notify the author on every event.
        "author": escape_markdown(f"@{entry.author}") if entry.author else "someone",
        "summary": escape_markdown(entry.summary),
        "head": entry.head_sha[:_SHORT_SHA],
    }
    text = " ".join(template.format_map(fields).split())
    return f"- {text} {KEY_PREFIX} {entry.key} -->"


def check_template(template: str) -> None:
    """Raise AuditConfigError when the template names an unknown field or uses a format spec."""
    if template == DEFAULT_TEMPLATE:
        return  # valid (tests/checks/test_audit.py), and what most configurations keep
    import string  # only a custom template is parsed: most processes need not import it

    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise AuditConfigError("template", f"not a valid template: {exc}") from exc
    for _text, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in TEMPLATE_FIELDS or spec or conversion:
            raise AuditConfigError("template", f"unknown field {{{name}}}; accepted: "
                                   + ", ".join(f"{{{f}}}" for f in TEMPLATE_FIELDS))


def check_heading(heading: str) -> None:
    """Raise AuditConfigError unless `heading` is one markdown heading line (`## Audit Log`)."""
    match = _HEADING_RE.match(heading)
    if "\n" in heading or "\r" in heading or match is None or not match.group(2).strip():
        raise AuditConfigError("heading", f"expected a markdown heading such as "
                               f"{DEFAULT_HEADING!r}, got {heading!r}")


def check_settings(settings: Mapping[str, Any]) -> None:
    """Validate what option kinds cannot: the heading's and the template's shape."""
    if "heading" in settings:
        check_heading(settings["heading"])
    if "template" in settings:
        check_template(settings["template"])


def summary_of(statuses: Iterable[Status | str]) -> str:
    """`shipshape 4/5 pass`: the checks that ran (not skipped) and how many passed."""
    counted = [Status(s) for s in statuses if Status(s) is not Status.SKIP]
    passing = sum(1 for s in counted if s is Status.PASS)
    return f"shipshape {passing}/{len(counted)} pass"


def report_summary(report: Report) -> str:
    """`summary_of` a report."""
    return summary_of(c.status for c in report.checks)


def keys_in(text: str) -> set[str]:
    """The audit keys already present in a text (a story file or issue comments)."""
    return {m.group(1) for m in _KEY_RE.finditer(text)}


# --- where entries go --------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryTarget:
    """Where one story's entries go: its file in the repository, or a GitHub issue."""

    story: str
    path: str | None = None
    issue: int | None = None


_ISSUE_ID_RE = lazy_compile(r"^#([0-9]{1,9})$")


def targets(snapshot: Snapshot, globs: Sequence[str],
            stories: Iterable[str]) -> tuple[StoryTarget, ...]:
    """Story files (from the repository listing, never built from an id) or issues for ids.

    A `#12` with no story file is a GitHub issue of this repository; ids of other repositories
    and keys without a file get nothing.
    """
    ids = list(dict.fromkeys(stories))
    paths = story_paths(snapshot, globs, ids)
    out: list[StoryTarget] = []
    seen: set[tuple[str | None, int | None]] = set()
    for story in ids:
        path = paths.get(story)
        issue = None
        if path is None and (match := _ISSUE_ID_RE.match(story)):
            issue = int(match.group(1))
        if (path is None and issue is None) or (path, issue) in seen:
            continue
        seen.add((path, issue))
        out.append(StoryTarget(story, path, issue))
    return tuple(out)


@dataclass(frozen=True)
class PlannedEntry:
    """One line to add for one story."""

    target: StoryTarget
    entry: AuditEntry
    line: str


def current_event(snapshot: Snapshot) -> AuditEvent:
    """The event an open PR in this state was opened with (for `shipshape check`)."""
    return AuditEvent.DRAFT_OPENED if snapshot.draft else AuditEvent.OPENED


def plan(event: AuditEvent, snapshot: Snapshot, stories: Sequence[str], summary: str,
         config: Config, at: str, *, actor: str = "", reason: str = "", check: str = "",
         source: str = "") -> tuple[PlannedEntry, ...]:
    """The entries the App writes for `event` on this PR, given the report's stories and
    summary then. Only `snapshot`'s PR fields and `repo_files` are read."""
    settings = config.settings["audit"]
    if settings["enabled"] == "false" or event.value not in settings["events"]:
        return ()
    globs = story_globs(config)
    if settings["enabled"] == "auto" and not has_story_files(snapshot, globs):
        return ()
    entry = AuditEntry(event, snapshot.number or 0, snapshot.title, snapshot.author,
                       snapshot.head_sha, summary, at, actor, reason, check, source)
    line = entry_line(entry, settings["template"])
    return tuple(PlannedEntry(t, entry, line) for t in targets(snapshot, globs, stories))


def story_globs(config: Config) -> tuple[str, ...]:
    """Where story files live (`story.story_glob`)."""
    story = config.checks.get("story")
    return tuple(story.options.story_glob) if story is not None else (DEFAULT_STORY_GLOB,)


# --- the text edit -----------------------------------------------------------------------------


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _title_of(heading: str) -> str:
    match = _HEADING_RE.match(heading)
    return " ".join((match.group(2) if match else heading).split()).casefold()


def _headings(lines: Sequence[str]) -> list[tuple[int, int, str]]:
    """(line index, level, folded title) of every heading outside fenced code."""
    found = []
    fence = ""
    for index, line in enumerate(lines):
        bare = line.rstrip("\r\n")
        if fence_match := _FENCE_RE.match(bare):
            marker = fence_match.group(1)
            if not fence:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence) \
                    and not bare.strip()[len(marker):].strip():
                fence = ""
            continue
        if fence:
            continue
        if match := _HEADING_RE.match(bare):
            found.append((index, len(match.group(1)), " ".join(match.group(2).split()).casefold()))
    return found


def _section_end(lines: Sequence[str], start: int, heads: list[tuple[int, int, str]]) -> int:
    """Index just past the last non-blank line of the section that starts at `start`."""
    level = next(lv for i, lv, _ in heads if i == start)
    end = next((i for i, lv, _ in heads if i > start and lv <= level), len(lines))
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def insert_entries(text: str, lines: Sequence[str], heading: str = DEFAULT_HEADING) -> str:
    """Append entry lines at the end of the audit section (made at the end when missing).

    Lines whose key is already in the text are left out; the rest of the text is unchanged,
    byte for byte, and keeps its line endings (CRLF stays CRLF).
    """
    present = keys_in(text)
    new = [ln for ln in dict.fromkeys(lines) if not (keys_in(ln) & present)]
    if not new:
        return text
    nl = _newline(text)
    rows = text.splitlines(keepends=True)
    wanted = _title_of(heading)
    heads = _headings(rows)
    start = next((i for i, _, title in heads if title == wanted), None)
    block = [ln + nl for ln in new]
    if start is None:
        if rows and not rows[-1].endswith(("\n", "\r")):
            rows[-1] += nl
        lead = [nl] if rows else []
        return "".join([*rows, *lead, heading.strip() + nl, nl, *block])
    end = _section_end(rows, start, heads)
    if end == start + 1:  # an empty section: blank lines around the new entries
        block = [nl, *block, *([nl] if end < len(rows) and rows[end].strip() else [])]
    if not rows[end - 1].endswith(("\n", "\r")):
        rows[end - 1] += nl
        if end == len(rows):  # the file had no final newline: keep it that way
            block[-1] = block[-1][: -len(nl)]
    return "".join([*rows[:end], *block, *rows[end:]])
