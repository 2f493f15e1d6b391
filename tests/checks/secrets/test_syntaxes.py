"""Secret-named values in the syntaxes beyond `key = value` on one line, and their look-alikes."""

from __future__ import annotations

import base64

import pytest

from checks.model import Severity
from tests.checks.secrets.diffs import new_file, run
from tests.checks.secrets.tokens import Tokens

T = Tokens(seed=61)
V = T.chars(28)

# (label, path, lines): one secret on the line holding `{v}`.
FOUND: list[tuple[str, str, list[str]]] = [
    ("yaml literal block", "deploy/values.yaml",
     ["db:", "  password: |", "    {v}", "  port: 5432"]),
    ("yaml folded block", "deploy/values.yaml", ["smtp:", "  api_key: >-", "    {v}"]),
    ("json inside a json string", "config/flags.json",
     ['{"raw": "{\\"client_secret\\": \\"{v}\\", \\"debug\\": false}"}']),
    ("Java System.setProperty", "src/main/java/Boot.java",
     ['        System.setProperty("SERVICE_API_TOKEN", "{v}");']),
    ("Go os.Setenv", "cmd/main.go", ['\tos.Setenv("DB_PASSWORD", "{v}")']),
    ("JS config.set", "src/setup.js", ["config.set('mailer.password', '{v}');"]),
    ("PHP define", "wp-config.php", ["define( 'AUTH_KEY', '{v}' );"]),
    ("C# environment", "src/Program.cs",
     ['Environment.SetEnvironmentVariable("API_SECRET", "{v}");']),
    ("XML add key/value", "src/Web.config", ['  <add key="SmtpPassword" value="{v}" />']),
    ("XML property name/value", "src/main/resources/beans.xml",
     ['  <property name="password" value="{v}"/>']),
    ("Dockerfile ENV with a space", "Dockerfile", ["FROM alpine:3.20", "ENV API_TOKEN {v}"]),
    (".netrc", ".netrc", ["machine api.acme.io login deploy password {v}"]),
    ("curl -u", "scripts/upload.sh", ["curl -sf -u deploy:{v} -T dist.tgz https://repo.acme.io/"]),
    ("mysql -p", "scripts/backup.sh", ["mysqldump -u backup -p{v} --all-databases > all.sql"]),
    ("Kotlin val", "app/src/main/kotlin/Api.kt", ['private const val API_TOKEN: String = "{v}"']),
    ("Go struct literal", "internal/db/conn.go", ['var cfg = Config{Host: "db", Password: "{v}"}']),
    ("Terraform", "infra/rds.tf", ['  master_password = "{v}"']),
    ("legacy Vault token (`vault` names no non-secret any more)", "ci/.env",
     ["VAULT_ADDR=https://vault.acme.io", "VAULT_TOKEN=s.{v}"]),
    ("Kubernetes Secret data (base64)", "k8s/secret.yaml",
     ["kind: Secret", "data:", "  password: " + base64.b64encode(V.encode()).decode()]),
]


@pytest.mark.parametrize(("label", "path", "lines"), FOUND, ids=[c[0] for c in FOUND])
def test_secret_in_syntax_is_found(label: str, path: str, lines: list[str]) -> None:
    findings = run(new_file(path, [line.replace("{v}", V) for line in lines])).check(
        "secrets").findings
    expected = next((i for i, line in enumerate(lines, 1) if "{v}" in line), len(lines))
    assert [(f.rule, f.line, f.severity) for f in findings] == [
        ("generic-secret", expected, Severity.FAIL)]
    assert V not in findings[0].message and V[4:] not in findings[0].message


QUIET: list[tuple[str, str, list[str]]] = [
    ("a translated label", "src/i18n.js", ['t("password", "Enter your password")']),
    ("a lookup, not a setter", "src/cfg.js", [f'config.get("password", "{V}")']),
    ("a setter with a reference", "src/Boot.java",
     ['System.setProperty("API_TOKEN", "${API_TOKEN}");']),
    ("XML name that is not a secret", "beans.xml",
     ['<property name="passwordEncoder" '
      'value="org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder"/>']),
    ("a multi-line YAML block (a certificate, prose)", "values.yaml",
     ["notes:", "  password: |", f"    {V}", f"    {T.chars(28)}"]),
    ("a YAML block under a non-secret key", "values.yaml", ["secret_name: |", f"  {V}"]),
    ("netrc with a placeholder", ".netrc", ["machine api.acme.io login me password changeme123"]),
    ("netrc syntax in a non-netrc file", "docs/intro.md", [f"the password {V} is wrong"]),
    ("curl -u with a variable", "run.sh", ['curl -u "deploy:$DEPLOY_TOKEN" https://x.acme.io']),
    ("mysql -p with a variable", "run.sh", ["mysql -u root -p$MYSQL_ROOT_PASSWORD app"]),
    ("ENV with a space in a shell script", "setup.sh", [f"ENV API_TOKEN {V}"]),
]


@pytest.mark.parametrize(("label", "path", "lines"), QUIET, ids=[c[0] for c in QUIET])
def test_look_alike_in_syntax_is_quiet(label: str, path: str, lines: list[str]) -> None:
    assert run(new_file(path, lines)).check("secrets").findings == ()


def test_provider_token_in_a_setter_is_reported_under_its_own_rule() -> None:
    token = T.github()
    findings = run(new_file("src/Boot.java", [
        f'System.setProperty("GITHUB_TOKEN", "{token}");'])).check("secrets").findings
    assert [f.rule for f in findings] == ["github-pat"]


def test_long_runs_of_one_character_stay_linear() -> None:
    # A base64 blob of zero bytes (`AAAA…`) looks like a Twitter bearer token's head at every
    # position; the scan must skip the run, not try each offset. Counted, not timed.
    from checks.secrets import scan

    calls = 0
    real = scan.match_at

    def counting(text: str, data: bytes, pos: int):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return real(text, data, pos)

    scan.match_at = counting  # type: ignore[assignment]
    try:
        run(new_file("img/blank.svg", ['<image href="data:image/png;base64,' + "A" * 20000
                                      + '"/>']))
    finally:
        scan.match_at = real  # type: ignore[assignment]
    assert 0 < calls < 50


def test_a_minified_line_full_of_joints_stays_linear() -> None:
    # `"a" + "b"` thousands of times on one line, with stray quotes that start no literal:
    # the joined-literal parser must not rescan the line from its start at every joint.
    from checks.secrets import find_secrets
    from checks.snapshot import load_snapshot
    from tests.growth import assert_linear

    def build(n: int):  # type: ignore[no-untyped-def]
        line = 'x=' + ' + '.join(f'"{T.chars(6)}"' for _ in range(n)) + ";y='" + "z" * n
        files = load_snapshot({"title": "t", "diff": new_file("dist/app.js", [line])}).files
        return lambda: find_secrets(files)

    assert_linear(build, 400, what="joined literals on one line")


def test_a_bang_is_a_yaml_tag_only_in_yaml() -> None:
    password = "!K%g0wOz@^!9x"
    found = run(new_file("deploy/.env", [f"DB_PASSWORD={password}"])).check("secrets").findings
    assert [(f.rule, f.line) for f in found] == [("generic-secret", 1)]
    tagged = run(new_file("group_vars/all.yml", ["db_password: !vault-encrypted AbC9xYz2"]))
    assert tagged.check("secrets").findings == ()
