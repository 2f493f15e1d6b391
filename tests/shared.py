"""Where the tests find the shared contracts and GitHub fixtures (copied under tests/fixtures)."""

from __future__ import annotations

import json
import socket
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


_HANDED_OUT: set[int] = set()


def unused_port() -> int:
    """A port nothing listens on now, never one this process handed out before: the kernel may
    give a just-closed port to the next bind, so two servers started back to back would get
    the same one (CI: "PORT: 47819 is already in use" for the second of three)."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port
