"""One-line inputs that have slowed secret scanners: a base64 blob and a minified bundle.

Deterministic for a seed, so the tests and bench/secrets.py measure the same text.
"""

from __future__ import annotations

import base64
import random

_IDENT_HEAD = "abcdefghijklmnopqrstuvwxyz_$ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_IDENT_REST = "abcdefghijklmnopqrstuvwxyz0123456789"
# Property and method names a bundle really carries, secret-sounding ones included: they are
# what the generic rule's and the pair rule's anchors stop at.
_NAMES = ("length", "prototype", "call", "apply", "getAttribute", "setRequestHeader",
          "nodeType", "className", "innerHTML", "push", "indexOf", "toLowerCase", "replace",
          "headers", "value", "data", "options", "cache", "style", "parentNode", "target",
          "exports", "default", "then", "catch", "resolve", "map", "filter", "join", "slice")
_SECRET_NAMES = ("token", "authToken", "apiKey", "password", "secretKey", "Authorization",
                 "credentials", "accessToken", "key", "auth")
_WORDS = ("data-", "px", "none", "block", "click", "[object Array]", "application/json",
          "&", "?", "#", "Invalid ", "Error: ", "undefined", "object", "function", "/api/v1/",
          "Content-Type", "X-Requested-With", ":", " ", "Bearer ", "text/html", "utf-8")


def base64_line(size: int, seed: int = 1) -> str:
    """`size` characters of standard base64 of random bytes (an inlined image, a blob)."""
    rng = random.Random(seed)
    return base64.b64encode(rng.randbytes(size * 3 // 4 + 3)).decode("ascii")[:size]


def _ident(rng: random.Random) -> str:
    return rng.choice(_IDENT_HEAD) + "".join(rng.choice(_IDENT_REST)
                                             for _ in range(rng.randint(0, 2)))


def _string(rng: random.Random) -> str:
    quote = rng.choice("\"'")
    return quote + "".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 3))) + quote


def _statement(rng: random.Random) -> str:
    a, b, c = _ident(rng), _ident(rng), _ident(rng)
    # One name in twenty sounds like a secret (`e.token`, `{apiKey:t}`), as in a web app's
    # bundle; literals go to the other names, so the text holds no secret to find.
    name = rng.choice(_SECRET_NAMES) if rng.random() < 0.05 else rng.choice(_NAMES)
    other = rng.choice(_NAMES)
    return rng.choice((
        f"function {a}({b},{c}){{var {_ident(rng)}={b}.{name}({_string(rng)}+{c});",
        f"return {a}.{name}={b}&&{b}.{other}||{_string(rng)}}}",
        f"{a}.{name}({_string(rng)}+{b}+{_string(rng)},{c});",
        f"{a}={{{name}:{b}.{other},{other}:{_string(rng)},{_ident(rng)}:!0}};",
        f"if({a}.{name}==={_string(rng)}){{{b}[{_string(rng)}]={c}.{other}}}",
        f"{a}.{other}={_string(rng)}+{_string(rng)}+{b}.{name};",
        f"for({a}=0;{a}<{b}.{name};{a}++){c}.push({b}[{a}]);",
        f"{a}.{name}=function({b}){{return this.{other}({b},{rng.randint(0, 999)})}},",
        f"{a}=/^(?:{_ident(rng)}|{name})\\s*[=:]/i.test({b}),",
    ))


def minified_js(size: int, seed: int = 2) -> str:
    """`size` characters of a minified script on one line: short names, strings, calls, joins."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        part = _statement(rng)
        parts.append(part)
        total += len(part)
    return "".join(parts)[:size]
