"""`shipshape check`: build the snapshot, read the configuration, run the engine, render.

Imported only when a check runs, so `--help`, `--version` and usage errors never load the engine.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import checks
from checks.audit import PlannedEntry, current_event, plan, report_summary
from checks.config import CONFIG_PATH
from checks.render.text import render_text
from cli.errors import InputError
from cli.limits import MAX_FILES, MAX_INPUT_BYTES, too_large, too_many_files

# Imported where used: git ranges, diff files, the markdown and workflow formats and the
# configuration layers' file references are not what `check --snapshot` with text output needs.
if TYPE_CHECKING:
    from checks.layers import FileRef

EXIT_OK, EXIT_FAIL = 0, 1


def _read_bytes(name: str, stdin: TextIO) -> bytes:
    """The input's bytes, refused past MAX_INPUT_BYTES (read no further than one byte past)."""
    limit = MAX_INPUT_BYTES + 1
    if name == "-":
        data = (stdin.buffer.read(limit) if hasattr(stdin, "buffer")
                else stdin.read(limit).encode())
    else:
        path = Path(name)
        if path.is_dir():
            raise InputError(f"{name} is a directory, not a file")
        try:
            with path.open("rb") as file:
                data = file.read(limit)
        except OSError as exc:
            raise InputError(f"cannot read {name}: {exc.strerror or exc}") from exc
    if len(data) > MAX_INPUT_BYTES:
        raise too_large("standard input" if name == "-" else name)
    return data


def _load_json(name: str, stdin: TextIO) -> Any:
    data = _read_bytes(name, stdin)
    try:
        return json.loads(data)  # json detects UTF-8/16/32 from the bytes themselves
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        if b"\0" in data[:8000]:
            raise InputError(f"{name} is binary data, not a JSON snapshot") from exc
        if isinstance(exc, UnicodeDecodeError):
            raise InputError(f"{name} is not UTF-8 text (bad byte at offset {exc.start}); "
                             "a snapshot must be UTF-8 JSON") from exc
        raise InputError(f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, "
                         f"column {exc.colno}") from exc
    except RecursionError as exc:
        raise InputError(f"{name} is not a usable snapshot: JSON nested too deeply") from exc
    except ValueError as exc:  # an integer past Python's 4,300-digit conversion limit
        raise InputError(f"{name} is not a usable snapshot: {str(exc).split(';')[0]}") from exc


def _repo(args: argparse.Namespace) -> Path:
    return Path(args.repo) if args.repo else Path.cwd()


class NothingToCheck(Exception):
    """The range or the staged set holds no change: exit 0, so a hook never blocks an empty push."""


def _story_runs(config: checks.Config, only: set[str] | None) -> bool:
    story = config.checks.get("story")
    return (story is None or story.enabled) and (only is None or "story" in only)


def _build_document(args: argparse.Namespace, stdin: TextIO, story_runs: bool) -> Any:
    chosen = [o for o in ("snapshot", "base", "diff") if getattr(args, o) is not None]
    chosen += ["staged"] if args.staged else []
    if len(chosen) != 1:
        raise InputError("give exactly one of --snapshot FILE, --base REV, --diff FILE, "
                         "--staged or --pre-push"
                         + (f" (got --{' and --'.join(chosen)})" if chosen else ""))
    if args.snapshot is not None:
        return _with_number(_load_json(args.snapshot, stdin), args)
    from cli.local_snapshot import (
        GitRange,
        decode_text,
        snapshot_from_diff,
        snapshot_from_git,
        snapshot_from_staged,
    )

    if args.base is not None:
        doc = snapshot_from_git(GitRange(_repo(args), args.base, args.head),
                                args.title, args.body, args.branch, args.number)
        if not doc["commits"] and not doc["diff"].strip():
            raise NothingToCheck(f"{args.head} has no commits beyond {args.base}")
    elif args.staged:
        doc = snapshot_from_staged(_repo(args), args.branch)
        if not doc["diff"].strip():
            raise NothingToCheck("no staged changes")
        doc["title"], doc["body"] = args.title or "", args.body or ""
    else:
        if args.title is None and story_runs:
            raise InputError("--diff needs --title (the PR title the story check reads), or "
                             "--only without story")
        diff = decode_text(_read_bytes(args.diff, stdin), args.diff, "a unified diff")
        if not diff.strip():
            raise InputError(f"{args.diff} is empty: nothing to check")
        doc = snapshot_from_diff(diff, args.title or "", args.body or "", args.branch or "")
    return _with_number(doc, args)


def _with_number(doc: Any, args: argparse.Namespace) -> Any:
    if args.number is not None and isinstance(doc, dict) and args.base is None:
        doc["number"] = args.number
    return doc


def _layered_config(args: argparse.Namespace, text: str | None, name: str
                    ) -> tuple[checks.Config, tuple[str, ...]]:
    """The repository's file (already read) under the organisation's and the extends targets'
    layers, merged by the App's own rules (checks/layers.py)."""
    if text is None and args.org is None:
        # No layer at all: the defaults, without importing the layering (a pre-commit hook in
        # a repository without a config file pays for nothing it does not use).
        return checks.config_from_dict({}), ()
    from checks.layers import LayerError, LayerKind, resolve_with
    from cli.config_command import LocalReader

    local = LocalReader(_repo(args), args.base, Path(args.org) if args.org else None,
                        Path(args.checkouts) if args.checkouts else None)

    def read(ref: FileRef) -> str | None:
        return text if ref.kind is LayerKind.REPOSITORY else local.read(ref)

    try:
        layered = resolve_with(read, args.name or _name_if_needed(args, text),
                               args.base or "", checks.REGISTRY)
        return layered.config, layered.refused
    except LayerError as exc:
        hint = " (extends targets are read from --checkouts DIR)" \
            if "not found" in str(exc) and args.checkouts is None else ""
        # The repository's own file is named as the user named it; another layer by its label.
        where = f"{exc.path}: " if exc.path else ""
        detail = f"{where}{exc.message}" if exc.kind is LayerKind.REPOSITORY else str(exc)
        raise InputError(f"config {name}: {detail}{hint}") from exc
    except checks.ConfigError as exc:
        raise InputError(f"config {name}: {exc}") from exc


def _name_if_needed(args: argparse.Namespace, text: str | None) -> str:
    """The repository's name from git when a layer may need it (an `extends:` of the same owner,
    the organisation's file); else the name git would fall back to, without running git (a
    process start is a good part of a small check's time)."""
    from cli.config_command import repository_name

    if args.org is not None or (text is not None and "extends" in text):
        return repository_name(_repo(args))
    return f"local/{_repo(args).resolve().name}"


def _pre_push_range(args: argparse.Namespace, environ: dict[str, str]) -> None:
    """Turn --pre-push into --base/--head: what pre-commit says is pushed, else the upstream."""
    if args.base is not None or args.snapshot is not None or args.diff is not None or args.staged:
        raise InputError("--pre-push takes its range from git: drop --base, --snapshot, --diff "
                         "and --staged")
    base = environ.get("PRE_COMMIT_FROM_REF") or environ.get("PRE_COMMIT_SOURCE")
    head = environ.get("PRE_COMMIT_TO_REF") or environ.get("PRE_COMMIT_ORIGIN")
    if base and head:
        args.base, args.head = base, head
        local = environ.get("PRE_COMMIT_LOCAL_BRANCH", "")
        if args.branch is None and local.startswith("refs/heads/"):
            args.branch = local.removeprefix("refs/heads/")
        return
    from cli.local_snapshot import upstream_exists

    if not upstream_exists(_repo(args)):
        raise NothingToCheck("no pushed range from pre-commit and no upstream branch to "
                             "compare with")
    args.base = "@{upstream}"


def _read_text(name: str, what: str) -> str:
    from cli.local_snapshot import decode_text

    return decode_text(_read_bytes(name, sys.stdin), name, what)


def _config(args: argparse.Namespace) -> tuple[checks.Config, str]:
    """The configuration and where it came from: --config, the base revision or the tree."""
    text: str | None
    if args.config is not None:
        path, name = Path(args.config), args.config
        if not path.is_file():
            raise InputError(f"--config: {name} does not exist")
        text = _read_text(name, "a YAML file")
    elif args.base is not None:
        from cli.local_snapshot import config_at

        # What the App reads: the file on the branch the PR merges into, never the PR's own.
        text = config_at(_repo(args), args.base, CONFIG_PATH)
        name = f"{CONFIG_PATH} at {args.base}" if text is not None \
            else f"built-in defaults (no {CONFIG_PATH} at {args.base})"
    else:
        path = _repo(args) / CONFIG_PATH
        text = _read_text(str(path), "a YAML file") if path.is_file() else None
        name = str(path) if text is not None else f"built-in defaults (no {CONFIG_PATH})"
    source = name if args.org is None else f"{name} over the organisation's {args.org}"
    config, refused = _layered_config(args, text, name)
    # A change a locked key refused is said where the source is, as the App's checklist says it.
    return config, source + "".join(f"; refused: {line}" for line in refused)


def _only(value: str | None) -> set[str] | None:
    if value is None:
        return None
    wanted = {part.strip() for part in value.split(",") if part.strip()}
    known = [spec.id for spec in checks.REGISTRY]
    unknown = sorted(wanted - set(known))
    if unknown or not wanted:
        named = ", ".join(map(repr, unknown)) if unknown else "(none given)"
        raise InputError(f"--only: unknown check {named}; known checks: {', '.join(known)}")
    return wanted


def _use_colour(out: TextIO, environ: dict[str, str]) -> bool:
    if "NO_COLOR" in environ:
        return False
    return bool(environ.get("FORCE_COLOR")) or (hasattr(out, "isatty") and out.isatty())


def _audit_json(entries: tuple[PlannedEntry, ...]) -> list[dict[str, Any]]:
    return [{"story": e.target.story, "path": e.target.path, "issue": e.target.issue,
             "event": str(e.entry.event), "line": e.line} for e in entries]


def _audit_text(entries: tuple[PlannedEntry, ...]) -> str:
    lines = []
    for e in entries:
        where = e.target.path or f"issue #{e.target.issue}"
        lines.append(f"  audit: {where}: {e.line.split(' <!--')[0].replace(chr(0x200b), '')}")
    return "".join(f"{line}\n" for line in lines)


def _render(report: checks.Report, entries: tuple[PlannedEntry, ...], fmt: str, out: TextIO,
            environ: dict[str, str], config_source: str) -> str:
    if fmt == "sarif":
        # hashlib: a few ms that no other format needs.
        from cli import __version__
        from cli.sarif import render_sarif

        return json.dumps(render_sarif(report, __version__), indent=2, ensure_ascii=False) + "\n"
    if fmt == "github":
        from cli.workflow import render_workflow_commands

        _write_step_summary(report, environ)
        return (render_workflow_commands(report) + render_text(report)
                + f"  config: {config_source}\n")
    if fmt == "json":
        doc = report.to_dict()
        if entries:  # a compatible extension of report.schema.json, like `notes`
            doc["audit"] = _audit_json(entries)
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        from checks.render.markdown import render_markdown

        return render_markdown(report)
    return (render_text(report, color=_use_colour(out, environ)) + _audit_text(entries)
            + f"  config: {config_source}\n")


def _write_step_summary(report: checks.Report, environ: dict[str, str]) -> None:
    """Append the checklist to the job's summary page when Actions gives one."""
    target = environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    from checks.render.markdown import render_markdown

    try:
        with open(target, "a", encoding="utf-8") as summary:
            summary.write(render_markdown(report) + "\n")
    except OSError as exc:
        raise InputError(f"GITHUB_STEP_SUMMARY: cannot write {target}: "
                         f"{exc.strerror or exc}") from exc


def run_check(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, now: str) -> int:
    """Run `shipshape check` with parsed arguments; returns the exit code."""
    only = _only(args.only)
    try:
        if args.pre_push:
            _pre_push_range(args, dict(os.environ))
        config, config_source = _config(args)
        document = _build_document(args, stdin, _story_runs(config, only))
    except NothingToCheck as exc:
        stdout.write(f"shipshape: nothing to check ({exc})\n")
        return EXIT_OK
    source = args.snapshot or args.diff or (f"--base {args.base}" if args.base else "--staged")
    try:
        snapshot = checks.load_snapshot(document)
    except checks.SnapshotError as exc:
        raise InputError(f"{source}: {exc}") from exc
    if len(snapshot.files) > MAX_FILES:
        raise too_many_files(source, len(snapshot.files))
    # A one-shot process: what exists now (modules, the parsed model) lives to the end, so
    # the cyclic collector need never walk it again.
    gc.freeze()
    report = checks.run(snapshot, config, only)
    # The entries the App would write for the PR as it stands, stamped now.
    entries = plan(current_event(snapshot), snapshot, report.stories, report_summary(report),
                   config, now)
    stdout.write(_render(report, entries, args.format, stdout, dict(os.environ),
                         config_source))
    return EXIT_FAIL if report.status is checks.Status.FAIL else EXIT_OK


