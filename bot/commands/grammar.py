"""Parse a PR comment into command lines (pure).

A command is a line that starts with the prefix (`/shipshape` unless configured) or with
`@<app-slug>`, then a case-insensitive command name. Lines inside fenced code blocks, indented
code, HTML comments or `>` quotes are not commands, and neither is a line whose prefix sits in
inline code (it does not start the line). Several command lines run in order.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

# More lines than this in one comment are refused as a whole: it is a paste, not a request.
MAX_COMMANDS_PER_COMMENT = 10
MAX_STORY_ID_CHARS = 100
DEFAULT_PREFIX = "/shipshape"
WAIVE_ALL = "all"
# `explain config`: the configuration in effect and its layers, not a check.
CONFIG_TOPIC = "config"
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_QUOTE = re.compile(r"^ {0,3}>")


class Name(enum.StrEnum):
    """The commands shipshape understands, in the order `help` lists them."""

    RECHECK = "recheck"
    SKIP = "skip"
    UNSKIP = "unskip"
    STORY = "story"
    EXPLAIN = "explain"
    HELP = "help"


USAGE: dict[Name, str] = {
    Name.RECHECK: "recheck",
    Name.SKIP: "skip <check> <reason>",
    Name.UNSKIP: "unskip <check>",
    Name.STORY: "story <ID>",
    Name.EXPLAIN: "explain [<check>|config]",
    Name.HELP: "help",
}
SUMMARY: dict[Name, str] = {
    Name.RECHECK: "run the checks again on the current head",
    Name.SKIP: "waive one check (or `all`) for the findings it has now; the reason is required",
    Name.UNSKIP: "withdraw a waiver",
    Name.STORY: "link this pull request to a story",
    Name.EXPLAIN: "what a check looks at, its findings on this head and how to fix them; "
                  "`config`: the settings in effect and the layer each came from",
    Name.HELP: "this list",
}


@dataclass(frozen=True)
class Command:
    """One accepted command line."""

    name: Name
    line: str
    check: str = ""
    reason: str = ""
    story: str = ""


@dataclass(frozen=True)
class ParseError:
    """A command line that is not valid, with the form it should have."""

    line: str
    problem: str
    usage: tuple[str, ...]
    # The word from the comment that is wrong (user text: render it escaped) and a hint.
    given: str = ""
    hint: str = ""


Parsed = Command | ParseError


def plain_lines(body: str) -> Iterator[str]:
    """The comment's lines that are prose: not fenced or indented code, quotes or HTML comments."""
    fence: str | None = None
    in_html_comment = False
    for raw in body.splitlines():
        line = raw.rstrip()
        if fence is not None:
            if line.strip().startswith(fence) and set(line.strip()) == {fence[0]}:
                fence = None
            continue
        if in_html_comment:
            in_html_comment = "-->" not in line
            continue
        opened = _FENCE.match(line)
        if opened:
            fence = opened.group(1)
            continue
        stripped = line.lstrip(" ")
        if stripped.startswith("<!--"):
            in_html_comment = "-->" not in stripped
            continue
        if _QUOTE.match(line) or line.startswith("\t") or len(line) - len(stripped) >= 4:
            continue
        if stripped:
            yield stripped


def might_hold_commands(body: str) -> bool:
    """True when a prose line starts like a command (`/word` or `@word`): worth a job."""
    return any(line[:1] in "/@" and len(line) > 1 for line in plain_lines(body))


def _prefixed(line: str, prefixes: Sequence[str]) -> str | None:
    """The rest of the line after a matching prefix, or None when it has none."""
    lowered = line.lower()
    for prefix in prefixes:
        if prefix and lowered.startswith(prefix.lower()):
            rest = line[len(prefix):]
            if not rest or rest[0].isspace():
                return rest.strip()
    return None


def parse(body: str, prefixes: Sequence[str], checks: Collection[str]) -> list[Parsed]:
    """Every command line of `body`, in order, as a Command or a ParseError."""
    found: list[Parsed] = []
    for line in plain_lines(body):
        rest = _prefixed(line, prefixes)
        if rest is not None:
            found.append(parse_line(line, rest, checks, prefixes[0]))
    if len(found) > MAX_COMMANDS_PER_COMMENT:
        return [ParseError(found[MAX_COMMANDS_PER_COMMENT].line,
                           f"at most {MAX_COMMANDS_PER_COMMENT} commands per comment; "
                           "none of them ran", ())]
    return found


def _usage(prefix: str, *names: Name) -> tuple[str, ...]:
    return tuple(f"{prefix} {USAGE[n]}" for n in names or tuple(Name))


def _check_error(line: str, given: str, checks: Collection[str], name: Name,
                 prefix: str, allow_all: bool) -> ParseError:
    known = sorted(checks) + ([WAIVE_ALL] if allow_all else [])
    return ParseError(line, "unknown check", _usage(prefix, name), given=given,
                      hint=f"the checks are: {', '.join(known)}")


def parse_line(line: str, rest: str, checks: Collection[str], prefix: str) -> Parsed:
    """One command line (`rest` is what follows the prefix; `prefix` is shown in usage)."""
    words = rest.split(None, 2)
    if not words:
        return ParseError(line, "no command given", _usage(prefix))
    try:
        name = Name(words[0].lower())
    except ValueError:
        return ParseError(line, "unknown command", _usage(prefix), given=words[0])
    args = words[1:]
    if name in (Name.RECHECK, Name.HELP):
        return Command(name, line)
    if name is Name.EXPLAIN:
        if not args:
            return Command(name, line)
        check = args[0].lower()
        if check not in checks and check != CONFIG_TOPIC:
            return _check_error(line, args[0], checks, name, prefix, allow_all=False)
        return Command(name, line, check=check)
    if name is Name.STORY:
        if not args or len(args[0]) > MAX_STORY_ID_CHARS:
            return ParseError(line, "a story id is required (one word, e.g. `BILL-12`)",
                              _usage(prefix, name))
        return Command(name, line, story=args[0])
    if not args:
        return ParseError(line, "the check to skip is missing" if name is Name.SKIP
                          else "the check is missing", _usage(prefix, name))
    check = args[0].lower()
    if check not in checks and check != WAIVE_ALL:
        return _check_error(line, args[0], checks, name, prefix, allow_all=True)
    if name is Name.UNSKIP:
        return Command(name, line, check=check)
    reason = args[1].strip() if len(args) > 1 else ""
    if not reason:
        return ParseError(line, "a reason is required: say why this check may be waived",
                          _usage(prefix, name))
    return Command(name, line, check=check, reason=reason)
