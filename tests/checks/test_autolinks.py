"""Text a PR author wrote never becomes a GitHub reference in what shipshape renders.

A reference in the bot's comment or check run (`octo-org/other#5`, `GH-5`, an issue URL, a
mention, `owner/repo@sha`) posts a backlink or a notification elsewhere, from a stranger's text.
The forms are those GitHub documents in "Autolinked references and URLs".
"""

from __future__ import annotations

import json
import re

import pytest

import checks
from bot.review import review
from checks.render.escape import escape_markdown
from tests.diffs import new_file

# What GitHub autolinks, as raw text would carry it. Code spans are not autolinked, so they
# are removed before looking.
_AUTOLINKS = re.compile(
    r"[\w.-]+/[\w.-]+#\d|(?<!&)#\d|\bGH-\d|https?://|\bwww\.|@[A-Za-z0-9]", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")

HOSTILE = ("octo-org/other#5 other/repo#12 GH-7 gh-8 https://github.com/octo-org/other/issues/9 "
           "www.github.com/octo-org/other/pull/3 octo-org/other@a5c3785ed8d6a35868bc169f07e40e88 "
           "@octocat")


def _autolinks(markdown: str) -> list[str]:
    return _AUTOLINKS.findall(_CODE_SPAN.sub("", markdown))


@pytest.mark.parametrize("reference", HOSTILE.split())
def test_each_documented_reference_form_is_defused(reference: str) -> None:
    assert _autolinks(reference), "the detector must see the raw form"
    escaped = escape_markdown(f"fixes {reference} today")
    assert _autolinks(escaped) == []
    assert escaped.replace("\u200b", "").replace("\\", "") == f"fixes {reference} today"


def _document() -> dict:
    return {
        "title": f"WIP {HOSTILE}", "body": f"Story: {HOSTILE}", "head_ref": "fix/GH-7",
        "diff": new_file(f"src/GH-7 {HOSTILE.split()[0]}.py", ["def pay():", "    return 1"]),
        "commits": [{"sha": "a" * 40, "message": f"fixup! {HOSTILE}"},
                    {"sha": "b" * 40, "message": f"wip {HOSTILE}"}],
    }


def test_checklist_summary_and_annotations_carry_no_reference() -> None:
    outputs = review(_document(), checks.config_from_yaml(""))
    # The checklist is both the sticky comment and the check run's summary.
    assert "Commit aaaaaaa" in outputs.checklist and "wip" in outputs.checklist
    assert _autolinks(outputs.checklist) == []
    assert outputs.annotations, "the untested source file must be annotated"
    for annotation in outputs.annotations:
        assert _autolinks(annotation["title"]) == []
        assert _autolinks(annotation["message"]) == []
    assert _autolinks(outputs.title) == []
    assert "octo-org/other" in json.dumps(outputs.annotations)
