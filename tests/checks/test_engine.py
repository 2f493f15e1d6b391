"""The engine: every check runs, waivers and levels apply, one bad check never sinks the rest."""

from __future__ import annotations

import checks
from checks.engine import run_checks
from checks.model import Finding, Outcome, Severity, Status
from checks.spec import CheckSpec
from tests.shared import report_validator

DIFF = """\
diff --git a/src/orders/cancel.py b/src/orders/cancel.py
new file mode 100644
index 0000000..5f1c2d3
--- /dev/null
+++ b/src/orders/cancel.py
@@ -0,0 +1,3 @@
+def cancel(order, reason):
+    order.status = "cancelled"
+    order.reason = reason
diff --git a/package-lock.json b/package-lock.json
index 1111111..2222222 100644
--- a/package-lock.json
+++ b/package-lock.json
@@ -1,3 +1,3 @@
 {
-  "version": "1.0.0",
+  "version": "1.0.1",
   "lockfileVersion": 3
"""


def _failing(snapshot, options) -> Outcome:
    return Outcome(Status.FAIL, "Always fails.",
                   (Finding("bad line", path=snapshot.files[0].path, line=1, rule="demo"),))


def _crashing(snapshot, options) -> Outcome:
    raise RuntimeError("boom")


def _seen_paths(snapshot, options) -> Outcome:
    return Outcome(Status.PASS, ",".join(f.path for f in snapshot.files), stories=("X-1",),
                   stats={"demo": 1})


REGISTRY = (
    CheckSpec("always", "Always fails", _failing),
    CheckSpec("crash", "Crashes", _crashing),
    CheckSpec("paths", "Sees paths", _seen_paths),
)


def _snapshot(**extra):
    return checks.load_snapshot({"title": "Cancel orders", "diff": DIFF, **extra})


def _config(doc=None):
    from checks.config import load_config

    return load_config(doc or {}, REGISTRY)


def test_worst_status_wins_and_a_crash_is_contained() -> None:
    report = run_checks(_snapshot(), REGISTRY, _config())
    assert report.status is Status.FAIL
    crash = report.check("crash")
    assert crash.status is Status.WARN and "could not finish (RuntimeError)" in crash.summary
    assert report.check("paths").status is Status.PASS


def test_ignored_files_are_not_seen_and_are_counted() -> None:
    report = run_checks(_snapshot(), REGISTRY, _config())
    assert report.check("paths").summary == "src/orders/cancel.py"
    assert report.stats["ignored_files"] == 1
    assert report.stats["files"] == 2
    assert report.stats["demo"] == 1
    assert report.stories == ("X-1",)


def test_level_warn_caps_status_and_finding_severity() -> None:
    report = run_checks(_snapshot(), REGISTRY, _config({"always": {"level": "warn"}}))
    always = report.check("always")
    assert always.status is Status.WARN
    assert always.findings[0].severity is Severity.WARN
    assert report.status is Status.WARN


def test_waiver_skips_with_who_and_why() -> None:
    snapshot = _snapshot(waivers=[{"check": "always", "by": "lead-dev",
                                   "reason": "hotfix, tests follow in BILL-13"}])
    report = run_checks(snapshot, REGISTRY, _config())
    always = report.check("always")
    assert always.status is Status.SKIP and always.waived_by == "lead-dev"
    assert always.summary == "Waived by @lead-dev: hotfix, tests follow in BILL-13"
    assert report.status is Status.WARN  # the crash's warning is what is left


def test_disabled_and_not_selected_checks_are_skipped() -> None:
    report = run_checks(_snapshot(), REGISTRY, _config({"always": False}), only={"paths"})
    assert [c.status for c in report.checks] == [Status.SKIP] * 2 + [Status.PASS]
    assert report.status is Status.PASS


def test_builtin_report_validates_against_the_contract() -> None:
    report = checks.run(_snapshot(commits=[{"sha": "a" * 40, "message": "Cancel orders"}]))
    assert [c.id for c in report.checks] == ["story", "tests", "migrations", "secrets", "commits",
                                             "api-docs"]
    assert list(report_validator().iter_errors(report.to_dict())) == []


def test_snapshot_notes_reach_the_report() -> None:
    doc = {"title": "Big data", "files": [
        {"filename": "data/seed.sql", "status": "added", "additions": 90000, "deletions": 0}]}
    report = checks.run(doc)
    assert report.notes == ("data/seed.sql: patch not provided (too large to show); its "
                            "content was not checked",)
    assert report.to_dict()["notes"] == list(report.notes)


def test_lone_surrogates_from_json_escapes_are_replaced_not_fatal() -> None:
    # json.loads keeps "\ud800"; pathspec's re2 globs, secrets' re2 and UTF-8 output cannot.
    path = "src/orders/caf\ud800.py"
    diff = (f"diff --git a/{path} b/{path}\nnew file mode 100644\nindex 0000000..5f1c2d3\n"
            f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +2 @@\n+def cancel(order):\n"
            "+    return '\udfff'\n").replace("@@ -0,0 +2 @@", "@@ -0,0 +1,2 @@")
    doc = {"title": "OPS-4 cancel \ud83d", "diff": diff,
           "commits": [{"sha": "a" * 40, "message": "Cancel \udc80 orders"}]}
    report = checks.run(doc)
    assert [f.rule for c in report.checks for f in c.findings if f.rule == "internal-error"] == []
    snapshot = checks.load_snapshot(doc)
    assert snapshot.files[0].path == "src/orders/caf\ufffd.py"
    assert snapshot.title == "OPS-4 cancel \ufffd"
    assert snapshot.files[0].added[1].text == "    return '\ufffd'"
    assert snapshot.commits is not None and snapshot.commits[0].message == "Cancel \ufffd orders"
