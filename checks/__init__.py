"""shipshape's check engine: a PR snapshot and a configuration in, a report out.

This package performs no I/O of its own: no network, no files, no clock, no environment.
Callers (the bot, the command line) read inputs and pass them in; tests/checks hold it to that.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from checks.api_docs import scanners as _api_docs_scanners
from checks.config import Config, ConfigError, load_config, parse_config_text
from checks.engine import run_checks
from checks.lazyre import warm as _warm_patterns
from checks.migrations import warm as _warm_migrations
from checks.model import (
    ChangedFile,
    CheckResult,
    Commit,
    FileStatus,
    Finding,
    Report,
    Severity,
    Snapshot,
    Status,
    Waiver,
)
from checks.registry import REGISTRY
from checks.repo_settings import DraftPolicy, RepoSettings
from checks.snapshot import SnapshotError, load_snapshot

__all__ = [
    "REGISTRY",
    "ChangedFile",
    "CheckResult",
    "Commit",
    "Config",
    "ConfigError",
    "DraftPolicy",
    "FileStatus",
    "Finding",
    "RepoSettings",
    "Report",
    "Severity",
    "Snapshot",
    "SnapshotError",
    "Status",
    "Waiver",
    "config_from_dict",
    "config_from_yaml",
    "load_snapshot",
    "run",
    "warm",
]


def config_from_yaml(text: str) -> Config:
    """Parse and validate `.github/shipshape.yml` text; raises ConfigError."""
    return parse_config_text(text, REGISTRY)


def config_from_dict(doc: Mapping[str, Any] | None) -> Config:
    """Validate an already parsed configuration mapping; raises ConfigError."""
    return load_config(doc, REGISTRY)


def run(
    snapshot: Snapshot | Mapping[str, Any],
    config: Config | None = None,
    only: Collection[str] | None = None,
) -> Report:
    """Run every registered check over a snapshot (object or document) and return the report."""
    if not isinstance(snapshot, Snapshot):
        snapshot = load_snapshot(snapshot)
    return run_checks(snapshot, REGISTRY, config, only)


def warm() -> int:
    """Compile every check's patterns now, as a server process does before its first review
    (the command line compiles only those its input needs); returns how many there are."""
    from checks.secrets.scan import warm as warm_secrets  # its own caches, not lazyre's

    _api_docs_scanners()  # imports every api-docs family's module (on demand otherwise)
    _warm_migrations()  # imports every migration framework's module (on demand otherwise)
    return _warm_patterns() + warm_secrets()
