"""The `shipshape` check run: created in_progress when a job starts, completed with the report.

Output title and summary carry the checklist; annotations go 50 per request (GitHub's cap),
every batch but the last while the run is still in progress, so a completed run already has
them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
import gidgethub

from bot import limits
from bot.github import Installation, repo_vars
from bot.publish import cut_line, cut_text
from checks.render import Conclusion

CHECK_NAME = "shipshape"
CREATE_URL = "/repos/{owner}/{repo}/check-runs"
UPDATE_URL = "/repos/{owner}/{repo}/check-runs/{check_run_id}"
FIND_URL = ("/repos/{owner}/{repo}/commits/{ref}/check-runs"
            "{?check_name,app_id,filter,per_page}")
# The "Re-run" button on a completed run. GitHub caps an action's label at 20 characters, its
# description at 40 and its identifier at 20; the button shows to users with write access.
RERUN_IDENTIFIER = "rerun"
RERUN_ACTION = {"label": "Re-run", "description": "Review this commit again",
                "identifier": RERUN_IDENTIFIER}
MAX_ANNOTATIONS = limits.MAX_ANNOTATIONS
# The title of a run completed neutral because its review stopped (a failure, a shutdown, a
# dead letter) before a result: the head's next attempt completes that run with its result.
INTERRUPTED_TITLE = "Review did not finish"


async def start(gh: Installation, repo: str, head_sha: str, external_id: str,
                app_id: str | None = None) -> int:
    """Create the check run on `head_sha` as in_progress; return its id.

    With `app_id`, a create that GitHub answers 5xx or never answers is not blindly sent
    again (GitHub may have made the run): our in-progress run on the head is looked up first
    and adopted, so no run is left in progress for ever.
    """
    body = {
        "name": CHECK_NAME, "head_sha": head_sha, "status": "in_progress",
        "external_id": external_id,
        "output": {"title": "Reviewing…", "summary": "shipshape is reviewing this commit."},
    }
    if app_id is None:
        return int((await gh.post(CREATE_URL, repo_vars(repo), data=body))["id"])
    try:
        return int((await gh.post(CREATE_URL, repo_vars(repo), data=body,
                                  retry_unsure=False))["id"])
    except (gidgethub.GitHubBroken, TimeoutError, aiohttp.ClientConnectionError):
        pass  # GitHub may have made it before failing to answer
    found = await find(gh, repo, head_sha, app_id)
    if found is not None and not found.completed:
        return found.id
    return int((await gh.post(CREATE_URL, repo_vars(repo), data=body))["id"])


@dataclass(frozen=True)
class ExistingRun:
    """Our newest check run on a head, as GitHub has it."""

    id: int
    completed: bool
    conclusion: str | None
    title: str
    summary: str
    annotations: int = 0

    @property
    def interrupted(self) -> bool:
        """True for a run completed because its review stopped, with no findings attached:
        the next attempt on the head completes this run instead of making a second one (an
        update appends annotations, and it has none)."""
        return (self.completed and self.conclusion == Conclusion.NEUTRAL.value
                and self.title == INTERRUPTED_TITLE and not self.annotations)

    def says(self, conclusion: Conclusion, title: str, summary: str) -> bool:
        """True when this run is completed with this result (its annotations are not compared:
        they follow from the same findings as the summary)."""
        out = _output(title, summary, ())
        return self.completed and (self.conclusion, self.title, self.summary) == (
            conclusion.value, out["title"], out["summary"])


async def find(gh: Installation, repo: str, head_sha: str, app_id: str) -> ExistingRun | None:
    """Our newest run on `head_sha` on GitHub: what another process, or this one before a
    restart, created; None when there is none."""
    data = await gh.get(FIND_URL, repo_vars(repo, ref=head_sha, check_name=CHECK_NAME,
                                            app_id=app_id, filter="latest", per_page=1))
    runs = data.get("check_runs") or []
    if not runs:
        return None
    run = runs[0]
    output = run.get("output") or {}
    return ExistingRun(int(run["id"]), run.get("status") == "completed", run.get("conclusion"),
                       output.get("title") or "", output.get("summary") or "",
                       int(output.get("annotations_count") or 0))


def _output(title: str, summary: str, annotations: Sequence[dict[str, Any]],
            tail: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {
        "title": cut_line(title, limits.MAX_CHECK_TITLE_CHARS),
        "summary": cut_text(summary, limits.MAX_CHECK_OUTPUT_CHARS, "summary", tail=tail),
    }
    if annotations:
        out["annotations"] = [fit_annotation(a) for a in annotations]
    return out


def _cut_bytes(text: str, limit: int) -> str:
    """`text` within `limit` UTF-8 bytes, ending in `…` when cut (64 KB limits count bytes)."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit - len("…".encode())].decode("utf-8", "ignore") + "…"


def fit_annotation(annotation: dict[str, Any]) -> dict[str, Any]:
    """One annotation within GitHub's limits: title 255 characters, message 64 KB."""
    out = dict(annotation)
    if isinstance(out.get("title"), str):
        out["title"] = cut_line(out["title"], limits.MAX_ANNOTATION_TITLE_CHARS)
    for key in ("message", "raw_details"):
        if isinstance(out.get(key), str):
            out[key] = _cut_bytes(out[key], limits.MAX_ANNOTATION_TEXT_BYTES)
    if not out.get("message"):
        out["message"] = out.get("title") or "shipshape finding"  # required and non-empty
    return out


def _batches(annotations: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    size = limits.ANNOTATIONS_PER_REQUEST
    return [list(annotations[i:i + size]) for i in range(0, len(annotations), size)] or [[]]


def capped(annotations: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """Annotations within MAX_ANNOTATIONS and the number left out."""
    kept = list(annotations[:MAX_ANNOTATIONS])
    return kept, len(annotations) - len(kept)


def left_out_note(annotations: Sequence[dict[str, Any]]) -> str:
    """The note closing the summary and the comment when annotations were left out ("" if
    none were): passed as a tail, so cutting a long text never cuts it."""
    left_out = capped(annotations)[1]
    return (f"\n\n{left_out} more annotations were not attached (shipshape attaches at most "
            f"{MAX_ANNOTATIONS}).\n") if left_out else ""


async def complete(
    gh: Installation, repo: str, run_id: int, *, conclusion: Conclusion, title: str, summary: str,
    annotations: Sequence[dict[str, Any]] = (),
) -> int:
    """Send the annotations in batches and complete the run; return the number of requests."""
    kept, _ = capped(annotations)
    tail = left_out_note(annotations)
    url_vars = repo_vars(repo, check_run_id=run_id)
    batches = _batches(kept)
    for batch in batches[:-1]:
        await gh.patch(UPDATE_URL, url_vars,
                       data={"output": _output(title, summary, batch, tail)})
    await gh.patch(UPDATE_URL, url_vars, data={
        "status": "completed", "conclusion": conclusion,
        "output": _output(title, summary, batches[-1], tail), "actions": [RERUN_ACTION],
    })
    return len(batches)
