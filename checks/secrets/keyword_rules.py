"""Provider rules for tokens without a prefix: the provider's name must label the value.

Okta API tokens, Datadog API and application keys, Cloudflare API tokens and global keys, and the
UUID-shaped keys of Heroku (legacy), Snyk and HubSpot look like any random string or id. They are
reported only when a key that names the provider (`OKTA_API_TOKEN`, `dd_app_key`,
`cloudflare.apiToken`) is assigned the value in any of the generic rule's syntaxes: `=`, `:`,
`=>`, `:=`, `.=`, `::=`, a setter's comma, the space of Dockerfile `ENV K v`, an XML element
(also with the value on the next line), or a Postman `"key": …, "value": …` pair.
"""

from __future__ import annotations

from collections.abc import Callable

from checks.lazyre import lazy_compile
from checks.secrets import entropy, generic
from checks.secrets.rules import Rule

# Between the provider's name and the value: the rest of the key (bounded: keys are short),
# closing quotes or brackets, an operator, an opening quote and an HTTP auth scheme.
_BETWEEN = (r"""[A-Za-z0-9_.\-]{0,40}["'\]]*[ \t]*(?:=>|:::=|::=|:=|\?=|\|\|=|\.=|[:=,]|[ \t]"""
            r"""|>[ \t]*\n?|[ \t]*,[ \t]*\n?[ \t]*["']value["'][ \t]*:|[ \t]+value[ \t]*=)"""
            # A type annotation (`val ddApiKey: String = "…"`, Go's `var herokuKey string = "…"`).
            r"""[ \t]*(?:[A-Za-z][\w.<>?]{0,30}[ \t]*=[ \t]*)?"""
            r"""(?:@?["'`(][ \t]*)?(?:(?:Bearer|SSWS|Token)[ \t]+)?""")
_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_UUID_UPPER = "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"


def _judge(keywords: str, minimum: float) -> Callable[[str, str], bool]:
    """Random enough, and the key naming the provider is no id, URL or name (`HEROKU_APP_ID`)."""
    key = lazy_compile(rf"[A-Za-z0-9_.\-]*(?i:{keywords})[A-Za-z0-9_.\-]*")
    provider = lazy_compile(rf"(?i:{keywords})")

    def check(value: str, line: str) -> bool:
        if entropy.shannon(value) < minimum:
            return False
        head = line[:line.find(value)] if value in line else line
        # The provider's own name is no verdict (`message_bird_key` is not a UI `message`).
        return not any(generic.names_not_secret(provider.sub("_", m.group()))
                       for m in key.finditer(head))
    return check


def _keyword_rule(rule_id: str, name: str, keywords: str, value: str, matches: str,
                  minimum: float) -> Rule:
    # The name starts a word, or follows a `\n` escape (`"A=1\nDD_API_KEY=…"`).
    start = r"(?:(?<![A-Za-z0-9])|(?<=\\[nrt]))"
    return Rule(rule_id, name,
                rf"{start}(?i:{keywords}){_BETWEEN}(?P<value>{value})(?![A-Za-z0-9_\-])",
                matches, validate=_judge(keywords, minimum), boundary="",
                anchor=rf"(?i:{keywords})")


KEYWORD_RULES: tuple[Rule, ...] = (
    _keyword_rule("okta-api-token", "Okta API token", "okta",
                  r"00[A-Za-z0-9_\-]{40}",
                  "`00` + 40 url-safe characters under a key naming Okta (`OKTA_API_TOKEN`, "
                  "`okta.client.token`), also `SSWS <token>`", 3.5),
    _keyword_rule("datadog-api-key", "Datadog API or application key",
                  r"datadog|dd[_\-]?(?:api|app|application)[_\-]?key",
                  r"[a-f0-9]{40}|[a-f0-9]{32}",
                  "32 hex characters (API key) or 40 (application key) under a key naming "
                  "Datadog (`DD_API_KEY`, `DD_APP_KEY`, `datadog_api_key`)", 3.0),
    _keyword_rule("cloudflare-api-token", "Cloudflare API token or global API key",
                  r"cloudflare|cf[_\-]?api[_\-]?(?:token|key)",
                  # All-hex 40 is a git SHA, not a token (base62 with `_`/`-`).
                  r"(?![a-f0-9]{40}(?![A-Za-z0-9_\-]))[A-Za-z0-9_\-]{40}|[a-f0-9]{37}",
                  "40 url-safe characters (API token) or 37 hex (global API key) under a key "
                  "naming Cloudflare (`CLOUDFLARE_API_TOKEN`, `CF_API_KEY`)", 3.5),
    _keyword_rule("heroku-api-key-legacy", "Heroku API key (legacy UUID form)", "heroku",
                  _UUID_UPPER, "a UUID under a key naming Heroku (`HEROKU_API_KEY`); the "
                  "2024 `HRKU-` form is `heroku-api-key`", 3.0),
    _keyword_rule("snyk-token", "Snyk API token", "snyk", _UUID,
                  "a UUID under a key naming Snyk (`SNYK_TOKEN`)", 3.0),
    _keyword_rule("hubspot-api-key", "HubSpot API key (legacy)", "hubspot|hapi[_\\-]?key",
                  _UUID_UPPER, "a UUID under a key naming HubSpot (`HUBSPOT_API_KEY`, "
                  "`hapikey`)", 3.0),
    _keyword_rule("messagebird-api-key", "MessageBird (Bird) API access key",
                  r"message[_\-]?bird", r"(?:live_|test_)?[A-Za-z0-9]{25}",
                  "25 base62 characters (optionally `live_`/`test_` first) under a key naming "
                  "MessageBird (`MESSAGEBIRD_ACCESS_KEY`, `message_bird_key`)", 3.0),
    _keyword_rule("kucoin-api-secret", "KuCoin API secret", "kucoin", _UUID,
                  "a UUID under a key naming KuCoin (`KUCOIN_API_SECRET`)", 3.0),
    _keyword_rule("squarespace-api-key", "Squarespace API key", "squarespace", _UUID,
                  "a UUID under a key naming Squarespace (`SQUARESPACE_API_KEY`)", 3.0),
    _keyword_rule("discord-client-secret", "Discord OAuth2 client secret", "discord",
                  r"[A-Za-z0-9_\-]{32}", "32 url-safe characters under a key naming Discord "
                  "(`DISCORD_CLIENT_SECRET`); a bot token is `discord-bot-token`", 3.0),
)
