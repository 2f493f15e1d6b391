"""Where values are written, for the syntax harness and the benchmark's harness corpus.

SYNTAXES: (key, value) -> (path, lines, line of the value) in 49 syntaxes; KEY_SYNTAXES: private
key blocks in 20; `negatives`: values no rule may report. Everything is built at test time.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Callable
from dataclasses import dataclass

from tests.checks.secrets.corpus import Sample
from tests.checks.secrets.rule_samples import RuleSample
from tests.checks.secrets.tokens import B64, MoreTokens, openssh_ed25519

Build = Callable[[str, str], tuple[str, list[str], int]]
ALL = frozenset({"provider", "keyword", "generic"})
TOKENS = frozenset({"provider", "keyword"})


def _camel(key: str) -> str:
    head, *rest = key.lower().split("_")
    return head + "".join(word.capitalize() for word in rest)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _halves(value: str) -> tuple[str, str]:
    # Split inside the secret's random tail, which every shape ends with.
    return value[:-10], value[-10:]


@dataclass(frozen=True)
class Syntax:
    """A place a value is written: `build(key, value)` gives (path, lines, line of the value)."""

    name: str
    kinds: frozenset[str]
    build: Build


def _concat(path: str, make: Callable[[str, str, str], list[str]]) -> Build:
    def build(key: str, value: str) -> tuple[str, list[str], int]:
        first, second = _halves(value)
        return path, make(key, first, second), 1
    return build


SYNTAXES: list[Syntax] = [
    Syntax(".env", ALL, lambda k, v: (".env", ["NODE_ENV=production", f"{k}={v}"], 2)),
    Syntax("shell export", ALL, lambda k, v: (
        "scripts/deploy.sh", ["#!/usr/bin/env bash", f'export {k}="{v}"'], 2)),
    Syntax("shell heredoc", ALL, lambda k, v: (
        "scripts/bootstrap.sh", ["cat > /etc/app.env <<'EOF'", f"{k}={v}", "EOF"], 2)),
    Syntax("Dockerfile ENV K=v", ALL, lambda k, v: (
        "Dockerfile", ["FROM alpine:3.20", f"ENV {k}={v}"], 2)),
    Syntax("Dockerfile ENV K v", ALL, lambda k, v: (
        "Dockerfile", ["FROM alpine:3.20", f"ENV {k} {v}"], 2)),
    Syntax("Dockerfile heredoc", ALL, lambda k, v: (
        "Dockerfile", ["FROM alpine:3.20", "RUN <<EOF cat > /app/.env", f"{k}={v}", "EOF"], 3)),
    Syntax("Makefile ::=", ALL, lambda k, v: (
        "Makefile", [f"{k} ::= {v}", "deploy:", "\t./deploy.sh"], 1)),
    Syntax("Makefile :::=", ALL, lambda k, v: ("Makefile", [f"{k} :::= {v}"], 1)),
    Syntax("YAML", ALL, lambda k, v: ("deploy/values.yaml", ["app:", f"  {k.lower()}: {v}"], 2)),
    Syntax("YAML string holding KEY=value lines", ALL, lambda k, v: (
        "deploy/job.yaml", ["dotenv:", f'  content: "LOG_LEVEL=info\\n{k}={v}\\n"'], 2)),
    Syntax("JSON", ALL, lambda k, v: (
        "config/production.json", ["{", f'  "{_camel(k)}": "{v}"', "}"], 2)),
    Syntax("JSON string holding KEY=value lines", ALL, lambda k, v: (
        "config/env.json", [f'{{"dotenv": "A=1\\n{k}={v}\\n"}}'], 1)),
    Syntax("Postman collection export", ALL, lambda k, v: (
        "postman/api.postman_collection.json",
        ['  "variable": [', "    {", f'      "key": "{_camel(k)}",', f'      "value": "{v}",',
         '      "type": "string"', "    }"], 4)),
    Syntax("Python", ALL, lambda k, v: ("app/settings.py", ["import os", f'{k} = "{v}"'], 2)),
    Syntax("Python os.environ.setdefault", ALL, lambda k, v: (
        "app/boot.py", [f'os.environ.setdefault("{k}", "{v}")'], 1)),
    Syntax("Python implicit concatenation", TOKENS, _concat(
        "app/client.py", lambda k, a, b: [f'{k.lower()} = ("{a}"', f'    "{b}")'])),
    Syntax("Python + concatenation", TOKENS, _concat(
        "app/keys.py", lambda k, a, b: [f'{k} = "{a}" + \\', f'    "{b}"'])),
    Syntax("JavaScript", ALL, lambda k, v: ("src/config.js", [f"const {_camel(k)} = '{v}';"], 1)),
    Syntax("TypeScript object", ALL, lambda k, v: (
        "src/api/client.ts", ["export const config = {", f"  {_camel(k)}: `{v}`,", "};"], 2)),
    Syntax("JavaScript concatenation", TOKENS, _concat(
        "src/token.js", lambda k, a, b: [f"const {_camel(k)} = '{a}' + '{b}';"])),
    Syntax("Java field", ALL, lambda k, v: (
        "src/main/java/Config.java", [f'    private static final String {k} = "{v}";'], 1)),
    Syntax("Java System.setProperty", ALL, lambda k, v: (
        "src/main/java/Boot.java", [f'        System.setProperty("{k}", "{v}");'], 1)),
    Syntax("Java concatenation", TOKENS, _concat(
        "src/main/java/Keys.java",
        lambda k, a, b: [f'    static final String {k} = "{a}" +', f'        "{b}";'])),
    Syntax("Go", ALL, lambda k, v: ("internal/cfg/cfg.go", [f'\t{_camel(k)} := "{v}"'], 1)),
    Syntax("Go os.Setenv", ALL, lambda k, v: ("cmd/main.go", [f'\tos.Setenv("{k}", "{v}")'], 1)),
    Syntax("Go concatenation", TOKENS, _concat(
        "internal/cfg/keys.go", lambda k, a, b: [f'const {_camel(k)} = "{a}" +', f'\t"{b}"'])),
    Syntax("C#", ALL, lambda k, v: ("src/Acme/Settings.cs", [f'var {_camel(k)} = @"{v}";'], 1)),
    Syntax("C# concatenation", TOKENS, _concat(
        "src/Acme/Keys.cs", lambda k, a, b: [f'string {_camel(k)} = "{a}"', f'    + "{b}";'])),
    Syntax("Kotlin val", ALL, lambda k, v: (
        "app/src/main/kotlin/Api.kt", [f'private const val {_camel(k)}: String = "{v}"'], 1)),
    Syntax("Ruby ENV ||=", ALL, lambda k, v: ("config/boot.rb", [f'ENV["{k}"] ||= "{v}"'], 1)),
    Syntax("PHP .=", ALL, lambda k, v: (
        "config/keys.php", [f"${_camel(k)} = '';", f"${_camel(k)} .= '{v}';"], 2)),
    Syntax("PHP define", ALL, lambda k, v: ("wp-config.php", [f"define('{k}', '{v}');"], 1)),
    Syntax("Terraform", ALL, lambda k, v: (
        "infra/main.tf", ['resource "acme_app" "api" {', f'  {k.lower()} = "{v}"', "}"], 2)),
    Syntax("properties", ALL, lambda k, v: (
        "src/main/resources/application.properties",
        [f"app.{k.lower().replace('_', '-')}={v}"], 1)),
    Syntax("TOML", ALL, lambda k, v: ("config/app.toml", ["[app]", f'{k.lower()} = "{v}"'], 2)),
    Syntax("INI", ALL, lambda k, v: ("config/app.ini", ["[app]", f"{k.lower()} = {v}"], 2)),
    Syntax("XML element", ALL, lambda k, v: (
        "src/main/resources/app.xml", [f"  <{_camel(k)}>{v}</{_camel(k)}>"], 1)),
    Syntax("XML element, value on its own line", ALL, lambda k, v: (
        "src/main/resources/app.xml", [f"  <{_camel(k)}>", f"    {v}", f"  </{_camel(k)}>"], 2)),
    Syntax("XML add key/value", ALL, lambda k, v: (
        "src/Web.config", [f'  <add key="{k}" value="{v}" />'], 1)),
    Syntax("Markdown shell block", ALL, lambda k, v: (
        "docs/setup.md", ["```bash", f"export {k}={v}", "```"], 2)),
    Syntax("Jupyter notebook source", ALL, lambda k, v: (
        "notebooks/explore.ipynb", ['   "source": [', f'    "{k.lower()} = \\"{v}\\"\\n",',
                                    "   ]"], 2)),
    Syntax("Kubernetes Secret data (base64)", TOKENS | {"generic-secret"}, lambda k, v: (
        "k8s/secret.yaml", ["apiVersion: v1", "kind: Secret", "data:", f"  {k}: {_b64(v)}"], 4)),
    Syntax(".netrc", frozenset({"provider", "generic-secret"}), lambda k, v: (
        ".netrc", ["machine api.acme.io", f"  login deploy password {v}"], 2)),
    Syntax("curl -u", frozenset({"provider", "generic-secret"}), lambda k, v: (
        "scripts/upload.sh", [f"curl -sf -u deploy:{v} -T dist.tgz https://repo.acme.io/"], 1)),
    Syntax("mysql -p", frozenset({"generic-secret"}), lambda k, v: (
        "scripts/backup.sh", [f"mysqldump -u backup -p{v} --all-databases > all.sql"], 1)),
    Syntax("curl header", frozenset({"provider"}), lambda k, v: (
        "scripts/call.sh", [f'curl -H "Authorization: Bearer {v}" https://api.acme.io'], 1)),
    Syntax("curl header named by the key", TOKENS | {"generic-secret"}, lambda k, v: (
        "scripts/call.sh", ["curl -sS -X GET \\", f"  -H '{k.replace('_', '-')}: {v}' \\",
                            "  https://api.acme.io/v1/items"], 2)),
    Syntax("curl Authorization, other scheme", frozenset({"generic-secret"}), lambda k, v: (
        "scripts/call.sh", [f'curl --header "Authorization: Api-Token {v}" https://api.acme.io'],
        1)),
    Syntax("NuGet ClearTextPassword", frozenset({"generic-secret"}), lambda k, v: (
        "NuGet.Config", ["<packageSourceCredentials>", "  <acme>",
                         '    <add key="Username" value="ci" />',
                         f'    <add key="ClearTextPassword" value="{v}" />', "  </acme>",
                         "</packageSourceCredentials>"], 4)),
]


def applies(syntax: Syntax, sample: RuleSample) -> bool:
    return sample.kind in syntax.kinds or sample.rule in syntax.kinds



KeyBuild = Callable[[list[str]], tuple[str, list[str], int]]


def _java(lines: list[str]) -> list[str]:
    return [f'    "{line}\\n"' + (" +" if i < len(lines) - 1 else ";")
            for i, line in enumerate(lines)]


KEY_SYNTAXES: list[tuple[str, KeyBuild]] = [
    ("key file", lambda key: ("deploy/id_ed25519", key, 1)),
    ("YAML block", lambda key: ("k8s/tls.yaml", ["stringData:", "  tls.key: |",
                                                 *("    " + line for line in key)], 3)),
    (".env with \\n escapes", lambda key: (".env", ['SSH_KEY="' + "\\n".join(key) + '"'], 1)),
    ("JSON with \\n escapes", lambda key: (
        "config/keys.json", ['{"signing": "' + "\\n".join(key) + '"}'], 1)),
    ("Python triple quotes", lambda key: (
        "app/keys.py", [f'KEY = """{key[0]}', *key[1:-1], f'{key[-1]}"""'], 1)),
    ("Java concatenation", lambda key: (
        "src/main/java/Keys.java", ["static final String KEY =", *_java(key)], 2)),
    ("Go concatenation", lambda key: (
        "keys.go", ["const key = " + _java(key)[0].strip(), *_java(key)[1:]], 1)),
    ("C# concatenation", lambda key: (
        "Keys.cs", ["string key = " + _java(key)[0].strip(), *_java(key)[1:]], 1)),
    ("JavaScript concatenation", lambda key: (
        "src/keys.js", ["const key = '" + key[0] + "\\n' +",
                        *("  '" + line + "\\n' +" for line in key[1:-1]), f"  '{key[-1]}';"], 1)),
    ("Python implicit concatenation", lambda key: (
        "app/pem.py", ["KEY = (", *(f'    "{line}\\n"' for line in key), ")"], 2)),
    ("shell heredoc", lambda key: (
        "scripts/ssh.sh", ["cat > ~/.ssh/id_ed25519 <<'EOF'", *key, "EOF"], 2)),
    ("Dockerfile heredoc", lambda key: (
        "Dockerfile", ["FROM alpine:3.20", "RUN <<EOF cat > /root/.ssh/id", *key, "EOF"], 3)),
    ("Terraform heredoc", lambda key: (
        "infra/keys.tf", ['private_key = <<EOT', *key, "EOT"], 2)),
    ("Kubernetes Secret data (base64)", lambda key: (
        "k8s/ssh.yaml", ["kind: Secret", "type: kubernetes.io/ssh-auth", "data:",
                         "  ssh-privatekey: " + _b64("\n".join(key) + "\n")], 4)),
    ("XML element", lambda key: (
        "src/main/resources/keys.xml", [f"<privateKey>{key[0]}", *key[1:-1],
                                        f"{key[-1]}</privateKey>"], 1)),
    ("Markdown code block", lambda key: ("docs/deploy.md", ["```", *key, "```"], 2)),
    ("commented out", lambda key: ("deploy/notes.sh", [f"# {line}" for line in key], 1)),
    ("Ruby heredoc", lambda key: ("config/keys.rb", ["KEY = <<~PEM", *("  " + k for k in key),
                                                     "PEM"], 2)),
    ("PHP nowdoc", lambda key: ("config/keys.php", ["$key = <<<'PEM'", *key, "PEM;"], 2)),
    ("C# verbatim string", lambda key: (
        "Keys2.cs", [f'var key = @"{key[0]}', *key[1:-1], f'{key[-1]}";'], 1)),
]


def keys(rng: random.Random) -> list[list[str]]:
    pkcs8 = MoreTokens(rng.randrange(1000)).pem_body(10)
    return [openssh_ed25519(rng),
            ["-----BEGIN PRIVATE KEY-----", *pkcs8, "-----END PRIVATE KEY-----"],
            ["-----BEGIN RSA PRIVATE KEY-----", *pkcs8, "-----END RSA PRIVATE KEY-----"]]



def negatives(t: MoreTokens) -> list[tuple[str, str]]:
    """(key, value) that no rule may report as a failure, in every syntax."""
    github, glsa = t.github(), t.grafana_service_account()
    bad_github = github[:-1] + ("1" if github.endswith("0") else "0")
    bad_glsa = glsa[:-1] + ("1" if glsa.endswith("0") else "0")
    return [
        ("API_TOKEN", "<your-api-token>"), ("DB_PASSWORD", "changeme"),
        ("GITHUB_TOKEN", "${GITHUB_TOKEN}"), ("SECRET_KEY", "xxxxxxxxxxxxxxxxxxxxxxxx"),
        ("AWS_ACCESS_KEY_ID", "AKIA" + "IOSFODNN7EXAMPLE"), ("GITHUB_TOKEN", bad_github),
        ("GRAFANA_TOKEN", bad_glsa), ("GITHUB_TOKEN", "ghp_" + "X" * 36),
        ("DD_API_KEY", "0" * 32), ("DD_SITE", "datadoghq.eu"),
        ("HEROKU_APP_ID", t.uuid()), ("CLOUDFLARE_ZONE_ID", t.sha(32)),
        ("CLOUDFLARE_ACCOUNT_ID", t.sha(32)), ("OKTA_CLIENT_ID", "0oa" + t.chars(17)),
        ("OKTA_ORG_URL", "https://acme.okta.com"), ("CHECKSUM", t.sha(64)),
        ("REQUEST_ID", t.uuid()), ("SSH_PUBLIC_KEY", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI"
                                   + t.chars(43, B64) + " deploy@ci"),
        ("STRIPE_PUBLISHABLE_KEY", "pk_live_" + t.chars(24)),
        ("MAPBOX_TOKEN", "pk.eyJ" + t.chars(60) + "." + t.chars(22)),
        ("PASSWORD_FIELD", "input[name=password]"), ("TOKEN_URL", "https://acme.io/oauth/token"),
    ]


def harness_corpus(seed: int = 9) -> list[Sample]:
    """Every rule in every syntax it applies to, private keys in theirs, and the negatives.

    The benchmark scores the tools on it: a sample counts as found when its file is flagged.
    """
    from tests.checks.secrets.rule_samples import samples

    out: list[Sample] = []
    for n, syntax in enumerate(SYNTAXES):
        for sample in samples(seed + n):
            if applies(syntax, sample):
                path, lines, _ = syntax.build(sample.key, sample.value)
                out.append(Sample(f"h{n}/{sample.rule}/{path}", tuple(lines), True, sample.rule))
        if "generic" in syntax.kinds:
            for m, (key, value) in enumerate(negatives(MoreTokens(seed + n))):
                path, lines, _ = syntax.build(key, value)
                out.append(Sample(f"h{n}/neg{m}/{path}", tuple(lines), False, key))
    rng = random.Random(seed)
    for n, (_name, build) in enumerate(KEY_SYNTAXES):
        for m, key in enumerate(keys(rng)):
            path, lines, _ = build(key)
            out.append(Sample(f"k{n}/{m}/{path}", tuple(lines), True, "private-key"))
    return out
