"""`shipshape`: the command line's arguments and dispatch; `check` runs the PR checklist locally,
from a snapshot file, a git range, a diff, the staged changes or the range being pushed.

Exit codes: 0 pass or warn, 1 fail, 2 usage error or bad input (one line on stderr).
This module must stay light: a pre-push hook runs it, so it imports neither the server stack nor,
until a check runs, the engine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn, TextIO

from cli import __version__, config_command
from cli.errors import InputError

# checks.config.CONFIG_PATH, spelled out so `--help` does not load the engine (a test holds both).
CONFIG_PATH = ".github/shipshape.yml"

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
# `github`: workflow-command annotations plus the checklist in $GITHUB_STEP_SUMMARY (action.yml).
FORMATS = ("text", "json", "markdown", "sarif", "github")


def _number(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a pull request number")
    return int(value)


def terminal_columns() -> int:
    """`shutil.get_terminal_size().columns` (the width argparse wraps help to) without importing
    shutil, and with it bz2 and lzma: ~2 ms of every start-up, since argparse makes a formatter
    for each option it adds. $COLUMNS, else the terminal's width, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Formatter(argparse.HelpFormatter):
    """argparse's help formatter, given the terminal's width as argparse would find it."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         terminal_columns() - 2 if width is None else width)


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit code 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise InputError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="shipshape", description="Hold a pull request to your Definition of "
                     "Done, locally.")
    parser.add_argument("--version", action="version", version=f"shipshape {__version__}",
                        help="print the installed version and exit")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    check = sub.add_parser("check", help="run the checks and print the report")
    source = check.add_argument_group("what to check (one of)")
    source.add_argument("--snapshot", metavar="FILE", help="a PR snapshot JSON file; - for stdin")
    source.add_argument("--base", metavar="REV", help="check REV...HEAD of a git repository")
    source.add_argument("--diff", metavar="FILE", help="a unified diff file; - for stdin")
    source.add_argument("--staged", action="store_true",
                        help="the changes staged for the next commit (a pre-commit hook)")
    source.add_argument("--pre-push", action="store_true",
                        help="the range being pushed, as pre-commit's pre-push stage gives it "
                        "(PRE_COMMIT_FROM_REF..PRE_COMMIT_TO_REF), else @{upstream}..HEAD")
    _range_options(check)
    check.add_argument("--config", metavar="FILE",
                       help=f"configuration file (default: {CONFIG_PATH} as of --base when "
                       "given, as the App reads it from the base branch; else the working tree's)")
    check.add_argument("--org", metavar="FILE",
                       help="the organisation's shipshape.yml (its .github repository's), "
                       "layered under the repository's as the App layers it")
    check.add_argument("--checkouts", metavar="DIR",
                       help="where `extends:` targets are checked out (DIR/owner/repo or "
                       "DIR/repo)")
    check.add_argument("--name", metavar="OWNER/REPO",
                       help="the repository's name, for `extends:` of the same owner")
    check.add_argument("--only", metavar="ID,...", help="run only these checks")
    check.add_argument("--format", choices=FORMATS, default="text",
                       help="output format (sarif: for code scanning; github: workflow "
                       "annotations and $GITHUB_STEP_SUMMARY, for a GitHub Actions job)")
    snap = sub.add_parser("snapshot", help="print the PR snapshot document for a git range")
    snap.add_argument("--base", metavar="REV", required=True,
                      help="base revision: the branch the PR merges into")
    _range_options(snap)
    config_command.add_parser(sub)
    return parser


def _range_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--head", metavar="REV", default="HEAD",
                        help="head revision (with --base; default: HEAD)")
    parser.add_argument("--repo", metavar="DIR", help="repository directory (default: .)")
    parser.add_argument("--title", help="PR title (default with --base: first commit's subject)")
    parser.add_argument("--body", help="PR description (default with --base and one commit: "
                        "that commit's body)")
    parser.add_argument("--branch", help="PR branch name (default: the branch --head names, "
                        "or the current branch)")
    parser.add_argument("--number", metavar="N", type=_number,
                        help="PR number (audit entries read `PR #N`)")


def _now() -> str:
    from datetime import UTC, datetime  # only a check stamps anything: --help need not import it

    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def main(argv: list[str] | None = None, stdin: TextIO | None = None,
         stdout: TextIO | None = None, stderr: TextIO | None = None,
         now: str | None = None) -> int:
    """Run the command line; returns the exit code. `now` (ISO 8601 UTC) stamps the audit
    entries shown; default: the clock."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    try:
        args = _parser().parse_args(argv)
        if args.command == "check":
            from cli.check_command import run_check

            return run_check(args, stdin, stdout, now or _now())
        if args.command == "snapshot":
            from cli.local_snapshot import GitRange, snapshot_from_git

            doc = snapshot_from_git(GitRange(Path(args.repo or "."), args.base, args.head),
                                    args.title, args.body, args.branch, args.number)
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
