"""Run the whole test suite with the old parser beside the new one on every parse.

`python -m pytest -p tests.checks.oracle_plugin` wraps `parse_diff` and `parse_files` (as the
snapshot loader and tests/checks/test_diff.py call them): each call also runs the unidiff
oracle (tests/checks/unidiff_oracle.py) and compares what a check can read of every file, or
the error message. Differences are written to $SHIPSHAPE_ORACLE_LOG (default
oracle-differences.txt) and counted at the end; the parse's own result is returned as usual.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import checks.diff
import checks.snapshot
from tests.checks import unidiff_oracle

_LOG = Path(os.environ.get("SHIPSHAPE_ORACLE_LOG", "oracle-differences.txt"))
_COUNTS = {"parses": 0, "differences": 0}


def _outcome(parse: Callable[[Any], Any], arg: Any, with_notes: bool) -> tuple[str, Any]:
    try:
        result = parse(arg)
    except checks.diff.DiffError as exc:
        return "error", str(exc)
    except Exception as exc:
        return "crash", f"{type(exc).__name__}: {exc}"
    files, notes = result if with_notes else (result, ())
    return "ok", (unidiff_oracle.described(files), notes)


def _compared(new: Callable[[Any], Any], old: Callable[[Any], Any], name: str
              ) -> Callable[[Any], Any]:
    with_notes = name == "parse_files"

    def both(arg: Any) -> Any:
        if not isinstance(arg, str):
            arg = list(arg)
        _COUNTS["parses"] += 1
        got, want = _outcome(new, arg, with_notes), _outcome(old, arg, with_notes)
        if got != want:
            _COUNTS["differences"] += 1
            with _LOG.open("a", encoding="utf-8") as log:
                log.write(f"--- {name}: new {got[0]}, old {want[0]}\n{arg!r}\n"
                          f"new: {got[1]!r}\nold: {want[1]!r}\n\n")
        return new(arg)

    return both


def pytest_configure(config: pytest.Config) -> None:
    """Wrap the parsers where they are looked up."""
    new_diff, new_files = checks.diff.parse_diff, checks.diff.parse_files
    wrapped_diff = _compared(new_diff, unidiff_oracle.parse_diff, "parse_diff")
    wrapped_files = _compared(new_files, unidiff_oracle.parse_files, "parse_files")
    for module in (checks.diff, checks.snapshot):
        module.parse_diff = wrapped_diff  # type: ignore[attr-defined]
        module.parse_files = wrapped_files  # type: ignore[attr-defined]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say how many parses were compared and how many differed."""
    terminalreporter.write_line(
        f"oracle: {_COUNTS['parses']} parses compared, {_COUNTS['differences']} differed"
        + (f" (see {_LOG})" if _COUNTS["differences"] else ""))
