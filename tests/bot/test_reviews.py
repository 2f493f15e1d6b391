"""End to end: signed real payloads in, check run + checklist comment out, via the fake GitHub."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from bot.publish import check_run
from bot.publish.check_run import CHECK_NAME
from bot.publish.comment import CommentCache
from checks.render.markdown import COMMENT_MARKER
from tests.bot.conftest import Bot, payload, pr_event
from tests.bot.diffs import modified_file, new_file, python_module, python_test

CONFIG = ".github/shipshape.yml"


def untested_modules(count: int, prefix: str = "billing") -> str:
    """A PR adding `count` source modules and no tests: the tests check flags each file."""
    return "".join(new_file(f"{prefix}/mod_{i:03d}.py", python_module(f"total_{i}"))
                   for i in range(count))


def writes(bot: Bot) -> list[str]:
    return [f"{c.method} {c.path}" for c in bot.fake.calls if c.method != "GET"
            and not c.path.endswith("/access_tokens")]


async def review(bot: Bot, action: str, number: int, **kw: object) -> None:
    resp = await bot.deliver("pull_request", pr_event(bot.fake, action, number, **kw))
    assert resp.status == 202, resp.json_body
    await bot.idle()


async def test_pr_with_findings_gets_a_failing_run_with_all_annotations(bot: Bot) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 7, title="Add invoice modules", diff=untested_modules(120),
                  commits=["Add invoice modules"])
    await review(bot, "opened", 7)
    [run] = fake.check_runs(fake.repo)
    assert run["name"] == CHECK_NAME
    assert run["head_sha"] == fake.pull(fake.repo, 7).head_sha
    assert (run["status"], run["conclusion"]) == ("completed", "failure")
    created = [c for c in fake.calls if c.method == "POST" and c.path.endswith("/check-runs")]
    assert created[0].json["status"] == "in_progress"
    assert run["output"]["summary"].startswith(COMMENT_MARKER)
    annotations = run["annotations"]
    assert len(annotations) > 50
    assert {a["path"] for a in annotations} <= {f"billing/mod_{i:03d}.py" for i in range(120)}
    patches = [c for c in fake.calls if c.method == "PATCH" and "/check-runs/" in c.path]
    assert all(len(c.json["output"].get("annotations", [])) <= 50 for c in patches)
    assert len(patches) == -(-len(annotations) // 50)
    assert "conclusion" in patches[-1].json and "conclusion" not in patches[0].json[
        "output"] and all("conclusion" not in c.json for c in patches[:-1])
    [comment] = fake.comments(fake.repo, 7)
    assert comment["body"] == run["output"]["summary"]


async def test_comment_is_created_once_then_edited_on_the_next_push(bot: Bot) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 8, title="Totals", diff=untested_modules(2),
                  commits=["Add totals"])
    await review(bot, "opened", 8)
    [first] = fake.comments(fake.repo, 8)
    fake.push(fake.repo, 8, diff=untested_modules(2) + new_file(
        "tests/test_mod_000.py", python_test("total_0")), commits=["Add totals", "Test totals"])
    fake.clear_calls()
    await review(bot, "synchronize", 8)
    [edited] = fake.comments(fake.repo, 8)
    assert edited["id"] == first["id"]
    assert edited["body"] != first["body"]
    assert [w for w in writes(bot) if "/comments" in w] == [
        f"PATCH /repos/{fake.repo}/issues/comments/{first['id']}"]
    runs = fake.check_runs(fake.repo)
    assert len(runs) == 2  # one per head


async def test_nothing_is_written_when_nothing_changed(bot: Bot) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 9, title="Totals", diff=untested_modules(1), commits=["Add totals"])
    await review(bot, "opened", 9)
    assert len(fake.calls_to("GET", "/repos/*/git/trees/*")) == 1  # the story check reads it
    fake.clear_calls()
    # An edit of the body that changes no finding: the same report, so no write at all.
    event = pr_event(fake, "edited", 9, changes={"body": {"from": ""}})
    event["pull_request"]["body"] = "Adds the totals module."
    resp = await bot.deliver("pull_request", event)
    assert resp.status == 202
    await bot.idle()
    assert writes(bot) == []
    assert len(fake.comments(fake.repo, 9)) == 1
    assert fake.calls_to("GET", "/repos/*/git/trees/*") == []  # cached by tree sha


async def test_comment_found_by_marker_is_not_touched_when_unchanged(
        bot: Bot, fake_github: object) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 10, title="Totals", diff=untested_modules(1),
                  commits=["Add totals"])
    fake.add_comment(fake.repo, 10, f"{COMMENT_MARKER}\nquoted by a human", user="mallory")
    await review(bot, "opened", 10)
    bot.state.services.comments = type(bot.state.services.comments)()  # a restarted process
    fake.clear_calls()
    await review(bot, "reopened", 10)
    assert [w for w in writes(bot) if "/comments" in w] == []
    bodies = [c["body"] for c in fake.comments(fake.repo, 10)]
    assert len(bodies) == 2 and bodies[0].endswith("quoted by a human")


async def test_redelivery_of_the_same_event_adds_no_second_comment(bot: Bot) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 11, title="Totals", diff=untested_modules(1),
                  commits=["Add totals"])
    event = pr_event(fake, "opened", 11)
    for _ in range(3):
        await bot.deliver("pull_request", event, delivery="d5c1b9a0-7b4e-11ee-8c5a")
    await bot.idle()
    assert len(fake.comments(fake.repo, 11)) == 1
    assert len(fake.check_runs(fake.repo)) == 1


async def test_a_stale_head_never_overwrites_a_newer_one(bot: Bot) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 12, title="Totals", diff=untested_modules(1, "old"),
                  commits=["Add totals"])
    old_head = fake.pull(fake.repo, 12).head_sha
    fake.delay = 0.1
    await bot.deliver("pull_request", pr_event(fake, "opened", 12))
    async def old_run_started() -> None:
        while not fake.check_runs(fake.repo, old_head):
            await asyncio.sleep(0.01)
    await asyncio.wait_for(old_run_started(), 10)
    fake.push(fake.repo, 12, diff=untested_modules(1, "new"), commits=["Add totals", "Move"])
    new_head = fake.pull(fake.repo, 12).head_sha
    await bot.deliver("pull_request", pr_event(fake, "synchronize", 12))
    await bot.idle()
    fake.delay = 0.0
    [old_run] = fake.check_runs(fake.repo, old_head)
    [new_run] = fake.check_runs(fake.repo, new_head)
    assert old_run["conclusion"] == "cancelled"
    assert new_run["conclusion"] == "failure"
    [comment] = fake.comments(fake.repo, 12)
    assert "new/mod_000.py" in comment["body"] and "old/mod_000.py" not in comment["body"]
    # The old head's event arriving again (late) is refused, not reviewed.
    late = pr_event(fake, "opened", 12)
    late["pull_request"]["head"]["sha"] = old_head
    resp = await bot.deliver("pull_request", late)
    assert resp.status == 200 and "older head" in resp.json_body["reason"]


async def test_files_and_commits_beyond_one_page(bot: Bot) -> None:
    fake = bot.fake
    files = [{"filename": f"billing/mod_{i:03d}.py", "status": "added",
              "patch": "@@ -0,0 +1,2 @@\n+from decimal import Decimal\n+RATE = Decimal(1)"}
             for i in range(350)]
    commits = [f"Add billing module {i}" for i in range(120)]
    fake.add_pull(fake.repo, 13, title="Billing modules", files=files, commits=commits)
    await review(bot, "opened", 13)
    pages = sorted(int(c.query["page"]) for c in fake.calls if c.path.endswith("/13/files"))
    assert pages == [1, 2, 3, 4]
    commit_pages = sorted(int(c.query["page"]) for c in fake.calls
                          if c.path.endswith("/13/commits"))
    assert commit_pages == [1, 2]
    assert not [c for c in fake.calls if "diff" in c.headers.get("accept", "")]
    [run] = fake.check_runs(fake.repo)
    assert run["status"] == "completed"


async def test_too_large_diff_falls_back_to_the_files_list_with_a_note(bot: Bot) -> None:
    fake = bot.fake
    fake.diff_max_lines = 500
    fake.add_pull(fake.repo, 14, title="Billing", diff=untested_modules(150),
                  commits=["Add billing"])
    await review(bot, "opened", 14)
    diff_calls = [c for c in fake.calls if "diff" in c.headers.get("accept", "")]
    assert [c.status for c in diff_calls] == [406]
    assert len([c for c in fake.calls if c.path.endswith("/14/files")]) == 2
    [run] = fake.check_runs(fake.repo)
    assert run["conclusion"] == "failure"
    assert "too large" in run["output"]["summary"]
    assert "too large" in fake.comments(fake.repo, 14)[0]["body"]


async def test_invalid_config_gives_a_neutral_run_naming_the_key(bot: Bot) -> None:
    fake = bot.fake
    fake.set_file_content(fake.repo, CONFIG, "tests:\n  level: maybe\n", ref="main")
    fake.add_pull(fake.repo, 15, title="Totals", diff=untested_modules(1),
                  commits=["Add totals"])
    await review(bot, "opened", 15)
    [run] = fake.check_runs(fake.repo)
    assert run["conclusion"] == "neutral"
    assert "tests.level" in run["output"]["summary"]
    assert "Configuration" in run["output"]["title"]
    assert fake.comments(fake.repo, 15) == []


async def test_config_is_read_from_the_base_branch_and_edits_get_a_notice(bot: Bot) -> None:
    fake = bot.fake
    fake.set_file_content(fake.repo, CONFIG, "tests:\n  level: fail\n", ref="main")
    weaker = "tests: false\n"
    fake.add_pull(fake.repo, 16, title="Totals",
                  diff=untested_modules(1) + modified_file(CONFIG, ["tests:", "  level: fail"],
                                                           ["tests: false"]),
                  commits=["Add totals, switch off tests"])
    fake.set_file_content(fake.repo, CONFIG, weaker, ref=fake.pull(fake.repo, 16).head_sha)
    await review(bot, "opened", 16)
    [run] = fake.check_runs(fake.repo)
    assert run["conclusion"] == "failure"  # the PR's own config did not switch the check off
    reads = [c for c in fake.calls if c.path == f"/repos/{fake.repo}/contents/{CONFIG}"]
    assert [c.query.get("ref") for c in reads] == ["main"]
    assert f"edits {CONFIG}" in run["output"]["summary"].replace("\\", "")


async def test_draft_pr_is_reviewed_with_a_neutral_run(bot: Bot) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 17, title="WIP totals", diff=untested_modules(1), draft=True,
                  commits=["Add totals"])
    await review(bot, "opened", 17)
    [run] = fake.check_runs(fake.repo)
    assert run["conclusion"] == "neutral"
    assert run["output"]["title"].startswith("Draft")


async def test_draft_skip_setting(bot: Bot) -> None:
    fake = bot.fake
    fake.set_file_content(fake.repo, CONFIG, "draft: skip\n", ref="main")
    fake.add_pull(fake.repo, 18, title="WIP", diff=untested_modules(1), draft=True,
                  commits=["Add totals"])
    await review(bot, "opened", 18)
    [run] = fake.check_runs(fake.repo)
    assert run["conclusion"] == "skipped"
    assert fake.comments(fake.repo, 18) == []


async def test_size_label_when_enabled(bot: Bot) -> None:
    fake = bot.fake
    fake.set_file_content(fake.repo, CONFIG, "size_label: true\n", ref="main")
    fake.add_pull(fake.repo, 19, title="Totals", diff=untested_modules(1),
                  commits=["Add totals"])
    await review(bot, "opened", 19)
    assert fake.labels(fake.repo, 19) == ["size/XS"]
    fake.push(fake.repo, 19, diff=untested_modules(20), commits=["Add totals", "More"])
    await review(bot, "synchronize", 19)
    assert fake.labels(fake.repo, 19) == ["size/L"]


async def test_rerequested_check_run_reviews_that_head_again(bot: Bot) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 20, title="Totals", diff=untested_modules(1),
                  commits=["Add totals"])
    await review(bot, "opened", 20)
    head = fake.pull(fake.repo, 20).head_sha
    event = payload("check_run.rerequested")
    event["installation"]["id"] = fake.installation_id
    event["repository"]["full_name"] = fake.repo
    event["check_run"].update(name=CHECK_NAME, head_sha=head)
    event["check_run"]["app"]["id"] = fake.app_id  # our own run
    event["check_run"]["pull_requests"] = [{"number": 20, "head": {"sha": head}}]
    resp = await bot.deliver("check_run", event)
    assert resp.status == 202
    await bot.idle()
    runs = fake.check_runs(fake.repo, head)
    assert [r["conclusion"] for r in runs] == ["failure", "failure"]


async def test_check_suite_rerequested(bot: Bot) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 2, title="Totals", diff=untested_modules(1),
                  commits=["Add totals"])
    head = fake.pull(fake.repo, 2).head_sha
    event = payload("check_suite.rerequested")
    event["installation"]["id"] = fake.installation_id
    event["repository"]["full_name"] = fake.repo
    event["check_suite"]["head_sha"] = head
    event["check_suite"]["app"]["id"] = fake.app_id
    event["check_suite"]["pull_requests"][0]["head"]["sha"] = head
    resp = await bot.deliver("check_suite", event)
    assert resp.status == 202
    await bot.idle()
    assert [r["conclusion"] for r in fake.check_runs(fake.repo, head)] == ["failure"]


async def test_server_error_is_retried(bot: Bot) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 21, title="Totals", diff=untested_modules(1),
                  commits=["Add totals"])
    fake.fail_next("GET", "/repos/*/pulls/21/files", status=502)
    await review(bot, "opened", 21)
    assert [c.status for c in fake.calls if c.path.endswith("/21/files")] == [502, 200]
    [run] = fake.check_runs(fake.repo)
    assert run["conclusion"] == "failure"


async def test_secondary_rate_limit_honours_retry_after(bot: Bot) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 22, title="Totals", diff=untested_modules(1),
                  commits=["Add totals"])
    retry_after = 1
    fake.secondary_rate_limit_next("POST", "/repos/*/issues/22/comments", retry_after=retry_after)
    started = time.perf_counter()
    await review(bot, "opened", 22)
    assert time.perf_counter() - started >= retry_after  # it waited; a wait, not a budget
    posts = [c.status for c in fake.calls if c.method == "POST" and c.path.endswith("/comments")]
    assert posts == [403, 201]
    assert len(fake.comments(fake.repo, 22)) == 1
    metrics = await (await bot.client.get("/metrics")).text()
    assert 'shipshape_github_retries_total{reason="rate_limit"} 1.0' in metrics


async def test_annotations_left_out_are_named_in_the_summary_and_the_comment_alike(
        bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check_run, "MAX_ANNOTATIONS", 60)  # so 120 modules cross the cap
    fake = bot.fake
    fake.add_pull(fake.repo, 27, title="Add invoice modules", diff=untested_modules(120),
                  commits=["Add invoice modules"])
    await review(bot, "opened", 27)
    [run] = fake.check_runs(fake.repo)
    [posted] = fake.comments(fake.repo, 27)
    note = "60 more annotations were not attached (shipshape attaches at most 60)."
    assert len(run["annotations"]) == 60
    assert run["output"]["summary"].rstrip().endswith(note)
    assert posted["body"].rstrip().endswith(note)
    assert posted["body"] == run["output"]["summary"]
    assert "… and 110 more" in posted["body"]  # the findings the checklist does not list


async def test_expired_installation_token_is_renewed(bot: Bot) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 23, title="Totals", diff=untested_modules(1),
                  commits=["Add totals"])
    await review(bot, "opened", 23)
    fake.expire_tokens()
    fake.push(fake.repo, 23, diff=untested_modules(2), commits=["Add totals", "More"])
    await review(bot, "synchronize", 23)
    tokens = [c for c in fake.calls if c.path.endswith("/access_tokens")]
    assert len(tokens) == 2
    assert 401 in [c.status for c in fake.calls]
    assert len(fake.check_runs(fake.repo)) == 2
    assert all(r["status"] == "completed" for r in fake.check_runs(fake.repo))


async def test_token_is_cached_across_events(bot: Bot) -> None:
    fake = bot.fake
    for number in (24, 25):
        fake.add_pull(fake.repo, number, title="Totals", diff=untested_modules(1),
                      commits=["Add totals"])
        await review(bot, "opened", number)
    assert len([c for c in fake.calls if c.path.endswith("/access_tokens")]) == 1


async def test_an_edit_that_changes_the_result_gets_a_fresh_run_on_the_same_head(
        bot: Bot) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 26, title="Totals", diff=untested_modules(1),
                  commits=["Add totals"])
    await review(bot, "opened", 26)
    [before] = fake.comments(fake.repo, 26)
    event = pr_event(fake, "edited", 26, changes={"body": {"from": ""}})
    event["pull_request"]["body"] = "Implements BILL-12 (invoice totals)."
    resp = await bot.deliver("pull_request", event)
    assert resp.status == 202
    await bot.idle()
    head = fake.pull(fake.repo, 26).head_sha
    old, new = fake.check_runs(fake.repo, head)
    assert old["output"]["summary"] == before["body"]
    assert new["output"]["summary"] != old["output"]["summary"]
    assert len(new["annotations"]) == len(old["annotations"])  # not appended twice
    [after] = fake.comments(fake.repo, 26)
    assert after["id"] == before["id"] and after["body"] == new["output"]["summary"]


async def test_repository_tree_is_read_only_when_a_check_needs_it(bot: Bot) -> None:
    fake = bot.fake
    # story and api-docs read the tree (story files; whether the repository keeps API docs).
    fake.set_file_content(fake.repo, CONFIG, "story: false\napi-docs: false\n", ref="main")
    fake.add_pull(fake.repo, 27, title="Totals", diff=untested_modules(1),
                  commits=["Add totals"])
    await review(bot, "opened", 27)
    assert fake.calls_to("GET", "/repos/*/git/trees/*") == []
    [run] = fake.check_runs(fake.repo)
    assert run["conclusion"] == "failure"


async def test_comment_setting_off_leaves_only_the_check_run(bot: Bot) -> None:
    fake = bot.fake
    fake.set_file_content(fake.repo, CONFIG, "comment: false\nwarn_conclusion: success\n",
                          ref="main")
    fake.add_pull(fake.repo, 28, title="Totals", diff=untested_modules(1),
                  commits=["Add totals"])
    await review(bot, "opened", 28)
    assert fake.comments(fake.repo, 28) == []
    [run] = fake.check_runs(fake.repo)
    assert run["conclusion"] == "failure"
    metrics = await (await bot.client.get("/metrics")).text()
    assert 'shipshape_github_calls_total{method="PATCH",status="200"} 1.0' in metrics
    assert 'shipshape_jobs_total{outcome="failure"} 1.0' in metrics
    assert "shipshape_jobs_running 0.0" in metrics


async def test_an_uninstalled_installation_loses_its_cached_token(bot: Bot) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 40, title="Totals", diff=untested_modules(1),
                  commits=["Add totals"])
    await review(bot, "opened", 40)
    removed = payload("installation.deleted")
    removed["installation"]["id"] = fake.installation_id
    resp = await bot.deliver("installation", removed)
    assert resp.status == 200
    # Installed again (same id here): the old token must not be used any more.
    fake.push(fake.repo, 40, diff=untested_modules(2), commits=["Add totals", "More"])
    await review(bot, "synchronize", 40)
    assert len(fake.calls_to("POST", "/app/installations/*/access_tokens")) == 2


def rerequested_run(bot: Bot, number: int, head: str) -> dict[str, object]:
    """The real check_run.rerequested body for our own run on `head` of PR `number`."""
    event = payload("check_run.rerequested")
    event["installation"]["id"] = bot.fake.installation_id
    event["repository"]["full_name"] = bot.fake.repo
    event["check_run"].update(name=CHECK_NAME, head_sha=head)
    event["check_run"]["app"]["id"] = bot.fake.app_id
    event["check_run"]["pull_requests"] = [{"number": number, "head": {"sha": head}}]
    return event


async def test_a_pull_request_that_is_gone_is_dropped_quietly(
        bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 41, title="Totals", diff=untested_modules(1),
                  commits=["Add totals"])
    head = fake.pull(fake.repo, 41).head_sha
    with caplog.at_level(logging.INFO, logger="shipshape"):
        # A Re-run for a PR GitHub no longer has (deleted with its fork, or transferred).
        resp = await bot.deliver("check_run", rerequested_run(bot, 4141, head))
        assert resp.status == 202
        await bot.idle()
    [job] = [r for r in caplog.records if r.getMessage() == "job"]
    assert job.fields["outcome"] == "gone" and job.levelno == logging.INFO
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    metrics = await (await bot.client.get("/metrics")).text()
    assert 'shipshape_jobs_total{outcome="gone"} 1.0' in metrics


async def test_a_push_while_the_comment_is_being_found_never_lets_the_old_result_in(
        bot: Bot) -> None:
    fake = bot.fake
    number = 42
    fake.add_pull(fake.repo, number, title="Totals", diff=untested_modules(1, "old"),
                  commits=["Add totals"])
    await review(bot, "opened", number)
    [comment] = fake.comments(fake.repo, number)
    bot.state.services.comments = CommentCache()  # a restarted process: it must list comments
    fake.push(fake.repo, number, diff=untested_modules(1, "mid"), commits=["Add totals", "Mid"])

    async def newer_push() -> None:  # lands between the job's last head check and its write
        fake.push(fake.repo, number, diff=untested_modules(1, "new"),
                  commits=["Add totals", "Mid", "New"])
        resp = await bot.deliver("pull_request", pr_event(fake, "synchronize", number))
        assert resp.status == 202

    fake.on_call("GET", f"/repos/*/issues/{number}/comments", newer_push)
    fake.clear_calls()
    await review(bot, "synchronize", number)
    await bot.idle()
    edits = [c.json["body"] for c in fake.calls
             if c.method == "PATCH" and c.path.endswith(f"/comments/{comment['id']}")]
    assert edits and all("new/mod_000.py" in body for body in edits), edits
    [final] = fake.comments(fake.repo, number)
    assert "new/mod_000.py" in final["body"] and "mid/mod_000.py" not in final["body"]


@pytest.mark.parametrize("written", [True, False], ids=["written-then-502", "502"])
async def test_a_502_on_creating_the_comment_never_duplicates_it(bot: Bot, written: bool
                                                                 ) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 43, title="Totals", diff=untested_modules(1),
                  commits=["Add totals"])
    fake.fail_next("POST", "/repos/*/issues/43/comments", status=502, after=written)
    await review(bot, "opened", 43)
    [comment] = fake.comments(fake.repo, 43)
    [run] = fake.check_runs(fake.repo)
    assert comment["body"] == run["output"]["summary"]


async def test_a_pull_request_from_a_fork_is_reviewed(bot: Bot) -> None:
    fake = bot.fake
    event = payload("pull_request.edited")  # the real 2018 delivery: head in a fork
    pr = event["pull_request"]
    assert pr["head"]["repo"]["full_name"] != event["repository"]["full_name"]
    fake.seed_from_payload(event, diff=untested_modules(1), commits=["Add totals"])
    resp = await bot.deliver("pull_request", event)
    assert resp.status == 202
    await bot.idle()
    repo = event["repository"]["full_name"]
    [run] = fake.check_runs(repo, pr["head"]["sha"])
    assert run["conclusion"] == "failure"
    [comment] = fake.comments(repo, pr["number"])
    assert comment["body"] == run["output"]["summary"]


async def test_a_failed_job_can_be_redelivered(bot: Bot) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 44, title="Totals", diff=untested_modules(1),
                  commits=["Add totals"])
    fake.fail_next("GET", f"/repos/{fake.repo}/contents/*", status=403, body={
        "message": "Resource not accessible by integration",
        "documentation_url": "https://docs.github.com/rest", "status": "403"})
    event = pr_event(fake, "opened", 44)
    first = await bot.deliver("pull_request", event, delivery="9a1e7c10-5b7d-11ef-8a1b")
    await bot.idle()
    [failed] = fake.check_runs(fake.repo)
    assert failed["conclusion"] == "neutral" and "did not finish" in failed["output"]["title"]
    # The App's owner presses "Redeliver" on the failed delivery (same GUID).
    again = await bot.deliver("pull_request", event, delivery="9a1e7c10-5b7d-11ef-8a1b")
    await bot.idle()
    assert (first.status, again.status) == (202, 202)
    # The redelivery completes the run the failure left "did not finish": one run per head.
    assert [(r["id"], r["conclusion"]) for r in fake.check_runs(fake.repo)] == [
        (failed["id"], "failure")]


async def test_a_repository_deleted_mid_review_ends_quietly(
        bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 45, title="Totals", diff=untested_modules(1),
                  commits=["Add totals"])

    async def delete_repository() -> None:
        del fake.state.repos[fake.repo.lower()]

    fake.on_call("GET", "/repos/*/pulls/45/commits", delete_repository)
    with caplog.at_level(logging.INFO, logger="shipshape"):
        await review(bot, "opened", 45)
    [job] = [r for r in caplog.records if r.getMessage() == "job"]
    assert job.fields["outcome"] == "gone"
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
