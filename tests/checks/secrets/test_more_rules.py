"""Round-two provider rules: each fires on its documented shape and stays quiet on look-alikes."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from checks.model import Severity, Status
from tests.checks.secrets.diffs import new_file, run
from tests.checks.secrets.rule_samples import SaasTokens
from tests.checks.secrets.tokens import URLSAFE, MoreTokens

T = MoreTokens(seed=45)
U = SaasTokens(seed=46)

# (rule, path, lines with `{t}` where the token goes, token maker, length of the token's fixed
# head: the rest is what a docs example replaces with a run of one character).
CASES: list[tuple[str, str, list[str], Callable[[], str], int]] = [
    ("vault-service-token", "ci/.env", ["VAULT_ADDR=https://vault.acme.io", "VAULT_TOKEN={t}"],
     T.vault_service, 4),
    ("vault-batch-token", "deploy/values.yaml", ["vault:", "  token: {t}"], T.vault_batch, 4),
    ("terraform-cloud-token", "infra/.terraformrc",
     ['credentials "app.terraform.io" {', '  token = "{t}"', "}"], T.terraform, 23),
    ("pulumi-access-token", ".github/workflows/infra.yml",
     ["    env:", "      PULUMI_ACCESS_TOKEN: {t}"], T.pulumi, 4),
    ("doppler-token", "scripts/fetch.sh", ["doppler secrets download --token {t}"],
     T.doppler, 6),
    ("1password-secret-key", "docs/onboarding.md",
     ["Emergency kit for the ops vault:", "", "    {t}"], T.onepassword_secret_key, 3),
    ("1password-service-account-token", "k8s/op-connect.yaml",
     ["stringData:", "  OP_SERVICE_ACCOUNT_TOKEN: {t}"], T.onepassword_service_account, 4),
    ("age-secret-key", "secrets/keys.txt",
     ["# created: 2024-05-01T10:00:00Z",
      "# public key: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8"
      "zmrj2kg5sfn9aqmcac8p", "{t}"], T.age, 16),
    ("tailscale-key", "ansible/group_vars/all.yml", ["tailscale_authkey: {t}"], T.tailscale, 11),
    ("digitalocean-token", "infra/do.tf",
     ['provider "digitalocean" {', '  token = "{t}"', "}"], T.digitalocean, 7),
    ("cloudflare-origin-ca-key", "certs/issuer.yaml",
     ["spec:", "  originCAKey: {t}"], T.cloudflare_origin_ca, 5),
    ("heroku-api-key", "Procfile.env", ["HEROKU_API_KEY={t}"], T.heroku, 7),
    ("flyio-token", ".github/workflows/deploy.yml",
     ["      - run: flyctl deploy --remote-only", "        env:", "          FLY_API_TOKEN: {t}"],
     T.flyio, 4),
    ("flyio-token", "scripts/fly.sh", ['export FLY_API_TOKEN="FlyV1 {t}"'], T.flyio_macaroon, 4),
    ("databricks-token", "notebooks/etl.py",
     ['w = WorkspaceClient(host=HOST, token="{t}")'], T.databricks, 4),
    ("grafana-api-key", "monitoring/provision.go",
     ['req.Header.Set("Authorization", "Bearer {t}")'], T.grafana_legacy, 8),
    ("grafana-cloud-token", "alloy/config.alloy",
     ["prometheus.remote_write \"cloud\" {", '  basic_auth { password = "{t}" }', "}"],
     T.grafana_cloud, 4),
    ("grafana-service-account-token", "dashboards/sync.ts",
     ["const grafana = new GrafanaClient({ url, token: `{t}` });"], T.grafana_service_account, 5),
    ("new-relic-user-api-key", "newrelic/main.tf",
     ['provider "newrelic" {', '  api_key = "{t}"', "}"], T.new_relic_user, 5),
    ("new-relic-insert-key", "newrelic.yml", ["common: &default", "  license_key: {t}"],
     T.new_relic_insert, 5),
    ("sentry-org-token", ".sentryclirc", ["[auth]", "token={t}"], T.sentry_org, 7),
    ("sentry-user-token", "build/upload.kts",
     ['sentry { authToken.set("{t}") }'], T.sentry_user, 7),
    ("atlassian-api-token", "jira/client.kt",
     ['val jira = JiraClient(email = "ops@acme.io", apiToken = "{t}")'], T.atlassian, 6),
    ("linear-api-key", "tools/linear.go",
     ["var cfg = Config{", '\tLinearKey: "{t}",', "}"], T.linear, 8),
    ("postman-api-key", "postman/collection.json",
     ['{"key": "x-api-key", "value": "{t}", "type": "string"}'], T.postman, 5),
    ("huggingface-token", "train.py", ['login(token="{t}")'], T.huggingface, 3),
    ("gcp-oauth-client-secret", "web/client_secret.json",
     ['{"web": {"client_id": "1234.apps.googleusercontent.com", "client_secret": "{t}"}}'],
     T.google_oauth_secret, 7),
    ("rubygems-api-key", ".gem/credentials", ["---", ":rubygems_api_key: {t}"], T.rubygems, 9),
    ("supabase-access-token", "supabase/.env", ["SUPABASE_ACCESS_TOKEN={t}"], T.supabase, 4),
    ("square-access-token", "payments/App.config",
     ['<add key="SquareAccessToken" value="{t}" />'], T.square, 4),
    ("square-oauth-secret", "payments/oauth.rb",
     ["SQUARE = { app_id: 'sq0idp-abc', app_secret: '{t}' }"], T.square_oauth, 7),
    ("mailchimp-api-key", "newsletter/settings.py",
     ['MAILCHIMP = {"api_key": "{t}"}'], T.mailchimp, 0),
    ("twitter-bearer-token", "bots/x_client.py",
     ['client = tweepy.Client(bearer_token="{t}")'], T.twitter_bearer, 22),
    ("azure-ad-client-secret", "src/Acme.Web/appsettings.json",
     ['  "AzureAd": {', '    "ClientSecret": "{t}"', "  }"], T.azure_ad, 6),
    ("replicate-api-token", "gen/images.js",
     ["const replicate = new Replicate({ auth: '{t}' });"], T.replicate, 3),
    ("groq-api-key", "llm/groq.py", ['client = Groq(api_key="{t}")'], T.groq, 4),
    ("perplexity-api-key", "llm/search.ts",
     ['const pplx = new OpenAI({ apiKey: "{t}", baseURL });'], T.perplexity, 5),
]
IDS = [f"{c[0]}:{c[1]}" for c in CASES]


def _findings(path: str, lines: list[str]):
    return run(new_file(path, lines)).check("secrets").findings


@pytest.mark.parametrize(("rule", "path", "lines", "make", "head"), CASES, ids=IDS)
def test_rule_fires_on_its_documented_shape(rule: str, path: str, lines: list[str],
                                            make: Callable[[], str], head: int) -> None:
    token = make()
    findings = _findings(path, [line.replace("{t}", token) for line in lines])
    assert [f.rule for f in findings] == [rule], "wrong or missing rule"
    expected_line = next(i for i, line in enumerate(lines, 1) if "{t}" in line)
    assert (findings[0].line, findings[0].severity) == (expected_line, Severity.FAIL)
    assert token not in findings[0].message and token[head + 4:] not in findings[0].message


@pytest.mark.parametrize(("rule", "path", "lines", "make", "head"), CASES, ids=IDS)
def test_rule_is_quiet_on_docs_placeholders_and_wrong_lengths(
        rule: str, path: str, lines: list[str], make: Callable[[], str], head: int) -> None:
    token = make()
    body = token[head:]
    filler = "X" if any(c in body for c in "ghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ") else "0"
    placeholder = token[:head] + "".join(filler if c.isalnum() else c for c in body)
    truncated = token[:head + 12]
    for fake in (placeholder, truncated):
        found = [f.rule for f in _findings(path, [line.replace("{t}", fake) for line in lines])
                 if f.rule == rule]
        assert found == [], f"{rule} fired on a look-alike of length {len(fake)}"


@pytest.mark.parametrize(("rule", "path", "lines", "make", "head"), CASES, ids=IDS)
def test_no_filter_drops_a_random_token_of_the_rule(rule: str, path: str, lines: list[str],
                                                    make: Callable[[], str], head: int) -> None:
    tokens = [make() for _ in range(40)]
    text = [f'TOKEN_{i} = "{t}"' for i, t in enumerate(tokens)]
    findings = _findings("config/tokens.py", text)
    assert sum(f.rule == rule for f in findings) == len(tokens)


def test_a_wrong_prefix_alphabet_is_not_a_token() -> None:
    # `hf_` bodies are letters only and `NRAK-` bodies upper case: digits or lower case mean a
    # different identifier (a hash, a feature flag) that merely shares the prefix.
    hf = "hf_" + T.chars(33, "abcdefghijklmnop") + "7"
    nrak = "NRAK-" + T.chars(27, "abcdefghijklmnopqrstuvwxyz")
    assert _findings("app/ids.py", [f'A = "{hf}"', f'B = "{nrak}"']) == ()


def test_a_grafana_looking_base64_that_is_not_a_grafana_key_is_quiet() -> None:
    from tests.checks.secrets.tokens import b64json

    other = b64json({"kind": "dashboard", "title": "latency", "panels": list(range(20))})
    assert not other.startswith("eyJrIjoi")
    fake = "eyJrIjoi" + T.chars(80)  # the right head, but not base64 of a JSON object
    assert [f.rule for f in _findings("dash/export.py", [f'X = "{fake}"'])] != ["grafana-api-key"]


@pytest.mark.parametrize("mode", ["test", "live"])
def test_stripe_test_mode_keys_are_secrets(mode: str) -> None:
    # Test-mode keys open a real Stripe account's test data: the word is no placeholder here.
    key = f"sk_{mode}_" + T.chars(99)
    restricted = f"rk_{mode}_" + T.chars(99)
    findings = _findings("billing/stripe_test_config.py",
                         [f'STRIPE_TEST_KEY = "{key}"', f'RESTRICTED = "{restricted}"'])
    assert [(f.rule, f.severity) for f in findings] == [
        ("stripe-secret-key", Severity.FAIL), ("stripe-restricted-key", Severity.FAIL)]


def test_a_token_whose_random_part_spells_test_is_still_found() -> None:
    token = T.github_fine_grained()
    token = token[:20] + "test" + token[24:]
    assert [f.rule for f in _findings("ci/gh.py", [f'PAT = "{token}"'])] == [
        "github-fine-grained-pat"]


def test_shopify_tokens_of_every_kind_with_hex_and_base62_bodies() -> None:
    kinds = ("shpat_", "shpca_", "shppa_", "shpss_", "shpua_")
    lines = [f'{k.upper()}KEY = "{k}{T.chars(32, "0123456789abcdef")}"' for k in kinds]
    lines += [f'B62_{i} = "shpat_{T.chars(32)}"' for i in range(3)]
    assert [f.rule for f in _findings("shop/keys.py", lines)] == ["shopify-token"] * 8


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen not installed")
@pytest.mark.parametrize("kind", ["ed25519", "ecdsa", "rsa"])
def test_unencrypted_openssh_keys_from_ssh_keygen_are_found(kind: str, tmp_path: Path) -> None:
    # Every such key starts with the same header bytes and runs of `A` (zero bytes): neither
    # may be mistaken for a placeholder.
    key = tmp_path / "id"
    subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", "", "-f", str(key)],
                   check=True, capture_output=True)
    lines = key.read_text(encoding="ascii").splitlines()
    assert lines[0] == "-----BEGIN OPENSSH PRIVATE KEY-----"
    result = run(new_file("deploy/id_" + kind, lines)).check("secrets")
    assert result.status is Status.FAIL
    [finding] = result.findings
    assert (finding.rule, finding.line, finding.end_line) == ("private-key", 1, len(lines))
    assert all(body not in finding.message for body in lines[1:-1])


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen not installed")
def test_openssh_key_in_a_yaml_block_scalar_is_found(tmp_path: Path) -> None:
    key = tmp_path / "id"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", str(key)],
                   check=True, capture_output=True)
    body = key.read_text(encoding="ascii").splitlines()
    lines = ["deploy:", "  ssh_key: |", *("    " + line for line in body)]
    [finding] = _findings(".github/deploy.yml", lines)
    assert (finding.rule, finding.line) == ("private-key", 3)


def test_openssh_public_key_and_a_key_shaped_stub_are_quiet(tmp_path: Path) -> None:
    stub = ["-----BEGIN OPENSSH PRIVATE KEY-----", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
            "AAAAAAAAAAAAAAAAAAAAAAAAAA", "-----END OPENSSH PRIVATE KEY-----"]
    public = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + T.chars(43, "ABCDEFGHabcdefgh0123+/")
              + " deploy@ci"]
    assert _findings("docs/keys.md", stub + public) == ()


def test_age_key_with_a_wrong_checksum_is_a_notice_not_a_miss_or_a_failure() -> None:
    key = T.age()
    broken = key[:-1] + ("Q" if key[-1] != "Q" else "P")
    result = run(new_file("secrets/keys.txt", [key, broken])).check("secrets")
    assert [(f.line, f.rule, f.severity) for f in result.findings] == [
        (1, "age-secret-key", Severity.FAIL), (2, "age-secret-key", Severity.NOTICE)]
    assert "checksum does not match" in result.findings[1].message
    assert broken[16:] not in result.findings[1].message
    assert result.summary == ("1 secret on added lines in 1 file; 1 with a checksum that does "
                              "not match (notices).")


@pytest.mark.parametrize("key", ["message_bird_access_key", "messageBirdToken",
                                 "MESSAGE-BIRD-KEY"])
def test_a_provider_name_holding_a_label_word_still_names_a_secret(key: str) -> None:
    # `message` alone names UI text; inside the provider's name it says nothing.
    token = T.chars(25)
    findings = _findings("config/settings.py", [f'{key} = "{token}"'])
    assert [(f.rule, f.severity) for f in findings] == [("messagebird-api-key", Severity.FAIL)]


def test_a_provider_keyed_id_is_still_no_secret() -> None:
    # Removing the provider's name must not remove the word that says "not a secret".
    lines = [f'MESSAGE_BIRD_ORIGINATOR_ID = "{T.chars(25)}"',
             f'SQUARESPACE_SITE_ID = "{U.uuid4()}"', f'KUCOIN_ACCOUNT_ID = "{U.uuid4()}"']
    assert list(_findings("config/settings.py", lines)) == []


def test_go_typed_var_names_a_keyword_secret() -> None:
    token = U.uuid4()
    findings = _findings("cmd/deploy/main.go", [f'var kucoinSecret string = "{token}"'])
    assert [f.rule for f in findings] == ["kucoin-api-secret"]


@pytest.mark.parametrize("line", [
    'curl -H "Content-Type: application/json" -H "Accept: application/vnd.github+json" x',
    'curl -H "Authorization: Bearer $API_TOKEN" https://api.acme.io',
    'curl -H "Authorization: token ${{ secrets.GITHUB_TOKEN }}" https://api.github.com',
    'curl -H "X-Request-Id: 3fea6af1349166ea3fea77d1" https://api.acme.io',
    'curl -H "X-Api-Key: YOUR_API_KEY_HERE" https://api.acme.io',
    'curl -H "X-Api-Key: <your-api-key>" https://api.acme.io',
])
def test_command_line_headers_without_a_secret_are_quiet(line: str) -> None:
    assert list(_findings("scripts/call.sh", [line])) == []


def test_a_help_text_key_is_still_no_secret() -> None:
    # Only "clear text" / "plain text" lose the word "text": help and label text stay quiet.
    lines = [f'PASSWORD_HELP_TEXT = "{T.chars(20)}"', f'textPassword = "{T.chars(20)}"']
    assert list(_findings("config/settings.py", lines)) == []


def test_nuget_docs_example_passwords_are_quiet_and_a_real_one_is_not() -> None:
    # The values of learn.microsoft.com's nuget.config reference, copied into many configs.
    docs = [f'    <add key="ClearTextPassword" value="{v}" />' for v in ("33f!!lloppa",
                                                                      "hal+9ooo_da!sY")]
    assert list(_findings("NuGet.Config", docs)) == []
    real = [f'    <add key="ClearTextPassword" value="{T.chars(16)}" />']
    assert [f.rule for f in _findings("NuGet.Config", real)] == ["generic-secret"]


def test_a_quoted_password_holding_an_ampersand_pair_is_found() -> None:
    # `&HR6=2` inside quotes is part of the password, not a URL query's next parameter.
    password = f"{T.chars(6)}&{T.chars(3)}=2{T.chars(4)}"
    findings = _findings("app/settings.py", [f'db_password = "{password}"'])
    assert [f.rule for f in findings] == ["generic-secret"]


@pytest.mark.parametrize("form", ['--user "j.smith:{p}"', "-u ':{p}'", "--user kevin:'{p}'",
                                  "--user  'deploy:{p}'"])
def test_curl_user_in_quoted_forms_is_found(form: str) -> None:
    password = f"{T.chars(5)}@{T.chars(4)}#{T.chars(4)}"
    line = f"curl -s {form.format(p=password)} https://api.acme.io/user/me"
    assert [f.rule for f in _findings("scripts/me.sh", [line])] == ["generic-secret"]


@pytest.mark.parametrize("line", ['curl -u "$USER:$PASS" https://api.acme.io',
                                  'curl -u "admin:${ADMIN_PASSWORD}" https://api.acme.io',
                                  "curl -u user:pass@host.example.com https://api.acme.io"])
def test_curl_user_references_and_placeholders_are_quiet(line: str) -> None:
    assert list(_findings("scripts/me.sh", [line])) == []


def test_a_bare_yaml_password_holding_equals_is_not_read_as_a_type_annotation() -> None:
    password = f"{T.chars(6)}={T.chars(4)}@0"
    findings = _findings("deploy/values.yaml", ["app:", f"  db_password: {password}"])
    assert [(f.rule, f.line) for f in findings] == [("generic-secret", 2)]


@pytest.mark.parametrize("body", ["{r}klMnopqrstuvwx{r}", "{r}-1234fghijklmnop{r}",
                                  "SlackAppConfigurationAccessTokenHere", "RANDOMSTRINGHERE"])
def test_alphabet_runs_and_trailing_here_mark_a_made_up_token(body: str) -> None:
    token = "xoxe.xoxp-1-" + body.format(r=T.chars(12))
    assert [f.rule for f in _findings("config/slack.env", [f"SLACK_CONFIG={token}"])
            if f.severity != Severity.NOTICE] == []


def test_a_random_slack_config_token_is_still_found() -> None:
    token = "xoxe.xoxp-1-" + T.chars(140)
    found = _findings("config/slack.env", [f"SLACK_CONFIG={token}"])
    assert [f.rule for f in found] == ["slack-token"]


def test_ico_after_a_dot_is_a_file_extension_not_an_infracost_key() -> None:
    name = f"assets/video_box.ico-{T.chars(32, 'abcdef0123456789')}.png"
    assert list(_findings("web/index.html", [f'<link rel="icon" href="/{name}">'])) == []


def test_a_rails_authenticity_token_is_a_csrf_token() -> None:
    line = (f'<input type="hidden" name="authenticity_token" value="{T.chars(86, URLSAFE)}" '
            'autocomplete="off">')
    assert list(_findings("app/views/sessions/new.html", [line])) == []
