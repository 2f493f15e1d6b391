"""The generic rule: a literal with enough entropy assigned to a secret-named key.

The regex only finds a secret-ish word followed by an assignment and a literal; the key's whole
identifier and the value are judged here, where the file type is known.
"""

from __future__ import annotations

import base64
import binascii
import itertools
from posixpath import basename

from checks.lazyre import lazy_compile
from checks.secrets import entropy, quiet

RULE_ID = "generic-secret"
AWS_SECRET_ID = "aws-secret-access-key"

_KEYWORD = (
    r"(?i:pass|pwd|secret|token|credential|auth|api[_.\-]?key|(?:access|account|private"
    r"|signing|encryption|master|auth|app|consumer|client)[_.\-]?key)"
)
_REST = r"[A-Za-z0-9_.\-]*"
# `password: str = "..."`, `val token: String = "..."`, `var token string = "..."`.
# The `=` after a type has a space before it or a quote after it: `db_password: Ab=c9` is a YAML
# value holding `=`, not the type `Ab`.
_ANNOTATION = (r"(?:[ \t]*\??:[ \t]*&?[A-Za-z_][\w.\[\]|<>, ]{0,40}?[ \t]*"
               r"(?:(?<=[ \t])(?==)|(?==[ \t]*[\"'`]))"
               r"|[ \t]+string(?=[ \t]*=))?")
# `=`, `:`, `=>`, `:=`, PHP `.=`, Makefile `::=`/`:::=`, a setter call (`setPassword("…")`),
# or the comma between a header's name and value (`("Authorization", "Basic …")`).
_OPERATOR = (r"""[ \t]*(?:=>|:::=|::=|:=|\?=|\|\|=|\.=|[:=](?!=)|\((?=[ \t]*["'])"""
             r"""|["']?[ \t]*,(?=[ \t]*["'](?:Bearer|Basic)[ \t]))[ \t]*""")
_SCHEME = r"(?:(?:Bearer|Basic|Token|bearer|token)[ \t]+)?"
_QUOTED = r"""[rbuRBU@]?(?P<q>["'`])(?P<quoted>[^"'`\n]{1,500})(?P=q)"""
# A bare value starting with `$` is a reference (`$VAR`, `${VAR}`, `$(cmd)`) or a crypt hash,
# never reported: leaving it out of the pattern saves the judging of thousands of `${…}`.
_BARE = r"""(?P<bare>[^\s"'`,;<>{}()\[\]$][^\s"'`,;<>{}()\[\]]{0,499})"""

PATTERN = (
    rf"""{_KEYWORD}{_REST}["'\]]*{_ANNOTATION}{_OPERATOR}{_SCHEME}(?:{_QUOTED}|{_BARE})"""
    rf"|<[A-Za-z0-9_.\-]{{0,40}}?{_KEYWORD}{_REST}>(?P<xml>[^<\n]{{1,500}})</"
)

# The fast pass's superset of PATTERN: a keyword, the rest of the identifier, an operator's first
# character (or `<keyword` of an XML element).
ANCHOR = (
    # Not before `$`: a bare value starting with one is a reference, never a secret (see _BARE).
    # A call or a comma only before a quote (`setPassword("…")`, `("Authorization", "Basic …")`).
    rf"""{_KEYWORD}{_REST}["'\]]*[ \t]*(?:(?:[:=?|]|\.=)[ \t]*[^$ \t\n]|[(,][ \t]*["'])"""
    rf"""|{_KEYWORD}{_REST}["'\]]*[ \t]+string"""
    rf"""|<[A-Za-z0-9_.\-]{{0,40}}{_KEYWORD}{_REST}>[^<\n]"""
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
    ("key", "data"),  # kubeconfig `client-key-data`: a base64 private key
})
# Keys that are a secret only on their own: docker config.json's and .npmrc's `auth`/`_auth`.
_SECRET_ALONE = frozenset({"auth"})
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
    "kind", "method", "strategy", "template", "public", "publishable", "pub", "page",
    "next", "continuation", "csrf", "xsrf", "authenticity", "cancellation", "sync", "reset",
    "confirm",
    "confirmation", "forgot", "validator", "validation", "input", "button", "link",
    "icon", "key_id", "keyid", "file_path", "generator", "limit", "limits", "encoding",
    "algorithm", "alg", "cipher", "bits", "helper", "ssm", "parameter", "output", "secretref",
    "keyref", "show", "hide", "visible", "visibility", "strength", "spec", "style", "prompt",
    "color", "colour",
    "changed", "last", "updated", "created", "on", "is", "has", "use", "with", "for", "from",
    "i18n", "translation", "schema", "model", "form", "dto", "entity", "rule", "rules",
    "region", "bucket", "existing", "hasher", "hashers", "first", "second", "encrypted",
    # The name itself says the value is not a working credential.
    "example", "sample", "dummy", "fake", "mock", "invalid", "wrong", "bad", "incorrect",
    "bogus",
})
_SPLIT = lazy_compile(r"[_.\-\s$]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_IDENT_CHAR = lazy_compile(r"[A-Za-z0-9_.\-$]")
_NOT_BEFORE_KEY = frozenset(":/\\")
_AWS_SECRET = lazy_compile(r"^[A-Za-z0-9/+]{40}$")

# File types where a bare (unquoted) value is a literal rather than an expression.
_BARE_EXTENSIONS = frozenset({
    "env", "yml", "yaml", "properties", "ini", "cfg", "conf", "sh", "bash", "zsh", "ksh",
    "fish", "ps1", "md", "markdown", "rst", "txt", "npmrc", "pypirc", "netrc", "tfvars",
    "dockerfile", "service", "plist", "example", "sample", "template", "dist", "local",
})
_BARE_NAMES = ("dockerfile", "containerfile", ".env", "makefile", ".npmrc", ".pypirc",
               ".netrc", "procfile", ".bashrc", ".zshrc", ".profile", "env", "kubeconfig",
               ".git-credentials", "credentials")

# After a quoted value: string concatenation or formatting (`+`, PHP ` . `, Lua `..`, `%`).
_CONCATENATION = lazy_compile(r"[ \t]*(?:\+(?![+=])|\.(?=[ \t$])|\.\.|%[ \t(]|\.format\()")
_CALL_OR_INDEX = frozenset("([")
_SCHEME_HEAD = lazy_compile(r"(?:Bearer|Basic|Token|bearer|token)[ \t]+(?=\S)")
_SCHEME_INITIALS = frozenset("BTbt")
# Files whose `key=value` value is the whole rest of the line, spaces included.
_WHOLE_LINE = frozenset({"properties", "ini", "cfg", "conf"})

_BASE64 = lazy_compile(r"^[A-Za-z0-9+/]{6,}={0,2}$")
# A provider's prefix on a value its own rule turned down (`xoxb-12345`, a `ghp_` token with a
# wrong checksum): made up, and the provider rule has already judged it.
_PROVIDER_PREFIX = lazy_compile(
    r"^(?:gh[pousr]_|github_pat_|gl(?:pat|dt|rt|ptt)-|xox[a-z]-|xapp-|[sr]k_(?:live|test)_"
    r"|AKIA|ASIA|AIza|SG\.|npm_|pypi-|sk-ant-|sk-proj-|shp(?:at|ca|pa|ss|ua)_|whsec_|eyJ"
    r"|hv[sb]\.|dp\.[a-z]+\.|do[opr]_v1_|HRKU-|NR(?:AK|II)-|sntry[su]_|ATATT3|lin_api_|PMAK-"
    r"|glc_|glsa_|tskey-|AGE-SECRET-KEY-|ops_|GOCSPX-|sq0(?:atp|csp)-|dapi|pul-|sbp_|gsk_"
    # Mapbox public tokens (`pk.eyJ…`) are meant for browsers, like Stripe's `pk_`.
    r"|[ps]k\.eyJ|CFPAT-|dt0c01\.|fio-u-|FLWSECK|lsv2_|ntn_|pnu_|rdme_|xkeysib-|shippo_|tfp_"
    r"|sgp_|NRJS-|dnkey-|pscale_|duffel_|CLOJARS_|AKCp|LTAI)")

MIN_LENGTH = 8
HEX_MIN_LENGTH = 16
HEX_MIN_ENTROPY = 3.0
LONG_LENGTH = 24
LONG_MIN_ENTROPY = 3.5
SHORT_MIN_CLASSES = 2
SHORT_MIN_RATIO = 0.75


def key_words(identifier: str) -> list[str]:
    """Split `DB_PASSWORD`, `apiKey`, `spring.datasource.password` into lower-case words."""
    words = [w.lower() for w in _SPLIT.split(identifier) if w]
    # "Clear text" / "plain text" say how a secret is stored (NuGet's `ClearTextPassword`),
    # not that the value is UI text.
    return [w for i, w in enumerate(words)
            if not (w == "text" and i and words[i - 1] in _STORAGE_WORDS)]


_STORAGE_WORDS = frozenset({"clear", "plain"})


def is_secret_key(identifier: str) -> bool:
    """True when the key names a secret and nothing in it says the value is only about one."""
    words = key_words(identifier)
    if not words or any(w in _NOT_SECRET_WORDS for w in words):
        return False
    if any(w in _SECRET_WORDS for w in words):
        return True
    if len(words) == 1 and words[0] in _SECRET_ALONE:
        return True
    return any(pair in _SECRET_PAIRS for pair in itertools.pairwise(words))


def names_not_secret(identifier: str) -> bool:
    """True when a word of the key says the value is about a secret (`HEROKU_APP_ID`)."""
    return any(w in _NOT_SECRET_WORDS for w in key_words(identifier))


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
    if name.startswith(".env") or name.endswith(".env") or "/.kube/" in f"/{path}":
        return True
    if name in _BARE_NAMES or name.startswith(("dockerfile", "containerfile")):
        return True
    return name.rsplit(".", 1)[-1] in _BARE_EXTENSIONS


def split_scheme(value: str) -> tuple[str, int]:
    """`Bearer abc` -> (`abc`, 7): the HTTP auth scheme in front is no part of the secret."""
    if value[:1] not in _SCHEME_INITIALS:  # most values: no need to run the pattern
        return value, 0
    match = _SCHEME_HEAD.match(value)
    return (value[match.end():], match.end()) if match else (value, 0)


def is_whole_literal(kind: str, operator: str, after: str, path: str) -> bool:
    """False when the value is only part of an expression or of a sentence.

    `kind` is the value's group (`quoted`, `bare`, `xml`), `operator` the text between key and
    value, `after` the rest of the line: `"v1|" . $token` and `"Bearer " + token` build a value,
    `key = db.Column(...)` calls, and a bare YAML or properties value runs to the end of the line
    (`new_password: Ger-tremen nevez` is a sentence, not `Ger-tremen`).
    """
    if kind == "quoted":
        # A closing quote followed by a word was the start of the next string: the "value"
        # lay between two literals (`("new password: ").expect("`).
        return not _CONCATENATION.match(after) and not (after[:1].isalnum() or after[:1] == "_")
    if kind != "bare":
        return True
    if after[:1] in _CALL_OR_INDEX:
        return False
    runs_to_line_end = (":" in operator and "=" not in operator) or \
        _extension(path) in _WHOLE_LINE
    return not runs_to_line_end or not after.strip() or after.lstrip().startswith(("#", ";"))


def _extension(path: str) -> str:
    return basename(path).lower().rsplit(".", 1)[-1]


def looks_random(value: str, quoted: bool = False) -> bool:
    """True when `value` (`quoted` in the source or not) has enough entropy to be a credential."""
    if (len(value) < MIN_LENGTH or quiet.is_not_secret_value(value, quoted)
            or _PROVIDER_PREFIX.match(value)):
        return False
    decoded = _printable_base64(value)
    if decoded is not None:  # a Kubernetes Secret's `data:` holds base64 of the real value
        return looks_random(decoded)
    return _random_for_alphabet(value)


def _printable_base64(value: str) -> str | None:
    """The text `value` encodes when it is base64 of printable ASCII (`cGFzc3dvcmQ=`)."""
    if len(value) % 4 or not _BASE64.match(value):
        return None
    try:
        text = base64.b64decode(value, validate=True).decode("ascii").strip()
    except (binascii.Error, ValueError):
        return None
    return text if text.isprintable() and text != value else None


def _random_for_alphabet(value: str) -> bool:
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
