"""Complete our runs left in progress on heads a PR has moved away from.

A worker killed mid-run (SIGKILL, out of memory, Redis gone while it ran) leaves its head's
run in_progress, and a retried job dropped because a newer head arrived leaves the run its
first attempt started. No job will ever review that head again (the queue refuses an older
head), so once a newer head's review is published, our in-progress runs on the PR's earlier
heads (the queue remembers the recent ones) are completed neutral, "superseded by <sha>".
Each earlier head is looked at once per process: one GET, and a PATCH per run found. Likewise
a job that finds its PR closed (its first attempt was killed mid-run, then the PR was closed)
completes our in-progress runs on its own head: no later job reviews a closed PR.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import cachetools

from bot.github import Installation, is_gone, repo_vars
from bot.logs import get_logger, log
from bot.outcome import JobOutcome, JobResult
from bot.publish import check_run
from bot.queue import Job
from checks.render import Conclusion

if TYPE_CHECKING:  # the worker runs this hook: imported for its type only
    from bot.worker import Services

_log = get_logger("superseded")
TITLE = "Superseded by a newer commit"
CLOSED_TITLE = "Not reviewed: the pull request was closed"
CLOSED_SUMMARY = ("The pull request was closed before this review finished; it is reviewed "
                  "again if the pull request is reopened.")
# Every in-progress run of ours on one head: one page is plenty (a run is made per attempt).
IN_PROGRESS_URL = ("/repos/{owner}/{repo}/commits/{ref}/check-runs"
                   "{?check_name,app_id,status,filter,per_page}")


def summary(newest: str) -> str:
    """The completed run's summary: which head was reviewed instead."""
    return (f"Superseded by {newest}: a newer commit was pushed to this pull request and "
            "reviewed instead. This run was left in progress when its review stopped.")


class Sweeper:
    """Remembers which earlier heads this process has already swept."""

    def __init__(self, size: int = 10_000) -> None:
        self._swept: cachetools.LRUCache[tuple[str, str], None] = cachetools.LRUCache(size)

    async def sweep(self, gh: Installation, repo: str, heads: Sequence[str], newest: str,
                    app_id: str) -> int:
        """Complete our in-progress runs on the heads before `newest` (the newest last in
        `heads`); return how many. Best effort: a failure is logged and the head is looked
        at again after the PR's next review."""
        if newest not in heads:
            return 0
        completed = 0
        for sha in heads[:heads.index(newest)]:
            if (repo, sha) in self._swept:
                continue
            try:
                completed += await complete_in_progress(gh, repo, sha, app_id, TITLE,
                                                        summary(newest))
            except Exception as exc:
                if not is_gone(exc):  # a head GitHub no longer knows has no run to complete
                    log(_log, logging.WARNING, "could not complete runs on a superseded head",
                        repo=repo, head=sha, error=type(exc).__name__)
                    continue
            self._swept[(repo, sha)] = None
        return completed


# Outcomes after which the job's head has our completed run: its review is the PR's newest.
REVIEWED = frozenset({JobOutcome.PUBLISHED, JobOutcome.CONFIG_ERROR, JobOutcome.DRAFT_SKIPPED,
                      JobOutcome.UNREADABLE, JobOutcome.TIMEOUT})


async def after_review(services: Services, job: Job, result: JobResult) -> None:
    """The worker's hook once a review job ended: sweep the PR's earlier heads, or its own
    head when the PR was closed (never fails the job, whose result is already final)."""
    if not job.head_sha or result.outcome not in (*REVIEWED, JobOutcome.CLOSED):
        return
    try:
        if result.outcome is JobOutcome.CLOSED:
            await complete_in_progress(services.client.for_installation(job.installation_id),
                                       job.repo, job.head_sha, services.app_id, CLOSED_TITLE,
                                       CLOSED_SUMMARY)
            return
        heads = await services.queue.recent_heads(job)
        await services.sweeper.sweep(services.client.for_installation(job.installation_id),
                                        job.repo, heads, job.head_sha, services.app_id)
    except Exception:
        _log.exception("could not sweep the superseded heads",
                       extra={"fields": {"delivery": job.delivery_id}})


async def complete_in_progress(gh: Installation, repo: str, sha: str, app_id: str,
                               title: str, text: str) -> int:
    """Complete our in-progress runs on `sha` as neutral with `title` and `text`; how many."""
    data = await gh.get(IN_PROGRESS_URL, repo_vars(
        repo, ref=sha, check_name=check_run.CHECK_NAME, app_id=app_id, status="in_progress",
        filter="all", per_page=100))
    runs = [run for run in data.get("check_runs") or [] if run.get("head_sha", sha) == sha]
    for run in runs:
        await check_run.complete(gh, repo, int(run["id"]), conclusion=Conclusion.NEUTRAL,
                                 title=title, summary=text)
    if runs:
        log(_log, logging.INFO, "completed runs left in progress", repo=repo, head=sha,
            title=title, runs=[int(run["id"]) for run in runs])
    return len(runs)
