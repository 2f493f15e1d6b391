"""Where the tests find the shared contracts and GitHub fixtures (copied under tests/fixtures)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
CONTRACTS = FIXTURES / "contracts"
GITHUB = FIXTURES / "github"
EXAMPLES = ROOT / "examples"
# The steering copy, beside the repository on development machines and in CI.
SHARED = ROOT.parent / "shared"


def load_json(path: Path) -> Any:
    """Read a JSON file."""
    return json.loads(path.read_text(encoding="utf-8"))


def report_validator() -> Any:
    """A jsonschema validator for report.schema.json."""
    import jsonschema

    schema = load_json(CONTRACTS / "report.schema.json")
    return jsonschema.Draft202012Validator(schema)


def snapshot_validator() -> Any:
    """A jsonschema validator for pr-snapshot.schema.json."""
    import jsonschema

    schema = load_json(CONTRACTS / "pr-snapshot.schema.json")
    return jsonschema.Draft202012Validator(schema)
