"""Each provider rule fires on its token's documented shape, in the file types people use."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checks.model import Severity, Status
from checks.secrets import RULE_IDS
from tests.checks.secrets.diffs import new_file, run
from tests.checks.secrets.tokens import Tokens

T = Tokens(seed=21)

# (rule, path, lines around the token, token maker); `{t}` is where the token goes.
CASES: list[tuple[str, str, list[str], Callable[[], str]]] = [
    ("github-pat", "scripts/release.py",
     ["import requests", "", 'GITHUB_TOKEN = "{t}"',
      'requests.get(API, headers={"Authorization": f"token {GITHUB_TOKEN}"})'], T.github),
    ("github-fine-grained-pat", ".github/workflows/mirror.yml",
     ["      - run: ./mirror.sh", "        env:", "          MIRROR_PAT: {t}"],
     T.github_fine_grained),
    ("github-oauth-token", "src/github/client.ts",
     ["const octokit = new Octokit({", "  auth: '{t}',", "});"], lambda: T.github("gho_")),
    ("github-app-token", "ci/clone.sh",
     ["#!/bin/sh", "git clone https://x-access-token:{t}@github.com/acme/infra.git"],
     lambda: T.github("ghs_")),
    ("github-refresh-token", "config/github.json",
     ["{", '  "refresh_token": "{t}"', "}"], lambda: T.github("ghr_")),
    ("gitlab-pat", ".gitlab-ci.yml",
     ["deploy:", "  script:", "    - curl --header \"PRIVATE-TOKEN: {t}\" $API/projects"],
     T.gitlab),
    ("gitlab-token", "deploy/runner/config.toml",
     ["[[runners]]", '  name = "docker"', '  token = "{t}"'], T.gitlab_runner),
    ("aws-access-key-id", "infra/providers.tf",
     ['provider "aws" {', '  region     = "eu-west-1"', '  access_key = "{t}"', "}"],
     T.aws_key_id),
    ("google-api-key", "web/src/maps.js",
     ["const map = new google.maps.Map(el, {", "  zoom: 8,",
      "});", "loader.load({ key: '{t}' });"], T.google_api_key),
    ("slack-token", "bots/alerts.go",
     ["package bots", "", 'var client = slack.New("{t}")'], T.slack_bot),
    ("slack-webhook-url", "monitoring/alertmanager.yml",
     ["receivers:", "  - name: ops", "    slack_configs:", "      - api_url: {t}"],
     T.slack_webhook),
    ("stripe-secret-key", "billing/settings.py",
     ["import stripe", "", 'stripe.api_key = "{t}"'], T.stripe),
    ("stripe-restricted-key", "billing/Config.java",
     ["class Config {", '    static final String STRIPE = "{t}";', "}"], lambda: T.stripe("rk")),
    ("stripe-webhook-secret", ".env.production",
     ["NODE_ENV=production", "STRIPE_WEBHOOK_SIGNING={t}"], T.stripe_webhook),
    ("twilio-api-key", "notify/sms.rb",
     ["client = Twilio::REST::Client.new(", "  '{t}',", "  ENV['TWILIO_SECRET'])"], T.twilio),
    ("sendgrid-api-key", "mailer/send.py",
     ['sg = SendGridAPIClient("{t}")'], T.sendgrid),
    ("mailgun-api-key", "mailer/mailgun.php",
     ["<?php", "$mg = Mailgun::create('{t}');"], T.mailgun),
    ("npm-token", ".npmrc",
     ["registry=https://registry.npmjs.org/", "//registry.npmjs.org/:_authToken={t}"], T.npm),
    ("pypi-token", ".github/workflows/publish.yml",
     ["      - run: twine upload dist/*", "        env:", "          TWINE_PASSWORD: {t}"],
     T.pypi),
    ("openai-api-key", "notebooks/summarise.py",
     ["from openai import OpenAI", 'client = OpenAI(api_key="{t}")'], T.openai),
    ("openai-api-key", "scripts/legacy_gpt.py",
     ['openai.api_key = "{t}"'], T.openai_legacy),
    ("anthropic-api-key", "agents/config.ts",
     ["export const anthropic = new Anthropic({ apiKey: '{t}' });"], T.anthropic),
    ("discord-bot-token", "bot/main.py",
     ["import discord", "", "client.run('{t}')"], T.discord),
    ("telegram-bot-token", "bot/telegram.go",
     ['bot, err := tgbotapi.NewBotAPI("{t}")'], T.telegram),
    ("shopify-token", "shop/sync.js",
     ["const shopify = new Shopify({ shopName: 'acme', accessToken: '{t}' });"], T.shopify),
    ("jwt", "tests/fixtures/auth.http",
     ["GET https://api.acme.io/v1/orders", "Authorization: Bearer {t}"], T.jwt),
    ("azure-storage-connection-string", "src/Acme.Api/appsettings.json",
     ['  "ConnectionStrings": {',
      '    "Blob": "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={t};'
      'EndpointSuffix=core.windows.net"', "  }"], T.azure_account_key),
    ("azure-sas-token", "scripts/export.ps1",
     ['$url = "https://acme.blob.core.windows.net/exports?{t}"'], T.azure_sas_query),
    ("url-credentials", "docker-compose.prod.yml",
     ["services:", "  api:", "    environment:",
      "      DATABASE_URL: postgresql://api:{t}@pg.prod.acme.io:5432/api"], T.password),
    ("url-credentials", "config/queue.py",
     ['BROKER_URL = "amqps://worker:{t}@mq.acme.io/prod"'], lambda: T.chars(20)),
    ("url-credentials", "src/cache.ts",
     ["const redis = new Redis('rediss://:{t}@cache.acme.io:6380/0');"], lambda: T.chars(32)),
    ("url-credentials", "internal/db/db.go",
     ['const uri = "mongodb+srv://reporting:{t}@cluster0.ab1cd.mongodb.net/app"'],
     lambda: T.chars(16)),
    ("aws-secret-access-key", "deploy/.env",
     ["AWS_REGION=eu-west-1", "AWS_SECRET_ACCESS_KEY={t}"], T.aws_secret),
    ("generic-secret", "src/main/resources/application.properties",
     ["spring.datasource.url=jdbc:postgresql://db:5432/app",
      "spring.datasource.password={t}"], T.password),
    ("generic-secret", "infra/rds.tf",
     ['resource "aws_db_instance" "main" {', '  username = "app"', '  password = "{t}"', "}"],
     T.password),
    ("generic-secret", "Dockerfile",
     ["FROM node:20-alpine", "ENV SESSION_SECRET={t}", 'CMD ["node", "server.js"]'],
     T.hex_secret),
    ("generic-secret", "README.md",
     ["## Local setup", "", "```bash", "export API_KEY={t}", "```"], T.base64_secret),
    ("generic-secret", "config/settings.yaml",
     ["smtp:", "  host: smtp.acme.io", "  password: {t}"], T.human_password),
    ("generic-secret", "pkg/client/client.go",
     ["func New() *Client {", '\treturn &Client{APIKey: "{t}"}', "}"], lambda: T.chars(32)),
    ("generic-secret", "conf/settings.xml",
     ["<server>", "  <id>nexus</id>", "  <password>{t}</password>", "</server>"], T.password),
]


@pytest.mark.parametrize(("rule", "path", "lines", "make"), CASES,
                         ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_rule_fires_on_its_shape(rule: str, path: str, lines: list[str],
                                 make: Callable[[], str]) -> None:
    token = make()
    text = [line.replace("{t}", token) for line in lines]
    result = run(new_file(path, text)).check("secrets")
    assert result.status is Status.FAIL
    assert [f.rule for f in result.findings] == [rule], "wrong or missing rule"
    finding = result.findings[0]
    expected_line = next(i for i, line in enumerate(lines, 1) if "{t}" in line)
    assert (finding.path, finding.line, finding.severity) == (path, expected_line, Severity.FAIL)
    assert token not in finding.message and token[4:] not in finding.message


def test_every_rule_id_is_documented() -> None:
    from tests.shared import ROOT

    doc = (ROOT / "docs" / "secrets.md").read_text(encoding="utf-8")
    assert [rule for rule in RULE_IDS if f"`{rule}`" not in doc] == []


def test_every_provider_rule_has_a_firing_case() -> None:
    from tests.checks.secrets.rule_samples import samples
    from tests.checks.secrets.test_more_rules import CASES as MORE_CASES

    tested = {c[0] for c in (*CASES, *MORE_CASES)} | {s.rule for s in samples(seed=1)} | {
        "private-key", "gcp-service-account"}  # test_harness.py has their own syntaxes
    assert set(RULE_IDS) - tested == set()
