"""`python -m bot redeliver [--since 1h]`: one reconciler pass over a window the operator
names (after an outage, say), with the server's own environment; the periodic mark is left
as it is. Exit 0 after the pass, 1 when GitHub or the store failed or another pass holds the
lock, 2 with one line for a bad argument or setting."""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Mapping, Sequence
from datetime import timedelta

import aiohttp

from bot.github import GitHubClient
from bot.metrics import Metrics
from bot.queue.open import open_queue
from bot.reconcile import RETENTION, PassReport, Reconciler, utcnow
from bot.reconcile.store import open_marks
from bot.settings import InvalidSettings, Settings

EXIT_FAILED = 1
EXIT_USAGE = 2
DEFAULT_SINCE = "1h"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_SINCE = re.compile(r"(\d{1,6})([smhd])")


class UsageError(ValueError):
    """A bad argument; the message is the one line printed."""


def parse_since(text: str) -> timedelta:
    """`30m`, `1h`, `2d` (also `s`): a window back from now, at most GitHub's 3 days."""
    match = _SINCE.fullmatch(text.strip())
    if match is None:
        raise UsageError(f"--since: expected a number and a unit (30m, 1h, 2d), got {text!r}")
    window = timedelta(seconds=int(match[1]) * _UNITS[match[2]])
    if not timedelta(0) < window <= RETENTION:
        raise UsageError(f"--since: must be more than 0 and at most 3d (GitHub keeps "
                         f"deliveries 3 days), got {text!r}")
    return window


def parse_args(argv: Sequence[str]) -> timedelta:
    """The window `--since X` (or `--since=X`) names; 1h when absent."""
    args = list(argv)
    if len(args) == 1 and args[0].startswith("--since="):
        return parse_since(args[0].removeprefix("--since="))
    if not args:
        return parse_since(DEFAULT_SINCE)
    if len(args) == 2 and args[0] == "--since":
        return parse_since(args[1])
    raise UsageError(f"usage: python -m bot redeliver [--since 1h], got {' '.join(args)!r}")


async def redeliver(settings: Settings, window: timedelta) -> PassReport | None:
    """One pass over the last `window`; None when another pass holds the lock."""
    queue = open_queue(settings)
    marks = open_marks(settings)
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
            client = GitHubClient(session, app_id=settings.app_id,
                                  private_key=settings.private_key,
                                  base_url=settings.github_api_url, metrics=Metrics())
            reconciler = Reconciler(client, queue, marks, interval=settings.reconcile_interval)
            return await reconciler.run_pass(since=utcnow() - window)
    finally:
        await marks.close()
        await queue.shutdown()


def main(environ: Mapping[str, str], argv: Sequence[str]) -> int:
    """Run the command; print one summary line (and one per redelivered event)."""
    errors: list[str] = []
    window = timedelta(0)
    try:
        window = parse_args(argv)
    except UsageError as exc:
        errors.append(str(exc))
    try:
        settings = Settings.from_env(environ)
    except InvalidSettings as exc:
        errors.extend(str(error) for error in exc.errors)
    if errors:
        for error in errors:
            print(f"shipshape redeliver: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        report = asyncio.run(redeliver(settings, window))
    except Exception as exc:  # GitHub, Redis or the file: one line, not a traceback
        print(f"shipshape redeliver: failed: {exc.__class__.__name__}: {exc}"[:300],
              file=sys.stderr)
        return EXIT_FAILED
    if report is None:
        print("shipshape redeliver: another reconciler pass is running; try again shortly",
              file=sys.stderr)
        return EXIT_FAILED
    for attempt in report.redelivered:
        print(f"redelivered {attempt.guid} ({attempt.event}"
              f"{'.' + attempt.action if attempt.action else ''}, attempt {attempt.id}, "
              f"status {attempt.status_code})")
    print(f"shipshape redeliver: {report.summary()}")
    return 0
