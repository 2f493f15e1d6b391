"""checks/ performs no I/O: no network, no clock, no environment, no server stack."""

from __future__ import annotations

import ast

import pytest

from tests.shared import ROOT

FORBIDDEN_MODULES = {"bot", "aiohttp", "gidgethub", "socket", "subprocess", "requests", "http",
                     "urllib", "time", "datetime", "random", "asyncio", "os", "shutil", "tempfile"}
FORBIDDEN_CALLS = {"open", "input", "print", "exec", "eval"}
SOURCES = sorted((ROOT / "checks").rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_does_no_io(path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        problems += [n for n in names if n.split(".")[0] in FORBIDDEN_MODULES]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in FORBIDDEN_CALLS:
            problems.append(f"{node.func.id}() at line {node.lineno}")
    assert problems == []


def test_the_rule_catches_a_violation() -> None:
    tree = ast.parse("import os\nos.environ['X']\n")
    assert any(isinstance(n, ast.Import) and n.names[0].name == "os" for n in ast.walk(tree))
