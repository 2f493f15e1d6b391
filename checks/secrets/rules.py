"""Provider rules: one stable id per credential shape, each from the provider's documented format.

A rule's `pattern` matches the token; `(?P<value>...)` marks the secret when the match also holds
context (`AccountKey=`), and `prefix` is the non-secret head (`ghp_`) that the placeholder test
skips. `validate(value, line)` rejects look-alikes the pattern alone cannot (checksums, decoding).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from checks.secrets import entropy, quiet

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Rule:
    """One credential shape: stable id, name for messages, regex, and what the docs say."""

    id: str
    name: str
    pattern: str
    matches: str
    prefix: str = ""
    validate: Callable[[str, str], bool] | None = None
    # The character before the token must not continue it (no lookbehind: it would stop the
    # regex engine from skipping ahead on the alternation's first characters).
    boundary: str = "A-Za-z0-9"
    # An RE2-compatible regex (no lookaround, no backreference) matching at least every start
    # of `pattern`: the fast multi-pattern pass looks for these, `pattern` then confirms.
    anchor: str = ""
    # The body is base64 of binary data (macaroons, protobuf): runs of `A` are zero bytes there.
    binary: bool = False
    # A checksum the format carries: a real-looking value that fails it is reported as a notice
    # ("checksum does not match"), neither missed nor a failure.
    checksum: Callable[[str], bool] | None = None


def base62_crc32(data: str) -> str:
    """The 6-character base62 CRC32 that GitHub and npm append to their tokens."""
    number = zlib.crc32(data.encode("ascii", "replace"))
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = _BASE62[rest] + digits
    return digits.rjust(6, "0")


def _checksum_ok(value: str) -> bool:
    """GitHub (`ghp_` and friends, 36 characters) and npm tokens end in a CRC32 of the rest."""
    _prefix, _, body = value.partition("_")
    if len(body) != 36:
        return True  # longer refresh tokens: no published checksum, the shape must do
    return base62_crc32(body[:30]) == body[30:]


def b64decode(text: str) -> bytes | None:
    """Decode unpadded base64url, None when it is not."""
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


_EXAMPLE_CLAIMS = frozenset({
    ("sub", "1234567890"), ("name", "John Doe"), ("iss", "supabase-demo"), ("some", "payload"),
})


def _jwt_ok(value: str, _line: str) -> bool:
    """A JWT whose header decodes to JSON with `alg`, and not a public (anon) key by design."""
    parts = value.split(".")
    header, payload = (b64decode(p) for p in parts[:2])
    try:
        head = json.loads(header or b"")
        body = json.loads(payload or b"")
    except (ValueError, UnicodeDecodeError):
        return False
    if not isinstance(head, dict) or "alg" not in head or str(head["alg"]).lower() == "none":
        return False
    if not isinstance(body, dict):
        return True
    # Supabase and similar ship an `anon` role key meant to sit in front-end code; the claims
    # of documented demo tokens (jwt.io's, Supabase's local `supabase-demo` keys, PyJWT's
    # README) or visibly made-up ones (`"ref": "aaaa…"`) say the signature is no secret either.
    if body.get("role") == "anon" or _EXAMPLE_CLAIMS & {(k, str(v)) for k, v in body.items()}:
        return False
    return not any(isinstance(v, str) and len(v) >= 8 and quiet.is_placeholder_token(v)
                   for v in body.values())


def _discord_ok(value: str, _line: str) -> bool:
    """The first part of a Discord bot token is the bot's numeric id in base64."""
    decoded = b64decode(value.split(".", 1)[0])
    return decoded is not None and decoded.isdigit()


def _sas_ok(_value: str, line: str) -> bool:
    """An Azure SAS signature comes with a service version or expiry on the same URL."""
    return bool(re.search(r"[?&;]s[vep]=", line))


def _random_enough(minimum: float) -> Callable[[str, str], bool]:
    def check(value: str, _line: str) -> bool:
        return entropy.shannon(value) >= minimum
    return check


_GH = "[A-Za-z0-9]{36}(?![A-Za-z0-9])"

PROVIDER_RULES: tuple[Rule, ...] = (
    Rule("github-pat", "GitHub personal access token (classic)", "ghp_" + _GH,
         "`ghp_` + 36 base62 characters whose last 6 are the CRC32 of the first 30",
         "ghp_", checksum=_checksum_ok, anchor=r"ghp_[A-Za-z0-9]{36}"),
    Rule("github-fine-grained-pat", "GitHub fine-grained personal access token",
         "github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}(?![A-Za-z0-9])",
         "`github_pat_` + 22 + `_` + 59 base62 characters", "github_pat_", anchor=r"github_pat_"),
    Rule("github-oauth-token", "GitHub OAuth access token", "gho_" + _GH,
         "`gho_` + 36 base62 characters with the CRC32 checksum", "gho_", checksum=_checksum_ok,
         anchor=r"gho_[A-Za-z0-9]{36}"),
    Rule("github-app-token", "GitHub App token", "gh[us]_" + _GH,
         "`ghu_` (user-to-server) or `ghs_` (installation) + 36 base62 characters with checksum",
         "gh[us]_", checksum=_checksum_ok, anchor=r"gh[us]_[A-Za-z0-9]{36}"),
    Rule("github-refresh-token", "GitHub refresh token", "ghr_[A-Za-z0-9]{36,76}(?![A-Za-z0-9])",
         "`ghr_` + 36 to 76 base62 characters (checksum verified on the 36-character form)",
         "ghr_", checksum=_checksum_ok, anchor=r"ghr_[A-Za-z0-9]{36}"),
    Rule("gitlab-pat", "GitLab personal access token",
         r"glpat-[A-Za-z0-9_\-]{20,}(?:\.[0-9a-z]{2}\.[0-9a-z]{9})?(?![A-Za-z0-9_\-])",
         "`glpat-` + 20 or more url-safe characters (also the routable `.01.` form)", "glpat-",
         anchor=r"glpat-"),
    Rule("gitlab-token", "GitLab token",
         r"(?:gldt|glrt|glptt|glcbt|glimt|glagent|gloas|glsoat|glffct|glft)-[A-Za-z0-9_\-]{20,}"
         r"(?![A-Za-z0-9_\-])|GR1348941[A-Za-z0-9_\-]{20}(?![A-Za-z0-9_\-])",
         "GitLab deploy (`gldt-`), runner (`glrt-`, `GR1348941`), trigger (`glptt-`), OAuth app "
         "(`gloas-`) and other prefixed tokens", "(?:gl[a-z]+-|GR1348941)",
         anchor=r"(?:gldt|glrt|glptt|glcbt|glimt|glagent|gloas|glsoat|glffct|glft)-|GR1348941"),
    Rule("aws-access-key-id", "AWS access key id",
         "(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])",
         "`AKIA`/`ASIA`/`ABIA`/`ACCA` + 16 base32 characters", "A[A-Z]{3}",
         anchor=r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}"),
    Rule("google-api-key", "Google API key", r"AIza[0-9A-Za-z_\-]{35}(?![A-Za-z0-9_\-])",
         "`AIza` + 35 url-safe characters", "AIza", anchor=r"AIza[0-9A-Za-z_\-]{35}"),
    Rule("gcp-service-account", "Google Cloud service-account private key",
         r"""["']private_key["'][ \t]*:[ \t]*["'](?P<value>-----BEGIN [A-Z ]*PRIVATE KEY-----"""
         r"""[^"'\n]*)""",
         "`\"private_key\": \"-----BEGIN PRIVATE KEY-----\\n...\"` of a service-account JSON",
         "-----BEGIN [A-Z ]*PRIVATE KEY-----(?:\\\\[nr])*", boundary="",
         anchor=r"""["']private_key["']"""),
    Rule("azure-storage-connection-string", "Azure storage account key",
         r"AccountKey=(?P<value>[A-Za-z0-9+/]{86}==)",
         "`AccountKey=` + 88 base64 characters in a storage connection string", boundary="",
         anchor=r"AccountKey="),
    Rule("azure-shared-access-key", "Azure shared access key",
         r"SharedAccessKey=(?P<value>[A-Za-z0-9+/]{42,43}=)",
         "`SharedAccessKey=` + 44 base64 characters (Service Bus, Event Hubs, IoT Hub)",
         boundary="", anchor=r"SharedAccessKey="),
    Rule("azure-sas-token", "Azure SAS signature",
         r"[?&;]sig=(?P<value>(?:[A-Za-z0-9+/]|%2[BbFf]){40,}(?:%3[Dd]|=){0,2})",
         "`sig=` of a shared access signature URL that also carries `sv=`/`se=`/`sp=`",
         validate=_sas_ok, boundary="", anchor=r"[?&;]sig="),
    Rule("slack-token", "Slack token",
         r"xox[abposre](?:\.xox[bp])?-[0-9]{1,14}-[0-9A-Za-z\-]{10,250}|xapp-\d-[A-Z0-9]{6,}"
         r"-\d{6,}-[a-f0-9]{32,}",
         "`xoxb-`, `xoxp-`, `xoxa-`, `xoxe.xoxp-`, `xapp-` tokens with their numeric segments",
         "(?:xox[a-z](?:\\.xox[a-z])?|xapp)-[0-9]+-", anchor=r"xox[abposre]|xapp-"),
    Rule("slack-webhook-url", "Slack incoming webhook URL",
         r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<value>[A-Za-z0-9/_\-]{30,})",
         "`https://hooks.slack.com/services/T…/B…/…` (also workflows and triggers)",
         boundary="", anchor=r"hooks\.slack\.com/"),
    Rule("stripe-secret-key", "Stripe secret key",
         "sk_(?:live|test|prod)_[0-9a-zA-Z]{20,247}(?![A-Za-z0-9])",
         "`sk_live_` / `sk_test_` + 20 or more base62 characters", "sk_[a-z]+_",
         anchor=r"sk_(?:live|test|prod)_"),
    Rule("stripe-restricted-key", "Stripe restricted key",
         "rk_(?:live|test|prod)_[0-9a-zA-Z]{20,247}(?![A-Za-z0-9])",
         "`rk_live_` / `rk_test_` + 20 or more base62 characters", "rk_[a-z]+_",
         anchor=r"rk_(?:live|test|prod)_"),
    Rule("stripe-webhook-secret", "Stripe webhook signing secret",
         "whsec_[A-Za-z0-9+/]{32,}(?![A-Za-z0-9])",
         "`whsec_` + 32 or more characters", "whsec_", anchor=r"whsec_"),
    Rule("twilio-api-key", "Twilio API key", "SK[0-9a-fA-F]{32}(?![A-Za-z0-9])",
         "`SK` + 32 hex characters (API key SID)", "SK", _random_enough(3.0),
         anchor=r"SK[0-9a-fA-F]{32}"),
    Rule("sendgrid-api-key", "SendGrid API key",
         r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}(?![A-Za-z0-9_\-])",
         "`SG.` + 22 + `.` + 43 url-safe characters", r"SG\.", anchor=r"SG\.[A-Za-z0-9_\-]{22}\."),
    Rule("mailgun-api-key", "Mailgun API key",
         r"key-[0-9a-f]{32}(?![A-Za-z0-9])|(?<![0-9A-Za-z\-])[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}"
         r"(?![A-Za-z0-9\-])",
         "`key-` + 32 hex characters, or the newer 32-8-8 hex form", "(?:key-)?",
         _random_enough(3.0), anchor=r"key-[0-9a-f]{32}|[0-9a-f]{32}-[0-9a-f]{8}-"),
    Rule("npm-token", "npm access token", "npm_" + _GH,
         "`npm_` + 36 base62 characters with the CRC32 checksum", "npm_", checksum=_checksum_ok,
         anchor=r"npm_[A-Za-z0-9]{36}"),
    Rule("pypi-token", "PyPI API token",
         r"pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_\-]{50,}",
         "`pypi-` + a macaroon for pypi.org or test.pypi.org",
         "pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)",
         anchor=r"pypi-AgE", binary=True),
    Rule("anthropic-api-key", "Anthropic API key",
         r"sk-ant-(?:api|admin|oat|sid)\d\d-[A-Za-z0-9_\-]{32,}(?![A-Za-z0-9_\-])",
         "`sk-ant-api03-` (also `admin01`, `oat01`) + 32 or more url-safe characters",
         r"sk-ant-[a-z]+\d\d-", anchor=r"sk-ant-"),
    Rule("openai-api-key", "OpenAI API key",
         r"sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_\-]{16,}T3BlbkFJ[A-Za-z0-9_\-]{16,}"
         r"(?![A-Za-z0-9_\-])|sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{40,}(?![A-Za-z0-9_\-])",
         "`sk-` (`sk-proj-`, `sk-svcacct-`, `sk-admin-`) keys, with the `T3BlbkFJ` marker or 40+ "
         "characters after a project prefix", r"sk-(?:[a-z]+-)?", anchor=r"sk-"),
    Rule("discord-bot-token", "Discord bot token",
         r"(?<![A-Za-z0-9_\-])[MNO][A-Za-z0-9_\-]{23,27}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38}"
         r"(?![A-Za-z0-9_\-])",
         "base64 bot id `.` timestamp `.` HMAC, the first part decoding to digits",
         validate=_discord_ok, anchor=r"[MNO][A-Za-z0-9_\-]{23,27}\.[A-Za-z0-9_\-]{6}\."),
    Rule("discord-webhook-url", "Discord webhook URL",
         r"discord(?:app)?\.com/api/webhooks/\d{17,20}/(?P<value>[A-Za-z0-9_\-]{60,68})",
         "`https://discord.com/api/webhooks/<id>/<68-character token>`", boundary="",
         anchor=r"discord(?:app)?\.com/api/webhooks/"),
    Rule("telegram-bot-token", "Telegram bot token",
         r"(?<![0-9A-Za-z])\d{8,10}:AA[A-Za-z0-9_\-]{33}(?![A-Za-z0-9_\-])",
         "8-10 digit bot id `:` `AA` + 33 url-safe characters", r"\d+:AA",
         anchor=r"[0-9]{8,10}:AA"),
    Rule("shopify-token", "Shopify access token or shared secret",
         "shp(?:at|ca|pa|ss|ua)_[A-Za-z0-9]{32}(?![A-Za-z0-9])",
         "`shpat_`, `shpca_`, `shppa_`, `shpua_`, `shpss_` + 32 characters (hex today; base62 "
         "accepted)", "shp[a-z]{2}_", anchor=r"shp(?:at|ca|pa|ss|ua)_"),
    Rule("jwt", "JSON Web Token",
         r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,}(?![A-Za-z0-9_\-])",
         "three base64url parts, header and payload JSON objects, header with an `alg`, signed",
         "eyJ", _jwt_ok, anchor=r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ"),
)
