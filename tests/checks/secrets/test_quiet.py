"""Things that look like secrets but are not stay quiet (no finding at all, status pass)."""

from __future__ import annotations

import json

import pytest

from checks.model import Status
from tests.checks.secrets.diffs import new_file, run
from tests.checks.secrets.tokens import B64, Tokens

T = Tokens(seed=44)
AWS_DOC_ID = "AKIA" + "IOSFODNN7EXAMPLE"
AWS_DOC_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
JWT_IO = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4g"
          "RG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ." "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
AZURITE = ("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/"
           "K1SZFPTOtr/KBHBeksoGMGw==")

QUIET: list[tuple[str, str, list[str]]] = [
    ("placeholders", "config/settings.yaml",
     ["github:", "  token: <your-token>", "  webhook_secret: changeme",
      "  client_secret: xxxxxxxxxxxxxxxxxxxxxxxx", "  api_key: YOUR_API_KEY_HERE",
      "  password: '********'"]),
    ("env and templating references", ".github/workflows/deploy.yml",
     ["    env:", "      GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
      "      NPM_TOKEN: ${NPM_TOKEN}", "      DB_PASSWORD: '{{ .Values.db.password }}'",
      "      API_KEY: $API_KEY"]),
    ("os.environ and process.env", "src/settings.py",
     ["import os", 'SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]',
      'API_TOKEN = os.getenv("API_TOKEN", "")', "password = settings.DATABASE_PASSWORD"]),
    ("process.env in TypeScript", "src/env.ts",
     ["export const token = process.env.GITHUB_TOKEN!;",
      "export const apiKey: string = process.env.STRIPE_KEY ?? '';"]),
    ("empty values in .env.example", ".env.example",
     ["DATABASE_URL=", "STRIPE_SECRET_KEY=", "GITHUB_TOKEN=", "SESSION_SECRET="]),
    ("AWS documented example keys", "docs/aws.md",
     ["```ini", "[default]", f"aws_access_key_id = {AWS_DOC_ID}",
      f"aws_secret_access_key = {AWS_DOC_SECRET}", "```"]),
    ("jwt.io sample token", "docs/api.md",
     ["Send the token in a header:", "", f"    Authorization: Bearer {JWT_IO}"]),
    ("Azurite development storage key", "docker-compose.override.yml",
     ["      AZURE_STORAGE: DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
      f"AccountKey={AZURITE};BlobEndpoint=http://azurite:10000/devstoreaccount1;"]),
    ("requirements hashes", "requirements.txt",
     ["django==5.0.6 \\", f"    --hash=sha256:{T.sha(64)} \\", f"    --hash=sha256:{T.sha(64)}"]),
    ("git SHAs", ".github/workflows/ci.yml",
     [f"      - uses: actions/checkout@{T.sha()} # v4", f"      - uses: actions/setup-python@"
      f"{T.sha()}", f"        ref: {T.sha()}"]),
    ("UUIDs under secret-named keys", "config/tenants.json",
     ["{", f'  "tenant_id": "{T.uuid()}",', f'  "api_key": "{T.uuid()}"', "}"]),
    ("data URIs", "web/src/icons.css",
     [".icon { background-image: url(\"data:image/png;base64,"
      + T.chars(600, B64) + "\"); }"]),
    ("public keys and certificates", "certs/bundle.pem",
     ["-----BEGIN CERTIFICATE-----", *T.pem_body(10), "-----END CERTIFICATE-----",
      "-----BEGIN PUBLIC KEY-----", *T.pem_body(4), "-----END PUBLIC KEY-----"]),
    ("ssh public key", "deploy/authorized_keys",
     ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + T.chars(43) + " deploy@ci"]),
    ("secretKeyRef", "k8s/deployment.yaml",
     ["        env:", "          - name: DB_PASSWORD", "            valueFrom:",
      "              secretKeyRef:", "                name: api-db-credentials",
      "                key: password", "          - name: TOKEN_SECRET_NAME",
      "            value: api-token-secret"]),
    ("obviously fake test values", "tests/test_login.py",
     ['def test_login(client):', '    resp = client.post("/login", data={"username": "alice",',
      '                       "password": "test-password-123"})',
      '    token = "fake-token-for-tests"', '    api_key = "dummy_api_key_0000"']),
    ("made-up provider-shaped tokens", "tests/github_test.go",
     ['const tok = "ghp_' + "x" * 36 + '"',
      'const pat = "ghp_' + "1234567890abcdefghijklmnopqrstuvwxyz" + '"',
      'const sk = "sk_live_' + "X" * 24 + '"']),
    ("UI strings and labels", "locales/en.json",
     ["{", '  "password": "Password",', '  "password_placeholder": "Enter your password",',
      '  "token_expired": "Your session token expired"', "}"]),
    ("comparisons and calls, not assignments", "src/auth/views.py",
     ["if password == confirm_password:", "    token = make_token(user)",
      '    assert token != ""']),
    ("non-secret keys that contain a secret word", "config/auth.yaml",
     ["auth:", "  token_url: https://oauth2.googleapis.com/token", "  token_type: bearer",
      "  password_min_length: 12", "  secret_name: prod-db-credentials",
      "  api_key_header: X-Api-Key", "  max_tokens: 4096"]),
    ("bcrypt hash under password_hash", "db/seeds.rb",
     ["User.create!(email: 'admin@acme.io',",
      "             password_hash: '$2b$12$" + T.chars(53, "./ABCDEFabcdef0123456789") + "')"]),
    ("dev-only database URLs", "docker-compose.yml",
     ["    environment:", "      DATABASE_URL: postgres://postgres:postgres@db:5432/app",
      "      AMQP_URL: amqp://guest:guest@rabbitmq:5672/",
      "      REDIS_URL: redis://:${REDIS_PASSWORD}@redis:6379/0"]),
    ("URL examples in docs", "README.md",
     ["Set `DATABASE_URL=postgres://user:password@localhost:5432/app`.",
      "Basic auth works too: https://user:pass@example.com/feed"]),
    ("Supabase anon key (public by design)", "web/src/supabase.ts",
     [f"const supabaseAnonKey = '{T.jwt({'role': 'anon', 'iss': 'supabase'})}';"]),
    ("Stripe publishable key", "web/src/checkout.js",
     [f"const stripe = Stripe('pk_live_{T.chars(24)}');"]),
    ("Terraform variables", "infra/db.tf",
     ['resource "aws_db_instance" "main" {', "  password = var.db_password",
      '  username = "app"', "}"]),
    ("Dockerfile build secrets", "Dockerfile",
     ["FROM python:3.12", "ARG PIP_TOKEN", "RUN --mount=type=secret,id=pip_token pip install .",
      "ENV API_KEY="]),
    ("shell command substitution", "scripts/release.sh",
     ['export GH_TOKEN="$(gh auth token)"', "PASSWORD=$(vault kv get -field=pw secret/db)"]),
    ("notebook reading the environment", "notebooks/explore.ipynb",
     ['   "source": [', "    " + json.dumps("import os\n") + ",",
      "    " + json.dumps('openai_key = os.environ["OPENAI_API_KEY"]\n'), "   ]"]),
    ("Slack doc placeholder webhook", "docs/alerts.md",
     ["Paste a URL like https://hooks.slack.com/services/T00000000/B00000000/"
      "XXXXXXXXXXXXXXXXXXXXXXXX into the form."]),
]


@pytest.mark.parametrize(("case", "path", "lines"), QUIET, ids=[c[0] for c in QUIET])
def test_quiet(case: str, path: str, lines: list[str]) -> None:
    result = run(new_file(path, lines)).check("secrets")
    assert [(f.rule, f.line) for f in result.findings] == [], case
    assert result.status is Status.PASS
