"""The one place a secret value becomes safe to show: a short prefix and a length."""

from __future__ import annotations

from checks.lazyre import lazy_compile

# Only a provider's published prefix is shown: it says what the value is (`ghp_`, `sk_live_`,
# `AKIA`) without revealing any of its secret part. A value with no known prefix shows nothing
# but its length, since the head of a password or a random key is part of the secret.
_PREFIX = lazy_compile(
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


# Configuration values worth quoting back are short words (`warn`, `fial`, `max_subjet_length`);
# anything longer, or shaped like a credential, is shown masked. checks/secrets cannot help here:
# it imports checks.config, which quotes these values.
MAX_QUOTED_CHARS = 24
_WORDLIKE = lazy_compile(r"[A-Za-z][A-Za-z_\-.]*[0-9]{0,3}")


def looks_like_credential(text: str) -> bool:
    """True for text too long to quote safely, or with a credential's prefix or digit mix."""
    if len(text) > MAX_QUOTED_CHARS or _PREFIX.match(text):
        return True
    # A word with a version-like tail reads as configuration; letters and digits mixed
    # throughout read as a token or a password.
    return len(text) >= 8 and not _WORDLIKE.fullmatch(text)


def quote_value(value: object) -> str:
    """`value` quoted for an error message, masked when it could be a credential."""
    text = str(value)
    return mask_secret(text) if looks_like_credential(text) else repr(text)


def safe_key(key: object) -> str:
    """A configuration key for a key path, masked when it could be a credential."""
    text = str(key)
    return mask_secret(text) if looks_like_credential(text) else text
