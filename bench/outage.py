"""A 20-second GitHub outage: `python bench/outage.py`.

The bot (production retry settings: in-place retries 1-2-4 s, job backoff from 5 s, circuit
breaker 5 failures / 15 s) on the in-process fake GitHub, 20 PRs opened at once while every
call answers 502 for 20 s; then GitHub is back. Measured: calls the bot made during the outage
(how hard a dead GitHub is hit), seconds from GitHub's return until every PR has one completed
check run and one comment, and duplicates (must be 0). Two cases: the installation token
already cached, and not (its request fails too). Baseline in the same run: the same 20 PRs with
no outage. Results go to docs/benchmarks.md (section "outage").
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
elif str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from aiohttp.test_utils import TestClient, TestServer  # noqa: E402

from bench.report import write_section  # noqa: E402
from bot.app import STATE, create_app  # noqa: E402
from tests.bot.conftest import bot_settings, headers_for, pr_event  # noqa: E402
from tests.bot.diffs import new_file, python_module  # noqa: E402
from tests.fakegithub.server import FakeGitHub  # noqa: E402

PRS = 20
OUTAGE_SECONDS = 20.0
RUNS = 3


@dataclass(frozen=True)
class Outcome:
    """One run: calls during the outage, seconds to all done after it, duplicates, breaker."""

    calls: int
    recovery: float
    duplicates: int
    circuit_opened: int


def _all_done(fake: FakeGitHub, state: object) -> bool:
    for n in range(1, PRS + 1):
        runs = fake.check_runs(fake.repo, fake.pull(fake.repo, n).head_sha)
        if [r["status"] for r in runs] != ["completed"] or len(fake.comments(fake.repo, n)) != 1:
            return False
    return not state.workers.running and state.queue.depth() == 0  # type: ignore[attr-defined]


def _duplicates(fake: FakeGitHub) -> int:
    return sum(len(fake.check_runs(fake.repo, fake.pull(fake.repo, n).head_sha)) - 1
               + len(fake.comments(fake.repo, n)) - 1 for n in range(1, PRS + 1))


async def _run(outage: float, token_cached: bool) -> Outcome:
    async with FakeGitHub() as fake:
        for n in range(1, PRS + 1):
            fake.add_pull(fake.repo, n, title=f"Totals {n}", commits=[f"Add totals {n}"],
                          diff=new_file(f"billing/totals_{n}.py", python_module(f"total_{n}")))
        client = TestClient(TestServer(create_app(bot_settings(fake, REVIEW_PROCESSES="1"))))
        await client.start_server()
        state = client.server.app[STATE]
        try:
            if token_cached:
                await state.services.client.installation_token(fake.installation_id)
            if outage:
                fake.fail_next("*", "/repos/*", 502, times=10**9)
                fake.fail_next("POST", "/app/installations/*", 502, times=10**9)
            for n in range(1, PRS + 1):
                body = json.dumps(pr_event(fake, "opened", n)).encode()
                answer = await client.post("/webhook", data=body,
                                           headers=headers_for("pull_request", body))
                assert answer.status == 202
            await asyncio.sleep(outage)
            calls = len(fake.calls)
            fake.clear_failures()
            back = time.perf_counter()
            while not _all_done(fake, state):
                await asyncio.sleep(0.05)
            recovery = time.perf_counter() - back
            opened = state.metrics.circuit_opened._value.get()
            return Outcome(calls if outage else 0, recovery, _duplicates(fake), int(opened))
        finally:
            await client.close()


def _median(values: list[float]) -> float:
    return statistics.median(values)


async def main() -> None:
    """Run every case RUNS times, print and write the medians."""
    cases = {"no outage (baseline)": (0.0, True), "20 s outage, token cached": (
        OUTAGE_SECONDS, True), "20 s outage, token request failing too": (OUTAGE_SECONDS, False)}
    rows = []
    baseline = 0.0
    for name, (outage, cached) in cases.items():
        runs = [await _run(outage, cached) for _ in range(RUNS)]
        recovery = _median([r.recovery for r in runs])
        baseline = baseline or recovery
        rows.append(f"| {name} | {_median([r.calls for r in runs]):.0f} | {recovery:.1f} s | "
                    f"{recovery / baseline:.1f}x | {max(r.duplicates for r in runs)} | "
                    f"{max(r.circuit_opened for r in runs)} |")
        print(rows[-1], flush=True)
    write_section("outage", "\n".join([
        "## A 20-second GitHub outage (`python bench/outage.py`)", "",
        f"{PRS} PRs opened at once against the in-process fake GitHub while every call answers "
        f"502 for {OUTAGE_SECONDS:.0f} s, production retry settings (in-place retries 1-2-4 s, "
        "job backoff from 5 s doubling with jitter, circuit breaker 5 failures / 15 s). "
        "*Calls* is what the bot sent during the outage; *after GitHub is back* is the time "
        "until every PR has exactly one completed check run and one comment (the baseline: "
        f"the same PRs with no outage, from the first delivery). Medians of {RUNS} runs.", "",
        "| case | calls during outage | after GitHub is back | vs baseline | duplicates "
        "| circuit opened |",
        "| --- | --- | --- | --- | --- | --- |", *rows]))


if __name__ == "__main__":
    asyncio.run(main())
