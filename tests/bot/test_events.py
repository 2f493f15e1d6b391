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


async def test_comment_events_are_not_handled_yet() -> None:
    result = await dispatch(event("issue_comment", payload("issue_comment.created")))
    assert result.jobs == [] and "issue_comment.created" in result.notes[0]


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
