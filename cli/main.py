"""`shipshape check`: run the PR checklist locally, from a snapshot file, a git range or a diff.

Exit codes: 0 pass or warn, 1 fail, 2 usage error or bad input (one line on stderr).
This module must stay light: a pre-push hook runs it, so it never imports the server stack.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn, TextIO

import checks
from checks.audit import PlannedEntry, current_event, plan, report_summary
from checks.config import CONFIG_PATH
from checks.render.markdown import render_markdown
from checks.render.text import render_text
from cli import config_command
from cli.local_snapshot import (
    GitRange,
    InputError,
    decode_text,
    snapshot_from_diff,
    snapshot_from_git,
)

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
FORMATS = ("text", "json", "markdown")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise InputError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="shipshape", description="Hold a pull request to your Definition of "
                     "Done, locally.")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    check = sub.add_parser("check", help="run the checks and print the report")
    source = check.add_argument_group("what to check (one of)")
    source.add_argument("--snapshot", metavar="FILE", help="a PR snapshot JSON file; - for stdin")
    source.add_argument("--base", metavar="REV", help="check REV...HEAD of a git repository")
    source.add_argument("--diff", metavar="FILE", help="a unified diff file; - for stdin")
    check.add_argument("--head", metavar="REV", default="HEAD", help="head revision (with --base)")
    check.add_argument("--repo", metavar="DIR", help="repository directory (default: .)")
    check.add_argument("--title", help="PR title (default with --base: first commit's subject)")
    check.add_argument("--body", help="PR description")
    check.add_argument("--branch", help="PR branch name (default with --base: current branch)")
    check.add_argument("--config", metavar="FILE",
                       help=f"configuration file (default: {CONFIG_PATH} in the repository)")
    check.add_argument("--only", metavar="ID,...", help="run only these checks")
    check.add_argument("--format", choices=FORMATS, default="text", help="output format")
    snap = sub.add_parser("snapshot", help="print the PR snapshot document for a git range")
    snap.add_argument("--base", metavar="REV", required=True)
    snap.add_argument("--head", metavar="REV", default="HEAD")
    snap.add_argument("--repo", metavar="DIR")
    snap.add_argument("--title")
    snap.add_argument("--body")
    snap.add_argument("--branch")
    config_command.add_parser(sub)
    return parser


def _read_bytes(name: str, stdin: TextIO) -> bytes:
    if name == "-":
        return stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read().encode()
    path = Path(name)
    if path.is_dir():
        raise InputError(f"{name} is a directory, not a file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror or exc}") from exc


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


def _build_document(args: argparse.Namespace, stdin: TextIO) -> Any:
    chosen = [o for o in ("snapshot", "base", "diff") if getattr(args, o) is not None]
    if len(chosen) != 1:
        raise InputError("give exactly one of --snapshot FILE, --base REV or --diff FILE"
                         + (f" (got --{' and --'.join(chosen)})" if chosen else ""))
    if args.snapshot is not None:
        return _load_json(args.snapshot, stdin)
    if args.base is not None:
        return snapshot_from_git(GitRange(_repo(args), args.base, args.head),
                                 args.title, args.body, args.branch)
    if args.title is None:
        raise InputError("--diff needs --title (the PR title the story check reads)")
    diff = decode_text(_read_bytes(args.diff, stdin), args.diff, "a unified diff")
    if not diff.strip():
        raise InputError(f"{args.diff} is empty: nothing to check")
    return snapshot_from_diff(diff, args.title, args.body or "", args.branch or "")


def _config(args: argparse.Namespace) -> checks.Config:
    if args.config is not None:
        path, name = Path(args.config), args.config
        if not path.is_file():
            raise InputError(f"--config: {name} does not exist")
    else:
        path = _repo(args) / CONFIG_PATH
        name = str(path)
        if not path.is_file():
            return checks.config_from_dict({})
    text = decode_text(_read_bytes(str(path), sys.stdin), name, "a YAML file")
    try:
        return checks.config_from_yaml(text)
    except checks.ConfigError as exc:
        raise InputError(f"config {name}: {exc}") from exc


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
            environ: dict[str, str]) -> str:
    if fmt == "json":
        doc = report.to_dict()
        if entries:  # a compatible extension of report.schema.json, like `notes`
            doc["audit"] = _audit_json(entries)
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return render_markdown(report)
    return render_text(report, color=_use_colour(out, environ)) + _audit_text(entries)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, now: str) -> int:
    only = _only(args.only)
    config = _config(args)
    document = _build_document(args, stdin)
    try:
        snapshot = checks.load_snapshot(document)
        report = checks.run(snapshot, config, only)
    except checks.SnapshotError as exc:
        source = args.snapshot or args.diff or f"--base {args.base}"
        raise InputError(f"{source}: {exc}") from exc
    # The entries the App would write for the PR as it stands, stamped now.
    entries = plan(current_event(snapshot), snapshot, report.stories, report_summary(report),
                   config, now)
    stdout.write(_render(report, entries, args.format, stdout, dict(os.environ)))
    return EXIT_FAIL if report.status is checks.Status.FAIL else EXIT_OK


def main(argv: list[str] | None = None, stdin: TextIO | None = None,
         stdout: TextIO | None = None, stderr: TextIO | None = None,
         now: str | None = None) -> int:
    """Run the command line; returns the exit code. `now` (ISO 8601 UTC) stamps the audit
    entries shown; default: the clock."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    try:
        args = _parser().parse_args(argv)
        if args.command == "check":
            return _check(args, stdin, stdout, now or _now())
        if args.command == "snapshot":
            doc = snapshot_from_git(GitRange(_repo(args), args.base, args.head),
                                    args.title, args.body, args.branch)
            stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
            return EXIT_OK
        if args.command == "config":
            return config_command.run(args, stdout)
        raise InputError("a command is required: check, snapshot or config (see shipshape "
                         "--help)")
    except InputError as exc:
        # One line, always: a message may quote input (a diff line, a key) holding newlines.
        stderr.write(f"shipshape: error: {' '.join(str(exc).splitlines()).strip()}\n")
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK  # `shipshape check | head` closing early is not an error


if __name__ == "__main__":
    sys.exit(main())
