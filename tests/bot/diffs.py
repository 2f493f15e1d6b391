"""Realistic `git diff` text for the bot tests (real headers, correct hunk counts)."""

from __future__ import annotations

from tests.diffs import blob, new_file

__all__ = ["modified_file", "new_file", "python_module", "python_test"]


def modified_file(path: str, old: list[str], new: list[str], start: int = 1) -> str:
    """A file whose lines `old` (from `start`) became `new`."""
    body = "".join(f"-{line}\n" for line in old) + "".join(f"+{line}\n" for line in new)
    return (f"diff --git a/{path} b/{path}\nindex {blob(''.join(old))}..{blob(body)} 100644\n"
            f"--- a/{path}\n+++ b/{path}\n"
            f"@@ -{start},{len(old)} +{start},{len(new)} @@\n{body}")


def python_module(name: str) -> list[str]:
    """A small, plausible Python module."""
    return [
        '"""Invoice totals."""',
        "",
        "from decimal import Decimal",
        "",
        "",
        f"def {name}(items: list[tuple[int, Decimal]]) -> Decimal:",
        "    return sum((qty * price for qty, price in items), Decimal(0))",
    ]


def python_test(name: str) -> list[str]:
    """A plausible pytest test for `python_module(name)`."""
    return [
        "from decimal import Decimal",
        "",
        f"from billing.{name} import {name}",
        "",
        "",
        f"def test_{name}() -> None:",
        f'    assert {name}([(2, Decimal("1.50"))]) == Decimal("3.00")',
    ]
