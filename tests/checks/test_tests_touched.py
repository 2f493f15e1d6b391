"""The `tests` check on realistic multi-language PRs: every status it returns, every option."""
# ruff: noqa: E501 (real `git diff` text: `diff --git` header lines carry two long paths)

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pytest

import checks
from checks import tests_touched
from checks.model import CheckResult, Finding, Outcome, Severity, Status
from tests.growth import FACTOR, assert_linear
from tests.shared import report_validator

# --- real `git diff` output (made with git from the files these PRs touch) ---------------------

PY_TS_NO_TESTS = """\
diff --git a/README.md b/README.md
index 7961e9c..e452ffe 100644
--- a/README.md
+++ b/README.md
@@ -1,3 +1,5 @@
 # Billing
 
 Creates invoices and sends reminders.
+
+Discounts are applied before rounding to cents.
diff --git a/src/billing/discounts.py b/src/billing/discounts.py
new file mode 100644
index 0000000..895703f
--- /dev/null
+++ b/src/billing/discounts.py
@@ -0,0 +1,13 @@
+\"\"\"Volume discounts for large invoices.\"\"\"
+
+from decimal import Decimal
+
+TIERS = ((Decimal("10000"), Decimal("0.05")), (Decimal("50000"), Decimal("0.10")))
+
+
+def discount_for(gross: Decimal) -> Decimal:
+    rate = Decimal("0")
+    for floor, tier_rate in TIERS:
+        if gross >= floor:
+            rate = tier_rate
+    return rate
diff --git a/src/billing/invoice.py b/src/billing/invoice.py
index d4dd829..95bb6c6 100644
--- a/src/billing/invoice.py
+++ b/src/billing/invoice.py
@@ -12,8 +12,9 @@ class Invoice:
     lines: tuple[Decimal, ...]
     terms_days: int = 30
 
-    def total(self) -> Decimal:
-        return sum(self.lines, Decimal("0"))
+    def total(self, discount: Decimal = Decimal("0")) -> Decimal:
+        gross = sum(self.lines, Decimal("0"))
+        return (gross * (1 - discount)).quantize(Decimal("0.01"))
 
     def due(self) -> date:
         return self.issued + timedelta(days=self.terms_days)
diff --git a/web/src/components/InvoiceTable.tsx b/web/src/components/InvoiceTable.tsx
index fd81921..d131589 100644
--- a/web/src/components/InvoiceTable.tsx
+++ b/web/src/components/InvoiceTable.tsx
@@ -1,5 +1,6 @@
 import React from "react";
 import type { Invoice } from "../api/types";
+import { formatMoney } from "../format";
 
 type Props = { invoices: Invoice[] };
 
@@ -10,7 +11,7 @@ export function InvoiceTable({ invoices }: Props) {
         {invoices.map((inv) => (
           <tr key={inv.number}>
             <td>{inv.number}</td>
-            <td>{inv.total}</td>
+            <td>{formatMoney(inv.total, inv.currency)}</td>
           </tr>
         ))}
       </tbody>
"""


GO_WITH_TEST = """\
diff --git a/internal/ratelimit/bucket.go b/internal/ratelimit/bucket.go
index 63a4e86..f066557 100644
--- a/internal/ratelimit/bucket.go
+++ b/internal/ratelimit/bucket.go
@@ -18,6 +18,9 @@ func (b *Bucket) Allow(now time.Time) bool {
 \tb.mu.Lock()
 \tdefer b.mu.Unlock()
 \tb.tokens += now.Sub(b.last).Seconds() * b.rate
+\tif b.tokens > b.capacity {
+\t\tb.tokens = b.capacity
+\t}
 \tb.last = now
 \tif b.tokens < 1 {
 \t\treturn false
diff --git a/internal/ratelimit/bucket_test.go b/internal/ratelimit/bucket_test.go
index 62db4f3..25c9c69 100644
--- a/internal/ratelimit/bucket_test.go
+++ b/internal/ratelimit/bucket_test.go
@@ -11,3 +11,16 @@ func TestAllowEmptyBucket(t *testing.T) {
 \t\tt.Fatal("empty bucket allowed a request")
 \t}
 }
+
+func TestAllowCapsAtCapacity(t *testing.T) {
+\tb := &Bucket{capacity: 2, rate: 1, last: time.Unix(0, 0)}
+\tnow := time.Unix(100, 0)
+\tfor i := 0; i < 2; i++ {
+\t\tif !b.Allow(now) {
+\t\t\tt.Fatalf("request %d refused", i)
+\t\t}
+\t}
+\tif b.Allow(now) {
+\t\tt.Fatal("bucket exceeded its capacity")
+\t}
+}
"""


JAVA_STALE_TEST = """\
diff --git a/src/main/java/com/acme/orders/OrderService.java b/src/main/java/com/acme/orders/OrderService.java
index af4309d..4c5b3d0 100644
--- a/src/main/java/com/acme/orders/OrderService.java
+++ b/src/main/java/com/acme/orders/OrderService.java
@@ -10,6 +10,9 @@ public class OrderService {
     }
 
     public BigDecimal quote(Order order) {
+        if (order.lines().isEmpty()) {
+            throw new IllegalArgumentException("an order needs at least one line");
+        }
         return prices.total(order.lines());
     }
 }
diff --git a/src/main/java/com/acme/orders/PriceCalculator.java b/src/main/java/com/acme/orders/PriceCalculator.java
index 89720b6..802a2d1 100644
--- a/src/main/java/com/acme/orders/PriceCalculator.java
+++ b/src/main/java/com/acme/orders/PriceCalculator.java
@@ -1,6 +1,7 @@
 package com.acme.orders;
 
 import java.math.BigDecimal;
+import java.math.RoundingMode;
 import java.util.List;
 
 public class PriceCalculator {
@@ -9,6 +10,6 @@ public class PriceCalculator {
         for (OrderLine line : lines) {
             sum = sum.add(line.price().multiply(BigDecimal.valueOf(line.quantity())));
         }
-        return sum;
+        return sum.setScale(2, RoundingMode.HALF_EVEN);
     }
 }
diff --git a/src/test/java/com/acme/orders/OrderServiceTest.java b/src/test/java/com/acme/orders/OrderServiceTest.java
index c370f1d..fe5456c 100644
--- a/src/test/java/com/acme/orders/OrderServiceTest.java
+++ b/src/test/java/com/acme/orders/OrderServiceTest.java
@@ -1,6 +1,7 @@
 package com.acme.orders;
 
 import static org.assertj.core.api.Assertions.assertThat;
+import static org.assertj.core.api.Assertions.assertThatThrownBy;
 
 import java.math.BigDecimal;
 import java.util.List;
@@ -13,4 +14,11 @@ class OrderServiceTest {
         var order = new Order(List.of(new OrderLine(new BigDecimal("2.50"), 2)));
         assertThat(service.quote(order)).isEqualByComparingTo("5.00");
     }
+
+    @Test
+    void refusesAnEmptyOrder() {
+        var service = new OrderService(new PriceCalculator());
+        assertThatThrownBy(() -> service.quote(new Order(List.of())))
+            .isInstanceOf(IllegalArgumentException.class);
+    }
 }
"""


RUBY_STALE_SPEC = """\
diff --git a/app/models/user.rb b/app/models/user.rb
index 4c5fba5..bbf9a79 100644
--- a/app/models/user.rb
+++ b/app/models/user.rb
@@ -1,6 +1,7 @@
 class User < ApplicationRecord
   has_many :memberships
-  validates :email, presence: true, uniqueness: true
+  validates :email, presence: true, uniqueness: { case_sensitive: false }
+  before_validation { self.email = email&.downcase }
 
   def display_name
     name.presence || email
diff --git a/app/services/signup.rb b/app/services/signup.rb
index aab6b05..25306d7 100644
--- a/app/services/signup.rb
+++ b/app/services/signup.rb
@@ -4,6 +4,6 @@ class Signup
   end
 
   def call
-    User.create!(email: @params.fetch(:email), name: @params[:name])
+    User.create!(email: @params.fetch(:email).strip, name: @params[:name])
   end
 end
diff --git a/spec/services/signup_spec.rb b/spec/services/signup_spec.rb
index fd556f4..0aec6b5 100644
--- a/spec/services/signup_spec.rb
+++ b/spec/services/signup_spec.rb
@@ -4,4 +4,9 @@ RSpec.describe Signup do
   it "creates a user" do
     expect { described_class.new(email: "a@example.com").call }.to change(User, :count).by(1)
   end
+
+  it "strips the email" do
+    user = described_class.new(email: " a@example.com ").call
+    expect(user.email).to eq("a@example.com")
+  end
 end
"""


TS_STALE_TEST = """\
diff --git a/src/api/client.test.ts b/src/api/client.test.ts
index fe72402..3eb220d 100644
--- a/src/api/client.test.ts
+++ b/src/api/client.test.ts
@@ -6,4 +6,9 @@ describe("fetchInvoices", () => {
     vi.stubGlobal("fetch", vi.fn(async () => new Response("[]")));
     expect(await fetchInvoices("https://api.test")).toEqual([]);
   });
+
+  it("throws on a server error", async () => {
+    vi.stubGlobal("fetch", vi.fn(async () => new Response("", { status: 500 })));
+    await expect(fetchInvoices("https://api.test")).rejects.toThrow("500");
+  });
 });
diff --git a/src/api/client.ts b/src/api/client.ts
index 9687415..98fa6ba 100644
--- a/src/api/client.ts
+++ b/src/api/client.ts
@@ -1,4 +1,7 @@
 export async function fetchInvoices(baseUrl: string): Promise<unknown[]> {
   const response = await fetch(`${baseUrl}/invoices`);
+  if (!response.ok) {
+    throw new Error(`GET /invoices failed: ${response.status}`);
+  }
   return response.json();
 }
diff --git a/src/utils/format.ts b/src/utils/format.ts
index af5c3dc..8edd09c 100644
--- a/src/utils/format.ts
+++ b/src/utils/format.ts
@@ -1,3 +1,3 @@
-export function formatMoney(cents: number, currency = "EUR"): string {
-  return new Intl.NumberFormat("en", { style: "currency", currency }).format(cents / 100);
+export function formatMoney(cents: number, currency = "EUR", locale = "en"): string {
+  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(cents / 100);
 }
"""


CSHARP_STALE_TEST = """\
diff --git a/src/Billing/Services/TaxService.cs b/src/Billing/Services/TaxService.cs
index 76cafca..cadb08c 100644
--- a/src/Billing/Services/TaxService.cs
+++ b/src/Billing/Services/TaxService.cs
@@ -6,6 +6,7 @@ public sealed class TaxService
     {
         "DE" => net * 0.19m,
         "FR" => net * 0.20m,
+        "NL" => net * 0.21m,
         _ => 0m,
     };
 }
diff --git a/tests/Billing.Tests/Services/InvoiceServiceTests.cs b/tests/Billing.Tests/Services/InvoiceServiceTests.cs
index f0d12e7..ef96d9f 100644
--- a/tests/Billing.Tests/Services/InvoiceServiceTests.cs
+++ b/tests/Billing.Tests/Services/InvoiceServiceTests.cs
@@ -10,4 +10,10 @@ public class InvoiceServiceTests
     {
         Assert.Equal(30m, new InvoiceService().Total(new[] { 10m, 20m }));
     }
+
+    [Fact]
+    public void EmptyInvoiceIsZero()
+    {
+        Assert.Equal(0m, new InvoiceService().Total(System.Array.Empty<decimal>()));
+    }
 }
"""


DOCS_CONFIG_ONLY = """\
diff --git a/.github/workflows/ci.yml b/.github/workflows/ci.yml
index cbea994..d45b34a 100644
--- a/.github/workflows/ci.yml
+++ b/.github/workflows/ci.yml
@@ -7,5 +7,5 @@ jobs:
       - uses: actions/checkout@v4
       - uses: actions/setup-python@v5
         with:
-          python-version: "3.11"
+          python-version: "3.12"
       - run: pip install -e ".[test]" && pytest
diff --git a/README.md b/README.md
index 63bbef4..0f7347e 100644
--- a/README.md
+++ b/README.md
@@ -1,3 +1,3 @@
 # Billing
 
-Run `make test`.
+Run `make test` (needs Python 3.12).
diff --git a/docs/setup.md b/docs/setup.md
index 936ab95..888e629 100644
--- a/docs/setup.md
+++ b/docs/setup.md
@@ -1,3 +1,3 @@
 # Setup
 
-Install Python 3.11.
+Install Python 3.12 and run `pip install -e .`.
diff --git a/pyproject.toml b/pyproject.toml
index 2b0dfd3..acd1d71 100644
--- a/pyproject.toml
+++ b/pyproject.toml
@@ -1,5 +1,5 @@
 [project]
 name = "billing"
-version = "1.4.0"
-requires-python = ">=3.11"
+version = "1.5.0"
+requires-python = ">=3.12"
 dependencies = ["pydantic>=2,<3"]
"""


DELETE_AND_RENAME = """\
diff --git a/src/legacy/exporter.py b/src/legacy/exporter.py
deleted file mode 100644
index 52634bb..0000000
--- a/src/legacy/exporter.py
+++ /dev/null
@@ -1,6 +0,0 @@
-import csv
-
-
-def export(rows, path):
-    with open(path, "w", newline="") as handle:
-        csv.writer(handle).writerows(rows)
diff --git a/src/utils/strings.py b/src/text/strings.py
similarity index 100%
rename from src/utils/strings.py
rename to src/text/strings.py
"""


RUST_INLINE_TEST = """\
diff --git a/src/lexer.rs b/src/lexer.rs
index 6d53d8c..4dd0744 100644
--- a/src/lexer.rs
+++ b/src/lexer.rs
@@ -1,5 +1,8 @@
 pub fn tokens(input: &str) -> Vec<&str> {
-    input.split_whitespace().collect()
+    input
+        .split(|c: char| c.is_whitespace() || c == ',')
+        .filter(|t| !t.is_empty())
+        .collect()
 }
 
 #[cfg(test)]
@@ -10,4 +13,9 @@ mod tests {
     fn splits_on_spaces() {
         assert_eq!(tokens("a b"), vec!["a", "b"]);
     }
+
+    #[test]
+    fn splits_on_commas() {
+        assert_eq!(tokens("a,b"), vec!["a", "b"]);
+    }
 }
"""


RUST_NO_TEST = """\
diff --git a/benches/lexer.rs b/benches/lexer.rs
index d1e34d2..ad851e4 100644
--- a/benches/lexer.rs
+++ b/benches/lexer.rs
@@ -1,7 +1,7 @@
 use criterion::{criterion_group, criterion_main, Criterion};
 
 fn bench_tokens(c: &mut Criterion) {
-    c.bench_function("tokens", |b| b.iter(|| lexer::tokens("a b c")));
+    c.bench_function("tokens", |b| b.iter(|| lexer::tokens("a b c d e f")));
 }
 
 criterion_group!(benches, bench_tokens);
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


PHP_COMMENTS_ONLY = """\
diff --git a/src/Service/Mailer.php b/src/Service/Mailer.php
index dbc8710..f8f212c 100644
--- a/src/Service/Mailer.php
+++ b/src/Service/Mailer.php
@@ -4,8 +4,12 @@ namespace App\\Service;
 
 final class Mailer
 {
+    /**
+     * Sends a plain message; returns false when the MTA refused it.
+     */
     public function send(string $to, string $subject): bool
     {
+        // mail() only hands the message to the local MTA.
         return mail($to, $subject, '');
     }
 }
"""


ELIXIR_WITH_TEST = """\
diff --git a/lib/my_app/accounts.ex b/lib/my_app/accounts.ex
index 066cbd6..317092e 100644
--- a/lib/my_app/accounts.ex
+++ b/lib/my_app/accounts.ex
@@ -3,4 +3,8 @@ defmodule MyApp.Accounts do
   alias MyApp.Accounts.User
 
   def get_user!(id), do: Repo.get!(User, id)
+
+  def get_user_by_email(email) when is_binary(email) do
+    Repo.get_by(User, email: String.downcase(email))
+  end
 end
diff --git a/test/my_app/accounts_test.exs b/test/my_app/accounts_test.exs
index f45e661..6bf77dc 100644
--- a/test/my_app/accounts_test.exs
+++ b/test/my_app/accounts_test.exs
@@ -7,4 +7,9 @@ defmodule MyApp.AccountsTest do
     user = insert(:user)
     assert Accounts.get_user!(user.id).id == user.id
   end
+
+  test "get_user_by_email/1 ignores case" do
+    user = insert(:user, email: "ada@example.com")
+    assert Accounts.get_user_by_email("ADA@example.com").id == user.id
+  end
 end
"""


STORIES_TYPES_STYLES = """\
diff --git a/src/components/Button.module.css b/src/components/Button.module.css
index 1b8bfab..9150cbc 100644
--- a/src/components/Button.module.css
+++ b/src/components/Button.module.css
@@ -1,3 +1,4 @@
 .button {
-  padding: 4px 8px;
+  padding: 6px 12px;
+  border-radius: 4px;
 }
diff --git a/src/components/Button.stories.tsx b/src/components/Button.stories.tsx
index 9dae84b..c228ba7 100644
--- a/src/components/Button.stories.tsx
+++ b/src/components/Button.stories.tsx
@@ -4,3 +4,5 @@ import { Button } from "./Button";
 export default { component: Button } satisfies Meta<typeof Button>;
 
 export const Primary = { args: { variant: "primary", children: "Save" } };
+
+export const Danger = { args: { variant: "danger", children: "Delete" } };
diff --git a/src/types/env.d.ts b/src/types/env.d.ts
index 3bc2543..2e9cb26 100644
--- a/src/types/env.d.ts
+++ b/src/types/env.d.ts
@@ -2,3 +2,8 @@ declare module "*.svg" {
   const src: string;
   export default src;
 }
+
+declare module "*.png" {
+  const src: string;
+  export default src;
+}
"""


MIGRATION_ONLY = """\
diff --git a/shop/migrations/0007_order_note.py b/shop/migrations/0007_order_note.py
new file mode 100644
index 0000000..c6f355e
--- /dev/null
+++ b/shop/migrations/0007_order_note.py
@@ -0,0 +1,9 @@
+from django.db import migrations, models
+
+
+class Migration(migrations.Migration):
+    dependencies = [("shop", "0006_order_status")]
+
+    operations = [
+        migrations.AddField("order", "note", models.TextField(blank=True, default="")),
+    ]
"""


KOTLIN_WITH_TEST = """\
diff --git a/app/src/main/kotlin/com/acme/app/cart/CartViewModel.kt b/app/src/main/kotlin/com/acme/app/cart/CartViewModel.kt
index ad2a6ed..3635dad 100644
--- a/app/src/main/kotlin/com/acme/app/cart/CartViewModel.kt
+++ b/app/src/main/kotlin/com/acme/app/cart/CartViewModel.kt
@@ -1,5 +1,5 @@
 package com.acme.app.cart
 
 class CartViewModel(private val repo: CartRepository) {
-    fun itemCount(): Int = repo.items().size
+    fun itemCount(): Int = repo.items().sumOf { it.quantity }
 }
diff --git a/app/src/test/kotlin/com/acme/app/cart/CartViewModelTest.kt b/app/src/test/kotlin/com/acme/app/cart/CartViewModelTest.kt
index 1f1d532..e0762c4 100644
--- a/app/src/test/kotlin/com/acme/app/cart/CartViewModelTest.kt
+++ b/app/src/test/kotlin/com/acme/app/cart/CartViewModelTest.kt
@@ -6,6 +6,6 @@ import org.junit.Test
 class CartViewModelTest {
     @Test
     fun countsItems() {
-        assertEquals(2, CartViewModel(FakeCartRepository(2)).itemCount())
+        assertEquals(5, CartViewModel(FakeCartRepository(quantities = listOf(2, 3))).itemCount())
     }
 }
"""


PY_SMALL_FIX = """\
diff --git a/src/app/cli.py b/src/app/cli.py
index cbe6fbe..5d2e07d 100644
--- a/src/app/cli.py
+++ b/src/app/cli.py
@@ -2,6 +2,6 @@ import argparse
 
 
 def main() -> None:
-    parser = argparse.ArgumentParser(prog="app")
-    parser.add_argument("--verbose", action="store_true")
+    parser = argparse.ArgumentParser(prog="app", description="Billing tools.")
+    parser.add_argument("--verbose", "-v", action="store_true")
     parser.parse_args()
"""


SCRIPT_ONLY = """\
diff --git a/scripts/release.py b/scripts/release.py
index 84885a5..2cb86ae 100644
--- a/scripts/release.py
+++ b/scripts/release.py
@@ -5,7 +5,9 @@ import sys
 
 
 def main(version: str) -> None:
-    subprocess.run(["git", "tag", f"v{version}"], check=True)
+    if not version[0].isdigit():
+        sys.exit(f"not a version: {version}")
+    subprocess.run(["git", "tag", "-s", f"v{version}", "-m", f"v{version}"], check=True)
     subprocess.run(["git", "push", "origin", f"v{version}"], check=True)
 
 
"""


# --- helpers -----------------------------------------------------------------------------------

def _blocks(diff: str) -> dict[str, str]:
    """Split a whole-PR diff into its per-file blocks, keyed by path at head."""
    blocks: dict[str, str] = {}
    for block in diff.split("diff --git ")[1:]:
        path = block.split("\n", 1)[0].rsplit(" b/", 1)[1]
        blocks[path] = "diff --git " + block
    return blocks


def _run(diff: str | None = None, *, repo_files: Sequence[str] | None = None,
         options: Mapping[str, Any] | None = None, files: list[dict[str, Any]] | None = None,
         ) -> CheckResult:
    """Run the real engine over a snapshot document; the report must match the contract."""
    doc: dict[str, Any] = {"title": "BILL-12 Discounts"}
    if diff is not None:
        doc["diff"] = diff
    if files is not None:
        doc["files"] = files
    if repo_files is not None:
        doc["repo_files"] = list(repo_files)
    config = checks.config_from_dict({"tests": dict(options or {})})
    report = checks.run(doc, config, only={"tests"})
    errors = list(report_validator().iter_errors(report.to_dict()))
    assert not errors, errors
    return report.check("tests")


def _by_path(result: CheckResult) -> dict[str, Finding]:
    return {finding.path: finding for finding in result.findings if finding.path}


BILLING_REPO = (
    "README.md", "pyproject.toml", "src/billing/__init__.py", "src/billing/invoice.py",
    "src/billing/discounts.py", "tests/conftest.py", "tests/billing/test_invoice.py",
    "web/package.json", "web/src/format.ts", "web/src/components/InvoiceTable.tsx",
)


# --- fail: source changed, no test changed -----------------------------------------------------

def test_python_and_typescript_without_tests_fail_once_per_source_file() -> None:
    result = _run(PY_TS_NO_TESTS, repo_files=BILLING_REPO)
    assert result.status is Status.FAIL
    assert result.summary == "3 source files changed, no test changed."
    findings = _by_path(result)
    assert set(findings) == {"src/billing/invoice.py", "src/billing/discounts.py",
                             "web/src/components/InvoiceTable.tsx"}  # README.md is docs
    assert {f.rule for f in result.findings} == {"tests-missing"}
    assert {f.severity for f in result.findings} == {Severity.FAIL}
    assert findings["src/billing/discounts.py"].line == 1  # a new file: its first line
    assert findings["src/billing/invoice.py"].line == 15  # the first added line
    assert findings["web/src/components/InvoiceTable.tsx"].line == 3


def test_fail_message_names_the_existing_test_or_a_conventional_place() -> None:
    findings = _by_path(_run(PY_TS_NO_TESTS, repo_files=BILLING_REPO))
    assert "update its test tests/billing/test_invoice.py" in findings[
        "src/billing/invoice.py"].message
    assert "add one, e.g. tests/billing/test_discounts.py" in findings[
        "src/billing/discounts.py"].message
    assert "e.g. web/src/components/InvoiceTable.test.tsx" in findings[
        "web/src/components/InvoiceTable.tsx"].message


def test_fail_without_repository_files_names_no_test() -> None:
    result = _run(PY_TS_NO_TESTS)
    assert result.status is Status.FAIL
    assert all(f.message.endswith(") but no test changed.") for f in result.findings)


def test_rust_code_change_with_only_a_benchmark_fails() -> None:
    result = _run(RUST_NO_TEST, repo_files=("Cargo.toml", "src/lexer.rs", "benches/lexer.rs"))
    assert result.status is Status.FAIL
    assert result.summary == "1 source file changed, no test changed."
    assert [(f.path, f.line, f.rule) for f in result.findings] == [
        ("src/lexer.rs", 2, "tests-missing")]


def test_source_without_patch_from_the_files_api_still_needs_a_test() -> None:
    files = [
        {"filename": "src/billing/ledger.py", "status": "modified", "additions": 2400,
         "deletions": 1800},
        {"filename": "CHANGELOG.md", "status": "modified", "additions": 1, "deletions": 0,
         "patch": "@@ -1,3 +1,4 @@\n # Changelog\n \n+- Ledger export rewritten.\n ## 1.4.0"},
    ]
    result = _run(files=files)
    assert result.status is Status.FAIL
    assert [(f.path, f.line) for f in result.findings] == [("src/billing/ledger.py", None)]


def test_deleting_a_test_does_not_count_as_changing_one() -> None:
    deleted_test = (
        "diff --git a/tests/billing/test_invoice.py b/tests/billing/test_invoice.py\n"
        "deleted file mode 100644\nindex 4c1d2e9..0000000\n"
        "--- a/tests/billing/test_invoice.py\n+++ /dev/null\n@@ -1,3 +0,0 @@\n"
        "-def test_total():\n-    invoice = Invoice(\"A-1\", date(2024, 1, 1), (Decimal(\"2\"),))\n"
        "-    assert invoice.total() == Decimal(\"2\")\n"
    )
    result = _run(_blocks(PY_TS_NO_TESTS)["src/billing/invoice.py"] + deleted_test)
    assert result.status is Status.FAIL
    assert [f.path for f in result.findings] == ["src/billing/invoice.py"]


# --- pass: tests changed with the code ---------------------------------------------------------

@pytest.mark.parametrize(
    ("diff", "repo_files"),
    [
        (GO_WITH_TEST, ("go.mod", "internal/ratelimit/bucket.go",
                        "internal/ratelimit/bucket_test.go")),
        (ELIXIR_WITH_TEST, ("mix.exs", "lib/my_app/accounts.ex",
                            "test/my_app/accounts_test.exs", "test/test_helper.exs")),
        (KOTLIN_WITH_TEST, ("app/src/main/kotlin/com/acme/app/cart/CartViewModel.kt",
                            "app/src/test/kotlin/com/acme/app/cart/CartViewModelTest.kt")),
        (RUST_INLINE_TEST, ("Cargo.toml", "src/lexer.rs", "tests/lexer.rs")),
    ],
    ids=["go", "elixir", "kotlin", "rust-inline"],
)
def test_source_with_its_test_passes(diff: str, repo_files: tuple[str, ...]) -> None:
    result = _run(diff, repo_files=repo_files)
    assert result.status is Status.PASS
    assert result.summary == "1 source file changed with 1 test."
    assert result.findings == ()


def test_rust_test_module_change_covers_other_sources_too() -> None:
    lexer_tests = _blocks(RUST_INLINE_TEST)["src/lexer.rs"].replace("src/lexer.rs", "src/parse.rs")
    result = _run(RUST_NO_TEST + lexer_tests)
    assert result.status is Status.PASS
    assert result.summary == "2 source files changed with 1 test."


# --- warn: a source file's own test exists and was left alone ----------------------------------

STALE = [
    (JAVA_STALE_TEST,
     ("src/main/java/com/acme/orders/OrderService.java",
      "src/main/java/com/acme/orders/PriceCalculator.java",
      "src/test/java/com/acme/orders/OrderServiceTest.java",
      "src/test/java/com/acme/orders/PriceCalculatorTest.java",
      "src/test/java/com/acme/billing/PriceCalculatorTest.java"),
     "src/main/java/com/acme/orders/PriceCalculator.java",
     "src/test/java/com/acme/orders/PriceCalculatorTest.java"),
    (RUBY_STALE_SPEC,
     ("app/models/user.rb", "app/services/signup.rb", "spec/rails_helper.rb",
      "spec/models/user_spec.rb", "spec/services/signup_spec.rb", "spec/requests/users_spec.rb"),
     "app/models/user.rb", "spec/models/user_spec.rb"),
    (TS_STALE_TEST,
     ("package.json", "src/utils/format.ts", "src/utils/__tests__/format.test.ts",
      "src/api/client.ts", "src/api/client.test.ts"),
     "src/utils/format.ts", "src/utils/__tests__/format.test.ts"),
    (CSHARP_STALE_TEST,
     ("Billing.sln", "src/Billing/Services/TaxService.cs",
      "tests/Billing.Tests/Services/TaxServiceTests.cs",
      "tests/Billing.Tests/Services/InvoiceServiceTests.cs"),
     "src/Billing/Services/TaxService.cs", "tests/Billing.Tests/Services/TaxServiceTests.cs"),
]


@pytest.mark.parametrize(("diff", "repo_files", "source", "own_test"), STALE,
                         ids=["java", "ruby", "typescript", "csharp"])
def test_existing_test_not_updated_warns(diff: str, repo_files: tuple[str, ...], source: str,
                                         own_test: str) -> None:
    result = _run(diff, repo_files=repo_files)
    assert result.status is Status.WARN
    assert "existing test that was not updated" in result.summary
    (finding,) = result.findings
    assert (finding.path, finding.rule, finding.severity) == (
        source, "tests-not-updated", Severity.WARN)
    assert own_test in finding.message
    assert finding.line is not None


@pytest.mark.parametrize(("diff", "repo_files", "source", "own_test"), STALE,
                         ids=["java", "ruby", "typescript", "csharp"])
def test_without_the_repository_file_list_tests_changed_is_enough(
        diff: str, repo_files: tuple[str, ...], source: str, own_test: str) -> None:
    assert _run(diff).status is Status.PASS
    others = tuple(path for path in repo_files if path != own_test)
    assert _run(diff, repo_files=others).status is Status.PASS


def test_updating_the_own_test_clears_the_warning() -> None:
    diff, repo_files, _, _ = STALE[0]
    price_test = _blocks(diff)["src/test/java/com/acme/orders/OrderServiceTest.java"].replace(
        "OrderServiceTest.java", "PriceCalculatorTest.java")
    result = _run(diff + price_test, repo_files=repo_files)
    assert result.status is Status.PASS
    assert result.summary == "2 source files changed with 2 tests."


# --- pass: nothing that needs a test -----------------------------------------------------------

@pytest.mark.parametrize(
    ("diff", "summary"),
    [
        (DOCS_CONFIG_ONLY, "Only docs, CI and config changed."),
        (DELETE_AND_RENAME, "Only deletions and renames."),
        (STORIES_TYPES_STYLES, "Only assets, docs and type declarations changed."),
        (MIGRATION_ONLY, "Only migrations changed."),
        (SCRIPT_ONLY, "Only scripts changed."),
        (_blocks(GO_WITH_TEST)["internal/ratelimit/bucket_test.go"], "Only tests changed."),
        (DOCS_CONFIG_ONLY + _blocks(DELETE_AND_RENAME)["src/legacy/exporter.py"],
         "Only docs, CI and config changed, plus deletions."),
        ("diff --git a/public/logo.png b/public/logo.png\nnew file mode 100644\n"
         "index 0000000..8f2a1c3\nBinary files /dev/null and b/public/logo.png differ\n",
         "Only assets changed."),
        ("", "No files to judge."),
    ],
    ids=["docs-config-ci", "delete-rename", "stories-types-styles", "migration", "script",
         "tests-only", "docs-and-deletion", "binary-image", "empty"],
)
def test_nothing_to_test_passes_and_says_why(diff: str, summary: str) -> None:
    result = _run(diff, repo_files=BILLING_REPO)
    assert result.status is Status.PASS
    assert result.summary == summary
    assert result.findings == ()


def test_comment_only_source_change_needs_no_test() -> None:
    result = _run(PHP_COMMENTS_ONLY, repo_files=("src/Service/Mailer.php",
                                                 "tests/Service/MailerTest.php"))
    assert result.status is Status.PASS
    assert result.summary == ("1 source file changed, none needing a test "
                              "(only comments or blank lines changed).")


def test_ignored_files_never_reach_the_check() -> None:
    lock = ("diff --git a/poetry.lock b/poetry.lock\nindex 1a2b3c4..5d6e7f8 100644\n"
            "--- a/poetry.lock\n+++ b/poetry.lock\n@@ -1,2 +1,2 @@\n [[package]]\n"
            "-name = \"attrs\"\n+name = \"cattrs\"\n")
    result = _run(lock + DOCS_CONFIG_ONLY)
    assert result.summary == "Only docs, CI and config changed."


# --- options -----------------------------------------------------------------------------------

def test_exempt_globs() -> None:
    partly = _run(PY_TS_NO_TESTS, options={"exempt_globs": ["web/"]})
    assert partly.status is Status.FAIL
    assert partly.summary == "2 source files changed, no test changed."
    fully = _run(PY_TS_NO_TESTS, options={"exempt_globs": ["web/", "src/billing/*.py"]})
    assert fully.status is Status.PASS
    assert fully.summary == "3 source files changed, none needing a test (exempt by exempt_globs)."


def test_test_globs_count_extra_paths_as_tests() -> None:
    assert _run(RUST_NO_TEST, options={"test_globs": ["benches/"]}).status is Status.PASS


def test_source_globs_make_scripts_need_tests() -> None:
    result = _run(SCRIPT_ONLY, options={"source_globs": ["scripts/*.py"]})
    assert result.status is Status.FAIL
    assert [f.path for f in result.findings] == ["scripts/release.py"]


def test_exempt_wins_over_source_globs() -> None:
    options = {"source_globs": ["scripts/"], "exempt_globs": ["scripts/release.py"]}
    assert _run(SCRIPT_ONLY, options=options).status is Status.PASS


def test_min_changed_lines() -> None:
    assert _run(PY_SMALL_FIX).status is Status.FAIL  # 2 lines removed, 2 added
    result = _run(PY_SMALL_FIX, options={"min_changed_lines": 5})
    assert result.status is Status.PASS
    assert result.summary == ("1 source file changed, none needing a test "
                              "(fewer than 5 code lines changed).")
    assert _run(PY_SMALL_FIX, options={"min_changed_lines": 4}).status is Status.FAIL
    assert _run(PHP_COMMENTS_ONLY, options={"min_changed_lines": 0}).status is Status.FAIL


@pytest.mark.parametrize(
    ("require_for", "judged"),
    [
        (["added"], {"src/billing/discounts.py"}),
        (["modified"], {"src/billing/invoice.py", "web/src/components/InvoiceTable.tsx"}),
    ],
)
def test_require_for(require_for: list[str], judged: set[str]) -> None:
    result = _run(PY_TS_NO_TESTS, options={"require_for": require_for})
    assert result.status is Status.FAIL
    assert {f.path for f in result.findings} == judged


def test_require_for_nothing_passes() -> None:
    result = _run(PY_TS_NO_TESTS, options={"require_for": []})
    assert result.status is Status.PASS
    assert "none needing a test" in result.summary


@pytest.mark.parametrize(
    ("options", "key_path"),
    [
        ({"require_for": ["deleted"]}, "tests.require_for[0]"),
        ({"min_changed_lines": -1}, "tests.min_changed_lines"),
        ({"min_changed_lines": "3"}, "tests.min_changed_lines"),
        ({"exempt_globs": "src/cli/"}, "tests.exempt_globs"),
        ({"test_glob": ["qa/"]}, "tests.test_glob"),
    ],
)
def test_bad_options_name_the_key(options: dict[str, Any], key_path: str) -> None:
    with pytest.raises(checks.ConfigError) as raised:
        checks.config_from_dict({"tests": options})
    assert raised.value.path == key_path


def test_every_option_is_documented() -> None:
    for name, option in tests_touched.CHECK.options.items():
        assert option.doc and len(option.doc) > 20, name
    assert tests_touched.CHECK.id == "tests"
    assert tests_touched.CHECK.title == "Tests changed with the code"


def test_level_warn_caps_the_failure() -> None:
    result = _run(PY_TS_NO_TESTS, options={"level": "warn"})
    assert result.status is Status.WARN
    assert {f.severity for f in result.findings} == {Severity.WARN}


def test_stats_count_sources_and_tests() -> None:
    doc = {"title": "t", "diff": JAVA_STALE_TEST}
    stats = checks.run(doc, only={"tests"}).stats["tests"]
    assert stats["source_files"] == 2 and stats["test_files"] == 1
    assert stats["kinds"] == {"source": 2, "test": 1}


def _large_pr(n: int) -> checks.Snapshot:
    """n modules changed, n tests and 33n docs in the repository (1,500 makes a large PR)."""
    modules = [f"src/app/mod{i}/service{i}.py" for i in range(n)]
    diff = "".join(
        f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n--- a/{path}\n"
        f"+++ b/{path}\n@@ -1,2 +1,2 @@\n def run():\n-    return {i}\n+    return {i + 1}\n"
        for i, path in enumerate(modules)
    ) + _blocks(GO_WITH_TEST)["internal/ratelimit/bucket_test.go"]
    repo = [*modules, *(f"tests/mod{i}/test_service{i}.py" for i in range(n)),
            *(f"docs/page{i}.md" for i in range(33 * n))]
    return checks.load_snapshot({"title": "t", "diff": diff, "repo_files": repo})


def test_large_pr_with_a_large_repository_grows_linearly() -> None:
    outcome = tests_touched.check(_large_pr(1500), tests_touched.CHECK.default_options())
    assert outcome.status is Status.WARN
    assert len(outcome.findings) == 1500

    def build(n: int) -> Callable[[], Outcome]:
        snapshot = _large_pr(n)
        options = tests_touched.CHECK.default_options()
        return lambda: tests_touched.check(snapshot, options)

    assert_linear(build, 1500 // FACTOR)


# --- shapes met in real PRs ----------------------------------------------------------------------

# A theme PR that commits Vite's output next to its source: only the source needs a test.
THEME_WITH_BUILD_OUTPUT = """\
diff --git a/app/themes/core/assets/js/scoreboard.js b/app/themes/core/assets/js/scoreboard.js
index 3b1f0a2..8c4d7e9 100644
--- a/app/themes/core/assets/js/scoreboard.js
+++ b/app/themes/core/assets/js/scoreboard.js
@@ -14,5 +14,8 @@ export function updateStandings(rows) {
   const table = document.querySelector("#standings");
   table.replaceChildren(...rows.map(renderRow));
+  if (rows.length === 0) {
+    table.append(emptyRow());
+  }
 }
 
 function renderRow(row) {
diff --git a/app/themes/core/static/assets/scoreboard.3f07d373.js b/app/themes/core/static/assets/scoreboard.4ec57e19.js
similarity index 71%
rename from app/themes/core/static/assets/scoreboard.3f07d373.js
rename to app/themes/core/static/assets/scoreboard.4ec57e19.js
index 1c9e2d0..7a30f4b 100644
--- a/app/themes/core/static/assets/scoreboard.3f07d373.js
+++ b/app/themes/core/static/assets/scoreboard.4ec57e19.js
@@ -1 +1 @@
-import{u as s}from"./index.6c6d1611.js";function r(t){const e=document.querySelector("#standings");e.replaceChildren(...t.map(s))}export{r as updateStandings};
+import{u as s,e as n}from"./index.7e48942e.js";function r(t){const e=document.querySelector("#standings");e.replaceChildren(...t.map(s)),t.length===0&&e.append(n())}export{r as updateStandings};
diff --git a/app/themes/core/static/manifest.json b/app/themes/core/static/manifest.json
index 5d2a1c7..e0b94f3 100644
--- a/app/themes/core/static/manifest.json
+++ b/app/themes/core/static/manifest.json
@@ -1,6 +1,6 @@
 {
   "assets/js/scoreboard.js": {
-    "file": "assets/scoreboard.3f07d373.js",
+    "file": "assets/scoreboard.4ec57e19.js",
     "src": "assets/js/scoreboard.js",
     "isEntry": true
   }
"""


def test_committed_bundler_output_is_not_source() -> None:
    result = _run(THEME_WITH_BUILD_OUTPUT)
    assert result.status is Status.FAIL
    assert [f.path for f in result.findings] == ["app/themes/core/assets/js/scoreboard.js"]
    blocks = _blocks(THEME_WITH_BUILD_OUTPUT)
    rebuilt_only = (blocks["app/themes/core/static/assets/scoreboard.4ec57e19.js"]
                    + blocks["app/themes/core/static/manifest.json"])
    assert _run(rebuilt_only).status is Status.PASS


# Go: regenerated wiring and mocks, and a mage build target, change without a test.
GO_GENERATED_AND_BUILD = """\
diff --git a/cmd/server/wire_gen.go b/cmd/server/wire_gen.go
index 0a4c1d2..3e9f7b1 100644
--- a/cmd/server/wire_gen.go
+++ b/cmd/server/wire_gen.go
@@ -31,5 +31,6 @@ func newServer(cfg *config.Config) (*http.Server, error) {
 \tstore := db.NewStore(conn)
 \tqueue := jobs.NewQueue(store)
+\tartwork := core.NewArtwork(store, queue)
 \trouter := api.NewRouter(store, queue)
 \treturn &http.Server{Handler: router}, nil
 }
diff --git a/internal/store/mock_store.go b/internal/store/mock_store.go
index 6f1e0c3..b2d84a9 100644
--- a/internal/store/mock_store.go
+++ b/internal/store/mock_store.go
@@ -40,3 +40,8 @@ func (m *MockStore) Get(ctx context.Context, id string) (*Item, error) {
 \tret := m.Called(ctx, id)
 \treturn ret.Get(0).(*Item), ret.Error(1)
 }
+
+func (m *MockStore) Delete(ctx context.Context, id string) error {
+\tret := m.Called(ctx, id)
+\treturn ret.Error(0)
+}
diff --git a/magefile.go b/magefile.go
index 9d0e5a1..4c7b2e8 100644
--- a/magefile.go
+++ b/magefile.go
@@ -22,6 +22,6 @@ func Fmt() error {
 \tfiles, err := goFiles()
 \tif err != nil {
 \t\treturn err
 \t}
-\treturn sh.Run("gofmt", append([]string{"-w"}, files...)...)
+\treturn sh.Run("gofmt", append([]string{"-s", "-w"}, files...)...)
 }
"""

# Laravel translation tables are PHP arrays, not code to test.
LARAVEL_TRANSLATIONS = """\
diff --git a/lang/en/settings.php b/lang/en/settings.php
index 2c1d9a0..f83e6b7 100644
--- a/lang/en/settings.php
+++ b/lang/en/settings.php
@@ -12,4 +12,4 @@ return [
     'app_name' => 'Application Name',
-    'app_name_desc' => 'This name is shown in the header.',
+    'app_name_desc' => 'This name is shown in the header and in any system-sent emails.',
     'app_logo' => 'Application Logo',
 
diff --git a/lang/pt_BR/settings.php b/lang/pt_BR/settings.php
index 8e0b4c1..1d7a2f9 100644
--- a/lang/pt_BR/settings.php
+++ b/lang/pt_BR/settings.php
@@ -12,4 +12,4 @@ return [
     'app_name' => 'Nome da Aplicação',
-    'app_name_desc' => 'Este nome é exibido no cabeçalho.',
+    'app_name_desc' => 'Este nome é exibido no cabeçalho e em e-mails do sistema.',
     'app_logo' => 'Logo da Aplicação',
 
"""


@pytest.mark.parametrize(
    ("diff", "summary"),
    [
        (GO_GENERATED_AND_BUILD, "Only config changed."),
        (LARAVEL_TRANSLATIONS, "Only assets changed."),
    ],
    ids=["go-generated", "laravel-lang"],
)
def test_generated_build_and_translation_files_need_no_test(diff: str, summary: str) -> None:
    result = _run(diff)
    assert (result.status, result.summary) == (Status.PASS, summary)


# Django app: a forms module changes with the app's test_forms.py; its views change too.
DJANGO_FORMS_AND_VIEWS = """\
diff --git a/inventory/forms/bulk_edit.py b/inventory/forms/bulk_edit.py
index 41b2c0e..a93d1f7 100644
--- a/inventory/forms/bulk_edit.py
+++ b/inventory/forms/bulk_edit.py
@@ -20,6 +20,10 @@ class DeviceBulkEditForm(forms.Form):
     status = forms.ChoiceField(choices=DeviceStatus.choices, required=False)
     site = forms.ModelChoiceField(queryset=Site.objects.all(), required=False)
 
+    def clean_site(self):
+        site = self.cleaned_data.get("site")
+        return site if site is None or site.is_active else None
+
     class Meta:
         nullable_fields = ("site",)
 
diff --git a/inventory/tests/test_forms.py b/inventory/tests/test_forms.py
index 7c0e3b9..0f4a8d2 100644
--- a/inventory/tests/test_forms.py
+++ b/inventory/tests/test_forms.py
@@ -31,2 +31,8 @@ class DeviceBulkEditFormTest(TestCase):
         form = DeviceBulkEditForm(data={"status": "active"})
         self.assertTrue(form.is_valid())
+
+    def test_inactive_site_is_dropped(self):
+        site = Site.objects.create(name="Old", is_active=False)
+        form = DeviceBulkEditForm(data={"site": site.pk})
+        self.assertTrue(form.is_valid())
+        self.assertIsNone(form.cleaned_data["site"])
diff --git a/inventory/views.py b/inventory/views.py
index 2e8b1a4..c6d09f3 100644
--- a/inventory/views.py
+++ b/inventory/views.py
@@ -88,6 +88,6 @@ class DeviceBulkEditView(generic.BulkEditView):
     queryset = Device.objects.all()
     form = DeviceBulkEditForm
-    template_name = "inventory/device_bulk_edit.html"
+    template_name = "inventory/device/bulk_edit.html"
 
 
 class DeviceDeleteView(generic.DeleteView):
"""
DJANGO_REPO = ("manage.py", "inventory/__init__.py", "inventory/forms/__init__.py",
               "inventory/forms/bulk_edit.py", "inventory/views.py", "inventory/tests/__init__.py",
               "inventory/tests/test_forms.py", "inventory/tests/test_bulk_edit.py",
               "inventory/tests/test_views.py")


def test_a_test_named_after_the_folder_covers_its_modules_but_not_the_views() -> None:
    result = _run(DJANGO_FORMS_AND_VIEWS, repo_files=DJANGO_REPO)
    assert result.status is Status.WARN
    (finding,) = result.findings
    assert finding.path == "inventory/views.py"
    assert "inventory/tests/test_views.py" in finding.message


# Rails: the controller is now covered by a request spec, not the old controller spec.
RAILS_REQUEST_SPEC = """\
diff --git a/app/controllers/comments_controller.rb b/app/controllers/comments_controller.rb
index 5a0c2e1..9b3d7f4 100644
--- a/app/controllers/comments_controller.rb
+++ b/app/controllers/comments_controller.rb
@@ -41,7 +41,10 @@ class CommentsController < ApplicationController
   def upvote
     comment = find_comment
     comment.vote_by!(current_user)
-    render json: { score: comment.score }
+    respond_to do |format|
+      format.html { redirect_back fallback_location: comment.story }
+      format.json { render json: { score: comment.score } }
+    end
   end
 
   private
diff --git a/spec/requests/comments_spec.rb b/spec/requests/comments_spec.rb
index 1e7b9c2..6d0a3f8 100644
--- a/spec/requests/comments_spec.rb
+++ b/spec/requests/comments_spec.rb
@@ -58,4 +58,11 @@ describe "comments", type: :request do
       expect(response).to have_http_status(:ok)
     end
   end
+
+  describe "upvoting without javascript" do
+    it "redirects back to the story" do
+      post "/comments/#{comment.short_id}/upvote"
+      expect(response).to redirect_to(comment.story)
+    end
+  end
 end
"""
RAILS_REPO = ("Gemfile", "app/controllers/comments_controller.rb", "app/models/comment.rb",
              "spec/rails_helper.rb", "spec/controllers/comments_controller_spec.rb",
              "spec/requests/comments_spec.rb", "spec/models/comment_spec.rb")


def test_a_request_spec_covers_its_controller() -> None:
    result = _run(RAILS_REQUEST_SPEC, repo_files=RAILS_REPO)
    assert (result.status, result.findings) == (Status.PASS, ())


def test_fail_suggests_the_folder_and_style_the_repository_uses() -> None:
    vue = """\
diff --git a/src/components/ReportCard.vue b/src/components/ReportCard.vue
index 3c9d1e0..8a2f7b4 100644
--- a/src/components/ReportCard.vue
+++ b/src/components/ReportCard.vue
@@ -9,4 +9,5 @@ const props = defineProps<{ report: Report }>();
 const title = computed(() => props.report.title.trim());
+const late = computed(() => props.report.dueAt < Date.now());
 </script>
 
 <template>
diff --git a/app/plugins/dynamic_scoring/__init__.py b/app/plugins/dynamic_scoring/__init__.py
index 0b1c2d3..4e5f6a7 100644
--- a/app/plugins/dynamic_scoring/__init__.py
+++ b/app/plugins/dynamic_scoring/__init__.py
@@ -30,3 +30,4 @@ class DynamicScoring(BaseChallenge):
     def attempt(cls, challenge, request):
         data = request.get_json()
+        data = data or {}
         return super().attempt(challenge, data)
"""
    repo_files = ("package.json", "src/components/ReportCard.vue", "src/components/Header.vue",
                  "src/components/Header.spec.ts", "src/stores/reports.spec.ts",
                  "src/utils/dates.test.ts", "app/plugins/dynamic_scoring/__init__.py",
                  "tests/__init__.py", "tests/plugins/test_flags.py")
    findings = _by_path(_run(vue, repo_files=repo_files))
    assert findings["src/components/ReportCard.vue"].message.endswith(
        "add one, e.g. src/components/ReportCard.spec.ts.")
    assert findings["app/plugins/dynamic_scoring/__init__.py"].message.endswith(
        "add one, e.g. tests/plugins/test_dynamic_scoring.py.")
