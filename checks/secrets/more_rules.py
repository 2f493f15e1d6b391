"""Provider rules of round two: infrastructure, observability, AI and SaaS tokens with a prefix.

Each shape is written from the provider's documentation of its token format (length, alphabet,
fixed prefix), with the non-secret head as `prefix` so the placeholder test only sees the random
part. `binary=True` marks bodies that are base64 of binary data (macaroons, protobuf), where runs
of `A` are zero bytes, not a placeholder.
"""

from __future__ import annotations

import json
import zlib

from checks.secrets import entropy
from checks.secrets.rules import Rule, b64decode

_B62 = "A-Za-z0-9"
_URLSAFE = r"A-Za-z0-9_\-"
_B64 = "A-Za-z0-9+/"


def _json_with(value: str, keys: frozenset[str]) -> bool:
    """True when `value` (base64 or base64url) decodes to a JSON object holding `keys`."""
    decoded = b64decode(value.rstrip("=").replace("+", "-").replace("/", "_"))
    try:
        obj = json.loads(decoded or b"")
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(obj, dict) and keys <= obj.keys()


def _grafana_ok(value: str, _line: str) -> bool:
    """A legacy Grafana API key is base64 of `{"k":…,"n":…,"id":…}`."""
    return _json_with(value, frozenset({"k", "n"}))


def _sentry_org_ok(value: str, _line: str) -> bool:
    """A Sentry org token's middle part is base64 JSON with the issue time and the org URL."""
    payload = value[len("sntrys_"):].rsplit("_", 1)[0]
    return _json_with(payload, frozenset({"iat"}))


def _onepassword_sa_ok(value: str, _line: str) -> bool:
    """A 1Password service-account token is `ops_` + base64 JSON naming the sign-in address."""
    return _json_with(value[len("ops_"):], frozenset({"signInAddress"})) or \
        _json_with(value[len("ops_"):], frozenset({"email"}))


_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def bech32_polymod(values: list[int]) -> int:
    """BIP-173's checksum polynomial; a valid bech32 string's hrp and data give 1."""
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i, gen in enumerate(_BECH32_GEN):
            check ^= gen if (top >> i) & 1 else 0
    return check


def bech32_values(hrp: str, data: str) -> list[int]:
    """The polymod input for `hrp` and the data part (after the `1` separator)."""
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + [
        _BECH32.index(c) for c in data]


def _age_checksum(value: str) -> bool:
    """age secret keys are bech32 with the human-readable part `age-secret-key-`."""
    hrp, _, data = value.lower().rpartition("1")
    return bech32_polymod(bech32_values(hrp, data)) == 1


def _grafana_sa_checksum(value: str) -> bool:
    """Grafana's `glsa_` tokens end in the CRC32 (IEEE) of `glsa_<secret>`, little-endian hex."""
    head, _, checksum = value.rpartition("_")
    return zlib.crc32(head.encode("ascii")).to_bytes(4, "little").hex() == checksum.lower()


def _hex_random(value: str, _line: str) -> bool:
    """Hex bodies (`dapi…`, `pul-…`): a random one has more than 3 bits per character."""
    return entropy.shannon(value) >= 3.0


MORE_RULES: tuple[Rule, ...] = (
    # Infrastructure and secret stores.
    Rule("vault-service-token", "HashiCorp Vault service token",
         rf"hvs\.[{_URLSAFE}]{{90,120}}(?![{_URLSAFE}])",
         "`hvs.` + 90 to 120 url-safe characters (Vault 1.10+ service token)", r"hvs\.",
         anchor=r"hvs\.", binary=True),
    Rule("vault-batch-token", "HashiCorp Vault batch token",
         rf"hvb\.[{_URLSAFE}]{{138,300}}(?![{_URLSAFE}])",
         "`hvb.` + 138 or more url-safe characters (Vault 1.10+ batch token)", r"hvb\.",
         anchor=r"hvb\.", binary=True),
    Rule("terraform-cloud-token", "Terraform Cloud / Enterprise API token",
         rf"[{_B62}]{{14}}\.atlasv1\.[{_URLSAFE}=]{{60,70}}(?![{_URLSAFE}=])",
         "14 characters `.atlasv1.` 60 to 70 url-safe characters (user, team, org tokens)",
         r"[A-Za-z0-9]{14}\.atlasv1\.", anchor=r"[A-Za-z0-9]{14}\.atlasv1\."),
    Rule("pulumi-access-token", "Pulumi access token", "pul-[a-f0-9]{40}(?![A-Za-z0-9])",
         "`pul-` + 40 hex characters", "pul-", _hex_random, anchor=r"pul-[a-f0-9]{40}"),
    Rule("doppler-token", "Doppler token",
         r"dp\.(?:pt|ct|sa|scim|audit|st(?:\.[a-z0-9_\-]{1,40})?)\.[A-Za-z0-9]{40,44}"
         r"(?![A-Za-z0-9])",
         "`dp.pt.` (personal), `dp.st.[config.]` (service), `dp.ct.` (CLI), `dp.sa.`, `dp.scim.`, "
         "`dp.audit.` + 40 to 44 base62 characters",
         r"dp\.[a-z]+\.(?:[a-z0-9_\-]+\.)?", anchor=r"dp\.(?:pt|ct|sa|scim|audit|st)\."),
    Rule("1password-secret-key", "1Password account secret key",
         r"A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}"
         r"-[A-Z0-9]{5}(?![A-Za-z0-9])",
         "`A3-` + account id (6) + 11 or 6-5 + three groups of 5, upper case and digits", "A3-",
         anchor=r"A3-[A-Z0-9]{6}-"),
    Rule("1password-service-account-token", "1Password service account token",
         rf"ops_eyJ[{_B64}]{{250,}}={{0,3}}",
         "`ops_` + base64 JSON of 250 or more characters naming the account", "ops_",
         _onepassword_sa_ok, anchor=r"ops_eyJ"),
    Rule("age-secret-key", "age encryption secret key",
         r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}(?![A-Za-z0-9])",
         "`AGE-SECRET-KEY-1` + 58 upper-case bech32 characters with the bech32 checksum",
         "AGE-SECRET-KEY-1", anchor=r"AGE-SECRET-KEY-1", checksum=_age_checksum),
    Rule("tailscale-key", "Tailscale auth key or API access token",
         r"tskey-(?:auth|api|client|webhook|scim)-[A-Za-z0-9]{6,24}-[A-Za-z0-9]{24,64}"
         r"(?![A-Za-z0-9])",
         "`tskey-auth-`, `tskey-api-`, `tskey-client-`… + key id (ending `CNTRL`) `-` secret",
         r"tskey-[a-z]+-", anchor=r"tskey-(?:auth|api|client|webhook|scim)-"),
    Rule("digitalocean-token", "DigitalOcean token",
         "do[opr]_v1_[a-f0-9]{64}(?![A-Za-z0-9])",
         "`dop_v1_` (personal), `doo_v1_` (OAuth), `dor_v1_` (refresh) + 64 hex characters",
         "do[a-z]_v1_", anchor=r"do[opr]_v1_"),
    Rule("cloudflare-origin-ca-key", "Cloudflare Origin CA key",
         r"v1\.0-[a-f0-9]{24}-[a-f0-9]{146}(?![A-Za-z0-9])",
         "`v1.0-` + 24 hex `-` 146 hex characters", r"v1\.0-", anchor=r"v1\.0-[a-f0-9]{24}-"),
    Rule("heroku-api-key", "Heroku API key",
         rf"HRKU-AA[{_URLSAFE}]{{58}}(?![{_URLSAFE}])",
         "`HRKU-AA` + 58 url-safe characters (2024 format)", "HRKU-AA", anchor=r"HRKU-AA"),
    Rule("flyio-token", "Fly.io access token",
         rf"fo1_[{_URLSAFE}]{{43}}(?![{_URLSAFE}])|fm(?:1[ar]|2)_[{_B64}]{{100,}}={{0,3}}",
         "`fo1_` + 43 url-safe characters, or a `fm1a_`/`fm1r_`/`fm2_` macaroon", "f[om][0-9a-z]+_",
         anchor=r"fo1_|fm1[ar]_|fm2_", binary=True),
    Rule("databricks-token", "Databricks personal access token",
         r"dapi[a-f0-9]{32}(?:-\d)?(?![A-Za-z0-9])",
         "`dapi` + 32 hex characters (optionally `-1`)", "dapi", _hex_random,
         anchor=r"dapi[a-f0-9]{32}"),
    # Observability.
    Rule("grafana-api-key", "Grafana API key (legacy)",
         rf"eyJrIjoi[{_B64}]{{70,400}}={{0,3}}(?![{_B64}=])",
         "`eyJrIjoi` + base64 of `{\"k\":…,\"n\":…,\"id\":…}`", "eyJrIjoi", _grafana_ok,
         anchor=r"eyJrIjoi"),
    Rule("grafana-cloud-token", "Grafana Cloud access policy token",
         rf"glc_[{_B64}]{{32,400}}={{0,3}}(?![{_B64}])",
         "`glc_` + 32 to 400 base64 characters", "glc_", anchor=r"glc_"),
    Rule("grafana-service-account-token", "Grafana service account token",
         r"glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}(?![A-Za-z0-9])",
         "`glsa_` + 32 base62 `_` + 8 hex characters: the CRC32 of the rest", "glsa_",
         anchor=r"glsa_", checksum=_grafana_sa_checksum),
    Rule("new-relic-user-api-key", "New Relic user API key",
         r"NRAK-[A-Z0-9]{27}(?![A-Za-z0-9])", "`NRAK-` + 27 upper-case characters and digits",
         "NRAK-", anchor=r"NRAK-"),
    Rule("new-relic-insert-key", "New Relic insert or license key",
         r"NRII-[A-Za-z0-9_\-]{32}(?![A-Za-z0-9_\-])", "`NRII-` + 32 url-safe characters",
         "NRII-", anchor=r"NRII-"),
    Rule("sentry-org-token", "Sentry organization auth token",
         rf"sntrys_eyJ[{_B64}]{{20,400}}={{0,2}}_[{_B64}]{{43}}(?![{_B64}])",
         "`sntrys_` + base64 JSON (issued-at, org URL) `_` + 43 base64 characters", "sntrys_",
         _sentry_org_ok, anchor=r"sntrys_eyJ"),
    Rule("sentry-user-token", "Sentry user auth token", "sntryu_[a-f0-9]{64}(?![A-Za-z0-9])",
         "`sntryu_` + 64 hex characters", "sntryu_", anchor=r"sntryu_"),
    # Developer platforms.
    Rule("atlassian-api-token", "Atlassian API token",
         r"ATATT3[A-Za-z0-9_\-=]{180,200}(?![A-Za-z0-9_\-=])",
         "`ATATT3` + about 186 url-safe characters (Jira, Confluence, Bitbucket)", "ATATT3",
         anchor=r"ATATT3"),
    Rule("linear-api-key", "Linear API key", "lin_api_[A-Za-z0-9]{40}(?![A-Za-z0-9])",
         "`lin_api_` + 40 base62 characters", "lin_api_", anchor=r"lin_api_"),
    Rule("postman-api-key", "Postman API key",
         r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}(?![A-Za-z0-9])",
         "`PMAK-` + 24 hex `-` 34 hex characters", "PMAK-", anchor=r"PMAK-"),
    Rule("huggingface-token", "Hugging Face access token",
         "(?:hf|api_org)_[A-Za-z]{34}(?![A-Za-z0-9])",
         "`hf_` (user) or `api_org_` (organization) + 34 letters", "(?:hf|api_org)_",
         anchor=r"(?:hf|api_org)_[A-Za-z]{34}"),
    Rule("gcp-oauth-client-secret", "Google OAuth client secret",
         rf"GOCSPX-[{_URLSAFE}]{{28}}(?![{_URLSAFE}])", "`GOCSPX-` + 28 url-safe characters",
         "GOCSPX-", anchor=r"GOCSPX-"),
    Rule("rubygems-api-key", "RubyGems API key", "rubygems_[a-f0-9]{48}(?![A-Za-z0-9])",
         "`rubygems_` + 48 hex characters", "rubygems_", anchor=r"rubygems_"),
    Rule("supabase-access-token", "Supabase personal access token",
         "sbp_[a-f0-9]{40}(?![A-Za-z0-9])", "`sbp_` + 40 hex characters", "sbp_",
         _hex_random, anchor=r"sbp_[a-f0-9]{40}"),
    # Payments and commerce.
    Rule("square-access-token", "Square access token",
         rf"EAAA[{_URLSAFE}]{{60}}(?![{_URLSAFE}])|sq0atp-[{_URLSAFE}]{{22}}(?![{_URLSAFE}])",
         "`EAAA` + 60 url-safe characters, or the older `sq0atp-` + 22", "(?:EAAA|sq0atp-)",
         anchor=r"EAAA[A-Za-z0-9_\-]{60}|sq0atp-"),
    Rule("square-oauth-secret", "Square OAuth application secret",
         rf"sq0csp-[{_URLSAFE}]{{43}}(?![{_URLSAFE}])", "`sq0csp-` + 43 url-safe characters",
         "sq0csp-", anchor=r"sq0csp-"),
    Rule("mailchimp-api-key", "Mailchimp API key",
         r"[a-f0-9]{32}-us[0-9]{1,2}(?![A-Za-z0-9])",
         "32 hex characters + the data-centre suffix `-us1` … `-us21`", validate=_hex_random,
         anchor=r"[a-f0-9]{32}-us[0-9]"),
    # Social and AI.
    Rule("twitter-bearer-token", "Twitter/X app bearer token",
         r"A{22}[A-Za-z0-9%]{80,120}(?![A-Za-z0-9%])",
         "22 `A` characters + 80 or more base62 characters and `%` escapes", "A{22}A*",
         anchor=r"A{22}"),
    Rule("azure-ad-client-secret", "Azure AD (Entra ID) client secret",
         r"[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34}(?![A-Za-z0-9_~.\-])",
         "3 characters, a digit, `Q~`, then 31 to 34 characters of `[A-Za-z0-9_~.-]`",
         boundary=r"A-Za-z0-9_~.\-", anchor=r"[A-Za-z0-9_~.]{3}[0-9]Q~"),
    Rule("replicate-api-token", "Replicate API token", "r8_[A-Za-z0-9]{37}(?![A-Za-z0-9])",
         "`r8_` + 37 base62 characters", "r8_", anchor=r"r8_[A-Za-z0-9]{37}"),
    Rule("groq-api-key", "Groq API key", "gsk_[A-Za-z0-9]{52}(?![A-Za-z0-9])",
         "`gsk_` + 52 base62 characters", "gsk_", anchor=r"gsk_"),
    Rule("perplexity-api-key", "Perplexity API key", "pplx-[A-Za-z0-9]{48}(?![A-Za-z0-9])",
         "`pplx-` + 48 base62 characters", "pplx-", anchor=r"pplx-"),
)
