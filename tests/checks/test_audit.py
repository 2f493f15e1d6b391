"""Audit entries and their insertion into story files (checks/audit.py)."""

from __future__ import annotations

import string

import pytest

import checks
from checks.audit import (
    DEFAULT_TEMPLATE,
    KEY_PREFIX,
    TEMPLATE_FIELDS,
    AuditConfigError,
    AuditEntry,
    AuditEvent,
    PlannedEntry,
    check_template,
    current_event,
    entry_line,
    insert_entries,
    keys_in,
    plan,
    report_summary,
    summary_of,
    targets,
)
from checks.story import DEFAULT_STORY_GLOB

STORY = "docs/work/features/billing/stories/BILL-12-invoice-export-story.md"
STORY_TEXT = """\
# BILL-12: Invoice export

As an accountant I want to export invoices as CSV.

## Acceptance criteria

- [ ] CSV has one row per invoice

## Audit Log

- 2026-11-20 09:12 UTC · STATUS: in-progress - Starting backend implementation

## Notes

Talk to finance about column order.
"""


def _entry(event: AuditEvent = AuditEvent.OPENED, **more: object) -> AuditEntry:
    fields: dict[str, object] = {
        "event": event, "number": 123, "title": "Add invoice export", "author": "alice",
        "head_sha": "abc1234def5678", "summary": "shipshape 4/5 pass",
        "at": "2026-11-22T14:03:12Z"}
    fields.update(more)
    return AuditEntry(**fields)  # type: ignore[arg-type]


def test_entry_line_reads_like_the_hand_written_ones() -> None:
    line = entry_line(_entry())
    shown, _, key = line.partition(" <!-- ")
    assert shown == ('- 2026-11-22 14:03 UTC · STATUS: in-review · PR #123 "Add invoice export" '
                     'by @\u200balice · shipshape 4/5 pass')
    assert key == "shipshape-audit: pr=123 event=opened head=abc1234 at=20261122T140312Z -->"


@pytest.mark.parametrize(("event", "shown"), [
    (AuditEvent.DRAFT_OPENED, "STATUS: in-progress ·"),
    (AuditEvent.CONVERTED_TO_DRAFT, "STATUS: in-progress ·"),
    (AuditEvent.OPENED, "STATUS: in-review ·"),
    (AuditEvent.REOPENED, "STATUS: in-review ·"),
    (AuditEvent.READY_FOR_REVIEW, "STATUS: in-review ·"),
    (AuditEvent.MERGED, "STATUS: done ·"),
    (AuditEvent.CLOSED_UNMERGED, "STATUS: in-progress - PR #123 closed unmerged ·"),
])
def test_each_event_states_its_status(event: AuditEvent, shown: str) -> None:
    assert f"UTC · {shown} PR #123" in entry_line(_entry(event))


def test_waiver_and_story_link_entries_name_who_and_why() -> None:
    waived = entry_line(_entry(AuditEvent.WAIVED, actor="bob", reason="hotfix, tests follow"))
    assert "· WAIVED by @\u200bbob: hotfix, tests follow · PR #123" in waived
    linked = entry_line(_entry(AuditEvent.STORY_LINKED, actor="carol"))
    assert "· STORY LINKED by @\u200bcarol · PR #123" in linked


def test_a_command_entry_names_the_check_and_is_keyed_by_its_comment() -> None:
    waived = _entry(AuditEvent.WAIVED, actor="bob", reason="DBA said <b>ok</b>", check="tests",
                    source="comment=991")
    line = entry_line(waived)
    assert "· WAIVED `tests` by @\u200bbob: DBA said &lt;b&gt;ok&lt;/b&gt; · PR #123" in line
    assert line.endswith("<!-- shipshape-audit: pr=123 event=waived comment=991 check=tests -->")
    # The key ignores the time and head: a retry recording the waiver later is the same line.
    later = _entry(AuditEvent.WAIVED, actor="bob", reason="DBA said <b>ok</b>", check="tests",
                   source="comment=991", at="2026-11-22T18:00:00Z", head_sha="f00dbabe")
    assert keys_in(entry_line(later)) == keys_in(line)
    assert insert_entries(insert_entries(STORY_TEXT, [line]), [entry_line(later)]) == \
        insert_entries(STORY_TEXT, [line])
    withdrawn = entry_line(_entry(AuditEvent.WAIVER_WITHDRAWN, actor="bob", check="all",
                                  source="comment=992 --> <x>"))
    assert "· WAIVER WITHDRAWN `all` by @\u200bbob · PR #123" in withdrawn
    # Nothing from the source can end the hidden comment early.
    assert withdrawn.count("-->") == 1 and "comment=992-x check=all -->" in withdrawn


def test_a_title_cannot_inject_markdown_html_or_mentions() -> None:
    title = "## Pwn <img src=x onerror=alert(1)> [click](https://evil.example) @team\n- [x] done"
    line = entry_line(_entry(title=title))
    assert "\n" not in line and "<img" not in line and "](" not in line
    assert "@team" not in line and "@\u200bteam" in line
    assert "&lt;img src=x onerror=alert\\(1\\)&gt;" in line
    # The line is still one list item whose only HTML is the key.
    assert line.startswith("- 2026-11-22") and line.count("<!--") == 1


def test_the_key_is_the_same_for_a_retry_and_differs_per_transition() -> None:
    first = _entry(AuditEvent.READY_FOR_REVIEW)
    assert first.key == _entry(AuditEvent.READY_FOR_REVIEW, summary="shipshape 5/5 pass").key
    again = _entry(AuditEvent.READY_FOR_REVIEW, at="2026-11-22T15:00:00Z")
    assert again.key != first.key
    assert _entry(AuditEvent.CONVERTED_TO_DRAFT).key != first.key


def test_a_time_that_is_not_utc_is_refused() -> None:
    with pytest.raises(ValueError, match="not an ISO 8601 UTC time"):
        entry_line(_entry(at="2026-11-22T14:03:12+02:00"))


def test_the_default_template_passes_the_check_it_is_spared() -> None:
    # check_template returns early for the default, so the default must pass the full parse:
    # the same text with a trailing space goes through it.
    parsed = [(name, spec, conversion)
              for _, name, spec, conversion in string.Formatter().parse(DEFAULT_TEMPLATE) if name]
    assert parsed and all(name in TEMPLATE_FIELDS and not spec and conversion is None
                          for name, spec, conversion in parsed)
    check_template(DEFAULT_TEMPLATE + " ")
    with pytest.raises(AuditConfigError):
        check_template(DEFAULT_TEMPLATE + " {oops}")


def test_template_fields() -> None:
    line = entry_line(_entry(), "{status} {number} {head} {title}")
    assert line.startswith('- in-review 123 abc1234 "Add invoice export" <!-- ')


def test_entry_goes_at_the_end_of_the_audit_section() -> None:
    line = entry_line(_entry())
    out = insert_entries(STORY_TEXT, [line])
    before, after = STORY_TEXT.split("\n## Notes", 1)
    assert out == before.rstrip("\n") + "\n" + line + "\n\n## Notes" + after


def test_reapplying_an_entry_changes_nothing() -> None:
    line = entry_line(_entry())
    once = insert_entries(STORY_TEXT, [line])
    assert insert_entries(once, [line]) == once
    # The same entry with a summary computed again later is still the same event.
    assert insert_entries(once, [entry_line(_entry(summary="shipshape 5/5 pass"))]) == once


def test_a_missing_section_is_made_at_the_end() -> None:
    text = "# BILL-7: Login\n\nAs a user I want to log in.\n"
    line = entry_line(_entry())
    assert insert_entries(text, [line]) == text + "\n## Audit Log\n\n" + line + "\n"


def test_a_file_without_final_newline_keeps_its_last_line() -> None:
    text = "# BILL-7\n\n## Audit Log\n\n- 2026-11-20 09:12 UTC · STATUS: in-progress"
    line = entry_line(_entry())
    assert insert_entries(text, [line]) == text + "\n" + line
    no_section = "# BILL-7\n\nText"
    assert insert_entries(no_section, [line]) == no_section + "\n\n## Audit Log\n\n" + line + "\n"


def test_crlf_files_stay_crlf() -> None:
    text = STORY_TEXT.replace("\n", "\r\n")
    line = entry_line(_entry())
    out = insert_entries(text, [line])
    assert out.count("\r\n") == text.count("\r\n") + 1
    assert "\n" not in out.replace("\r\n", "")
    assert out.replace(line + "\r\n", "") == text


def test_the_heading_matches_in_any_case_and_level_but_not_in_code() -> None:
    text = ("# S-3\n\n```md\n## Audit Log\n```\n\n### AUDIT   log\n\n- old entry\n\n"
            "## Design\n\nText.\n")
    line = entry_line(_entry())
    out = insert_entries(text, [line])
    assert out == text.replace("- old entry\n", f"- old entry\n{line}\n")


def test_an_empty_section_gets_a_blank_line_after_its_heading() -> None:
    text = "# S-3\n\n## Audit Log\n## Design\n"
    line = entry_line(_entry())
    assert insert_entries(text, [line]) == f"# S-3\n\n## Audit Log\n\n{line}\n\n## Design\n"


def test_two_entries_keep_their_order_and_the_rest_is_untouched() -> None:
    first, second = entry_line(_entry()), entry_line(_entry(AuditEvent.MERGED))
    out = insert_entries(STORY_TEXT, [first, second])
    assert out.index(first) < out.index(second)
    assert out.replace(first + "\n", "").replace(second + "\n", "") == STORY_TEXT
    assert keys_in(out) == {_entry().key, _entry(AuditEvent.MERGED).key}


def _snapshot(title: str, files: frozenset[str]) -> checks.Snapshot:
    return checks.Snapshot(title=title, files=(), repository="acme/shop", number=123,
                           author="alice", head_sha="abc1234def", repo_files=files)


def test_targets_come_from_the_listing_and_issues() -> None:
    files = frozenset({STORY, "README.md", "docs/work/features/x/stories/12-login-story.md"})
    snap = _snapshot("BILL-12 and #12 and #40", files)
    found = targets(snap, [DEFAULT_STORY_GLOB], ["BILL-12", "#12", "#40", "OPS-9", "other/repo#5"])
    assert [(t.story, t.path, t.issue) for t in found] == [
        ("BILL-12", STORY, None),
        ("#12", "docs/work/features/x/stories/12-login-story.md", None),
        ("#40", None, 40),
    ]


def test_an_id_never_becomes_a_path() -> None:
    evil = "../../../.github/workflows/ci"
    files = frozenset({STORY, ".github/workflows/ci.yml", "docs/work/features/x/stories/notes.md"})
    snap = _snapshot(evil, files)
    found = targets(snap, [DEFAULT_STORY_GLOB], [evil, "../BILL-12", "BILL-12/../../x"])
    assert all(t.path in (None, STORY) for t in found)
    assert all(".github" not in (t.path or "") for t in found)


def _config(text: str = "") -> checks.Config:
    return checks.config_from_yaml(text)


def test_plan_for_a_pr_with_a_story_file() -> None:
    snap = _snapshot("BILL-12: Add invoice export", frozenset({STORY}))
    report = checks.run(snap, _config())
    planned = plan(AuditEvent.OPENED, snap, report.stories, report_summary(report), _config(),
                   "2026-11-22T14:03:12Z")
    assert [p.target.path for p in planned] == [STORY]
    assert isinstance(planned[0], PlannedEntry)
    assert planned[0].line == entry_line(planned[0].entry)
    every = len(checks.REGISTRY)  # every check passes on this PR
    assert planned[0].entry.summary == f"shipshape {every}/{every} pass"
    assert summary_of(["pass", "skip", "warn"]) == "shipshape 1/2 pass"


def test_plan_respects_enabled_and_events() -> None:
    snap = _snapshot("BILL-12 and #40", frozenset({STORY}))
    at = "2026-11-22T14:03:12Z"
    stories = checks.run(snap, _config()).stories
    assert stories == ("BILL-12", "#40")
    off = _config("audit:\n  enabled: false\n")
    assert plan(AuditEvent.OPENED, snap, stories, "s", off, at) == ()
    only_merged = _config("audit:\n  events: [merged]\n")
    assert plan(AuditEvent.OPENED, snap, stories, "s", only_merged, at) == ()
    assert len(plan(AuditEvent.MERGED, snap, stories, "s", only_merged, at)) == 2
    # auto: a repository without story files gets no issue comments either
    bare = _snapshot("Fix #40", frozenset({"README.md"}))
    assert plan(AuditEvent.OPENED, bare, ["#40"], "s", _config(), at) == ()
    forced = _config("audit:\n  enabled: true\n")
    assert [p.target.issue for p in plan(AuditEvent.OPENED, bare, ["#40"], "s", forced, at)] \
        == [40]


def test_current_event() -> None:
    snap = _snapshot("x", frozenset())
    assert current_event(snap) is AuditEvent.OPENED
    assert current_event(checks.Snapshot(title="x", files=(), draft=True)) is \
        AuditEvent.DRAFT_OPENED


@pytest.mark.parametrize(("text", "path"), [
    ("audit:\n  mode: push\n", "audit.mode"),
    ("audit: yes-please\n", "audit"),
    ("audit:\n  heading: Audit Log\n", "audit.heading"),
    ("audit:\n  heading: \"## \"\n", "audit.heading"),
    ("audit:\n  template: \"{title.__class__}\"\n", "audit.template"),
    ("audit:\n  template: \"{title!r}\"\n", "audit.template"),
    ("audit:\n  template: \"{oops\"\n", "audit.template"),
    ("audit:\n  events: [merged, deployed]\n", "audit.events[1]"),
    ("audit:\n  enabled: sometimes\n", "audit.enabled"),
    ("audit:\n  branch: 3\n", "audit.branch"),
    ("audit:\n  colour: red\n", "audit.colour"),
])
def test_bad_audit_settings_name_the_key(text: str, path: str) -> None:
    with pytest.raises(checks.ConfigError) as caught:
        checks.config_from_yaml(text)
    assert caught.value.path == path


def test_yaml_booleans_are_accepted_for_enabled() -> None:
    assert _config("audit:\n  enabled: false\n").settings["audit"]["enabled"] == "false"
    assert _config("audit:\n  enabled: true\n").settings["audit"]["enabled"] == "true"
    assert _config().settings["audit"]["enabled"] == "auto"


def test_the_readme_example_is_what_a_prs_life_writes() -> None:
    from tests.shared import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- audit-example:start -->\n```markdown\n")[1].split("```\n")[0]
    before = "\n".join(line for line in block.splitlines() if KEY_PREFIX not in line) + "\n"
    life = [
        _entry(AuditEvent.DRAFT_OPENED, head_sha="9f3c2e1a7b", at="2026-11-20T15:41:07Z",
               summary="shipshape 3/5 pass"),
        _entry(AuditEvent.READY_FOR_REVIEW, head_sha="9f3c2e1a7b", at="2026-11-22T14:03:12Z",
               summary="shipshape 4/5 pass"),
        # A writer waives `tests`: it is skipped, so the summary counts four checks.
        _entry(AuditEvent.WAIVED, head_sha="9f3c2e1a7b", at="2026-11-22T16:40:02Z",
               summary="shipshape 4/4 pass", actor="bob", check="tests",
               reason="hotfix, tests follow in BILL-13", source="comment=1730051"),
        # A push in between writes nothing; the merge is on the new head.
        _entry(AuditEvent.MERGED, head_sha="d41be07c55", at="2026-11-23T10:30:55Z",
               summary="shipshape 5/5 pass"),
    ]
    text = before
    for entry in life:
        text = insert_entries(text, [entry_line(entry)])
    assert text.replace("\u200b", "") == block


def test_an_entry_for_a_pr_without_a_number_says_so_instead_of_pr_zero() -> None:
    from checks.audit import AuditEntry, AuditEvent, entry_line

    entry = AuditEntry(AuditEvent.READY_FOR_REVIEW, 0, "Add totals", "", "abc1234",
                       "shipshape 5/5 pass", "2026-12-03T18:00:00Z")
    line = entry_line(entry)
    assert "PR #?" in line and "PR #0" not in line
