"""Intake: signature, size and shape checks, dedupe, ignored events, health and metrics.

Every delivery here is a real payload from tests/fixtures/github/webhooks, signed like GitHub.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from bot import limits
from tests.bot.conftest import SECRET, Bot, headers_for, payload, pr_event, sign
from tests.bot.diffs import new_file, python_module
from tests.shared import GITHUB


async def test_healthz_reports_queue_depth(bot: Bot) -> None:
    resp = await bot.client.get("/healthz")
    assert resp.status == 200
    body = await resp.json()
    assert body["status"] == "ok"
    assert body["queue_depth"] == 0


async def test_missing_signature_is_401_and_nothing_runs(bot: Bot) -> None:
    raw = json.dumps(payload("pull_request.opened")).encode()
    headers = headers_for("pull_request", raw)
    del headers["X-Hub-Signature-256"]
    resp = await bot.client.post("/webhook", data=raw, headers=headers)
    assert resp.status == 401
    assert bot.state.queue.depth() == 0
    assert bot.fake.calls == []


async def test_wrong_signature_is_401(bot: Bot) -> None:
    resp = await bot.deliver("pull_request", payload("pull_request.opened"),
                             secret="not-the-secret")
    assert resp.status == 401
    assert "signature" in resp.json_body["reason"]
    assert SECRET not in json.dumps(resp.json_body)


async def test_body_changed_after_signing_is_401(bot: Bot) -> None:
    raw = json.dumps(payload("pull_request.opened")).encode()
    headers = headers_for("pull_request", raw)
    resp = await bot.client.post("/webhook", data=raw.replace(b'"opened"', b'"closed"', 1),
                                 headers=headers)
    assert resp.status == 401


async def test_malformed_json_is_400(bot: Bot) -> None:
    resp = await bot.deliver("pull_request", b'{"action": "opened", "pull_request": ')
    assert resp.status == 400


async def test_json_that_is_not_an_object_is_400(bot: Bot) -> None:
    resp = await bot.deliver("pull_request", b'["opened"]')
    assert resp.status == 400


async def test_missing_event_header_is_400(bot: Bot) -> None:
    raw = json.dumps(payload("ping")).encode()
    headers = headers_for("ping", raw)
    del headers["X-GitHub-Event"]
    resp = await bot.client.post("/webhook", data=raw, headers=headers)
    assert resp.status == 400


async def test_oversized_payload_is_refused_from_its_length_before_reading(bot: Bot) -> None:
    server = bot.client.server
    reader, writer = await asyncio.open_connection(server.host, server.port)
    size = limits.MAX_PAYLOAD_BYTES + 1
    writer.write((
        "POST /webhook HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        f"X-GitHub-Event: pull_request\r\nX-GitHub-Delivery: big-1\r\n"
        f"X-Hub-Signature-256: sha256={'0' * 64}\r\nContent-Length: {size}\r\n\r\n"
    ).encode() + b"{")
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 5)
    writer.close()
    assert status_line.split()[1] == b"413"


async def test_oversized_chunked_payload_is_413(bot: Bot) -> None:
    chunk = b" " * (1024 * 1024)

    async def body():  # no Content-Length: the limit applies while reading
        for _ in range(limits.MAX_PAYLOAD_BYTES // len(chunk) + 2):
            yield chunk

    headers = headers_for("pull_request", b"")
    resp = await bot.client.post("/webhook", data=body(), headers=headers)
    assert resp.status == 413


async def test_ping_and_installation_events_are_acknowledged(bot: Bot) -> None:
    for event, name in [("ping", "ping"), ("installation", "installation.created"),
                        ("installation", "installation.deleted"),
                        ("installation_repositories", "installation_repositories.added")]:
        resp = await bot.deliver(event, payload(name))
        assert resp.status == 200, name
        assert resp.json_body["status"] == "ignored"
        assert "acknowledged" in resp.json_body["reason"]
    assert bot.state.queue.depth() == 0


async def test_events_with_nothing_to_do_get_200_with_the_reason(bot: Bot) -> None:
    labeled = await bot.deliver("pull_request", payload("pull_request.labeled"))
    suite = await bot.deliver("check_suite", payload("check_suite.requested"))
    foreign_run = await bot.deliver("check_run", payload("check_run.rerequested"))
    assert [r.status for r in (labeled, suite, foreign_run)] == [200] * 3
    assert "pull_request.labeled" in labeled.json_body["reason"]
    assert "shipshape" in foreign_run.json_body["reason"]
    await bot.idle()
    assert bot.fake.calls == []


async def test_edit_that_changes_neither_title_nor_body_is_ignored(bot: Bot) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 3, diff=new_file("billing/total.py", python_module("total")))
    event = pr_event(fake, "edited", 3)
    event["changes"] = {"assignee": {"from": None}}
    resp = await bot.deliver("pull_request", event)
    assert resp.status == 200
    assert "neither title" in resp.json_body["reason"]


async def test_repeated_delivery_id_is_acknowledged_once(bot: Bot) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 4, diff=new_file("billing/total.py", python_module("total")))
    event = pr_event(fake, "opened", 4)
    first = await bot.deliver("pull_request", event, delivery="0b989ba4-242f-11e5-81e1")
    again = await bot.deliver("pull_request", event, delivery="0b989ba4-242f-11e5-81e1")
    assert (first.status, again.status) == (202, 200)
    assert again.json_body["status"] == "duplicate"
    await bot.idle()
    assert len(fake.check_runs(fake.repo)) == 1
    assert len(fake.comments(fake.repo, 4)) == 1


async def test_acknowledgement_never_waits_for_github(bot: Bot) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 5, diff=new_file("billing/total.py", python_module("total")))
    fake.delay = 2.0  # every GitHub call now takes two seconds
    resp = await bot.deliver("pull_request", pr_event(fake, "opened", 5))
    assert resp.status == 202
    # An acknowledgement that waited for even one GitHub call would find that call answered.
    assert [call for call in fake.calls if call.status] == []
    fake.delay = 0.0
    await bot.idle()


async def test_metrics_count_deliveries_by_event_and_outcome(bot: Bot) -> None:
    await bot.deliver("ping", payload("ping"))
    await bot.deliver("pull_request", payload("pull_request.labeled"))
    await bot.deliver("pull_request", payload("pull_request.opened"), secret="wrong")
    resp = await bot.client.get("/metrics")
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("text/plain")
    text = await resp.text()
    assert 'shipshape_deliveries_total{event="ping",outcome="ignored"} 1.0' in text
    assert 'shipshape_deliveries_total{event="pull_request.labeled",outcome="ignored"} 1.0' in text
    # The event header is not signed: a refused delivery is counted as "unverified".
    assert 'shipshape_deliveries_total{event="unverified",outcome="refused"} 1.0' in text
    assert "shipshape_queue_depth 0.0" in text
    assert "shipshape_job_duration_seconds_bucket" in text


def test_signature_helper_matches_githubs_documented_example() -> None:
    # docs.github.com "Validating webhook deliveries": secret "It's a Secret to Everybody",
    # payload "Hello, World!".
    assert sign(b"Hello, World!", "It's a Secret to Everybody") == (
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")


# What each real delivery in tests/fixtures/github/webhooks gets (a fixture added without an
# entry here fails the test below, so nothing new goes untried).
FIXTURE_ANSWERS = {
    "check_run.created": (200, "check_run.created is not an event"),
    # Another App's button (electron's "API Review"): ours only.
    "check_run.requested_action": (200, "not this App's 'shipshape'"),
    "check_run.rerequested": (200, "not 'shipshape'"),
    "check_suite.requested": (200, "check_suite.requested is not an event"),
    "check_suite.rerequested": (200, "another app"),
    "installation.created": (200, "acknowledged"),
    "installation.deleted": (200, "acknowledged"),
    "installation_repositories.added": (200, "acknowledged"),
    # `/e2e front-hr-management` starts like a command: the worker reads the config and
    # finds no shipshape command in it, and writes nothing.
    "issue_comment.created": (202, ""),
    "issue_comment.created.on-issue": (200, "not a pull request"),
    # A repository webhook's capture: no installation to act as.
    "issue_comment.deleted": (200, "payload lacks installation"),
    "issue_comment.edited": (200, "edited comments do not run commands"),
    "merge_group.checks_requested": (202, ""),
    "pull_request.converted_to_draft": (202, ""),  # an audit-log entry, no review
    "push": (200, "push is not an event"),
    "push.fast-forward": (200, "push is not an event"),
    "ping": (200, "ping acknowledged"),
    "pull_request.closed": (202, ""),  # an audit-log entry, no review
    "pull_request.labeled": (200, "pull_request.labeled is not an event"),
    "pull_request.edited": (202, ""),
    "pull_request.opened": (202, ""),
    "pull_request.opened.null-body": (202, ""),
    "pull_request.ready_for_review": (202, ""),
    "pull_request.reopened": (202, ""),
    "pull_request.synchronize": (202, ""),
}


# Accepted, but the job ends without a review: the comment holds no shipshape command.
COMMAND_ONLY = {"issue_comment.created"}
AUDIT_ONLY = {"pull_request.closed", "pull_request.converted_to_draft"}


def test_every_real_payload_has_an_expected_answer() -> None:
    names = sorted(p.name.removesuffix(".json") for p in (GITHUB / "webhooks").glob("*.json"))
    assert names == sorted(FIXTURE_ANSWERS)


@pytest.mark.parametrize("name", sorted(FIXTURE_ANSWERS))
async def test_every_real_payload_is_handled(bot: Bot, name: str) -> None:
    body = payload(name)
    pr = None
    if "repository" in body:  # make the repository, installation and PR the delivery names
        pr = bot.fake.seed_from_payload(
            body, diff=new_file("billing/total.py", python_module("total")),
            commits=["Add invoice total"])
    resp = await bot.deliver(name.split(".")[0], body)
    status, reason = FIXTURE_ANSWERS[name]
    assert resp.status == status, resp.json_body
    assert reason in resp.json_body["reason"], resp.json_body
    await bot.idle()
    metrics = await (await bot.client.get("/metrics")).text()
    assert 'outcome="error' not in metrics
    if name in COMMAND_ONLY:
        writes = [c for c in bot.fake.calls if c.method != "GET"]
        assert [c.path for c in writes] == [
            f"/app/installations/{body['installation']['id']}/access_tokens"]
        assert bot.fake.calls_to("GET", "/repos/*/contents/.github/shipshape.yml")
    elif name in AUDIT_ONLY:  # no story files in the repository: nothing to write
        writes = [c for c in bot.fake.calls if c.method != "GET"]
        assert [c.path for c in writes] == ["/app/installations/1/access_tokens"]
    elif status == 202:
        assert pr is not None
        # A merge group is reported on the group's commit, with no comment on the PR.
        group = body.get("merge_group")
        head = group["head_sha"] if group else pr.head_sha
        [run] = bot.fake.check_runs(body["repository"]["full_name"], head)
        assert run["status"] == "completed"
        comments = bot.fake.comments(body["repository"]["full_name"], pr.number)
        assert len(comments) == (0 if group else 1)
    else:
        assert [c for c in bot.fake.calls if c.method != "GET"] == []
