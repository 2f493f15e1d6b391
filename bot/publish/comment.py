"""The one checklist comment per PR: found by its hidden marker, edited in place, never
duplicated, and left alone when its text would not change.

Comments are read back from GitHub, so they are user input: only a comment written by a bot
account (and, when GitHub says, by this App) whose body starts with the marker counts as ours.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import aiohttp
import cachetools
import gidgethub

from bot import limits
from bot.github import Installation, repo_vars
from bot.publish import cut_text
from checks.render.markdown import COMMENT_MARKER

LIST_URL = "/repos/{owner}/{repo}/issues/{number}/comments"
UPDATE_URL = "/repos/{owner}/{repo}/issues/comments/{comment_id}"
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
SUPERSEDED = "superseded"
_MAX_PAGES = 30
# Says, just before a write, whether the result is still for the PR's newest head.
Guard = Callable[[], Awaitable[bool]]


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def fit(body: str, tail: str = "") -> str:
    """The body and `tail` (a note on what else was left out, never cut) within GitHub's
    comment limit, counted in characters and in UTF-8 bytes (one report says the limit counts
    bytes; escaped text is rich in 3-byte characters)."""
    limit = limits.MAX_COMMENT_CHARS - limits.COMMENT_SAFETY_MARGIN
    while True:
        cut = cut_text(body, limit, "checklist", limits.MAX_COMMENT_CHARS, tail=tail)
        excess = len(cut.encode("utf-8")) - (limits.MAX_COMMENT_CHARS
                                              - limits.COMMENT_SAFETY_MARGIN)
        if excess <= 0:
            return cut
        limit -= excess


class CommentCache:
    """Which comment is ours on each PR, and the digest of what it says (per process)."""

    def __init__(self, maxsize: int = 10_000) -> None:
        self._known: cachetools.LRUCache[str, tuple[int, str]] = cachetools.LRUCache(maxsize)

    def get(self, key: str) -> tuple[int, str] | None:
        """The comment id and body digest last seen for a PR."""
        return self._known.get(key)

    def remember(self, key: str, comment_id: int, body: str) -> None:
        """Record our comment for a PR."""
        self._known[key] = (comment_id, _digest(body))

    def forget(self, key: str) -> None:
        """Drop what we knew (the comment was deleted)."""
        self._known.pop(key, None)


def is_ours(comment: Mapping[str, Any], app_id: str) -> bool:
    """True for the App's own checklist comment."""
    body = comment.get("body")
    user = comment.get("user") or {}
    if not isinstance(body, str) or not body.startswith(COMMENT_MARKER):
        return False
    if user.get("type") != "Bot":
        return False
    app = comment.get("performed_via_github_app")
    return not isinstance(app, Mapping) or str(app.get("id")) == app_id


async def find(gh: Installation, repo: str, number: int, app_id: str
               ) -> Mapping[str, Any] | None:
    """Page through the PR's comments for ours.

    Always listed: the PR's comment count in the event is as old as the event, and another
    replica, or this process before a crash, may have posted ours since (1,000 deliveries
    over 200 PRs and a kill -9 left 7 PRs with two comments when a count of 0 was trusted).
    """
    url_vars = repo_vars(repo, number=number)
    for page in range(1, _MAX_PAGES + 1):
        items = await gh.get(f"{LIST_URL}?per_page={limits.PER_PAGE}&page={page}", url_vars)
        if not isinstance(items, list):
            return None
        for item in items:
            if isinstance(item, Mapping) and is_ours(item, app_id):
                return item
        if len(items) < limits.PER_PAGE:
            return None
    return None


async def _always() -> bool:
    return True


async def _patch_known(gh: Installation, repo: str, key: str, body: str,
                       cache: CommentCache, guard: Guard) -> str | None:
    known = cache.get(key)
    if known is None:
        return None
    comment_id, digest = known
    if digest == _digest(body):
        return UNCHANGED
    if not await guard():
        return SUPERSEDED
    try:
        await gh.patch(UPDATE_URL, repo_vars(repo, comment_id=comment_id), data={"body": body})
    except gidgethub.BadRequest as exc:
        if int(exc.status_code) != 404:
            raise
        cache.forget(key)  # deleted by someone: find or create it again
        return None
    cache.remember(key, comment_id, body)
    return UPDATED


async def _create(gh: Installation, repo: str, number: int, body: str, app_id: str) -> int:
    """POST the comment once; after a 5xx or time-out, look for it before posting again."""
    url_vars = repo_vars(repo, number=number)
    try:
        created = await gh.post(LIST_URL, url_vars, data={"body": body}, retry_unsure=False)
        return int(created["id"])
    except (gidgethub.GitHubBroken, TimeoutError, aiohttp.ClientConnectionError):
        pass  # GitHub may have written it before failing to answer
    existing = await find(gh, repo, number, app_id)
    if existing is None:
        return int((await gh.post(LIST_URL, url_vars, data={"body": body}))["id"])
    if existing.get("body") != body:
        await gh.patch(UPDATE_URL, repo_vars(repo, comment_id=existing["id"]),
                       data={"body": body})
    return int(existing["id"])


async def upsert(gh: Installation, repo: str, number: int, body: str, *, app_id: str,
                 cache: CommentCache, guard: Guard = _always, tail: str = "",
                 listed: bool = False) -> str:
    """Create, edit or leave the checklist comment; return CREATED, UPDATED or UNCHANGED.

    `guard` runs right before any write: when it says the head moved on, nothing is written
    and SUPERSEDED is returned (the newer head's job writes instead). `tail` closes the body
    and is never cut (the note on annotations left out, as the check run's summary has it).
    `listed`: this job listed every comment of the PR and put ours, if there was one, in
    `cache` (bot/commands/history.py's `load_state`), so it is not looked for a second time.
    """
    body = fit(body, tail)
    key = f"{repo}#{number}"
    # The job's own listing, made before its review, found none: one PR's jobs run one at a
    # time (the queue's per-PR lease), so no other job posted one since. A post an earlier
    # attempt made before failing was already on GitHub when that listing ran.
    looked = listed and cache.get(key) is None
    done = await _patch_known(gh, repo, key, body, cache, guard)
    if done is not None:
        return done
    existing = None if looked else await find(gh, repo, number, app_id)
    if existing is not None and existing.get("body") == body:
        cache.remember(key, int(existing["id"]), body)
        return UNCHANGED
    if not await guard():
        return SUPERSEDED
    if existing is None:
        cache.remember(key, await _create(gh, repo, number, body, app_id), body)
        return CREATED
    comment_id = int(existing["id"])
    await gh.patch(UPDATE_URL, repo_vars(repo, comment_id=comment_id), data={"body": body})
    cache.remember(key, comment_id, body)
    return UPDATED
