"""The generic rule: a literal with enough entropy assigned to a secret-named key.

The regex only finds a secret-ish word followed by an assignment and a literal; the key's whole
identifier and the value are judged here, where the file type is known.
"""

from __future__ import annotations

import itertools
import re
from posixpath import basename

from checks.secrets import entropy, quiet

RULE_ID = "generic-secret"
AWS_SECRET_ID = "aws-secret-access-key"

_KEYWORD = (
    r"(?i:pass|pwd|secret|token|credential|authorization|api[_.\-]?key|(?:access|account|private"
    r"|signing|encryption|master|auth|app|consumer)[_.\-]?key)"
)
_REST = r"[A-Za-z0-9_.\-]*"
# `password: str = "..."`, `val token: String = "..."`, `var token string = "..."`.
_ANNOTATION = (r"(?:[ \t]*\??:[ \t]*&?[A-Za-z_][\w.\[\]|<>, ]{0,40}?[ \t]*(?==)"
               r"|[ \t]+string(?=[ \t]*=))?")
_OPERATOR = r"[ \t]*(?:=>|:=|\?=|\|\|=|[:=](?!=))[ \t]*"
_SCHEME = r"(?:(?:Bearer|Basic|Token|bearer|token)[ \t]+)?"
_QUOTED = r"""[rbuRBU@]?(?P<q>["'`])(?P<quoted>[^"'`\n]{1,500})(?P=q)"""
_BARE = r"""(?P<bare>[^\s"'`,;<>{}()\[\]]{1,500})"""

PATTERN = (
    rf"""{_KEYWORD}{_REST}["'\]]*{_ANNOTATION}{_OPERATOR}{_SCHEME}(?:{_QUOTED}|{_BARE})"""
    rf"|<{_KEYWORD}{_REST}>(?P<xml>[^<\n]{{1,500}})</"
)

# The fast pass's superset of PATTERN: a keyword, the rest of the identifier, an operator's first
# character (or `<keyword` of an XML element).
ANCHOR = (
    rf"""{_KEYWORD}{_REST}["'\]]*[ \t]*(?:[:=?|]|[ \t]string)|<{_KEYWORD}"""
)

_SECRET_WORDS = frozenset({
    "password", "passwords", "passwd", "passphrase", "pwd", "pass", "passwort", "secret",
    "secrets", "token", "apikey", "authtoken", "accesstoken", "credential", "credentials",
    "authorization", "privatekey", "secretkey", "accesskey", "masterkey", "clientsecret",
    "appsecret", "apisecret", "apitoken", "bearer",
})
_SECRET_PAIRS = frozenset({
    ("api", "key"), ("access", "key"), ("private", "key"), ("secret", "key"),
    ("account", "key"), ("signing", "key"), ("encryption", "key"), ("master", "key"),
    ("auth", "key"), ("app", "key"), ("consumer", "key"),
})
# A word in the key that says the value is about the secret, not the secret itself.
_NOT_SECRET_WORDS = frozenset({
    "name", "names", "id", "ids", "url", "uri", "urls", "endpoint", "path", "file", "files",
    "dir", "type", "types", "length", "len", "size", "min", "max", "field", "fields", "header",
    "param", "params", "env", "var", "variable", "ref", "reference", "arn", "prefix", "suffix",
    "pattern", "regex", "count", "timeout", "ttl", "expiry", "expires", "expiration", "expire",
    "lifetime", "policy", "hint", "label", "placeholder", "message", "msg", "error", "errors",
    "help", "text", "title", "description", "format", "version", "hash", "hashed", "digest",
    "sha", "checksum", "location", "source", "provider", "store", "manager", "mode", "enabled",
    "required", "rotation", "mount", "selector", "scope", "scopes", "usage", "at", "class",
    "kind", "method", "strategy", "template", "vault", "public", "publishable", "pub", "page",
    "next", "continuation", "csrf", "xsrf", "cancellation", "sync", "reset", "confirm",
    "confirmation", "forgot", "validator", "validation", "input", "button", "link",
    "icon", "key_id", "keyid", "file_path", "generator", "limit", "limits", "encoding",
    "algorithm", "alg", "cipher", "bits", "helper", "ssm", "parameter", "output", "secretref",
    "keyref", "show", "hide", "visible", "visibility", "strength", "spec", "style", "prompt",
    "color", "colour",
    "changed", "last", "updated", "created", "on", "is", "has", "use", "with", "for", "from",
    "i18n", "translation", "schema", "model", "form", "dto", "entity", "rule", "rules",
})
_SPLIT = re.compile(r"[_.\-\s$]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_IDENT_CHAR = re.compile(r"[A-Za-z0-9_.\-$]")
_NOT_BEFORE_KEY = frozenset(":/\\")
_AWS_SECRET = re.compile(r"^[A-Za-z0-9/+]{40}$")

# File types where a bare (unquoted) value is a literal rather than an expression.
_BARE_EXTENSIONS = frozenset({
    "env", "yml", "yaml", "properties", "ini", "cfg", "conf", "sh", "bash", "zsh", "ksh",
    "fish", "ps1", "md", "markdown", "rst", "txt", "npmrc", "pypirc", "netrc", "tfvars",
    "dockerfile", "service", "plist", "example", "sample", "template", "dist", "local",
})
_BARE_NAMES = ("dockerfile", "containerfile", ".env", "makefile", ".npmrc", ".pypirc",
               ".netrc", "procfile", ".bashrc", ".zshrc", ".profile", "env")

MIN_LENGTH = 8
HEX_MIN_LENGTH = 16
HEX_MIN_ENTROPY = 3.0
LONG_LENGTH = 24
LONG_MIN_ENTROPY = 3.5
SHORT_MIN_CLASSES = 2
SHORT_MIN_RATIO = 0.75


def key_words(identifier: str) -> list[str]:
    """Split `DB_PASSWORD`, `apiKey`, `spring.datasource.password` into lower-case words."""
    return [w.lower() for w in _SPLIT.split(identifier) if w]


def is_secret_key(identifier: str) -> bool:
    """True when the key names a secret and nothing in it says the value is only about one."""
    words = key_words(identifier)
    if not words or any(w in _NOT_SECRET_WORDS for w in words):
        return False
    if any(w in _SECRET_WORDS for w in words):
        return True
    return any(pair in _SECRET_PAIRS for pair in itertools.pairwise(words))


def is_key_position(text: str, start: int) -> bool:
    """False when the identifier continues something else: `arn:...:secret:x`, `AWS::IAM::Key`."""
    return start == 0 or text[start - 1] not in _NOT_BEFORE_KEY


def identifier_start(text: str, start: int, floor: int) -> int:
    """Walk back from `start` over identifier characters (not past `floor`)."""
    while start > floor and _IDENT_CHAR.match(text, start - 1):
        start -= 1
    return start


def allows_bare_values(path: str) -> bool:
    """True for config, env, shell, Dockerfile and docs files, where values need no quotes."""
    name = basename(path).lower()
    if name.startswith(".env") or name.endswith(".env"):
        return True
    if name in _BARE_NAMES or name.startswith(("dockerfile", "containerfile")):
        return True
    return name.rsplit(".", 1)[-1] in _BARE_EXTENSIONS


def looks_random(value: str) -> bool:
    """True when `value` has enough entropy for its alphabet to be a credential."""
    if len(value) < MIN_LENGTH or quiet.is_not_secret_value(value):
        return False
    shannon = entropy.shannon(value)
    if entropy.alphabet(value) == entropy.HEX:
        return len(value) >= HEX_MIN_LENGTH and shannon >= HEX_MIN_ENTROPY
    if len(value) >= LONG_LENGTH and shannon >= LONG_MIN_ENTROPY:
        return True
    return (entropy.char_classes(value) >= SHORT_MIN_CLASSES
            and entropy.ratio(value) >= SHORT_MIN_RATIO)


def rule_for(identifier: str, value: str) -> str:
    """`aws-secret-access-key` for an AWS secret key by name and shape, else the generic id."""
    words = key_words(identifier)
    if _AWS_SECRET.match(value) and (("aws" in words and "secret" in words)
                                     or ("secret", "access") in itertools.pairwise(words)):
        return AWS_SECRET_ID
    return RULE_ID
