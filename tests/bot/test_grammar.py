"""The command grammar (pure): which lines are commands, and the typed result of each."""

from __future__ import annotations

import pytest

from bot.commands.grammar import (
    MAX_COMMANDS_PER_COMMENT,
    Command,
    Name,
    ParseError,
    might_hold_commands,
    parse,
)

CHECKS = ("story", "tests", "migrations", "secrets", "commits")
PREFIXES = ("/shipshape", "@shipshape")


def one(body: str) -> Command | ParseError:
    [parsed] = parse(body, PREFIXES, CHECKS)
    return parsed


@pytest.mark.parametrize(("body", "expected"), [
    ("/shipshape recheck", Command(Name.RECHECK, "/shipshape recheck")),
    ("  /ShipShape ReCheck  ", Command(Name.RECHECK, "/ShipShape ReCheck")),
    ("@shipshape help", Command(Name.HELP, "@shipshape help")),
    ("/shipshape skip Tests hotfix: tests in BILL-13",
     Command(Name.SKIP, "/shipshape skip Tests hotfix: tests in BILL-13", check="tests",
             reason="hotfix: tests in BILL-13")),
    ("/shipshape skip all release day", Command(
        Name.SKIP, "/shipshape skip all release day", check="all", reason="release day")),
    ("/shipshape unskip secrets", Command(Name.UNSKIP, "/shipshape unskip secrets",
                                          check="secrets")),
    ("/shipshape story BILL-77", Command(Name.STORY, "/shipshape story BILL-77",
                                         story="BILL-77")),
    ("/shipshape explain", Command(Name.EXPLAIN, "/shipshape explain")),
    ("/shipshape explain commits", Command(Name.EXPLAIN, "/shipshape explain commits",
                                           check="commits")),
])
def test_each_command_parses_to_its_typed_form(body: str, expected: Command) -> None:
    assert one(body) == expected


@pytest.mark.parametrize(("body", "problem", "given", "usage"), [
    ("/shipshape", "no command given", "", 6),
    ("/shipshape frobnicate now", "unknown command", "frobnicate", 6),
    ("/shipshape skip lint noisy", "unknown check", "lint", 1),
    ("/shipshape skip tests", "a reason is required", "", 1),
    ("/shipshape skip", "the check to skip is missing", "", 1),
    ("/shipshape unskip", "the check is missing", "", 1),
    ("/shipshape explain all", "unknown check", "all", 1),
    ("/shipshape story", "a story id is required", "", 1),
])
def test_wrong_lines_say_what_is_wrong_and_show_the_form(body: str, problem: str, given: str,
                                                         usage: int) -> None:
    error = one(body)
    assert isinstance(error, ParseError)
    assert error.problem.startswith(problem) and error.given == given
    assert len(error.usage) == usage and all(u.startswith("/shipshape ") for u in error.usage)


def test_unknown_check_hint_lists_the_checks_and_all() -> None:
    error = one("/shipshape skip lint noisy")
    assert isinstance(error, ParseError)
    assert error.hint == "the checks are: commits, migrations, secrets, story, tests, all"


def test_several_lines_run_in_order_and_prose_around_them_is_ignored() -> None:
    body = ("Thanks for the fix!\n/shipshape skip tests hotfix\nand then\n"
            "/shipshape story BILL-9\r\n/shipshape recheck")
    assert [p.name for p in parse(body, PREFIXES, CHECKS)
            if isinstance(p, Command)] == [Name.SKIP, Name.STORY, Name.RECHECK]


@pytest.mark.parametrize("body", [
    "```\n/shipshape skip tests x\n```",
    "~~~~ text\n/shipshape skip tests x\n~~~~",
    "````\n```\n/shipshape skip tests x\n````",
    "> /shipshape skip tests x",
    "   > /shipshape recheck",
    "Please run `/shipshape recheck`.",
    "`/shipshape recheck`",
    "    /shipshape recheck",
    "\t/shipshape recheck",
    "<!-- /shipshape recheck -->",
    "<!--\n/shipshape recheck\n-->",
    "/shipshapers recheck",
    "/shipshape-bot recheck",
    "@shipshape-bot recheck",
])
def test_code_quotes_and_lookalikes_are_not_commands(body: str) -> None:
    assert parse(body, PREFIXES, CHECKS) == []


def test_a_line_after_a_closed_fence_is_a_command_again() -> None:
    body = "```\n/shipshape skip tests x\n```\n/shipshape recheck"
    assert [p.name for p in parse(body, PREFIXES, CHECKS)
            if isinstance(p, Command)] == [Name.RECHECK]


def test_a_configured_prefix_replaces_the_default() -> None:
    assert parse("/shipshape recheck", ("/ship", "@shipshape"), CHECKS) == []
    [command] = parse("/ship recheck", ("/ship", "@shipshape"), CHECKS)
    assert isinstance(command, Command) and command.name is Name.RECHECK


def test_too_many_commands_in_one_comment_run_none() -> None:
    body = "\n".join(["/shipshape recheck"] * (MAX_COMMANDS_PER_COMMENT + 1))
    [error] = parse(body, PREFIXES, CHECKS)
    assert isinstance(error, ParseError) and "none of them ran" in error.problem


@pytest.mark.parametrize(("body", "worth"), [
    ("/e2e front-hr-management", True),
    ("@shipshape help", True),
    ("Looks good to me", False),
    ("```\n/shipshape recheck\n```", False),
    ("> /shipshape recheck", False),
    ("/", False),
])
def test_intake_queues_only_comments_that_start_a_line_like_a_command(body: str,
                                                                      worth: bool) -> None:
    assert might_hold_commands(body) is worth
