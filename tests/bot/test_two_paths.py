"""One input, two paths, equal reports: a PR reviewed by the bot (through the fake GitHub) and
the same PR checked by `shipshape check --snapshot` give the same checklist."""

from __future__ import annotations

import io
import json
from pathlib import Path

from cli.main import main as cli
from tests.bot.conftest import Bot, pr_event
from tests.bot.diffs import modified_file, new_file, python_module, python_test

DIFF = (new_file("billing/invoice.py", python_module("invoice_total"))
        + new_file("tests/test_invoice.py", python_test("invoice_total"))
        + modified_file("billing/rates.py", ["RATE = 1"], ["RATE = 2  # see BILL-12"], 4))
COMMITS = ["BILL-12 Add invoice totals", "wip", "fixup! BILL-12 Add invoice totals"]


async def test_bot_and_command_line_agree(bot: Bot, tmp_path: Path) -> None:
    fake = bot.fake
    pr = fake.add_pull(fake.repo, 31, title="Invoice totals", body="Adds invoice totals.",
                       diff=DIFF, commits=COMMITS, head_ref="feature/invoices")
    resp = await bot.deliver("pull_request", pr_event(fake, "opened", 31))
    assert resp.status == 202
    await bot.idle()
    [comment] = fake.comments(fake.repo, 31)

    snapshot = tmp_path / "pr.json"
    snapshot.write_text(json.dumps({
        "title": pr.title, "body": pr.body, "head_ref": pr.head_ref, "base_ref": pr.base_ref,
        "diff": DIFF, "commits": [{"sha": c["sha"], "message": c["message"],
                                   "author": c["author"], "parents": len(c["parents"])}
                                  for c in pr.commits],
    }))
    out = io.StringIO()
    code = cli(["check", "--snapshot", str(snapshot), "--repo", str(tmp_path),
                "--format", "markdown"], stdout=out, stderr=io.StringIO())
    assert code in (0, 1)
    assert out.getvalue() == comment["body"]
