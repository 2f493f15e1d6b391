"""Audit entries: one PR event -> one line in each story the PR references.

opened, reopened and ready_for_review carry their event on the review job, which writes the
entries right after publishing, from what the review just found (no extra reads). Events with
no review (converted_to_draft, closed) are audit-only jobs (kind "audit"): they read the config
and the PR once and run the checks in the review pool for the summary and the stories. The
entries are written by bot/publish/audit.py. The entry's time comes from the event's payload,
so a retried job or a redelivered event writes the same line, which the file already has.

Loops: the App's commits on the target branch cause `push` and `check_suite` events, which
shipshape does not act on, and the audit PR (pull-request mode) is skipped by the
pull_request handlers, so no write of ours ever causes another entry or a review.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import cachetools

import checks
from bot.config_files import load_config
from bot.github import Installation
from bot.logs import get_logger, log
from bot.publish import audit as writes
from bot.publish import comment
from bot.review import Outputs, audit_report
from bot.snapshot import (
    Pull,
    add_repo_files,
    build_document,
    fetch_pull,
    repo_vars,
)
from checks.audit import AuditEvent, PlannedEntry, plan, story_globs, summary_of
from checks.config import compile_globs
from checks.render.escape import escape_markdown

if TYPE_CHECKING:
    from bot.queue import Job
    from bot.worker import Services

KIND = "audit"
REPO_URL = "/repos/{owner}/{repo}"
_log = get_logger("audit")


@dataclass(frozen=True)
class Seen:
    """What a review found for one head: enough for the audit entries without reading again."""

    config: checks.Config
    document: dict[str, Any]  # the PR fields and the story files of repo_files, no diff
    summary: str
    stories: tuple[str, ...]
    checklist: str


@dataclass
class AuditState:
    """Per process: branch locks, the latest review per head (the review job's audit entries
    reuse it), and the latest refusal per repository (a warning the checklist shows until a
    write goes through)."""

    locks: writes.BranchLocks = field(default_factory=writes.BranchLocks)
    warnings: dict[str, str] = field(default_factory=dict)
    seen: cachetools.LRUCache[str, Seen] = field(
        default_factory=lambda: cachetools.LRUCache(256))

    def notices(self, repo: str) -> tuple[str, ...]:
        """Notices to show on the repository's checklists."""
        warning = self.warnings.get(repo.lower())
        return (warning,) if warning else ()

    def remember(self, repo: str, head_sha: str, config: checks.Config,
                 document: Mapping[str, Any], outputs: Outputs) -> None:
        """Keep what the review of a head found (called by the review job)."""
        light = {k: v for k, v in document.items()
                 if k not in ("diff", "files", "commits", "repo_files")}
        if isinstance(document.get("repo_files"), list):
            # Only the story files: a monorepo's listing is too big to keep per head.
            light["repo_files"] = _story_files(config, document["repo_files"])
        statuses = [c.get("status", "skip") for c in outputs.report.get("checks", ())]
        self.seen[f"{repo.lower()}@{head_sha}"] = Seen(
            config, light, summary_of(statuses),
            tuple(outputs.report.get("stories", ())), outputs.checklist)

    def recall(self, repo: str, head_sha: str) -> Seen | None:
        """What the review of this head found, if this process reviewed it."""
        return self.seen.get(f"{repo.lower()}@{head_sha}")


def _story_files(config: checks.Config, paths: list[str]) -> list[str]:
    globs = [g for g in story_globs(config) if g.strip()]
    if not globs:
        return []
    try:
        return list(compile_globs(globs).match_files(paths))
    except Exception:  # validated already; a glob pathspec refuses matches nothing, as in story
        return []


def refusal_warning(path: str, branch: str, refused: writes.AuditRefused, mode: str) -> str:
    """Why the audit log was not written, and the ways to fix it."""
    fixes = ("allow the shipshape App to bypass the branch protection or ruleset, grant it "
             "contents: write, or set audit.mode: pull-request" if mode == "commit" else
             "grant the shipshape App contents: write and pull_requests: write")
    reason = (refused.reason.splitlines() or ["refused"])[0][:200]
    return (f"The story audit log was not updated: GitHub refused the write to {path} on "
            f"{branch} ({refused.status}: {reason}). To fix it, {fixes}.")


async def _default_branch(gh: Installation, job: Job) -> str:
    base = (job.pull or {}).get("base")
    repo = base.get("repo") if isinstance(base, Mapping) else None
    name = repo.get("default_branch") if isinstance(repo, Mapping) else None
    if isinstance(name, str) and name:
        return name
    data = await gh.get(REPO_URL, repo_vars(job.repo))
    return str(data.get("default_branch") or "main")


async def _review_once(services: Services, gh: Installation, pull: Pull,
                       config: checks.Config) -> Seen:
    """Read the PR and run the checks (a closed PR, or a review that did not get this far)."""
    built = await add_repo_files(gh, await build_document(gh, pull), services.trees)
    if services.executor is None:
        summary, stories, checklist = audit_report(built.document, config, built.notices)
    else:
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(services.executor, audit_report, built.document,
                                      config, built.notices)
        try:
            summary, stories, checklist = await asyncio.wait_for(future,
                                                                 services.review_timeout)
        except (TimeoutError, BrokenProcessPool):
            from bot.worker import _replace_pool  # a cycle at import time otherwise

            _replace_pool(services)  # a hung or dead process must not hold the pool
            raise
    return Seen(config, built.document, summary, stories, checklist)


def _light_snapshot(document: Mapping[str, Any]) -> checks.Snapshot:
    """The PR fields and file listing the audit plan reads (no diff to parse)."""
    files = document.get("repo_files")
    number = document.get("number")
    return checks.Snapshot(
        title=str(document.get("title") or ""), files=(),
        repository=str(document.get("repository") or ""),
        number=number if isinstance(number, int) else None,
        author=str(document.get("author") or ""), head_sha=str(document.get("head_sha") or ""),
        draft=bool(document.get("draft")),
        repo_files=frozenset(files) if isinstance(files, list) else None)


def audit_item(event: AuditEvent, at: str, actor: str = "", reason: str = "", *,
               check: str = "", source: str = "", story: str = "") -> str:
    """One `Job.audits` item: `event@time`, plus, for slash-command entries (a waiver or a
    story link), `@` and a JSON object naming actor, reason, check, the command comment
    (`source`, the entry's key) and the one story a link goes to."""
    extra = {k: v for k, v in (("actor", actor), ("reason", reason), ("check", check),
                               ("source", source), ("story", story)) if v}
    return f"{event}@{at}@{json.dumps(extra, sort_keys=True)}" if extra else f"{event}@{at}"


@dataclass(frozen=True)
class _Event:
    event: AuditEvent
    at: str
    actor: str = ""
    reason: str = ""
    check: str = ""
    source: str = ""
    story: str = ""


_EXTRA_KEYS = ("actor", "reason", "check", "source", "story")


def _extra(rest: str) -> dict[str, str]:
    """The JSON part of an item (what is not an object reads as nothing)."""
    try:
        data = json.loads(rest)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return {}
    return {k: str(data.get(k) or "") for k in _EXTRA_KEYS}


def _events(job: Job) -> list[_Event]:
    out = []
    for item in job.audits:
        name, at, rest = [*item.split("@", 2), "", ""][:3]
        extra = _extra(rest) if rest else {}
        try:
            out.append(_Event(AuditEvent(name), at, *(extra.get(k, "") for k in _EXTRA_KEYS)))
        except ValueError:
            continue  # a job from a newer version of shipshape: skip what it cannot read
    return out


def _by_path(planned: Sequence[PlannedEntry]) -> dict[str, list[PlannedEntry]]:
    out: dict[str, list[PlannedEntry]] = {}
    for item in planned:
        if item.target.path is not None:
            out.setdefault(item.target.path, []).append(item)
    return out


async def _write_files(services: Services, gh: Installation, job: Job, branch: str,
                       settings: Mapping[str, Any], planned: Sequence[PlannedEntry]
                       ) -> tuple[list[str], str | None]:
    """Write every story file's entries; return outcomes and a refusal warning, if any."""
    state: AuditState = services.audit
    pending = [writes.PendingWrite(path, tuple(p.line for p in items),
                                   writes.commit_message(items[0].target.story, job.number,
                                                         str(items[-1].entry.event)))
               for path, items in _by_path(planned).items()]
    if not pending:
        return [], None
    try:
        if settings["mode"] == "pull-request":
            done = await writes.write_via_pull_request(
                gh, job.repo, branch, pending, heading=settings["heading"], locks=state.locks)
            return [done], None
        outcomes = []
        for item in pending:
            outcomes.append(await writes.append_entries(
                gh, job.repo, branch, item.path, item.lines, heading=settings["heading"],
                message=item.message, locks=state.locks))
        return outcomes, None
    except writes.AuditRefused as refused:
        where = pending[0].path if settings["mode"] == "commit" else writes.AUDIT_BRANCH
        return ["refused"], refusal_warning(where, branch, refused, settings["mode"])


async def _warn(services: Services, gh: Installation, pull: Pull, config: checks.Config,
                seen: Seen, warning: str | None) -> None:
    """Show a refusal on the checklist now; the review job keeps showing it from then on."""
    state: AuditState = services.audit
    key = pull.repo.lower()
    if warning is None:
        state.warnings.pop(key, None)
        return
    state.warnings[key] = warning
    if config.settings["comment"]:
        body = f"{seen.checklist.rstrip()}\n\n> ⚠️ {escape_markdown(warning)}\n"
        await comment.upsert(gh, pull.repo, pull.number, body, app_id=services.app_id,
                             cache=services.comments)


async def _comment_issues(gh: Installation, repo: str, planned: Sequence[PlannedEntry]
                          ) -> list[str]:
    outcomes = []
    for item in planned:
        if item.target.issue is not None:
            outcomes.append(await writes.comment_on_issue(gh, repo, item.target.issue,
                                                          item.line))
    return outcomes


async def _seen(services: Services, gh: Installation, job: Job, pull: Pull) -> Seen | None:
    """What the review of this head found, from this process's review or read afresh."""
    seen = services.audit.recall(job.repo, job.head_sha)
    if seen is not None:
        return seen if seen.config.settings["audit"]["enabled"] != "false" else None
    config = (await load_config(gh, pull.repo, pull.base_ref, services.configs)).config
    if config is None:
        return None  # the review's check run says what is wrong
    if config.settings["audit"]["enabled"] == "false":
        return None
    return await _review_once(services, gh, pull, config)


async def run_audit(services: Services, job: Job, pull: Pull | None = None) -> str:
    """Write the audit entries of the job's PR events; return the outcome. `pull`: the PR as
    the caller just read it (spares a GET)."""
    events = _events(job)
    if not events:
        return "audit_none"
    gh = services.client.for_installation(job.installation_id)
    pull = pull or await _pull(gh, job)
    seen = await _seen(services, gh, job, pull)
    if seen is None:
        return "audit_off"
    config = seen.config
    snapshot = _light_snapshot(seen.document)
    # A story link goes to the story linked; every other event to all the PR's stories.
    planned = [entry for e in events
               for entry in plan(e.event, snapshot, (e.story,) if e.story else seen.stories,
                                 seen.summary, config, e.at, actor=e.actor, reason=e.reason,
                                 check=e.check, source=e.source)]
    if not planned:
        return "audit_no_story"
    settings = config.settings["audit"]
    branch = settings["branch"] or await _default_branch(gh, job)
    outcomes, warning = await _write_files(services, gh, job, branch, settings, planned)
    outcomes += await _comment_issues(gh, pull.repo, planned)
    await _warn(services, gh, pull, config, seen, warning)
    log(_log, 20, "audit", delivery=job.delivery_id, repo=job.repo, pr=job.number,
        events=",".join(job.audits), outcomes=",".join(outcomes))
    if warning is not None:
        return "audit_refused"
    return "audit_written" if writes.WRITTEN in outcomes else "audit_unchanged"


async def _pull(gh: Installation, job: Job) -> Pull:
    if job.pull is not None:
        try:
            return Pull.from_api(job.repo, job.pull)
        except (KeyError, TypeError, ValueError):
            pass
    return await fetch_pull(gh, job.repo, job.number)
