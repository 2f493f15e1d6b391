"""The one place a secret value becomes safe to show: a short prefix and a length."""

from __future__ import annotations

import re

# Only a provider's published prefix is shown: it says what the value is (`ghp_`, `sk_live_`,
# `AKIA`) without revealing any of its secret part. A value with no known prefix shows nothing
# but its length, since the head of a password or a random key is part of the secret.
_PREFIX = re.compile(
    r"^(?:gh[pousr]_|github_pat_|gl(?:pat|dt|rt|ptt|cbt|imt|agent|oas|soat|ffct|ft)-|GR1348941"
    r"|AKIA|ASIA|ABIA|ACCA|AIza|xox[abposre]-|xoxe\.xox[bp]-|xapp-|[sr]k_(?:live|test|prod)_"
    r"|whsec_|SG\.|npm_|pypi-|sk-ant-|sk-(?:proj|svcacct|admin)-|sk-|shp(?:at|ca|pa|ss)_|eyJ"
    r"|key-|-----BEGIN [A-Z0-9 ]{0,30}-----|SK)"
)


def mask_secret(value: str) -> str:
    """Return `value` as `prefix…(N chars)`: at most a known non-secret prefix, and the length."""
    match = _PREFIX.match(value)
    prefix = match.group(0) if match and len(match.group(0)) < len(value) // 2 else ""
    return f"{prefix}…({len(value)} chars)"
