"""docs/hardcoded.md's rule table is the one checks/hardcoded/rules.py declares."""

from __future__ import annotations

from checks.hardcoded.rules import RULE_DOCS
from checks.render.config_reference import rule_table
from tests.shared import ROOT

START, END = "<!-- rules:start -->\n", "\n<!-- rules:end -->"


def test_the_rule_table_in_the_docs_is_current() -> None:
    text = (ROOT / "docs" / "hardcoded.md").read_text(encoding="utf-8")
    table = text.split(START, 1)[1].split(END, 1)[0]
    assert table == "\n".join(rule_table(RULE_DOCS))
