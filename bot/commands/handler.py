"""Run a `command` job: parse the comment with the base branch's settings, check who may do
what, react (`eyes` accepted, `confused` refused or wrong), reply, and re-review when the
command changes the result (recheck, skip, unskip, story).

Calls beyond the review itself: one reaction (two when some commands are refused), the
permission (cached for minutes, none for commands anyone may run) and one reply.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import aiohttp
import gidgethub

import checks
from bot.commands import permissions
from bot.commands.audit import write_entries
from bot.commands.grammar import (
    DEFAULT_PREFIX,
    WAIVE_ALL,
    Command,
    Name,
    ParseError,
    parse,
)
from bot.commands.records import Kind, Record, marker
from bot.commands.replies import error_line, explain_reply, help_reply, quoted
from bot.config_files import Loaded, load_config
from bot.events.pull_request import pull_fields
from bot.github import Installation, repo_vars
from bot.logs import get_logger, log
from bot.outcome import JobOutcome, JobResult
from bot.queue import Job
from bot.review import Outputs, fingerprints_for
from bot.snapshot import PULL_URL, Built, Pull
from bot.worker import NO_AUDIT, InFlight, Services, review_pull
from checks.layers import Layered
from checks.render.escape import code_span
from checks.render.replies import REPLY_MARKER

REACTIONS_URL = "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions"
REPLY_URL = "/repos/{owner}/{repo}/issues/{number}/comments"
ACCEPTED, REFUSED = "eyes", "confused"
# Commands whose result is a new check run and checklist; the others only reply.
CHANGES_RESULT = (Name.RECHECK, Name.SKIP, Name.UNSKIP, Name.STORY)
_log = get_logger("commands")


@dataclass(frozen=True)
class CommandComment:
    """The comment a command job came from."""

    id: int
    body: str
    author: str
    deleted: bool

    @classmethod
    def from_job(cls, job: Job) -> CommandComment:
        """Read the job's `command` data."""
        data: Mapping[str, Any] = job.command or {}
        return cls(int(data.get("id") or 0), str(data.get("body") or ""),
                   str(data.get("author") or ""), bool(data.get("deleted")))


def now_iso() -> str:
    """The time a waiver is recorded (the bot owns the clock, not the engine)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class Run:
    """One comment's commands on their way through a review (the worker's ReviewHook)."""

    comment: CommandComment
    accepted: list[Command]
    settings: Mapping[str, Any]
    config: checks.Config
    lines: list[str] = field(default_factory=list)
    # The layers the configuration came from, for `explain config`.
    layered: Layered | None = None
    records: list[Record] = field(default_factory=list)
    refused: bool = False
    replied: bool = False

    @property
    def prefix(self) -> str:
        """The configured prefix, shown in replies."""
        return str(self.settings.get("prefix") or DEFAULT_PREFIX)

    def wants(self, *names: Name) -> bool:
        """True when an accepted command has one of `names`."""
        return any(c.name in names for c in self.accepted)

    async def prepare(self, ctx: InFlight, config: checks.Config, built: Built) -> Built:
        """Record skips (with the findings on this head), unskips and story links; reply."""
        doc = built.document
        waived = {str(w.get("check")) for w in doc.get("waivers") or ()}
        skips = [c for c in self.accepted if c.name is Name.SKIP]
        prints = await _fingerprints(ctx, doc, skips, config)
        for command in self.accepted:
            if command.name is Name.SKIP:
                self._skip(command, prints)
            elif command.name is Name.UNSKIP:
                self._unskip(command, waived)
            elif command.name is Name.STORY:
                self.records.append(Record(Kind.STORY, self.comment.author, now_iso(),
                                           self.comment.id, story=command.story))
                self.lines.append(f"- {quoted(command.line)}: linked to story "
                                  f"{quoted(command.story)}.")
        await self.send(ctx)
        return _apply(built, self.records)

    def _skip(self, command: Command, prints: Mapping[str, list[str]]) -> None:
        targets = [c for c in prints if command.check in (c, WAIVE_ALL) and prints[c]]
        if not targets:
            self.refused = True
            what = "no check has" if command.check == WAIVE_ALL else \
                f"{code_span(command.check)} has"
            self.lines.append(f"- {quoted(command.line)}: nothing to waive: {what} no "
                              "findings on this head.")
            return
        for check in targets:
            self.records.append(Record(Kind.SKIP, self.comment.author, now_iso(),
                                       self.comment.id, check=check, reason=command.reason,
                                       fingerprints=tuple(prints[check])))
            count = len(prints[check])
            self.lines.append(f"- {quoted(command.line)}: {code_span(check)} waived for its "
                              f"{count} current finding{'s' if count != 1 else ''}; a new "
                              "finding makes it fail again.")

    def _unskip(self, command: Command, waived: set[str]) -> None:
        if (command.check != WAIVE_ALL and command.check not in waived) or not waived:
            self.refused = True
            self.lines.append(f"- {quoted(command.line)}: there is no waiver to withdraw.")
            return
        self.records.append(Record(Kind.UNSKIP, self.comment.author, now_iso(),
                                   self.comment.id, check=command.check))
        self.lines.append(f"- {quoted(command.line)}: waiver withdrawn.")

    async def reviewed(self, ctx: InFlight, outputs: Outputs) -> bool:
        """Reply to `explain` with the findings of this review; publish when results change."""
        for command in self.accepted:
            if command.name is Name.EXPLAIN:
                await _post(ctx.gh, ctx.job.repo, ctx.job.number,
                            explain_reply(command, outputs.report, self.config, self.prefix,
                                          self.layered))
        return self.wants(*CHANGES_RESULT)

    async def send(self, ctx: InFlight) -> None:
        """Post the reply once (with the records), and `confused` if something was refused."""
        if self.replied:
            return
        self.replied = True
        if self.refused:
            await _react(ctx.gh, ctx.job.repo, self.comment.id, REFUSED)
        if self.lines or self.records:
            body = "\n".join([REPLY_MARKER, *self.lines])
            if self.records:
                body += "\n\n" + marker(self.records)
            await _post(ctx.gh, ctx.job.repo, ctx.job.number, body)


def _apply(built: Built, records: list[Record]) -> Built:
    """The document with the new records applied, as a later review would rebuild it."""
    doc = dict(built.document)
    waivers = {str(w["check"]): w for w in doc.get("waivers") or ()}
    stories = list(doc.get("story_links") or ())
    for record in records:
        if record.kind is Kind.SKIP:
            waivers[record.check] = {
                "check": record.check, "by": record.by, "reason": record.reason,
                "at": record.at, "fingerprints": list(record.fingerprints),
                "comment_id": record.command_id}
        elif record.kind is Kind.UNSKIP:
            if record.check == WAIVE_ALL:
                waivers.clear()
            else:
                waivers.pop(record.check, None)
        elif record.story not in stories:
            stories.append(record.story)
    doc["waivers"] = list(waivers.values())
    if stories:
        doc["story_links"] = stories
    return replace(built, document=doc)


async def _fingerprints(ctx: InFlight, doc: dict[str, Any], skips: list[Command],
                        config: checks.Config) -> dict[str, list[str]]:
    if not skips:
        return {}
    wanted = sorted({spec.id for spec in checks.REGISTRY for c in skips
                     if c.check in (spec.id, WAIVE_ALL) and config.checks[spec.id].enabled})
    executor = ctx.services.executor
    if executor is None:
        return fingerprints_for(doc, config, wanted)
    loop = asyncio.get_running_loop()
    return await asyncio.wait_for(
        loop.run_in_executor(executor, fingerprints_for, doc, config, wanted),
        ctx.services.review_timeout)


async def _react(gh: Installation, repo: str, comment_id: int, content: str) -> None:
    try:
        await gh.post(REACTIONS_URL, repo_vars(repo, comment_id=comment_id),
                      data={"content": content})
    except gidgethub.BadRequest as exc:  # the comment was deleted meanwhile: nothing to mark
        if int(exc.status_code) != 404:
            raise


async def _post(gh: Installation, repo: str, number: int, body: str) -> None:
    # Not retried blindly after a 5xx: GitHub may have written it; a duplicate reply is
    # harmless to the waiver state (same records, same command comment) but noisy.
    try:
        await gh.post(REPLY_URL, repo_vars(repo, number=number), data={"body": body},
                      retry_unsure=False)
    except (gidgethub.GitHubBroken, TimeoutError, aiohttp.ClientConnectionError):
        _log.warning("reply may not have been posted", extra={"fields": {"pr": number}})
        raise


async def _authorise(ctx: InFlight, comment: CommandComment, parsed: list[Any],
                     settings: Mapping[str, Any]) -> tuple[list[Command], list[str]]:
    """The commands the commenter may run now, and reply lines for the rest."""
    pull = ctx.pull
    assert pull is not None
    state = ctx.services.commands
    accepted: list[Command] = []
    lines: list[str] = []
    table = settings.get("permissions") or {}
    for item in parsed:
        if isinstance(item, ParseError):
            lines.append(error_line(item))
            continue
        need = permissions.needed(item, table)
        if not await permissions.allowed(ctx.gh, state.permissions, pull.repo, comment.author,
                                         need, pull.author):
            lines.append(f"- {quoted(item.line)}: not run; it needs {need.describe()}.")
            continue
        if item.name is Name.SKIP and not settings.get("self_waive", True) and (
                comment.author.lower() == pull.author.lower()):
            lines.append(f"- {quoted(item.line)}: not run; this repository does not let "
                         "authors waive checks on their own pull requests.")
            continue
        if item.name is Name.RECHECK:
            wait = state.recheck_wait(pull.repo + f"#{pull.number}",
                                      float(settings.get("recheck_interval", 60)))
            if wait > 0:
                lines.append(f"- {quoted(item.line)}: not run; this pull request was "
                             f"rechecked moments ago. Try again in {max(1, round(wait))} s.")
                continue
        accepted.append(item)
    return accepted, lines


def _config(loaded: Loaded) -> tuple[checks.Config, str]:
    """The validated configuration, or the defaults and the error when it is invalid."""
    if loaded.config is None:
        return checks.config_from_dict({}), str(loaded.error)
    return loaded.config, ""


async def handle(services: Services, job: Job) -> JobResult:
    """Run the commands of one comment; return the job's outcome."""
    comment = CommandComment.from_job(job)
    gh = services.client.for_installation(job.installation_id)
    data = await gh.get(PULL_URL, repo_vars(job.repo, number=job.number))
    pull = Pull.from_api(job.repo, data)
    if pull.state != "open":
        return JobResult(JobOutcome.CLOSED)
    # The PR's fields ride on the job, so the audit entries need no second GET.
    ctx = InFlight(services, replace(job, kind="review", head_sha=pull.head_sha,
                                     pull=pull_fields(data)), gh, pull=pull)
    if comment.deleted:  # what it waived no longer counts: the review rebuilds without it
        return await review_pull(ctx)
    loaded = await load_config(gh, pull.repo, pull.base_ref, services.configs)
    config, config_error = _config(loaded)
    settings: Mapping[str, Any] = config.settings["commands"]
    if not services.commands.slug:
        services.commands.slug = await services.client.app_slug()
    prefixes = [str(settings["prefix"]), f"@{services.commands.slug}"]
    parsed = parse(comment.body, prefixes, [spec.id for spec in checks.REGISTRY])
    if not parsed:
        return JobResult(JobOutcome.NO_COMMAND)
    if config_error:
        await _react(gh, job.repo, comment.id, REFUSED)
        await _post(gh, job.repo, job.number, f"{REPLY_MARKER}\nCommands cannot run while "
                    f"the configuration is invalid: {code_span(config_error)}")
        return JobResult(JobOutcome.CONFIG_ERROR)
    accepted, lines = await _authorise(ctx, comment, parsed, settings)
    log(_log, 20, "commands", delivery=job.delivery_id, pr=job.number, author=comment.author,
        accepted=[str(c.name) for c in accepted], refused=len(parsed) - len(accepted))
    run = Run(comment, accepted, settings, config, lines, refused=bool(lines),
              layered=loaded.layered)
    if accepted:
        await _react(gh, job.repo, comment.id, ACCEPTED)
    if run.wants(Name.HELP):
        run.lines.append(help_reply(settings))
    if not run.wants(*CHANGES_RESULT, Name.EXPLAIN):
        await run.send(ctx)
        return JobResult(JobOutcome.REPLIED if accepted else JobOutcome.REFUSED)
    ctx.job = replace(ctx.job, rerun=run.wants(Name.RECHECK))
    ctx.config, ctx.config_notices = config, loaded.notices
    ctx.hook = run
    try:
        outcome = await review_pull(ctx, start=run.wants(*CHANGES_RESULT))
    finally:
        if not run.replied:  # the review stopped before the commands were recorded
            run.lines.append("- The head could not be reviewed now, so nothing was recorded.")
            run.refused = run.refused or run.wants(Name.SKIP, Name.UNSKIP, Name.STORY)
            await asyncio.shield(run.send(ctx))
    if outcome.outcome not in NO_AUDIT:  # as for PR events: the checks could not run
        await write_entries(services, ctx.job, pull, run.records)
    return outcome
