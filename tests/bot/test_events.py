"""Events become jobs; handlers are isolated from each other's failures."""

from __future__ import annotations

from typing import Any

import pytest
from gidgethub import routing, sansio

import bot.events
from bot.events import dispatch
from bot.queue import Job
from tests.bot.conftest import payload


def event(name: str, data: dict[str, Any], delivery: str = "d-1") -> sansio.Event:
    return sansio.Event(data, event=name, delivery_id=delivery)


@pytest.mark.parametrize("action", ["opened", "reopened", "synchronize", "ready_for_review"])
async def test_review_actions_make_one_job_from_the_real_payload(action: str) -> None:
    data = payload(f"pull_request.{action}")
    result = await dispatch(event("pull_request", data))
    assert result.jobs == [Job(
        installation_id=data["installation"]["id"], repo=data["repository"]["full_name"],
        number=data["pull_request"]["number"], head_sha=data["pull_request"]["head"]["sha"],
        delivery_id="d-1", event=f"pull_request.{action}",
        updated_at=data["pull_request"]["updated_at"])]


async def test_edited_body_in_an_old_real_payload_makes_a_job() -> None:
    # The 2018 capture lacks newer fields (draft, labels...): read leniently.
    data = payload("pull_request.edited")
    result = await dispatch(event("pull_request", data))
    [job] = result.jobs
    assert (job.repo, job.number) == ("sotayamashita/labeling-droid", 16)


async def test_null_body_payload_is_fine() -> None:
    result = await dispatch(event("pull_request", payload("pull_request.opened.null-body")))
    assert len(result.jobs) == 1


async def test_payload_without_installation_is_ignored_with_a_reason() -> None:
    data = payload("pull_request.opened")
    del data["installation"]
    result = await dispatch(event("pull_request", data))
    assert result.jobs == []
    assert "installation" in result.notes[0]


async def test_check_suite_rerequested_reviews_each_pull_request_with_a_fresh_run() -> None:
    data = payload("check_suite.rerequested")
    suite_app = str(data["check_suite"]["app"]["id"])
    result = await dispatch(event("check_suite", data), app_id=suite_app)
    [job] = result.jobs
    assert job.rerun and job.head_sha == data["check_suite"]["head_sha"]
    assert job.number == data["check_suite"]["pull_requests"][0]["number"]


async def test_check_suite_of_another_app_is_not_rerun() -> None:
    data = payload("check_suite.rerequested")
    result = await dispatch(event("check_suite", data), app_id="4242")
    assert result.jobs == [] and "another app" in result.notes[0]


def rerequested_run(name: str, app_id: int) -> dict[str, Any]:
    data = payload("check_run.rerequested")
    data["check_run"]["name"] = name
    data["check_run"]["app"]["id"] = app_id
    data["check_run"]["pull_requests"] = [{"number": 7, "head": {"sha": "a" * 40}}]
    return data


async def test_check_run_rerequested_counts_only_for_our_own_app() -> None:
    ours = await dispatch(event("check_run", rerequested_run("shipshape", 4242)), app_id="4242")
    assert [j.number for j in ours.jobs] == [7]
    # Another App's run that happens to be named `shipshape` is not ours to re-run.
    theirs = await dispatch(event("check_run", rerequested_run("shipshape", 2)), app_id="4242")
    assert theirs.jobs == [] and "another app" in theirs.notes[0]
    other_name = await dispatch(event("check_run", rerequested_run("randscape", 4242)),
                                app_id="4242")
    assert other_name.jobs == []


@pytest.mark.parametrize("action", ["deleted", "suspend"])
async def test_removed_installation_is_reported_for_token_eviction(action: str) -> None:
    data = payload("installation.deleted")
    data["action"] = action
    result = await dispatch(event("installation", data))
    assert result.uninstalled == [data["installation"]["id"]]
    created = await dispatch(event("installation", payload("installation.created")))
    assert created.uninstalled == []


def comment_event(action: str = "created", body: str = "/shipshape recheck",
                  **user: Any) -> dict[str, Any]:
    data = payload(f"issue_comment.{action}")
    data["comment"]["body"] = body
    data["comment"]["user"].update(user)
    return data


async def test_a_command_comment_on_a_pr_makes_a_command_job() -> None:
    data = comment_event(body="Looks good.\n/shipshape skip tests hotfix")
    [job] = (await dispatch(event("issue_comment", data))).jobs
    assert (job.kind, job.repo, job.number, job.head_sha) == (
        "command", "VivianHublo/patrick", 3, "")
    assert job.command == {"id": data["comment"]["id"], "body": data["comment"]["body"],
                           "author": "VivianHublo", "association": "OWNER", "deleted": False}
    # Each comment keeps its own place in the queue, apart from the PR's review.
    assert job.slot == f"VivianHublo/patrick#3/comment-{data['comment']['id']}"
    assert Job.from_dict(job.to_dict()) == job


async def test_the_real_slash_comment_of_another_bot_grammar_is_worth_a_look() -> None:
    # `/e2e front-hr-management` starts like a command; the worker decides with the config.
    result = await dispatch(event("issue_comment", payload("issue_comment.created")))
    assert [j.kind for j in result.jobs] == ["command"]


@pytest.mark.parametrize(("body", "user", "note"), [
    ("Thanks, merging after CI.", {}, "holds no command"),
    ("```\n/shipshape skip tests x\n```", {}, "holds no command"),
    ("> /shipshape skip tests x", {}, "holds no command"),
    ("/shipshape recheck", {"type": "Bot", "login": "shipshape[bot]"}, "bots"),
    ("/shipshape recheck", {"type": "Bot", "login": "dependabot[bot]"}, "bots"),
])
async def test_comments_that_are_not_commands_make_no_job(body: str, user: dict[str, str],
                                                          note: str) -> None:
    result = await dispatch(event("issue_comment", comment_event(body=body, **user)))
    assert result.jobs == [] and note in result.notes[0]


async def test_a_comment_on_an_issue_is_not_a_command() -> None:
    data = payload("issue_comment.created.on-issue")
    data["comment"]["body"] = "/shipshape recheck"
    result = await dispatch(event("issue_comment", data))
    assert result.jobs == [] and "not a pull request" in result.notes[0]


async def test_edited_comments_run_nothing_and_deleted_ones_re_review() -> None:
    edited = await dispatch(event("issue_comment", payload("issue_comment.edited")))
    assert edited.jobs == [] and "edited" in edited.notes[0]
    data = comment_event("deleted", body="/shipshape skip tests hotfix")
    data["issue"]["pull_request"] = {"url": "https://api.github.com/repos/o/r/pulls/1"}
    data["installation"] = {"id": 7}  # the capture came from a repository webhook
    [job] = (await dispatch(event("issue_comment", data))).jobs
    assert job.kind == "command" and job.command is not None and job.command["deleted"]
    # Deleting the App's reply that carried a waiver record re-reviews too; other bot
    # comments going away do not.
    data["comment"]["user"].update(type="Bot", login="shipshape[bot]")
    data["comment"]["body"] = '<!-- shipshape:reply -->\n\n<!-- shipshape:record {"v":1} -->'
    assert len((await dispatch(event("issue_comment", data))).jobs) == 1
    data["comment"]["body"] = "Deployed to staging."
    assert (await dispatch(event("issue_comment", data))).jobs == []


def action_run(app_id: int, identifier: str) -> dict[str, Any]:
    data = payload("check_run.requested_action")
    data["check_run"]["name"] = "shipshape"
    data["check_run"]["app"]["id"] = app_id
    data["requested_action"] = {"identifier": identifier}
    return data


async def test_the_re_run_button_of_our_run_makes_a_rerun_job() -> None:
    ours = await dispatch(event("check_run", action_run(4242, "rerun")), app_id="4242")
    [job] = ours.jobs
    assert (job.number, job.rerun, job.event) == (26764, True, "check_run.requested_action")
    other = await dispatch(event("check_run", action_run(4242, "lgtm|26764")), app_id="4242")
    assert other.jobs == [] and "not one shipshape offers" in other.notes[0]
    theirs = await dispatch(event("check_run", action_run(25811, "rerun")), app_id="4242")
    assert theirs.jobs == []


async def test_a_failing_handler_does_not_stop_the_others(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    calls = []

    async def broken(event: sansio.Event, result: Any) -> None:
        calls.append("broken")
        raise KeyError("pull_request")

    async def working(event: sansio.Event, result: Any) -> None:
        calls.append("working")
        result.note("worked")

    router = routing.Router()
    router.add(broken, "pull_request")
    router.add(working, "pull_request")
    monkeypatch.setattr(bot.events, "router", router)
    result = await dispatch(event("pull_request", payload("pull_request.opened")))
    assert sorted(calls) == ["broken", "working"]
    assert result.errors == 1 and result.notes == ["worked"]
