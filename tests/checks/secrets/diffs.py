"""Build `git diff` text for the secrets tests: new files and modified files with real hunks."""

from __future__ import annotations

from collections.abc import Sequence

import checks
from checks.model import Report


def new_file(path: str, lines: Sequence[str]) -> str:
    """The diff that adds `path` with `lines`."""
    return "\n".join([
        f"diff --git a/{path} b/{path}", "new file mode 100644", "index 0000000..3b18e51",
        "--- /dev/null", f"+++ b/{path}", f"@@ -0,0 +1,{len(lines)} @@",
        *("+" + line for line in lines),
    ]) + "\n"


def modified_file(path: str, start: int, context: Sequence[str], removed: Sequence[str],
                  added: Sequence[str], trailing: Sequence[str] = ()) -> str:
    """One hunk at old/new line `start`: context, then removed, then added, then trailing."""
    old_len = len(context) + len(removed) + len(trailing)
    new_len = len(context) + len(added) + len(trailing)
    return "\n".join([
        f"diff --git a/{path} b/{path}", "index 4f2a1c9..8d0e7b2 100644", f"--- a/{path}",
        f"+++ b/{path}", f"@@ -{start},{old_len} +{start},{new_len} @@",
        *(" " + line for line in context), *("-" + line for line in removed),
        *("+" + line for line in added), *(" " + line for line in trailing),
    ]) + "\n"


def run(diff: str, options: dict | None = None) -> Report:
    """Run only the secrets check over `diff`, with `options` validated like user config."""
    config = checks.config_from_dict({"secrets": options or {}})
    return checks.run({"title": "ACME-1: change", "diff": diff}, config, only={"secrets"})
