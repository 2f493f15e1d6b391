"""Path classification: test, source and the other kinds, by each ecosystem's real conventions."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checks.model import ChangedFile, FileStatus, Line
from checks.paths import (
    PathKind,
    classify,
    is_generated,
    is_lock_file,
    is_vendored,
    language_family,
)
from tests.growth import assert_linear

T, S = PathKind.TEST, PathKind.SOURCE

CLASSIFICATION = [
    # Python: pytest's test_*.py / *_test.py, conftest.py, Django's tests.py, tests/ trees.
    ("tests/test_invoice.py", T),
    ("tests/billing/test_invoice.py", T),
    ("src/billing/invoice_test.py", T),
    ("tests/conftest.py", T),
    ("conftest.py", T),
    ("shop/tests.py", T),
    ("shop/tests/test_views.py", T),
    ("tests/fixtures/invoice.json", T),
    ("tests/data/broken.csv", T),
    ("testing/test_assertion.py", T),  # pytest's own layout
    ("src/billing/invoice.py", S),
    ("shop/views.py", S),
    ("src/shipshape/testing_utils.py", S),  # a helper module, not a test
    ("contest.py", S),
    ("src/protest/latest.py", S),
    ("src/attest.py", S),
    ("src/tester.py", S),
    ("src/pkg/__init__.py", S),
    # JavaScript / TypeScript: *.test.*, *.spec.*, __tests__/, Cypress, Playwright, e2e.
    ("src/components/Button.test.tsx", T),
    ("src/api/client.spec.ts", T),
    ("src/utils/__tests__/format.ts", T),
    ("lib/parse.test.mjs", T),
    ("src/app/user.service.spec.ts", T),
    ("cypress/e2e/login.cy.ts", T),
    ("cypress/support/commands.ts", T),
    ("src/components/Modal.cy.tsx", T),
    ("e2e/checkout.spec.ts", T),
    ("playwright/tests/login.ts", T),
    ("apps/web-e2e/src/app.ts", T),  # Nx e2e project
    ("test/app.e2e-spec.ts", T),  # NestJS
    ("src/components/__snapshots__/Button.test.tsx.snap", T),
    ("src/__mocks__/axios.js", T),
    ("src/types.test-d.ts", T),
    ("src/setupTests.ts", T),
    ("jest.setup.js", T),
    ("src/components/Button.tsx", S),
    ("src/app/user.service.ts", S),
    ("src/pages/latest.tsx", S),
    ("src/contest/index.js", S),
    ("src/testimonials/Card.vue", S),
    ("src/components/Button.stories.tsx", PathKind.DOCS),  # Storybook is not a test
    ("src/types/env.d.ts", PathKind.DECLARATION),
    ("next-env.d.ts", PathKind.DECLARATION),
    ("vite.config.ts", PathKind.CONFIG),
    ("jest.config.js", PathKind.CONFIG),
    ("playwright.config.ts", PathKind.CONFIG),
    (".eslintrc.cjs", PathKind.CONFIG),
    ("package.json", PathKind.CONFIG),
    ("tsconfig.build.json", PathKind.CONFIG),
    ("src/bench/parse.bench.ts", PathKind.BENCHMARK),
    # Go: *_test.go and testdata/.
    ("internal/ratelimit/bucket_test.go", T),
    ("pkg/parser/testdata/input.golden", T),
    ("internal/ratelimit/bucket.go", S),
    ("pkg/release/latest.go", S),
    ("cmd/server/main.go", S),
    ("internal/testutil/db.go", T),
    ("pkg/mylib/doc.go", PathKind.DOCS),
    ("tools.go", PathKind.CONFIG),
    ("go.mod", PathKind.CONFIG),
    ("config/config.go", S),  # a Go package named config is code
    # Java / Kotlin / Groovy / Scala.
    ("src/test/java/com/acme/orders/OrderServiceTest.java", T),
    ("src/main/java/com/acme/orders/OrderServiceTest.java", T),  # the name alone says so
    ("src/test/java/com/acme/orders/OrderServiceTests.java", T),
    ("src/test/java/com/acme/orders/TestOrderService.java", T),
    ("src/it/java/com/acme/orders/OrderRepositoryIT.java", T),
    ("service/src/main/java/com/acme/orders/OrderRepositoryIT.java", T),
    ("app/src/test/kotlin/com/acme/cart/CartViewModelTest.kt", T),
    ("app/src/androidTest/java/com/acme/MainActivityTest.kt", T),
    ("lib/src/testFixtures/java/com/acme/Orders.java", T),
    ("src/commonTest/kotlin/com/acme/ParserTests.kt", T),
    ("src/test/groovy/com/acme/OrderSpec.groovy", T),
    ("src/test/scala/com/acme/ParserSuite.scala", T),
    ("src/main/java/com/acme/orders/OrderService.java", S),
    ("src/main/java/com/acme/politics/Protest.java", S),
    ("src/main/java/com/acme/Contest.java", S),
    ("src/main/java/com/acme/Testable.java", S),
    ("src/main/java/com/acme/JIT.java", S),
    ("src/main/java/com/acme/orders/OrderSpec.java", S),  # a JPA Specification
    ("app/src/main/kotlin/com/acme/cart/CartViewModel.kt", S),
    ("src/main/java/com/acme/package-info.java", PathKind.DOCS),
    ("src/jmh/java/com/acme/ParserBenchmark.java", PathKind.BENCHMARK),
    ("build.gradle.kts", PathKind.CONFIG),
    ("pom.xml", PathKind.CONFIG),
    ("src/main/resources/application.yml", PathKind.CONFIG),
    ("src/main/resources/db/migration/V2__add_orders.sql", PathKind.MIGRATION),
    ("src/main/resources/templates/orders.html", PathKind.ASSET),
    ("app/src/main/res/layout/activity_main.xml", PathKind.ASSET),
    ("app/src/main/AndroidManifest.xml", PathKind.CONFIG),
    # Ruby: RSpec spec/, *_spec.rb; Minitest test/, *_test.rb; Cucumber features.
    ("spec/models/user_spec.rb", T),
    ("spec/support/auth_helpers.rb", T),
    ("spec/factories/users.rb", T),
    ("spec/rails_helper.rb", T),
    ("test/models/user_test.rb", T),
    ("test/test_helper.rb", T),
    ("features/checkout.feature", T),
    ("features/step_definitions/checkout_steps.rb", T),
    ("app/models/user.rb", S),
    ("app/models/attestation.rb", S),
    ("lib/tasks/cleanup.rake", PathKind.SCRIPT),  # rake tasks are task scripts
    ("app/views/users/show.html.erb", PathKind.ASSET),
    ("config/routes.rb", PathKind.CONFIG),
    ("config/initializers/sidekiq.rb", PathKind.CONFIG),
    ("Gemfile", PathKind.CONFIG),
    ("billing.gemspec", PathKind.CONFIG),
    ("db/migrate/20240501120000_add_email_to_users.rb", PathKind.MIGRATION),
    ("db/schema.rb", PathKind.MIGRATION),
    ("db/seeds.rb", PathKind.DATA),
    # C# / F#: *.Tests projects, *Tests.cs.
    ("tests/Billing.Tests/Services/TaxServiceTests.cs", T),
    ("Billing.UnitTests/TaxServiceTest.cs", T),
    ("test/Billing.IntegrationTests/Fixtures/seed.json", T),
    ("src/Billing/Services/TaxService.cs", S),
    ("src/Billing/Services/Contest.cs", S),
    ("src/Billing/Specifications/ActiveUsersSpec.cs", S),  # Ardalis-style specification
    ("src/Billing/Billing.csproj", PathKind.CONFIG),
    ("src/Billing/appsettings.Development.json", PathKind.CONFIG),
    ("src/Billing/Migrations/20240101093000_AddInvoices.cs", PathKind.MIGRATION),
    ("src/Billing/Properties/Resources.Designer.cs", PathKind.GENERATED),
    ("src/Billing/Views/Home/Index.cshtml", PathKind.ASSET),
    # Rust: tests/ is integration tests, benches/ is not a test tree.
    ("tests/parse.rs", T),
    ("crates/lexer/tests/tokens.rs", T),
    ("src/lexer.rs", S),
    ("crates/lexer/src/lib.rs", S),
    ("benches/lexer.rs", PathKind.BENCHMARK),
    ("build.rs", PathKind.CONFIG),
    ("Cargo.toml", PathKind.CONFIG),
    # PHP: tests/, *Test.php, Codeception *Cest.php; Blade views are templates.
    ("tests/Unit/Service/MailerTest.php", T),
    ("tests/Feature/CheckoutTest.php", T),
    ("tests/acceptance/LoginCest.php", T),
    ("src/Service/Mailer.php", S),
    ("app/Http/Controllers/ProtestController.php", S),
    ("resources/views/welcome.blade.php", PathKind.ASSET),
    ("database/migrations/2024_01_01_000000_create_orders_table.php", PathKind.MIGRATION),
    ("database/seeders/DatabaseSeeder.php", PathKind.DATA),
    ("database/factories/GenderFactory.php", PathKind.DATA),  # Laravel model factories
    ("src/factories/UserFactory.ts", S),
    ("composer.json", PathKind.CONFIG),
    # Elixir: test/, *_test.exs; Phoenix migrations and templates.
    ("test/my_app/accounts_test.exs", T),
    ("test/support/data_case.ex", T),
    ("test/test_helper.exs", T),
    ("lib/my_app/accounts.ex", S),
    ("lib/my_app_web/live/contest_live.ex", S),
    ("priv/repo/migrations/20240101000000_create_users.exs", PathKind.MIGRATION),
    ("lib/my_app_web/components/layouts/root.html.heex", PathKind.ASSET),
    ("mix.exs", PathKind.CONFIG),
    ("config/runtime.exs", PathKind.CONFIG),
    # Swift, Dart, C and C++.
    ("Tests/ParserTests/TokenizerTests.swift", T),
    ("MyAppUITests/LoginUITests.swift", T),
    ("Sources/Parser/Tokenizer.swift", S),
    ("Package.swift", PathKind.CONFIG),
    ("test/widgets/counter_test.dart", T),
    ("integration_test/app_test.dart", T),
    ("lib/src/widgets/counter.dart", S),
    ("lib/widgets/counter.g.dart", PathKind.GENERATED),
    ("src/net/socket_test.cc", T),
    ("base/strings/string_util_unittest.cc", T),
    ("tests/test_buffer.c", T),
    ("src/net/socket.cc", S),
    ("src/buffer.h", S),
    ("src/latest.c", S),
    ("CMakeLists.txt", PathKind.CONFIG),
    # Others that are easy: Bats, Perl, Lua, Haskell, Gherkin anywhere.
    ("test/install.bats", T),
    ("t/basic.t", T),
    ("spec/parser_spec.lua", T),
    # Migrations in the usual places.
    ("shop/migrations/0007_order_note.py", PathKind.MIGRATION),
    ("alembic/versions/3f2a1b_add_orders.py", PathKind.MIGRATION),
    ("migrations/versions/3f2a1b_add_orders.py", PathKind.MIGRATION),
    ("db/migrations/20240101_create_users.up.sql", PathKind.MIGRATION),
    ("sql/000012_add_index.down.sql", PathKind.MIGRATION),
    ("sql/V3_1__add_index.sql", PathKind.MIGRATION),
    ("db/changelog/db.changelog-master.yaml", PathKind.MIGRATION),
    ("prisma/migrations/20240101_init/migration.sql", PathKind.MIGRATION),
    ("src/migration/1700000000000-AddUsers.ts", PathKind.MIGRATION),
    ("tests/migrations/0001_initial.py", T),  # a test app's migrations are test code
    # Docs.
    ("README.md", PathKind.DOCS),
    ("docs/setup.md", PathKind.DOCS),
    ("docs/conf.py", PathKind.DOCS),
    ("LICENSE", PathKind.DOCS),
    ("COPYING.LESSER", PathKind.DOCS),
    ("CHANGELOG.md", PathKind.DOCS),
    ("examples/basic/main.go", PathKind.DOCS),
    ("specs/001-login/spec.md", PathKind.DOCS),  # spec-kit style specs are docs
    ("spec/README.md", PathKind.DOCS),
    ("src/billing/changes.py", S),  # a module named like a doc file is still code
    ("config/security.yml", PathKind.CONFIG),
    # Config and CI.
    (".github/workflows/ci.yml", PathKind.CI),
    (".github/workflows/test.yml", PathKind.CI),
    (".github/actions/setup/action.yml", PathKind.CI),
    (".gitlab-ci.yml", PathKind.CI),
    ("Jenkinsfile", PathKind.CI),
    (".circleci/config.yml", PathKind.CI),
    ("azure-pipelines.yml", PathKind.CI),
    (".ci/run", PathKind.CI),
    (".github/CODEOWNERS", PathKind.CONFIG),
    (".github/dependabot.yml", PathKind.CONFIG),
    ("Dockerfile", PathKind.CONFIG),
    ("docker/Dockerfile.prod", PathKind.CONFIG),
    ("docker-compose.yml", PathKind.CONFIG),
    ("Makefile", PathKind.CONFIG),
    ("pyproject.toml", PathKind.CONFIG),
    ("setup.cfg", PathKind.CONFIG),
    ("requirements-dev.txt", PathKind.CONFIG),
    (".env.example", PathKind.CONFIG),
    (".gitignore", PathKind.CONFIG),
    ("deploy/k8s/deployment.yaml", PathKind.CONFIG),
    ("infra/main.tf", PathKind.CONFIG),
    ("packages/api/config/default.js", PathKind.CONFIG),
    ("src/config/index.ts", S),  # configuration code inside src/ is code
    # Assets, data, scripts, lock, vendored.
    ("src/styles/main.scss", PathKind.ASSET),
    ("public/logo.svg", PathKind.ASSET),
    ("assets/fonts/Inter.woff2", PathKind.ASSET),
    ("templates/base.html", PathKind.ASSET),
    ("app/templates/emails/welcome.jinja2", PathKind.ASSET),
    ("locale/de/LC_MESSAGES/django.po", PathKind.ASSET),
    ("proto/billing/v1/invoice.proto", PathKind.DATA),
    ("schema.graphql", PathKind.DATA),
    ("scripts/release.py", PathKind.SCRIPT),
    ("bin/setup.sh", PathKind.SCRIPT),
    ("hack/update-codegen.sh", PathKind.SCRIPT),
    ("poetry.lock", PathKind.LOCK),
    ("web/package-lock.json", PathKind.LOCK),
    ("vendor/github.com/pkg/errors/errors.go", PathKind.VENDORED),
    ("web/node_modules/left-pad/index.js", PathKind.VENDORED),
    ("api/v1/invoice.pb.go", PathKind.GENERATED),
    ("src/billing/invoice_pb2.py", PathKind.GENERATED),
    ("bench/engine.py", PathKind.BENCHMARK),
    ("benchmarks/bench_parse.py", PathKind.BENCHMARK),
    # Shapes met in real PRs: bundler output committed next to its sources (webpack, Vite).
    ("app/themes/core/static/assets/scoreboard.3f07d373.js", PathKind.GENERATED),
    ("app/themes/core/static/assets/main.e9ec7884.css", PathKind.GENERATED),
    ("web/dist/assets/index-BkZx9aQ1.js", PathKind.GENERATED),
    ("web/build/static/js/main.chunk.js", PathKind.GENERATED),
    ("src/components/user-profile1.js", S),  # a digit is not a hash
    ("src/components/user-settings.js", S),
    ("src/lib/a1b2c3d4.ts", S),  # only bundles (js, css) get hashed names
    # Go generators and mocks by name: the header that says so is rarely inside the hunk.
    ("cmd/server/wire_gen.go", PathKind.GENERATED),
    ("pkg/apis/v1/zz_generated.deepcopy.go", PathKind.GENERATED),
    ("internal/store/mock_store.go", PathKind.GENERATED),
    ("internal/store/store_mock.go", PathKind.GENERATED),
    ("internal/store/mockery.go", S),
    ("magefile.go", PathKind.CONFIG),
    # Libraries copied into a web root.
    ("public/libs/tinymce/plugins/table/plugin.js", PathKind.VENDORED),
    ("static/lib/chart/chart.js", PathKind.VENDORED),
    ("src/lib/chart.js", S),
    ("app/assets/javascripts/lib/markdown.js", S),
    # Translations kept as code, and PHP templates.
    ("lang/en/settings.php", PathKind.ASSET),
    ("resources/lang/pt_BR/auth.php", PathKind.ASSET),
    ("src/i18n/zh-CN/index.ts", PathKind.ASSET),
    ("src/i18n/index.ts", S),
    ("plugins/Export/templates/email/html/digest.php", PathKind.ASSET),
    ("src/View/Helper/FormatHelper.php", S),
    # Alembic revisions under a custom script location.
    ("src/app/database/revisions/tenant/versions/2025-08-06_f2bce475e71b.py", PathKind.MIGRATION),
    ("src/app/db/versions/ae1027a6acf1_add_owner.py", PathKind.MIGRATION),
    ("src/app/api/versions/router.py", S),
    # Cucumber and Behave support code, but not a feature-sliced app.
    ("features/support/env.rb", T),
    ("features/steps/login_steps.py", T),
    ("src/features/auth/LoginForm.tsx", S),
    # Jasmine and Mocha name specs with an underscore or dash.
    ("spec/javascripts/app/views/help_view_spec.js", T),
    ("test/unit/parser-spec.js", T),
    ("src/ab-test.ts", S),
    # Build drivers and shared tool-config packages.
    ("build.mjs", PathKind.CONFIG),
    ("dev/build/esbuild.js", PathKind.SCRIPT),
    ("packages/eslint-config/index.js", PathKind.CONFIG),
    ("packages/tailwind-config/index.cjs", PathKind.CONFIG),
    ("packages/config/src/env.ts", S),
    ("lib/tasks/backfill.rake", PathKind.SCRIPT),
]


@pytest.mark.parametrize(("path", "kind"), CLASSIFICATION, ids=[p for p, _ in CLASSIFICATION])
def test_classify(path: str, kind: PathKind) -> None:
    assert classify(path) is kind


def test_every_language_has_both_test_and_source_examples() -> None:
    families = {}
    for path, kind in CLASSIFICATION:
        if kind in (T, S) and language_family(path):
            families.setdefault(language_family(path), set()).add(kind)
    for family in ("python", "js", "go", "jvm", "ruby", "dotnet", "rust", "php", "elixir",
                   "swift", "dart", "c"):
        assert families.get(family) == {T, S}, family


def test_only_source_needs_tests_and_every_kind_has_a_label() -> None:
    assert {kind.label for kind in PathKind} >= {"tests", "docs", "config", "CI", "migrations"}
    assert len({kind.label for kind in PathKind}) == len(PathKind)


def test_classify_never_crashes_on_odd_paths() -> None:
    for path in ("", "/", "a//b", ".", "..", "tests/", "x.", ".x.", "ÜBER/straße.py", "a b/c d.ts"):
        assert isinstance(classify(path), PathKind)


def test_classify_grows_linearly_with_path_depth() -> None:
    # Per-path speed on a large PR is measured with the whole engine (bench/engine.py); what a
    # test can hold on any machine is that deep paths do not make classification super-linear.
    def build(depth: int) -> Callable[[], list[PathKind]]:
        prefix = "".join(f"pkg{i}/" for i in range(depth))
        paths = [prefix + path for path, _ in CLASSIFICATION]
        return lambda: [classify(path) for path in paths]

    assert_linear(build, 200)


# --- the original helpers keep their behaviour ------------------------------------------------

def test_lock_vendored_generated_helpers() -> None:
    assert is_lock_file("web/yarn.lock") and not is_lock_file("src/lock.py")
    assert is_vendored("vendor/github.com/x/y.go") and not is_vendored("src/vendors.py")
    generated = ChangedFile("api/types.go", FileStatus.ADDED, additions=1,
                            added=(Line(1, "// Code generated by protoc-gen-go. DO NOT EDIT."),))
    handwritten = ChangedFile("api/types.go", FileStatus.ADDED, additions=1,
                              added=(Line(1, "package api"),))
    assert is_generated(generated) and not is_generated(handwritten)
    assert is_generated(ChangedFile("web/app.min.js", FileStatus.MODIFIED))
    assert is_generated(ChangedFile("static/assets/index.6c6d1611.js", FileStatus.ADDED))
    assert not is_generated(ChangedFile("static/js/index.js", FileStatus.ADDED))
    assert is_vendored("public/libs/tinymce/tinymce.js") and not is_vendored("src/libs/x.js")


def test_generated_markers_are_read_from_a_bounded_prefix_of_a_long_line() -> None:
    # A minified bundle whose one line says "generated by" thousands of times, never "do not
    # edit": the marker search stays linear in the number of lines, not quadratic in their length.
    def build(size: int) -> Callable[[], object]:
        changed = ChangedFile("web/dist/app.js", FileStatus.ADDED,
                              added=(Line(1, "/* code generated by esbuild; */ " * size),))
        return lambda: is_generated(changed)

    assert_linear(build, 500, what="is_generated on one long line")
    marked = ChangedFile("api/client.go", FileStatus.ADDED, added=(
        Line(1, "// Code generated by oapi-codegen. DO NOT EDIT." + " " * 100_000),))
    assert is_generated(marked)


# Paths that take the folder tests' slower branches: a dot folder below the top, test folders
# named by affix or case, web roots in any case, locale folders.
FOLDER_CASES = [
    ("tools/.devcontainer/setup.py", PathKind.CONFIG),
    ("web/.storybook/preview.tsx", PathKind.CONFIG),
    ("src/a.b/.c/x.py", PathKind.CONFIG),
    ("src/My.Tests/Foo.cs", T),
    ("src/App.UnitTests/Foo.cs", T),
    ("src/integration-tests/x.go", T),
    ("src/attest/x.go", S),
    ("Public/Libs/x.js", PathKind.VENDORED),
    ("www/Static/vendorish/lib/x.js", PathKind.VENDORED),
    ("static/js/lib.js", S),
    ("src/locales/pt-BR/index.ts", PathKind.ASSET),
    ("src/i18n/x.ts", S),
    # BCP 47 variants and numeric regions: BookStack's lang/de_informal, WordPress's de_DE_formal.
    ("lang/de_informal/entities.php", PathKind.ASSET),
    ("resources/lang/de_DE_formal/auth.php", PathKind.ASSET),
    ("src/locales/es-419/index.ts", PathKind.ASSET),
    ("src/lang/ast_nodes/parser.ts", S),  # a three-letter word is no language before a variant
    ("src/i18n/formatters/number.ts", S),
]


@pytest.mark.parametrize(("path", "kind"), FOLDER_CASES)
def test_folder_rules(path: str, kind: PathKind) -> None:
    assert classify(path) is kind
    assert is_vendored(path) is (kind is PathKind.VENDORED)


def test_generated_names_are_read_from_the_file_name_alone() -> None:
    # The engine asks by name and classify by name, so one cached answer serves both.
    from posixpath import basename

    from checks.paths import _GENERATED_NAME, _HASHED_BUNDLE

    paths = [path for path, _ in CLASSIFICATION] + [
        "pkg/apis/v1/zz_generated.deepcopy.go", "zz_generated.x.go", "a/zz_generated.go/x.go",
        "mocks/mock_store.go", "a/b_mock.go/c.txt", "web/app.min.js", "static/index-BkZx9aQ1.js",
        "x.3f2a9c1b/app.js", "assets/app.3f2a9c1b.js"]
    for pattern in (_GENERATED_NAME, _HASHED_BUNDLE):
        assert [p for p in paths if bool(pattern.search(p)) != bool(
            pattern.search(basename(p)))] == []


def test_a_path_is_classified_once_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    # The tests, api-docs and hardcoded checks all ask what a changed file is.
    import checks
    import checks.paths
    from tests.diffs import modified, new_file

    seen: list[str] = []
    real = checks.paths._early_kind
    monkeypatch.setattr(checks.paths, "_early_kind",
                        lambda dirs, low, name: seen.append(name) or real(dirs, low, name))
    checks.paths.classify.cache_clear()
    diff = (new_file("src/api/routes.py", ["from fastapi import APIRouter", "",
                                           "router = APIRouter()", "",
                                           '@router.get("/users")', "def users():",
                                           '    return "http://example.com/x"'])
            + modified("src/app.py", 3, ["a"], ["b = 1"], ["if c:", "    d()"]))
    checks.run({"title": "BILL-1: routes", "diff": diff})
    assert sorted(seen) == ["app.py", "routes.py"]


def test_every_generated_marker_says_generated() -> None:
    # is_generated runs the marker pattern only on text that holds "generated" (any case).
    from checks.paths import _GENERATED_MARKER

    branches = _GENERATED_MARKER.pattern.split("|")
    assert len(branches) > 1 and all("generated" in branch.lower() for branch in branches)
    assert all("(" not in branch for branch in branches)  # no group hides another "|"
    shouting = ChangedFile("api/x.go", FileStatus.ADDED, added=(
        Line(1, "// CODE GENERATED BY MOCKGEN. DO NOT EDIT."),))
    assert is_generated(shouting)


def test_a_files_generated_marker_is_read_once_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    # The engine (ignore_generated) and the commits check (what counts towards size) both ask.
    import checks
    import checks.paths
    from tests.diffs import modified, new_file

    reads: list[int] = []
    real = checks.paths._has_generated_marker
    monkeypatch.setattr(checks.paths, "_has_generated_marker",
                        lambda added: reads.append(len(added)) or real(added))
    diff = (new_file("api/client.go", ["// Code generated by oapi-codegen. DO NOT EDIT.", "x"])
            + modified("src/app.py", 3, ["a"], ["b"], ["c", "d"])
            + new_file("web/app.min.js", ["!function(){}"]))
    report = checks.run({"title": "BILL-1: client", "diff": diff})
    assert report.stats["ignored_files"] == 2  # the marked file and the .min.js by name
    assert sorted(reads) == [2, 2]  # the two files without a generated name, once each
