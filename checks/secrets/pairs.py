"""Secret-named values written in syntaxes other than `key <operator> value` on one line.

Setter and define calls (`System.setProperty("API_TOKEN", "…")`, `os.Setenv`, PHP `define`),
XML `key="Password" value="…"` attributes, an XML element whose value is on its own line,
`KEY=value` lines inside a JSON or YAML string, Postman `"key": "apiKey", "value": "…"` pairs,
YAML block scalars (`password: |` and the value on the next line), JSON inside a JSON string
(`\\"password\\": \\"…\\"`), Dockerfile `ENV KEY value`, `.netrc` `password …`,
`curl -u user:password` and `mysql -p…`. The value is judged by the generic rule's tests
(generic.looks_random, generic.is_secret_key).
"""

from __future__ import annotations

from checks.lazyre import lazy_compile
from checks.secrets import generic

KIND = "pair"
NAME = "secret"

_KEY = r"[A-Za-z0-9_.\-]{0,60}"
# In PATTERN (Python `re`): the head before the word is lazy and the tail possessive, so a
# failed match at a keyword gives up at once instead of backtracking over the identifier.
_HEAD = r"[A-Za-z0-9_.\-]{0,60}?"
_TAIL = r"[A-Za-z0-9_.\-]{0,60}+"
_WORD = r"(?i:pass|pwd|secret|token|credential|auth|key)"
_QUOTE = r"""["']"""
_VALUE = r"""[^"'\s\\]{8,500}"""

# Each alternative names its key `k<n>` and value `v<n>`; a fixed key is given in `_FIXED_KEYS`.
PATTERN = "|".join((
    # A call whose first argument names a secret and whose second is a literal.
    rf"""\([ \t]*{_QUOTE}(?P<k1>{_HEAD}{_WORD}{_TAIL}){_QUOTE}[ \t]*,[ \t]*{_QUOTE}"""
    rf"""(?P<v1>{_VALUE}){_QUOTE}[ \t]*\)""",
    # <add key="DbPassword" value="…"/>, <property name="password" value="…"/>
    rf"""\b(?:key|name)[ \t]*=[ \t]*"(?P<k2>{_HEAD}{_WORD}{_TAIL})"[ \t]+value[ \t]*=[ \t]*"""
    rf""""(?P<v2>[^"\s]{{8,500}})\"""",
    # A YAML block scalar holding one line.
    rf"""(?P<k3>{_WORD}{_TAIL})[ \t]*:[ \t]*[|>][-+]?[ \t]*\n(?P<i3>[ \t]+)(?P<v3>[^\s#]"""
    rf"""[^\s]{{7,500}})[ \t]*(?=\n|$)""",
    # JSON inside a JSON (or any) string: the quotes are escaped.
    rf"""\\"(?P<k4>{_HEAD}{_WORD}{_TAIL})\\"[ \t]*:[ \t]*\\"(?P<v4>[^"\\\s]{{8,500}})\\\"""",
    # Dockerfile `ENV KEY value` (the legacy space form).
    rf"""(?m:^)[ \t]*ENV[ \t]+(?P<k5>{_HEAD}{_WORD}{_TAIL})[ \t]+(?P<v5>[^\s"'=][^\s"']{{7,500}})"""
    rf"""[ \t]*(?=\n|$)""",
    # .netrc: `machine host login user password value`.
    r"""\bpassword[ \t]+(?P<v6>[^\s"']{8,500})(?=[ \t]|\n|$)""",
    # curl -u user:password / --user=user:password
    r"""\bcurl\b[^\n]{0,300}?[ \t](?:-u|--user)(?:[ \t]+|=)["']?[^\s:"'$]{0,64}:["']?"""
    r"""(?P<v7>[^\s"'@]{8,200})""",
    # mysql -pSECRET (no space: `-p value` would prompt)
    r"""\bmysql(?:dump|admin|sh)?\b[^\n]{0,200}?[ \t]-p(?P<v8>[^\s"'$]{8,200})""",
    # An XML element whose value sits alone on the next line.
    rf"""<(?P<k9>{_HEAD}{_WORD}{_TAIL})>[ \t]*\n[ \t]*(?P<v9>[^<>\s]{{8,500}})[ \t]*\n"""
    r"""[ \t]*</""",
    # `KEY=value` lines inside a JSON or YAML string (`"A=1\nAPI_TOKEN=…\n"`).
    rf"""\\n(?P<k10>{_HEAD}{_WORD}{_TAIL})=(?P<v10>[^"'\s\\]{{8,500}})(?=\\[nr]|["'])"""
    rf"""|["'](?P<k11>{_HEAD}{_WORD}{_TAIL})=(?P<v11>[^"'\s\\]{{8,500}})\\[nr]""",
    # Postman/Insomnia exports and similar: `{"key": "apiKey", "value": "…"}`.
    rf""""(?:key|name)"[ \t]*:[ \t]*"(?P<k12>{_HEAD}{_WORD}{_TAIL})"[ \t]*,\s{{0,40}}"""
    r""""value"[ \t]*"""
    r""":[ \t]*"(?P<v12>[^"\s]{8,500})\"""",
    # A request header given on a command line (curl, wget, ab, hey): `-H "X-Api-Key: …"`,
    # `--header 'Authorization: Api-Token …'`.
    r"""(?<![\w-])(?:-H|--header)(?:[ \t]+|=)(?P<q13>["'])(?P<k13>[A-Za-z][A-Za-z0-9-]{1,40})"""
    r"""[ \t]*:[ \t]*(?:(?:Bearer|Basic|Token|Api-Token|ApiKey|SSWS|token|bearer)[ \t]+)?"""
    r"""(?P<v13>[^\s"']{8,500})(?P=q13)""",
    # curl -u "user:pass@word": in a quoted argument `@` is part of the password.
    r"""\bcurl\b[^\n]{0,300}?[ \t](?:-u|--user)(?:[ \t]+|=)"""
    r"""(?:(?P<q14>["'])[^\s:"'$]{0,64}:|[^\s:"'$]{1,64}:(?P<r14>["']))"""
    r"""(?P<v14>[^\s"']{8,200})(?:(?P=q14)|(?P=r14))""",
))
ANCHOR = "|".join((
    rf"""\([ \t]*["']{_KEY}{_WORD}{_KEY}["'][ \t]*,[ \t]*["']""",
    rf"""(?:key|name)[ \t]*=[ \t]*"{_KEY}{_WORD}""",
    rf"""{_WORD}{_KEY}[ \t]*:[ \t]*[|>]""",
    rf"""\\"{_KEY}{_WORD}""",
    rf"""ENV[ \t]+{_KEY}{_WORD}""",
    r"""password[ \t]+[^\s"']""",
    r"""curl[ \t]""",
    r"""mysql""",
    rf"""<{_KEY}{_WORD}{_KEY}>[ \t]*\n""",
    rf"""\\n{_KEY}{_WORD}|["']{_KEY}{_WORD}{_KEY}=""",
    r""""(?:key|name)"[ \t]*:""",
    r"""(?:-H|--header)[ \t=]+["']""",
))
_FIXED_KEYS = {"6": "password", "7": "curl --user", "8": "mysql -p", "14": "curl --user"}
_AUTH_HEADERS = frozenset({"authorization", "proxy-authorization"})
_SETTER = lazy_compile(r"(?i)(?:set|put|env|define|add|store|with|config)\w*[ \t]*$")


def extract(groups: dict[str, str | None]) -> tuple[str, str, str] | None:
    """(alternative, key, value group's name) of the alternative that matched."""
    for name, value in groups.items():
        if value is not None and name.startswith("v"):
            alt = name[1:].split("_", 1)[0]
            key = _FIXED_KEYS.get(alt) or groups.get(f"k{name[1:]}") or ""
            return alt, key, name
    return None


def applies(alt: str, path: str, before: str, after: str, indent: str = "") -> bool:
    """Whether the alternative's syntax holds here: the file type, the words around it.

    `before` is the line up to the match, `after` the next line, `indent` a YAML block's.
    """
    name = path.rsplit("/", 1)[-1].lower()
    if alt == "1":  # only setters and defines: `t("password", "…")` translates a label
        return bool(_SETTER.search(before))
    if alt == "3":  # the block holds that one line: the next line is not indented deeper
        return not after.strip() or len(after) - len(after.lstrip(" \t")) < len(indent)
    if alt == "5":
        return name.startswith(("dockerfile", "containerfile")) or name.endswith(
            (".dockerfile", ".containerfile"))
    if alt == "6":
        return name in (".netrc", "_netrc", "netrc")
    return True


def is_secret(alt: str, key: str, value: str) -> bool:
    """True when the key names a secret (or the syntax does) and the value looks random."""
    authorization = alt == "13" and key.lower() in _AUTH_HEADERS
    if alt not in _FIXED_KEYS and not authorization and not generic.is_secret_key(key):
        return False
    return generic.looks_random(value, quoted=True)
