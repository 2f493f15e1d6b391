"""Pairing the routes a scan read into the endpoints the PR changed, and whether each carries its
own docs. Imported only when a PR's changed lines declare a route: most PRs declare none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from checks.api_docs.families import Change, Side
from checks.api_docs.routes import Route, Scanner, Window, new_line_at, window
from checks.model import ChangedFile, FileStatus

# How far apart (in lines) a removed and an added route of one file may be to be one edit.
_NEAR = 3


# eq=False: working records of one scan, paired by their routes' keys, never compared.
@dataclass(frozen=True, eq=False)
class Seen:
    """A route read from one side of one file, with the scanner that read it."""

    route: Route
    changed: ChangedFile
    scanner: Scanner


# eq=False: endpoints are listed and reported, never compared (nor hashed); identity will do.
@dataclass(frozen=True, eq=False)
class Endpoint:
    """One endpoint the PR changed: the route as it is now (as it was, when removed)."""

    change: Change
    route: Route
    path: str
    old: Route | None = None
    documented: bool = False
    # For a removed route of a file that still exists: where it was, in the new file.
    anchor: int | None = None

    @property
    def label(self) -> str:
        """`GET /a` or, when the path changed in place, `GET /a -> GET /b`."""
        if self.old is not None and self.old.label != self.route.label:
            return f"{self.old.label} -> {self.route.label}"
        return self.route.label


_Pair = tuple[Change, Seen, Route | None]


def _pair(added: list[Seen], removed: list[Seen]) -> list[_Pair]:
    """Match routes across the two sides of the whole PR, so a route moved to another file
    is a move; what stays unmatched was added or removed (or, a few lines apart in one file,
    had its path edited in place)."""
    olds: dict[tuple[str, str, str], list[Seen]] = defaultdict(list)
    for seen in removed:
        olds[seen.route.key].append(seen)
    out: list[_Pair] = []
    new_only: list[Seen] = []
    for seen in added:
        same = olds.get(seen.route.key)
        if not same:
            new_only.append(seen)
            continue
        old = same.pop(0).route
        if old.signature != seen.route.signature:
            out.append((Change.CHANGED, seen, old))
    # Indexed by file, framework and method so a PR replacing many routes stays linear.
    by_place: dict[tuple[str, str, str], list[Seen]] = defaultdict(list)
    for group in olds.values():
        for seen in group:
            by_place[(seen.changed.path, seen.route.framework, seen.route.method)].append(seen)
    for seen in new_only:
        route = seen.route
        candidates = by_place.get((seen.changed.path, route.framework, route.method), [])
        near = next((old for old in candidates if abs(old.route.line - route.line) <= _NEAR),
                    None)
        if near is None:
            out.append((Change.ADDED, seen, None))
        else:
            candidates.remove(near)
            out.append((Change.CHANGED, seen, near.route))
    out += [(Change.REMOVED, seen, None) for group in by_place.values() for seen in group]
    return out


def endpoints(added: list[Seen], removed: list[Seen], resigned: Sequence[Seen],
              code_docs: bool) -> list[Endpoint]:
    """The endpoints the routes read make: paired across the sides, handlers whose signature
    changed under an unchanged route (`resigned`), each with whether it carries its own docs
    (`code_docs`) and, when removed from a file that remains, where it was."""
    windows: dict[tuple[str, Side], Window] = {}
    out = []
    pairs = _pair(added, removed) + [(Change.CHANGED, seen, None) for seen in resigned]
    for change, seen, old in pairs:
        documented = False
        if code_docs and seen.scanner.documented is not None:
            side = Side.OLD if change is Change.REMOVED else Side.NEW
            key = (seen.changed.path, side)
            if key not in windows:
                windows[key] = window(seen.changed, side)
            documented = seen.scanner.documented(seen.route, windows[key])
        anchor = None
        if change is Change.REMOVED and seen.changed.status is not FileStatus.REMOVED:
            anchor = new_line_at(seen.changed, seen.route.line)
        out.append(Endpoint(change, seen.route, seen.changed.path, old, documented, anchor))
    return out
