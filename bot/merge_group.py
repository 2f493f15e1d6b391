"""Merge queue jobs: review a merge group's commit and report `shipshape` on it.

GitHub's queue waits for the required checks on the group's `head_sha`, not on the PR's head
(FACTS.md, Merge queue), and ejects the PR when they never come. So every `checks_requested`
job ends in a completed run on that sha: the review's conclusion, success in `pass` mode, or
neutral with the reason when the config is invalid, the PR cannot be found or GitHub fails.

What is judged: the changes and commits of `base_sha...head_sha` (one compare call; a group
queued behind others has the previous group as its base, so only its own PR's changes show),
with the PR's title, body and branch for the story check and the config of the base branch.
No checklist comment and no label: those belong to the PR, which already has them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import gidgethub

import checks
from bot import limits
from bot.commands.history import load_state, with_state
from bot.concurrency import gather
from bot.config_files import load_config
from bot.events.merge_group import NO_PULL
from bot.github import Installation, is_gone
from bot.logs import get_logger
from bot.outcome import JobOutcome, JobResult
from bot.publish import check_run
from bot.queue import Job
from bot.retry import classify
from bot.snapshot import (
    Built,
    Changes,
    Pull,
    _commit_entry,
    _file_entry,
    add_repo_files,
    base_document,
    config_edit_notice,
    fetch_pull,
    needs_repo_files,
    repo_vars,
)
from bot.worker import (
    InFlight,
    ReviewTimeout,
    Services,
    _complete,
    _config_error,
    _run_review,
)
from checks.render import Conclusion
from checks.render.escape import code_span

COMPARE_URL = "/repos/{owner}/{repo}/compare/{basehead}"
DESTROYED = "merge_group.destroyed"
_log = get_logger("merge_group")


async def _whole_diff(gh: Installation, url_vars: dict[str, Any]) -> str | None:
    """The comparison as one diff, or None when GitHub will not serve it (too large)."""
    try:
        diff = await gh.get(COMPARE_URL, url_vars, accept=limits.DIFF_MEDIA_TYPE)
    except gidgethub.BadRequest:
        return None
    return diff if isinstance(diff, str) else None


async def _changes(gh: Installation, url_vars: dict[str, Any], files: list[dict[str, Any]]
                   ) -> Changes:
    """The files of the comparison, or its whole diff when the files list is cut at 300."""
    if len(files) < limits.MAX_COMPARE_FILES:
        return Changes(None, files, ())
    diff = await _whole_diff(gh, url_vars)
    if diff is not None:
        return Changes(diff, None, ())
    return Changes(None, files, (f"GitHub lists at most {limits.MAX_COMPARE_FILES} changed "
                                 "files of a merge group and would not serve its whole diff; "
                                 "the other files were not checked.",))


async def read_group(gh: Installation, pull: Pull, job: Job) -> Built:
    """The snapshot document of the group: the PR's story fields, the group's changes."""
    url_vars = repo_vars(job.repo, basehead=f"{job.base_sha}...{job.head_sha}")
    data = await gh.get(COMPARE_URL, url_vars)
    data = data if isinstance(data, Mapping) else {}
    items = [i for i in data.get("commits") or () if isinstance(i, Mapping)]
    changes = await _changes(gh, url_vars, [_file_entry(i) for i in data.get("files") or ()
                                            if isinstance(i, Mapping)])
    doc = {**base_document(pull), "head_sha": job.head_sha,
           "base_ref": job.base_ref or pull.base_ref,
           "commits": [_commit_entry(i) for i in items]}
    doc.update({"diff": changes.diff} if changes.diff is not None else {"files": changes.files})
    notices = [n for n in (config_edit_notice(changes, job.repo),) if n]
    total = data.get("total_commits")
    if isinstance(total, int) and total > len(items):
        notices.append(f"This merge group has {total} commits; GitHub lists only "
                       f"{len(items)} of them, so only those were checked.")
    return Built(doc, (*notices, *changes.notices), _tree_of(items, job.head_sha))


def _tree_of(items: list[Mapping[str, Any]], sha: str) -> str | None:
    for item in items:
        if item.get("sha") == sha:
            return ((item.get("commit") or {}).get("tree") or {}).get("sha")
    return None


async def _review_group(ctx: InFlight) -> JobResult:
    job = ctx.job
    found = (await check_run.find(ctx.gh, job.repo, job.head_sha, ctx.services.app_id)
             if job.retries else None)  # a retry adopts the run its failed attempt left
    ctx.run_id = found.id if found is not None and not found.completed else (
        await check_run.start(ctx.gh, job.repo, job.head_sha, job.delivery_id,
                              ctx.services.app_id))
    loaded = await load_config(ctx.gh, job.repo, job.base_ref, ctx.services.configs)
    if loaded.config is None:
        assert loaded.error is not None
        return await _config_error(ctx, loaded.error)
    config = loaded.config
    if config.settings["merge_group"]["mode"] == "pass":
        await _complete(ctx, Conclusion.SUCCESS, "Merge queue: judged at pull request time",
                        "The configuration says `merge_group.mode: pass`: the pull request was "
                        "reviewed before it was queued, so the merge group passes at once.")
        return JobResult(JobOutcome.PUBLISHED, Conclusion.SUCCESS)
    if job.number == NO_PULL:
        await _complete(ctx, Conclusion.NEUTRAL, "Merge group not reviewed: no pull request found",
                        "The merge group's branch does not name a pull request "
                        "(`gh-readonly-queue/<base>/pr-<number>-<sha>`), so shipshape could "
                        "not tell which story it belongs to.")
        return JobResult(JobOutcome.NO_PULL, Conclusion.NEUTRAL)
    pull = await fetch_pull(ctx.gh, job.repo, job.number)
    # The PR's waivers and story links (from its comments) apply to its merge group too.
    built, state = await gather(read_group(ctx.gh, pull, job), load_state(
        ctx.gh, pull, ctx.services.app_id, ctx.services.commands.bot_login,
        ctx.services.comments))
    built = with_state(built, state)
    if needs_repo_files(config):
        built = await add_repo_files(ctx.gh, built, ctx.services.trees)
    outputs = await _run_review(ctx, built.document, config, loaded.notices + built.notices)
    await _complete(ctx, outputs.conclusion, outputs.title, outputs.checklist,
                    outputs.annotations)
    return JobResult(JobOutcome.PUBLISHED, outputs.conclusion)


def _reason(exc: BaseException, timeout: float) -> tuple[str, str]:
    """The neutral run's title and summary for a review that could not finish."""
    if isinstance(exc, checks.SnapshotError):
        return ("Could not read this merge group's changes",
                f"shipshape could not read the changes: {code_span(str(exc))}")
    if isinstance(exc, ReviewTimeout):
        return ("Review stopped: it took too long",
                f"The checks did not finish within {timeout:g} seconds and were stopped.")
    if isinstance(exc, asyncio.CancelledError):
        return ("Review interrupted", "The server stopped while reviewing this merge group.")
    return ("Merge group not reviewed",
            f"shipshape could not review this merge group ({type(exc).__name__}: GitHub or "
            "the server failed), so it reports neutral rather than leave the queue waiting. "
            "The pull request itself was reviewed before it was queued.")


async def _report_failure(ctx: InFlight, exc: BaseException) -> None:
    """Complete the group's run as neutral with the reason, whatever went wrong."""
    title, summary = _reason(exc, ctx.services.review_timeout)
    try:
        await _complete(ctx, Conclusion.NEUTRAL, title, summary)
    except Exception as error:
        if not is_gone(error):
            _log.exception("could not report on the merge group after a failure",
                           extra={"fields": {"delivery": ctx.job.delivery_id}})


async def run_merge_group(services: Services, job: Job) -> JobResult:
    """Run a merge_group job to its outcome; a check run on the group's sha always ends it."""
    if job.event == DESTROYED:
        # Its arrival already replaced the group's waiting job (same queue key).
        return JobResult(JobOutcome.DESTROYED)
    ctx = InFlight(services, job, services.client.for_installation(job.installation_id))
    try:
        return await _review_group(ctx)
    except (checks.SnapshotError, ReviewTimeout) as exc:
        await _report_failure(ctx, exc)
        unreadable = isinstance(exc, checks.SnapshotError)
        return JobResult(JobOutcome.UNREADABLE if unreadable else JobOutcome.TIMEOUT,
                         Conclusion.NEUTRAL)
    except BaseException as exc:
        # After a passing failure (GitHub down, rate limits) the run stays in progress: the
        # job is retried and adopts it, or completes it when it is given up on.
        if not ctx.run_completed and classify(exc) is None:
            await asyncio.shield(_report_failure(ctx, exc))
        raise
