"""Who may run which command: the permission table from the config, and the commenter's role
on the repository (collaborator permission API, or a team's membership), cached for minutes."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cachetools
import gidgethub

from bot.commands.grammar import WAIVE_ALL, Command, Name
from bot.github import Installation, repo_vars
from bot.logs import get_logger, log
from checks.command_options import CHECK_IDS, LEVELS
from checks.render.escape import code_span

PERMISSION_URL = "/repos/{owner}/{repo}/collaborators/{username}/permission"
TEAM_URL = "/orgs/{org}/teams/{team_slug}/memberships/{username}"
# A role change takes effect within this many seconds; one API call per commenter meanwhile.
PERMISSION_TTL_SECONDS = 300.0
# Everyone who can comment can read: asking GitHub about `read` would only spend a call.
ANYONE = "read"
_log = get_logger("commands")


@dataclass(frozen=True)
class Needed:
    """What a command needs: a role (that or higher) or a team; `author_ok` lets the PR's
    author run it whatever their role (`story`)."""

    requirement: str
    author_ok: bool = False

    def describe(self) -> str:
        """`write access or higher` / membership of a team, in a code span (no mention)."""
        if self.requirement.startswith("@"):
            text = f"membership of {code_span(self.requirement)}"
        elif self.requirement == ANYONE:
            text = "anyone who can comment"
        else:
            text = f"{self.requirement} access or higher"
        return f"the pull request's author or {text}" if self.author_ok else text


def _rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else -1


def _skip_requirement(table: Mapping[str, str], check: str) -> str:
    return table.get(f"skip.{check}") or table.get("skip") or "write"


def needed(command: Command, table: Mapping[str, str]) -> Needed:
    """The permission `command` needs under `table` (the config's `commands.permissions`)."""
    if command.name is Name.SKIP:
        if command.check == WAIVE_ALL:  # waiving everything needs what waiving each needs
            reqs = [_skip_requirement(table, c) for c in CHECK_IDS]
            teams = [r for r in reqs if r.startswith("@")]
            return Needed(teams[0] if teams else max(reqs, key=_rank))
        return Needed(_skip_requirement(table, command.check))
    requirement = table.get(str(command.name)) or "write"
    return Needed(requirement, author_ok=command.name is Name.STORY)


class PermissionCache:
    """Roles and team memberships by (repo or team, user), kept PERMISSION_TTL_SECONDS."""

    def __init__(self, ttl: float = PERMISSION_TTL_SECONDS) -> None:
        self._known: cachetools.TTLCache[tuple[str, str], str] = cachetools.TTLCache(
            maxsize=10_000, ttl=ttl, timer=time.monotonic)

    async def role(self, gh: Installation, repo: str, user: str) -> str:
        """The user's role on the repository (`none` for strangers to a private one)."""
        key = (repo.lower(), user.lower())
        if key not in self._known:
            self._known[key] = _role_of(await _get_or_none(
                gh, PERMISSION_URL, repo_vars(repo, username=user)))
        return self._known[key]

    async def in_team(self, gh: Installation, team: str, user: str) -> bool:
        """True when the user is an active member of `@org/team`."""
        key = (team.lower(), user.lower())
        if key not in self._known:
            org, _, slug = team.removeprefix("@").partition("/")
            found = await _get_or_none(gh, TEAM_URL, {"org": org, "team_slug": slug,
                                                      "username": user}, forbidden_is_none=True)
            self._known[key] = str((found or {}).get("state") or "none")
        return self._known[key] == "active"


async def _get_or_none(gh: Installation, url: str, url_vars: Mapping[str, Any],
                       forbidden_is_none: bool = False) -> Any:
    try:
        return await gh.get(url, url_vars)
    except gidgethub.BadRequest as exc:
        if int(exc.status_code) == 404:  # not a collaborator / not a member
            return None
        if forbidden_is_none and int(exc.status_code) == 403:  # no Members: read permission
            log(_log, 30, "cannot read a permission; treating it as none", url=url,
                status=403)
            return None
        raise


def _role_of(answer: Any) -> str:
    """`role_name` when GitHub gives it (it has triage and maintain), else `permission`."""
    if not isinstance(answer, Mapping):
        return "none"
    role = answer.get("role_name")
    if role in LEVELS:
        return str(role)
    permission = answer.get("permission")
    return str(permission) if permission in LEVELS else "none"


async def allowed(gh: Installation, cache: PermissionCache, repo: str, user: str,
                  need: Needed, author: str) -> bool:
    """True when `user` may run a command that needs `need` on a PR written by `author`."""
    if need.author_ok and user.lower() == author.lower():
        return True
    if need.requirement == ANYONE:
        return True
    if need.requirement.startswith("@"):
        return await cache.in_team(gh, need.requirement, user)
    return _rank(await cache.role(gh, repo, user)) >= _rank(need.requirement)
