"""The review processes compile every check's patterns when they start (issue 18), so no
review pays for compiling them; the command line compiles only what its input needs."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import checks
from checks.lazyre import counts

# A Kotlin controller: the api-docs check imports its JVM scanner module for it, on demand.
KOTLIN_ROUTE = """\
diff --git a/src/main/kotlin/OrderController.kt b/src/main/kotlin/OrderController.kt
new file mode 100644
index 0000000..1111111
--- /dev/null
+++ b/src/main/kotlin/OrderController.kt
@@ -0,0 +1,4 @@
+@RestController
+class OrderController {
+    @GetMapping("/orders") fun list() = listOf<String>()
+}
"""


def review_then_count(diff: str) -> tuple[int, int]:
    """In a review process: review a diff, then count compiled and defined patterns."""
    checks.run({"title": "Add orders", "diff": diff})
    return counts()


def test_review_processes_start_with_every_pattern_compiled(pool: ProcessPoolExecutor) -> None:
    compiled, defined = pool.submit(review_then_count, KOTLIN_ROUTE).result(timeout=60)
    assert defined > 300
    assert compiled == defined
