"""Tests of the `story` check: where references are found, what is not one, and story files."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

import pytest

import checks
from checks import story
from checks.model import Outcome, Severity, Status
from tests.diffs import deleted, modified, new_file
from tests.growth import FACTOR, assert_linear
from tests.shared import report_validator

STORY_DIR = "docs/work/features/billing/stories"
REPO = "acme/billing"

# A Django view, its pytest, a React component with a Jest test, and a Go handler: one feature.
PY_CHANGE = modified(
    "billing/views.py", 18,
    ["class InvoiceDetailView(LoginRequiredMixin, DetailView):", "    model = Invoice", ""],
    ["    def get_context_data(self, **kwargs):"],
    ["    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:",
     "        context = super().get_context_data(**kwargs)",
     "        context[\"totals\"] = compute_totals(self.object.lines.all())",
     "        return context"],
)
PY_TEST = modified(
    "billing/tests/test_views.py", 40,
    ["@pytest.mark.django_db", "def test_invoice_detail(client, invoice):"],
    [],
    ["    response = client.get(invoice.get_absolute_url())",
     "    assert response.context[\"totals\"].net == Decimal(\"120.00\")"],
)
TS_CHANGE = new_file("web/src/components/InvoiceTotals.tsx", [
    "import { formatMoney } from \"../lib/money\";",
    "",
    "export function InvoiceTotals({ net, vat }: { net: number; vat: number }) {",
    "  return <dl><dt>Net</dt><dd>{formatMoney(net)}</dd><dt>VAT</dt>"
    "<dd>{formatMoney(vat)}</dd></dl>;",
    "}",
])
TS_TEST = new_file("web/src/components/InvoiceTotals.test.tsx", [
    "import { render, screen } from \"@testing-library/react\";",
    "import { InvoiceTotals } from \"./InvoiceTotals\";",
    "",
    "it(\"shows net and VAT\", () => {",
    "  render(<InvoiceTotals net={100} vat={20} />);",
    "  expect(screen.getByText(\"€100.00\")).toBeInTheDocument();",
    "});",
])
GO_CHANGE = modified(
    "services/ledger/handler.go", 51,
    ["func (h *Handler) Totals(w http.ResponseWriter, r *http.Request) {"],
    ["\ttotals := h.store.Totals(r.Context())"],
    ["\ttotals, err := h.store.Totals(r.Context(), chi.URLParam(r, \"invoiceID\"))",
     "\tif err != nil {", "\t\thttp.Error(w, err.Error(), http.StatusInternalServerError)",
     "\t\treturn", "\t}"],
)
CODE_DIFF = PY_CHANGE + PY_TEST + TS_CHANGE + TS_TEST + GO_CHANGE

STORY_LINES = [
    "---",
    "id: BILL-12",
    "title: Invoice totals",
    "feature: billing",
    "---",
    "",
    "# Invoice totals",
    "",
    "As an accountant I want net and VAT totals on every invoice.",
    "",
    "## Audit Log",
    "- STATUS: in-progress",
]
REPO_FILES = [
    "README.md",
    "billing/views.py",
    "billing/tests/test_views.py",
    "web/src/components/InvoiceTotals.tsx",
    "services/ledger/handler.go",
    f"{STORY_DIR}/BILL-12-invoice-totals-story.md",
    f"{STORY_DIR}/BILL-13-credit-notes-story.md",
    "docs/work/features/onboarding/stories/S-003-welcome-email-story.md",
    "docs/work/features/onboarding/stories/42-password-reset-story.md",
    "docs/work/features/onboarding/feature.md",
]

PR_TEMPLATE_BODY = """## What
Shows net and VAT totals on the invoice page, in the API and in the React widget.

## Why
<!-- Link the story or issue, e.g. Closes #123 or BILL-123 -->

## How to test
1. `make dev` and open an invoice
2. Check the totals box

## Checklist
- [x] Tests added
- [ ] Docs updated
- [ ] Closes #
"""


def commit(sha_seed: str, message: str, parents: int = 1) -> dict[str, Any]:
    """A commit entry as the snapshot contract has it."""
    return {"sha": hashlib.sha1(sha_seed.encode()).hexdigest(), "message": message,
            "author": "dana", "parents": parents, "additions": 12, "deletions": 3}


def run(options: Mapping[str, Any] | None = None, **doc: Any) -> Outcome:
    """Run the story check alone on a snapshot document with validated options."""
    doc.setdefault("title", "Show invoice totals")
    doc.setdefault("diff", CODE_DIFF)
    doc.setdefault("repository", REPO)
    snapshot = checks.load_snapshot(doc)
    config = checks.config_from_dict({"story": dict(options or {})})
    return story.check(snapshot, config.checks["story"].options)


def ids(options: Mapping[str, Any] | None = None, **doc: Any) -> tuple[str, ...]:
    """The story ids the check reports."""
    return run(options, **doc).stories


# --- status: pass, warn, fail, through the whole engine --------------------------------------


def test_pass_with_story_file_in_repository() -> None:
    report = checks.run({
        "title": "BILL-12: Show invoice totals", "head_ref": "feature/BILL-12-invoice-totals",
        "body": PR_TEMPLATE_BODY, "diff": CODE_DIFF, "repository": REPO,
        "commits": [commit("a", "BILL-12: Compute totals in the view"),
                    commit("b", "Add InvoiceTotals widget")],
        "repo_files": REPO_FILES,
    }, only={"story"})
    result = report.check("story")
    assert result.status is Status.PASS
    assert result.summary == ("Found BILL-12 (title, branch, commits); "
                              "story file found for BILL-12.")
    assert report.stories == ("BILL-12",)
    assert result.findings == ()
    assert report_validator().validate(report.to_dict()) is None


def test_warn_names_the_id_without_story_file() -> None:
    report = checks.run({
        "title": "BILL-99: Show invoice totals", "diff": CODE_DIFF, "repository": REPO,
        "body": "Part of the billing epic.", "repo_files": REPO_FILES,
    }, only={"story"})
    result = report.check("story")
    assert result.status is Status.WARN
    assert result.summary == "Found BILL-99 (title), but it has no story file."
    assert [f.rule for f in result.findings] == ["story-file-missing"]
    finding = result.findings[0]
    assert finding.severity is Severity.WARN
    assert "BILL-99" in finding.message
    assert "docs/work/features/<feature>/stories/BILL-99-<slug>-story.md" in finding.message
    assert report.stories == ("BILL-99",)
    assert report_validator().validate(report.to_dict()) is None


def test_fail_says_where_to_add_one() -> None:
    report = checks.run({
        "title": "Show invoice totals", "head_ref": "feature/invoice-totals",
        "body": PR_TEMPLATE_BODY, "diff": CODE_DIFF, "repository": REPO,
        "commits": [commit("a", "Compute totals in the view\n\nUses Decimal, not float.")],
    }, only={"story"})
    result = report.check("story")
    assert result.status is Status.FAIL
    assert result.summary == ("No story reference in the PR title, branch name, body or "
                              "commit messages.")
    (finding,) = result.findings
    assert finding.rule == "story-missing"
    assert finding.severity is Severity.FAIL
    assert "PR title (e.g. `PROJ-123: Add invoice totals`)" in finding.message
    assert "branch name" in finding.message and "body" in finding.message
    assert report.stories == ()
    assert report_validator().validate(report.to_dict()) is None


def test_fail_example_uses_the_repositorys_own_project_key() -> None:
    outcome = run(repo_files=REPO_FILES)
    assert outcome.status is Status.FAIL
    assert "`BILL-123: Add invoice totals`" in outcome.findings[0].message


def test_level_warn_caps_the_failure() -> None:
    report = checks.run({"title": "Show invoice totals", "diff": CODE_DIFF},
                        checks.config_from_dict({"story": {"level": "warn"}}), only={"story"})
    assert report.check("story").status is Status.WARN


# --- places ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("doc", "place"), [
    ({"title": "BILL-12: Show invoice totals"}, "title"),
    ({"head_ref": "feature/BILL-12-invoice-totals"}, "branch"),
    ({"body": "Implements BILL-12.\n\nTotals are rounded half-up."}, "body"),
    ({"commits": [commit("a", "Compute invoice totals\n\nRefs: BILL-12")]}, "commits"),
])
def test_each_place_is_searched(doc: dict[str, Any], place: str) -> None:
    outcome = run(**doc)
    assert outcome.status is Status.PASS
    assert outcome.stories == ("BILL-12",)
    assert outcome.summary == f"Found BILL-12 ({place})."


def test_places_option_limits_the_search() -> None:
    doc = {"head_ref": "feature/BILL-12-invoice-totals", "body": "Closes #45"}
    assert ids(**doc) == ("BILL-12", "#45")
    assert ids({"places": ["title", "body"]}, **doc) == ("#45",)
    outcome = run({"places": ["title"]}, **doc)
    assert outcome.status is Status.FAIL
    assert outcome.summary == "No story reference in the PR title."
    assert "branch name" not in outcome.findings[0].message


def test_places_are_searched_in_fixed_order_whatever_the_config_order() -> None:
    doc = {"title": "Fix #7 rounding", "head_ref": "bill-12-rounding",
           "body": "See AB#300", "commits": [commit("a", "OPS-4: log totals")]}
    assert ids({"places": ["commits", "body", "branch", "title"]}, **doc) == (
        "#7", "BILL-12", "AB#300", "OPS-4")


def test_no_places_and_no_story_file_fails_with_advice() -> None:
    outcome = run({"places": []}, title="BILL-12: totals")
    assert outcome.status is Status.FAIL
    assert "story.places" in outcome.findings[0].message


# --- reference forms -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("BILL-123: Add invoice totals", ("BILL-123",)),
    ("[BILL-12] Add invoice totals", ("BILL-12",)),
    ("feat(billing): add totals (BILL-12, BILL-13)", ("BILL-12", "BILL-13")),
    ("B2B-7 partner invoices", ("B2B-7",)),
    ("bill-12: lower-case key at the start", ("BILL-12",)),
    ("Fixes #12", ("#12",)),
    ("Fix rounding (#12)", ("#12",)),
    ("closes acme/billing#12", ("#12",)),
    ("closes owner/repo#3", ("owner/repo#3",)),
    ("Resolves https://github.com/owner/repo/issues/12", ("owner/repo#12",)),
    ("Follow-up to https://github.com/acme/billing/pull/98/files", ("#98",)),
    ("See https://github.com/acme/billing/issues/12#issuecomment-1712345", ("#12",)),
    ("gh-104984: Fix crash in the parser", ("#104984",)),
    ("PR-45 follow-up", ("#45",)),
    ("AB#123 Sync ledger", ("AB#123",)),
    ("Fixes ab#77", ("AB#77",)),
    ("Work item https://dev.azure.com/acme/Billing/_workitems/edit/4410", ("AB#4410",)),
    ("Ticket https://acme.atlassian.net/browse/BILL-77", ("BILL-77",)),
    ("Board https://acme.atlassian.net/jira/software/projects/BILL/boards/1?selectedIssue=BILL-78",
     ("BILL-78",)),
    ("Linear https://linear.app/acme/issue/ENG-123/invoice-totals", ("ENG-123",)),
    ("Rechnungssummen für BILL-12 ✨", ("BILL-12",)),
    # Apache Jira styles
    ("[SPARK-45210][SQL] Push down limit through window", ("SPARK-45210",)),
    ("HADOOP-18123. Fix the S3A retry policy", ("HADOOP-18123",)),
    ("KAFKA-15302; Stop leaking producer ids", ("KAFKA-15302",)),
    ("feat(ENG-123): add invoice totals", ("ENG-123",)),
    # mobile and library teams' keys look like platforms: upper case with a ticket number counts
    ("IOS-1234: Fix crash on launch", ("IOS-1234",)),
    ("ANDROID-88 Keep the cart on rotation", ("ANDROID-88",)),
    ("ICU-22123 Fix collation of Thai", ("ICU-22123",)),
    # squash-merge suffixes and trailing PR numbers, even after words like "version"
    ("fix(deps): update esbuild peer dependency version (#21398)", ("#21398",)),
    ("chore: remove stale eslint comment (#23325)", ("#23325",)),
    ("Document the installation options #64", ("#64",)),
    # Go's Gerrit convention, Shortcut and YouTrack
    ("Fixes golang/go#61234", ("golang/go#61234",)),
    ("[sc-4521] Add invoice totals", ("SC-4521",)),
    ("Story: https://app.shortcut.com/acme/story/4521/invoice-totals", ("SC-4521",)),
    ("YouTrack: https://youtrack.jetbrains.com/issue/KT-61234/Invoice-totals", ("KT-61234",)),
])
def test_reference_forms(text: str, expected: tuple[str, ...]) -> None:
    assert ids(title=text) == expected
    if not text.startswith("bill-"):  # lower-case keys count only where a key opens the text
        assert ids(body=f"## Story\n{text}\n") == expected


def test_lower_case_key_inside_prose_is_not_taken() -> None:
    assert ids(body="We saw bill-12 in the logs") == ()
    assert ids(commits=[commit("a", "bill-12: totals")]) == ("BILL-12",)


@pytest.mark.parametrize(("branch", "expected"), [
    ("feature/BILL-12-invoices", ("BILL-12",)),
    ("BILL-12", ("BILL-12",)),
    ("bugfix/BILL-12_rounding", ("BILL-12",)),
    ("feature_BILL-12", ("BILL-12",)),
    ("bill-12-invoices", ("BILL-12",)),
    ("feature/bill-12-invoices", ("BILL-12",)),
    ("dana/eng-123-invoice-totals", ("ENG-123",)),  # Linear's default branch name
    ("sc-4521/invoice-totals", ("SC-4521",)),
    ("12-fix-invoice-rounding", ("#12",)),  # GitHub's "Create a branch" for issue 12
    ("issue-7", ("#7",)),
    ("gh-99-backport", ("#99",)),
    ("refs/heads/BILL-5-x", ("BILL-5",)),
    ("feature/#2365-allow-markdown-in-footer", ("#2365",)),
    ("3711_fix_stream_render_time", ("#3711",)),
    ("fix/issue#16308_rating_not_updating", ("#16308",)),
    ("pe-371-refactor-checkout-tests", ("PE-371",)),
    ("dana/sc-12345/invoice-totals", ("SC-12345",)),
])
def test_branch_forms(branch: str, expected: tuple[str, ...]) -> None:
    assert ids(head_ref=branch) == expected


@pytest.mark.parametrize("branch", [
    "fix-2-bugs", "hotfix-3", "sprint-14-cleanup", "step-3-wizard", "upgrade-node-18",
    "renovate/node-18.x", "dependabot/npm_and_yarn/lodash-4.17.21", "release-2024-05",
    "release/1.4.2", "feature/utf-8-filenames", "sha-256-checksums", "payments-rework-2",
    "feature/add-oauth-2", "main", "feature/2fa", "v2-api", "python-3-12",
    # bots' branches name packages and versions
    "renovate/clap-4.x", "renovate/eslint-8.x", "dependabot/github_actions/actions/cache-4",
    "dependabot/docker/integration-test/golang-1.22", "fix/ga-2.x-branch",
    # counters, words and user names, not keys
    "readme-5", "readme-10", "docker-1", "kill-1-arg", "nits-33", "Bond-009-patch-1",
    "jdoe-12-patch-1", "Flask-3022",
])
def test_branch_near_misses(branch: str) -> None:
    outcome = run(head_ref=branch)
    assert outcome.stories == ()
    assert outcome.status is Status.FAIL


# --- the near-miss table: tokens that are not stories ----------------------------------------

NEAR_MISSES = [
    "Decode the CSV as UTF-8 before parsing", "Hash uploads with SHA-256",
    "Switch to SHA-1 for ETags",
    "Dates are ISO-8601 now", "Timestamps follow RFC-3339", "Enable HTTP-2 on the ingress",
    "Patch CVE-2024-1234 in the XML parser", "Track CVE-2024-XXXX", "Parse X-509 certificates",
    "Legacy MD-5 checksums", "Read UTF-16 files from Excel", "ISO-27001 evidence export",
    "Follow PEP-8 naming", "Target ES-2015 in the bundle", "Require TLS-1 or newer",
    "Require TLS-1.3", "Prompt GPT-4 for summaries", "COVID-19 dashboard copy",
    "IPV-6 support in the allow-list", "X-11 forwarding in the dev container",
    "K-8 cluster notes", "Encrypt with AES-256", "RSA-2048 keys for signing",
    "Use P-256 curves", "Transcode H-264 video", "MP-3 uploads", "Sanitise CWE-79 sinks",
    "Bump GHSA-2345-abcd-9xyz fix", "ECMA-262 compliance", "Base64 vs BASE-64 naming",
    "Times in UTC-5 for the NYC office", "Format as GMT-08:00", "Use python 3.12 (PY-3)",
    "Build for X86-64 and ARM-64", "Licence is GPL-3 or APACHE-2", "BSD-3-Clause headers",
    "Ship RC-1 to staging", "Step 2 of STEP-3 wizard", "Works on RHEL-8 and UBUNTU-22",
    "Upgrade JDK-17 images", "Store as CP-1252", "Release v1-2 of the SDK", "node-18 runtime",
    "Use color #333333 for borders", "Use #fff and #0a0a0a", "Revert step #1 of the wizard",
    "Our #1 priority is totals", "CI build #4567 was flaky", "This is attempt #2",
    "## Summary", "# Heading", "- [ ] #", "Closes #", "Fixes #<issue number>", "Closes #XXX",
    "Issue key lookalike fooBILL-12", "BILL-12abc is a token", "Version BILL-1.2.3",
    "Email billing@BILL-12.example.com", "See https://github.com/acme/billing/blob/main/BILL-12.md",
    "Docs https://example.com/docs/BILL-12", "Commit https://github.com/acme/billing/commit/abc123",
    "Run https://github.com/acme/billing/actions/runs/123456", "See `BILL-12` in the log",
    "&#123; is an HTML entity", "Use the `#12` anchor", "Page.html#12 fragment",
    "Verify SHA512-256 digests", "Keep MD5-1 compat", "Fix E2E-2 flake", "Map ERR-42 to 400",
    "Targets for FY-2025", "Plan PI-3 objectives", "Mail BILL-12@acme.example",
    "Parse ISBN-13 codes from ComicInfo", "Layout breaks in IE-11", "Record it in ADR-0008",
    "Print GTIN-13 barcodes", "Default region is US-EAST-1", "Finding TOB-RGM-14 fixed",
    "BenchmarkParseLyrics_LRC-8   5725   178796 ns/op", "Bump to 0.8.0-SNAPSHOT-123",
    "Pin clap to CLAP-4.x", "Follow JEP-411 and KEP-1287",
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_are_not_stories(text: str) -> None:
    for place in ({"title": text}, {"body": text}, {"commits": [commit("n", text)]}):
        outcome = run(**place)
        assert outcome.stories == (), place
        assert outcome.status is Status.FAIL


def test_near_misses_all_together_in_one_realistic_body() -> None:
    body = ("## What\n" + "\n".join(f"- {text}" for text in NEAR_MISSES if "#" not in text[:2])
            + "\n\n## Why\nSecurity review findings.\n")
    assert ids(body=body) == ()


def test_a_near_miss_counts_when_a_story_file_has_that_id() -> None:
    files = [*REPO_FILES, "docs/work/features/dates/stories/ISO-8601-date-parsing-story.md"]
    outcome = run(title="ISO-8601 date parsing", repo_files=files)
    assert outcome.stories == ("ISO-8601",)
    assert outcome.status is Status.PASS


def test_single_letter_key_counts_only_with_a_story_file() -> None:
    assert ids(title="S-3: welcome e-mail") == ()
    outcome = run(title="S-3: welcome e-mail", repo_files=REPO_FILES)
    assert outcome.stories == ("S-3",)
    assert outcome.status is Status.PASS  # S-3 resolves to S-003-welcome-email-story.md


# --- what in a real body is not the author's reference ---------------------------------------


def test_template_comments_and_empty_closes_are_not_references() -> None:
    assert ids(body=PR_TEMPLATE_BODY) == ()


@pytest.mark.parametrize("body", [
    "## Related issues\n\n> Fix [#1]()\n\n## Type of change\n- [ ] Bug fix\n",
    "[//]: # (Link the issue, e.g. Fixes #5)\n\nTotals now round half up.\n",
    "[comment]: # (BILL-123)\nTotals now round half up.\n",
    "**Which issue(s) this PR fixes**:\nFixes #\n\n**Special notes**:\nNone\n",
    "Fixes # (issue)\n", "Fixed #(issue_no)\n", "Resolves #xxxx\n",
])
def test_template_placeholders_are_not_references(body: str) -> None:
    assert ids(body=body) == ()


def test_trailers_naming_people_are_not_references() -> None:
    message = ("Round invoice totals half up\n\nSigned-off-by: SAY-5 <say5@example.com>\n"
               "Co-authored-by: ID-86 <id86dev@example.com>\n"
               "Reviewed-by: Dana Ops <dana@OPS-12.example.com>\n")
    assert ids(commits=[commit("t", message)]) == ()
    assert ids(commits=[commit("t", message + "Refs: BILL-12\n")]) == ("BILL-12",)


def test_ordinal_words_still_hold_mid_sentence() -> None:
    body = "Retry #2 of the CI build #4567 was flaky; this is attempt #3 at (#12)."
    assert ids(body=body) == ("#12",)


def test_code_fences_and_spans_are_skipped() -> None:
    body = ("Totals now use Decimal.\n\n```python\n# BILL-12 legacy path, see #45\n"
            "total = sum(line.net for line in lines)\n```\n\n~~~\nAB#5\n~~~\n"
            "Logged as `ERROR BILL-7 #9` before.\n\nRelates to OPS-4.")
    assert ids(body=body) == ("OPS-4",)


def test_unclosed_fence_runs_to_the_end() -> None:
    assert ids(body="Repro:\n```\nBILL-12 crash #4\n") == ()


def test_dependabot_release_notes_are_not_references() -> None:
    body = (
        "Bumps [lodash](https://github.com/lodash/lodash) from 4.17.20 to 4.17.21.\n"
        "<details>\n<summary>Commits</summary>\n<ul>\n"
        "<li><a href=\"https://github.com/lodash/lodash/commit/f299b52\"><code>f299b52</code></a>"
        " Bump to v4.17.21</li>\n"
        "<li>Fix ReDoS, see <a href=\"https://github.com/lodash/lodash/issues/5065\">#5065</a></li>"
        "\n</ul>\n</details>\n<blockquote>\n<p>Fixes #4994 and SEC-12</p>\n</blockquote>\n"
        "Dependabot will resolve any conflicts with this PR as long as you don't alter it.\n")
    assert ids(title="Bump lodash from 4.17.20 to 4.17.21",
               head_ref="dependabot/npm_and_yarn/lodash-4.17.21", body=body) == ()


def test_checklist_with_real_reference_counts() -> None:
    body = "## Checklist\n- [x] Tests\n- [x] Closes #31\n- [ ] Docs"
    assert ids(body=body) == ("#31",)


def test_the_pr_does_not_reference_itself() -> None:
    assert ids(number=77, body="Follow-up in #77, closes #76") == ("#76",)


def test_crlf_body_from_the_web_editor() -> None:
    assert ids(body="## Story\r\nBILL-12\r\n\r\n<!-- BILL-1 -->\r\n") == ("BILL-12",)


# --- commits ---------------------------------------------------------------------------------


def test_commit_messages_in_order_and_merge_commits_skipped() -> None:
    commits = [
        commit("a", "OPS-4: Log invoice totals"),
        commit("m", "Merge branch 'main' into feature/totals\n\n# Conflicts:\n#\tBILL-1.md", 2),
        commit("p", "Merge pull request #88 from acme/hotfix", 2),
        commit("b", "Round half-up\n\nFixes #19\nCo-authored-by: Lee <lee@example.com>"),
        commit("c", "BILL-12: widget"),
    ]
    assert ids(commits=commits) == ("OPS-4", "#19", "BILL-12")


def test_a_merge_is_told_by_its_parents_and_by_its_subject_only_when_they_are_unknown() -> None:
    # One parent: a merge subject kept by a rebase or a cherry-pick, read like any commit (the
    # commits check judges it as one too). Parents unknown: GitHub's merge subject is a merge.
    rebased = commit("r", "Merge pull request #88 from acme/BILL-7-hotfix\n\nFixes BILL-7", 1)
    unknown = {"sha": "f" * 40, "message": "Merge pull request #90 from acme/OPS-3-retry"}
    assert ids(commits=[rebased, unknown, commit("c", "BILL-12: widget")]) == (
        "#88", "BILL-7", "BILL-12")


def test_snapshot_without_commit_data_says_so() -> None:
    outcome = run(title="Show invoice totals")
    assert outcome.status is Status.FAIL
    assert outcome.summary.endswith("Commit messages were not available.")
    assert ids(title="BILL-12: Show invoice totals") == ("BILL-12",)


def test_empty_commit_list_is_not_unknown() -> None:
    outcome = run(commits=[])
    assert outcome.status is Status.FAIL
    assert "not available" not in outcome.summary


def test_ids_deduplicated_in_order_of_first_appearance() -> None:
    doc = {
        "title": "BILL-12: Show totals (#45)",
        "head_ref": "bill-12-totals",
        "body": "Closes acme/billing#45 and https://github.com/ACME/Billing/issues/45.\n"
                "Also BILL-13; see owner/repo#3 and Owner/Repo#3.",
        "commits": [commit("a", "BILL-13: credit notes"), commit("b", "AB#9 sync")],
    }
    outcome = run(**doc)
    assert outcome.stories == ("BILL-12", "#45", "BILL-13", "owner/repo#3", "AB#9")
    assert outcome.summary.startswith(
        "Found BILL-12 (title, branch), #45 (title, body), BILL-13 (body, commits)")


def test_summary_caps_the_list() -> None:
    body = " ".join(f"OPS-{n}" for n in range(1, 11))
    outcome = run(body=body)
    assert len(outcome.stories) == 10
    assert outcome.summary.endswith("and 4 more.")


# --- story files -----------------------------------------------------------------------------


def test_added_story_file_is_a_reference_and_its_front_matter_resolves() -> None:
    path = f"{STORY_DIR}/invoice-totals-story.md"
    diff = CODE_DIFF + new_file(path, STORY_LINES)
    outcome = run(title="Show invoice totals", diff=diff, repo_files=[*REPO_FILES, path])
    assert outcome.status is Status.PASS
    # The name has no id, so the file is known by its stem and by its front matter id.
    assert outcome.stories == ("invoice-totals", "BILL-12")


def test_front_matter_id_resolves_a_title_reference() -> None:
    path = f"{STORY_DIR}/invoice-totals-story.md"
    lines = ["---", "story: \"BILL-21\"  # set by the planning bot", "---", "# Invoice totals"]
    outcome = run(title="BILL-21: totals", diff=CODE_DIFF + new_file(path, lines),
                  repo_files=[*REPO_FILES, path])
    assert outcome.status is Status.PASS
    assert outcome.stories[0] == "BILL-21"


def test_front_matter_list_and_numeric_ids() -> None:
    path = f"{STORY_DIR}/recurring-billing-story.md"
    lines = ["---", "id: [BILL-50, 'BILL-51']", "story_id: 77", "---", "# Recurring billing"]
    files = [*REPO_FILES, path]
    for title in ("BILL-51: proration", "Closes #77", "AB#77 recurring"):
        outcome = run(title=title, diff=CODE_DIFF + new_file(path, lines), repo_files=files)
        assert outcome.status is Status.PASS, title


def test_front_matter_of_an_edited_story_file_is_not_visible() -> None:
    path = f"{STORY_DIR}/invoice-totals-story.md"
    edit = modified(path, 10, ["## Audit Log"], [], ["- STATUS: in-review - PR #123 created"])
    outcome = run(title="BILL-21: totals", diff=CODE_DIFF + edit, repo_files=[*REPO_FILES, path])
    assert outcome.status is Status.WARN
    assert outcome.stories == ("BILL-21", "invoice-totals")
    assert [f.message.split(" ")[0] for f in outcome.findings] == ["BILL-21"]


def test_edited_story_file_counts_as_reference() -> None:
    path = f"{STORY_DIR}/BILL-13-credit-notes-story.md"
    edit = modified(path, 14, ["## Audit Log", "- STATUS: in-progress"], [],
                    ["- STATUS: in-review - PR #51 created"])
    outcome = run(title="Credit notes", diff=CODE_DIFF + edit, repo_files=REPO_FILES)
    assert outcome.status is Status.PASS
    assert outcome.stories == ("BILL-13",)
    assert outcome.summary == "Found BILL-13 (story file); story file found for BILL-13."


def test_story_file_in_diff_counts_without_repo_files() -> None:
    diff = CODE_DIFF + new_file(f"{STORY_DIR}/BILL-30-refunds-story.md", STORY_LINES)
    outcome = run(diff=diff)
    assert outcome.status is Status.PASS
    assert outcome.stories == ("BILL-30", "BILL-12")


def test_removed_story_file_is_not_a_reference_nor_a_target() -> None:
    path = f"{STORY_DIR}/BILL-13-credit-notes-story.md"
    diff = CODE_DIFF + deleted(path, STORY_LINES)
    files = [p for p in REPO_FILES if p != path]
    assert run(diff=diff, repo_files=files).status is Status.FAIL
    outcome = run(title="BILL-13: drop credit notes", diff=diff, repo_files=REPO_FILES)
    assert outcome.status is Status.WARN  # repo_files lists it, but the PR removes it


@pytest.mark.parametrize(("title", "story_file"), [
    ("S-003: welcome e-mail", "S-003-welcome-email-story.md"),
    ("US-7: import", "US-007-import-story.md"),
    ("Fixes #42", "42-password-reset-story.md"),
    ("AB#42 reset", "42-password-reset-story.md"),
    ("Closes #8", "GH-8-export-story.md"),
    ("BILL-40 recurring", "recurring-BILL-40-story.md"),
    ("BILL-41: proration", "bill-41-proration-story.md"),
])
def test_story_file_name_forms(title: str, story_file: str) -> None:
    files = [*REPO_FILES, f"docs/work/features/misc/stories/{story_file}"]
    outcome = run(title=title, repo_files=files)
    assert outcome.status is Status.PASS, outcome.summary
    assert "story file found" in outcome.summary


def test_date_prefixed_story_name_is_not_number() -> None:
    files = ["docs/work/features/misc/stories/2024-05-audit-story.md"]
    outcome = run(title="Fixes #2024", repo_files=files)
    assert outcome.status is Status.WARN


def test_github_ref_beside_a_resolved_story_is_a_plain_link() -> None:
    outcome = run(title="BILL-12: totals", body="Also fixes #311 (rounding bug).",
                  repo_files=REPO_FILES)
    assert outcome.status is Status.PASS
    assert outcome.stories == ("BILL-12", "#311")


def test_github_ref_alone_without_story_file_warns() -> None:
    outcome = run(title="Fix rounding", body="Fixes #311", repo_files=REPO_FILES)
    assert outcome.status is Status.WARN
    assert "#311" in outcome.findings[0].message
    assert "311-<slug>-story.md" in outcome.findings[0].message


def test_every_unresolved_key_warns_even_beside_a_resolved_one() -> None:
    outcome = run(title="BILL-12: totals", body="Blocked by OPS-9 and AB#5",
                  repo_files=REPO_FILES)
    assert outcome.status is Status.WARN
    assert outcome.summary == ("Found BILL-12 (title), OPS-9 (body) and AB#5 (body), but "
                               "OPS-9, AB#5 have no story file.")
    assert [f.rule for f in outcome.findings] == ["story-file-missing"] * 2


def test_no_story_files_in_repository_means_no_resolution() -> None:
    outcome = run(title="BILL-99: totals", repo_files=["README.md", "billing/views.py"])
    assert outcome.status is Status.PASS


def test_unknown_repo_files_means_no_resolution() -> None:
    assert run(title="BILL-99: totals").status is Status.PASS


# --- options ---------------------------------------------------------------------------------


def test_patterns_named_group_group_one_and_whole_match() -> None:
    body = "Shortcut story sc/4521, Trello card [TR:8fa3], ticket T#77 and REQ_2024_001."
    options = {"patterns": [r"sc/(?P<id>\d+)", r"\[TR:(\w+)\]", r"T#\d+", r"REQ_\d{4}_\d{3}"]}
    assert ids(options, body=body) == ("4521", "8fa3", "T#77", "REQ_2024_001")


def test_pattern_ids_normalise_like_keys_and_must_resolve() -> None:
    options = {"patterns": [r"story[:/ ]+([a-z]+-\d+)"]}
    outcome = run(options, body="story: bill-12", repo_files=REPO_FILES)
    assert outcome.stories == ("BILL-12",)
    assert outcome.status is Status.PASS
    outcome = run(options, body="story: bill-77", repo_files=REPO_FILES)
    assert outcome.status is Status.WARN


def test_pattern_ids_for_github_and_azure_forms() -> None:
    options = {"patterns": [r"Story: (\S+)"]}
    assert ids(options, body="Story: gh-12\nStory: ab#9\nStory: ") == ("#12", "AB#9")


def test_patterns_see_urls() -> None:
    options = {"patterns": [r"redmine\.acme\.example/issues/(\d+)"]}
    body = "Redmine: https://redmine.acme.example/issues/4521#note-3"
    assert ids(options, body=body) == ("4521",)
    assert ids(body=body) == ()


def test_projects_allow_list() -> None:
    body = "BILL-12, OPS-9, HR-3 and #4"
    assert ids({"projects": ["BILL", "hr-"]}, body=body) == ("BILL-12", "HR-3", "#4")
    assert ids(body=body) == ("BILL-12", "OPS-9", "HR-3", "#4")


def test_projects_bypass_the_technical_list_and_allow_long_lowercase() -> None:
    assert ids({"projects": ["SEC"]}, title="SEC-4 rotate keys") == ("SEC-4",)
    assert ids({"projects": ["ES"]}, title="ES-12 search relevance") == ("ES-12",)
    assert ids(head_ref="payments-12-x") == ()
    assert ids({"projects": ["PAYMENTS"]}, head_ref="payments-12-x") == ("PAYMENTS-12",)


def test_story_glob_custom_and_disabled() -> None:
    files = ["stories/BILL-12.md", "README.md"]
    outcome = run({"story_glob": ["stories/*.md"]}, title="BILL-99: x", repo_files=files)
    assert outcome.status is Status.WARN
    assert "`stories/*.md`" in outcome.findings[0].message
    outcome = run({"story_glob": ["stories/*.md"]}, title="BILL-12: x", repo_files=files)
    assert outcome.status is Status.PASS
    assert run({"story_glob": []}, title="BILL-99: x", repo_files=REPO_FILES).status \
        is Status.PASS


def test_story_glob_is_gitignore_style() -> None:
    files = ["services/api/docs/stories/API-3-rate-limit-story.md"]
    outcome = run({"story_glob": ["**/stories/*-story.md"]}, title="API-3: rate limit",
                  repo_files=files)
    assert outcome.status is Status.PASS
    assert "story file found for API-3" in outcome.summary


def test_options_are_validated_by_the_config() -> None:
    with pytest.raises(checks.ConfigError, match=r"story\.places\[0\]"):
        checks.config_from_dict({"story": {"places": ["labels"]}})
    with pytest.raises(checks.ConfigError, match=r"story\.patterns\[0\]"):
        checks.config_from_dict({"story": {"patterns": ["(unclosed"]}})


# --- unicode, empty and odd input ------------------------------------------------------------


@pytest.mark.parametrize("doc", [
    {"title": "", "body": "", "head_ref": ""},
    {"title": "   ", "body": None},
    {"title": "🚀 Ship it", "body": "Ünïcödé only — no ids ✨\u200b", "head_ref": "feature/ü"},
    {"title": "Fullwidth ＢＩＬＬ－１２ and Arabic-Indic BILL-١٢"},
    {"title": "<!-- unclosed comment BILL-12", "body": "```"},
    {"title": "x" * 10_000, "body": "#" * 5_000 + "-" * 5_000},
])
def test_odd_input_never_crashes_and_takes_nothing(doc: dict[str, Any]) -> None:
    outcome = run(**doc)
    assert outcome.status is Status.FAIL
    assert outcome.stories == ()


# Bodies that once made a scanner backtrack or rescan: a unit repeated n times, then a tail.
@pytest.mark.parametrize(("unit", "count", "tail"), [
    ("<details>", 7000, ""), ("<!--", 15000, ""), ("`a", 30000, ""), ("```\n", 15000, ""),
    ("<details", 9000, ""), ("<details><pre>İ</code>", 3000, ""), ("[", 60000, "]()"),
    ("[", 60000, "]: #"), ("Co-", 30000, "by: x"), ("(#12) ", 20000, ""),
])
def test_adversarial_bodies_grow_linearly(unit: str, count: int, tail: str) -> None:
    def build(n: int) -> Callable[[], Outcome]:
        return lambda: run(body=unit * n + tail + "\nOPS-2")

    assert run(body=unit * count + tail + "\nOPS-2").status in (Status.PASS, Status.FAIL)
    assert_linear(build, count)


def test_html_blocks_with_unicode_keep_the_prose_after_them() -> None:
    body = "<details><summary>İstanbul logs</summary>BILL-1</details>\nDelivers BILL-12."
    assert ids(body=body) == ("BILL-12",)


def test_check_runs_with_the_default_options() -> None:
    snapshot = checks.load_snapshot({"title": "BILL-12: totals", "diff": CODE_DIFF})
    assert story.check(snapshot, story.CHECK.default_options()).stories == ("BILL-12",)


def test_check_declares_its_options_and_needs_the_tree() -> None:
    assert story.CHECK.id == "story"
    assert story.CHECK.title == "Story ID referenced"
    assert set(story.CHECK.options) == {"places", "patterns", "projects", "story_glob"}
    assert story.CHECK.needs_repo_files is True


# --- speed -----------------------------------------------------------------------------------


def _large_pr(n: int) -> checks.Snapshot:
    """n commits, a body of n/6 templates and 240n repository files (250 makes a large PR)."""
    commits = [commit(str(i), f"Refactor ledger step {i}\n\nSee OPS-{i % 40 + 1} and "
                      f"https://github.com/acme/billing/pull/{i}\n\n```\ntrace #{i}\n```")
               for i in range(n)]
    body = PR_TEMPLATE_BODY * (n // 6) + "\nImplements BILL-12.\n"
    repo_files = [f"src/pkg{i // 100}/module_{i}.py" for i in range(240 * n)] + REPO_FILES
    return checks.load_snapshot({"title": "BILL-12: ledger refactor", "diff": CODE_DIFF,
                                 "head_ref": "feature/BILL-12-ledger", "body": body,
                                 "commits": commits, "repo_files": repo_files})


def test_a_large_pr_grows_linearly() -> None:
    options = checks.config_from_dict({}).checks["story"].options
    assert story.check(_large_pr(250), options).stories[:2] == ("BILL-12", "OPS-1")

    def build(n: int) -> Callable[[], Outcome]:
        snapshot = _large_pr(n)
        return lambda: story.check(snapshot, options)

    assert_linear(build, 250 // FACTOR)


def test_a_story_linked_by_command_resolves_like_any_reference() -> None:
    diff = new_file("billing/total.py", ["def total():", "    return 0"])
    linked = checks.run({"title": "Add invoice total", "diff": diff,
                         "story_links": ["BILL-77"]}).check("story")
    assert linked.status is Status.PASS and linked.summary == "Found BILL-77 (story command)."
    stories = ["docs/work/features/billing/stories/BILL-12-totals-story.md"]
    missing = checks.run({"title": "Add invoice total", "diff": diff, "repo_files": stories,
                          "story_links": ["BILL-77"]}).check("story")
    assert missing.status is Status.WARN and "BILL-77" in missing.findings[0].message
    found = checks.run({"title": "Add invoice total", "diff": diff, "repo_files": stories,
                        "story_links": ["bill-12"]}).check("story")
    assert found.status is Status.PASS, found.summary
