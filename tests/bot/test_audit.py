"""Story audit logs end to end: real payloads in, story files and issue comments out, through
the fake GitHub's Contents API (blob-sha compare-and-swap, 409 on a stale sha)."""

from __future__ import annotations

import asyncio
import base64
import re
from typing import Any

import pytest
from gidgethub import sansio

from bot.audit import audit_item
from bot.events import dispatch
from bot.events.pull_request import pull_fields
from bot.outcome import JobOutcome, JobResult
from bot.publish import audit as writes
from bot.queue import Job
from bot.worker import run_job
from checks import REGISTRY
from checks.audit import KEY_PREFIX, AuditEvent
from tests.bot.conftest import Bot, payload, pr_event
from tests.bot.diffs import new_file, python_module, python_test
from tests.fakegithub import shapes

CONFIG = ".github/shipshape.yml"
STORY = "docs/work/features/billing/stories/BILL-12-invoice-export-story.md"
STORY_GLOB = "docs/work/features/*/stories/*-story.md"
STORY_TEXT = """\
# BILL-12: Invoice export

As an accountant I want to export invoices as CSV.

## Audit Log

- 2026-11-20 09:12 UTC · STATUS: in-progress - Starting backend implementation

## Notes

Talk to finance about column order.
"""
TESTED_DIFF = (new_file("billing/export.py", python_module("export"))
               + new_file("tests/test_export.py", python_test("export")))


def seed(fake: Any, number: int = 7, *, title: str = "BILL-12: Add invoice export",
         draft: bool = False, story: str | bytes = STORY_TEXT, path: str = STORY,
         user: str = "alice") -> None:
    """A repository with a story file on main, and a PR referencing it."""
    fake.set_file_content(fake.repo, path, story, ref="main")
    fake.add_pull(fake.repo, number, title=title, diff=TESTED_DIFF, user=user, draft=draft,
                  head_ref=f"feature-{number}", commits=[f"{title}\n\nAdds the export."])
    # The PR's head holds the story file too (it was branched from main).
    fake.set_file_content(fake.repo, path, story, ref=fake.pull(fake.repo, number).head_sha)


def event(fake: Any, action: str, number: int, at: str, **pr: Any) -> dict[str, Any]:
    """The real `pull_request.<action>` body for the fake's PR, happening at `at`."""
    body = pr_event(fake, action, number)
    body["pull_request"]["user"]["login"] = fake.pull(fake.repo, number).user
    for repo in (body["repository"], body["pull_request"]["base"]["repo"]):
        repo["default_branch"] = "main"
    body["pull_request"]["updated_at"] = at
    if action == "closed":
        body["pull_request"]["closed_at"] = at
    body["pull_request"].update(pr)
    return body


def story(fake: Any, path: str = STORY, ref: str = "main") -> str:
    data = fake.file_content(fake.repo, path, ref=ref)
    assert data is not None
    return data.decode("utf-8")


def entries(text: str) -> list[str]:
    return [line for line in text.splitlines() if KEY_PREFIX in line]


def shown(line: str) -> str:
    """An entry as a reader sees it (the hidden key and zero-width spaces left out)."""
    return line.split(" <!--")[0].replace("\u200b", "")


def story_calls(fake: Any, path: str = STORY) -> list[str]:
    return [f"{c.method} {c.status}" for c in fake.calls if c.path.endswith(path)]


async def test_a_prs_whole_life_reads_as_a_clean_history(bot: Bot) -> None:
    fake = bot.fake
    seed(fake, draft=True)
    await bot.deliver("pull_request", event(fake, "opened", 7, "2026-11-22T09:00:05Z",
                                            draft=True))
    await bot.idle()
    fake.pull(fake.repo, 7).draft = False
    await bot.deliver("pull_request", event(fake, "ready_for_review", 7, "2026-11-22T14:03:40Z"))
    await bot.idle()
    fake.push(fake.repo, 7, diff=TESTED_DIFF, commits=["BILL-12: Add invoice export",
                                                        "BILL-12: CSV header"])
    await bot.deliver("pull_request", event(fake, "synchronize", 7, "2026-11-22T15:10:00Z"))
    await bot.idle()
    fake.pull(fake.repo, 7).state = "closed"
    runs = len(fake.check_runs(fake.repo))
    await bot.deliver("pull_request", event(fake, "closed", 7, "2026-11-23T10:30:00Z",
                                            merged=True, state="closed"))
    await bot.idle()
    text = story(fake)
    lines = [shown(line) for line in entries(text)]
    every = len(REGISTRY)  # every check passes on this PR
    assert lines == [
        '- 2026-11-22 09:00 UTC · STATUS: in-progress · PR #7 "BILL-12: Add invoice export" '
        f'by @alice · shipshape {every}/{every} pass',
        '- 2026-11-22 14:03 UTC · STATUS: in-review · PR #7 "BILL-12: Add invoice export" '
        f'by @alice · shipshape {every}/{every} pass',
        '- 2026-11-23 10:30 UTC · STATUS: done · PR #7 "BILL-12: Add invoice export" '
        f'by @alice · shipshape {every}/{every} pass',
    ]
    # Appended at the end of the section; the rest of the file unchanged byte for byte.
    assert text == STORY_TEXT.replace(
        "implementation\n\n", "implementation\n" + "".join(f"{e}\n" for e in entries(text))
        + "\n")
    messages = [m for branch, m in fake.commits_on(fake.repo) if branch == "main"]
    assert messages == [f"docs(audit): BILL-12 {e} (PR #7) [skip ci]"
                        for e in ("draft-opened", "ready-for-review", "merged")]
    puts = fake.calls_to("PUT", "/repos/*/contents/*")
    # No author or committer: GitHub signs the App's commit (Verified).
    assert all(set(c.json) == {"message", "content", "sha", "branch"} for c in puts)
    # The synchronize made no entry, and the closed PR got no review.
    assert runs == 2 and len(fake.check_runs(fake.repo)) == runs


async def test_an_entry_costs_two_calls_on_the_happy_path(bot: Bot) -> None:
    fake = bot.fake
    seed(fake)
    await bot.deliver("pull_request", event(fake, "opened", 7, "2026-11-22T09:00:05Z"))
    await bot.idle()
    assert story_calls(fake) == ["GET 200", "PUT 200"]
    with_audit = len(fake.calls)
    # The same PR with audit logs off: the review alone.
    fake.set_file_content(fake.repo, CONFIG, "audit:\n  enabled: false\n", ref="main")
    seed(fake, 8)
    fake.clear_calls()
    await bot.deliver("pull_request", event(fake, "opened", 8, "2026-11-22T09:00:05Z"))
    await bot.idle()
    assert story_calls(fake) == []
    assert with_audit - len(fake.calls) == 2 + 1  # GET + PUT, and the first token


async def test_redelivery_and_a_retried_job_write_no_duplicate(bot: Bot) -> None:
    fake = bot.fake
    seed(fake)
    body = event(fake, "opened", 7, "2026-11-22T09:00:05Z")
    await bot.deliver("pull_request", body, delivery="guid-1")
    await bot.idle()
    once = story(fake)
    await bot.deliver("pull_request", body, delivery="guid-1")  # the same GUID: dropped
    await bot.deliver("pull_request", body, delivery="guid-2")  # a new attempt: runs again
    await bot.idle()
    assert story(fake) == once and len(entries(once)) == 1
    assert story_calls(fake)[-1] == "GET 200"  # the second run read, found its key, stopped


async def test_closed_unmerged_and_converted_to_draft(bot: Bot) -> None:
    fake = bot.fake
    seed(fake)
    fake.pull(fake.repo, 7).draft = True
    await bot.deliver("pull_request", event(fake, "converted_to_draft", 7,
                                            "2026-11-22T11:00:00Z", draft=True))
    await bot.deliver("pull_request", event(fake, "closed", 7, "2026-11-22T12:00:00Z",
                                            merged=False, state="closed"))
    await bot.idle()
    lines = sorted(shown(e).split(" · PR")[0] for e in entries(story(fake)))
    assert lines == ["- 2026-11-22 11:00 UTC · STATUS: in-progress",
                     "- 2026-11-22 12:00 UTC · STATUS: in-progress - PR #7 closed unmerged"]
    assert fake.check_runs(fake.repo) == []  # neither event asks for a review


async def test_reopened_is_in_review(bot: Bot) -> None:
    fake = bot.fake
    seed(fake)
    await bot.deliver("pull_request", event(fake, "reopened", 7, "2026-11-24T08:00:00Z"))
    await bot.idle()
    [line] = entries(story(fake))
    assert "· STATUS: in-review · PR #7" in line and "event=reopened" in line


async def test_a_story_without_an_audit_section_in_crlf_gets_one(bot: Bot) -> None:
    fake = bot.fake
    text = "# BILL-12: Invoice export\r\n\r\nAs an accountant I want CSV.\r\n"
    seed(fake, story=text)
    await bot.deliver("pull_request", event(fake, "opened", 7, "2026-11-22T09:00:05Z"))
    await bot.idle()
    out = story(fake)
    [line] = entries(out)
    assert out == text + "\r\n## Audit Log\r\n\r\n" + line + "\r\n"


async def test_the_heading_matches_in_another_case_and_can_be_configured(bot: Bot) -> None:
    fake = bot.fake
    fake.set_file_content(fake.repo, CONFIG, "audit:\n  heading: '## History'\n", ref="main")
    text = "# BILL-12\n\n### HISTORY\n\n- older line\n\n## Design\n"
    seed(fake, story=text)
    await bot.deliver("pull_request", event(fake, "opened", 7, "2026-11-22T09:00:05Z"))
    await bot.idle()
    out = story(fake)
    [line] = entries(out)
    assert out == text.replace("- older line\n", f"- older line\n{line}\n")


async def test_a_lost_race_re_reads_and_both_entries_land(bot: Bot) -> None:
    fake = bot.fake
    seed(fake)
    other = "- 2026-11-22 09:00 UTC · STATUS: in-review · PR #6 written by another replica"

    async def another_replica_writes() -> None:
        current = story(fake)
        fake.set_file_content(fake.repo, STORY, current.replace(
            "implementation\n", f"implementation\n{other}\n"), ref="main")

    fake.on_call("PUT", f"/repos/*/contents/{STORY}", another_replica_writes)
    await bot.deliver("pull_request", event(fake, "opened", 7, "2026-11-22T09:00:05Z"))
    await bot.idle()
    text = story(fake)
    assert story_calls(fake) == ["GET 200", "PUT 409", "GET 200", "PUT 200"]
    assert text.index(other) < text.index("PR #7")
    assert len(entries(text)) == 1


async def test_two_writers_racing_on_one_story_lose_nothing(bot: Bot) -> None:
    """Two replicas (separate processes: separate locks) append to one story at once."""
    fake = bot.fake
    seed(fake)
    gh = bot.state.services.client.for_installation(fake.installation_id)
    line_a = f"- PR #1 entry {KEY_PREFIX} pr=1 event=opened head=aaaaaaa at=20261122T090000Z -->"
    line_b = f"- PR #2 entry {KEY_PREFIX} pr=2 event=opened head=bbbbbbb at=20261122T090001Z -->"
    fake.delay = 0.02  # let the two interleave between their GET and PUT

    async def no_sleep(_: float) -> None:
        await asyncio.sleep(0)

    done = await asyncio.gather(*(
        writes.append_entries(gh, fake.repo, "main", STORY, [line], heading="## Audit Log",
                              message="docs(audit) [skip ci]", locks=writes.BranchLocks(),
                              sleep=no_sleep) for line in (line_a, line_b)))
    assert done == [writes.WRITTEN, writes.WRITTEN]
    assert "PUT 409" in story_calls(fake)  # they did collide
    assert sorted(entries(story(fake))) == sorted([line_a, line_b])


async def test_ten_concurrent_events_on_one_repository(bot: Bot) -> None:
    fake = bot.fake
    for number in range(20, 30):
        seed(fake, number, title=f"BILL-12: Part {number}")
    await asyncio.gather(*(
        bot.deliver("pull_request", event(fake, "opened", n, f"2026-11-22T09:00:{n}Z"))
        for n in range(20, 30)))
    await bot.idle(timeout=60)
    found = entries(story(fake))
    assert sorted(int(re.search(r"pr=(\d+)", e).group(1)) for e in found) == list(range(20, 30))
    # Serialised per branch in the process: no write collided, two calls per entry.
    assert sorted(set(story_calls(fake))) == ["GET 200", "PUT 200"]
    assert len(story_calls(fake)) == 20


async def test_branch_protection_in_commit_mode_is_a_warning_on_the_checklist(
        bot: Bot) -> None:
    fake = bot.fake
    seed(fake)
    fake.protect_branch(fake.repo, "main")
    await bot.deliver("pull_request", event(fake, "opened", 7, "2026-11-22T09:00:05Z"))
    await bot.idle()
    assert story(fake) == STORY_TEXT
    [run] = fake.check_runs(fake.repo)
    assert run["conclusion"] == "success"  # nothing else fails
    [comment] = fake.comments(fake.repo, 7)
    assert "audit log was not updated" in comment["body"]
    assert "409: Repository rule violations found" in comment["body"]
    assert "bypass" in comment["body"] and "audit.mode: pull-request" in comment["body"]
    # The next review of the PR keeps the warning in its notes.
    fake.push(fake.repo, 7, diff=TESTED_DIFF, commits=["BILL-12: Add invoice export", "More"])
    await bot.deliver("pull_request", event(fake, "synchronize", 7, "2026-11-22T10:00:00Z"))
    await bot.idle()
    [comment] = fake.comments(fake.repo, 7)
    assert "audit log was not updated" in comment["body"]


async def test_a_missing_contents_permission_is_named(bot: Bot) -> None:
    fake = bot.fake
    seed(fake)
    fake.protect_branch(fake.repo, "main", how="permission")
    await bot.deliver("pull_request", event(fake, "opened", 7, "2026-11-22T09:00:05Z"))
    await bot.idle()
    [comment] = fake.comments(fake.repo, 7)
    assert "403: Resource not accessible by integration" in comment["body"]
    assert "contents: write" in comment["body"]


async def test_pull_request_mode_keeps_one_pr_updated_in_place(bot: Bot) -> None:
    fake = bot.fake
    fake.set_file_content(fake.repo, CONFIG, "audit:\n  mode: pull-request\n", ref="main")
    other = STORY.replace("BILL-12-invoice-export", "BILL-13-refunds")
    fake.set_file_content(fake.repo, other, "# BILL-13: Refunds\n", ref="main")
    seed(fake)
    seed(fake, 8, title="BILL-13: Refunds")
    fake.set_file_content(fake.repo, other, "# BILL-13: Refunds\n",
                          ref=fake.pull(fake.repo, 8).head_sha)
    fake.protect_branch(fake.repo, "main")
    await bot.deliver("pull_request", event(fake, "opened", 7, "2026-11-22T09:00:05Z"))
    await bot.idle()
    await bot.deliver("pull_request", event(fake, "opened", 8, "2026-11-22T09:30:00Z"))
    await bot.deliver("pull_request", event(fake, "ready_for_review", 7, "2026-11-22T10:00:00Z"))
    await bot.idle()
    audit_prs = [p for p in fake.state.repos[fake.repo].pulls.values()
                 if p.head_ref == writes.AUDIT_BRANCH]
    assert len(audit_prs) == 1 and audit_prs[0].base_ref == "main"
    assert f"`{STORY}`" in audit_prs[0].body and f"`{other}`" in audit_prs[0].body
    assert len(entries(story(fake, ref=writes.AUDIT_BRANCH))) == 2
    assert len(entries(story(fake, other, ref=writes.AUDIT_BRANCH))) == 1
    assert story(fake) == STORY_TEXT  # main untouched
    assert len(fake.calls_to("POST", "/repos/*/pulls")) == 1
    assert len(fake.calls_to("POST", "/repos/*/git/refs")) == 1


async def test_the_audit_pr_itself_gets_no_review_and_no_entry() -> None:
    data = payload("pull_request.opened")
    data["pull_request"]["head"]["ref"] = writes.AUDIT_BRANCH
    data["pull_request"]["user"]["type"] = "Bot"
    data["pull_request"]["user"]["login"] = "shipshape[bot]"
    result = await dispatch(sansio.Event(data, event="pull_request", delivery_id="d"))
    assert result.jobs == []
    closed = payload("pull_request.closed")
    closed["pull_request"]["head"]["ref"] = writes.AUDIT_BRANCH
    closed["pull_request"]["user"]["type"] = "Bot"
    result = await dispatch(sansio.Event(closed, event="pull_request", delivery_id="e"))
    assert result.jobs == []


async def test_a_github_issue_story_gets_a_comment_once(bot: Bot) -> None:
    fake = bot.fake
    seed(fake, title="Fix #40: rounding of invoice totals")
    fake.add_issue(fake.repo, 40, "Invoice totals round wrongly")
    body = event(fake, "opened", 7, "2026-11-22T09:00:05Z")
    await bot.deliver("pull_request", body)
    await bot.deliver("pull_request", body)  # redelivered with a new GUID
    await bot.idle()
    [note] = fake.comments(fake.repo, 40)
    assert note["body"].startswith("2026-11-22 09:00 UTC · STATUS: in-review · PR #7 ")
    assert story(fake) == STORY_TEXT  # the issue is not BILL-12's file


async def test_a_ref_to_a_pull_request_gets_no_comment(bot: Bot) -> None:
    fake = bot.fake
    seed(fake, title="Follow-up to #5")
    fake.add_pull(fake.repo, 5, title="An earlier PR", diff=TESTED_DIFF, head_ref="earlier")
    fake.set_file_content(fake.repo, CONFIG, "audit:\n  enabled: true\n", ref="main")
    await bot.deliver("pull_request", event(fake, "opened", 7, "2026-11-22T09:00:05Z"))
    await bot.idle()
    assert fake.calls_to("GET", "/repos/*/issues/5")  # it looked
    assert fake.comments(fake.repo, 5) == []


async def test_an_id_never_escapes_the_story_folder(bot: Bot) -> None:
    fake = bot.fake
    fake.set_files(fake.repo, {".github/workflows/ci.yml": "on: push\n",
                               "docs/work/features/x/stories/notes.md": "# Notes\n"})
    seed(fake, title="../../../.github/workflows/ci BILL-12/../../ci ../BILL-12")
    for ref in ("main", fake.pull(fake.repo, 7).head_sha):
        fake.set_file_content(fake.repo, ".github/workflows/ci.yml", "on: push\n", ref=ref)
    await bot.deliver("pull_request", event(fake, "opened", 7, "2026-11-22T09:00:05Z"))
    await bot.idle()
    touched = {c.path.split("/contents/", 1)[1] for c in fake.calls
               if "/contents/" in c.path and not c.path.endswith("shipshape.yml")}
    assert touched <= {STORY}
    assert fake.file_content(fake.repo, ".github/workflows/ci.yml") == b"on: push\n"


async def test_a_title_with_markdown_html_and_mentions_stays_inert(bot: Bot) -> None:
    fake = bot.fake
    title = "BILL-12: <script>alert(1)</script> **bold** [x](https://evil.example) @org/team"
    seed(fake, title=title)
    await bot.deliver("pull_request", event(fake, "opened", 7, "2026-11-22T09:00:05Z"))
    await bot.idle()
    text = story(fake)
    [line] = entries(text)
    assert "<script>" not in text and "](https" not in text and "@org" not in text
    assert "&lt;script&gt;" in line and "\\*\\*bold\\*\\*" in line and "@\u200borg" in line
    assert text.count("\n## ") == STORY_TEXT.count("\n## ")


async def test_a_story_added_by_the_pr_is_left_until_it_exists(bot: Bot) -> None:
    fake = bot.fake
    fake.set_file_content(fake.repo, "docs/work/features/x/stories/BILL-1-a-story.md", "# 1\n",
                          ref="main")
    fake.add_pull(fake.repo, 7, title="BILL-12: Add invoice export", diff=TESTED_DIFF)
    fake.set_file_content(fake.repo, STORY, STORY_TEXT, ref=fake.pull(fake.repo, 7).head_sha)
    await bot.deliver("pull_request", event(fake, "opened", 7, "2026-11-22T09:00:05Z"))
    await bot.idle()
    assert story_calls(fake) == ["GET 404"]
    assert fake.calls_to("PUT", "/repos/*") == []


@pytest.mark.parametrize("status", [409, 422])
async def test_sha_conflicts_are_retried_a_bounded_number_of_times(bot: Bot,
                                                                   status: int) -> None:
    fake = bot.fake
    seed(fake)
    gh = bot.state.services.client.for_installation(fake.installation_id)
    message = "does not match" if status == 409 else 'Invalid request.\n\n"sha" wasn\'t supplied.'
    fake.fail_next("PUT", f"/repos/*/contents/{STORY}", status,
                   body={"message": message, "status": str(status)}, times=writes.MAX_ATTEMPTS)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    line = f"- x {KEY_PREFIX} pr=1 event=opened head=aaaaaaa at=20261122T090000Z -->"
    with pytest.raises(writes.AuditConflict):
        await writes.append_entries(gh, fake.repo, "main", STORY, [line], heading="## Audit Log",
                                    message="m [skip ci]", locks=writes.BranchLocks(),
                                    sleep=sleep)
    assert len(waits) == writes.MAX_ATTEMPTS
    assert story(fake) == STORY_TEXT
    # The contents encoding is what GitHub stores (base64 of the UTF-8 text).
    assert base64.b64decode(fake.calls_to("PUT", "/repos/*")[0].json["content"]).decode() \
        .startswith("# BILL-12")


async def test_a_write_whose_answer_was_lost_is_not_written_twice(bot: Bot) -> None:
    fake = bot.fake
    seed(fake)
    # GitHub commits the entry, then its answer is a 502; the client retries the PUT.
    fake.fail_next("PUT", f"/repos/*/contents/{STORY}", 502, after=True)
    await bot.deliver("pull_request", event(fake, "opened", 7, "2026-11-22T09:00:05Z"))
    await bot.idle()
    assert story_calls(fake) == ["GET 200", "PUT 502", "PUT 409", "GET 200"]
    assert len(entries(story(fake))) == 1
    assert len(fake.commits_on(fake.repo)) == 1


async def test_the_apps_own_commit_causes_no_work(bot: Bot) -> None:
    fake = bot.fake
    seed(fake)
    await bot.deliver("pull_request", event(fake, "opened", 7, "2026-11-22T09:00:05Z"))
    await bot.idle()
    before = len(fake.calls)
    push = payload("push.fast-forward")
    push["ref"] = "refs/heads/main"
    push["sender"] = {"login": fake.bot_login, "type": "Bot"}
    resp = await bot.deliver("push", push)
    suite = await bot.deliver("check_suite", payload("check_suite.requested"))
    await bot.idle()
    assert (resp.status, suite.status) == (200, 200)
    assert len(fake.calls) == before


async def test_a_waiver_entry_names_who_and_why(bot: Bot) -> None:
    """How the slash-command work plugs in: an audit job carrying a `waived` item."""
    fake = bot.fake
    seed(fake)
    body = event(fake, "opened", 7, "2026-11-22T09:00:05Z")
    job = Job(installation_id=fake.installation_id, repo=fake.repo, number=7,
              head_sha=fake.pull(fake.repo, 7).head_sha, delivery_id="c-1",
              event="issue_comment.created", kind="audit", pull=pull_fields(body["pull_request"]),
              audits=(audit_item(AuditEvent.WAIVED, "2026-11-22T16:40:00Z", "bob",
                                 "tests: the DBA reviewed the migration @ 16:30"),))
    assert await run_job(bot.state.services, job) == JobResult(JobOutcome.AUDITED)
    [line] = entries(story(fake))
    assert shown(line).startswith("- 2026-11-22 16:40 UTC · WAIVED by @bob: tests: the DBA "
                                  "reviewed the migration @ 16:30 · PR #7 ")


async def test_entries_go_to_the_configured_branch(bot: Bot) -> None:
    fake = bot.fake
    fake.set_file_content(fake.repo, CONFIG, "audit:\n  branch: develop\n", ref="main")
    fake.set_file_content(fake.repo, STORY, STORY_TEXT, ref="develop")
    seed(fake)
    await bot.deliver("pull_request", event(fake, "opened", 7, "2026-11-22T09:00:05Z"))
    await bot.idle()
    assert len(entries(story(fake, ref="develop"))) == 1
    assert story(fake) == STORY_TEXT
    assert [b for b, _ in fake.commits_on(fake.repo)] == ["develop"]


async def test_after_the_audit_pr_is_merged_the_next_entry_starts_a_new_one(bot: Bot) -> None:
    fake = bot.fake
    fake.set_file_content(fake.repo, CONFIG, "audit:\n  mode: pull-request\n", ref="main")
    seed(fake)
    await bot.deliver("pull_request", event(fake, "opened", 7, "2026-11-22T09:00:05Z"))
    await bot.idle()
    [first] = [p for p in fake.state.repos[fake.repo].pulls.values()
               if p.head_ref == writes.AUDIT_BRANCH]
    # Someone merges it: a new commit on main has the entry, the PR is closed.
    repo = fake.state.repos[fake.repo]
    merged = {**repo.resolve("main"), STORY: story(fake, ref=writes.AUDIT_BRANCH).encode()}
    fake.commit_tree(repo, "main", merged)
    first.state = "closed"
    await bot.deliver("pull_request", event(fake, "ready_for_review", 7, "2026-11-22T10:00:00Z"))
    await bot.idle()
    audit_prs = [p for p in fake.state.repos[fake.repo].pulls.values()
                 if p.head_ref == writes.AUDIT_BRANCH and p.state == "open"]
    assert len(audit_prs) == 1 and audit_prs[0].number != first.number
    [moved] = fake.calls_to("PATCH", "/repos/*/git/refs/*")
    assert moved.json["force"] is True  # restarted from main, which has the first entry
    assert len(entries(story(fake, ref=writes.AUDIT_BRANCH))) == 2


async def test_a_story_over_one_megabyte_is_left_alone(bot: Bot) -> None:
    """GitHub sends files over 1 MB without content; writing that back would empty them."""
    fake = bot.fake
    seed(fake)
    gh = bot.state.services.client.for_installation(fake.installation_id)
    big = shapes.content_file(STORY, STORY_TEXT.encode(), fake.state.repos[fake.repo], "main",
                              fake.url)
    big.update(encoding="none", size=1_500_000, content="")
    fake.fail_next("GET", f"/repos/*/contents/{STORY}", 200, body=big)
    line = f"- x {KEY_PREFIX} pr=1 event=opened head=aaaaaaa at=20261122T090000Z -->"
    done = await writes.append_entries(gh, fake.repo, "main", STORY, [line],
                                       heading="## Audit Log", message="m [skip ci]",
                                       locks=writes.BranchLocks())
    assert done == writes.MISSING
    assert fake.calls_to("PUT", "/repos/*") == []
    assert story(fake) == STORY_TEXT
