"""Read a PR's comment history (every page) and put the waivers and story links it records
into the snapshot document, so every review, in any process, sees the same waivers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.commands.records import PullState, rebuild
from bot.github import Installation, repo_vars
from bot.publish import comment
from bot.snapshot import Built, Pull

# Comments read per PR: 100 pages of 100. A PR with more is a discussion, not a review.
MAX_COMMENTS = 10_000


async def read_comments(gh: Installation, pull: Pull, *, always: bool = False
                        ) -> list[Mapping[str, Any]]:
    """Every comment of the PR, oldest first (none read when the PR says it has none, unless
    `always`: the count is as old as the event)."""
    if pull.comments == 0 and not always:
        return []
    items = await gh.get_pages(comment.LIST_URL, repo_vars(pull.repo, number=pull.number),
                               limit=MAX_COMMENTS, expected=pull.comments)
    return [item for item in items if isinstance(item, Mapping)]


def with_state(built: Built, state: PullState) -> Built:
    """The document with the state's waivers and story links (replacing any it had)."""
    doc = {**built.document, "waivers": state.documents()}
    if state.stories:
        doc["story_links"] = [record.story for record in state.stories]
    return replace(built, document=doc)


async def load_state(gh: Installation, pull: Pull, app_id: str, bot_login: str,
                     cache: comment.CommentCache, *, find_ours: bool = False) -> PullState:
    """Rebuild the PR's waivers; remember our checklist comment on the way (saves a listing).

    `find_ours`: this reading is also the lookup of our checklist comment before it is
    written (`comment.upsert(listed=True)`), so the comments are listed whatever the PR's
    count says.
    """
    comments = await read_comments(gh, pull, always=find_ours)
    for item in comments:
        if comment.is_ours(item, app_id):
            cache.remember(f"{pull.repo}#{pull.number}", int(item["id"]), str(item["body"]))
            break
    return rebuild(comments, app_id, bot_login)
