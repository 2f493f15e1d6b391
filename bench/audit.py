"""Audit-log write cost: `python bench/audit.py`.

Against the in-process fake GitHub (50 ms added per call, like bench/webhooks.py part 2), with
the bot's own client and writer (bot/publish/audit.py):
1. one entry after another into one story file: REST calls per entry and time per entry;
2. ten entries at once into one story, serialised by the process's branch lock;
3. the same ten at once with a lock each, as ten replicas would race: 409s, retries, calls;
4. the pure text edit on a story file of 2,000 entries.
Results go to docs/benchmarks.md (section "audit").
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ is first on sys.path, and bench/secrets.py would shadow the standard
# library's `secrets` (which the fake GitHub uses): put the project root there instead.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
elif str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.report import median_seconds, write_section  # noqa: E402
from bot.github import GitHubClient, Installation  # noqa: E402
from bot.metrics import Metrics  # noqa: E402
from bot.publish import audit as writes  # noqa: E402
from checks.audit import AuditEntry, AuditEvent, entry_line, insert_entries  # noqa: E402
from tests.fakegithub import FakeGitHub  # noqa: E402

STORY = "docs/work/features/billing/stories/BILL-12-invoice-export-story.md"
TEXT = "# BILL-12: Invoice export\n\n## Audit Log\n\n- 2026-11-20 09:12 UTC · STATUS: started\n"
DELAY = 0.05
SEQUENTIAL = 10
CONCURRENT = 10


def _line(number: int, second: int = 0) -> str:
    entry = AuditEntry(AuditEvent.OPENED, number, f"Part {number}", "alice", f"{number:07x}",
                       "shipshape 5/5 pass", f"2026-11-22T09:{second // 60:02d}:{second % 60:02d}Z")
    return entry_line(entry)


def _story_calls(fake: FakeGitHub) -> list[str]:
    return [f"{c.method} {c.status}" for c in fake.calls if c.path.endswith(STORY)]


async def _write(gh: Installation, fake: FakeGitHub, line: str, locks: writes.BranchLocks
                 ) -> str:
    try:
        return await writes.append_entries(gh, fake.repo, "main", STORY, [line],
                                           heading="## Audit Log",
                                           message="docs(audit) [skip ci]", locks=locks)
    except writes.AuditConflict:
        return "gave up"


async def _measure() -> dict[str, float]:
    out: dict[str, float] = {}
    async with FakeGitHub(delay=DELAY) as fake, aiohttp.ClientSession() as session:
        fake.set_file_content(fake.repo, STORY, TEXT, ref="main")
        client = GitHubClient(session, app_id=str(fake.app_id), private_key=fake.private_key_pem,
                              base_url=fake.url, metrics=Metrics(), backoff=0.01)
        gh = client.for_installation(fake.installation_id)
        await gh.get("/repos/{owner}/{repo}", {"owner": "octo-org", "repo": "hello-world"})
        locks = writes.BranchLocks()
        fake.clear_calls()
        times = []
        for n in range(SEQUENTIAL):
            started = time.perf_counter()
            await _write(gh, fake, _line(n, n), locks)
            times.append(time.perf_counter() - started)
        out["seq_calls"] = len(_story_calls(fake)) / SEQUENTIAL
        out["seq_ms"] = statistics.median(times) * 1000
        for name, shared in (("locked", True), ("replicas", False)):
            fake.clear_calls()
            started = time.perf_counter()
            done = await asyncio.gather(*(
                _write(gh, fake, _line(100 + n + (0 if shared else 50), n),
                       locks if shared else writes.BranchLocks()) for n in range(CONCURRENT)))
            out[f"{name}_s"] = time.perf_counter() - started
            calls = _story_calls(fake)
            out[f"{name}_calls"] = len(calls) / CONCURRENT
            out[f"{name}_409"] = calls.count("PUT 409")
            out[f"{name}_gave_up"] = done.count("gave up")
        text = (fake.file_content(fake.repo, STORY) or b"").decode()
        out["lines"] = text.count("<!-- shipshape-audit:")
    return out


def _pure() -> tuple[float, int]:
    big = TEXT + "".join(f"{_line(n, n % 3600)}\n" for n in range(2000)) + "\n## Notes\n\nx\n"
    new = _line(99999, 1)
    return median_seconds(lambda: insert_entries(big, [new]), 20) * 1000, len(big.encode())


def main() -> None:
    """Run the benchmark, print it and write its section of docs/benchmarks.md."""
    got = asyncio.run(_measure())
    pure_ms, size = _pure()
    expected = SEQUENTIAL + 2 * CONCURRENT
    markdown = f"""\
## Audit log (`python bench/audit.py`)

The bot's writer (bot/publish/audit.py) against the fake GitHub with {DELAY * 1000:.0f} ms added
per call; REST calls counted from the fake's record of the calls on the story file.

| case | REST calls per entry | 409 conflicts | gave up | time |
| --- | --- | --- | --- | --- |
| {SEQUENTIAL} entries one after another | {got['seq_calls']:.1f} (GET + PUT) | 0 | 0 | \
{got['seq_ms']:.0f} ms per entry (median) |
| {CONCURRENT} entries at once, one process (branch lock) | {got['locked_calls']:.1f} | \
{got['locked_409']:.0f} | {got['locked_gave_up']:.0f} | {got['locked_s']:.2f} s for all |
| {CONCURRENT} entries at once, {CONCURRENT} replicas (no shared lock) | \
{got['replicas_calls']:.1f} | {got['replicas_409']:.0f} | {got['replicas_gave_up']:.0f} | \
{got['replicas_s']:.2f} s for all |

{got['lines']:.0f} of {expected} lines are in the file. Within one process the lock keeps every
entry at two calls. Replicas racing on one story pay for their 409s with re-reads and jittered
backoff ({writes.MAX_ATTEMPTS} attempts at most); an entry that gives up fails its job, whose
delivery can be redelivered, and the key keeps the retry from writing twice.

The text edit alone (`checks.audit.insert_entries`) on a story with 2,000 entries
({size / 1024:.0f} KB): {pure_ms:.2f} ms per insertion (median of 20).
"""
    print(markdown)
    write_section("audit", markdown)


if __name__ == "__main__":
    main()
