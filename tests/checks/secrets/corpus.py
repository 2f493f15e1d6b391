"""The project's corpus of realistic positives and negatives for the secrets check.

Each sample is one small added file: a credential (or a look-alike) in the place and syntax people
really put it. Tokens are synthetic (see tokens.py) and generated when the corpus is built, so
nothing here is a real credential. The bench scores detect-secrets on the same corpus.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from checks.secrets.catalog import PROVIDER_RULES
from tests.checks.secrets.tokens import B64, MoreTokens, Tokens, openssh_ed25519


@dataclass(frozen=True)
class Sample:
    """One added file; `positive` says whether it holds a real-looking credential."""

    path: str
    lines: tuple[str, ...]
    positive: bool
    label: str


def _nb(code: str) -> str:
    return "    " + json.dumps(code + "\n") + ","


# Where a value assigned to a key is written, per file type: (path, lines) from (key, value).
CONTEXTS: dict[str, Callable[[str, str], tuple[str, list[str]]]] = {
    "python": lambda k, v: ("app/settings.py", ["import logging", "", f'{k.upper()} = "{v}"',
                                                "LOG_LEVEL = logging.INFO"]),
    "python-kwarg": lambda k, v: ("jobs/sync.py", ["def client():",
                                                   f'    return Client({k.lower()}="{v}", '
                                                   'timeout=30)']),
    "javascript": lambda k, v: ("src/config.js", [f"const {_camel(k)} = '{v}';",
                                                  "module.exports = { " + _camel(k) + " };"]),
    "typescript": lambda k, v: ("src/api/client.ts", ["export const config = {",
                                                      "  baseUrl: 'https://api.acme.io',",
                                                      f'  {_camel(k)}: "{v}",', "};"]),
    "go": lambda k, v: ("internal/notify/notify.go", ["package notify", "",
                                                      f'const {_camel(k)} = "{v}"']),
    "java": lambda k, v: ("src/main/java/com/acme/Config.java", [
        "public class Config {", f'    private static final String {k.upper()} = "{v}";', "}"]),
    "yaml": lambda k, v: ("deploy/values.yaml", ["app:", "  replicas: 2",
                                                 f"  {k.lower()}: {v}"]),
    "json": lambda k, v: ("config/production.json", ["{", '  "region": "eu-west-1",',
                                                     f'  "{_camel(k)}": "{v}"', "}"]),
    "dotenv": lambda k, v: (".env", ["NODE_ENV=production", f"{k.upper()}={v}"]),
    "terraform": lambda k, v: ("infra/main.tf", ['resource "acme_service" "api" {',
                                                 '  name = "api"', f'  {k.lower()} = "{v}"',
                                                 "}"]),
    "dockerfile": lambda k, v: ("Dockerfile", ["FROM python:3.12-slim",
                                               f"ENV {k.upper()}={v}", 'CMD ["python", "-m", '
                                               '"app"]']),
    "shell": lambda k, v: ("scripts/deploy.sh", ["#!/usr/bin/env bash", "set -euo pipefail",
                                                 f'export {k.upper()}="{v}"']),
    "markdown": lambda k, v: ("docs/setup.md", ["## Configure", "", "```bash",
                                                f"export {k.upper()}={v}", "```"]),
    "notebook": lambda k, v: ("notebooks/explore.ipynb", ['   "source": [',
                                                          _nb("import requests"),
                                                          _nb(f'{k.lower()} = "{v}"'), "   ]"]),
    "properties": lambda k, v: ("src/main/resources/application.properties", [
        "server.port=8080", f"app.{k.lower().replace('_', '-')}={v}"]),
}


def _camel(key: str) -> str:
    head, *rest = key.lower().split("_")
    return head + "".join(word.capitalize() for word in rest)


def _provider_samples(t: Tokens) -> list[Sample]:
    makers: list[tuple[str, str, Callable[[], str]]] = [
        ("github-pat", "GITHUB_TOKEN", t.github),
        ("github-oauth-token", "GH_OAUTH_TOKEN", lambda: t.github("gho_")),
        ("github-app-token", "INSTALLATION_TOKEN", lambda: t.github("ghs_")),
        ("github-fine-grained-pat", "GH_PAT", t.github_fine_grained),
        ("gitlab-pat", "GITLAB_TOKEN", t.gitlab),
        ("gitlab-token", "RUNNER_TOKEN", t.gitlab_runner),
        ("aws-access-key-id", "AWS_ACCESS_KEY_ID", t.aws_key_id),
        ("google-api-key", "MAPS_API_KEY", t.google_api_key),
        ("slack-token", "SLACK_BOT_TOKEN", t.slack_bot),
        ("slack-webhook-url", "SLACK_WEBHOOK_URL", t.slack_webhook),
        ("stripe-secret-key", "STRIPE_SECRET_KEY", t.stripe),
        ("stripe-restricted-key", "STRIPE_KEY", lambda: t.stripe("rk")),
        ("stripe-webhook-secret", "STRIPE_WEBHOOK_SECRET", t.stripe_webhook),
        ("twilio-api-key", "TWILIO_API_KEY", t.twilio),
        ("sendgrid-api-key", "SENDGRID_API_KEY", t.sendgrid),
        ("mailgun-api-key", "MAILGUN_API_KEY", t.mailgun),
        ("npm-token", "NPM_TOKEN", t.npm),
        ("pypi-token", "PYPI_TOKEN", t.pypi),
        ("openai-api-key", "OPENAI_API_KEY", t.openai),
        ("anthropic-api-key", "ANTHROPIC_API_KEY", t.anthropic),
        ("discord-bot-token", "DISCORD_TOKEN", t.discord),
        ("telegram-bot-token", "TELEGRAM_BOT_TOKEN", t.telegram),
        ("shopify-token", "SHOPIFY_ACCESS_TOKEN", t.shopify),
        ("jwt", "SERVICE_JWT", t.jwt),
    ]
    # Provider tokens also sit under keys that do not say "secret" at all.
    neutral_keys = ("DEFAULT_CLIENT", "UPSTREAM", "CONN")
    samples = []
    for index, (rule, key, make) in enumerate(makers):
        for n, context in enumerate(CONTEXTS):
            if (index + n) % 3:  # every token in a third of the contexts, rotating
                continue
            use_key = neutral_keys[n % 3] if n % 2 else key
            path, lines = CONTEXTS[context](use_key, make())
            samples.append(Sample(f"{rule}/{context}/{path}", tuple(lines), True, rule))
    return samples


def _placed_samples(t: Tokens) -> list[Sample]:
    """Credentials that do not sit in a key = value assignment."""
    key_id, secret = t.aws_key_id(), t.aws_secret()
    body = t.pem_body()
    return [
        Sample("pem/deploy/id_rsa", ("-----BEGIN RSA PRIVATE KEY-----", *body,
                                     "-----END RSA PRIVATE KEY-----"), True, "private-key"),
        Sample("pem/keys/deploy_key", ("-----BEGIN OPENSSH PRIVATE KEY-----", *t.pem_body(6),
                                       "-----END OPENSSH PRIVATE KEY-----"), True, "private-key"),
        Sample("pem/k8s/secret.yaml", ("stringData:", "  tls.key: |",
                                       "    -----BEGIN PRIVATE KEY-----",
                                       *("    " + b for b in t.pem_body(8)),
                                       "    -----END PRIVATE KEY-----"), True, "private-key"),
        Sample("pem/src/keys.py", ('SIGNING_KEY = """-----BEGIN EC PRIVATE KEY-----',
                                   *t.pem_body(3), '-----END EC PRIVATE KEY-----"""'),
               True, "private-key"),
        Sample("pem/.env", ('JWT_PRIVATE_KEY="-----BEGIN PRIVATE KEY-----\\n'
                            + "\\n".join(t.pem_body(5)) + '\\n-----END PRIVATE KEY-----"',),
               True, "private-key"),
        Sample("gcp/credentials/sa.json", (
            "{", '  "type": "service_account",', '  "project_id": "acme-prod",',
            f'  "private_key_id": "{t.sha()}",',
            '  "private_key": "-----BEGIN PRIVATE KEY-----\\n' + "\\n".join(t.pem_body(6))
            + '\\n-----END PRIVATE KEY-----\\n",',
            '  "client_email": "deployer@acme-prod.iam.gserviceaccount.com"', "}"),
            True, "gcp-service-account"),
        Sample("aws/.aws/credentials", ("[default]", f"aws_access_key_id = {key_id}",
                                        f"aws_secret_access_key = {secret}"), True,
               "aws-secret-access-key"),
        Sample("aws/scripts/upload.py", (
            "s3 = boto3.client(", '    "s3",', f'    "{t.aws_key_id()}",',
            f'    "{t.aws_secret()}",', ")"), True, "aws-secret-access-key"),
        Sample("azure/appsettings.json", (
            '  "ConnectionStrings": {',
            f'    "Storage": "DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey='
            f'{t.azure_account_key()};EndpointSuffix=core.windows.net"', "  }"),
            True, "azure-storage-connection-string"),
        Sample("azure/src/upload.ts", (
            "const url =", f"  `https://acmeprod.blob.core.windows.net/exports?"
            f"{t.azure_sas_query()}`;"), True, "azure-sas-token"),
        Sample("url/docker-compose.prod.yml", (
            "  worker:", "    environment:",
            f"      DATABASE_URL: postgres://app:{t.password()}@db.prod.acme.io:5432/app"),
            True, "url-credentials"),
        Sample("url/src/db.go", (f'var dsn = "mongodb+srv://reporting:{t.chars(18)}@cluster0'
                                 '.x1abc.mongodb.net/reports?retryWrites=true"',),
               True, "url-credentials"),
        Sample("url/settings.py", (f'CELERY_BROKER_URL = "amqp://celery:{t.chars(16)}@mq.acme.io'
                                   ':5672/prod"',), True, "url-credentials"),
        Sample("url/config/cache.rb", (f'REDIS_URL = "redis://:{t.chars(24)}@cache.acme.io:6379'
                                       '/0"',), True, "url-credentials"),
        Sample("url/.github/workflows/sync.yml", (
            "      - run: git push https://x-access-token:" + t.github("ghs_")
            + "@github.com/acme/site.git HEAD:main",), True, "github-app-token"),
        Sample("header/scripts/call.sh", (
            'curl -H "Authorization: Bearer ' + t.github() + '" https://api.github.com/user',),
            True, "github-pat"),
        Sample("header/src/http.js", (
            "fetch(url, { headers: { Authorization: `Bearer " + t.openai() + "` } });",),
            True, "openai-api-key"),
        Sample("jwt/tests/fixtures/session.json", (f'  "access_token": "{t.jwt()}",',),
               True, "jwt"),
        Sample("npmrc/.npmrc", (f"//registry.npmjs.org/:_authToken={t.npm()}",), True,
               "npm-token"),
        Sample("pypirc/.pypirc", ("[pypi]", "username = __token__", f"password = {t.pypi()}"),
               True, "pypi-token"),
        Sample("slack/notify.py", (f'requests.post("{t.slack_webhook()}", json=payload)',),
               True, "slack-webhook-url"),
        Sample("discord/bot.py", (f"client.run('{t.discord()}')",), True, "discord-bot-token"),
    ]


_GENERIC_KEYS = ("password", "db_password", "api_key", "client_secret", "auth_token",
                 "secret_key", "webhook_secret", "access_token", "encryption_key",
                 "smtp_password", "jwt_secret", "private_token")


def _generic_samples(t: Tokens) -> list[Sample]:
    values: list[Callable[[], str]] = [t.password, t.human_password, t.hex_secret,
                                       t.base64_secret, lambda: t.chars(32),
                                       lambda: t.hex_secret(32)]
    samples = []
    for n, context in enumerate(CONTEXTS):
        for m, make in enumerate(values):
            key = _GENERIC_KEYS[(n + m) % len(_GENERIC_KEYS)]
            path, lines = CONTEXTS[context](key, make())
            samples.append(Sample(f"generic/{context}/{m}/{path}", tuple(lines), True,
                                  "generic-secret"))
    return samples


def _negative_values(t: Tokens) -> list[tuple[str, str]]:
    """(key, value) pairs under secret-named keys that are not credentials."""
    return [
        ("password", "<your-password>"), ("api_key", "YOUR_API_KEY_HERE"), ("password", "changeme"),
        ("secret_key", "xxxxxxxxxxxxxxxxxxxx"), ("token", "${GITHUB_TOKEN}"),
        ("token", "{{ secrets.DEPLOY_TOKEN }}"), ("password", "{{ .Values.db.password }}"),
        ("api_key", "%(api_key)s"), ("password", "********"), ("client_secret", "REPLACE_ME"),
        ("password", ""), ("api_key", "test-api-key"), ("token", "fake-token-for-tests"),
        ("password", "dummy_password_123"), ("secret", "not-a-real-secret"),
        ("password", "password123"), ("password", "Password"), ("token", "Bearer"),
        ("secret_name", "acme-prod-db-credentials"), ("password_reset_url", "/accounts/reset/"),
        ("token_type", "bearer"), ("password_field", "input[name=password]"),
        ("api_key_header", "X-Api-Key"), ("token_url", "https://oauth2.googleapis.com/token"),
        ("secret_ref", "projects/acme/secrets/db-password/versions/latest"),
        ("password_hash", "$2b$12$" + t.chars(53, "./" + "ABCDEFGHIJabcdefghij0123456789")),
        ("password", "Enter your password"), ("token", "abc123"), ("password", "12345678"),
        ("api_key", t.uuid()), ("max_tokens", "4096"), ("secret", "my-app-secret"),
        ("password_min_length", "12"), ("token_expires_in", "3600"),
        ("secret_arn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf"),
        ("access_key", "AKIAIOSFODNN7EXAMPLE"),
        ("secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ("public_key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + t.chars(43, "ABCDEFabcdef123")),
        ("credentials_file", "~/.config/gcloud/application_default_credentials.json"),
        ("token", "process.env.API_TOKEN"), ("password", "%DB_PASSWORD%"),
        ("secret_key_base", "<%= ENV['SECRET_KEY_BASE'] %>"), ("password", "null"),
        ("stripe_publishable_key", "pk_live_" + t.chars(24)), ("csrf_token", t.chars(32)),
        ("next_page_token", t.chars(40)), ("password", "P@ssw0rd"),
    ]


def _negative_lines(t: Tokens) -> list[tuple[str, tuple[str, ...]]]:
    """Whole added files that look like secrets to a naive scanner but are not."""
    sha = t.sha()
    return [
        ("requirements.txt", ("requests==2.32.3 \\", f"    --hash=sha256:{t.sha(64)} \\",
                              f"    --hash=sha256:{t.sha(64)}")),
        (".github/workflows/ci.yml", (f"      - uses: actions/checkout@{sha} # v4.1.1",
                                      "        env:",
                                      "          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}")),
        ("src/app.py", ("import os", 'API_KEY = os.environ["API_KEY"]',
                        'DB_PASSWORD = os.getenv("DB_PASSWORD", "")')),
        ("src/client.ts", ("const token = process.env.GITHUB_TOKEN ?? '';",
                           "const apiKey = config.get('stripe.secretKey');")),
        ("k8s/deployment.yaml", ("        env:", "          - name: DB_PASSWORD",
                                 "            valueFrom:", "              secretKeyRef:",
                                 "                name: db-credentials",
                                 "                key: password")),
        (".env.example", ("DATABASE_URL=", "STRIPE_SECRET_KEY=", "GITHUB_TOKEN=",
                          "SENTRY_DSN=")),
        ("web/static/img.css", (".logo { background: url(data:image/png;base64,"
                                + t.chars(400, B64) + "=); }",)),
        ("certs/ca.pem", ("-----BEGIN CERTIFICATE-----", *t.pem_body(8),
                          "-----END CERTIFICATE-----")),
        ("keys/deploy.pub", ("-----BEGIN PUBLIC KEY-----", *t.pem_body(4),
                             "-----END PUBLIC KEY-----")),
        ("docs/auth.md", ("Create a token and export it:", "```bash",
                          "export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "```")),
        ("docs/aws.md", ("```ini", "[default]", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
                         "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                         "```")),
        ("docker-compose.yml", ("    environment:",
                                "      DATABASE_URL: postgres://postgres:postgres@db:5432/app",
                                "      AMQP_URL: amqp://guest:guest@rabbitmq:5672/")),
        ("tests/test_auth.py", (f'GHP_BAD = "{t.github_bad_checksum()}"',
                                'TOKEN = "ghp_1234567890abcdefghijklmnopqrstuvwxyz"')),
        ("src/ids.py", (f'REQUEST_ID = "{t.uuid()}"', f'COMMIT = "{t.sha()}"',
                        f'BUILD_DIGEST = "sha256:{t.sha(64)}"')),
        ("locales/en.json", ('  "password": "Password",', '  "password_hint": "At least 12 '
                             'characters",', '  "token_expired": "Your session expired"')),
        ("src/auth/forms.py", ('    password = forms.CharField(widget=forms.PasswordInput)',
                               '    if password == confirm_password:',
                               '        token = generate_token(user)')),
        ("package.json", ('    "integrity": "sha512-' + t.chars(86, "ABCDEFabcdef0123456789+/")
                          + '==",',)),
        ("src/jwt_test.go", (f'const anonKey = "{t.jwt({"role": "anon", "iss": "supabase"})}"',
                             f'const unsigned = "{t.jwt(alg="none")}"')),
        ("README.md", ("Connect with `psql postgres://user:password@localhost:5432/db`.",
                       "See https://user:pass@example.com for the format.")),
        ("src/tokenizer.py", ('tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")',
                              'TOKEN_PATTERN = r"[A-Za-z_][A-Za-z0-9_]*"')),
        ("infra/variables.tf", ('variable "db_password" {', "  type      = string",
                                "  sensitive = true", "}", "  password = var.db_password")),
        ("scripts/run.sh", ('export DB_PASSWORD="$(vault kv get -field=password secret/db)"',
                            'TOKEN=$(gh auth token)')),
        ("src/main/resources/application.yml", ("spring:", "  datasource:",
                                                "    password: ${DB_PASSWORD}",
                                                "    username: ${DB_USER:app}")),
        ("Dockerfile", ("ARG NPM_TOKEN", "RUN --mount=type=secret,id=npm_token npm ci",
                        "ENV API_KEY=")),
        ("notebooks/eda.ipynb", ('   "source": [', _nb("import os"),
                                 _nb('api_key = os.environ["OPENAI_API_KEY"]'), "   ]")),
        ("slack/docs.md", ("Webhook URL: https://hooks.slack.com/services/T00000000/B00000000/"
                           "XXXXXXXXXXXXXXXXXXXXXXXX",)),
        ("src/crypto.py", ('HASH = hashlib.sha1(b"payload").hexdigest()',
                           f'EXPECTED = "{t.sha()}"')),
    ]


def _round_two_samples(t: MoreTokens) -> list[Sample]:
    """Round-two provider tokens in four contexts each, OpenSSH keys, and their look-alikes."""
    makers: list[tuple[str, str, Callable[[], str]]] = [
        ("vault-service-token", "VAULT_TOKEN", t.vault_service),
        ("vault-batch-token", "VAULT_BATCH_TOKEN", t.vault_batch),
        ("terraform-cloud-token", "TFE_TOKEN", t.terraform),
        ("pulumi-access-token", "PULUMI_ACCESS_TOKEN", t.pulumi),
        ("doppler-token", "DOPPLER_TOKEN", t.doppler),
        ("1password-secret-key", "OP_SECRET_KEY", t.onepassword_secret_key),
        ("1password-service-account-token", "OP_SERVICE_ACCOUNT_TOKEN",
         t.onepassword_service_account),
        ("age-secret-key", "SOPS_AGE_KEY", t.age),
        ("tailscale-key", "TS_AUTHKEY", t.tailscale),
        ("digitalocean-token", "DIGITALOCEAN_TOKEN", t.digitalocean),
        ("cloudflare-origin-ca-key", "CF_ORIGIN_CA_KEY", t.cloudflare_origin_ca),
        ("heroku-api-key", "HEROKU_API_KEY", t.heroku),
        ("flyio-token", "FLY_API_TOKEN", t.flyio),
        ("databricks-token", "DATABRICKS_TOKEN", t.databricks),
        ("grafana-api-key", "GRAFANA_API_KEY", t.grafana_legacy),
        ("grafana-cloud-token", "GRAFANA_CLOUD_TOKEN", t.grafana_cloud),
        ("grafana-service-account-token", "GRAFANA_SA_TOKEN", t.grafana_service_account),
        ("new-relic-user-api-key", "NEW_RELIC_API_KEY", t.new_relic_user),
        ("new-relic-insert-key", "NEW_RELIC_LICENSE_KEY", t.new_relic_insert),
        ("sentry-org-token", "SENTRY_AUTH_TOKEN", t.sentry_org),
        ("sentry-user-token", "SENTRY_TOKEN", t.sentry_user),
        ("atlassian-api-token", "JIRA_API_TOKEN", t.atlassian),
        ("linear-api-key", "LINEAR_API_KEY", t.linear),
        ("postman-api-key", "POSTMAN_API_KEY", t.postman),
        ("huggingface-token", "HF_TOKEN", t.huggingface),
        ("gcp-oauth-client-secret", "GOOGLE_CLIENT_SECRET", t.google_oauth_secret),
        ("rubygems-api-key", "GEM_HOST_API_KEY", t.rubygems),
        ("supabase-access-token", "SUPABASE_ACCESS_TOKEN", t.supabase),
        ("square-access-token", "SQUARE_ACCESS_TOKEN", t.square),
        ("square-oauth-secret", "SQUARE_APP_SECRET", t.square_oauth),
        ("mailchimp-api-key", "MAILCHIMP_API_KEY", t.mailchimp),
        ("twitter-bearer-token", "TWITTER_BEARER_TOKEN", t.twitter_bearer),
        ("azure-ad-client-secret", "AZURE_CLIENT_SECRET", t.azure_ad),
        ("replicate-api-token", "REPLICATE_API_TOKEN", t.replicate),
        ("groq-api-key", "GROQ_API_KEY", t.groq),
        ("perplexity-api-key", "PPLX_API_KEY", t.perplexity),
    ]
    contexts = list(CONTEXTS)
    samples = []
    for index, (rule, key, make) in enumerate(makers):
        for n in range(4):
            context = contexts[(index * 4 + n) % len(contexts)]
            use_key = ("UPSTREAM", "CONN")[n % 2] if n >= 2 else key  # keys that say nothing
            path, lines = CONTEXTS[context](use_key, make())
            samples.append(Sample(f"r2/{rule}/{context}/{path}", tuple(lines), True, rule))
        # The provider's docs example: the right head with the body replaced by `X`s.
        token = make()
        prefix = next(r.prefix for r in PROVIDER_RULES if r.id == rule)
        match = re.match(prefix, token) if prefix else None
        head = match.end() if match else 0
        fake = token[:head] + "".join("X" if c.isalnum() else c for c in token[head:])
        path, lines = CONTEXTS[contexts[index % len(contexts)]](key, fake)
        samples.append(Sample(f"neg/r2/{rule}/{path}", tuple(lines), False, rule))
    for n, comment in enumerate(("deploy@ci", "", "root@build-7f3a")):
        samples.append(Sample(f"pem/r2/{n}/.ssh/id_ed25519",
                              tuple(openssh_ed25519(t.rng, comment)), True, "private-key"))
    return samples


def build_corpus(seed: int = 5) -> list[Sample]:
    """All samples, positives and negatives, made fresh from `seed`."""
    t = MoreTokens(seed)
    samples = _provider_samples(t) + _placed_samples(t) + _generic_samples(t)
    for n, (key, value) in enumerate(_negative_values(t)):
        context = list(CONTEXTS)[n % len(CONTEXTS)]
        path, lines = CONTEXTS[context](key, value)
        samples.append(Sample(f"neg/{context}/{n}/{path}", tuple(lines), False, key))
    for n, (path, lines) in enumerate(_negative_lines(t)):
        samples.append(Sample(f"neg/files/{n}/{path}", lines, False, path))
    return samples + _round_two_samples(t)


def to_diff(samples: list[Sample]) -> str:
    """The corpus as one `git diff` of new files, one file per sample."""
    out = []
    for sample in samples:
        out += [f"diff --git a/{sample.path} b/{sample.path}", "new file mode 100644",
                "index 0000000..1111111", "--- /dev/null", f"+++ b/{sample.path}",
                f"@@ -0,0 +1,{len(sample.lines)} @@", *("+" + line for line in sample.lines)]
    return "\n".join(out) + "\n"


def score(samples: list[Sample], flagged: set[str]) -> tuple[float, float, list[str], list[str]]:
    """Precision, recall, missed positives and false alarms, given the flagged paths."""
    tp = [s for s in samples if s.positive and s.path in flagged]
    fp = [s.path for s in samples if not s.positive and s.path in flagged]
    fn = [s.path for s in samples if s.positive and s.path not in flagged]
    precision = len(tp) / (len(tp) + len(fp)) if tp or fp else 1.0
    recall = len(tp) / (len(tp) + len(fn)) if tp or fn else 1.0
    return precision, recall, fn, fp
