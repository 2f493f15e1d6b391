"""The size label (size/XS … size/XXL): added when the configuration asks for it, with any
other size label of the PR removed so exactly one remains."""

from __future__ import annotations

from collections.abc import Sequence

import gidgethub

from bot.github import Installation, repo_vars

PREFIX = "size/"
ADD_URL = "/repos/{owner}/{repo}/issues/{number}/labels"
REMOVE_URL = "/repos/{owner}/{repo}/issues/{number}/labels/{name}"


def label_for(size: str) -> str:
    """The label name for a size bucket from the commits check (`M` -> `size/M`)."""
    return size if size.startswith(PREFIX) else f"{PREFIX}{size}"


async def apply(gh: Installation, repo: str, number: int, size: str,
                current: Sequence[str]) -> list[str]:
    """Make `size` the PR's only size label; return the writes made (empty when none)."""
    wanted = label_for(size)
    writes: list[str] = []
    url_vars = repo_vars(repo, number=number)
    if wanted not in current:
        await gh.post(ADD_URL, url_vars, data={"labels": [wanted]})
        writes.append(f"add {wanted}")
    for old in current:
        if old.startswith(PREFIX) and old != wanted:
            try:
                await gh.delete(REMOVE_URL, {**url_vars, "name": old})
            except gidgethub.BadRequest as exc:
                if int(exc.status_code) != 404:  # already gone: the goal is met
                    raise
            writes.append(f"remove {old}")
    return writes
