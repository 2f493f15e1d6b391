"""The one checklist comment per PR: found by its hidden marker, edited in place, never
duplicated, and left alone when its text would not change.

Comments are read back from GitHub, so they are user input: only a comment written by a bot
account (and, when GitHub says, by this App) whose body starts with the marker counts as ours.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import cachetools
import gidgethub

from bot import limits
from bot.github import Installation
from bot.publish import cut_text
from bot.snapshot import repo_vars
from checks.render.markdown import COMMENT_MARKER

LIST_URL = "/repos/{owner}/{repo}/issues/{number}/comments"
UPDATE_URL = "/repos/{owner}/{repo}/issues/comments/{comment_id}"
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
_MAX_PAGES = 30


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def fit(body: str) -> str:
    """The body cut to GitHub's comment limit (with a margin, as the limit may count bytes)."""
    limit = limits.MAX_COMMENT_CHARS - limits.COMMENT_SAFETY_MARGIN
    return cut_text(body, limit, "checklist")


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


async def find(gh: Installation, repo: str, number: int, app_id: str,
               count: int | None) -> Mapping[str, Any] | None:
    """Page through the PR's comments for ours; `count` (from the PR) 0 skips the listing."""
    if count == 0:
        return None
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


async def _patch_known(gh: Installation, repo: str, key: str, body: str,
                       cache: CommentCache) -> str | None:
    known = cache.get(key)
    if known is None:
        return None
    comment_id, digest = known
    if digest == _digest(body):
        return UNCHANGED
    try:
        await gh.patch(UPDATE_URL, repo_vars(repo, comment_id=comment_id), data={"body": body})
    except gidgethub.BadRequest as exc:
        if int(exc.status_code) != 404:
            raise
        cache.forget(key)  # deleted by someone: find or create it again
        return None
    cache.remember(key, comment_id, body)
    return UPDATED


async def upsert(gh: Installation, repo: str, number: int, body: str, *, app_id: str,
                 cache: CommentCache, count: int | None) -> str:
    """Create, edit or leave the checklist comment; return CREATED, UPDATED or UNCHANGED."""
    body = fit(body)
    key = f"{repo}#{number}"
    done = await _patch_known(gh, repo, key, body, cache)
    if done is not None:
        return done
    existing = await find(gh, repo, number, app_id, count)
    if existing is None:
        created = await gh.post(LIST_URL, repo_vars(repo, number=number), data={"body": body})
        cache.remember(key, int(created["id"]), body)
        return CREATED
    comment_id = int(existing["id"])
    if existing.get("body") == body:
        cache.remember(key, comment_id, body)
        return UNCHANGED
    await gh.patch(UPDATE_URL, repo_vars(repo, comment_id=comment_id), data={"body": body})
    cache.remember(key, comment_id, body)
    return UPDATED
