"""Waivers keyed to findings (pure): fingerprints survive moves, a new finding ends the cover."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checks.engine import run_checks
from checks.model import Finding, Outcome, Severity, Snapshot, Status, Waiver
from checks.snapshot import load_snapshot
from checks.spec import CheckSpec
from checks.waivers import current_fingerprints, fingerprint
from tests.diffs import modified, new_file


def _todos(snapshot: Snapshot, options: Mapping[str, Any]) -> Outcome:
    """A line check: every added line with TODO is a finding."""
    findings = tuple(Finding("TODO left in", path=f.path, line=line.number, rule="todo")
                     for f in snapshot.files for line in f.added if "TODO" in line.text)
    return Outcome(Status.FAIL if findings else Status.PASS, f"{len(findings)} TODOs.",
                   findings)


def _titled(snapshot: Snapshot, options: Mapping[str, Any]) -> Outcome:
    """A PR-level check: fails without a finding when the title is short."""
    if len(snapshot.title) < 10:
        return Outcome(Status.FAIL, "The title is too short.")
    return Outcome(Status.PASS, "Title ok.")


REGISTRY = (CheckSpec("todos", "No TODOs", _todos), CheckSpec("title", "Title", _titled))
CODE = ["def total(items):", "    # TODO: rounding", "    return sum(items)"]


def snap(diff: str, waivers: list[dict[str, Any]] | None = None, title: str = "Short") -> Any:
    return load_snapshot({"title": title, "diff": diff, "waivers": waivers or []})


def waiver_for(snapshot: Any, check: str = "todos") -> dict[str, Any]:
    """What `skip <check>` records on this snapshot."""
    prints = current_fingerprints(snapshot, None, [check], REGISTRY)[check]
    return {"check": check, "by": "lead", "reason": "known debt", "at": "2026-12-03T16:00:00Z",
            "fingerprints": prints, "comment_id": 99}


def test_a_waiver_covers_its_findings_and_says_so() -> None:
    first = snap(new_file("billing/total.py", CODE))
    waived = snap(new_file("billing/total.py", CODE), [waiver_for(first)])
    result = run_checks(waived, REGISTRY).check("todos")
    assert result.status is Status.SKIP and result.waived_by == "lead"
    assert result.summary == "Waived by @lead: known debt (covers 1 finding)"
    [finding] = result.findings
    assert finding.severity is Severity.NOTICE and "waived by @lead" in finding.message


def test_moved_and_reindented_code_keeps_its_fingerprint() -> None:
    first = snap(new_file("billing/total.py", CODE))
    moved = ["import decimal", "", "", "def total(items):", "        #   TODO:  rounding",
             "    return sum(items)"]
    later = snap(new_file("billing/total.py", moved), [waiver_for(first)])
    assert run_checks(later, REGISTRY).check("todos").status is Status.SKIP


def test_a_new_finding_fails_naming_only_it() -> None:
    first = snap(new_file("billing/total.py", CODE))
    more = [*CODE, "", "def tax(items):", "    # TODO: rates per country", "    return 0"]
    later = snap(new_file("billing/total.py", more), [waiver_for(first)])
    result = run_checks(later, REGISTRY).check("todos")
    assert result.status is Status.FAIL and result.waived_by is None
    assert [f.line for f in result.findings] == [6]
    assert "1 new finding not covered by the waiver of @lead: known debt, which still " \
           "covers 1 finding." in result.summary


def test_a_second_identical_line_is_a_new_finding() -> None:
    first = snap(new_file("billing/total.py", CODE))
    twice = [*CODE, "    # TODO: rounding"]
    later = snap(new_file("billing/total.py", twice), [waiver_for(first)])
    result = run_checks(later, REGISTRY).check("todos")
    assert result.status is Status.FAIL and [f.line for f in result.findings] == [4]


def test_the_same_line_in_another_file_is_not_covered() -> None:
    first = snap(new_file("billing/total.py", CODE))
    later = snap(new_file("billing/total.py", CODE) + new_file("billing/tax.py", CODE),
                 [waiver_for(first)])
    result = run_checks(later, REGISTRY).check("todos")
    assert [f.path for f in result.findings] == ["billing/tax.py"]


def test_the_fingerprint_is_of_the_normalised_head_line() -> None:
    diff = modified("billing/total.py", 1, ["def total(items):"], ["    # TODO: rounding"],
                    ["    # TODO: rounding later"])
    snapshot = snap(diff)
    [finding] = run_checks(snapshot, REGISTRY).check("todos").findings
    assert fingerprint(finding, "# TODO: rounding later") == current_fingerprints(
        snapshot, None, ["todos"], REGISTRY)["todos"][0]


def test_a_pr_level_failure_is_waived_by_its_rule_alone() -> None:
    first = snap(new_file("billing/total.py", ["x = 1"]))
    waiver = waiver_for(first, "title")
    assert len(waiver["fingerprints"]) == 1
    later = snap(new_file("billing/other.py", ["y = 2"]), [waiver])
    assert run_checks(later, REGISTRY).check("title").status is Status.SKIP


def test_a_passing_check_stays_pass_and_a_waiver_without_fingerprints_covers_all() -> None:
    clean = snap(new_file("billing/total.py", ["x = 1"]), [
        {"check": "todos", "by": "lead", "reason": "r", "fingerprints": ["0" * 16]}])
    assert run_checks(clean, REGISTRY).check("todos").status is Status.PASS
    legacy = snap(new_file("billing/total.py", CODE),
                  [{"check": "all", "by": "lead", "reason": "release day"}])
    report = run_checks(legacy, REGISTRY)
    assert [r.status for r in report.checks] == [Status.SKIP, Status.SKIP]
    assert report.check("todos").summary == "Waived by @lead: release day"


def test_fingerprints_never_repeat_the_line() -> None:
    first = snap(new_file("billing/total.py", ['TOKEN = "TODO-ghp_secretsecret"']))
    [mark] = current_fingerprints(first, None, ["todos"], REGISTRY)["todos"]
    assert len(mark) == 16 and "secret" not in mark


def test_waiver_fields_load_from_the_snapshot_document() -> None:
    doc = waiver_for(snap(new_file("billing/total.py", CODE)))
    [waiver] = snap(new_file("billing/total.py", CODE), [doc]).waivers
    assert waiver == Waiver("todos", "lead", "known debt", at="2026-12-03T16:00:00Z",
                            fingerprints=tuple(doc["fingerprints"]), comment_id=99)


def test_a_waiver_that_covers_nothing_here_leaves_the_result_alone() -> None:
    other = snap(new_file("billing/other.py", CODE))
    later = snap(new_file("billing/total.py", CODE), [waiver_for(other)])
    result = run_checks(later, REGISTRY).check("todos")
    assert result.status is Status.FAIL and result.summary == "1 TODOs."
    assert result.waived_by is None and [f.path for f in result.findings] == ["billing/total.py"]
