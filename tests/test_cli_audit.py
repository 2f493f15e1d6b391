"""`shipshape check` shows the audit entries the App would write for the PR as it stands."""

from __future__ import annotations

import io
import json
from pathlib import Path

from cli.main import main
from tests.diffs import new_file

STORY = "docs/work/features/billing/stories/BILL-12-invoice-export-story.md"
DIFF = new_file("billing/export.py", ["def export():", "    return []"])
NOW = "2026-11-22T14:03:09Z"


def _snapshot(tmp_path: Path, **more: object) -> Path:
    doc = {"title": "BILL-12: Add invoice export <b>now</b>", "number": 123, "author": "alice",
           "head_sha": "abc1234def", "repository": "acme/shop", "diff": DIFF,
           "repo_files": [STORY, "README.md"], **more}
    path = tmp_path / "pr.json"
    path.write_text(json.dumps(doc))
    return path


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), stdout=out, stderr=io.StringIO(), now=NOW)
    return code, out.getvalue()


def test_json_lists_the_entries_under_audit(tmp_path: Path) -> None:
    _, out = _run("check", "--snapshot", str(_snapshot(tmp_path)), "--repo", str(tmp_path),
                  "--format", "json")
    report = json.loads(out)
    [entry] = report["audit"]
    assert (entry["story"], entry["path"], entry["issue"], entry["event"]) == (
        "BILL-12", STORY, None, "opened")
    assert entry["line"].startswith(
        "- 2026-11-22 14:03 UTC · STATUS: in-review · PR #123 "
        '"BILL-12: Add invoice export &lt;b&gt;now&lt;/b&gt;" by @\u200balice · shipshape ')
    assert "pr=123 event=opened head=abc1234 at=20261122T140309Z" in entry["line"]


def test_a_draft_shows_in_progress_in_text(tmp_path: Path) -> None:
    _, out = _run("check", "--snapshot", str(_snapshot(tmp_path, draft=True)), "--repo",
                  str(tmp_path))
    [line] = [ln for ln in out.splitlines() if ln.startswith("  audit: ")]
    assert line.startswith(f"  audit: {STORY}: - 2026-11-22 14:03 UTC · STATUS: in-progress")
    assert "<!--" not in line


def test_no_story_files_no_audit_key(tmp_path: Path) -> None:
    _, out = _run("check", "--snapshot", str(_snapshot(tmp_path, repo_files=["README.md"])),
                  "--repo", str(tmp_path), "--format", "json")
    assert "audit" not in json.loads(out)
