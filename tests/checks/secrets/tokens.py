"""Synthetic credentials in each provider's documented shape, made fresh at test time.

Nothing here is a real credential, and no token is written into the repository: the values are
built from a seeded random generator (with GitHub's and npm's CRC32 checksum where it applies).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import string
import zlib

from checks.secrets.rules import base62_crc32

ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "-_"
HEX = "0123456789abcdef"
BASE32 = string.ascii_uppercase + "234567"


class Tokens:
    """A seeded factory of provider-shaped tokens."""

    def __init__(self, seed: int = 5) -> None:
        self.rng = random.Random(seed)

    def chars(self, n: int, alphabet: str = ALNUM) -> str:
        """`n` random characters of `alphabet`."""
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def github(self, prefix: str = "ghp_") -> str:
        """A classic-format GitHub token (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) with checksum."""
        body = self.chars(30)
        return prefix + body + base62_crc32(body)

    def github_bad_checksum(self) -> str:
        """A `ghp_` token whose checksum does not match (a made-up one)."""
        token = self.github()
        last = "A" if token[-1] != "A" else "B"
        return token[:-1] + last

    def github_fine_grained(self) -> str:
        return "github_" + "pat_" + self.chars(22) + "_" + self.chars(59)

    def gitlab(self) -> str:
        return "gl" + "pat-" + self.chars(20, URLSAFE.replace("-", "").replace("_", "") + "_-")

    def gitlab_runner(self) -> str:
        return "gl" + "rt-" + self.chars(20)

    def aws_key_id(self) -> str:
        return "AK" + "IA" + self.chars(16, BASE32)

    def aws_secret(self) -> str:
        value = self.chars(40, B64)
        return value if any(c.isdigit() for c in value) else value[:-1] + "7"

    def google_api_key(self) -> str:
        return "AI" + "za" + self.chars(35, URLSAFE)

    def pem_body(self, lines: int = 12) -> list[str]:
        return [self.chars(64, B64) for _ in range(lines)] + [self.chars(24, B64) + "=="]

    def azure_account_key(self) -> str:
        return self.chars(86, B64) + "=="

    def azure_sas_query(self) -> str:
        sig = self.chars(43, ALNUM) + "%3D"
        return (f"sv=2022-11-02&ss=bfqt&srt=sco&sp=rwdlacupiytfx&se=2026-12-31T23:59:59Z"
                f"&st=2024-01-01T00:00:00Z&spr=https&sig={sig}")

    def slack_bot(self) -> str:
        return ("xo" + "xb-" + self.chars(12, "0123456789") + "-" + self.chars(13, "0123456789")
                + "-" + self.chars(24))

    def slack_webhook(self) -> str:
        return ("https://hooks.slack.com/services/T" + self.chars(10, BASE32) + "/B"
                + self.chars(10, BASE32) + "/" + self.chars(24))

    def stripe(self, kind: str = "sk", mode: str = "live") -> str:
        return f"{kind}_{mode}_" + self.chars(24 + self.rng.randrange(0, 76))

    def stripe_webhook(self) -> str:
        return "wh" + "sec_" + self.chars(32)

    def twilio(self) -> str:
        return "S" + "K" + self.chars(32, HEX)

    def sendgrid(self) -> str:
        return "S" + "G." + self.chars(22, URLSAFE) + "." + self.chars(43, URLSAFE)

    def mailgun(self) -> str:
        return "key" + "-" + self.chars(32, HEX)

    def npm(self) -> str:
        body = self.chars(30)
        return "np" + "m_" + body + base62_crc32(body)

    def pypi(self) -> str:
        return "py" + "pi-AgEIcHlwaS5vcmc" + self.chars(120, URLSAFE)

    def openai(self) -> str:
        return "sk-" + "proj-" + self.chars(64, URLSAFE) + "T3Blbk" + "FJ" + self.chars(64, URLSAFE)

    def openai_legacy(self) -> str:
        return "sk-" + self.chars(20) + "T3Blbk" + "FJ" + self.chars(20)

    def anthropic(self) -> str:
        return "sk-" + "ant-api03-" + self.chars(93, URLSAFE) + "AA"

    def discord(self) -> str:
        bot_id = str(self.rng.randrange(10**17, 10**18 * 2))
        head = base64.b64encode(bot_id.encode()).decode().rstrip("=")
        return head + "." + self.chars(6, URLSAFE) + "." + self.chars(38, URLSAFE)

    def telegram(self) -> str:
        return str(self.rng.randrange(10**8, 10**10)) + ":A" + "A" + self.chars(33, URLSAFE)

    def shopify(self) -> str:
        return "shp" + "at_" + self.chars(32, HEX)

    def jwt(self, payload: dict | None = None, alg: str = "HS256") -> str:
        def part(obj: dict) -> str:
            raw = json.dumps(obj, separators=(",", ":")).encode()
            return base64.urlsafe_b64encode(raw).decode().rstrip("=")

        body = payload or {"sub": self.chars(12), "iat": 1700000000 + self.rng.randrange(10**6),
                           "scope": "read write"}
        signing = part({"alg": alg, "typ": "JWT"}) + "." + part(body)
        if alg == "none":
            return signing + "."
        digest = hmac.new(self.chars(32).encode(), signing.encode(), hashlib.sha256).digest()
        return signing + "." + base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def password(self) -> str:
        """A password a person or a generator would set: mixed classes, 12-20 characters."""
        symbols = "!@#%^&*+=?"
        core = self.chars(self.rng.randrange(10, 18), ALNUM + symbols)
        return core + self.rng.choice(symbols) + self.rng.choice(string.digits)

    def human_password(self) -> str:
        """A memorable password: a capitalised word, digits and a symbol."""
        word = self.rng.choice(["Summer", "Falcon", "Orange", "Harbor", "Monkey", "Dragon"])
        return word + str(self.rng.randrange(1000, 9999)) + self.rng.choice("!@#$%&*")

    def hex_secret(self, n: int = 64) -> str:
        return self.chars(n, HEX)

    def base64_secret(self, n: int = 44) -> str:
        return self.chars(n - 1, B64) + "="

    def uuid(self) -> str:
        h = self.chars(32, HEX)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def sha(self, n: int = 40) -> str:
        return self.chars(n, HEX)


def b64json(obj: dict) -> str:
    """Unpadded standard base64 of compact JSON, as Grafana, Sentry and 1Password encode."""
    raw = json.dumps(obj, separators=(",", ":")).encode()
    return base64.b64encode(raw).decode().rstrip("=")


UPPER_DIGITS = string.ascii_uppercase + string.digits
BECH32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"


class MoreTokens(Tokens):
    """Round-two provider shapes, each from the provider's documented token format."""

    def vault_service(self) -> str:
        return "hv" + "s.CAESI" + self.chars(86, URLSAFE)

    def vault_batch(self) -> str:
        return "hv" + "b.AAAAAQ" + self.chars(150, URLSAFE)

    def terraform(self) -> str:
        return self.chars(14) + ".atlas" + "v1." + self.chars(67, URLSAFE)

    def pulumi(self) -> str:
        return "pu" + "l-" + self.chars(40, HEX)

    def doppler(self) -> str:
        return "dp" + ".pt." + self.chars(43)

    def onepassword_secret_key(self) -> str:
        groups = [self.chars(n, UPPER_DIGITS) for n in (6, 6, 5, 5, 5, 5)]
        return "A" + "3-" + "-".join(groups)

    def onepassword_service_account(self) -> str:
        body = b64json({"signInAddress": "acme.1password.com", "userAuth": {
            "method": "SRPg-4096", "alg": "PBES2g-HS256", "iterations": 650000,
            "salt": self.chars(22, URLSAFE)},
            "email": self.chars(12).lower() + "@1passwordserviceaccounts.com",
            "srpX": self.chars(64, HEX), "muk": {"alg": "A256GCM", "ext": True,
                                                 "k": self.chars(43, URLSAFE)},
            "secretKey": self.onepassword_secret_key(), "deviceUuid": self.chars(26).lower()})
        return "op" + "s_" + body

    def age(self) -> str:
        """An age X25519 identity: 32 random bytes as bech32 with a valid checksum."""
        from checks.secrets.more_rules import bech32_polymod, bech32_values

        bits = int.from_bytes(self.rng.randbytes(32), "big") << 4  # 256 bits -> 52 groups
        data = "".join(BECH32[(bits >> (5 * i)) & 31] for i in reversed(range(52))).lower()
        hrp = "age-secret-key-"
        poly = bech32_polymod([*bech32_values(hrp, data), 0, 0, 0, 0, 0, 0]) ^ 1
        check = "".join(BECH32[(poly >> 5 * (5 - i)) & 31] for i in range(6)).lower()
        return (hrp + "1" + data + check).upper()

    def tailscale(self) -> str:
        return "tskey" + "-auth-k" + self.chars(7) + "CNTRL-" + self.chars(33)

    def digitalocean(self) -> str:
        return "do" + "p_v1_" + self.chars(64, HEX)

    def cloudflare_origin_ca(self) -> str:
        return "v1" + ".0-" + self.chars(24, HEX) + "-" + self.chars(146, HEX)

    def heroku(self) -> str:
        return "HRKU" + "-AA" + self.chars(58, URLSAFE)

    def flyio(self) -> str:
        return "fo" + "1_" + self.chars(43, URLSAFE)

    def flyio_macaroon(self) -> str:
        return "fm" + "2_lJPECAAAAAAAA" + self.chars(180, B64) + "=="

    def databricks(self) -> str:
        return "da" + "pi" + self.chars(32, HEX)

    def grafana_legacy(self) -> str:
        return b64json({"k": self.chars(32), "n": "deploy-bot", "id": self.rng.randrange(1, 99)})

    def grafana_cloud(self) -> str:
        return "gl" + "c_" + b64json({"o": str(self.rng.randrange(10**5, 10**6)),
                                      "n": "stack-" + self.chars(6, HEX) + "-deploy",
                                      "k": self.chars(24), "m": {"r": "prod-eu-west-2"}})

    def grafana_service_account(self) -> str:
        """`glsa_` + secret + `_` + the CRC32 of the rest as little-endian hex (Grafana's)."""
        head = "gl" + "sa_" + self.chars(32)
        return head + "_" + zlib.crc32(head.encode()).to_bytes(4, "little").hex()

    def new_relic_user(self) -> str:
        return "NR" + "AK-" + self.chars(27, UPPER_DIGITS)

    def new_relic_insert(self) -> str:
        return "NR" + "II-" + self.chars(32, URLSAFE)

    def sentry_org(self) -> str:
        head = b64json({"iat": 1700000000.5 + self.rng.randrange(10**6), "url": "https://sentry.io",
                        "region_url": "https://us.sentry.io", "org": "acme"})
        return "sntr" + "ys_" + head + "_" + self.chars(43, B64)

    def sentry_user(self) -> str:
        return "sntr" + "yu_" + self.chars(64, HEX)

    def atlassian(self) -> str:
        return "ATATT" + "3xFfGF0" + self.chars(171, URLSAFE) + "=" + self.chars(8, HEX.upper())

    def linear(self) -> str:
        return "lin" + "_api_" + self.chars(40)

    def postman(self) -> str:
        return "PM" + "AK-" + self.chars(24, HEX) + "-" + self.chars(34, HEX)

    def huggingface(self) -> str:
        return "h" + "f_" + self.chars(34, string.ascii_letters)

    def google_oauth_secret(self) -> str:
        return "GOC" + "SPX-" + self.chars(28, URLSAFE)

    def rubygems(self) -> str:
        return "ruby" + "gems_" + self.chars(48, HEX)

    def supabase(self) -> str:
        return "sb" + "p_" + self.chars(40, HEX)

    def square(self) -> str:
        return "EA" + "AA" + self.chars(60, URLSAFE)

    def square_oauth(self) -> str:
        return "sq0" + "csp-" + self.chars(43, URLSAFE)

    def mailchimp(self) -> str:
        return self.chars(32, HEX) + "-us" + str(self.rng.randrange(1, 22))

    def twitter_bearer(self) -> str:
        return "A" * 22 + self.chars(58) + "%2B" + self.chars(30) + "%3D" + self.chars(12)

    def azure_ad(self) -> str:
        return (self.chars(3, ALNUM + "_~.") + self.chars(1, string.digits) + "Q~"
                + self.chars(34, URLSAFE + "~."))

    def replicate(self) -> str:
        return "r" + "8_" + self.chars(37)

    def groq(self) -> str:
        return "gs" + "k_" + self.chars(52)

    def perplexity(self) -> str:
        return "pp" + "lx-" + self.chars(48)


def _ssh_string(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def openssh_ed25519(rng: random.Random, comment: str = "deploy@ci") -> list[str]:
    """An unencrypted OpenSSH ed25519 private key file (openssh-key-v1) with random key bytes.

    Laid out as `ssh-keygen` writes it: the fixed `openssh-key-v1` header, cipher and KDF
    `none`, one public key, the private block with its check integers, padding 1, 2, 3...
    """
    public = rng.randbytes(32)
    blob = _ssh_string(b"ssh-ed25519") + _ssh_string(public)
    check = rng.randbytes(4)
    private = (check + check + _ssh_string(b"ssh-ed25519") + _ssh_string(public)
               + _ssh_string(rng.randbytes(32) + public) + _ssh_string(comment.encode()))
    private += bytes(range(1, 1 + (-len(private) % 8)))
    data = (b"openssh-key-v1\0" + _ssh_string(b"none") + _ssh_string(b"none") + _ssh_string(b"")
            + (1).to_bytes(4, "big") + _ssh_string(blob) + _ssh_string(private))
    text = base64.b64encode(data).decode()
    return ["-----BEGIN OPENSSH PRIVATE KEY-----",
            *(text[i:i + 70] for i in range(0, len(text), 70)),
            "-----END OPENSSH PRIVATE KEY-----"]
