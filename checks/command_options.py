"""The `commands` section of `.github/shipshape.yml`: prefix, who may run each slash command,
self-waivers and the recheck interval. Declared here, validated like every other option."""

from __future__ import annotations

from checks.lazyre import lazy_compile
from checks.spec import Option, section

# GitHub's repository roles, weakest first (the collaborator permission API's `role_name`).
LEVELS = ("read", "triage", "write", "maintain", "admin")
# Or a team, written like CODEOWNERS does: `@org/team-slug`.
TEAM = lazy_compile(r"^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
# The check ids, for the `skip.<check>` keys (tests/checks hold this equal to the registry).
CHECK_IDS = ("story", "tests", "migrations", "secrets", "commits", "api-docs",
             "hardcoded")
COMMAND_NAMES = ("recheck", "skip", "unskip", "story", "explain", "help")
DEFAULT_PERMISSIONS = {
    "recheck": "read", "explain": "read", "help": "read",
    "story": "write", "skip": "write", "unskip": "write",
}
DEFAULT_CHECK_PERMISSIONS = {"secrets": "admin"}


def _permission(doc: str, default: str) -> Option:
    return Option(default, "permission", doc)


def _permissions() -> Option:
    fields = {name: _permission(f"who may run `{name}`", DEFAULT_PERMISSIONS[name])
              for name in COMMAND_NAMES}
    for check in CHECK_IDS:
        default = DEFAULT_CHECK_PERMISSIONS.get(check, "")
        fields[f"skip.{check}"] = _permission(
            f"who may waive the {check} check (empty: as `skip`)", default)
    return section(
        "who may run each command: read, triage, write, maintain, admin (that role or higher) "
        "or a team `@org/team-slug`; `story` is also open to the PR's author", fields)


COMMANDS = section("slash commands in PR comments", {
    "prefix": Option("/shipshape", "str", "what a command line starts with (`@<app-slug>` "
                     "works too)"),
    "permissions": _permissions(),
    "self_waive": Option(True, "bool", "may a PR's author waive checks on their own PR"),
    "recheck_interval": Option(60, "int", "seconds between two `recheck` commands on one PR",
                               minimum=0),
})


def permission_problem(value: str) -> str | None:
    """Why `value` is not a permission (a role or `@org/team`), or None when it is one."""
    if value == "" or value in LEVELS or TEAM.match(value):
        return None
    return f"expected one of {', '.join(LEVELS)} or a team @org/team-slug, got {value!r}"
