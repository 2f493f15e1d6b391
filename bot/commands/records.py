"""Waivers and story links as records in the App's own reply comments, and rebuilding them
from a PR's comment history: no database, so any process (or a restarted one) sees the same.

A record is a hidden HTML comment in a reply the App posted to a command. Comments are user
input: only comments written by this App count, only while the command comment they answer
still exists (deleting the command withdraws what it did), later records overriding earlier.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from checks.model import Waiver
from checks.waivers import WAIVE_ALL

MARKER_START = "<!-- shipshape:record "
MARKER_END = " -->"
# The record line is the last line of the App's reply: text quoted from users comes before it.
_MARKER = re.compile(re.escape(MARKER_START) + r"(\{.*\})" + re.escape(MARKER_END))
RECORD_VERSION = 1


class Kind(enum.StrEnum):
    """What a record does."""

    SKIP = "skip"
    UNSKIP = "unskip"
    STORY = "story"


@dataclass(frozen=True)
class Record:
    """One accepted waiver, withdrawal or story link: who, why, when, and for which comment.

    This is the typed "a waiver / story link was made by whom, why, when" that other parts
    (the story audit log) consume.
    """

    kind: Kind
    by: str
    at: str
    command_id: int
    check: str = ""
    reason: str = ""
    story: str = ""
    fingerprints: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Plain data for the marker."""
        out = asdict(self)
        out["kind"] = str(self.kind)
        out["fingerprints"] = list(self.fingerprints)
        return out

    @classmethod
    def from_json(cls, data: Any) -> Record | None:
        """Read one record, or None when it is not one (a hand-made or damaged marker)."""
        if not isinstance(data, Mapping):
            return None
        try:
            prints = data.get("fingerprints") or []
            if not all(isinstance(p, str) for p in prints):
                return None
            record = cls(Kind(data["kind"]), str(data["by"]), str(data.get("at") or ""),
                         int(data["command_id"]), str(data.get("check") or ""),
                         str(data.get("reason") or ""), str(data.get("story") or ""),
                         tuple(prints))
        except (KeyError, TypeError, ValueError):
            return None
        return record if record.by else None

    def waiver(self) -> Waiver:
        """The engine's view of a skip record."""
        return Waiver(self.check, self.by, self.reason, at=self.at,
                      fingerprints=self.fingerprints, comment_id=self.command_id)


def marker(records: Sequence[Record]) -> str:
    """The hidden line that carries `records` in a reply comment."""
    doc = {"v": RECORD_VERSION, "records": [r.to_json() for r in records]}
    # `--` cannot appear inside an HTML comment; JSON escapes keep it out of user text.
    text = json.dumps(doc, ensure_ascii=True, separators=(",", ":")).replace("--", "-\\u002d")
    return f"{MARKER_START}{text}{MARKER_END}"


def read_markers(body: str) -> list[Record]:
    """The records on the last line of a comment body (of any author: the caller decides trust).

    Only the last line counts, so a record quoted earlier in a reply (a file name, a command
    line) is never read as one of ours.
    """
    match = _MARKER.fullmatch(body.rstrip().rsplit("\n", 1)[-1].strip())
    if match is None:
        return []
    try:
        doc = json.loads(match.group(1))
    except ValueError:
        return []
    items = doc.get("records") if isinstance(doc, Mapping) else None
    records = (Record.from_json(item) for item in (items if isinstance(items, list) else ()))
    return [record for record in records if record is not None]


def by_app(comment: Mapping[str, Any], app_id: str, bot_login: str) -> bool:
    """True for a comment this App wrote (its installation, or its bot account)."""
    user = comment.get("user")
    if not isinstance(user, Mapping) or user.get("type") != "Bot":
        return False
    app = comment.get("performed_via_github_app")
    if isinstance(app, Mapping) and app.get("id") is not None:
        return str(app.get("id")) == app_id
    return bool(bot_login) and str(user.get("login") or "").lower() == bot_login.lower()


@dataclass
class PullState:
    """What the PR's comment history says: waivers by check, story links, the record trail."""

    waivers: dict[str, Waiver] = field(default_factory=dict)
    stories: list[Record] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)

    def apply(self, record: Record) -> None:
        """Let a later record override what earlier ones did."""
        self.records.append(record)
        if record.kind is Kind.SKIP:
            self.waivers[record.check] = record.waiver()
        elif record.kind is Kind.UNSKIP:
            if record.check == WAIVE_ALL:
                self.waivers.clear()
            else:
                self.waivers.pop(record.check, None)
        elif record.story not in (s.story for s in self.stories):
            self.stories.append(record)

    def documents(self) -> list[dict[str, Any]]:
        """The waivers as pr-snapshot.schema.json items."""
        return [{"check": w.check, "by": w.by, "reason": w.reason, "at": w.at,
                 "fingerprints": list(w.fingerprints or ()), "comment_id": w.comment_id}
                for w in self.waivers.values()]


def rebuild(comments: Iterable[Mapping[str, Any]], app_id: str, bot_login: str) -> PullState:
    """Replay the App's records, oldest first, for command comments that still exist."""
    listed = [c for c in comments if isinstance(c, Mapping)]
    existing = {c.get("id") for c in listed}
    state = PullState()
    for comment in listed:
        body = comment.get("body")
        if not isinstance(body, str) or MARKER_START not in body:
            continue
        if not by_app(comment, app_id, bot_login):
            continue
        for record in read_markers(body):
            if record.command_id in existing:
                state.apply(record)
    return state
