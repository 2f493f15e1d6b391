"""Provider rules of round three: prefixed SaaS and platform tokens gitleaks also knows.

Each shape is written from the provider's documentation of its token format (fixed prefix,
length, alphabet); `prefix` is the non-secret head the placeholder test skips.
"""

from __future__ import annotations

from checks.secrets import entropy
from checks.secrets.rules import Rule

_URLSAFE = r"A-Za-z0-9_\-"


def _random(value: str, _line: str) -> bool:
    """Hex and short bodies: a random one has more than 3 bits per character."""
    return entropy.shannon(value) >= 3.0


def _random_alnum(value: str, _line: str) -> bool:
    """A short word-like prefix (`ico-`, `pnu_`, `API-`) + 26 or more random base62 characters:
    CSS classes and constants of the same shape are words, without a digit (a random body of 26
    has one but for about 1 time in 100, of 32 about 1 in 300)."""
    return any(c.isdigit() for c in value) and entropy.shannon(value) >= 3.5


def _prefixed(rule_id: str, name: str, prefix: str, body: str, matches: str,
              end: str = "A-Za-z0-9", hexy: bool = False, anchor: str = "",
              wordy: bool = False, boundary: str = "A-Za-z0-9") -> Rule:
    """A token that is `prefix` (a regex) + `body` (a regex), ending on a token boundary.

    The fast pass looks for `anchor` (default: the prefix); a prefix that is common in text
    (`pat`, `API-`) gets an anchor that also holds the start of the body.
    """
    validate = _random if hexy else _random_alnum if wordy else None
    return Rule(rule_id, name, rf"{prefix}{body}(?![{end}])", matches, prefix, validate,
                boundary=boundary, anchor=anchor or prefix)


SAAS_RULES: tuple[Rule, ...] = (
    _prefixed("airtable-pat", "Airtable personal access token", "pat",
              r"[A-Za-z0-9]{14}\.[a-f0-9]{64}", "`pat` + 14 base62 `.` 64 hex characters",
              anchor=r"pat[A-Za-z0-9]{14}\."),
    _prefixed("alibaba-access-key-id", "Alibaba Cloud AccessKey id", "LTAI", "[A-Za-z0-9]{20}",
              "`LTAI` + 20 base62 characters", hexy=True, anchor="LTAI[A-Za-z0-9]{20}"),
    _prefixed("artifactory-api-key", "JFrog Artifactory API key", "AKCp", "[A-Za-z0-9]{69}",
              "`AKCp` + 69 base62 characters"),
    _prefixed("clojars-token", "Clojars deploy token", "CLOJARS_", "[a-z0-9]{60}",
              "`CLOJARS_` + 60 lower-case characters and digits"),
    _prefixed("contentful-pat", "Contentful personal access token", "CFPAT-",
              rf"[{_URLSAFE}]{{43}}", "`CFPAT-` + 43 url-safe characters", _URLSAFE),
    _prefixed("duffel-token", "Duffel API token", "duffel_(?:test|live)_",
              rf"[{_URLSAFE}=]{{43}}", "`duffel_live_` / `duffel_test_` + 43 url-safe characters",
              _URLSAFE),
    _prefixed("dynatrace-token", "Dynatrace API token", r"dt0c01\.",
              r"[A-Z0-9]{24}\.[A-Z0-9]{64}", "`dt0c01.` + 24 `.` 64 upper-case characters"),
    _prefixed("easypost-api-key", "EasyPost API key", "EZ[AT]K", "[A-Za-z0-9]{54}",
              "`EZAK` (production) / `EZTK` (test) + 54 base62 characters"),
    _prefixed("lob-api-key", "Lob secret API key", "(?:live|test)_", "[a-f0-9]{35}",
              "`live_` / `test_` + 35 hex characters (the publishable `*_pub_` keys are public)",
              hexy=True, anchor="(?:live|test)_[a-f0-9]{35}"),
    # Short-lived: `bedrock-api-key-` + base64 of a presigned `bedrock.amazonaws.com/?Action=...`
    # URL; long-lived: `ABSK` + base64 of `BedrockAPIKey-<id>:<secret>`.
    _prefixed("aws-bedrock-api-key", "Amazon Bedrock API key",
              r"(?:bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t|ABSKQmVkcm9ja0FQSUtleS)",
              r"[A-Za-z0-9+/]{40,2000}={0,2}",
              "`bedrock-api-key-` + base64 of a presigned `bedrock.amazonaws.com` URL "
              "(short-lived), or `ABSK` + base64 of `BedrockAPIKey-…` (long-lived)",
              "A-Za-z0-9+/=", wordy=True,
              anchor=r"bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t|ABSKQmVkcm9ja0FQSUtleS"),
    # User and page tokens start `EAA` + a letter of the app's id; Square's `EAAA` is its own.
    Rule("facebook-access-token", "Facebook (Meta) access token",
         r"EAA[B-Za-z0-9][A-Za-z0-9]{100,400}(?![A-Za-z0-9])",
         "`EAA` + 101 to 401 base62 characters (user, page and system-user tokens; not `EAAA`)",
         "EAA", _random_alnum, boundary="A-Za-z0-9+/", anchor="EAA[B-Za-z0-9]"),
    _prefixed("sonarqube-token", "SonarQube / SonarCloud token", "sq[upa]_", "[a-f0-9]{40}",
              "`squ_` (user), `sqp_` (project analysis), `sqa_` (global analysis) + 40 hex",
              hexy=True, anchor="sq[upa]_[a-f0-9]{40}"),
    _prefixed("frameio-token", "Frame.io developer token", "fio-u-", rf"[{_URLSAFE}=]{{64}}",
              "`fio-u-` + 64 url-safe characters", _URLSAFE),
    _prefixed("flutterwave-secret-key", "Flutterwave secret key", "FLWSECK(?:_TEST)?-",
              "[a-h0-9]{32}-X", "`FLWSECK-` / `FLWSECK_TEST-` + 32 hex + `-X`", hexy=True),
    _prefixed("harness-token", "Harness personal or service account token", r"(?:pat|sat)\.",
              rf"[{_URLSAFE}]{{22}}\.[a-z0-9]{{24}}\.[A-Za-z0-9]{{20}}",
              "`pat.` / `sat.` + account id (22) `.` token id (24) `.` secret (20)",
              anchor=r"(?:pat|sat)\.[A-Za-z0-9_\-]{22}\."),
    _prefixed("infracost-api-key", "Infracost API key", "ico-", "[A-Za-z0-9]{32}",
              "`ico-` + 32 base62 characters", anchor="ico-[A-Za-z0-9]{32}",
              # `box.ico-<hash>.png`: after a dot, `ico-` is a file extension.
              wordy=True, boundary="A-Za-z0-9."),
    _prefixed("intra42-client-secret", "42 Intra client secret", "s-s4t2(?:ud|af)-",
              "[a-f0-9]{64}", "`s-s4t2ud-` / `s-s4t2af-` + 64 hex characters", hexy=True),
    _prefixed("langsmith-api-key", "LangSmith API key", "lsv2_(?:pt|sk)_",
              "[a-f0-9]{32}_[a-f0-9]{10}", "`lsv2_pt_` / `lsv2_sk_` + 32 hex `_` 10 hex",
              hexy=True),
    _prefixed("mapbox-secret-token", "Mapbox secret access token", r"sk\.eyJ",
              r"[A-Za-z0-9_\-]{20,400}\.[A-Za-z0-9_\-]{22}",
              "`sk.` + base64 JSON `.` 22 url-safe characters (`pk.` tokens are public)",
              _URLSAFE),
    _prefixed("maxmind-license-key", "MaxMind license key", "[A-Za-z0-9]{6}_",
              "[A-Za-z0-9]{29}_mmk", "6 base62 `_` 29 base62 `_mmk`",
              anchor="[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk", wordy=True),
    _prefixed("notion-token", "Notion integration token", "ntn_", "[0-9]{11}[A-Za-z0-9]{35}",
              "`ntn_` + 11 digits + 35 base62 characters"),
    _prefixed("prefect-api-key", "Prefect API key", "pnu_", "[A-Za-z0-9]{36}",
              "`pnu_` + 36 base62 characters", wordy=True),
    _prefixed("readme-api-key", "ReadMe API key", "rdme_", "[a-z0-9]{70}",
              "`rdme_` + 70 lower-case characters and digits"),
    _prefixed("scalingo-api-token", "Scalingo API token", "tk-us-", rf"[{_URLSAFE}]{{48}}",
              "`tk-us-` + 48 url-safe characters", _URLSAFE),
    _prefixed("brevo-api-key", "Brevo (Sendinblue) API key", "xkeysib-",
              "[a-f0-9]{64}-[A-Za-z0-9]{16}", "`xkeysib-` + 64 hex `-` 16 base62 characters"),
    _prefixed("shippo-api-token", "Shippo API token", "shippo_(?:live|test)_", "[a-f0-9]{40}",
              "`shippo_live_` / `shippo_test_` + 40 hex characters", hexy=True),
    _prefixed("octopus-deploy-api-key", "Octopus Deploy API key", "API-", "[A-Z0-9]{26}",
              "`API-` + 26 upper-case characters and digits", anchor="API-[A-Z0-9]{26}",
              wordy=True),
    _prefixed("openshift-user-token", "OpenShift user token", "sha256~", rf"[{_URLSAFE}]{{43}}",
              "`sha256~` + 43 url-safe characters", _URLSAFE),
    _prefixed("planetscale-token", "PlanetScale token or password",
              "pscale_(?:tkn|pw|oauth)_", r"[A-Za-z0-9_=.\-]{32,64}",
              "`pscale_tkn_`, `pscale_pw_`, `pscale_oauth_` + 32 to 64 url-safe characters",
              r"A-Za-z0-9_=.\-"),
    _prefixed("typeform-pat", "Typeform personal access token", "tfp_",
              r"[A-Za-z0-9_\-.=]{59}", "`tfp_` + 59 url-safe characters", r"A-Za-z0-9_\-.="),
    _prefixed("settlemint-token", "SettleMint access token", "sm_(?:pat|aat|sat)_",
              "[A-Za-z0-9]{16}", "`sm_pat_`, `sm_aat_`, `sm_sat_` + 16 base62 characters"),
    _prefixed("sourcegraph-token", "Sourcegraph access token", "sgp_",
              "(?:[a-f0-9]{16}_|local_)?[a-f0-9]{40}",
              "`sgp_` + optional instance id (16 hex) `_` + 40 hex characters", hexy=True),
    _prefixed("new-relic-browser-key", "New Relic browser API key", "NRJS-", "[a-f0-9]{19}",
              "`NRJS-` + 19 hex characters", hexy=True),
    _prefixed("adobe-client-secret", "Adobe client secret", "p8e-", rf"[{_URLSAFE}]{{32}}",
              "`p8e-` + 32 url-safe characters", _URLSAFE),
    _prefixed("defined-networking-key", "Defined Networking API key", "dnkey-",
              r"[a-z0-9=_\-]{26}-[a-z0-9=_\-]{52}", "`dnkey-` + 26 `-` 52 characters",
              r"a-z0-9=_\-"),
    _prefixed("plaid-access-token", "Plaid access token",
              "access-(?:sandbox|development|production)-",
              "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
              "`access-production-` (or sandbox, development) + a UUID", hexy=True),
)
