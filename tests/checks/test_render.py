"""Renderers: the checklist comment, terminal text and annotations are safe views of one report."""

from __future__ import annotations

from dataclasses import replace

from checks.model import CheckResult, Finding, Report, Severity, Status
from checks.render import Conclusion, conclusion
from checks.render.annotations import to_annotations
from checks.render.escape import code_span, escape_markdown
from checks.render.markdown import COMMENT_MARKER, MAX_FINDINGS_PER_CHECK, render_markdown
from checks.render.text import render_text
from checks.render.title import check_run_title


def _report(findings=(), status=Status.FAIL, summary="1 source file changed, no test changed"):
    return Report(
        status=status,
        checks=(
            CheckResult("story", "Story ID referenced", Status.PASS, "Found BILL-12 in the title."),
            CheckResult("tests", "Tests changed with the code", status, summary, tuple(findings)),
            CheckResult("commits", "Small PR, clean commits", Status.SKIP,
                        "Waived by @lead: release day", waived_by="lead"),
        ),
        stories=("BILL-12",),
        stats={"size_label": "S"},
        notes=("assets/logo.png: binary file; its content was not checked",),
    )


def test_markdown_checklist_shape() -> None:
    md = render_markdown(_report([Finding("No test changed.", path="src/a.py", rule="x")]))
    lines = md.splitlines()
    assert lines[0] == COMMENT_MARKER
    assert lines[1] == "### ❌ shipshape: Not done yet (1 of 2 checks pass)"
    assert "- ✅ **Story ID referenced**: Found BILL-12 in the title." in lines
    assert "- ⏭️ **Small PR, clean commits**: Waived by @\u200blead: release day" in lines
    assert "  - `src/a.py` No test changed. (`x`)" in lines
    assert "Stories: `BILL-12`" in md and "Size: **S**" in md
    assert "<details><summary>Notes</summary>" in md


def test_check_run_title_counts_the_checks_that_ran_and_names_the_worst() -> None:
    # The waived check is named last, so a waiver is visible in the run's title too.
    waived = "; waived: Small PR, clean commits"
    assert check_run_title(_report()) == (
        f"❌ 1 of 2 checks pass; failing: Tests changed with the code{waived}")
    warned = replace(_report(status=Status.WARN), status=Status.WARN)
    assert check_run_title(warned) == (
        f"⚠️ 1 of 2 checks pass; warnings: Tests changed with the code{waived}")
    passed = replace(_report(status=Status.PASS), status=Status.PASS)
    assert check_run_title(passed) == f"✅ 2 of 2 checks pass{waived}"
    assert "(2 of 2 checks pass)" in render_markdown(passed).splitlines()[1]


def test_pr_text_cannot_mention_people_or_break_markdown() -> None:
    hostile = "Merge @octocat's branch <img src=x onerror=alert(1)> fixes #12 | `x` [a](http://e)"
    md = render_markdown(_report([Finding(hostile, path="docs/@team`s | notes.md", line=3)],
                                 summary=hostile))
    assert "@octocat" not in md and "@\u200boctocat" in md
    assert "<img" not in md and "#12" not in md
    assert "](http" not in md
    assert "``docs/@team`s | notes.md:3``" in md


def test_code_span_survives_backticks() -> None:
    assert code_span("a`b") == "``a`b``"
    assert code_span("`lead") == "`` `lead ``"


def test_escape_keeps_plain_text_readable() -> None:
    assert escape_markdown("Add a downgrade step") == "Add a downgrade step"
    assert escape_markdown("line one\nline two") == "line one line two"


def test_long_finding_lists_are_cut_with_a_count() -> None:
    findings = [Finding(f"missing test {i}", path=f"src/m{i}.py") for i in range(25)]
    md = render_markdown(_report(findings))
    assert md.count("missing test") == MAX_FINDINGS_PER_CHECK
    assert f"… and {25 - MAX_FINDINGS_PER_CHECK} more" in md


def _big_report(checks: int, findings: int) -> Report:
    """A report whose findings alone are far over a comment's size: long paths, and PR text
    whose escaping (a zero-width space after every @ and #) takes 3 bytes a character."""
    results = tuple(
        CheckResult(f"check{c}", f"Check {c}", Status.FAIL, f"{findings} findings", tuple(
            Finding(f"@team see #{i}: " + "ü" * 120, path=f"src/pkg{c}/" + "deep/" * 20
                    + f"mod{i}.py", rule="missing-tests")
            for i in range(findings)))
        for c in range(checks))
    return Report(status=Status.FAIL, checks=results, notes=("a note",))


def _listed(md: str, title: str) -> tuple[int, int]:
    """Findings listed under a check's line, and the count its '… and N more' line gives."""
    lines = md.splitlines()
    start = next(i for i, line in enumerate(lines) if f"**{title}**" in line)
    listed, more = 0, 0
    for line in lines[start + 1:]:
        if not line.startswith("  - "):
            break
        if line.startswith("  - … and "):
            more = int(line.split()[3])
        else:
            listed += 1
    return listed, more


def test_a_checklist_over_its_size_lists_fewer_findings_and_keeps_every_count() -> None:
    report = _big_report(checks=6, findings=300)
    assert len(render_markdown(report).encode()) > 20_000
    md = render_markdown(report, max_bytes=20_000)
    assert len(md.encode()) <= 20_000
    for result in report.checks:
        listed, more = _listed(md, result.title)
        assert listed + more == len(result.findings)  # every finding is listed or counted
        assert more > 0
    assert "a note" in md


def test_a_checklist_within_its_size_is_rendered_in_full() -> None:
    report = _big_report(checks=2, findings=MAX_FINDINGS_PER_CHECK + 3)
    full = render_markdown(report)
    assert render_markdown(report, max_bytes=len(full.encode())) == full
    assert _listed(full, "Check 1") == (MAX_FINDINGS_PER_CHECK, 3)


def test_annotations_only_for_anchored_findings() -> None:
    findings = [
        Finding("no test", path="src/a.py"),
        Finding("hardcoded token ghp_…(40 chars)", path="src/b.py", line=7, rule="github-pat"),
        Finding("wide", path="k.pem", line=3, end_line=30, severity=Severity.WARN),
        Finding("note", path="c.py", line=1, severity=Severity.NOTICE),
    ]
    annotations = to_annotations(_report(findings))
    assert [(a["path"], a["start_line"], a["end_line"], a["annotation_level"])
            for a in annotations] == [("src/b.py", 7, 7, "failure"), ("k.pem", 3, 30, "warning"),
                                      ("c.py", 1, 1, "notice")]
    assert annotations[0]["title"] == "Tests changed with the code (github-pat)"


def test_text_output_never_executes_escape_sequences() -> None:
    text = render_text(_report([Finding("subject \x1b]0;pwned\x07 here", path="a.py", line=1)]))
    assert "\x1b" not in text and "\\x1b" in text
    coloured = render_text(_report(), color=True)
    assert "\x1b[31m" in coloured


def test_conclusion_mapping() -> None:
    assert conclusion(_report(status=Status.FAIL)) == "failure"
    assert conclusion(_report(status=Status.WARN)) == "neutral"
    assert conclusion(_report(status=Status.WARN), "success") == "success"
    assert conclusion(_report(status=Status.PASS)) is Conclusion.SUCCESS
    assert conclusion(_report(status=Status.SKIP)) is Conclusion.NEUTRAL
