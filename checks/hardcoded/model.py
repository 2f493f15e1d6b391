"""What the check's scanners report, and the team's tuning they read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hit:
    """One environment value on an added line."""

    rule: str
    line: int
    what: str  # `localhost:8000`, `/Users/jane/`, `DEBUG = True`, `AWS_STORAGE_BUCKET_NAME`
    key: str = ""  # the name the value is assigned to or passed as, when the line says


# eq=False: built once per run from the options (which compare), never compared itself.
@dataclass(frozen=True, eq=False)
class Tuning:
    """The team's additions from the options: hosts that are fine, more environment words."""

    allow_hosts: tuple[str, ...] = ()
    env_words: frozenset[str] = frozenset()

    def allows(self, host: str) -> bool:
        """True when `host` is, or is under, a host the team allows."""
        host = host.lower().strip("[]")
        return any(host == h or host.endswith("." + h) for h in self.allow_hosts)
