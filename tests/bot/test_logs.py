"""Log lines of one delivery's work carry its id; job lines say how the job ended in fields."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import LOGGER_NAME, JsonFormatter, configure, delivery_context, get_logger, log
from tests.bot.conftest import Bot, pr_event
from tests.bot.diffs import new_file, python_module

DELIVERY = "9c5e7a10-0c1f-11ef-8f3b-1d2e3f405162"


def untested(count: int) -> str:
    return "".join(new_file(f"billing/mod_{i:03d}.py", python_module(f"total_{i}"))
                   for i in range(count))


def entries(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records]


async def test_retry_and_token_lines_carry_the_delivery_id(
        bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 31, title="Totals", diff=untested(1), commits=["Add totals"])
    await bot.deliver("pull_request", pr_event(fake, "opened", 31))
    await bot.idle()
    fake.expire_tokens()  # the next job's first call gets 401 and renews its token
    fake.push(fake.repo, 31, diff=untested(2), commits=["Add totals", "More"])
    fake.fail_next("GET", "/repos/*/pulls/31/files", status=502)  # ...and one call is retried
    with caplog.at_level(logging.INFO, logger="shipshape"):
        resp = await bot.deliver("pull_request", pr_event(fake, "synchronize", 31),
                                 delivery=DELIVERY)
        await bot.idle()
    assert resp.status == 202
    lines = entries(caplog)
    by_msg = {str(e["msg"]): e for e in lines}
    assert by_msg["retrying GitHub call"]["delivery"] == DELIVERY
    assert by_msg["installation token refused; renewing"]["delivery"] == DELIVERY
    assert by_msg["job"]["delivery"] == by_msg["delivery"]["delivery"] == DELIVERY
    assert [e["msg"] for e in lines if e.get("delivery") != DELIVERY] == []


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    """The server's logging set up by `configure`, writing to a buffer; undone afterwards."""
    loggers = [logging.getLogger(name) for name in (LOGGER_NAME, "aiohttp", "aiohttp.access")]
    saved = [(lg.handlers[:], lg.level, lg.propagate) for lg in loggers]
    out = io.StringIO()
    configure("INFO", out)
    try:
        yield out
    finally:
        for lg, (handlers, level, propagate) in zip(loggers, saved, strict=True):
            lg.handlers[:], lg.level, lg.propagate = handlers, level, propagate


def test_the_delivery_id_reaches_plain_records_and_stops_with_its_work(
        stream: io.StringIO) -> None:
    logger = get_logger("test")
    with delivery_context(DELIVERY):
        logger.warning("a plain record, not written through log()")
        logging.getLogger("aiohttp.server").error("a library's record")
        log(logger, logging.WARNING, "a structured one", repo="octo-org/hello-world")
        log(logger, logging.WARNING, "one naming another delivery", delivery="other")
    log(logger, logging.WARNING, "after the work")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(e["msg"], e.get("delivery")) for e in lines] == [
        ("a plain record, not written through log()", DELIVERY),
        ("a library's record", DELIVERY),
        ("a structured one", DELIVERY),
        ("one naming another delivery", "other"),
        ("after the work", None),
    ]
    assert [e["level"] for e in lines] == ["warning", "error", "warning", "warning", "warning"]


async def test_a_failed_job_names_its_outcome_and_error_type_in_fields(
        bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 32, title="Totals", diff=untested(1), commits=["Add totals"])
    # A 422 is neither retried nor "gone": the job fails and says with what.
    fake.fail_next("GET", "/repos/*/pulls/32/commits", status=422)
    with caplog.at_level(logging.INFO, logger="shipshape"):
        await bot.deliver("pull_request", pr_event(fake, "opened", 32), delivery=DELIVERY)
        await bot.idle()
    [failed] = [r for r in caplog.records if r.getMessage() == "job failed"]
    assert failed.exc_info is not None and failed.exc_info[0] is not None
    [job] = [e for e in entries(caplog) if e["msg"] == "job"]
    assert (job["outcome"], job["error"]) == ("error", failed.exc_info[0].__name__)
    assert job["level"] == "error" and job["delivery"] == DELIVERY
    assert "conclusion" not in job
    [run] = fake.check_runs(fake.repo)
    assert (run["status"], run["conclusion"]) == ("completed", "neutral")
    metrics = await (await bot.client.get("/metrics")).text()
    assert 'shipshape_jobs_total{outcome="error"} 1.0' in metrics
    # Kept, not dropped: a dead letter with its error, on /metrics and in the log.
    [dead] = await bot.state.queue.dead_letters()
    assert (dead.job.number, dead.error) == (32, failed.exc_info[0].__name__)
    assert "shipshape_dead_letter_jobs 1.0" in metrics.splitlines()
    assert [e["pr"] for e in entries(caplog) if e["msg"] == "dead letter"] == [32]


async def test_a_published_job_names_its_conclusion(
        bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    fake = bot.fake
    fake.add_pull(fake.repo, 33, title="Totals", diff=untested(1), commits=["Add totals"])
    with caplog.at_level(logging.INFO, logger="shipshape"):
        await bot.deliver("pull_request", pr_event(fake, "opened", 33))
        await bot.idle()
    [job] = [e for e in entries(caplog) if e["msg"] == "job"]
    assert (job["outcome"], job["conclusion"]) == ("failure", "failure")
    assert "error" not in job
