"""Runs a killed worker left in progress on a PR's earlier head are completed once a newer
head is reviewed (bot/publish/superseded.py), against the fake GitHub."""

from __future__ import annotations

from typing import Any

from bot.outcome import JobOutcome, JobResult
from bot.publish import check_run, superseded
from bot.queue import Job
from tests.bot.conftest import Bot, pr_event
from tests.bot.diffs import new_file, python_module, python_test

DIFF = (new_file("billing/invoice.py", python_module("invoice_total"))
        + new_file("tests/test_invoice.py", python_test("invoice_total")))


def runs_asked(fake: Any, sha: str) -> int:
    return len([c for c in fake.calls
                if c.method == "GET" and c.path.endswith(f"/commits/{sha}/check-runs")])


async def test_a_run_left_in_progress_on_an_earlier_head_is_completed_as_superseded(
        bot: Bot) -> None:
    fake = bot.fake
    pr = fake.add_pull(fake.repo, 51, title="Invoice totals", body="BILL-12", diff=DIFF,
                       commits=["BILL-12 Add invoice totals"])
    first = pr.head_sha
    assert (await bot.deliver("pull_request", pr_event(fake, "opened", 51))).status == 202
    await bot.idle()
    [reviewed] = fake.check_runs(fake.repo, first)
    # A second replica took a redelivery of the first head, started its run and was killed.
    gh = bot.state.services.client.for_installation(fake.installation_id)
    orphan = await check_run.start(gh, fake.repo, first, "killed-replica")

    fake.push(fake.repo, 51, commits=["BILL-12 Round totals"])
    second = fake.pull(fake.repo, 51).head_sha
    assert (await bot.deliver("pull_request", pr_event(fake, "synchronize", 51))).status == 202
    await bot.idle()

    runs = {run["id"]: run for run in fake.check_runs(fake.repo, first)}
    assert (runs[orphan]["status"], runs[orphan]["conclusion"]) == ("completed", "neutral")
    assert runs[orphan]["output"]["title"] == superseded.TITLE
    assert f"Superseded by {second}" in runs[orphan]["output"]["summary"]
    assert runs[reviewed["id"]]["output"] == reviewed["output"]  # a completed run is left alone
    [newest] = fake.check_runs(fake.repo, second)
    assert newest["status"] == "completed" and newest["conclusion"] != "neutral"

    # The earlier head was looked at once: a re-review of the newest head does not ask again.
    asked = runs_asked(fake, first)
    assert (await bot.deliver("pull_request", pr_event(fake, "reopened", 51))).status == 202
    await bot.idle()
    assert runs_asked(fake, first) == asked


async def test_a_sweep_never_touches_the_newest_head_nor_fails_the_review(bot: Bot) -> None:
    fake = bot.fake
    pr = fake.add_pull(fake.repo, 52, title="Invoice totals", body="BILL-12", diff=DIFF,
                       commits=["BILL-12 Add invoice totals"])
    first = pr.head_sha
    client = bot.state.services.client
    client.backoff = 0.001  # its retries of a 502 take milliseconds here
    gh = client.for_installation(fake.installation_id)
    fake.push(fake.repo, 52, commits=["BILL-12 Round totals"])
    second = fake.pull(fake.repo, 52).head_sha
    in_flight = await check_run.start(gh, fake.repo, second, "another-replica")
    sweeper = superseded.Sweeper()
    # An older head's review ending late: only heads before it are swept, never newer ones.
    assert await sweeper.sweep(gh, fake.repo, [first, second], first, str(fake.app_id)) == 0
    [run] = fake.check_runs(fake.repo, second)
    assert run["id"] == in_flight and run["status"] == "in_progress"
    # GitHub failing the look-up is logged, not raised, and the head is tried again later.
    fake.fail_next("GET", f"/repos/{fake.repo}/commits/{first}/check-runs", status=502,
                   times=4)  # every attempt the client makes
    orphan = await check_run.start(gh, fake.repo, first, "killed-replica")
    assert await sweeper.sweep(gh, fake.repo, [first, second], second,
                               str(fake.app_id)) == 0
    assert await sweeper.sweep(gh, fake.repo, [first, second], second,
                               str(fake.app_id)) == 1
    assert {r["id"]: r["status"] for r in fake.check_runs(fake.repo, first)} == {
        orphan: "completed"}


async def test_a_job_that_finds_its_pr_closed_completes_the_run_left_on_its_head(
        bot: Bot) -> None:
    fake = bot.fake
    pr = fake.add_pull(fake.repo, 53, title="Invoice totals", body="BILL-12", diff=DIFF,
                       commits=["BILL-12 Add invoice totals"])
    services = bot.state.services
    gh = services.client.for_installation(fake.installation_id)
    # The first attempt started the run and was killed; the PR was closed before the retry.
    orphan = await check_run.start(gh, fake.repo, pr.head_sha, "killed-worker")
    job = Job(installation_id=fake.installation_id, repo=fake.repo, number=53,
              head_sha=pr.head_sha, delivery_id="d-53", event="check_suite.rerequested")
    await superseded.after_review(services, job, JobResult(JobOutcome.SUPERSEDED))
    assert fake.check_runs(fake.repo, pr.head_sha)[0]["status"] == "in_progress"
    await superseded.after_review(services, job, JobResult(JobOutcome.CLOSED))
    [run] = fake.check_runs(fake.repo, pr.head_sha)
    assert (run["id"], run["status"], run["conclusion"]) == (orphan, "completed", "neutral")
    assert run["output"]["title"] == superseded.CLOSED_TITLE
