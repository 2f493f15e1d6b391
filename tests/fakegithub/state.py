"""The fake's state: plain dataclasses and dicts, nothing clever.

Rule: every piece of GitHub state the handlers read or write lives in `State`; handlers never keep
their own. Ids come from one counter so that ids of different kinds never collide (as on GitHub).
"""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

_DIFF_HEADER = re.compile(r"^diff --git a/(.*) b/(.*)$")


@dataclass(frozen=True)
class FakeCommit:
    """A commit to seed on a PR; the sha is derived from the message when not given."""

    message: str
    sha: str | None = None
    author: str = "octocat"
    parents: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Call:
    """One request the fake received, in arrival order."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    headers: dict[str, str]
    status: int = 0
    # When the request arrived and when its answer was ready (time.monotonic): which calls
    # overlapped, so a test can count a job's sequential round trips without timing it.
    started: float = 0.0
    ended: float = 0.0


@dataclass
class Token:
    """An installation access token."""

    token: str
    installation_id: int
    expires_at: float


@dataclass
class PullRequest:
    """A pull request with what the REST API reveals about it."""

    number: int
    title: str
    body: str | None
    head_sha: str
    head_ref: str
    base_ref: str
    base_sha: str
    user: str = "octocat"
    state: str = "open"
    # GitHub moves the PR's updated_at on every push; events carry it (the queue orders heads
    # by it). The fake's clock ticks one second per push, so no two pushes tie.
    updated_at: str = ""
    draft: bool = False
    labels: list[str] = field(default_factory=list)
    diff: str = ""
    files: list[dict[str, Any]] = field(default_factory=list)
    commits: list[dict[str, Any]] = field(default_factory=list)
    id: int = 0


@dataclass
class Comparison:
    """What `compare/{base}...{head}` shows: a merge group's changes and commits."""

    base_sha: str
    head_sha: str
    diff: str = ""
    files: list[dict[str, Any]] = field(default_factory=list)
    commits: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Repo:
    """A repository: branches, file trees per ref, and everything hanging off its issues."""

    owner: str
    name: str
    id: int
    installation_id: int
    default_branch: str = "main"
    private: bool = False
    branches: dict[str, str] = field(default_factory=dict)
    trees: dict[str, dict[str, bytes]] = field(default_factory=dict)
    pulls: dict[int, PullRequest] = field(default_factory=dict)
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    check_runs: list[dict[str, Any]] = field(default_factory=list)
    annotations: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    reactions: list[dict[str, Any]] = field(default_factory=list)
    reviews: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    statuses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    permissions: dict[str, str] = field(default_factory=dict)
    comparisons: dict[tuple[str, str], Comparison] = field(default_factory=dict)
    # Plain issues (not PRs), by number: their titles.
    issues: dict[int, str] = field(default_factory=dict)
    # Branches whose contents writes GitHub refuses, and how ("ruleset" or "permission").
    protected: dict[str, str] = field(default_factory=dict)
    # Commit messages of contents writes, in order (what `git log` would show).
    commit_messages: list[tuple[str, str]] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def resolve(self, ref: str | None) -> dict[str, bytes] | None:
        """Return the file tree at a branch name or commit sha, or None if the ref is unknown."""
        ref = ref or self.default_branch
        if ref.startswith("refs/heads/"):
            ref = ref[len("refs/heads/"):]
        if ref in self.trees:
            return self.trees[ref]
        if ref in self.branches and self.branches[ref] in self.trees:
            return self.trees[self.branches[ref]]
        for name, sha in self.branches.items():
            if ref == sha and name in self.trees:
                return self.trees[name]
        return None

    def known_ref(self, ref: str) -> bool:
        """Whether a ref names a branch or a commit the fake knows."""
        return ref in self.branches or ref in self.trees or ref in self.branches.values()


@dataclass
class State:
    """All repositories and App-level data."""

    repos: dict[str, Repo] = field(default_factory=dict)
    installations: dict[int, str] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    redeliveries: list[int] = field(default_factory=list)
    # (org, team slug) -> logins of active members (lower case).
    teams: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    ids: itertools.count = field(default_factory=lambda: itertools.count(1000))

    def next_id(self) -> int:
        return next(self.ids)


def fake_sha(*parts: object) -> str:
    """A stable 40-hex sha for seeded objects."""
    return hashlib.sha1("\0".join(map(str, parts)).encode()).hexdigest()


def blob_sha(content: bytes) -> str:
    """Git's blob id for content, as the contents and trees APIs report it."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def files_from_diff(diff: str) -> list[dict[str, Any]]:
    """Split real `git diff` text into GitHub's files-list rows (name, status, patch, counts)."""
    chunks: list[list[str]] = []
    for line in diff.splitlines():
        if line.startswith("diff --git "):
            chunks.append([])
        if chunks:
            chunks[-1].append(line)
    return [_file_row(chunk) for chunk in chunks]


def _file_row(lines: list[str]) -> dict[str, Any]:
    """One files-list row from one `diff --git` section."""
    match = _DIFF_HEADER.match(lines[0])
    old, new = (match.group(1), match.group(2)) if match else ("", "")
    header = [line for line in itertools.takewhile(lambda x: not x.startswith("@@"), lines)]
    status = _status(header)
    for line in header:
        if line.startswith("+++ b/"):
            new = line[len("+++ b/"):]
        elif line.startswith("--- a/"):
            old = line[len("--- a/"):]
        elif line.startswith(("rename from ", "copy from ")):
            old = line.split(" ", 2)[2]
        elif line.startswith(("rename to ", "copy to ")):
            new = line.split(" ", 2)[2]
    hunks = lines[len(header):]
    additions = sum(1 for h in hunks if h.startswith("+"))
    deletions = sum(1 for h in hunks if h.startswith("-"))
    row: dict[str, Any] = {
        "filename": old if status == "removed" else new, "status": status,
        "additions": additions, "deletions": deletions, "changes": additions + deletions,
    }
    if status in {"renamed", "copied"}:
        row["previous_filename"] = old
    if hunks:
        row["patch"] = "\n".join(hunks)
    return row


def _status(header: list[str]) -> str:
    for line in header:
        if line.startswith("new file mode"):
            return "added"
        if line.startswith("deleted file mode"):
            return "removed"
        if line.startswith("rename from"):
            return "renamed"
        if line.startswith("copy from"):
            return "copied"
    return "modified"
