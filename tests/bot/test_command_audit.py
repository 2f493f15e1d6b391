"""Slash commands in the story audit log: an accepted `skip`, `unskip` or `story` writes one line
naming who, the check and why into the PR's story files; a retried command job writes none
again; a refused command writes nothing. Real `issue_comment` payloads, the fake GitHub."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.commands import handler
from tests.bot.conftest import Bot, pr_event
from tests.bot.diffs import new_file, python_module
from tests.bot.test_audit import STORY, STORY_TEXT, entries, shown, story
from tests.bot.test_commands import comment_event, reactions

UNTESTED = new_file("billing/export.py", python_module("export"))
OTHER_STORY = "docs/work/features/billing/stories/BILL-7-invoice-totals-story.md"
REASON = "hotfix for **@bob**, tests follow in BILL-13"


def seed(fake: Any, title: str = "BILL-12: Add invoice export",
         stories: tuple[str, ...] = (STORY,)) -> None:
    """Story files on main (and at the head), a PR by carol that fails `tests`."""
    for path in stories:
        fake.set_file_content(fake.repo, path, STORY_TEXT, ref="main")
    fake.add_pull(fake.repo, 7, title=title, diff=UNTESTED, user="carol",
                  commits=[f"{title}\n\nAdds the export."])
    for path in stories:
        fake.set_file_content(fake.repo, path, STORY_TEXT, ref=fake.pull(fake.repo, 7).head_sha)
    fake.set_permission(fake.repo, "alice", "write")


async def opened(bot: Bot) -> None:
    body = pr_event(bot.fake, "opened", 7)
    for repo in (body["repository"], body["pull_request"]["base"]["repo"]):
        repo["default_branch"] = "main"
    resp = await bot.deliver("pull_request", body)
    assert resp.status == 202, resp.json_body
    await bot.idle()


async def comment(bot: Bot, body: str, user: str = "alice") -> tuple[dict[str, Any],
                                                                       dict[str, Any]]:
    """Post a command comment and deliver it; return the payload and the comment."""
    data, posted = comment_event(bot.fake, 7, body, user=user)
    resp = await bot.deliver("issue_comment", data)
    assert resp.status == 202, resp.json_body
    await bot.idle()
    return data, posted


def command_lines(text: str, word: str) -> list[str]:
    return [line for line in entries(text) if f"· {word}" in shown(line)]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each recorded waiver gets a later time, as a retry minutes later would."""
    times = iter(f"2026-11-22T16:{minute:02d}:00Z" for minute in range(60))
    monkeypatch.setattr(handler, "now_iso", lambda: next(times))
    yield


async def test_a_writers_skip_is_one_line_naming_who_and_why(bot: Bot, clock: None) -> None:
    fake = bot.fake
    seed(fake)
    await opened(bot)
    fake.clear_calls()
    _, skip = await comment(bot, f"/shipshape skip tests {REASON}")
    assert reactions(bot, skip) == ["eyes"]
    # The entry costs the story's GET and PUT: the PR and its stories come from the review.
    calls = [f"{c.method} {c.path}" for c in fake.calls]
    assert calls.count(f"GET /repos/{fake.repo}/pulls/7") == 1
    assert f"GET /repos/{fake.repo}" not in calls
    assert [c for c in calls if STORY in c] == [
        f"GET /repos/{fake.repo}/contents/{STORY}", f"PUT /repos/{fake.repo}/contents/{STORY}"]
    text = story(fake)
    [line] = command_lines(text, "WAIVED")
    assert shown(line).startswith(
        "- 2026-11-22 16:00 UTC · WAIVED `tests` by @alice: hotfix for \\*\\*@bob\\*\\*, "
        'tests follow in BILL-13 · PR #7 "BILL-12: Add invoice export" by @carol · shipshape ')
    # Mentions are defused (nobody is notified), and the key names the command comment.
    assert "@\u200balice" in line and "@\u200bbob" in line and "@bob" not in line
    assert line.endswith(f"<!-- shipshape-audit: pr=7 event=waived comment={skip['id']} "
                         "check=tests -->")
    # The PR's own opened entry is there too, and the rest of the file is untouched.
    assert len(entries(text)) == 2 and text.endswith("## Notes\n\nTalk to finance about "
                                                     "column order.\n")


async def test_a_retried_command_job_writes_no_second_line(bot: Bot, clock: None) -> None:
    fake = bot.fake
    seed(fake)
    await opened(bot)
    data, _ = await comment(bot, f"/shipshape skip tests {REASON}")
    once = story(fake)
    # GitHub redelivers the same comment (a new delivery id): the job runs again, records
    # the waiver at a later time, and finds its line already in the story.
    resp = await bot.deliver("issue_comment", data, delivery="redelivered-1")
    assert resp.status == 202, resp.json_body
    await bot.idle()
    assert story(fake) == once and len(command_lines(once, "WAIVED")) == 1
    writes = [c for c in fake.calls if c.method == "PUT" and c.path.endswith(STORY)]
    assert len(writes) == 2  # opened, waived: the retry read the story and stopped


async def test_unskip_is_a_line_of_its_own(bot: Bot, clock: None) -> None:
    fake = bot.fake
    seed(fake)
    await opened(bot)
    await comment(bot, f"/shipshape skip tests {REASON}")
    _, unskip = await comment(bot, "/shipshape unskip tests")
    [line] = command_lines(story(fake), "WAIVER WITHDRAWN")
    assert shown(line).startswith("- 2026-11-22 16:01 UTC · WAIVER WITHDRAWN `tests` by "
                                  "@alice · PR #7 ")
    assert f"comment={unskip['id']} check=tests -->" in line


async def test_a_story_link_is_a_line_in_the_linked_story_only(bot: Bot, clock: None) -> None:
    fake = bot.fake
    seed(fake, title="BILL-7: Add invoice export", stories=(STORY, OTHER_STORY))
    await opened(bot)
    _, link = await comment(bot, "/shipshape story BILL-12", user="carol")
    assert reactions(bot, link) == ["eyes"]
    [line] = command_lines(story(fake), "STORY LINKED")
    assert shown(line).startswith("- 2026-11-22 16:00 UTC · STORY LINKED by @carol · PR #7 "
                                  '"BILL-7: Add invoice export" by @carol · shipshape ')
    assert f"event=story-linked comment={link['id']} -->" in line
    # BILL-7 has its opened entry and nothing about the link.
    assert command_lines(story(fake, OTHER_STORY), "STORY LINKED") == []
    assert len(entries(story(fake, OTHER_STORY))) == 1


@pytest.mark.parametrize(("body", "user"), [
    (f"/shipshape skip tests {REASON}", "dave"),  # no write access
    ("/shipshape skip commits nothing to waive", "alice"),  # a passing check
    ("/shipshape unskip tests", "alice"),  # no waiver to withdraw
    ("/shipshape story BILL-12", "dave"),  # neither author nor writer
])
async def test_a_refused_command_writes_no_line(bot: Bot, clock: None, body: str,
                                                user: str) -> None:
    fake = bot.fake
    seed(fake)
    await opened(bot)
    before = story(fake)
    _, refused = await comment(bot, body, user=user)
    assert reactions(bot, refused)[-1] == "confused"
    assert story(fake) == before and len(entries(before)) == 1
