"""Conclusions are GitHub's own set; a job's result reads as one label plus its fields."""

from __future__ import annotations

import json

import pytest

from bot.outcome import JobOutcome, JobResult
from checks.config import GLOBAL_OPTIONS
from checks.render import Conclusion
from tests.shared import GITHUB

SPEC = json.loads((GITHUB / "rest-api-subset.json").read_text(encoding="utf-8"))
UPDATE = "/repos/{owner}/{repo}/check-runs/{check_run_id}"


def test_conclusions_are_the_ones_a_check_run_can_have() -> None:
    shown = SPEC["components"]["schemas"]["check-run"]["properties"]["conclusion"]["enum"]
    assert {c.value for c in Conclusion} == set(shown)
    body = SPEC["paths"][UPDATE]["patch"]["requestBody"]["content"]["application/json"]
    accepted = body["schema"]["properties"]["conclusion"]["enum"]
    # "stale" is accepted by the schema, but only GitHub may set it.
    assert {c.value for c in Conclusion} == set(accepted) - {"stale"}


def test_every_warn_conclusion_a_team_can_choose_is_a_conclusion() -> None:
    for choice in GLOBAL_OPTIONS["warn_conclusion"].choices:
        assert Conclusion(choice).value == choice


@pytest.mark.parametrize(("result", "fields"), [
    (JobResult(JobOutcome.PUBLISHED, Conclusion.FAILURE),
     {"outcome": "failure", "conclusion": "failure"}),
    (JobResult(JobOutcome.CONFIG_ERROR, Conclusion.NEUTRAL),
     {"outcome": "config_error", "conclusion": "neutral"}),
    (JobResult(JobOutcome.SUPERSEDED), {"outcome": "superseded"}),
    (JobResult(JobOutcome.ERROR, error="ClientConnectorError"),
     {"outcome": "error", "error": "ClientConnectorError"}),
])
def test_a_result_reads_as_its_label_and_fields(result: JobResult,
                                                fields: dict[str, str]) -> None:
    assert result.fields() == fields
    assert result.label == fields["outcome"]
