"""The report as SARIF 2.1.0, for GitHub's code scanning (`github/codeql-action/upload-sarif`).

One SARIF rule per rule id the checks declare, results only for findings anchored to a file (a
finding about the whole PR, such as a missing story, has no location code scanning could show).
Messages are the report's own, so secrets stay masked exactly as in every other output.
"""

from __future__ import annotations

import hashlib
from typing import Any

import checks
from checks.model import Finding, Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.FAIL: "error", Severity.WARN: "warning", Severity.NOTICE: "note"}


def _rules() -> list[dict[str, Any]]:
    rules = []
    for spec in checks.REGISTRY:
        for rule in spec.rules:
            rules.append({
                "id": rule,
                "name": "".join(part.title() for part in rule.split("-")),
                "shortDescription": {"text": f"{spec.title} ({rule})"},
                "fullDescription": {"text": spec.description or spec.title},
                "help": {"text": f"{spec.title}. {spec.description} Rule `{rule}` of the "
                                 f"`{spec.id}` check; `shipshape:allow {rule} <reason>` on the "
                                 "line waives it with a reason.",
                         "markdown": f"**{spec.title}** ({spec.id}): {spec.description}\n\n"
                                     f"Waive one line with `shipshape:allow {rule} <reason>`."},
                "properties": {"check": spec.id},
            })
    return rules


def _rule_of(check_id: str, finding: Finding) -> str:
    return finding.rule or check_id


def _fingerprint(check_id: str, finding: Finding) -> str:
    # Stable across pushes that move the line: rule, path and message, not the line number.
    raw = "\0".join((_rule_of(check_id, finding), finding.path or "", finding.message))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def _result(check_id: str, finding: Finding) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": max(finding.line or 1, 1)}
    if finding.end_line is not None and finding.end_line >= region["startLine"]:
        region["endLine"] = finding.end_line
    return {
        "ruleId": _rule_of(check_id, finding),
        "level": _LEVEL.get(finding.severity, "warning"),
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"},
            "region": region,
        }}],
        "partialFingerprints": {"shipshapeFinding/v1": _fingerprint(check_id, finding)},
        "properties": {"check": check_id},
    }


def render_sarif(report: checks.Report, version: str) -> dict[str, Any]:
    """The SARIF 2.1.0 log of `report`: one run, every declared rule, one result per anchored
    finding of a check that did not pass."""
    known = {rule["id"] for rule in _rules()}
    rules = _rules()
    results = []
    for result in report.checks:
        if result.waived_by is not None:
            continue
        for finding in result.findings:
            if finding.path is None:
                continue
            rule_id = _rule_of(result.id, finding)
            if rule_id not in known:  # a finding without a declared rule id: the check's own
                known.add(rule_id)
                rules.append({"id": rule_id, "shortDescription": {"text": result.title},
                              "help": {"text": result.title}})
            results.append(_result(result.id, finding))
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "shipshape", "version": version, "rules": rules}},
            "results": results,
        }],
    }
