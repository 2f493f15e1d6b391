"""Values that look like secrets but are not: placeholders, references, examples, hashes, ids.

Two strengths: `is_placeholder_token` is for the random part of a provider-shaped token (only
markers a real random token cannot contain by chance), `is_not_secret_value` for a literal assigned
to a secret-named key (people write `changeme`, `${TOKEN}` and `foo-bar-test` there).
"""

from __future__ import annotations

import itertools
import re

from checks.lazyre import lazy_compile
from checks.secrets.fastpass import AsciiSearch

# Documented example credentials published by the providers themselves, kept as SHA-256 digests
# so the repository holds no string that a secret scanner (or GitHub push protection) would flag.
EXAMPLE_DIGESTS = frozenset({
    # Azurite / Azure Storage Emulator well-known account key.
    "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",
    # jwt.io's default HS256 token ("John Doe", iat 1516239022).
    "7f75367e7881255134e1375e723d1dea8ad5f6a4fdb79d938df1f1754a830606",
    # Stripe's documented test secret key (sk_test_4eC39...).
    "2cafc0970149a84f3b9e62eaf169f36f59907a3b3e31f7b82e68c69cd27f7326",
    # The OAuth RFCs' example values, copied into the tests and docs of every OAuth library:
    # RFC 6749's access token, refresh token, code, client secret (plain and in a Basic header),
    # RFC 5849's consumer and token keys and secrets, RFC 6750's bearer token, and the OAuth
    # MAC draft's id and key.
    "6c96130f130ab0d6d158397e24d2bcc1c9a5e73ae081f6e983f1c7b545d24a4c",
    "00cf4c781dc37003f7c7dd7d4c9a6ef1e0f4c62d9a291aa8bc398774e3fefd32",
    "a35b81a7d7927b70ec99270dd2362b88580a28574af812f2c02f56469579186f",
    "ca7459e2b26776de081b9a07e40227fd6cff232a1e3233ff6b6aa6d036ca9981",
    "53f5da0aaa93d64cd5772c554cbf940f0539e689dddbeb8f923eec3f72c02ea9",
    "293257ab6495ebb11cf9e4aee0686ca30df8de2ab8d251f2cbbcf177bdfcae91",
    "cb87c87e4a138d9a72259d2a01bab15623c9846e568c1509b287721645a6ea53",
    "bb9b1163338b2a51495834ad5c65420443d6327381cf0f94ebf92b117f209d72",
    "649e1f5c769e718ba10d1a702a36499a731441d960b06da91c4c97786bf84595",
    "4c20e6f5cc11b93731e74cbe20739821d61c3563c9f50ecb884a27cd369f01fb",
    "6aa14267d94944e6b6483c81f5ad37f87bbc7e88aa368d4aba1e71e0b79cd8c4",
    "a71b359a87afde133e6d9731de69f8823d62b012072d43749f5dc976505403f5",
    "9e309cccd311ea64d04133daf7760f71f38a566db7aa98b71e043ede9325680f",
    "b8e148545b13c78bc74da2f1a7275dd71e56ddece129d7d2f7b3ecc06f7994da",
    "738f8bd02ea2fbf9aaa6dd6a2e968e67ffe7af4a6f4c1b361942009a5ef8a55c",
    # RFC 5849's signature examples (sections 1.2, 3.1, 3.5.1), Twitter's OAuth 1.0a docs (sign
    # in, creating a signature), and the TOTP secret of Google Authenticator's key-URI example.
    "80f8b7c904d4a43f3b7036db73247daafe15b3f647b337d19031ff67b7c1a177",
    "2ff8b0fb93aca981c78f1e94355c298c23435461f1072ef4674848e620371787",
    "c20fbc2b96183894fb46187909d02afbef5b1b56398ece2a653745dbfb407553",
    "b87dad10a32a2d81aa2e36e31e258b36ac0c3b07d1c1d5837185e206e17e3a06",
    "5586407997f5e8492fa0d6d310460386c80cc3542de6c876f75582bc219d4b82",
    "8d567eb88afff34f31ab97fbb2731e582703bdeaf3c92b989cf568e0b23cef31",
    "9d03b692e941d5ace207a9f8048834439f6de98e5c6c1590c22c4f4577c88a42",
    "0401312bb13f6affe7c22a7f4e5e4336dbff24496fe9765c6e0ef6537f7f0152",
    "74878a808fc945f009b72d3b773f9e5323bfd9868d81977780b939d8227495dc",
    "616fe34ce8031621574707fe8236bb2ce153106d0f877eca5fae1d74abd53a6b",
    "bfaf2b987c05e6d3f1a74ed0f3bc6dd0954c46c8e68fcc75f917afd5b904e683",
    "7b80ae37db0e5196a5ab749e7f470478b8c19d2e0da4d86806d0abce01280ec9",
    "8e0628300c16fe3834b3b87d23e352618a27b0ca9973abd52cfc92abfc7667e3",
    "00b3dc640c9c99fcdbdab6f63d785248e4613fbaa65d63c56d97e54f987c3bab",
    "0e04efa6bc7d2d512fc108c5ba4215c42a7d4674301511c5d18f2e2885d45f35",
    "5aac38e542b76b97b3518c0293214d0b8aa11344e38518437f7dd44da0b521c3",
    "8be5d113c0871ce1a122d68a7dff940ab7b09ad8dfcfd9a85aa5c1acc026279e",
    # OpenID Connect Core's example access token.
    "ad71fb4165536675d80a8bbfe957697e4b9e17b35d5500406abc219705337107",
    # The two ClearTextPassword values of Microsoft's nuget.config reference.
    "dba72c00f41f4e4c435e2491a5e1ce0140c7b5a6a498dc4847396b5e6368970c",
    "a0702bc91d699f600970f4dc4992b13ede1a29d49fa0942dd4bed2b5e4b1016e",
})

_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
# Markers that never occur by chance in a random token of 20+ characters.
_TOKEN_PLACEHOLDER = AsciiSearch(
    r"x{4}|X{4}|0{6}|\*{3}|\.{3}|…|<[^>]*>|\{\{|\$\{|EXAMPLE|example|sample|SAMPLE|dummy|DUMMY"
    r"|placeholder|PLACEHOLDER|redacted|REDACTED|your|YOUR|fake|FAKE|notreal|NOT_?REAL"
    r"|abcdefgh|ABCDEFGH|12345678"
    # A run of 8 letters in alphabet order (`klmnopqr`) or a trailing "here" (`TokenHere`):
    # about 1 in 10^12 and 1 in 10^7 for a random base62 body.
    rf"|(?i:{'|'.join(_ALPHABET[i:i + 8] for i in range(19))})|[Hh]ere$|HERE$"
)
# ... or a run of one character (Python's `re` only: RE2 has no backreferences).
_RUN_OF_EIGHT = lazy_compile(r"(.)\1{7}")

# What people put where a secret goes when they mean "not a real one".
_VALUE_PLACEHOLDER = AsciiSearch(
    r"example|sample|dummy|fake|placeholder|change[_.-]?me|changeit|replace|redacted|insert"
    r"|your|todo|fixme|tbd|xxx|\*\*\*|\.\.\.|…|not[_.-]?(?:a[_.-]?)?(?:real|valid|secret)"
    r"|mock|stub|test|sandbox|demo|blank|masked|lorem|ipsum|secret[_.-]?here|goes[_.-]?here"
    r"|here$|^none$|^null$|^nil$|^undefined$|^true$|^false$|^password$|^secret$|^token$"
    r"|^p[a@4]ss(?:w[o0]rd)?\d{0,4}[!.]?$|^admin\d{0,4}$|^root$|^guest$|^default$|^empty$"
    r"|^unset$|^letmein$|^qwerty\d*$|^welcome\d*$",
    re.IGNORECASE,
)

# References to a value kept elsewhere: environment, templating, vault, CI secrets.
_REFERENCE = AsciiSearch(
    # `%VAR%` (Windows): the whole value, or upper case inside one (`%qJDt%` is random).
    r"\$\{|\$\(|^\$[A-Za-z_]|\$[A-Z_]{3,}|^%[A-Za-z_]\w*%$|(?-i:%[A-Z_][A-Z0-9_]{2,}%)|\{\{|\{%"
    r"|<%|#\{|%\(\w+\)s"
    r"|\{[A-Za-z_][\w.]*\}|\{\$|\$\d|^@[A-Z_][A-Z0-9_]*@$|__[A-Z][A-Z0-9_]*__"
    r"|process\.env|os\.environ|getenv|System\.getenv|ENV\[|env\(|secrets\.|vault:|arn:aws"
    r"|^ref\+|^op://|^sm://|^projects/|^keyvault|^azurekeyvault|^awssm",
    re.IGNORECASE,
)
# YAML tags, anchors and aliases (`!vault |`, `&default`, `*default`) on an unquoted value; in
# quotes the same characters start a password.
_YAML_SIGIL = lazy_compile(r"^(?:!|&|\*[A-Za-z])")

_UUID = lazy_compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_HASHED = lazy_compile(
    r"^(?:sha1|sha224|sha256|sha384|sha512|md5|blake2b?)[-:=]|^\$(?:2[abxy]?|5|6|argon2(?:id|i|d)?"
    r"|scrypt|pbkdf2[\w-]*)\$|^pbkdf2_sha\d+\$|^\{(?:SSHA|SHA|CRYPT|bcrypt)\}",
    re.IGNORECASE,
)
# A leading `/` is a path unless the value is base64 of mixed case and digits (an AWS secret
# key or a random 32-byte key may start with `/`; paths have words, dots and dashes).
_PATH_OR_URL = lazy_compile(
    r"^(?:[a-z][a-z0-9+.\-]*://"
    r"|/(?!(?-i:(?=.*[A-Z])(?=.*[a-z])(?=.*[0-9])[A-Za-z0-9+/]{19,}={0,2}$))"
    r"|\\/|\./|\.\./|~/|[A-Za-z]:\\|\\\\|file:|https?://|s3://|gs://|data:)"
    r"|\.(?:pem|key|crt|cer|p12|pfx|jks|json|ya?ml|txt|env|pub|asc|gpg|cfg|conf|ini|toml|xml)$",
    re.IGNORECASE,
)
_PUBLIC_MATERIAL = lazy_compile(
    r"^(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-|sk-ssh-|-----BEGIN (?:PUBLIC KEY|CERTIFICATE"
    r"|RSA PUBLIC KEY|PGP PUBLIC|OPENSSH PUBLIC))"
)
# Regular expressions assigned to `token_pattern`-like names: `(?:`, `\w`, `[^...]`, `{2,8}`.
_REGEX_LIKE = lazy_compile(r"\(\?[:=!<iPx]|\\[wdsbWDSB]|\[\^|\[[a-zA-Z0-9]-[a-zA-Z0-9]|\{\d+,\d*\}")
_SEQUENCES = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl")
# Human-readable words joined by separators or camelCase: `db-password-prod`, `mySecretName`.
# Constants such as `RSA_2048` and `ECC_NIST_P256` (a separator keeps base32 seeds out).
_WORDS = lazy_compile(r"^(?:[a-z]+(?:[_.\-][a-z]+)*|[A-Z]+(?:[_.\-][A-Z]+)*|[a-z]+(?:[A-Z][a-z]+)+"
                    r"|(?:[A-Z][a-z]+)+|[A-Z][a-z]*(?:[_.\-][A-Z][a-z]*)+"
                    r"|[A-Z][A-Z0-9]*(?:[_.\-][A-Z0-9]+)+)$")
_COLOUR = lazy_compile(r"^#(?:[0-9A-Fa-f]{3,8}|ansi\w*)$")
# Letters and separators only, short: a label, a translation, an identifier path
# (`API-Token`, `Fjalekalimi:`, `models.CharField`, `custom-CA`); random secrets carry digits.
_LETTERS_ONLY = lazy_compile(r"^[A-Za-z]+(?:[ _.\-:|/]+[A-Za-z]+)*[:.!?]?$")
LETTERS_ONLY_MAX = 24
# Lower-case words with a small number: `minio123`, `etcd-cluster-k8s`, `bitnami1234`,
# `access-sandbox-1234`. People do use such passwords, but in code they are test values.
_WORDS_AND_NUMBER = lazy_compile(r"^[A-Za-z][a-z]+[0-9]{0,4}(?:[-_.][a-z0-9]{1,12})*$")
# A hostname (`registry-1.docker.io/myorg`): lower case, dotted, a top-level label of letters.
_HOSTNAME = lazy_compile(r"^[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}(?:/[\w.\-/]*)?$")
_HOME_ROW = frozenset("asdfghjkl")
_LAYOUTS = (("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"),
            ("1234567890", "qwertzuiop", "asdfghjkl", "yxcvbnm"))


def _neighbours() -> dict[str, str]:
    """Each key with the keys around it, on QWERTY and QWERTZ keyboards."""
    out: dict[str, set[str]] = {}
    for rows in _LAYOUTS:
        for r, row in enumerate(rows):
            for c, key in enumerate(row):
                near = out.setdefault(key, set())
                for other in rows[max(0, r - 1):r + 2]:
                    near.update(other[max(0, c - 1):c + 2])
    return {key: "".join(sorted(near)) for key, near in out.items()}


_NEIGHBOURS = _neighbours()
MASH_MAX = 20
# Encrypted at rest by design: EJSON, SOPS, Ansible Vault, Bitnami sealed secrets.
_ENCRYPTED = lazy_compile(
    r"^(?:EJ\[\d+:|ENC\[[A-Z0-9_]+,|\$ANSIBLE_VAULT;|Ag[A-D][A-Za-z0-9+/]{300,})")
# Not one value but markup around one: `<PASSWORD>`, `[password]`, `gA..H` (elided), a run
# of one character (`zzzzzzzzz`), a counting or keyboard run anywhere (`key-1234567890-x`),
# a query string (`sv=...&sig=x`), a Laravel validation rule (`required|string|min:8`), a
# JWT's unsigned head (`eyJ...eyJ...`), a Go/Helm template path (`.Values.auth.password`).
_NOT_ONE_VALUE = AsciiSearch(
    r"^<[^<>]+>$|^\[[^\[\]]+\]$|\.\.|123456|234567|345678|456789|abcdef|qwerty"
    r"|asdfgh|abc123|^\??[\w.\-]+=[^&\s]*(?:&[\w.\-]+=[^&\s]*)+$|^[a-z]+_[a-z_]+=$"
    r"|^[a-z_]+(?::[^|\s]*)?(?:\|[a-z_]+(?::[^|\s]*)?)+$|^eyJ[\w\-]*\.eyJ[\w\-]*\.?$"
    r"|^\$?\.[A-Za-z_]\w*(?:\.\w+)*$|^urn:",
    re.IGNORECASE,
)
_RUN_OF_FIVE = lazy_compile(r"(.)\1{4}", re.IGNORECASE)  # `aaaAA` too, as it was in one pattern
# Words that make a value name a secret instead of being one (`new_password123`,
# `T0pS3cr3t`, `sk-my-openai-1st-key`, `hunter2000`), also spelled in leetspeak.
_SELF_NAMING = frozenset({
    "password", "passwd", "passwort", "pass", "pwd", "passphrase", "secret", "secrets",
    "sekret", "token", "tokens", "key", "apikey", "credential", "credentials", "refresh",
    "hunter", "changeme", "letmein", "topsecret", "mypassword", "mysecret",
    # Metasyntactic words, matched as whole words: `foO` inside a random key is chance.
    "foo", "bar", "baz", "qux", "foobar", "tbd", "cred", "tok",
})
# The longer of those words also inside run-together words: `newpassword123`, `randomtoken`.
_SELF_NAMING_INSIDE = AsciiSearch(r"passw|passphrase|secret|token|apikey|credential",
                                  re.IGNORECASE)
_LEET = str.maketrans("0134567@$", "oieasgtas")
_WORD_PIECE = lazy_compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def is_documented_example(value: str) -> bool:
    """True for a provider's published example credential (AWS `...EXAMPLE`, Azurite, jwt.io)."""
    if value.endswith("EXAMPLE") or "EXAMPLEKEY" in value:
        return True
    import hashlib  # here: ~2 ms of every start-up (OpenSSL), for a value that got this far

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
    return (_TOKEN_PLACEHOLDER(secret_part) or bool(_RUN_OF_EIGHT.search(secret_part))
            or is_sequence(secret_part))


# The same markers without runs: base64 of binary data (DER, OpenSSH keys, macaroons) is full of
# `AAAA` (zero bytes) and fixed headers; a stand-in body shows itself by words or few symbols.
_BODY_PLACEHOLDER = lazy_compile(
    r"x{6}|X{6}|\*{3}|\.{3}|…|<[^>]*>|\{\{|\$\{|EXAMPLE|example|sample|SAMPLE|dummy|DUMMY"
    r"|placeholder|PLACEHOLDER|redacted|REDACTED|notreal|NOT_?REAL|abcdefgh|ABCDEFGH|12345678"
)
# A random body of 20+ characters uses far more distinct symbols than this.
BODY_MIN_SYMBOLS = 12


def is_placeholder_body(body: str) -> bool:
    """True when a key body or a binary token's base64 is visibly made up (words, few symbols)."""
    return bool(_BODY_PLACEHOLDER.search(body)) or len(set(body)) < BODY_MIN_SYMBOLS


def is_reference(value: str) -> bool:
    """True for `${VAR}`, `{{ secrets.X }}`, `process.env.X`, `%VAR%`, vault and ARN references."""
    return _REFERENCE(value)


def names_a_secret(value: str) -> bool:
    """True when a word of `value` (leetspeak read as letters) is `password`, `secret`, `key`..."""
    if _SELF_NAMING_INSIDE(value):
        return True
    for text in (value, value.translate(_LEET)):
        if any(w.lower() in _SELF_NAMING for w in _WORD_PIECE.findall(text)):
            return True
    return False


def is_keyboard_mash(value: str) -> bool:
    """True for `sdf0o9823sjdfsdf` or `nbvfdswe34567ujko` typed on the keyboard for a test."""
    if not (value.islower() and value.isalnum()):
        return False
    letters = [c for c in value if c.isalpha()]
    if len(value) <= MASH_MAX and len(letters) >= 4 and \
            sum(c in _HOME_ROW for c in letters) * 10 >= len(letters) * 6:
        return True
    # Walks along the keyboard: most neighbouring characters are neighbouring keys (random
    # text has about one pair in six).
    pairs = list(itertools.pairwise(value))
    return len(pairs) >= 8 and sum(b in _NEIGHBOURS.get(a, "") for a, b in pairs) * 10 >= \
        len(pairs) * 6


def _letters_only(value: str) -> bool:
    if not _LETTERS_ONLY.match(value):
        return False
    return len(value) < LETTERS_ONLY_MAX or any(c in " _.-:|/" for c in value)


def is_prose_or_markup(value: str) -> bool:
    """True for UI text and translations, labels, markup, encrypted blobs, ids of digits."""
    bare = re.sub(r"[\W_]+", "", value)
    return (
        any(ord(c) > 127 for c in value)  # translations and UI text; real keys are ASCII
        or value.isdigit()
        or len(bare) * 2 <= len(value)
        or _letters_only(value)
        or bool(_WORDS_AND_NUMBER.match(value))
        or bool(_HOSTNAME.match(value))
        or is_keyboard_mash(value)
        or bool(_ENCRYPTED.match(value))
        or _NOT_ONE_VALUE(value) or bool(_RUN_OF_FIVE.search(value))
        or _NOT_ONE_VALUE(bare) or bool(_RUN_OF_FIVE.search(bare))  # `AbC-dEf5`: `abcdef`
    )


def is_placeholder_password(value: str) -> bool:
    """True for a password in a URL that is a placeholder (`[password]`, `TOKEN`, `p@ss#word`)."""
    return (bool(re.fullmatch(r"[A-Z]+(?:_[A-Z]+)*|\[[^\]]*\]", value))
            or _VALUE_PLACEHOLDER(value) or names_a_secret(value))


def is_not_secret_value(value: str, quoted: bool = False) -> bool:
    """True for literals under a secret-named key that are clearly not a credential."""
    stripped = value.strip()
    return (
        not stripped
        or (not quoted and bool(_YAML_SIGIL.match(stripped)))
        or _VALUE_PLACEHOLDER(stripped)
        or _VALUE_PLACEHOLDER(stripped.translate(_LEET))  # `ch4n63m3`
        or is_prose_or_markup(stripped)
        or names_a_secret(stripped)
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
