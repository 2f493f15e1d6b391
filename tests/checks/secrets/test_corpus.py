"""The corpus score: precision and recall of the secrets check on realistic samples.

Floors are what the check measured when they were set (docs/secrets.md); a change that lowers
either fails here. The corpus is generated with several seeds so no floor rests on one draw.
"""

from __future__ import annotations

import pytest

import checks
from checks.model import Severity
from checks.secrets.scan import find_secrets
from tests.checks.secrets.corpus import build_corpus, score, to_diff

PRECISION_FLOOR = 0.99
RECALL_FLOOR = 0.99


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_corpus_precision_and_recall(seed: int) -> None:
    samples = build_corpus(seed)
    report = checks.run({"title": "ACME-9: corpus", "diff": to_diff(samples)}, only={"secrets"})
    flagged = {f.path for f in report.check("secrets").findings
               if f.severity is not Severity.NOTICE}
    precision, recall, missed, false_alarms = score(samples, flagged)
    positives = sum(s.positive for s in samples)
    print(f"\nseed {seed}: {len(samples)} samples ({positives} positive): "
          f"precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= PRECISION_FLOOR, f"false alarms: {false_alarms}"
    assert recall >= RECALL_FLOOR, f"missed: {missed}"


def test_corpus_rules_name_the_right_provider() -> None:
    samples = [s for s in build_corpus(5) if s.positive and s.label != "generic-secret"]
    report = checks.run({"title": "ACME-9", "diff": to_diff(samples)}, only={"secrets"})
    rules: dict[str, set[str]] = {}
    for finding in report.check("secrets").findings:
        rules.setdefault(finding.path or "", set()).add(finding.rule or "")
    wrong = [(s.path, s.label, rules.get(s.path)) for s in samples
             if s.label not in rules.get(s.path, set())]
    assert wrong == []


def test_no_finding_message_holds_a_secret_or_a_piece_of_one() -> None:
    snapshot = checks.load_snapshot({"title": "ACME-9", "diff": to_diff(build_corpus(5))})
    report = checks.run(snapshot, only={"secrets"})
    messages = " ".join(f.message for f in report.check("secrets").findings)
    values = [hit.value for hit in find_secrets(snapshot.files)]
    assert len(values) > 200
    # No 8-character run of the secret part (past a provider prefix) appears anywhere.
    starts = [v.rfind("-----") + 5 if v.startswith("-----BEGIN") else 12 for v in values]
    leaked = [v[:4] for v, start in zip(values, starts, strict=True)
              if any(v[i:i + 8] in messages for i in range(start, len(v) - 8, 4))]
    assert leaked == []
