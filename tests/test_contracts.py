"""The contracts: copies match shared/, examples and real reports validate against the schemas."""

from __future__ import annotations

import filecmp

import pytest

import checks
from tests.shared import (
    CONTRACTS,
    EXAMPLES,
    FIXTURES,
    SHARED,
    load_json,
    report_validator,
    snapshot_validator,
)

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))


@pytest.mark.skipif(not (SHARED / "contracts").is_dir(), reason="no shared/ beside this clone")
@pytest.mark.parametrize("name", ["pr-snapshot.schema.json", "report.schema.json"])
def test_contract_copies_match_shared(name: str) -> None:
    assert filecmp.cmp(CONTRACTS / name, SHARED / "contracts" / name, shallow=False)


@pytest.mark.skipif(not (SHARED / "contracts").is_dir(), reason="no shared/ beside this clone")
def test_github_fixture_copies_match_shared() -> None:
    for copy in (FIXTURES / "github").rglob("*.json"):
        original = SHARED / "github" / copy.relative_to(FIXTURES / "github")
        assert filecmp.cmp(copy, original, shallow=False), copy


def test_there_are_examples() -> None:
    assert len(EXAMPLE_FILES) >= 2


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_example_snapshots_validate(path) -> None:
    errors = list(snapshot_validator().iter_errors(load_json(path)))
    assert errors == []


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_example_reports_validate(path) -> None:
    report = checks.run(load_json(path))
    errors = [e.message for e in report_validator().iter_errors(report.to_dict())]
    assert errors == []
    assert [c["id"] for c in report.to_dict()["checks"]] == [
        "story", "tests", "migrations", "secrets", "commits", "api-docs"]
