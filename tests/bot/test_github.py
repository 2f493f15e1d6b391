"""The GitHub client: retry policy, token cache, pagination, publishing limits, via the fake."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import gidgethub
import pytest

from bot import limits
from bot.github import GitHubClient, retry_delay
from bot.metrics import Metrics
from bot.publish import check_run, comment, cut_line, cut_text
from bot.snapshot import build_document, fetch_pull
from checks.render import Conclusion
from tests.bot.diffs import new_file, python_module

NOW = 1_700_000_000.0


@pytest.mark.parametrize(("status", "headers", "message", "attempt", "wait"), [
    (502, {}, "", 1, 1.0),
    (503, {}, "", 2, 2.0),
    (500, {}, "", limits.MAX_ATTEMPTS, None),
    (403, {"retry-after": "7"}, "You have exceeded a secondary rate limit.", 1, 7.0),
    (429, {"retry-after": "3"}, "", 1, 3.0),
    (403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 30)},
     "API rate limit exceeded", 1, 31.0),
    (403, {}, "You have exceeded a secondary rate limit.", 1,
     limits.SECONDARY_LIMIT_DEFAULT_WAIT_SECONDS),
    (403, {}, "Resource not accessible by integration", 1, None),
    (404, {}, "Not Found", 1, None),
    (422, {}, "Validation Failed", 1, None),
    (403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 3000)},
     "API rate limit exceeded", 1, None),  # longer than we are willing to hold a job
])
def test_retry_delay(status: int, headers: dict[str, str], message: str, attempt: int,
                     wait: float | None) -> None:
    assert retry_delay(status, headers, message, attempt, NOW) == wait


@pytest.fixture
async def client(fake_github: Any) -> AsyncIterator[GitHubClient]:
    async with aiohttp.ClientSession() as session:
        yield GitHubClient(session, app_id=str(fake_github.app_id),
                           private_key=fake_github.private_key_pem, base_url=fake_github.url,
                           metrics=Metrics(), backoff=0.01)


async def test_token_is_renewed_before_it_expires(fake_github: Any,
                                                  client: GitHubClient) -> None:
    fake = fake_github
    # Usable for three more seconds: room for a loaded machine between the first two calls.
    fake.token_ttl = limits.TOKEN_REFRESH_MARGIN_SECONDS + 3
    first = await client.installation_token(fake.installation_id)
    assert await client.installation_token(fake.installation_id) == first
    await asyncio.sleep(3.2)
    second = await client.installation_token(fake.installation_id)
    assert second != first
    assert 401 not in [c.status for c in fake.calls]


async def test_concurrent_callers_share_one_token_request(fake_github: Any,
                                                          client: GitHubClient) -> None:
    tokens = await asyncio.gather(*(client.installation_token(fake_github.installation_id)
                                    for _ in range(10)))
    assert len(set(tokens)) == 1
    assert len(fake_github.calls_to("POST", "/app/installations/*")) == 1


async def test_retries_are_bounded(fake_github: Any, client: GitHubClient) -> None:
    fake = fake_github
    fake.add_pull(fake.repo, 3, diff=new_file("a.py", python_module("a")))
    fake.fail_next("GET", "/repos/*/pulls/3", status=503, times=10)
    gh = client.for_installation(fake.installation_id)
    with pytest.raises(gidgethub.GitHubBroken):
        await fetch_pull(gh, fake.repo, 3)
    assert len(fake.calls_to("GET", "/repos/*/pulls/3")) == limits.MAX_ATTEMPTS


async def test_primary_rate_limit_waits_for_reset(fake_github: Any,
                                                  client: GitHubClient) -> None:
    fake = fake_github
    fake.add_pull(fake.repo, 4, diff=new_file("a.py", python_module("a")))
    fake.primary_rate_limit_next("GET", "/repos/*/pulls/4", reset_in=1)
    gh = client.for_installation(fake.installation_id)
    pull = await fetch_pull(gh, fake.repo, 4)
    assert pull.number == 4
    assert [c.status for c in fake.calls_to("GET", "/repos/*/pulls/4")] == [403, 200]


async def test_snapshot_document_holds_every_page(fake_github: Any,
                                                  client: GitHubClient) -> None:
    fake = fake_github
    files = [{"filename": f"src/m{i}.py", "status": "added", "patch": "@@ -0,0 +1 @@\n+X = 1"}
             for i in range(250)]
    fake.add_pull(fake.repo, 5, files=files, commits=[f"Step {i}" for i in range(230)])
    gh = client.for_installation(fake.installation_id)
    built = await build_document(gh, await fetch_pull(gh, fake.repo, 5))
    doc = built.document
    assert len(doc["commits"]) == 230
    assert [c["message"] for c in doc["commits"][:2]] == ["Step 0", "Step 1"]
    assert "diff" in doc  # 250 files fit GitHub's diff media type: one call instead of three
    assert doc["diff"].count("diff --git") == 250
    from tests.shared import snapshot_validator
    assert not list(snapshot_validator().iter_errors(doc))


async def test_over_250_commits_are_noted(fake_github: Any, client: GitHubClient) -> None:
    fake = fake_github
    fake.add_pull(fake.repo, 6, diff=new_file("a.py", python_module("a")),
                  commits=[f"Step {i}" for i in range(260)])
    gh = client.for_installation(fake.installation_id)
    built = await build_document(gh, await fetch_pull(gh, fake.repo, 6))
    assert len(built.document["commits"]) == 250
    assert any("260 commits" in n for n in built.notices)


async def test_long_check_run_texts_are_cut_with_a_note(fake_github: Any,
                                                        client: GitHubClient) -> None:
    fake = fake_github
    fake.add_pull(fake.repo, 7, diff=new_file("a.py", python_module("a")))
    head = fake.pull(fake.repo, 7).head_sha
    gh = client.for_installation(fake.installation_id)
    run_id = await check_run.start(gh, fake.repo, head, "delivery-1")
    summary = "".join(f"- finding {i}: `app/module_{i}.py` needs a test\n" for i in range(3000))
    assert len(summary) > limits.MAX_CHECK_OUTPUT_CHARS
    annotations = [{"path": "a.py", "start_line": 1, "end_line": 1,
                    "annotation_level": "warning", "title": "t", "message": f"m{i}"}
                   for i in range(130)]
    requests = await check_run.complete(gh, fake.repo, run_id, conclusion=Conclusion.FAILURE,
                                        title="Failing", summary=summary,
                                        annotations=annotations)
    assert requests == 3
    [run] = fake.check_runs(fake.repo)
    assert len(run["output"]["summary"]) <= limits.MAX_CHECK_OUTPUT_CHARS
    assert "characters of this summary were cut" in run["output"]["summary"]
    assert [a["message"] for a in run["annotations"]] == [f"m{i}" for i in range(130)]
    assert run["conclusion"] == "failure"


async def test_a_cut_summary_keeps_the_note_on_annotations_left_out(
        fake_github: Any, client: GitHubClient) -> None:
    fake = fake_github
    fake.add_pull(fake.repo, 9, diff=new_file("a.py", python_module("a")))
    gh = client.for_installation(fake.installation_id)
    run_id = await check_run.start(gh, fake.repo, fake.pull(fake.repo, 9).head_sha, "d-9")
    summary = "".join(f"- finding {i}: `app/module_{i}.py` needs a test\n" for i in range(3000))
    over = check_run.MAX_ANNOTATIONS + 10
    annotations = [{"path": "a.py", "start_line": 1, "end_line": 1,
                    "annotation_level": "warning", "title": "t", "message": f"m{i}"}
                   for i in range(over)]
    await check_run.complete(gh, fake.repo, run_id, conclusion=Conclusion.FAILURE,
                             title="Failing", summary=summary, annotations=annotations)
    [run] = fake.check_runs(fake.repo)
    text = run["output"]["summary"]
    assert len(text) <= limits.MAX_CHECK_OUTPUT_CHARS
    assert "characters of this summary were cut" in text
    assert text.rstrip().endswith("10 more annotations were not attached (shipshape attaches at "
                                  f"most {check_run.MAX_ANNOTATIONS}).")
    assert len(run["annotations"]) == check_run.MAX_ANNOTATIONS


def test_cut_text_keeps_the_tail_whole_within_the_limit() -> None:
    tail = "\n\n3 more annotations were not attached.\n"
    assert cut_text("short", 100, "summary", tail=tail) == "short" + tail
    cut = cut_text("line\n" * 100, 200, "summary", tail=tail)
    assert len(cut) <= 200 and cut.endswith(tail)
    exact = "x" * (200 - len(tail))
    assert cut_text(exact, 200, "summary", tail=tail) == exact + tail


async def test_long_comment_is_cut_under_the_limit(fake_github: Any,
                                                   client: GitHubClient) -> None:
    fake = fake_github
    fake.add_pull(fake.repo, 8, diff=new_file("a.py", python_module("a")))
    gh = client.for_installation(fake.installation_id)
    body = "<!-- shipshape:checklist -->\n" + "- a line of the checklist\n" * 4000
    outcome = await comment.upsert(gh, fake.repo, 8, body, app_id=str(fake.app_id),
                                   cache=comment.CommentCache())
    assert outcome == comment.CREATED
    [posted] = fake.comments(fake.repo, 8)
    assert len(posted["body"]) < limits.MAX_COMMENT_CHARS
    assert posted["body"].rstrip().endswith("limit of 65,536 characters.")


def test_cut_text_keeps_short_text_and_cuts_at_a_line() -> None:
    assert cut_text("short", 100, "summary") == "short"
    cut = cut_text("line\n" * 100, 200, "summary")
    assert len(cut) <= 200
    assert cut.startswith("line\nline\n")
    assert "more characters of this summary were cut" in cut


def _checklist(findings: int, notes: int) -> str:
    """A checklist shaped like checks.render.markdown's: findings, then notes in <details>."""
    lines = ["<!-- shipshape:checklist -->", "### ❌ shipshape: Not done yet (2 of 3 checks pass)",
             "", "- ❌ **Tests**: source changed without tests"]
    lines += [f"  - `billing/module_{i:04d}.py` has no test (`missing-tests`)"
              for i in range(findings)]
    lines += ["", "<details><summary>Notes</summary>", ""]
    lines += [f"- GitHub lists only the first 3000 files; note {i}" for i in range(notes)]
    return "\n".join([*lines, "", "</details>"]) + "\n"


def test_a_cut_inside_the_notes_block_closes_it() -> None:
    text = _checklist(findings=20, notes=400)
    cut = cut_text(text, 4000, "summary")
    assert len(cut) <= 4000
    assert cut.count("<details>") == cut.count("</details>") == 1
    # The note saying what was cut is outside the collapsed block, where people see it.
    assert cut.index("</details>") < cut.index("more characters of this summary were cut")


def test_one_huge_line_is_not_cut_inside_a_code_span() -> None:
    path = "src/" + "deeply_nested/" * 40 + "module.py"
    line = "  - " + " ".join(f"`{path}:{i}`" for i in range(200))
    text = "<!-- shipshape:checklist -->\n" + line + "\n"
    cut = cut_text(text, 3000, "summary")
    kept = cut.split("\n\n… ")[0]
    assert len(cut) <= 3000
    assert kept.count("`") % 2 == 0  # every code span that was started is closed


def test_title_is_cut_to_one_line() -> None:
    title = "❌ 1 of 5 checks pass; failing: " + ", ".join(["Migrations"] * 40)
    cut = cut_line(title, limits.MAX_CHECK_TITLE_CHARS)
    assert len(cut) <= limits.MAX_CHECK_TITLE_CHARS
    assert "\n" not in cut and cut.endswith("…") and cut.startswith("❌ 1 of 5 checks pass")


def test_comment_fits_in_bytes_too() -> None:
    # Escaped PR text is rich in 3-byte characters (zero-width spaces after @ and #).
    body = "<!-- shipshape:checklist -->\n" + "- @\u200bteam #\u200b12 ✅ ✅ ✅ ✅\n" * 4000
    fitted = comment.fit(body)
    assert len(fitted.encode("utf-8")) <= limits.MAX_COMMENT_CHARS
    assert "were cut" in fitted


def test_a_comment_cut_in_bytes_keeps_its_note_on_annotations_left_out() -> None:
    body = "<!-- shipshape:checklist -->\n" + "- @\u200bteam #\u200b12 ✅ ✅ ✅ ✅\n" * 4000
    annotations = [{"path": "a.py", "start_line": 1, "end_line": 1,
                    "annotation_level": "warning", "title": "t", "message": f"m{i}"}
                   for i in range(check_run.MAX_ANNOTATIONS + 7)]
    note = check_run.left_out_note(annotations)
    fitted = comment.fit(body, note)
    assert len(fitted.encode("utf-8")) <= limits.MAX_COMMENT_CHARS - limits.COMMENT_SAFETY_MARGIN
    assert fitted.endswith(note)
    assert note.strip() == (f"7 more annotations were not attached (shipshape attaches at most "
                            f"{check_run.MAX_ANNOTATIONS}).")
    assert "were cut" in fitted


def test_annotations_are_kept_within_githubs_field_limits() -> None:
    annotation = {"path": "a.py", "start_line": 1, "end_line": 1,
                  "annotation_level": "warning", "title": "T" * 400,
                  "message": "ü" * 60_000, "raw_details": "x" * 70_000}
    fitted = check_run.fit_annotation(annotation)
    assert len(fitted["title"]) <= 255
    assert len(fitted["message"].encode()) < 64 * 1024
    assert len(fitted["raw_details"].encode()) < 64 * 1024
    assert fitted["message"].startswith("üüü")
