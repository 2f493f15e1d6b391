"""Shannon entropy and the alphabet a literal is drawn from, to judge whether it looks random."""

from __future__ import annotations

import math
from collections import Counter

HEX = "hex"
BASE64 = "base64"
MIXED = "mixed"

_HEX_CHARS = frozenset("0123456789abcdefABCDEF")
_B64_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-")
# Word separators do not make a value more random: `my-app-secret` is still one class.
_SEPARATORS = frozenset("_-. ")


def shannon(value: str) -> float:
    """Bits of entropy per character of `value` (0.0 for an empty string)."""
    if not value:
        return 0.0
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in Counter(value).values())


def alphabet(value: str) -> str:
    """Which alphabet `value` is drawn from: hex, base64 (incl. url-safe) or mixed."""
    chars = set(value)
    if chars <= _HEX_CHARS:
        return HEX
    if chars <= _B64_CHARS:
        return BASE64
    return MIXED


def char_classes(value: str) -> int:
    """How many of lower, upper, digit and symbol (separators excluded) occur in `value`."""
    lower = upper = digit = symbol = False
    for char in value:
        if char.islower():
            lower = True
        elif char.isupper():
            upper = True
        elif char.isdigit():
            digit = True
        elif char not in _SEPARATORS:
            symbol = True
    return lower + upper + digit + symbol


def ratio(value: str) -> float:
    """Entropy as a share of the most a string of this length and alphabet could have."""
    size = {HEX: 16, BASE64: 64}.get(alphabet(value), 94)
    best = math.log2(min(len(value), size)) if len(value) > 1 else 1.0
    return shannon(value) / best
