"""The `hardcoded` check, rule by rule, on diffs shaped like real settings and config code of
Django, Flask, FastAPI, Spring Boot, Node/TypeScript, Go, Rails and .NET projects, with every
quiet case the issue names beside the loud ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

import checks
from checks.hardcoded import hosts, rules
from checks.model import Report, Severity, Status
from checks.spec import RuleDoc
from tests.diffs import modified, new_file
from tests.growth import assert_linear


@dataclass(frozen=True)
class Case:
    """A file added by a PR and the (line, rule) findings a reviewer expects on it."""

    id: str
    path: str
    lines: tuple[str, ...]
    expected: tuple[tuple[int, str], ...] = ()


def review(diff: str, config: dict[str, Any] | None = None) -> Report:
    return checks.run({"title": "ACME-9: settings", "diff": diff},
                      checks.config_from_dict(config or {}))


def found(report: Report) -> list[tuple[str | None, int | None, str | None]]:
    return [(f.path, f.line, f.rule) for f in report.check("hardcoded").findings]


LOUD = [
    Case("django-single-settings", "shop/settings.py", (
        'import os',
        'from pathlib import Path',
        'BASE_DIR = Path(__file__).resolve().parent.parent',
        'SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]',
        'DEBUG = True',
        'ALLOWED_HOSTS = ["shop.acme.io"]',
        'CORS_ALLOWED_ORIGINS = ["http://localhost:3000", "https://shop.acme.io"]',
    ), ((5, rules.DEBUG_ON), (7, rules.LOCAL_URL))),
    Case("django-production-settings", "config/settings/production.py", (
        'from .base import *  # noqa',
        'from .base import env',
        'DEBUG = env.bool("DJANGO_DEBUG", default=True)',
        'CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache",',
        '    "LOCATION": env("REDIS_URL", default="redis://127.0.0.1:6379/1")}}',
    ), ((3, rules.DEBUG_ON), (5, rules.LOCAL_PORT))),
    Case("django-storage-beside-env", "backend/app/settings.py", (
        'import environ',
        'env = environ.Env()',
        'SECRET_KEY = env("DJANGO_SECRET_KEY")',
        'DATABASES = {',
        '    "default": {',
        '        "ENGINE": "django.db.backends.postgresql",',
        '        "NAME": "shop_prod",',
        '        "HOST": env("DB_HOST"),',
        '    }',
        '}',
        'AWS_STORAGE_BUCKET_NAME = "acme-prod-media"',
        'AWS_S3_REGION_NAME = "eu-west-1"',
    ), ((7, rules.ENV_LITERAL), (11, rules.ENV_LITERAL), (12, rules.ENV_LITERAL))),
    Case("flask-config", "app/config.py", (
        'class Config:',
        '    SQLALCHEMY_DATABASE_URI = "postgresql://app:app@localhost:5432/app"',
        '    CELERY_BROKER_URL = "amqp://guest@10.0.4.21:5672//"',
    ), ((2, rules.LOCAL_PORT), (3, rules.PRIVATE_IP))),
    Case("fastapi-client", "backend/app/services/billing.py", (
        'import httpx',
        '',
        'BILLING = httpx.AsyncClient(base_url="http://billing.payments.svc.cluster.local:8080")',
        'MODEL_PATH = "/Users/jane/projects/churn/model.pkl"',
    ), ((3, rules.INTERNAL_HOST), (4, rules.USER_PATH))),
    Case("spring-properties", "src/main/resources/application.properties", (
        "server.port=8080",
        "spring.datasource.url=jdbc:mysql://localhost:3306/petclinic",
        "spring.datasource.username=petclinic",
        "debug=true",
    ), ((2, rules.LOCAL_PORT), (4, rules.DEBUG_ON))),
    Case("spring-yaml", "orders/src/main/resources/application.yml", (
        "spring:",
        "  datasource:",
        '    url: "jdbc:postgresql://10.0.0.12:5432/orders"  # the orders primary',
        "  rabbitmq:",
        "    host: mq.corp",
    ), ((3, rules.PRIVATE_IP), (5, rules.INTERNAL_HOST))),
    Case("node-config-module", "src/config.ts", (
        'export const config = {',
        '  apiUrl: "https://api.staging.acme.io/v2",',
        '  cache: new URL("redis://cache.internal:6379"),',
        '  uploads: "https://acme-uploads-qa.s3.amazonaws.com",',
        '};',
    ), ((2, rules.ENV_HOST), (3, rules.INTERNAL_HOST), (4, rules.ENV_HOST))),
    Case("go-service", "internal/search/client.go", (
        "package search",
        "",
        'import "github.com/gin-gonic/gin"',
        "",
        "func New() (*Client, error) {",
        '\tgin.SetMode(gin.DebugMode)',
        '\tbrokers := []string{"localhost:9092"}',
        '\tcache := redis.NewClient(&redis.Options{Addr: "localhost:6379"})',
        '\treturn newClient("http://10.0.3.17:9200", brokers)',
        "}",
    ), ((6, rules.DEBUG_ON), (7, rules.LOCAL_PORT), (8, rules.LOCAL_PORT),
        (9, rules.PRIVATE_IP))),
    Case("production-branch-is-not-a-dev-branch", "src/client.ts", (
        "if (process.env.NODE_ENV === 'production') {",
        "  base = 'http://10.0.0.8:8080';",
        "}",
    ), ((2, rules.PRIVATE_IP),)),
    Case("rails-service", "app/services/payments_gateway.rb", (
        "class PaymentsGateway",
        '  BASE_URL = "https://qa-api.acme.com/v1".freeze',
        '  EXPORT_DIR = "/home/mkowalski/projects/exports"',
        '  RATES = File.read("/home/mkowalski/app/rates.csv")',
        "end",
    ), ((2, rules.ENV_HOST), (3, rules.USER_PATH), (4, rules.USER_PATH))),
    Case("dotnet-client", "src/Orders.Api/Clients/InventoryClient.cs", (
        "public sealed class InventoryClient",
        "{",
        '    private readonly HttpClient _http = new() {',
        '        BaseAddress = new Uri("http://localhost:5000") };',
        '    private const string Reports = @"C:\\Users\\mkowalski\\reports";',
        "}",
    ), ((4, rules.LOCAL_URL), (5, rules.USER_PATH))),
]

QUIET = [
    Case("comments-and-docstrings", "app/server.py", (
        '"""Serve the API on http://localhost:8000 during development."""',
        '# the staging API is https://api.staging.acme.io',
        'PORT = 8000  # http://127.0.0.1:8000/docs',
    )),
    Case("slash-comments", "src/api.ts", (
        "// local dev: http://localhost:3000",
        "/* see http://10.0.0.5:8080 */",
        " * http://db.internal:5432",
    )),
    Case("env-read-with-dev-default", "app/settings.py", (
        'import os',
        'REDIS_URL = os.getenv("REDIS_URL", "redis://localhost:6379/0")',
        'DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql://localhost:5432/app")',
    )),
    Case("node-env-fallback", "src/lib/api.ts", (
        "export const API_URL = process.env.NEXT_PUBLIC_API_URL ?? 'http://localhost:3000';",
        "const base = import.meta.env.VITE_API || 'http://localhost:8080';",
    )),
    Case("dev-only-django-settings", "config/settings/dev.py", (
        "DEBUG = True",
        'ALLOWED_HOSTS = ["localhost:8000", "192.168.1.20"]',
    )),
    Case("local-settings", "shop/local_settings.py", ('DEBUG = True',)),
    Case("spring-dev-profile", "src/main/resources/application-dev.properties", (
        "spring.datasource.url=jdbc:postgresql://localhost:5432/app",
    )),
    Case("spring-comments", "src/main/resources/application.properties", (
        "# local: spring.datasource.url=jdbc:mysql://localhost:3306/petclinic",
        "! legacy: http://10.0.0.5:8080",
    )),
    Case("placeholder-user-names", "app/paths.py", (
        'DATA = "/Users/username/projects/data"',
        'WIN = "C:\\Users\\YourName\\data"',
        'ROUTE = "/home/settings/profile"',
    )),
    Case("spring-prod-profile", "src/main/resources/application-prod.yml", (
        "spring:",
        "  datasource:",
        "    url: jdbc:postgresql://10.0.0.12:5432/orders",
    )),
    Case("spring-env-placeholder", "src/main/resources/application.yml", (
        "spring:",
        "  datasource:",
        "    url: ${DATABASE_URL:jdbc:postgresql://localhost:5432/app}",
    )),
    Case("vite-dev-server", "web/vite.config.ts", (
        "export default defineConfig({",
        "  server: { proxy: { '/api': 'http://localhost:8000' } },",
        "});",
    )),
    Case("webpack-dev", "webpack.dev.js", ("devServer: { proxy: 'http://localhost:8080' },",)),
    Case("cra-proxy", "src/setupProxy.js", (
        "app.use('/api', createProxyMiddleware({ target: 'http://localhost:5000' }));",
    )),
    Case("bind-addresses", "cmd/server/main.go", (
        "package main",
        'func main() { log.Fatal(http.ListenAndServe("0.0.0.0:8080", mux)) }',
        'var srv = &http.Server{Addr: "127.0.0.1:8080"}',
    )),
    Case("go-server-struct", "cmd/api/main.go", (
        "\tsrv := &http.Server{",
        '\t\tAddr:    "127.0.0.1:8080",',
        "\t\tHandler: mux,",
        "\t}",
    )),
    Case("node-listen", "src/server.js", (
        "app.listen(3000, '0.0.0.0', () => {",
        "  console.log('Server listening on http://localhost:3000');",
        "});",
    )),
    Case("uvicorn-run", "backend/app/main.py", (
        'if __name__ == "__main__":',
        '    uvicorn.run(app, host="0.0.0.0", port=8000)',
        '    print("open http://127.0.0.1:8000/docs")',
    )),
    Case("xml-namespaces", "src/main/java/com/acme/orders/Order.java", (
        '@XmlRootElement(name = "order", namespace = "http://schemas.acme.local/orders")',
        'String svg = "<svg xmlns=\\"http://www.w3.org/2000/svg\\"></svg>";',
    )),
    Case("public-api-base-urls", "app/payments.py", (
        'STRIPE_API = "https://api.stripe.com/v1"',
        'PAYPAL_API = "https://api-m.sandbox.paypal.com"',
        'PLAID_URL = "https://sandbox.plaid.com"',
        'MYSQL_DOCS = "https://dev.mysql.com/doc/refman/8.0/en/"',
    )),
    Case("rfc2606-names", "src/clients.py", (
        'STAGING = "https://staging.example.com"',
        'API = "http://api.test:8080"',
        'BROKEN = "https://db.invalid"',
        'DOCS_API = "https://staging.api.example"',
    )),
    Case("network-ranges-and-metadata", "app/net.py", (
        'TRUSTED_PROXIES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]',
        'METADATA = "http://169.254.169.254/latest/meta-data/"',
        'BROADCAST = "192.168.1.255"',
    )),
    Case("placeholder-text", "src/components/ServerForm.tsx", (
        '<input name="host" placeholder="192.168.1.10" />',
        '<TextField label="Server" helperText="e.g. http://10.0.0.5:8080" />',
    )),
    Case("url-parsing-base", "src/lib/urls.ts", (
        "const parsed = new URL(path, 'http://localhost');",
        "if (host === '127.0.0.1') { return true; }",
    )),
    Case("web-routes-under-home-and-users", "src/router.ts", (
        "router.push('/home/profile/edit');",
        'r.Post("/Users/AuthenticateByName/", api.authenticateByName)',
        'r.Get("/Users/Public/Items", api.getItems)',
    )),
    Case("column-mapping-beside-env", "src/lib/constants.ts", (
        "export const VERSION = process.env.VERSION;",
        "export const LOCALE = process.env.LOCALE || 'en-US';",
        "export const FIELDS = { region: 'region', country: 'country' };",
    )),
    Case("region-without-env-reads", "src/aws.ts", ("const region = 'us-east-1';",)),
    Case("debug-outside-settings", "app/utils.py", ("DEBUG = True",)),
    Case("generated-client", "webapp/src/client/runtime.ts", (
        "/* tslint:disable */",
        " * NOTE: This class is auto generated by OpenAPI Generator.",
        'export const BASE_PATH = "http://localhost:8080".replace(/\\/+$/, "");',
    )),
    Case("logged-and-raised", "app/db.py", (
        'logger.info("connecting to postgresql://localhost:5432")',
        'raise RuntimeError("is redis running on localhost:6379?")',
    )),
    Case("usage-text-in-a-raw-string", "cmd/migrate/main.go", (
        "const usage = `Examples:",
        '    migrate postgres "postgres://user:pass@localhost:5432/db?sslmode=disable" up',
        '    migrate clickhouse "tcp://127.0.0.1:9000" status',
        "`",
    )),
    Case("sample-inputs-of-a-scanner-rule", "cmd/generate/rules/curl.go", (
        "var samples = []string{",
        '	`curl -u "admin:hunter2" https://localhost:9200/_cat`,',
        '	`db.url=orders-db.dev.acme.io:5432`,',
        "}",
    )),
    Case("a-shell-command-continued-in-a-raw-string", "cmd/generate/rules/basic.go", (
        "\t\t` curl -X POST -H \"Content-Type: application/json\" \\",
        "  'http://localhost:8080/oauth2/v1.0/users'`,",
    )),
    Case("quoted-data-inside-a-string", "cmd/generate/rules/jwt.go", (
        '\t"iss": {`"http://localhost:8087/realms/acme"`, `"kubernetes/serviceaccount"`},',
    )),
    Case("a-development-only-branch", "mealie/routes/auth.py", (
        "    if not settings.PRODUCTION:",
        "        # in development the frontend runs apart",
        '        redirect_url = "http://localhost:3000/login"',
        "    if (process.env.NODE_ENV !== 'production') {",
        "      target = 'http://localhost:5173';",
    )),
    Case("assertions-in-inline-tests", "src-tauri/src/config.rs", (
        '        assert_eq!(API_URL, "http://localhost:3200");',
        '    assert url == "http://127.0.0.1:8000/api"',
    )),
    Case("named-for-development", "ui/src/index.tsx", (
        "const devUrl = 'http://localhost:3000/';",
        "const LOCAL_API_BASE = 'http://127.0.0.1:8000';",
    )),
    Case("in-a-block-named-for-development", "ui/src/index.tsx", (
        "const defaultDevConfig = {",
        "    url: 'http://localhost:3000/',",
        "};",
    )),
    Case("an-arriving-address", "router/router.go", (
        'if ctx.Request.RemoteAddr == "@" {',
        '	ctx.Request.RemoteAddr = "127.0.0.1:65535"',
        "}",
    )),
    Case("fallback-of-an-env-read-above", "app/db.py", (
        'url = os.getenv("DATABASE_URL")',
        'if not url:',
        '    url = "postgresql://app@localhost:5432/app"',
    )),
    Case("angular-dev-proxy", "src/Web/ClientApp/proxy.conf.js", (
        "const target = 'https://localhost:5001';",
    )),
    Case("dotted-names-are-not-hosts", "app/logging_setup.py", (
        'log = logging.getLogger("acme.internal")',
        'PACKAGE = "com.acme.local"',
    )),
]

NOT_READ = [
    "tests/test_api.py", "src/__tests__/api.test.ts", "spec/services/gateway_spec.rb",
    "internal/search/client_test.go", "docs/setup.md", "examples/client.py", ".env.example",
    "config.sample.py", "docker-compose.yml", "charts/app/values.yaml",
    "deploy/k8s/deployment.yaml", "terraform/prod.tfvars", ".github/workflows/ci.yml",
    "infra/lib/stack.ts", "src/environments/environment.ts", "config/environments/production.rb",
    "scripts/seed_local.py", "fixtures/server.js", "src/mocks/handlers.ts",
    "src/main/webapp/vendors/bootstrap/docs/assets/js/application.js",
]


@pytest.mark.parametrize("case", LOUD, ids=[c.id for c in LOUD])
def test_each_rule_reports_its_line(case: Case) -> None:
    report = review(new_file(case.path, list(case.lines)))
    assert [(line, rule) for _, line, rule in found(report)] == list(case.expected)
    assert report.check("hardcoded").status is Status.WARN  # default level


@pytest.mark.parametrize("case", QUIET, ids=[c.id for c in QUIET])
def test_quiet_cases_stay_quiet(case: Case) -> None:
    report = review(new_file(case.path, list(case.lines)))
    assert found(report) == []
    assert report.check("hardcoded").status is Status.PASS


@pytest.mark.parametrize("path", NOT_READ)
def test_files_that_hold_values_by_design_are_not_read(path: str) -> None:
    line = 'API = "http://localhost:8000/api"  # and 10.0.0.5:6379'
    report = review(new_file(path, [line]))
    assert found(report) == []


@pytest.mark.parametrize(("host", "port", "scheme", "rule"), [
    ("10.0.0.0", None, "http", None),  # a network address
    ("192.168.1.255", 80, "http", None),  # a broadcast address
    ("192.0.2.10", 80, "http", None),  # RFC 5737 documentation range
    ("169.254.169.254", None, "http", None),  # cloud metadata
    ("169.254.10.20", None, "http", rules.PRIVATE_IP),
    ("100.64.3.4", None, "http", rules.PRIVATE_IP),  # shared address space (RFC 6598)
    ("[fd12:3456::1]", 8080, "http", rules.PRIVATE_IP),
    ("[::1]", 8080, "http", rules.LOCAL_URL),
    ("app.localhost", 3000, "http", rules.LOCAL_URL),
    ("host.docker.internal", 5432, "postgres", rules.LOCAL_PORT),
    ("0.0.0.0", 8000, "http", rules.LOCAL_URL),
    ("0.0.0.0", 8000, None, None),  # a bind address
    ("api.staging.acme.co.uk", None, "https", rules.ENV_HOST),
    ("acme-staging.com", None, "https", rules.ENV_HOST),
    ("staging.co.uk", None, "https", None),  # no label of the team's own below the suffix
    ("dev.azure.com", None, "https", None),
    ("uat.acme.io", None, "https", rules.ENV_HOST),
    ("uat1.acme.io", None, "https", rules.ENV_HOST),
    ("kubernetes.default.svc", 443, "https", None),
    ("orders.prod.svc", 80, "http", rules.INTERNAL_HOST),
    ("${API_HOST}", None, "https", None),
])
def test_host_rules(host: str, port: int | None, scheme: str | None, rule: str | None) -> None:
    assert hosts.host_rule(host, port, scheme) == rule


@pytest.mark.parametrize("doc", rules.RULE_DOCS, ids=[d.id for d in rules.RULE_DOCS])
def test_each_documented_example_is_reported_by_its_rule(doc: RuleDoc) -> None:
    report = review(new_file("app/settings.py", [
        "import os", 'SECRET_KEY = os.environ["SECRET_KEY"]', 'SENTRY_DSN = os.getenv("DSN")',
        doc.example]))
    assert [(line, rule) for _, line, rule in found(report)] == [(4, doc.id)]


def test_every_rule_has_a_loud_case() -> None:
    covered = {rule for case in LOUD for _, rule in case.expected}
    assert covered == set(rules.RULE_IDS)


def test_a_development_block_opened_on_a_context_line_counts() -> None:
    diff = modified("ui/src/index.tsx", 18, ["const defaultDevConfig = {"],
                    ["    url: 'http://localhost:8080/',"], ["    url: 'http://localhost:3000/',"],
                    ["};"])
    assert found(review(diff)) == []
    loud = diff.replace("defaultDevConfig", "defaultConfig")
    assert [rule for _, _, rule in found(review(loud))] == [rules.LOCAL_URL]


def test_only_added_lines_are_read() -> None:
    diff = modified("app/settings.py", 10, ['INSTALLED_APPS = []'],
                    ['DEBUG = True'], ['DEBUG = False'], ['API = "http://localhost:8000"'])
    assert found(review(diff)) == []


def test_findings_name_the_value_and_the_fix_but_not_credentials() -> None:
    password = "hunter" + "2-" + "x9"
    report = review(new_file("app/db.py", [
        f'ENGINE = create_engine("postgresql://app:{password}@localhost:5432/app")']))
    finding = report.check("hardcoded").findings[0]
    assert "localhost:5432" in finding.message
    assert "environment" in finding.message
    assert password not in finding.message


def test_an_inline_marker_allows_the_line() -> None:
    report = review(new_file("app/settings.py", [
        'DEBUG = True',
        '# shipshape:allow hardcoded the kiosk build only ever talks to its own box',
        'KIOSK_API = "http://localhost:8080/api"',
        'ADMIN_API = "http://localhost:9090/api"  # shipshape:allow hardcoded-local-url kiosk',
    ]))
    result = report.check("hardcoded")
    by_line = {f.line: f.severity for f in result.findings}
    assert by_line == {1: Severity.WARN, 3: Severity.NOTICE, 4: Severity.NOTICE}
    assert result.status is Status.WARN


def test_level_fail_turns_findings_into_failures() -> None:
    report = review(new_file("app/settings.py", ["DEBUG = True"]),
                    {"hardcoded": {"level": "fail"}})
    assert report.check("hardcoded").status is Status.FAIL
    assert [f.severity for f in report.check("hardcoded").findings] == [Severity.FAIL]


def test_many_findings_in_one_file_are_summarised() -> None:
    lines = [f'HOST_{i} = "http://10.0.0.{i + 1}:8080"' for i in range(30)]
    findings = review(new_file("app/hosts.py", lines)).check("hardcoded").findings
    assert len(findings) == 21
    assert findings[-1].message.startswith("... and 10 more")


def test_work_grows_linearly_with_added_lines() -> None:
    def build(n: int) -> Any:
        lines = [line for i in range(n) for line in (
            f'API_{i} = "http://localhost:{8000 + i % 1000}/v1"',
            f'# see https://api.staging.acme.io/{i}',
            f'NAME_{i} = compute({i}, "dev-{i}")')]
        snapshot = checks.load_snapshot({"title": "t", "diff": new_file("app/hosts.py", lines)})
        return lambda: checks.run(snapshot, only={"hardcoded"})

    assert_linear(build, 300, what="the hardcoded check")
