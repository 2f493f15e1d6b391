"""Shapes met in real repositories: leaks as PRs carry them, and look-alikes from real code.

The leak shapes are how credentials really land in PRs (a committed `.env`, a Django settings
file, docker-compose, Spring properties, `.npmrc`, AWS credentials, kubeconfig, curl headers,
CI yaml, Terraform variables, notebooks, Go/Java constants). The quiet cases are the kinds of
false positives found by reading every hit of the check over about 500 MB of real repositories
(Helm charts, OAuth libraries, Rails/Django/Laravel apps, translations, test fixtures); each line
is written in the form found there, with any token-shaped value generated here.
"""

from __future__ import annotations

import base64

import pytest

from checks.model import Severity, Status
from tests.checks.secrets.diffs import new_file, run
from tests.checks.secrets.tokens import B64, Tokens

T = Tokens(seed=77)

LEAKS: list[tuple[str, str, list[str], str]] = [
    (".env committed", ".env", [f"DATABASE_PASSWORD={T.chars(20)}"], "generic-secret"),
    ("Django settings SECRET_KEY", "mysite/settings.py", [
        "SECRET_KEY = 'django-insecure-"
        + T.chars(50, "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)") + "'"],
     "generic-secret"),
    ("docker-compose mapping", "docker-compose.yml",
     ["    environment:", f'      POSTGRES_PASSWORD: "{T.password()}"'], "generic-secret"),
    ("docker-compose list", "docker-compose.yml",
     ["    environment:", f"      - POSTGRES_PASSWORD={T.chars(18)}"], "generic-secret"),
    ("Spring properties", "src/main/resources/application.properties",
     [f"spring.datasource.password={T.chars(16)}"], "generic-secret"),
    ("Spring yaml", "src/main/resources/application-prod.yml",
     ["spring:", "  datasource:", f"    password: {T.chars(16)}"], "generic-secret"),
    (".npmrc npm token", ".npmrc", [f"//registry.npmjs.org/:_authToken={T.npm()}"], "npm-token"),
    (".npmrc _auth", ".npmrc", [f"_auth={T.base64_secret(32)}"], "generic-secret"),
    ("AWS credentials file", ".aws/credentials",
     ["[default]", f"aws_access_key_id = {T.aws_key_id()}",
      f"aws_secret_access_key = {T.aws_secret()}"], "aws-secret-access-key"),
    ("kubeconfig client-key-data", "kubeconfig", [
        "users:", "- name: admin", "  user:",
        f"    client-key-data: {T.chars(300, B64)}"], "generic-secret"),
    ("kubeconfig token", ".kube/config", ["  user:", f"    token: {T.chars(40)}"],
     "generic-secret"),
    (".pypirc password", ".pypirc", ["[internal]", "username = deploy",
                                      f"password = {T.chars(14)}"], "generic-secret"),
    ("curl bearer header", "scripts/call.sh", [
        f'curl -H "Authorization: Bearer {T.chars(40)}" https://api.acme.io/v1/items'],
     "generic-secret"),
    ("Basic header in JS", "src/client.js",
     [f"const headers = {{ Authorization: 'Basic {T.base64_secret(32)}' }};"],
     "generic-secret"),
    ("Basic header in Java", "src/main/java/com/acme/Api.java", [
        f'        conn.setRequestProperty("Authorization", "Basic {T.base64_secret(32)}");'],
     "generic-secret"),
    ("Bearer header in Python", "src/api.py",
     [f'headers = {{"Authorization": "Bearer {T.chars(40)}"}}'], "generic-secret"),
    ("Slack webhook in CI", ".github/workflows/notify.yml", [
        "      - run: |", f"          curl -X POST -d @payload.json {T.slack_webhook()}"],
     "slack-webhook-url"),
    ("terraform.tfvars", "terraform.tfvars", [f'db_password = "{T.chars(20)}"'],
     "generic-secret"),
    ("notebook output printing a token", "notebooks/debug.ipynb", [
        '     "output_type": "stream",', '     "text": [', f'      "token: {T.github()}\\n"',
        "     ]"], "github-pat"),
    ("Go constant", "internal/client/client.go", [f'const apiToken = "{T.chars(32)}"'],
     "generic-secret"),
    ("Go struct literal", "internal/client/client.go",
     [f'\tcfg := Config{{APIKey: "{T.chars(32)}", Region: "eu"}}'], "generic-secret"),
    ("Java constant", "src/main/java/com/acme/Keys.java",
     [f'    private static final String CLIENT_SECRET = "{T.chars(32)}";'], "generic-secret"),
    ("Java setter", "src/main/java/com/acme/Db.java",
     [f'        dataSource.setPassword("{T.chars(16)}");'], "generic-secret"),
    ("C# connection string", "appsettings.json", [
        f'    "Default": "Server=sql.acme.io;Database=app;User Id=app;Password={T.chars(16)};"'],
     "generic-secret"),
    ("JDBC URL query", "src/main/resources/db.properties", [
        f"url=jdbc:postgresql://db.acme.io:5432/app?user=app&password={T.chars(16)}"],
     "generic-secret"),
    ("Kubernetes Secret data (base64 of the password)", "k8s/secret.yaml", [
        "data:", "  password: " + base64.b64encode(T.chars(18).encode()).decode()],
     "generic-secret"),
    ("Laravel APP_KEY", ".env", ["APP_KEY=base64:" + T.base64_secret(44)], "generic-secret"),
    ("git credentials", ".git-credentials", [f"https://deploy:{T.github()}@github.com"],
     "github-pat"),
    ("docker config.json auth", ".docker/config.json", [
        '  "auths": {', '    "registry.acme.io": {', f'      "auth": "{T.base64_secret(40)}"',
        "    }"], "generic-secret"),
    ("Maven settings.xml", "settings.xml", [f"      <password>{T.chars(16)}</password>"],
     "generic-secret"),
]


@pytest.mark.parametrize(("what", "path", "lines", "rule"), LEAKS, ids=[x[0] for x in LEAKS])
def test_leak_shapes_are_caught(what: str, path: str, lines: list[str], rule: str) -> None:
    outcome = run(new_file(path, lines)).check("secrets")
    assert outcome.status is Status.FAIL, what
    assert rule in {f.rule for f in outcome.findings if f.severity is Severity.FAIL}


def _jwt(claims: dict) -> str:
    return T.jwt(claims)


QUIET: list[tuple[str, str, list[str]]] = [
    ("translations and UI labels", "config/locales/de.yml", [
        "de:", "  password: Passwort", "  change_password: Schimbă-mi parola",
        "  new_password: Ger-tremen nevez", "  api_token: API-Token",
        "  client_secret: 'Client-geheim'", "  enter_password: 输入密码（至少6个字符）"]),
    ("translations in JSON", "src/lang/ja.json", [
        '  "serwersmsAPIPassword": "APIパスワード",', '  "pushyToken": "Geräte-Token",',
        '  "SecretKey": "CheieSecretă",', '  "OAuth application secret": "OAuth-applikationshem"']),
    ("Laravel validation rules", "app/Http/Requests/StoreUser.php", [
        "        'password' => 'required|string|min:8',",
        "        'password' => 'required|current_password',"]),
    ("Helm template expressions", "charts/app/templates/secret.yaml", [
        "{{- $password := .Values.passwordUpdateJob.previousPasswords.password }}",
        "{{- $rootPassword := .Values.auth.rootPassword }}"]),
    ("encrypted at rest (EJSON, SOPS)", "config/deploy/production/secrets.ejson", [
        f'  "aws_secret_access_key": "EJ[1:{T.chars(44, B64)}:{T.chars(32, B64)}:'
        f'{T.chars(60, B64)}]",',
        f'  "db_password": "ENC[AES256_GCM,data:{T.chars(24, B64)},iv:{T.chars(24, B64)}]",']),
    ("Kubernetes Secret data that decodes to placeholders", "examples/chap-secret.yaml", [
        "data:", "  node.session.auth.password: " + base64.b64encode(b"password").decode(),
        "  discovery.sendtargets.auth.password: " + base64.b64encode(b"demo").decode(),
        "  jwtSecretKey: " + base64.b64encode(
            b"my-secret-key-which-should-be-changed-in-production").decode()]),
    ("values that name a secret instead of being one", "tests/test_auth.py", [
        'login = {"name": "admin", "password": "wrong_preset_password_123"}',
        'NEW_PASSWORD = "newpassword123"', 'api_key = "sk-my-openai-1st-key"',
        'token = "token-123456"', 'SECRET = "T0pS3cr3t"', "password = 'pa$$w0rd'",
        'APP_SECRET = "ch4n63m31fy0uc4n"']),
    ("words with a number in tests and docs", "docs/install.md", [
        "```bash", "export MINIO_ROOT_PASSWORD=minio123", "```", "```yaml",
        "password: bitnami1234", "initialClusterToken: etcd-cluster-k8s", "```"]),
    ("keyboard mashes in docstrings and tests", "oauth/session.py", [
        "        'oauth_token': 'sdf0o9823sjdfsdf',",
        "        'oauth_token_secret': '2kjshdfp92i34asdasd',",
        "    $user->setApiToken('nbvfdswe34567ujko098765rerfghbgvfcdsert');"]),
    ("the OAuth RFCs' example tokens", "tests/test_parameters.py", [
        '    "access_token": "2YotnFZFEjr1zCsicMWpAA",',
        '    "refresh_token": "tGzv3JOkF0XG5Qx2TlKWIA",',
        '    oauth_consumer_key="dpf43f3p2l4k3l03",',
        "Authorization: Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW"]),
    ("string building and calls", "src/Auth.php", [
        "        $token = 'gpgauthv1.3.0|36|' . $authenticationToken->token . '|gpgauthv1.3.0';",
        '        $token = "randomtoken{$i}";']),
    ("ORM columns in docs", "docs/server.rst", [
        "    oauth_token = db.Column(db.String(84), unique=True, index=True)",
        "    access_token = sqlalchemy.Column(sqlalchemy.String)"]),
    ("a prompt between two strings", "src/account.rs", [
        '    let pw = prompt_password("Please enter the new password: ").expect("Failed");']),
    ("code in a quoted query string or URN", "webdav/if_test.go", [
        '\t\tToken: `urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6`,',
        '\t\tSasToken: "?sv=2023-01-01&sig=x",']),
    ("PEM marker mentioned in comments", "charts/nginx/values.yaml", [
        "  ## key and certificate should start with -----BEGIN CERTIFICATE----- or",
        "  ## -----BEGIN RSA PRIVATE KEY-----", "  ##",
        "  ## name should line up with a tlsSecret set further up",
        "  ## If you're using cert-manager, this is unneeded, as it will create the secret",
        "  ## It is also possible to create and manage the certificates outside of this chart",
        "  ## - name: nginx.local-tls", "  ##   key:", "  secrets: []"]),
    ("PEM snippet with its middle elided", "README.md", [
        "```text", "-----BEGIN RSA PRIVATE KEY-----", T.chars(64, B64), "...",
        T.chars(52, B64) + "=", "-----END RSA PRIVATE KEY-----", "```"]),
    ("URL placeholders", "docs/database.mdx", [
        "postgresql://[user]:[password]@[host]:[port]/[database]",
        "`https://USERNAME:PERSONAL_ACCESS_TOKEN@github.com/USERNAME/REPOSITORY`",
        "postgresql://documenso:p%40ss%23word@localhost:5432/documenso",
        'email_url="smtp://some-user:secret-password@smtp.sendgrid.net:587/?tls=True"']),
    ("demo JWTs (jwt.io's and Supabase's claims, made-up refs)", "tests/test_ami.py", [
        f'token = "{_jwt({"sub": "1234567890", "name": "John Doe", "iat": 1516239022})}"',
        f'service_role_key = "{_jwt({"iss": "supabase-demo", "role": "service_role"})}"',
        f'admin_key = "{_jwt({"iss": "supabase", "ref": "a" * 20, "role": "admin"})}"']),
    ("provider prefix on a made-up value", "tests/test_slack.py",
     ['    "api_bot_token": "xoxb-12345",']),
    ("Codecov badge token", "README.md", [
        '<a href="https://codecov.io/gh/acme/app"><img src="https://codecov.io/gh/acme/app/'
        f'graph/badge.svg?token={T.chars(10).upper()}"/></a>']),
    ("a working directory under PWD in a JSON dump", "tests/data/history.json", [
        '{"env": {"PWD": "\\/home\\/user\\/code\\/app", "SHELL": "\\/bin\\/bash"}}']),
    ("keys that say the value is fake or elsewhere", "src/config.rs", [
        f'const EXAMPLE_TOKEN: &str = "{T.chars(31)}";',
        f'@wrong_webauthn_token = "{T.chars(16)}"',
        "# SECRETKEY_AWS_REGION=us-west-2",
        '  existingSecret: RELEASENAME-elasticsearch-crt # or just the name']),
]


@pytest.mark.parametrize(("what", "path", "lines"), QUIET, ids=[q[0] for q in QUIET])
def test_real_code_look_alikes_stay_quiet(what: str, path: str, lines: list[str]) -> None:
    outcome = run(new_file(path, lines)).check("secrets")
    assert outcome.findings == (), f"{what}: {[(f.line, f.rule) for f in outcome.findings]}"


def test_a_real_looking_value_beside_the_quiet_ones_still_fails() -> None:
    lines = ["de:", "  password: Passwort", f"  db_password: {T.password()}",
             "  new_password: Ger-tremen nevez"]
    outcome = run(new_file("config/app.yml", lines)).check("secrets")
    assert [(f.line, f.rule) for f in outcome.findings] == [(3, "generic-secret")]
