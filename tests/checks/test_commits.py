"""Tests of the `commits` check: PR size and spread, size labels, and per-commit hygiene."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

import checks
from checks import commits
from checks.model import Severity, Status
from tests.diffs import deleted, modified, new_file, renamed
from tests.shared import report_validator


def python_handlers(count: int, prefix: str = "invoice") -> list[str]:
    """Plausible Django view code, four lines per handler."""
    lines = []
    for i in range(count):
        lines += [f"def {prefix}_view_{i}(request, pk):",
                  f'    """Show {prefix} {i}."""',
                  f'    return render(request, "{prefix}/detail_{i}.html", {{"pk": pk}})', ""]
    return lines


def go_funcs(count: int) -> list[str]:
    """Plausible Go handler code, five lines per function."""
    lines = []
    for i in range(count):
        lines += [f"func (s *Server) handleRoute{i}(w http.ResponseWriter, r *http.Request) {{",
                  f"\tctx, cancel := context.WithTimeout(r.Context(), {i + 1}*time.Second)",
                  "\tdefer cancel()",
                  f"\ts.respond(ctx, w, s.store.Route{i}(ctx))", "}"]
    return lines


def ts_components(count: int) -> list[str]:
    """Plausible React/TypeScript code, four lines per component."""
    lines = []
    for i in range(count):
        lines += [f"export function Panel{i}({{ title }}: {{ title: string }}) {{",
                  f'  const data = useQuery(["panel", {i}], () => api.get("/panels/{i}"));',
                  "  return <Card title={title}>{data?.body}</Card>;", "}"]
    return lines


def commit(subject: str, sha_seed: str = "", body: str = "", **extra: Any) -> dict[str, Any]:
    """A snapshot `commits[]` entry."""
    sha = extra.pop("sha", None) or hashlib.sha1((sha_seed or subject).encode()).hexdigest()
    message = subject + (f"\n\n{body}" if body else "")
    return {"sha": sha, "message": message, "author": extra.pop("author", "Dana Reyes"),
            "parents": extra.pop("parents", 1), **extra}


def snapshot(diff: str, commit_list: list[dict[str, Any]] | None = None,
             **fields: Any) -> checks.Snapshot:
    doc: dict[str, Any] = {"title": fields.pop("title", "Rework invoice rounding"),
                           "diff": diff, **fields}
    if commit_list is not None:
        doc["commits"] = commit_list
    return checks.load_snapshot(doc)


def options(**given: Any) -> commits.CommitsOptions:
    return checks.config_from_dict({"commits": given}).checks["commits"].options


def run(snap: checks.Snapshot, **given: Any) -> checks.model.Outcome:
    return commits.check(snap, options(**given))


def rules(outcome: checks.model.Outcome) -> list[str | None]:
    return [f.rule for f in outcome.findings]


def lines_diff(path: str, count: int) -> str:
    """A new Python file of exactly `count` added lines."""
    return new_file(path, python_handlers(count // 4 + 1)[:count])


# --- size and status ---------------------------------------------------------------------------


SMALL_FIX = modified(
    "billing/rounding.py", 41,
    ["def round_total(amount: Decimal) -> Decimal:", '    """Round an invoice total."""'],
    ["    return amount.quantize(Decimal('0.01'))"],
    ["    return amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_EVEN)"],
    ["", ""], heading="from decimal import Decimal",
) + modified(
    "tests/billing/test_rounding.py", 12,
    ["def test_round_total_half_cent():"],
    ["    assert round_total(Decimal('0.125')) == Decimal('0.13')"],
    ["    assert round_total(Decimal('0.125')) == Decimal('0.12')",
     "    assert round_total(Decimal('0.135')) == Decimal('0.14')"],
)


def test_small_pr_with_clean_commits_passes() -> None:
    snap = snapshot(SMALL_FIX, [commit("Use banker's rounding for invoice totals",
                                       body="Finance reconciles with ROUND_HALF_EVEN.\n\n"
                                            "Co-authored-by: Sam Li <sam@example.com>",
                                       additions=3, deletions=2)])
    outcome = run(snap)
    assert outcome.status is Status.PASS
    assert outcome.findings == ()
    assert outcome.summary == "XS: 5 changed lines in 2 files across 2 areas; 1 commit clean"
    assert outcome.stats["size_label"] == "XS"
    assert outcome.stats["changed_lines"] == 5
    assert outcome.stats["files_counted"] == 2
    assert outcome.stats["areas"] == 2
    assert outcome.stats["area_names"] == ["tests", "billing"]


def _typescript_feature() -> str:
    # 4 * 90 + 4 * 25 + 40 = 500 changed lines in web/, api/ and docs/
    return (new_file("web/src/components/panels.tsx", ts_components(90))
            + new_file("api/panels/views.py", python_handlers(25, "panel"))
            + modified("docs/panels.md", 3, ["## Panels"], [f"Old note {i}." for i in range(10)],
                       [f"Panel {i} shows the `/panels/{i}` endpoint." for i in range(30)]))


def test_large_pr_warns_and_names_where_the_lines_are() -> None:
    snap = snapshot(_typescript_feature(), [
        commit("Add panel components", additions=360, deletions=0),
        commit("Serve panel data from the API", additions=100, deletions=0),
        commit("Document the panels", additions=30, deletions=10),
    ])
    outcome = run(snap)
    assert outcome.status is Status.WARN
    assert rules(outcome) == ["pr-large"]
    assert outcome.findings[0].severity is Severity.WARN
    assert "500 lines, over 400" in outcome.findings[0].message
    assert "web (360), api (100), docs (40)" in outcome.findings[0].message
    assert outcome.summary == ("XL: 500 changed lines in 3 files across 3 areas, over 400; "
                               "3 commits clean")


def test_huge_pr_fails() -> None:
    diff = (new_file("internal/server/routes.go", go_funcs(180))
            + new_file("internal/server/routes_test.go", go_funcs(40))
            + deleted("cmd/legacy/main.go", go_funcs(20)))
    snap = snapshot(diff, [commit("Port the route table to net/http", additions=1100,
                                  deletions=100)])
    outcome = run(snap)
    assert outcome.status is Status.FAIL
    assert rules(outcome) == ["pr-too-large"]
    assert "1200 lines, over the 1000-line limit" in outcome.findings[0].message
    assert outcome.stats["size_label"] == "XXL"
    # one commit: the PR rule speaks for it, no second finding about the same lines
    assert "commit-too-large" not in rules(outcome)


@pytest.mark.parametrize(("lines", "status", "rule"), [
    (400, Status.PASS, None), (401, Status.WARN, "pr-large"),
    (1000, Status.WARN, "pr-large"), (1001, Status.FAIL, "pr-too-large"),
])
def test_size_thresholds_at_their_boundaries(lines: int, status: Status, rule: str | None) -> None:
    outcome = run(snapshot(lines_diff("app/models.py", lines)))
    assert outcome.stats["changed_lines"] == lines
    assert outcome.status is status
    assert rules(outcome) == ([rule] if rule else [])


def test_thresholds_are_configurable_and_zero_turns_them_off() -> None:
    snap = snapshot(lines_diff("app/models.py", 150))
    assert rules(run(snap, warn_lines=100)) == ["pr-large"]
    assert rules(run(snap, warn_lines=50, fail_lines=120)) == ["pr-too-large"]
    assert run(snapshot(lines_diff("app/models.py", 1500)), warn_lines=0,
               fail_lines=0).status is Status.PASS


@pytest.mark.parametrize(("lines", "label"), [
    (0, "XS"), (9, "XS"), (10, "S"), (29, "S"), (30, "M"), (99, "M"), (100, "L"),
    (499, "L"), (500, "XL"), (999, "XL"), (1000, "XXL"), (25000, "XXL"),
])
def test_size_labels_at_their_boundaries(lines: int, label: str) -> None:
    assert commits.size_label(lines) == label


def test_size_label_comes_from_a_real_diff_count() -> None:
    outcome = run(snapshot(lines_diff("lib/parser.py", 30)))
    assert outcome.stats["size_label"] == "M"
    assert outcome.summary.startswith("M: 30 changed lines in 1 file across 1 area;")


# --- what does not count -----------------------------------------------------------------------


LOCK_LINES = ['    "node_modules/left-pad": {', '      "version": "1.3.0",',
              '      "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",',
              '      "integrity": "sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQxhTw="',
              "    },"] * 120


def _mixed_exclusions_diff() -> str:
    return (
        modified("package-lock.json", 1840, ['  "packages": {'], [], LOCK_LINES)
        + new_file("vendor/github.com/pkg/errors/errors.go", go_funcs(60))
        + new_file("api/gen/invoice_pb2.py", python_handlers(50))
        + new_file("internal/db/queries.sql.go",
                   ["// Code generated by sqlc. DO NOT EDIT.", "// versions:",
                    "//   sqlc v1.25.0", "", "package db", *go_funcs(40)])
        + renamed("src/utils/money.ts", "src/lib/money.ts")
        + modified("src/lib/format.ts", 8,
                   ["export function formatMoney(cents: number): string {"],
                   ["  return (cents / 100).toFixed(2);"],
                   ["  const amount = cents / 100;",
                    "  return new Intl.NumberFormat('en-US', { style: 'currency', "
                    "currency: 'USD' }).format(amount);"],
                   ["}"])
        + modified("src/lib/format.test.ts", 3,
                   ["describe('formatMoney', () => {"], [],
                   ["  it('adds the currency sign', () => {",
                    "    expect(formatMoney(1999)).toBe('$19.99');", "  });"],
                   ["});"])
    )


def test_lock_generated_vendored_and_renamed_files_do_not_count() -> None:
    snap = snapshot(_mixed_exclusions_diff(), [commit("Format money with Intl.NumberFormat",
                                                      additions=5, deletions=1)])
    outcome = run(snap)
    assert outcome.stats["changed_lines"] == 6
    assert outcome.stats["files_counted"] == 2
    assert outcome.stats["excluded_files"] == 5
    assert outcome.stats["area_names"] == ["src"]
    assert outcome.status is Status.PASS
    assert ("(not counted: 1 renamed file; 1 lock file, 600 lines; 1 vendored file, 300 lines; "
            "2 generated files, 405 lines)") in outcome.summary


def test_exclusions_hold_when_the_global_ignore_defaults_are_off() -> None:
    diff = _mixed_exclusions_diff()
    config = checks.config_from_dict({"ignore_defaults": False, "ignore_generated": False})
    report = checks.run({"title": "Format money", "diff": diff}, config, only={"commits"})
    assert report.stats["changed_lines"] == 6
    assert report.stats["size_label"] == "XS"
    assert report.check("commits").status is Status.PASS
    # and the engine's own figures still show everything the diff holds
    assert report.stats["files"] == 7


def test_a_renamed_file_with_edits_counts_its_edited_lines() -> None:
    diff = ("diff --git a/src/utils/money.ts b/src/lib/money.ts\nsimilarity index 92%\n"
            "rename from src/utils/money.ts\nrename to src/lib/money.ts\n"
            "index 4f2a1c3..9b8e7d6 100644\n--- a/src/utils/money.ts\n+++ b/src/lib/money.ts\n"
            "@@ -1,3 +1,3 @@\n-import { round } from './math';\n+import { round } from '../math';\n"
            " \n export const cents = (n: number) => round(n * 100);\n")
    outcome = run(snapshot(diff))
    assert outcome.stats["changed_lines"] == 2
    assert outcome.stats["files_counted"] == 1


def test_github_files_form_counts_files_whose_patch_github_left_out() -> None:
    doc = {"title": "Rewrite the order state machine", "files": [
        {"filename": "app/models/order.rb", "status": "modified", "additions": 2400,
         "deletions": 2100, "changes": 4500},
        {"filename": "assets/logo.png", "status": "added", "additions": 0, "deletions": 0,
         "changes": 0},
    ]}
    outcome = run(checks.load_snapshot(doc))
    assert outcome.stats["changed_lines"] == 4500
    assert outcome.stats["files_counted"] == 2
    assert outcome.status is Status.FAIL


# --- spread ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "area"), [
    ("README.md", "(root)"),
    ("src/app.py", "src"),
    ("src/billing/invoice.py", "src"),
    ("services/billing/app/models.py", "services/billing"),
    ("packages/ui/src/Button.tsx", "packages/ui"),
    ("apps/web/next.config.js", "apps/web"),
    ("crates/parser/src/lib.rs", "crates/parser"),
    ("packages/README.md", "packages"),
    (".github/workflows/ci.yml", ".github"),
    ("Services/Billing/Startup.cs", "Services/Billing"),
])
def test_area_of(path: str, area: str) -> None:
    assert commits.area_of(path) == area


def test_area_containers_are_configurable() -> None:
    assert commits.area_of("components/button/index.ts", ["components"]) == "components/button"
    assert commits.area_of("packages/ui/src/Button.tsx", []) == "packages"


def _monorepo_sweep(areas: int, files_per_area: int) -> str:
    diff = ""
    for a in range(areas):
        for f in range(files_per_area):
            diff += modified(f"packages/pkg-{a}/src/index.ts", 1, ["import { log } from './log';"],
                             ["export const VERSION = '1.4.0';"],
                             ["export const VERSION = '1.5.0';"]) if f == 0 else modified(
                f"packages/pkg-{a}/src/mod{f}.ts", 3, ["// shared logger"],
                ["log.info('start');"], ["log.debug('start');"])
    return diff


def test_many_areas_warns_and_lists_them() -> None:
    outcome = run(snapshot(_monorepo_sweep(areas=8, files_per_area=1)))
    assert rules(outcome) == ["pr-many-areas"]
    assert "8 areas, over 6" in outcome.findings[0].message
    assert "packages/pkg-0" in outcome.findings[0].message
    assert outcome.status is Status.WARN


def test_six_areas_is_fine() -> None:
    outcome = run(snapshot(_monorepo_sweep(areas=6, files_per_area=2)))
    assert outcome.findings == ()
    assert outcome.stats["areas"] == 6


def test_many_files_warns() -> None:
    outcome = run(snapshot(_monorepo_sweep(areas=3, files_per_area=17)))
    assert outcome.stats["files_counted"] == 51
    assert rules(outcome) == ["pr-many-files"]
    assert rules(run(snapshot(_monorepo_sweep(areas=3, files_per_area=17)), warn_files=0)) == []


def test_many_pure_renames_do_not_spread_a_pr() -> None:
    diff = "".join(renamed(f"lib/old_{i}.rb", f"app/services/new_{i}.rb") for i in range(80))
    outcome = run(snapshot(diff))
    assert outcome.findings == ()
    assert outcome.stats["files_counted"] == 0
    assert outcome.summary.startswith("XS: 0 changed lines in 0 files across 0 areas "
                                      "(not counted: 80 renamed files)")


# --- commit hygiene ----------------------------------------------------------------------------


@pytest.mark.parametrize(("subject", "rule"), [
    # autosquash markers
    ("fixup! Add invoice rounding", "commit-fixup"),
    ("squash! Add invoice rounding", "commit-fixup"),
    ("amend! Add invoice rounding", "commit-fixup"),
    ("fixup! fixup! Add invoice rounding", "commit-fixup"),
    ("Fixup flaky checkout test", None),
    ("Squash migrations 0001-0014 into one", None),
    ("Amend the retention policy to 30 days", None),
    # work in progress, temporary, do-not-merge
    ("WIP", "commit-wip"),
    ("wip", "commit-wip"),
    ("WIP: invoice export", "commit-wip"),
    ("wip parser", "commit-wip"),
    ("[WIP] checkout flow", "commit-wip"),
    ("Refactor payment client (WIP)", "commit-wip"),
    ("feat: wip", "commit-wip"),
    ("refactor parser - WIP", "commit-wip"),
    ("tmp", "commit-wip"),
    ("temp commit", "commit-wip"),
    ("tmp: try redis cache", "commit-wip"),
    ("[temp] debug logging", "commit-wip"),
    ("DO NOT MERGE: debug logging for prod issue", "commit-wip"),
    ("DNM verbose SQL logging", "commit-wip"),
    ("Wipe the cache on deploy", None),
    ("Add wipe command to the admin CLI", None),
    ("Remove WIP banner from the dashboard", None),
    ("Temperature sensor reads in Celsius", None),
    ("Use tmpfs for test databases", None),
    ("Clean tmp-dir on shutdown", None),
    ("tmp-dir cleanup on shutdown", None),
    ("Configure dnsmasq for local dev", None),
    # conventional-commit and gitmoji prefixes before the marker; gitmoji's 🚧 means WIP
    ("feat(billing): WIP invoice export", "commit-wip"),
    ("fix(auth)!: tmp", "commit-wip"),
    ("chore: do not merge, debug logging", "commit-wip"),
    (":sparkles: wip", "commit-wip"),
    ("✨ WIP: dark mode toggle", "commit-wip"),
    ("🚧 Add invoice export skeleton", "commit-wip"),
    (":construction: Add invoice export skeleton", "commit-wip"),
    ("chore: wipe stale sessions nightly", None),
    ("fix(auth): temp tokens expire after 10 minutes", None),
    ("docs: temporal tables in the reporting DB", None),
    # empty and one-word subjects
    ("", "commit-subject-empty"),
    (".", "commit-subject-empty"),
    ("...", "commit-subject-empty"),
    ("fix", "commit-subject-one-word"),
    ("update", "commit-subject-one-word"),
    ("Fixes.", "commit-subject-one-word"),
    ("fix:", "commit-subject-one-word"),
    ("refactor(api):", "commit-subject-one-word"),
    ("🐛 fix", "commit-subject-one-word"),
    (":bug: fix", "commit-subject-one-word"),  # the shortcode is the same emoji as text
    (":memo::pencil2: readme", "commit-subject-one-word"),
    (":memo: Update the API guide", None),
    (":sparkles: Add :bulb: to the list", None),
    (":bug: :sparkles:", "commit-subject-empty"),
    ("修复", "commit-subject-one-word"),
    ("修复登录页面的跳转问题", None),
    ("ユーザー登録機能を追加", None),
    ("feat: add", None),
    ("fix: typo", None),
    ("Initial commit", None),
    ("Update README.md", None),
    ("1.4.0", None),
    ("v2.0.0-rc.1", None),
    ('Revert "Add invoice rounding"', None),
    # length
    ("Add an export of every invoice of the last fiscal year to the reporting pipeline",
     "commit-subject-too-long"),
    ("Make the invoice export stream rows instead of loading the whole table x", None),
    ('Revert "Make the invoice export stream rows instead of loading the whole table"', None),
    # GitHub's squash merge appends " (#1234)": cherry-picked or backported, it is not the
    # author's length; 69 characters of subject plus the suffix pass, 76 do not
    ("fix(optimizer): keep the transitive dep name when it has an asset ext (#18152)", None),
    ("fix(optimizer): keep the transitive dependency name when it has an asset ext (#18152)",
     "commit-subject-too-long"),
])
def test_commit_subject_rules(subject: str, rule: str | None) -> None:
    snap = snapshot(SMALL_FIX, [commit(subject, sha="0e4a9a4f3c8d2b17e6a5c4d3b2a1908f7e6d5c4b",
                                       additions=3, deletions=2)])
    outcome = run(snap)
    assert rules(outcome) == ([rule] if rule else [])
    if rule:
        finding = outcome.findings[0]
        assert finding.severity is Severity.WARN
        assert finding.message.startswith("Commit 0e4a9a4")
        if subject.strip():
            assert subject.strip()[:40] in finding.message


def test_subject_length_boundary_and_option() -> None:
    exactly = "Stream invoice rows to the CSV export instead of buffering the whole table"
    assert len(exactly) == 74
    snap = snapshot(SMALL_FIX, [commit(exactly[:72], additions=3, deletions=2)])
    assert rules(run(snap)) == []
    snap = snapshot(SMALL_FIX, [commit(exactly[:73], additions=3, deletions=2)])
    assert rules(run(snap)) == ["commit-subject-too-long"]
    assert "73 characters, over 72" in run(snap).findings[0].message
    assert rules(run(snap, max_subject_length=100)) == []
    assert rules(run(snap, max_subject_length=0)) == []


def test_long_subject_is_shortened_in_the_message() -> None:
    subject = "Add " + "very " * 40 + "long subject"
    outcome = run(snapshot(SMALL_FIX, [commit(subject, additions=3, deletions=2)]))
    message = outcome.findings[0].message
    assert "…" in message
    assert subject not in message
    assert f"{len(subject)} characters" in message


def test_subject_is_the_first_line_and_a_trailer_is_no_subject() -> None:
    assert commits.commit_subject("Add rounding\n\nBody text") == "Add rounding"
    assert commits.commit_subject("\n\n  Add rounding  \r\n") == "Add rounding"
    assert commits.commit_subject("Signed-off-by: Dana Reyes <dana@example.com>\n") == ""
    trailer_only = {"sha": "9f1c2ab" + "0" * 33, "parents": 1,
                    "message": "Signed-off-by: Dana Reyes <dana@example.com>"}
    outcome = run(snapshot(SMALL_FIX, [trailer_only]))
    assert rules(outcome) == ["commit-subject-empty"]
    assert outcome.findings[0].message.startswith("Commit 9f1c2ab has no subject")


def test_a_wip_commit_is_not_also_reported_as_one_word() -> None:
    outcome = run(snapshot(SMALL_FIX, [commit("wip")]))
    assert rules(outcome) == ["commit-wip"]


MERGE_CASES = [
    # (subject, parents, base_ref, expected)
    ("Merge branch 'main' into feature/invoice-rounding", 2, "main", True),
    ("Merge remote-tracking branch 'origin/main' into feature/invoice-rounding", 2, "main", True),
    ("Merge remote-tracking branch 'origin/main'", 2, "main", True),
    ("Merge branch 'main' of github.com:acme/billing into feature/x", 2, "main", True),
    ("Merge branch 'main' of https://github.com/acme/billing", 2, "main", True),
    ("Merge branch 'develop' into 'feature/x'", 2, "develop", True),
    ("Merge remote-tracking branch 'upstream/release/2.4' into fix/tz", 2, "release/2.4", True),
    ("Merge branch 'release/2.4' into fix/tz", 2, "refs/heads/release/2.4", True),
    ("Merge main into feature/invoice-rounding", 2, "main", True),
    ("Merge branch 'master' into feature/x", 2, "", True),
    ("Merge branch 'main' into feature/x", None, "main", True),
    ("merge main into feature/invoice-rounding", 2, "main", True),
    # near misses
    ("Merge branch 'feature/api-client' into feature/checkout", 2, "main", False),
    ("Merge branch 'main' into feature/x", 2, "develop", False),
    ("Merge remote-tracking branch 'origin/feature/api-client'", 2, "main", False),
    ("Merge pull request #412 from acme/feature/api-client", 2, "main", False),
    ("Merge tag 'v2.3.0' into release", 2, "main", False),
    ("Merge branch 'main' into feature/x", 1, "main", False),
    ("Merge duplicate address parsers into one module", 1, "main", False),
    ("Merge branch 'feature/x'", 2, "", False),
]


@pytest.mark.parametrize(("subject", "parents", "base_ref", "expected"), MERGE_CASES)
def test_merge_from_base(subject: str, parents: int | None, base_ref: str, expected: bool) -> None:
    snap = snapshot(SMALL_FIX, [commit("Use banker's rounding for invoice totals"),
                                commit(subject, parents=parents, additions=400, deletions=90)],
                    base_ref=base_ref)
    outcome = run(snap)
    assert ("commit-merge-from-base" in rules(outcome)) is expected
    if expected:
        assert "merges the base branch" in outcome.findings[0].message


def test_merge_commits_are_not_judged_on_subject_or_size() -> None:
    subject = ("Merge branch 'feature/very-long-branch-name-for-the-api-client-rewrite' "
               "into feature/checkout")
    snap = snapshot(SMALL_FIX, [commit("Add checkout flow", additions=3, deletions=2),
                                commit(subject, parents=2, additions=4200, deletions=3900)],
                    base_ref="main")
    assert run(snap).findings == ()


def test_a_github_merge_subject_without_parent_data_is_a_merge() -> None:
    # The story check skips it too: one rule (Commit.is_merge) for both.
    subject = "Merge pull request #412 from acme/feature/very-long-branch-name-for-the-api-client"
    snap = snapshot(SMALL_FIX, [commit("Add checkout flow", additions=3, deletions=2),
                                commit(subject, parents=None, additions=4200, deletions=3900)],
                    base_ref="main")
    assert run(snap).findings == ()
    one_parent = snapshot(SMALL_FIX, [commit(subject, parents=1, additions=4, deletions=2)])
    assert rules(run(one_parent)) == ["commit-subject-too-long"]


def _two_commit_feature() -> tuple[str, list[dict[str, Any]]]:
    diff = (new_file("app/invoices/export.py", python_handlers(150))
            + new_file("tests/invoices/test_export.py", python_handlers(20, "test_export")))
    commit_list = [
        commit("Add invoice CSV export", additions=600, deletions=0,
               files=["app/invoices/export.py"]),
        commit("Test the invoice CSV export", additions=80, deletions=0,
               files=["tests/invoices/test_export.py"]),
    ]
    return diff, commit_list


def test_oversized_commit_in_a_multi_commit_pr() -> None:
    diff, commit_list = _two_commit_feature()
    outcome = run(snapshot(diff, commit_list))
    assert rules(outcome) == ["pr-large", "commit-too-large"]
    assert '"Add invoice CSV export": changes 600 lines, over 500' in outcome.findings[1].message
    assert rules(run(snapshot(diff, commit_list), max_commit_lines=700)) == ["pr-large"]
    assert rules(run(snapshot(diff, commit_list), max_commit_lines=0)) == ["pr-large"]


def test_commit_size_is_not_judged_when_it_mixes_in_lock_files() -> None:
    diff = (modified("package-lock.json", 1840, ['  "packages": {'], [], LOCK_LINES)
            + modified("package.json", 14, ['  "dependencies": {'], ['    "react": "^17.0.2",'],
                       ['    "react": "^18.2.0",']) + new_file("src/App.tsx", ts_components(20)))
    commit_list = [
        commit("Upgrade React to 18", additions=601, deletions=1,
               files=["package-lock.json", "package.json"]),
        commit("Move the app to createRoot", additions=80, deletions=0, files=["src/App.tsx"]),
    ]
    outcome = run(snapshot(diff, commit_list))
    assert outcome.findings == ()
    assert outcome.stats["changed_lines"] == 82
    # without the file list the commit's own count is all there is to judge
    for entry in commit_list:
        entry.pop("files")
    assert rules(run(snapshot(diff, commit_list))) == ["commit-too-large"]


def test_commit_size_is_not_judged_when_it_moves_a_file() -> None:
    body = python_handlers(150)
    diff = ("diff --git a/billing/export.py b/billing/reports/export.py\nsimilarity index 99%\n"
            "rename from billing/export.py\nrename to billing/reports/export.py\n"
            "index 5d41402..7b52009 100644\n--- a/billing/export.py\n"
            "+++ b/billing/reports/export.py\n@@ -1,3 +1,3 @@\n"
            "-from billing.models import Invoice\n"
            "+from billing.reports.models import Invoice\n"
            + "".join(f" {line}\n" for line in body[:2])
            + modified("billing/urls.py", 4, ["urlpatterns = ["],
                       ["    path('export/', export.index),"],
                       ["    path('reports/export/', export.index),"]))
    # `git log --no-renames --numstat` counts the move as the whole file out and in again
    commit_list = [
        commit("Move the invoice export under reports", additions=600, deletions=600,
               files=["billing/export.py", "billing/reports/export.py"]),
        commit("Serve the export from /reports/export/", additions=1, deletions=1,
               files=["billing/urls.py"]),
    ]
    outcome = run(snapshot(diff, commit_list))
    assert outcome.findings == ()
    assert outcome.stats["changed_lines"] == 4
    # a source that follows renames lists the new path alone, with the lines really edited
    commit_list[0].update(files=["billing/reports/export.py"], additions=540, deletions=2)
    assert rules(run(snapshot(diff, commit_list))) == ["commit-too-large"]


def test_bot_commits_are_judged_leniently_by_default() -> None:
    diff = modified("services/web-frontend/package.json", 20, ['  "devDependencies": {'],
                    ['    "@typescript-eslint/eslint-plugin": "^6.20.0",'],
                    ['    "@typescript-eslint/eslint-plugin": "^6.21.0",'])
    subject = ("Bump @typescript-eslint/eslint-plugin from 6.20.0 to 6.21.0 in "
               "/services/web-frontend")
    commit_list = [commit(subject, author="dependabot[bot]", additions=1, deletions=1)]
    assert run(snapshot(diff, commit_list)).findings == ()
    assert rules(run(snapshot(diff, commit_list), lenient_bots=False)) == [
        "commit-subject-too-long"]
    renovate = [commit("chore(deps): update dependency @typescript-eslint/eslint-plugin to v6.21.0",
                       author="Renovate Bot")]
    assert run(snapshot(diff, renovate)).findings == ()


@pytest.mark.parametrize(("author", "bot"), [
    ("dependabot[bot]", True), ("renovate[bot]", True), ("Renovate Bot", True),
    ("github-actions[bot]", True), ("pre-commit-ci[bot]", True),
    ("Abbot Ngu", False), ("Talbot", False), ("Dana Reyes", False), (None, False), ("", False),
])
def test_is_bot(author: str | None, bot: bool) -> None:
    assert commits.is_bot(author) is bot


def test_hygiene_level_fail_fails_the_check() -> None:
    snap = snapshot(SMALL_FIX, [commit("WIP rounding")])
    outcome = run(snap, hygiene_level="fail")
    assert outcome.status is Status.FAIL
    assert outcome.findings[0].severity is Severity.FAIL
    assert outcome.summary.endswith("; 1 commit hygiene problem")


def test_hygiene_rules_can_be_turned_off_one_by_one() -> None:
    snap = snapshot(SMALL_FIX, [commit("fix"), commit("fixup! fix")])
    assert rules(run(snap)) == ["commit-subject-one-word", "commit-fixup"]
    assert rules(run(snap, hygiene={"commit-subject-one-word": False})) == ["commit-fixup"]


def test_wip_commits_in_a_draft_pr_are_notices() -> None:
    snap = snapshot(SMALL_FIX, [commit("WIP rounding"), commit("fixup! WIP rounding"),
                                commit("update")], draft=True)
    outcome = run(snap)
    assert [f.severity for f in outcome.findings] == [Severity.NOTICE, Severity.NOTICE,
                                                      Severity.WARN]
    assert outcome.status is Status.WARN
    assert outcome.summary.endswith("; 1 commit hygiene warning (2 draft notices)")


def test_summary_counts_hygiene_warnings() -> None:
    snap = snapshot(SMALL_FIX, [commit("Use banker's rounding for invoice totals"),
                                commit("fix"), commit("wip tests")])
    outcome = run(snap)
    assert outcome.status is Status.WARN
    assert outcome.summary == ("XS: 5 changed lines in 2 files across 2 areas; "
                               "2 commit hygiene warnings")


def test_many_bad_commits_are_capped_but_counted() -> None:
    snap = snapshot(SMALL_FIX, [commit("wip", sha_seed=str(i)) for i in range(60)])
    outcome = run(snap)
    assert len(outcome.findings) == commits.MAX_COMMIT_FINDINGS + 1
    assert outcome.findings[-1].rule == "commit-more"
    assert outcome.findings[-1].message == "10 more commit hygiene findings not listed."
    assert outcome.summary.endswith("; 60 commit hygiene warnings")


# --- no commit data, odd input -----------------------------------------------------------------


def test_without_commit_data_it_judges_size_only() -> None:
    outcome = run(snapshot(_typescript_feature()))
    assert outcome.summary == ("XL: 500 changed lines in 3 files across 3 areas, over 400; "
                               "size only: no commit data")
    assert rules(outcome) == ["pr-large"]


def test_an_empty_commit_list_is_not_missing_data() -> None:
    outcome = run(snapshot(SMALL_FIX, []))
    assert outcome.summary.endswith("; no commits")


def test_odd_commits_do_not_crash() -> None:
    commit_list = [{"sha": "", "message": ""}, {"sha": "abc", "message": "\n\n\n"},
                   {"sha": "d" * 40, "message": "x" * 5000, "parents": 0},
                   {"sha": "e" * 40, "message": "Merge branch '' into x", "parents": 3}]
    outcome = run(snapshot("", commit_list))
    assert rules(outcome) == ["commit-subject-empty", "commit-subject-empty",
                              "commit-subject-one-word", "commit-subject-too-long"]
    assert outcome.findings[0].message.startswith("Commit (no sha)")
    assert outcome.stats["size_label"] == "XS"


def test_check_works_with_bare_options() -> None:
    outcome = commits.check(snapshot(lines_diff("app/models.py", 450), [commit("wip")]),
                            commits.CHECK.default_options())
    assert rules(outcome) == ["pr-large", "commit-wip"]


# --- through the engine ------------------------------------------------------------------------


def test_report_carries_the_size_label_and_validates() -> None:
    diff, commit_list = _two_commit_feature()
    doc = {"title": "BILL-12 Invoice CSV export", "diff": diff, "commits": commit_list,
           "base_ref": "main", "head_ref": "feature/BILL-12-export"}
    report = checks.run(doc, only={"commits"})
    assert report.stats["size_label"] == "XL"
    assert report.stats["changed_lines"] == 680
    result = report.check("commits")
    assert result.status is Status.WARN
    assert result.title == "Small PR, clean commits"
    report_validator().validate(report.to_dict())


def test_level_warn_caps_a_too_large_pr() -> None:
    config = checks.config_from_yaml("commits:\n  level: warn\n  fail_lines: 300\n")
    report = checks.run({"title": "Big", "diff": lines_diff("app/models.py", 350)}, config,
                        only={"commits"})
    assert report.check("commits").status is Status.WARN
    assert report.check("commits").findings[0].rule == "pr-too-large"


@pytest.mark.parametrize(("yaml_text", "path"), [
    ("commits:\n  warn_lines: many\n", "commits.warn_lines"),
    ("commits:\n  warn_lines: -1\n", "commits.warn_lines"),
    ("commits:\n  hygiene_level: error\n", "commits.hygiene_level"),
    ("commits:\n  hygiene:\n    commit-typo: false\n", "commits.hygiene.commit-typo"),
    ("commits:\n  max_subject: 50\n", "commits.max_subject"),
])
def test_bad_options_are_config_errors(yaml_text: str, path: str) -> None:
    with pytest.raises(checks.ConfigError) as info:
        checks.config_from_yaml(yaml_text)
    assert info.value.path == path


# --- recorded fixtures, catalogues, data: counted apart ------------------------------------------

def _listed(path: str, lines: int, status: str = "modified") -> dict[str, Any]:
    return {"filename": path, "status": status, "additions": lines, "deletions": 0,
            "changes": lines}


@pytest.mark.parametrize(("path", "lines", "reason"), [
    # octokit/octokit.rb 73176151: VCR cassettes recorded for new endpoints
    ("spec/cassettes/Octokit_Client_ActionsSecrets/_list_org_secrets/returns_list_of_org_secrets.json",
     812, "recorded fixture"),
    ("spec/fixtures/vcr_cassettes/stripe/charge.yml", 900, "recorded fixture"),
    # koel/koel: Vitest snapshots beside the specs
    ("resources/assets/js/components/album/__snapshots__/AlbumTrackListItem.spec.ts.snap", 264,
     "recorded fixture"),
    ("internal/render/testdata/page.golden", 400, "recorded fixture"),
    # jazzband/django-taggit 13fdd25 and documenso/documenso 962cffc9f: gettext catalogues
    ("taggit/locale/uk/LC_MESSAGES/django.po", 60, "translation file"),
    ("taggit/locale/uk/LC_MESSAGES/django.mo", 0, "translation file"),
    ("packages/lib/translations/pt-BR/web.po", 911, "translation file"),
    ("lang/de.json", 1, "translation file"),
    ("public/locales/fr/common.json", 1, "translation file"),
    ("config/locales/pt-BR.yml", 40, "translation file"),
    ("app/src/main/res/values-fr/strings.xml", 12, "translation file"),
    ("data/iso3166-countries.json", 3500, "data file"),
    ("fixtures/postcodes.csv", 1200, "data file"),
    ("shop/migrations/0001_squashed_0042_order_state.py", 2400, "squashed migration"),
])
def test_what_a_reviewer_does_not_read_is_counted_apart(path: str, lines: int,
                                                        reason: str) -> None:
    doc = {"title": "x", "files": [_listed(path, lines), _listed("app/models.py", 12)]}
    outcome = run(checks.load_snapshot(doc))
    assert outcome.stats["changed_lines"] == 12
    assert f"(not counted: 1 {reason}" in outcome.summary


@pytest.mark.parametrize(("path", "lines"), [
    ("src/i18n/index.ts", 40), ("app/models/recording.rb", 40), ("package.json", 600),
    ("config/settings.json", 120), ("db/seeds/countries.rb", 400),
    ("shop/migrations/0043_order_state.py", 60),
])
def test_code_and_small_settings_still_count(path: str, lines: int) -> None:
    doc = {"title": "x", "files": [_listed(path, lines)]}
    assert run(checks.load_snapshot(doc)).stats["changed_lines"] == lines


def test_fifty_two_one_line_translations_are_not_too_many_files() -> None:
    # One string added to every locale, as the issue's report shows: 52 one-line files.
    files = [_listed(f"resources/lang/{code}.json", 1) for code in (
        "af ar az be bg bn bs ca cs cy da de el es et eu fa fi fil fr gl gu he hi hr hu hy id is "
        "it ja ka kk km kn ko lt lv mk ml mn mr ms nb ne nl pl pt ro ru sk sl".split())]
    files.append(_listed("app/Http/Controllers/InvoiceController.php", 8))
    outcome = run(checks.load_snapshot({"title": "x", "files": files}))
    assert len(files) == 53
    assert rules(outcome) == []
    assert outcome.stats["files_counted"] == 1
    assert outcome.stats["excluded"]["translation"] == {"files": 52, "lines": 52}
    assert "(not counted: 52 translation files, 52 lines)" in outcome.summary
