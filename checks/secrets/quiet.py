"""Values that look like secrets but are not: placeholders, references, examples, hashes, ids.

Two strengths: `is_placeholder_token` is for the random part of a provider-shaped token (only
markers a real random token cannot contain by chance), `is_not_secret_value` for a literal assigned
to a secret-named key (people write `changeme`, `${TOKEN}` and `foo-bar-test` there).
"""

from __future__ import annotations

import hashlib
import re

# Documented example credentials published by the providers themselves, kept as SHA-256 digests
# so the repository holds no string that a secret scanner (or GitHub push protection) would flag.
EXAMPLE_DIGESTS = frozenset({
    # Azurite / Azure Storage Emulator well-known account key.
    "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",
    # jwt.io's default HS256 token ("John Doe", iat 1516239022).
    "7f75367e7881255134e1375e723d1dea8ad5f6a4fdb79d938df1f1754a830606",
    # Stripe's documented test secret key (sk_test_4eC39...).
    "2cafc0970149a84f3b9e62eaf169f36f59907a3b3e31f7b82e68c69cd27f7326",
})

# Markers that never occur by chance in a random token of 20+ characters.
_TOKEN_PLACEHOLDER = re.compile(
    r"x{4}|X{4}|0{6}|\*{3}|\.{3}|…|<[^>]*>|\{\{|\$\{|EXAMPLE|example|sample|SAMPLE|dummy|DUMMY"
    r"|placeholder|PLACEHOLDER|redacted|REDACTED|your|YOUR|fake|FAKE|notreal|NOT_?REAL"
    r"|abcdefgh|ABCDEFGH|12345678|(.)\1{7}"
)

# What people put where a secret goes when they mean "not a real one".
_VALUE_PLACEHOLDER = re.compile(
    r"example|sample|dummy|fake|placeholder|change[_.-]?me|changeit|replace|redacted|insert"
    r"|your|todo|fixme|tbd|xxx|\*\*\*|\.\.\.|…|not[_.-]?(?:a[_.-]?)?(?:real|valid|secret)"
    r"|mock|stub|test|foo|bar\b|baz|qux|lorem|ipsum|secret[_.-]?here|goes[_.-]?here"
    r"|here$|^none$|^null$|^nil$|^undefined$|^true$|^false$|^password$|^secret$|^token$"
    r"|^p[a@4]ss(?:w[o0]rd)?\d{0,4}[!.]?$|^admin\d{0,4}$|^root$|^guest$|^default$|^empty$"
    r"|^unset$|^letmein$|^qwerty\d*$|^welcome\d*$",
    re.IGNORECASE,
)

# References to a value kept elsewhere: environment, templating, vault, CI secrets.
_REFERENCE = re.compile(
    r"\$\{|\$\(|^\$[A-Za-z_]|\$[A-Z_]{3,}|%[A-Z_][A-Z0-9_]*%|\{\{|\{%|<%|#\{|%\(\w+\)s"
    r"|\{[A-Za-z_][\w.]*\}|^@[A-Z_][A-Z0-9_]*@$|__[A-Z][A-Z0-9_]*__|^!|^&|^\*[A-Za-z]"
    r"|process\.env|os\.environ|getenv|System\.getenv|ENV\[|env\(|secrets\.|vault:|arn:aws"
    r"|^ref\+|^op://|^sm://|^projects/|^keyvault|^azurekeyvault|^awssm",
    re.IGNORECASE,
)

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_HASHED = re.compile(
    r"^(?:sha1|sha224|sha256|sha384|sha512|md5|blake2b?)[-:=]|^\$(?:2[abxy]?|5|6|argon2(?:id|i|d)?"
    r"|scrypt|pbkdf2[\w-]*)\$|^pbkdf2_sha\d+\$|^\{(?:SSHA|SHA|CRYPT|bcrypt)\}",
    re.IGNORECASE,
)
_PATH_OR_URL = re.compile(
    r"^(?:/|\./|\.\./|~/|[A-Za-z]:\\|\\\\|file:|https?://|s3://|gs://|data:)"
    r"|\.(?:pem|key|crt|cer|p12|pfx|jks|json|ya?ml|txt|env|pub|asc|gpg|cfg|conf|ini|toml|xml)$",
    re.IGNORECASE,
)
_PUBLIC_MATERIAL = re.compile(
    r"^(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-|sk-ssh-|-----BEGIN (?:PUBLIC KEY|CERTIFICATE"
    r"|RSA PUBLIC KEY|PGP PUBLIC|OPENSSH PUBLIC))"
)
# Regular expressions assigned to `token_pattern`-like names: `(?:`, `\w`, `[^...]`, `{2,8}`.
_REGEX_LIKE = re.compile(r"\(\?[:=!<iPx]|\\[wdsbWDSB]|\[\^|\[[a-zA-Z0-9]-[a-zA-Z0-9]|\{\d+,\d*\}")
_SEQUENCES = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl")
# Human-readable words joined by separators or camelCase: `db-password-prod`, `mySecretName`.
# Constants such as `RSA_2048` and `ECC_NIST_P256` (a separator keeps base32 seeds out).
_WORDS = re.compile(r"^(?:[a-z]+(?:[_.\-][a-z]+)*|[A-Z]+(?:[_.\-][A-Z]+)*|[a-z]+(?:[A-Z][a-z]+)+"
                    r"|(?:[A-Z][a-z]+)+|[A-Z][a-z]*(?:[_.\-][A-Z][a-z]*)+"
                    r"|[A-Z][A-Z0-9]*(?:[_.\-][A-Z0-9]+)+)$")
_COLOUR = re.compile(r"^#(?:[0-9A-Fa-f]{3,8}|ansi\w*)$")


def is_documented_example(value: str) -> bool:
    """True for a provider's published example credential (AWS `...EXAMPLE`, Azurite, jwt.io)."""
    if value.endswith("EXAMPLE") or "EXAMPLEKEY" in value:
        return True
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest() in EXAMPLE_DIGESTS


def is_sequence(value: str) -> bool:
    """True for values like `12345678`, `abcdefgh`, `aaaaaaaa`, `abcabcabc`."""
    lowered = value.lower()
    if len(set(lowered)) <= 3:
        return True
    return any(lowered in seq or seq.startswith(lowered[:8]) for seq in _SEQUENCES
               if len(lowered) >= 6)


def is_placeholder_token(secret_part: str) -> bool:
    """True when the random part of a provider-shaped token is visibly made up."""
    return bool(_TOKEN_PLACEHOLDER.search(secret_part)) or is_sequence(secret_part)


def is_reference(value: str) -> bool:
    """True for `${VAR}`, `{{ secrets.X }}`, `process.env.X`, `%VAR%`, vault and ARN references."""
    return bool(_REFERENCE.search(value))


def is_not_secret_value(value: str) -> bool:
    """True for literals under a secret-named key that are clearly not a credential."""
    stripped = value.strip()
    return (
        not stripped
        or bool(_VALUE_PLACEHOLDER.search(stripped))
        or is_reference(stripped)
        or bool(_UUID.match(stripped))
        or bool(_HASHED.match(stripped))
        or bool(_PATH_OR_URL.search(stripped))
        or bool(_PUBLIC_MATERIAL.match(stripped))
        or bool(_WORDS.match(stripped))
        or bool(_REGEX_LIKE.search(stripped))
        or bool(_COLOUR.match(stripped))
        or " " in stripped
        or is_sequence(stripped)
        or is_documented_example(stripped)
    )
