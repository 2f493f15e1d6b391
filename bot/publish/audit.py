"""Audit-log writes: story files through the Contents API, GitHub-issue stories as comments.

Rules (see ../shared/github/FACTS.md, Contents API):
- Compare-and-swap: every PUT carries the blob sha it read; a sha conflict (409, or 422 "sha
  wasn't supplied") reads the file again, re-applies the entries and retries, a bounded number
  of times with jittered backoff. Entries carry keys, so a retry never writes a line twice and
  a lost race never loses one.
- Writes to one repository's branch are serialised in this process (GitHub rejects parallel
  contents writes to one branch, even for different files): one asyncio lock per (repo, branch).
- The commit carries no author or committer, so GitHub signs it as the App (Verified).
- Happy path: two calls per story file (GET, PUT), fewer when the entry is already there.
- A refusal (branch protection, rulesets, no `contents: write`) raises AuditRefused; the
  caller warns in commit mode. In pull-request mode entries go to one `shipshape/audit-log`
  branch and one open PR, created once and updated in place.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import gidgethub

from bot import limits
from bot.github import Installation
from bot.snapshot import CONTENTS_URL, repo_vars
from checks.audit import insert_entries, keys_in

PUT_URL = "/repos/{owner}/{repo}/contents/{path}"
REF_URL = "/repos/{owner}/{repo}/git/ref/{ref}"
REFS_URL = "/repos/{owner}/{repo}/git/refs"
UPDATE_REF_URL = "/repos/{owner}/{repo}/git/refs/{ref}"
PULLS_URL = "/repos/{owner}/{repo}/pulls"
PULL_URL = "/repos/{owner}/{repo}/pulls/{number}"
ISSUE_URL = "/repos/{owner}/{repo}/issues/{number}"
ISSUE_COMMENTS_URL = "/repos/{owner}/{repo}/issues/{number}/comments"
AUDIT_BRANCH = "shipshape/audit-log"
AUDIT_PR_TITLE = "shipshape: story audit log entries"
WRITTEN, UNCHANGED, MISSING = "written", "unchanged", "missing"
NOT_AN_ISSUE = "not-an-issue"
MAX_ATTEMPTS = 6
BACKOFF_SECONDS = 0.2
_MAX_COMMENT_PAGES = 10
Sleep = Callable[[float], Awaitable[None]]


class AuditRefused(Exception):
    """GitHub refused the write (protection, rulesets or permissions); `reason` says which."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status}: {reason}")
        self.status = status
        self.reason = reason


class AuditConflict(Exception):
    """The file kept changing under us for MAX_ATTEMPTS rounds."""


class BranchLocks:
    """One asyncio lock per (repository, branch); a lock nobody holds or awaits is dropped."""

    def __init__(self) -> None:
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}
        self._users: dict[tuple[str, str], int] = {}

    @contextlib.asynccontextmanager
    async def hold(self, repo: str, branch: str) -> AsyncIterator[None]:
        """Hold the branch's lock for the block."""
        key = (repo.lower(), branch)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]

    def __len__(self) -> int:
        return len(self._locks)


def _message(exc: gidgethub.HTTPException) -> str:
    return str(exc.args[0]) if exc.args else ""


def _is_sha_conflict(exc: gidgethub.BadRequest) -> bool:
    """A stale blob sha or branch head (retry), as opposed to a rule refusing the write."""
    status, text = int(exc.status_code), _message(exc).lower()
    if status == 409:
        return "rule" not in text and "protected" not in text and "pull request" not in text
    return status == 422 and "sha" in text


def _refusal(exc: gidgethub.BadRequest) -> AuditRefused | None:
    status, text = int(exc.status_code), _message(exc)
    if status in (403, 404) or (status in (409, 422) and not _is_sha_conflict(exc)):
        return AuditRefused(status, text or "refused")
    return None


@dataclass(frozen=True)
class StoryFile:
    """A story file's text at a branch and the blob sha it was read at."""

    text: str
    sha: str


async def read_story(gh: Installation, repo: str, path: str, ref: str) -> StoryFile | None:
    """GET the file at `ref`; None when it is absent there or not UTF-8 text."""
    try:
        data = await gh.get(CONTENTS_URL, repo_vars(repo, path=path, ref=ref))
    except gidgethub.BadRequest as exc:
        if int(exc.status_code) == 404:
            return None
        raise
    if not isinstance(data, Mapping) or data.get("type") != "file":
        return None
    if data.get("encoding", "base64") != "base64" or (data.get("size") and not data.get("content")):
        # Files over 1 MB come without content ("encoding": "none"): writing back what was
        # read would empty the story, so such a file is left alone.
        return None
    try:
        text = base64.b64decode(str(data.get("content") or "")).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return StoryFile(text, str(data.get("sha") or ""))


async def _put(gh: Installation, repo: str, path: str, branch: str, text: str, sha: str,
               message: str) -> None:
    # No author or committer: GitHub then signs the commit as the App (Verified).
    body = {"message": message, "content": base64.b64encode(text.encode("utf-8")).decode(),
            "sha": sha, "branch": branch}
    await gh.put(PUT_URL, repo_vars(repo, path=path), data=body)


async def _backoff(attempt: int, sleep: Sleep) -> None:
    # Jitter spreads replicas that lost the same race, so they do not collide again.
    await sleep(BACKOFF_SECONDS * 2 ** attempt * (0.5 + random.random()))


async def append_entries(gh: Installation, repo: str, branch: str, path: str,
                         lines: Sequence[str], *, heading: str, message: str,
                         locks: BranchLocks, sleep: Sleep = asyncio.sleep) -> str:
    """Add entry lines to a story file on `branch`: WRITTEN, UNCHANGED or MISSING.

    Raises AuditRefused when GitHub will not take the write, AuditConflict when the file kept
    changing for MAX_ATTEMPTS rounds.
    """
    async with locks.hold(repo, branch):
        for attempt in range(MAX_ATTEMPTS):
            story = await read_story(gh, repo, path, branch)
            if story is None:
                return MISSING  # added by a PR that is not merged yet: nothing to log into
            updated = insert_entries(story.text, lines, heading)
            if updated == story.text:
                return UNCHANGED
            try:
                await _put(gh, repo, path, branch, updated, story.sha, message)
                return WRITTEN
            except gidgethub.BadRequest as exc:
                refused = _refusal(exc)
                if refused is not None:
                    raise refused from exc
                if not _is_sha_conflict(exc):
                    raise
            await _backoff(attempt, sleep)
    raise AuditConflict(f"{path} on {branch} changed {MAX_ATTEMPTS} times while writing")


def commit_message(story: str, number: int, event: str) -> str:
    """The commit's message: names story and PR; `[skip ci]` spares the repository's CI."""
    return f"docs(audit): {story} {event} (PR #{number}) [skip ci]"


# --- GitHub-issue stories ----------------------------------------------------------------------


async def comment_on_issue(gh: Installation, repo: str, issue: int, line: str) -> str:
    """Post the entry on the issue unless a comment there already carries its key.

    `#12` may name a pull request (GitHub shares the numbers): those get nothing.
    """
    wanted = keys_in(line)
    url_vars = repo_vars(repo, number=issue)
    try:
        found = await gh.get(ISSUE_URL, url_vars)
    except gidgethub.BadRequest as exc:
        if int(exc.status_code) in (404, 410):
            return MISSING  # no such issue (or a deleted one)
        raise
    if not isinstance(found, Mapping) or found.get("pull_request"):
        return NOT_AN_ISSUE
    for page in range(1, _MAX_COMMENT_PAGES + 1):
        items = await gh.get(f"{ISSUE_COMMENTS_URL}?per_page={limits.PER_PAGE}&page={page}",
                             url_vars)
        if not isinstance(items, list):
            break
        for item in items:
            body = item.get("body") if isinstance(item, Mapping) else None
            if isinstance(body, str) and wanted & keys_in(body):
                return UNCHANGED
        if len(items) < limits.PER_PAGE:
            break
    # The line is a list item; as a comment it reads better without the bullet.
    await gh.post(ISSUE_COMMENTS_URL, url_vars, data={"body": line.removeprefix("- ")})
    return WRITTEN


# --- pull-request mode -------------------------------------------------------------------------


async def _ref_sha(gh: Installation, repo: str, branch: str) -> str | None:
    try:
        data = await gh.get(REF_URL, repo_vars(repo, ref=f"heads/{branch}"))
    except gidgethub.BadRequest as exc:
        if int(exc.status_code) == 404:
            return None
        raise
    obj = data.get("object") if isinstance(data, Mapping) else None
    return str(obj.get("sha")) if isinstance(obj, Mapping) and obj.get("sha") else None


async def _open_audit_pull(gh: Installation, repo: str, base: str) -> Mapping[str, Any] | None:
    owner = repo.split("/")[0]
    url = f"{PULLS_URL}?head={owner}:{AUDIT_BRANCH}&base={base}&state=open"
    pulls = await gh.get(url, repo_vars(repo))
    return pulls[0] if isinstance(pulls, list) and pulls else None


async def _restart_branch(gh: Installation, repo: str, base: str) -> None:
    """Point the audit branch at the base branch's head (made when missing)."""
    base_sha = await _ref_sha(gh, repo, base)
    if base_sha is None:
        raise AuditRefused(404, f"branch {base} not found")
    if await _ref_sha(gh, repo, AUDIT_BRANCH) is None:
        await gh.post(REFS_URL, repo_vars(repo),
                      data={"ref": f"refs/heads/{AUDIT_BRANCH}", "sha": base_sha})
    else:
        # No open PR: its entries were merged or dropped, so start again from the base.
        await gh.patch(UPDATE_REF_URL, repo_vars(repo, ref=f"heads/{AUDIT_BRANCH}"),
                       data={"sha": base_sha, "force": True})


def _pull_body(paths: Sequence[str]) -> str:
    listed = "\n".join(f"- `{p}`" for p in sorted(paths))
    return ("shipshape could not commit audit-log entries to the base branch directly "
            "(`audit.mode: pull-request`), so it collects them here. Merge this PR to bring "
            "them in; shipshape keeps adding to it until then and opens a new one afterwards."
            f"\n\nStory files with pending entries:\n\n{listed}\n")


@dataclass(frozen=True)
class PendingWrite:
    """Entry lines for one story file, with the commit message for them."""

    path: str
    lines: tuple[str, ...]
    message: str


async def write_via_pull_request(gh: Installation, repo: str, base: str,
                                 writes: Sequence[PendingWrite], *, heading: str,
                                 locks: BranchLocks, sleep: Sleep = asyncio.sleep) -> str:
    """Add entries on the `shipshape/audit-log` branch and keep one open PR for it."""
    async with locks.hold(repo, f"{AUDIT_BRANCH}->{base}"):
        try:
            return await _collect(gh, repo, base, writes, heading=heading, locks=locks,
                                  sleep=sleep)
        except gidgethub.BadRequest as exc:
            if int(exc.status_code) in (403, 404):  # no contents or pull_requests write
                raise AuditRefused(int(exc.status_code), _message(exc) or "refused") from exc
            raise


async def _collect(gh: Installation, repo: str, base: str, writes: Sequence[PendingWrite], *,
                   heading: str, locks: BranchLocks, sleep: Sleep) -> str:
    """Entries onto the audit branch, then the one PR made or its body brought up to date."""
    pull = await _open_audit_pull(gh, repo, base)
    if pull is None:
        await _restart_branch(gh, repo, base)
    outcome = UNCHANGED
    for write in writes:
        done = await append_entries(gh, repo, AUDIT_BRANCH, write.path, write.lines,
                                    heading=heading, message=write.message, locks=locks,
                                    sleep=sleep)
        outcome = WRITTEN if done == WRITTEN else outcome
    if outcome != WRITTEN:
        return outcome
    paths = [w.path for w in writes]
    if pull is None:
        await gh.post(PULLS_URL, repo_vars(repo), data={
            "title": AUDIT_PR_TITLE, "head": AUDIT_BRANCH, "base": base,
            "body": _pull_body(paths)})
        return WRITTEN
    listed = str(pull.get("body") or "")
    missing = [p for p in paths if f"- `{p}`" not in listed]
    if missing:
        known = [line[3:-1] for line in listed.splitlines() if line.startswith("- `")]
        await gh.patch(PULL_URL, repo_vars(repo, number=pull["number"]),
                       data={"body": _pull_body([*known, *missing])})
    return WRITTEN
