"""Test pairing: which test is a source file's own, which tests cover it, where tests live."""

from __future__ import annotations

import pytest

import checks
from checks.model import ChangedFile, FileStatus, Line
from checks.pairing import (
    candidate_tests,
    covers,
    has_inline_test_change,
    names_a_test,
    own_tests,
    source_subject,
    subject_under_test,
)
from checks.paths import PathKind, classify

# --- subjects and own tests -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("test_path", "subject"),
    [
        ("tests/billing/test_invoice.py", "invoice"),
        ("src/billing/invoice_test.py", "invoice"),
        ("src/app/user.service.spec.ts", "userservice"),
        ("src/components/Button/__tests__/index.test.tsx", "button"),
        ("src/test/java/com/acme/OrderServiceTest.java", "orderservice"),
        ("src/test/java/com/acme/TestOrderService.java", "orderservice"),
        ("src/it/java/com/acme/OrderRepositoryIT.java", "orderrepository"),
        ("spec/models/user_spec.rb", "user"),
        ("tests/Billing.Tests/TaxServiceTests.cs", "taxservice"),
        ("test/my_app/accounts_test.exs", "accounts"),
        ("Tests/ParserTests/TokenizerTests.swift", "tokenizer"),
        ("base/string_util_unittest.cc", "stringutil"),
        ("tests/parser.rs", "parser"),
        ("tests/conftest.py", ""),
    ],
)
def test_test_subject(test_path: str, subject: str) -> None:
    assert subject_under_test(test_path) == subject


def test_source_subject_uses_the_folder_for_index_files() -> None:
    assert source_subject("src/components/Button/index.tsx") == "button"
    assert source_subject("app/Http/index.php") == "http"
    assert source_subject("crates/daemon/src/search/index.rs") == "index"  # a search index
    assert source_subject("app/search/index.py") == "index"
    assert source_subject("src/Server/Item/ItemRepository.Querying.cs") == "itemrepository"
    assert source_subject("src/parser/mod.rs") == "parser"
    assert source_subject("src/app/user_service.py") == "userservice"
    assert source_subject("src/lib.rs") == ""


OWN_TESTS = [
    ("src/billing/invoice.py",
     ["tests/billing/test_invoice.py", "tests/shipping/test_invoice.py", "tests/test_discounts.py"],
     ["tests/billing/test_invoice.py"]),
    ("mypkg/billing/invoice.py", ["tests/test_invoice.py"], ["tests/test_invoice.py"]),
    ("app/web/views.py", ["tests/api/test_views.py"], []),
    ("app/web/views.py", ["tests/unit/web/test_views.py"], ["tests/unit/web/test_views.py"]),
    ("src/main/java/com/acme/orders/PriceCalculator.java",
     ["src/test/java/com/acme/orders/PriceCalculatorTest.java",
      "src/test/java/com/acme/billing/PriceCalculatorTest.java"],
     ["src/test/java/com/acme/orders/PriceCalculatorTest.java"]),
    ("src/main/java/com/acme/orders/Order.java", ["src/test/kotlin/com/acme/orders/OrderTest.kt"],
     ["src/test/kotlin/com/acme/orders/OrderTest.kt"]),
    ("packages/a/src/utils.ts", ["packages/b/test/utils.test.ts"], []),
    ("packages/a/src/utils.ts", ["packages/a/test/utils.test.ts"],
     ["packages/a/test/utils.test.ts"]),
    ("src/components/Button/index.tsx", ["src/components/Button/Button.test.tsx"],
     ["src/components/Button/Button.test.tsx"]),
    ("app/models/user.rb", ["spec/models/user_spec.rb", "spec/requests/users_spec.rb"],
     ["spec/models/user_spec.rb"]),
    ("src/Billing/Services/TaxService.cs", ["tests/Billing.Tests/Services/TaxServiceTests.cs"],
     ["tests/Billing.Tests/Services/TaxServiceTests.cs"]),
    ("app/Models/User.php", ["tests/Unit/Models/UserTest.php"], ["tests/Unit/Models/UserTest.php"]),
    ("lib/my_app/accounts.ex", ["test/my_app/accounts_test.exs"],
     ["test/my_app/accounts_test.exs"]),
    ("Sources/Parser/Tokenizer.swift", ["Tests/ParserTests/TokenizerTests.swift"],
     ["Tests/ParserTests/TokenizerTests.swift"]),
    ("src/parser/mod.rs", ["tests/parser.rs"], ["tests/parser.rs"]),
    ("src/billing/invoice.py", ["web/src/invoice.test.ts"], []),  # another language
    ("src/lib.rs", ["tests/lib.rs", "tests/__init__.py"], []),
    # Helpers in test trees are nobody's own test.
    ("plugins/Export/config/bootstrap.php", ["tests/bootstrap.php"], []),
    ("internal/artwork/repo.go", ["tests/mock_repo.go"], []),
    ("server/env.ts", ["server/test/env.ts"], []),
    # A Go test belongs to its package: the same folder.
    ("internal/eval/data/server.go", ["internal/eval/server_test.go"], []),
    ("internal/eval/server.go", ["internal/eval/server_test.go"], ["internal/eval/server_test.go"]),
    # C# partial classes share the class's test file.
    ("src/Server/Item/ItemRepository.Querying.cs",
     ["tests/Server.Tests/Item/ItemRepositoryTests.cs"],
     ["tests/Server.Tests/Item/ItemRepositoryTests.cs"]),
    # Jasmine specs, Kotest specs and Rust integration tests.
    ("app/assets/javascripts/app/views/help_view.js",
     ["spec/javascripts/app/views/help_view_spec.js"],
     ["spec/javascripts/app/views/help_view_spec.js"]),
    ("src/main/kotlin/com/acme/Pricing.kt", ["src/test/kotlin/com/acme/PricingSpec.kt"],
     ["src/test/kotlin/com/acme/PricingSpec.kt"]),
    ("crates/daemon/src/search/index.rs", ["crates/daemon/tests/search.rs"], []),
]


@pytest.mark.parametrize(("source", "tests", "expected"), OWN_TESTS)
def test_own_tests(source: str, tests: list[str], expected: list[str]) -> None:
    assert own_tests(source, tests) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("src/shop/billing/invoice.py", "tests/shop/billing/test_invoice.py"),
        ("web/src/components/Table.tsx", "web/src/components/Table.test.tsx"),
        ("internal/ratelimit/bucket.go", "internal/ratelimit/bucket_test.go"),
        ("src/main/java/com/acme/Foo.java", "src/test/java/com/acme/FooTest.java"),
        ("app/models/user.rb", "spec/models/user_spec.rb"),
        ("lib/acme/client.rb", "spec/acme/client_spec.rb"),
        ("src/Billing/Services/Tax.cs", "tests/Billing.Tests/Services/TaxTests.cs"),
        ("src/Service/Mailer.php", "tests/Service/MailerTest.php"),
        ("lib/my_app/accounts.ex", "test/my_app/accounts_test.exs"),
        ("src/lexer.rs", "src/lexer/tests.rs"),
        ("Sources/Parser/Tokenizer.swift", "Tests/ParserTests/TokenizerTests.swift"),
        ("lib/src/counter.dart", "test/src/counter_test.dart"),
        ("src/net/socket.cc", "src/net/socket_test.cc"),
    ],
)
def test_candidate_tests_start_with_the_convention(source: str, expected: str) -> None:
    candidates = candidate_tests(source)
    assert candidates[0] == expected
    assert all(classify(path) is PathKind.TEST for path in candidates), candidates
    assert all(own_tests(source, [path]) == [path] for path in candidates), candidates


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("app/plugins/dynamic_scoring/__init__.py", "tests/plugins/test_dynamic_scoring.py"),
        ("inventory/api/serializers.py", "inventory/api/tests/test_serializers.py"),
        ("src/Server/Item/ItemRepository.Querying.cs",
         "tests/Server.Tests/Item/ItemRepositoryTests.cs"),
        ("src/components/Dialog.vue", "src/components/Dialog.test.ts"),
        ("src/routes/+page.svelte", "src/routes/+page.test.ts"),
    ],
)
def test_candidate_tests_for_packages_partials_and_components(source: str, expected: str) -> None:
    assert expected in candidate_tests(source)
    assert all(not path.endswith((".vue", ".svelte")) for path in candidate_tests(source))


def test_python_candidates_walk_up_to_each_tests_folder() -> None:
    candidates = candidate_tests("shop/orders/api/serializers.py")
    # Django keeps tests/ in each app: shop/orders/tests/ is tried before the colocated file.
    assert candidates.index("shop/orders/tests/test_serializers.py") < candidates.index(
        "shop/orders/api/test_serializers.py")
    assert "tests/orders/test_serializers.py" in candidates  # tests/ mirroring a shorter path


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("tests/billing/test_invoice.py", True),
        ("tests/conftest.py", True),
        ("tests/helpers.py", False),
        ("tests/bootstrap.php", False),
        ("tests/Unit/InvoiceTest.php", True),
        ("tests/mock_repo.go", False),
        ("spec/support/helpers.rb", False),
        ("src/__tests__/format.ts", True),
        ("test/fixtures/users.ts", False),
        ("tests/parser.rs", True),
        ("src/test/kotlin/com/acme/PricingSpec.kt", True),
        ("src/test/java/com/acme/Fixtures.java", False),
    ],
)
def test_names_a_test(path: str, expected: bool) -> None:
    assert names_a_test(path) is expected


@pytest.mark.parametrize(
    ("source", "test", "expected"),
    [
        # Folders name the subject: tests/api/v1/teams/ holds the tests of api/v1/teams.py.
        ("app/api/v1/teams.py", "tests/api/v1/teams/test_scoring.py", True),
        # A test named after the source's folder: test_forms.py covers forms/bulk_edit.py.
        ("inventory/forms/bulk_edit.py", "inventory/tests/test_forms.py", True),
        ("inventory/api/views.py", "inventory/tests/test_api.py", True),
        # Rails request specs and Laravel feature tests are named after the resource.
        ("app/controllers/comments_controller.rb", "spec/requests/comments_spec.rb", True),
        ("app/Http/Controllers/InvoiceController.php", "tests/Feature/InvoiceTest.php", True),
        # Another subject, another language, another project or a helper: no.
        ("app/models/user.rb", "spec/presenters/user_presenter_spec.rb", False),
        ("inventory/views.py", "inventory/tests/test_forms.py", False),
        ("app/api/v1/teams.py", "web/src/teams/scoring.test.ts", False),
        ("packages/a/src/teams.ts", "packages/b/test/teams/list.test.ts", False),
        ("app/api/v1/teams.py", "tests/api/v1/teams/factories.py", False),
        # A folder of the source named by a test elsewhere in the tree: no.
        ("app/views/components/version/pushed_component.rb", "test/models/version_test.rb",
         False),
    ],
)
def test_covers(source: str, test: str, expected: bool) -> None:
    assert covers(source, test) is expected


def test_candidate_tests_for_non_code_is_empty() -> None:
    assert candidate_tests("README.md") == []
    assert candidate_tests("src/styles/main.scss") == []


# --- inline tests -----------------------------------------------------------------------------

RUST_TEST_MODULE_EDIT = """\
diff --git a/src/lexer.rs b/src/lexer.rs
index 6d53d8c..bb4b8ac 100644
--- a/src/lexer.rs
+++ b/src/lexer.rs
@@ -8,6 +8,6 @@ mod tests {
 
     #[test]
     fn splits_on_spaces() {
-        assert_eq!(tokens("a b"), vec!["a", "b"]);
+        assert_eq!(tokens("a  b"), vec!["a", "b"]);
     }
 }
"""

# The test module follows the edited line: code, not a test change.
RUST_CODE_EDIT = """\
diff --git a/src/lexer.rs b/src/lexer.rs
index 6d53d8c..461a9fd 100644
--- a/src/lexer.rs
+++ b/src/lexer.rs
@@ -1,5 +1,5 @@
 pub fn tokens(input: &str) -> Vec<&str> {
-    input.split_whitespace().collect()
+    input.split_ascii_whitespace().collect()
 }
 
 #[cfg(test)]
"""


def _only_file(diff: str) -> ChangedFile:
    (changed,) = checks.load_snapshot({"title": "t", "diff": diff}).files
    return changed


def test_rust_edit_inside_test_module_is_a_test_change() -> None:
    assert has_inline_test_change(_only_file(RUST_TEST_MODULE_EDIT))


def test_rust_code_edit_is_not_a_test_change() -> None:
    assert not has_inline_test_change(_only_file(RUST_CODE_EDIT))


RUST_NEW_TEST_FN = """\
diff --git a/src/server.rs b/src/server.rs
index 084d3d2..571de0a 100644
--- a/src/server.rs
+++ b/src/server.rs
@@ -6,3 +6,8 @@ pub async fn serve(addr: SocketAddr) -> io::Result<()> {
     let listener = TcpListener::bind(addr).await?;
     axum::serve(listener, app()).await
 }
+
+#[tokio::test]
+async fn health_answers_ok() {
+    assert_eq!(get("/health").await.status(), 200);
+}
"""


def test_added_test_function_counts_but_only_for_rust() -> None:
    assert has_inline_test_change(_only_file(RUST_NEW_TEST_FN))
    python = RUST_NEW_TEST_FN.replace("src/server.rs", "src/server.py")
    assert not has_inline_test_change(_only_file(python))
    no_hunks = ChangedFile("src/a.rs", FileStatus.MODIFIED, additions=1,
                           added=(Line(40, "#[test]"),), patch_missing=True)
    assert not has_inline_test_change(no_hunks)  # unseen lines prove nothing
