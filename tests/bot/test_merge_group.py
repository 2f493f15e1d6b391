"""Merge queue: the real `merge_group` payload in, a completed `shipshape` run on the group's
commit out, against the fake GitHub."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from bot.events.merge_group import pull_number
from bot.publish.check_run import CHECK_NAME
from bot.queue import MERGE_GROUP, Job
from bot.queue.memory import MemoryQueue
from tests.bot.conftest import Bot, payload, pr_event
from tests.bot.diffs import new_file, python_module, python_test
from tests.bot.test_commands import command
from tests.shared import ROOT

CONFIG = ".github/shipshape.yml"
BASE_SHA = "380387fbc80638b734a49e1be1c4dfec1c01b33c"
GROUP_SHA = "2ffea6db159f6b6c47a24e778fb9ef40cf6b1c7d"
TESTED = (new_file("billing/total.py", python_module("total"))
          + new_file("tests/test_total.py", python_test("total")))
UNTESTED = new_file("billing/total.py", python_module("total"))


def group_event(fake: Any, *, action: str = "checks_requested", number: int = 104,
                base: str = "main", head_sha: str = GROUP_SHA,
                base_sha: str = BASE_SHA) -> dict[str, Any]:
    """The real `merge_group.checks_requested` body, pointed at the fake's repository."""
    body = payload("merge_group.checks_requested")
    owner, name = fake.repo.split("/")
    body["repository"].update(full_name=fake.repo, name=name)
    body["repository"]["owner"]["login"] = owner
    body["installation"]["id"] = fake.installation_id
    group = body["merge_group"]
    group.update(head_sha=head_sha, base_sha=base_sha, base_ref=f"refs/heads/{base}",
                 head_ref=f"refs/heads/gh-readonly-queue/{base}/pr-{number}-"
                          "929f8209d40f77f4abc622a499c93a83babdbe64")
    group["head_commit"]["id"] = head_sha
    if action == "destroyed":
        body.update(action="destroyed", reason="dequeued")
    return body


def seed_group(fake: Any, *, diff: str, number: int = 104, base: str = "main",
               title: str = "BILL-12 Invoice totals") -> None:
    """The queued PR and the group's comparison (its changes, its merge commit)."""
    fake.add_pull(fake.repo, number, title=title, diff=diff, commits=["Add invoice totals"],
                  base_ref=base, base_sha=BASE_SHA, head_ref="invoice-totals")
    fake.add_comparison(fake.repo, BASE_SHA, GROUP_SHA, diff=diff,
                        commits=["Add invoice totals",
                                 f"Merge pull request #{number} from octo-org/invoice-totals"])


async def deliver_group(bot: Bot, body: dict[str, Any], status: int = 202) -> Any:
    resp = await bot.deliver("merge_group", body)
    assert resp.status == status, resp.json_body
    await bot.idle()
    return resp


def story_config(extra: str = "") -> str:
    return "story:\n  patterns: ['BILL-\\d+']\n" + extra


async def test_a_merge_group_ends_in_a_completed_run_on_the_group_head(bot: Bot) -> None:
    fake = bot.fake
    seed_group(fake, diff=UNTESTED)
    fake.set_file_content(fake.repo, CONFIG, story_config())
    await deliver_group(bot, group_event(fake))
    [run] = fake.check_runs(fake.repo, GROUP_SHA)
    assert (run["name"], run["status"], run["conclusion"]) == (CHECK_NAME, "completed",
                                                               "failure")
    assert "billing/total.py" in run["output"]["summary"]
    assert {a["path"] for a in run["annotations"]} == {"billing/total.py"}
    # The PR's own head gets nothing new, and no comment or label is written for a group.
    assert fake.check_runs(fake.repo, fake.pull(fake.repo, 104).head_sha) == []
    assert fake.comments(fake.repo, 104) == []
    assert fake.labels(fake.repo, 104) == []
    [compare] = fake.calls_to("GET", "/repos/*/compare/*")
    assert compare.path.endswith(f"/compare/{BASE_SHA}...{GROUP_SHA}")
    [config_read] = fake.calls_to("GET", f"/repos/{fake.repo}/contents/{CONFIG}")
    assert config_read.query["ref"] == "main"
    made = sorted(f"{c.method} {c.path.split('/')[4]}" for c in fake.calls
                  if c.path.startswith(f"/repos/{fake.repo}/"))
    assert made == ["GET compare", "GET contents", "GET git", "GET issues", "GET pulls",
                    "PATCH check-runs", "POST check-runs"]


async def test_the_story_comes_from_the_queued_pr(bot: Bot) -> None:
    fake = bot.fake
    seed_group(fake, diff=TESTED, title="BILL-12 Invoice totals")
    fake.set_file_content(fake.repo, CONFIG, story_config())
    await deliver_group(bot, group_event(fake))
    [run] = fake.check_runs(fake.repo, GROUP_SHA)
    assert run["conclusion"] == "success", run["output"]["summary"]
    assert "BILL-12" in run["output"]["summary"]
    assert fake.calls_to("GET", "/repos/*/pulls/104")


def untested_modules(count: int) -> str:
    return "".join(new_file(f"billing/mod_{i:03d}.py", python_module(f"total_{i}"))
                   for i in range(count))


async def test_a_group_over_githubs_300_files_is_read_as_one_diff(bot: Bot) -> None:
    fake = bot.fake
    seed_group(fake, diff=untested_modules(320))
    fake.diff_max_files = 1000
    await deliver_group(bot, group_event(fake))
    [run] = fake.check_runs(fake.repo, GROUP_SHA)
    assert run["conclusion"] == "failure"
    assert len({a["path"] for a in run["annotations"]}) == 320
    diff_calls = [c for c in fake.calls_to("GET", "/repos/*/compare/*")
                  if "diff" in c.headers.get("accept", "")]
    assert len(diff_calls) == 1


async def test_a_group_github_will_not_diff_is_judged_on_300_files_with_a_notice(bot: Bot
                                                                                ) -> None:
    fake = bot.fake
    seed_group(fake, diff=untested_modules(320))
    await deliver_group(bot, group_event(fake))
    [run] = fake.check_runs(fake.repo, GROUP_SHA)
    assert run["conclusion"] == "failure"
    assert len({a["path"] for a in run["annotations"]}) == 300
    assert "at most 300 changed files" in run["output"]["summary"]


async def test_pass_mode_reports_success_without_reviewing(bot: Bot) -> None:
    fake = bot.fake
    seed_group(fake, diff=UNTESTED)
    fake.set_file_content(fake.repo, CONFIG, "merge_group:\n  mode: pass\n")
    await deliver_group(bot, group_event(fake))
    [run] = fake.check_runs(fake.repo, GROUP_SHA)
    assert (run["status"], run["conclusion"]) == ("completed", "success")
    assert "merge_group.mode: pass" in run["output"]["summary"]
    assert fake.calls_to("GET", "/repos/*/compare/*") == []


async def test_a_failing_github_call_still_ends_in_a_neutral_run(bot: Bot) -> None:
    fake = bot.fake
    seed_group(fake, diff=UNTESTED)
    fake.fail_next("GET", "/repos/*/compare/*", status=404, times=1)
    await deliver_group(bot, group_event(fake))
    [run] = fake.check_runs(fake.repo, GROUP_SHA)
    assert (run["status"], run["conclusion"]) == ("completed", "neutral")
    assert "could not review this merge group" in run["output"]["summary"]


async def test_a_failed_start_still_ends_in_a_completed_run(bot: Bot) -> None:
    fake = bot.fake
    seed_group(fake, diff=UNTESTED)
    fake.fail_next("POST", "/repos/*/check-runs", status=422, times=1)
    await deliver_group(bot, group_event(fake))
    [run] = fake.check_runs(fake.repo, GROUP_SHA)
    assert (run["status"], run["conclusion"]) == ("completed", "neutral")


async def test_an_invalid_config_is_a_neutral_run_naming_the_key(bot: Bot) -> None:
    fake = bot.fake
    seed_group(fake, diff=UNTESTED)
    fake.set_file_content(fake.repo, CONFIG, "merge_group:\n  mode: sometimes\n")
    await deliver_group(bot, group_event(fake))
    [run] = fake.check_runs(fake.repo, GROUP_SHA)
    assert run["conclusion"] == "neutral"
    assert "merge_group.mode" in run["output"]["summary"]


async def test_a_base_branch_with_slashes(bot: Bot) -> None:
    fake = bot.fake
    seed_group(fake, diff=UNTESTED, base="release/2.x", number=57)
    fake.set_file_content(fake.repo, CONFIG, "merge_group:\n  mode: pass\n", ref="release/2.x")
    await deliver_group(bot, group_event(fake, base="release/2.x", number=57))
    [run] = fake.check_runs(fake.repo, GROUP_SHA)
    assert run["conclusion"] == "success"  # the config was read from release/2.x
    [config_read] = fake.calls_to("GET", f"/repos/{fake.repo}/contents/{CONFIG}")
    assert config_read.query["ref"] == "release/2.x"


async def test_a_branch_naming_no_pr_still_gets_a_completed_run(bot: Bot) -> None:
    fake = bot.fake
    seed_group(fake, diff=UNTESTED)
    body = group_event(fake)
    body["merge_group"]["head_ref"] = "refs/heads/gh-readonly-queue/main/something-else"
    await deliver_group(bot, body)
    [run] = fake.check_runs(fake.repo, GROUP_SHA)
    assert (run["status"], run["conclusion"]) == ("completed", "neutral")
    assert "no pull request" in run["output"]["title"]
    assert "does not name a pull request" in run["output"]["summary"]


async def test_destroyed_drops_the_waiting_group_job(bot: Bot) -> None:
    fake = bot.fake
    seed_group(fake, diff=UNTESTED)
    queue = bot.state.queue
    await bot.state.workers.stop(0)  # nothing runs, so the group's job waits
    requested = await bot.deliver("merge_group", group_event(fake))
    assert requested.status == 202
    assert [j.event for j in queue.pending()] == ["merge_group.checks_requested"]
    gone = await bot.deliver("merge_group", group_event(fake, action="destroyed"))
    assert gone.status == 202
    assert "destroyed (dequeued)" in gone.json_body["reason"]
    assert [j.event for j in queue.pending()] == ["merge_group.destroyed"]


async def test_destroyed_alone_writes_nothing(bot: Bot) -> None:
    fake = bot.fake
    seed_group(fake, diff=UNTESTED)
    await deliver_group(bot, group_event(fake, action="destroyed"))
    assert fake.check_runs(fake.repo, GROUP_SHA) == []
    assert [c for c in fake.calls if c.method != "GET"
            and not c.path.endswith("/access_tokens")] == []


async def test_a_group_job_does_not_replace_the_prs_review_job() -> None:
    queue = MemoryQueue()
    review = Job(1, "o/r", 104, "a" * 40, "d1", "pull_request.synchronize")
    group = Job(1, "o/r", 104, GROUP_SHA, "d2", "merge_group.checks_requested",
                kind=MERGE_GROUP, base_sha=BASE_SHA, base_ref="main")
    assert await queue.put(review) == "queued"
    assert await queue.put(group) == "queued"
    assert {j.delivery_id for j in queue.pending()} == {"d1", "d2"}
    assert await queue.is_current(review) and await queue.is_current(group)
    assert Job.from_dict(group.to_dict()) == group


@pytest.mark.parametrize(("ref", "number"), [
    ("refs/heads/gh-readonly-queue/main/pr-104-929f8209d40f77f4abc622a499c93a83babdbe64", 104),
    ("refs/heads/gh-readonly-queue/release/2.x/pr-7-698d5ab6caba2dc23d64be1c1df00f57c9a6b8cb", 7),
    ("refs/heads/gh-readonly-queue/feat/pr-1-x/pr-18479-698d5ab6caba2dc23d64be1c1df00f57", 18479),
    ("refs/heads/gh-readonly-queue/main/some-branch", None),
    ("refs/heads/main", None),
    ("", None),
])
def test_pull_number_from_the_group_branch(ref: str, number: int | None) -> None:
    assert pull_number(ref) == number


def test_the_app_manifest_subscribes_to_merge_groups() -> None:
    manifest = yaml.safe_load((ROOT / "app.yml").read_text())
    assert "merge_group" in manifest["default_events"]
    # FACTS.md: receiving merge_group needs at least read access to "Merge queues".
    assert manifest["default_permissions"]["merge_queues"] in ("read", "write")


async def test_the_prs_waiver_applies_to_its_merge_group(bot: Bot) -> None:
    fake = bot.fake
    seed_group(fake, diff=UNTESTED)
    fake.set_file_content(fake.repo, CONFIG, story_config())
    fake.set_permission(fake.repo, "alice", "write")
    resp = await bot.deliver("pull_request", pr_event(fake, "opened", 104))
    assert resp.status == 202
    await bot.idle()
    await command(bot, "/shipshape skip tests hotfix, tests follow in BILL-13", number=104)
    await deliver_group(bot, group_event(fake))
    [run] = fake.check_runs(fake.repo, GROUP_SHA)
    assert run["conclusion"] == "success", run["output"]["summary"]
    assert "hotfix, tests follow in BILL" in run["output"]["summary"]
