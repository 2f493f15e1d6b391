"""ruff is part of the test suite, so the README's one test command covers lint too."""

from __future__ import annotations

import subprocess
import sys

from tests.shared import ROOT


def test_ruff_is_clean() -> None:
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
