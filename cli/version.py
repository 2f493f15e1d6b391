"""The installed distribution's version, for `--version` and SARIF's tool record."""

from __future__ import annotations

import importlib.metadata


def version() -> str:
    """The version pip installed, or a note that this copy is not installed."""
    try:
        return importlib.metadata.version("shipshape")
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"
