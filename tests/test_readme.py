"""README stays true: its configuration reference is the one the code declares.

Regenerate it with `SHIPSHAPE_UPDATE_README=1 python -m pytest tests/test_readme.py`.
"""

from __future__ import annotations

import os
import re

import checks
from checks.render.config_reference import config_reference
from tests.shared import ROOT

README = ROOT / "README.md"
START, END = "<!-- config-reference:start -->", "<!-- config-reference:end -->"
SECTION = re.compile(re.escape(START) + r"\n(.*?)" + re.escape(END), re.DOTALL)


def test_config_reference_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    expected = config_reference(checks.REGISTRY)
    match = SECTION.search(text)
    assert match, "README.md lacks the config-reference markers"
    if os.environ.get("SHIPSHAPE_UPDATE_README") and match.group(1) != expected:
        updated = SECTION.sub(lambda _: f"{START}\n{expected}{END}", text, count=1)
        README.write_text(updated, encoding="utf-8")
        return
    assert match.group(1) == expected, "run SHIPSHAPE_UPDATE_README=1 pytest tests/test_readme.py"


def test_readme_commands_are_the_ci_commands() -> None:
    readme = README.read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = next(line for line in ci.splitlines() if line.startswith("python3 -m venv"))
    assert f"\n{test_command}\n" in readme


def test_environment_reference_names_every_setting() -> None:
    import ast

    tree = ast.parse((ROOT / "bot" / "settings.py").read_text(encoding="utf-8"))
    names = {node.value for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and isinstance(node.value, str)
             and re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|PORT|HOST|WORKERS", node.value)}
    readme = README.read_text(encoding="utf-8")
    assert {"APP_ID", "PRIVATE_KEY", "WEBHOOK_SECRET", "PORT"} <= names
    assert sorted(n for n in names if f"| `{n}` |" not in readme) == []
