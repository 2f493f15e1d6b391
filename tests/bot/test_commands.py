"""Slash commands end to end: real `issue_comment` payload shapes, signed, against the fake
GitHub; permissions, reactions, replies, waivers that follow the findings, story links, the
recheck limit and the Re-run button."""

from __future__ import annotations

import re
from typing import Any

import pytest

import checks
from bot.app import create_app
from bot.commands.records import read_markers
from checks.model import Finding
from checks.render.escape import escape_markdown
from checks.render.replies import REPLY_MARKER
from checks.waivers import fingerprint
from tests.bot.conftest import Bot, bot_settings, payload, pr_event
from tests.bot.diffs import new_file, python_module

TITLE = "BILL-12: Add invoice total"
TESTS = "Tests changed with the code"
TOTAL = new_file("billing/total.py", python_module("total"))
TAX = new_file("billing/tax.py", python_module("tax"))
NOTES = new_file("docs/notes.md", ["# Notes", "", "Invoice totals round half up."])
DOCUMENTED = ["Add invoice total", "Document invoice rounding"]
WAIVED = escape_markdown("Waived by @alice: hotfix, tests follow in BILL-13 (covers 1 finding)")


def comment_event(fake: Any, number: int, body: str, *, user: str = "alice",
                  kind: str = "User") -> tuple[dict[str, Any], dict[str, Any]]:
    """Post `body` as `user` on the fake PR and build the real `issue_comment.created` body."""
    comment = fake.add_comment(fake.repo, number, body, user=user, kind=kind)
    return comment_payload(fake, number, comment, "created"), comment


def comment_payload(fake: Any, number: int, comment: dict[str, Any], action: str
                    ) -> dict[str, Any]:
    """The real `issue_comment.created` body, about `comment` of the fake PR `number`."""
    body, user, kind = comment["body"], comment["user"]["login"], comment["user"]["type"]
    data = payload("issue_comment.created")
    data["action"] = action
    owner, name = fake.repo.split("/")
    data["repository"].update(full_name=fake.repo, name=name)
    data["repository"]["owner"]["login"] = owner
    data["installation"] = {"id": fake.installation_id, "node_id": "MDIz"}
    data["issue"]["number"] = number
    data["comment"].update(id=comment["id"], body=body, author_association="MEMBER")
    data["comment"]["user"].update(login=user, type=kind)
    return data


async def command(bot: Bot, body: str, *, user: str = "alice", number: int = 7,
                  expect: int = 202) -> dict[str, Any]:
    """Comment `body` on PR `number`, let every job finish; return the comment."""
    data, comment = comment_event(bot.fake, number, body, user=user)
    resp = await bot.deliver("issue_comment", data)
    assert resp.status == expect, resp.json_body
    await bot.idle()
    return comment


async def review(bot: Bot, action: str, number: int = 7) -> None:
    resp = await bot.deliver("pull_request", pr_event(bot.fake, action, number))
    assert resp.status == 202, resp.json_body
    await bot.idle()


def reactions(bot: Bot, comment: dict[str, Any]) -> list[str]:
    return [r["content"] for r in bot.fake.reactions(bot.fake.repo, comment_id=comment["id"])]


def replies(bot: Bot, number: int = 7) -> list[str]:
    return [c["body"] for c in bot.fake.comments(bot.fake.repo, number)
            if c["body"].startswith(REPLY_MARKER)]


def latest_run(bot: Bot, number: int = 7) -> dict[str, Any]:
    head = bot.fake.pull(bot.fake.repo, number).head_sha
    return bot.fake.check_runs(bot.fake.repo, head)[-1]


def check_line(run: dict[str, Any], title: str) -> str:
    """The checklist line of one check in the run's summary."""
    return next(line for line in run["output"]["summary"].splitlines() if f"**{title}**" in line)


async def opened(bot: Bot, diff: str = TOTAL, title: str = TITLE) -> None:
    bot.fake.add_pull(bot.fake.repo, 7, title=title, diff=diff, commits=["Add invoice total"],
                      user="carol")
    await review(bot, "opened")


async def test_a_writer_waives_a_check_for_its_findings_until_a_new_one_appears(
        bot: Bot) -> None:
    fake = bot.fake
    fake.set_permission(fake.repo, "alice", "write")
    await opened(bot)
    assert latest_run(bot)["conclusion"] == "failure"

    skip = await command(bot, "/shipshape skip tests hotfix, tests follow in BILL-13")
    assert reactions(bot, skip) == ["eyes"]
    [reply] = replies(bot)
    [record] = read_markers(reply)
    assert (record.kind, record.check, record.by, record.command_id) == (
        "skip", "tests", "alice", skip["id"])
    assert len(record.fingerprints) == 1 and record.at.endswith("Z")
    run = latest_run(bot)
    assert run["conclusion"] == "success", run["output"]["summary"]
    assert WAIVED in check_line(run, TESTS)
    shown = len(checks.REGISTRY) - 1  # one check is off in this repository's configuration
    assert run["output"]["title"] == f"✅ {shown} of {shown} checks pass; waived: {TESTS}"
    # The annotation of the covered finding says it is waived.
    # (the mention is defused: the annotation does not notify alice)
    assert any("waived by @\u200balice" in a["message"] for a in run["annotations"])

    # A push that changes nothing the waiver covers: still waived.
    fake.push(fake.repo, 7, diff=TOTAL + NOTES, commits=DOCUMENTED)
    await review(bot, "synchronize")
    run = latest_run(bot)
    assert run["conclusion"] == "success", run["output"]["summary"]
    assert WAIVED in check_line(run, TESTS)

    # A push that adds a new finding: fails again, naming only the new one.
    fake.push(fake.repo, 7, diff=TOTAL + TAX, commits=["Add invoice total", "Add invoice tax"])
    await review(bot, "synchronize")
    run = latest_run(bot)
    assert run["conclusion"] == "failure"
    line = check_line(run, TESTS)
    assert "still covers 1 finding" in line and "1 new finding" in line
    flagged = {a["path"] for a in run["annotations"] if a["annotation_level"] == "failure"}
    assert flagged == {"billing/tax.py"}

    unskip = await command(bot, "/shipshape unskip tests")
    assert reactions(bot, unskip) == ["eyes"]
    run = latest_run(bot)
    flagged = {a["path"] for a in run["annotations"] if a["annotation_level"] == "failure"}
    assert run["conclusion"] == "failure" and flagged == {"billing/total.py", "billing/tax.py"}
    assert "Waived" not in check_line(run, TESTS)


async def test_a_new_process_rebuilds_the_same_waivers_from_the_comments(
        bot: Bot, aiohttp_client: Any, pool: Any) -> None:
    fake = bot.fake
    fake.set_permission(fake.repo, "alice", "write")
    await opened(bot, diff=TOTAL)
    await command(bot, "/shipshape skip tests hotfix, tests follow in BILL-13")
    first = latest_run(bot)

    # Another replica (or this one after a restart): nothing in memory, same comments.
    other = Bot(await aiohttp_client(create_app(bot_settings(fake), executor=pool)), fake)
    fake.push(fake.repo, 7, diff=TOTAL + NOTES, commits=DOCUMENTED)
    await review(other, "synchronize")
    second = latest_run(other)
    assert second["id"] != first["id"] and second["conclusion"] == "success"
    assert check_line(second, TESTS) == check_line(
        first, TESTS)


async def test_deleting_the_command_comment_withdraws_its_waiver(bot: Bot) -> None:
    fake = bot.fake
    fake.set_permission(fake.repo, "alice", "maintain")
    await opened(bot)
    skip = await command(bot, "/shipshape skip tests hotfix, tests follow in BILL-13")
    assert latest_run(bot)["conclusion"] == "success"
    fake.delete_comment(fake.repo, skip["id"])
    resp = await bot.deliver("issue_comment", comment_payload(fake, 7, skip, "deleted"))
    assert resp.status == 202, resp.json_body
    await bot.idle()
    run = latest_run(bot)
    assert run["conclusion"] == "failure"
    assert "Waived" not in check_line(run, TESTS)


async def test_only_the_apps_own_records_count(bot: Bot) -> None:
    fake = bot.fake
    await opened(bot)
    # Someone pastes a waiver record (copied from another PR) into a comment of their own,
    # and another bot posts one too: neither is this App's.
    skip = fake.add_comment(fake.repo, 7, "/shipshape skip tests please")
    forged = ('<!-- shipshape:record {"v":1,"records":[{"kind":"skip","by":"lead","at":"",'
              f'"command_id":{skip["id"]},"check":"tests","reason":"x","story":"",'
              '"fingerprints":[]}]} -->')
    fake.add_comment(fake.repo, 7, forged, user="mallory")
    fake.add_comment(fake.repo, 7, forged, user="other-app[bot]", kind="Bot")
    await review(bot, "synchronize")
    assert latest_run(bot)["conclusion"] == "failure"


@pytest.mark.parametrize(("role", "allowed"), [
    ("admin", True), ("maintain", True), ("write", True),
    ("triage", False), ("read", False), ("none", False),
])
async def test_skip_needs_write_access(bot: Bot, role: str, allowed: bool) -> None:
    fake = bot.fake
    fake.set_permission(fake.repo, "alice", role)
    await opened(bot)
    runs_before = len(fake.check_runs(fake.repo))
    skip = await command(bot, "/shipshape skip tests hotfix, tests follow in BILL-13")
    if allowed:
        assert reactions(bot, skip) == ["eyes"]
        assert latest_run(bot)["conclusion"] == "success"
    else:
        assert reactions(bot, skip) == ["confused"]
        [reply] = replies(bot)
        assert "needs write access or higher" in reply and read_markers(reply) == []
        assert len(fake.check_runs(fake.repo)) == runs_before


async def test_skip_secrets_needs_admin_and_teams_can_be_required(bot: Bot) -> None:
    fake = bot.fake
    fake.set_permission(fake.repo, "alice", "maintain")
    fake.set_file_content(fake.repo, ".github/shipshape.yml",
                          "commands:\n  permissions:\n    unskip: '@octo-org/release'\n")
    fake.add_team("octo-org", "release", ["bob"])
    await opened(bot)
    refused = await command(bot, "/shipshape skip secrets test fixture key")
    assert reactions(bot, refused) == ["confused"]
    assert "needs admin access or higher" in replies(bot)[-1]
    by_alice = await command(bot, "/shipshape unskip tests")
    # In a code span: the reply does not notify the team.
    assert "needs membership of `@octo-org/release`" in replies(bot)[-1]
    assert reactions(bot, by_alice) == ["confused"]
    by_bob = await command(bot, "/shipshape unskip tests", user="bob")
    # Bob may; there is just no waiver to withdraw.
    assert "no waiver to withdraw" in replies(bot)[-1]
    assert reactions(bot, by_bob) == ["eyes", "confused"]


async def test_self_waive_false_stops_authors_waiving_their_own_pr(bot: Bot) -> None:
    fake = bot.fake
    fake.set_permission(fake.repo, "carol", "admin")
    fake.set_file_content(fake.repo, ".github/shipshape.yml", "commands:\n  self_waive: false\n")
    await opened(bot)
    skip = await command(bot, "/shipshape skip tests mine", user="carol")
    assert reactions(bot, skip) == ["confused"]
    assert "own pull requests" in replies(bot)[-1]


async def test_skip_on_a_passing_check_is_refused(bot: Bot) -> None:
    fake = bot.fake
    fake.set_permission(fake.repo, "alice", "write")
    await opened(bot)
    skip = await command(bot, "/shipshape skip migrations nothing here")
    assert reactions(bot, skip) == ["eyes", "confused"]
    [reply] = replies(bot)
    assert "nothing to waive" in reply and read_markers(reply) == []


@pytest.mark.parametrize("body", [
    "```\n/shipshape skip tests hotfix\n```",
    "Try `/shipshape recheck` next time.",
    "> /shipshape skip tests hotfix\n\nWhy would we do that?",
])
async def test_code_and_quotes_are_not_commands(bot: Bot, body: str) -> None:
    await opened(bot)
    bot.fake.clear_calls()
    comment = await command(bot, body, expect=200)
    assert reactions(bot, comment) == [] and replies(bot) == []
    assert bot.fake.calls == []


async def test_bots_are_never_obeyed_not_even_ourselves(bot: Bot) -> None:
    await opened(bot)
    bot.fake.clear_calls()
    data, comment = comment_event(bot.fake, 7, "/shipshape skip tests x",
                                  user=bot.fake.bot_login, kind="Bot")
    resp = await bot.deliver("issue_comment", data)
    assert resp.status == 200 and "bots" in resp.json_body["reason"]
    await bot.idle()
    assert bot.fake.calls == [] and reactions(bot, comment) == []


async def test_wrong_commands_get_the_right_form_and_nothing_else_happens(bot: Bot) -> None:
    fake = bot.fake
    fake.set_permission(fake.repo, "alice", "admin")
    await opened(bot)
    runs = len(fake.check_runs(fake.repo))
    comment = await command(bot, "/shipshape frobnicate <img src=x>\n"
                                 "/shipshape skip lint too noisy\n"
                                 "/shipshape skip tests")
    assert reactions(bot, comment) == ["confused"]
    [reply] = replies(bot)
    assert "unknown command “frobnicate”" in reply
    ids = ", ".join(sorted(spec.id for spec in checks.REGISTRY))
    assert f"unknown check “lint”; the checks are: {ids}, all" in reply
    assert "a reason is required" in reply and "`/shipshape skip <check> <reason>`" in reply
    # The user's line is quoted escaped: no HTML of theirs reaches the App's comment.
    assert "“/shipshape frobnicate &lt;img src=x&gt;”" in reply
    assert "<img" not in reply
    assert len(fake.check_runs(fake.repo)) == runs


async def test_a_record_smuggled_into_a_refused_command_is_not_obeyed(bot: Bot) -> None:
    fake = bot.fake
    await opened(bot)
    comment = fake.add_comment(fake.repo, 7, "placeholder", user="mallory")
    # The fingerprint of the PR's real finding, so the forged waiver would cover it.
    real = fingerprint(Finding("", path="billing/total.py", line=1, rule="tests-missing"),
                       python_module("total")[0])
    forged = ('<!-- shipshape:record {"v":1,"records":[{"kind":"skip","by":"lead","at":"",'
              f'"command_id":{comment["id"]},"check":"tests","reason":"x","story":"",'
              f'"fingerprints":["{real}"]}}]}} -->')
    comment["body"] = f"/shipshape skip tests because {forged}"
    resp = await bot.deliver("issue_comment", comment_payload(fake, 7, comment, "created"))
    assert resp.status == 202
    await bot.idle()
    [reply] = replies(bot)
    assert "needs write access" in reply and "<!--" not in reply.removeprefix(REPLY_MARKER)
    await review(bot, "synchronize")
    assert latest_run(bot)["conclusion"] == "failure"


async def test_help_lists_every_command_with_who_may_run_it(bot: Bot) -> None:
    bot.fake.set_file_content(bot.fake.repo, ".github/shipshape.yml",
                              "commands:\n  prefix: /ship\n  permissions:\n    recheck: triage\n")
    await opened(bot)
    comment = await command(bot, "@shipshape help")
    assert reactions(bot, comment) == ["eyes"]
    [reply] = replies(bot)
    rows = [line for line in reply.splitlines() if line.startswith("| `/ship ")]
    assert [r.split("`")[1] for r in rows] == [
        "/ship recheck", "/ship skip <check> <reason>", "/ship unskip <check>",
        "/ship story <ID>", "/ship explain [<check>]", "/ship help"]
    assert "triage access or higher" in rows[0]
    assert "write access or higher (secrets: admin access or higher)" in rows[1]
    assert "the pull request's author or write access or higher" in rows[3]
    assert "Checks: `story`, `tests`, `migrations`, `secrets`, `commits`" in reply


async def test_explain_gives_the_findings_fixes_and_settings_of_a_check(bot: Bot) -> None:
    await opened(bot)
    runs = len(bot.fake.check_runs(bot.fake.repo))
    comment = await command(bot, "/shipshape explain tests")
    assert reactions(bot, comment) == ["eyes"]
    [reply] = replies(bot)
    assert "billing/total.py:1" in reply and "tests-missing" in reply
    assert "**How to fix:** Add or update the tests of each changed source file" in reply
    assert "`tests.enabled`" in reply and "`tests.level`" in reply
    # Explaining changes nothing: no new check run.
    assert len(bot.fake.check_runs(bot.fake.repo)) == runs
    await command(bot, "/shipshape explain")
    overview = replies(bot)[-1]
    assert all(f"(`{c}`)" in overview for c in ("story", "tests", "migrations", "secrets",
                                                 "commits"))


async def test_story_links_the_pr_for_its_author(bot: Bot) -> None:
    await opened(bot, title="Add invoice total")
    assert latest_run(bot)["conclusion"] == "failure"
    story = await command(bot, "/shipshape story BILL-77", user="carol")
    assert reactions(bot, story) == ["eyes"]
    [record] = read_markers(replies(bot)[-1])
    assert (record.kind, record.story, record.by) == ("story", "BILL-77", "carol")
    line = check_line(latest_run(bot), "Story ID referenced")
    assert escape_markdown("Found BILL-77 (story command)") in line
    stranger = await command(bot, "/shipshape story BILL-78", user="dave")
    assert reactions(bot, stranger) == ["confused"]


async def test_recheck_is_limited_per_pr(bot: Bot) -> None:
    await opened(bot)
    runs = len(bot.fake.check_runs(bot.fake.repo))
    first = await command(bot, "/shipshape recheck", user="dave")
    assert reactions(bot, first) == ["eyes"]
    assert len(bot.fake.check_runs(bot.fake.repo)) == runs + 1
    second = await command(bot, "/shipshape recheck", user="erin")
    assert reactions(bot, second) == ["confused"]
    assert "rechecked moments ago" in replies(bot)[-1]
    assert len(bot.fake.check_runs(bot.fake.repo)) == runs + 1
    state = bot.state.services.commands
    state.clock = lambda: 1e12  # a minute later (and more)
    third = await command(bot, "/shipshape RECHECK", user="erin")
    assert reactions(bot, third) == ["eyes"]
    assert len(bot.fake.check_runs(bot.fake.repo)) == runs + 2


async def test_the_re_run_button_reviews_the_head_again(bot: Bot) -> None:
    fake = bot.fake
    await opened(bot)
    run = latest_run(bot)
    assert run["actions"] == [{"label": "Re-run", "description": "Review this commit again",
                               "identifier": "rerun"}]
    data = payload("check_run.requested_action")
    data["repository"].update(full_name=fake.repo)
    data["installation"] = {"id": fake.installation_id, "node_id": "MDIz"}
    data["check_run"].update(id=run["id"], name="shipshape", head_sha=run["head_sha"],
                             pull_requests=[{"number": 7, "head": {"sha": run["head_sha"]}}])
    data["check_run"]["app"]["id"] = fake.app_id
    data["requested_action"] = {"identifier": "rerun"}
    resp = await bot.deliver("check_run", data)
    assert resp.status == 202, resp.json_body
    await bot.idle()
    again = latest_run(bot)
    assert again["id"] != run["id"] and again["status"] == "completed"


def run_ids(path: str) -> str:
    return re.sub(r"/check-runs/\d+", "/check-runs/{id}", path)


async def test_a_skip_costs_at_most_three_calls_beyond_its_review(bot: Bot) -> None:
    fake = bot.fake
    fake.set_permission(fake.repo, "alice", "write")
    await opened(bot)
    await command(bot, "/shipshape unskip tests")  # learns the slug and alice's role
    fake.clear_calls()
    skip = await command(bot, "/shipshape skip tests hotfix, tests follow in BILL-13")
    with_command = [(c.method, run_ids(c.path)) for c in fake.calls]
    fake.push(fake.repo, 7, diff=TOTAL + NOTES, commits=DOCUMENTED)
    fake.clear_calls()
    await review(bot, "synchronize")
    plain = {(c.method, run_ids(c.path)) for c in fake.calls}
    # A review that starts from a check_run event GETs the PR too; a new head's tree is read.
    review_calls = plain | {("GET", f"/repos/{fake.repo}/pulls/7")}
    extra = [call for call in with_command if call not in review_calls]
    assert extra == [("POST", f"/repos/{fake.repo}/issues/comments/{skip['id']}/reactions"),
                     ("POST", f"/repos/{fake.repo}/issues/7/comments")]
    assert not any(p.endswith("/permission") for _, p in with_command)  # cached


async def test_skip_all_waives_each_failing_check_for_an_admin(bot: Bot) -> None:
    fake = bot.fake
    fake.set_permission(fake.repo, "root", "admin")
    fake.set_permission(fake.repo, "alice", "write")
    await opened(bot, title="Add invoice total")  # no story id, no tests
    refused = await command(bot, "/shipshape skip all release day")
    assert reactions(bot, refused) == ["confused"]
    assert "needs admin access or higher" in replies(bot)[-1]
    accepted = await command(bot, "/shipshape skip all release day", user="root")
    assert reactions(bot, accepted) == ["eyes"]
    records = read_markers(replies(bot)[-1])
    assert sorted(r.check for r in records) == ["story", "tests"]
    run = latest_run(bot)
    assert run["conclusion"] == "success"
    assert "Waived by @\u200broot: release day" in check_line(run, "Story ID referenced")
    unskip = await command(bot, "/shipshape unskip all", user="alice")
    assert reactions(bot, unskip) == ["eyes"]
    assert latest_run(bot)["conclusion"] == "failure"


async def test_an_invalid_configuration_refuses_commands_and_says_why(bot: Bot) -> None:
    fake = bot.fake
    fake.set_file_content(fake.repo, ".github/shipshape.yml",
                          "commands:\n  permissions:\n    skip: everyone\n")
    await opened(bot)
    comment = await command(bot, "/shipshape help")
    assert reactions(bot, comment) == ["confused"]
    [reply] = replies(bot)
    assert "configuration is invalid" in reply and "commands.permissions.skip" in reply


async def test_deleting_the_apps_record_reply_withdraws_the_waiver_too(bot: Bot) -> None:
    fake = bot.fake
    fake.set_permission(fake.repo, "alice", "write")
    await opened(bot)
    await command(bot, "/shipshape skip tests hotfix, tests follow in BILL-13")
    assert latest_run(bot)["conclusion"] == "success"
    [reply] = [c for c in fake.comments(fake.repo, 7) if c["body"].startswith(REPLY_MARKER)]
    fake.delete_comment(fake.repo, reply["id"])
    resp = await bot.deliver("issue_comment", comment_payload(fake, 7, reply, "deleted"))
    assert resp.status == 202, resp.json_body
    await bot.idle()
    assert latest_run(bot)["conclusion"] == "failure"
