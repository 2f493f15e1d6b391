"""The distribution's version, for `--version` and SARIF's tool record."""

from __future__ import annotations

from cli import __version__


def version() -> str:
    """The version this copy is (the one pip installed: pyproject.toml reads it from here)."""
    return __version__
