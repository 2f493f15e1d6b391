"""The one place a secret value is turned into something safe to show: a short prefix and a length."""

from __future__ import annotations

import re

# A provider prefix such as `ghp_`, `sk_live_`, `xoxb-`, `AKIA`, `glpat-` says what the value is
# without revealing it; anything longer than this is never shown.
_PREFIX = re.compile(r"^(?:[A-Za-z]{2,8}[_-](?:live_|test_|proj-)?|AKIA|ASIA|AIza|-----BEGIN)")
_MAX_PREFIX = 10
_PLAIN_PREFIX = 3
_MIN_LENGTH_FOR_PLAIN_PREFIX = 16


def mask_secret(value: str) -> str:
    """Return `value` as `prefix…(N chars)`, never more than a short, non-secret prefix."""
    match = _PREFIX.match(value)
    if match:
        prefix = match.group(0)[:_MAX_PREFIX]
    elif len(value) >= _MIN_LENGTH_FOR_PLAIN_PREFIX:
        prefix = value[:_PLAIN_PREFIX]
    else:
        prefix = ""
    return f"{prefix}…({len(value)} chars)"
