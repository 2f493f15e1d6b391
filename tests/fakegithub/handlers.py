"""One handler per operationId of the OpenAPI subset.

Handlers run only for requests that already passed routing, authentication and spec validation;
they add the checks that GitHub makes beyond the schema (unknown shas, stale blob shas, comment
size) and read or write `State` only through the `Ctx` they are given.
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from aiohttp import web

from . import shapes
from .auth import issue_token
from .spec import DOCS_URL, ApiError, example, not_found, validation_failed
from .state import PullRequest, Repo, blob_sha, fake_sha

if TYPE_CHECKING:
    from .server import FakeGitHub

# GitHub lists at most 3,000 files and 250 commits of a pull request (FACTS.md).
MAX_PR_FILES = 3000
MAX_PR_COMMITS = 250
MAX_PER_PAGE = 100
# A comparison lists at most 250 commits unpaged and 300 files (FACTS.md, Compare limits).
MAX_COMPARE_COMMITS = 250
MAX_COMPARE_FILES = 300
# Observed: a comment body over 65,536 characters gets 422 (FACTS.md, Comments).
MAX_COMMENT_BODY = 65536
# A conditional GET whose ETag still matches; it costs no rate limit (GitHub's REST best
# practices, "Use conditional requests if appropriate").
NOT_MODIFIED = 304
DIFF_MEDIA_TYPES = ("application/vnd.github.diff", "application/vnd.github.v3.diff",
                    "application/vnd.github.patch", "application/vnd.github.v3.patch")


@dataclass
class Ctx:
    """Everything a handler may use about one validated request."""

    fake: FakeGitHub
    path: str
    params: dict[str, Any]
    query: dict[str, Any]
    raw_query: list[tuple[str, str]]
    body: Any
    headers: Mapping[str, str]
    installation_id: int | None
    allowed: frozenset[str] | None = None

    def can_see(self, repo: Repo) -> bool:
        """Whether the token's installation (and repository selection) covers `repo`."""
        if self.installation_id is not None and repo.installation_id != self.installation_id:
            return False
        return self.allowed is None or repo.full_name.lower() in self.allowed

    @property
    def api(self) -> str:
        return self.fake.url

    def repo(self) -> Repo:
        """The addressed repository, or 404 if absent or not visible to this installation."""
        repo = self.fake.state.repos.get(f"{self.params['owner']}/{self.params['repo']}".lower())
        if repo is None or not self.can_see(repo):
            raise ApiError(404, not_found())
        return repo

    def issue_number(self) -> tuple[Repo, int]:
        """The addressed issue or pull request's number, or 404 when neither exists."""
        repo = self.repo()
        number = self.params["issue_number"]
        if number not in repo.pulls and number not in repo.issues:
            raise ApiError(404, not_found())
        return repo, number

    def pull(self, number_key: str = "pull_number") -> tuple[Repo, PullRequest]:
        repo = self.repo()
        pr = repo.pulls.get(self.params[number_key])
        if pr is None:
            raise ApiError(404, not_found())
        return repo, pr


def json_response(data: Any, status: int = 200, headers: Mapping[str, str] | None = None
                  ) -> web.Response:
    """A JSON answer with GitHub's content type."""
    return web.Response(body=json.dumps(data).encode(), status=status,
                        content_type="application/json", charset="utf-8", headers=headers)


def paginate(ctx: Ctx, items: list[Any]) -> tuple[list[Any], dict[str, str]]:
    """Slice one page and build GitHub's `Link` header (first/prev/next/last)."""
    per_page = max(1, min(int(ctx.query.get("per_page", 30)), MAX_PER_PAGE))
    page = max(1, int(ctx.query.get("page", 1)))
    last = max(1, -(-len(items) // per_page))
    rels = {"prev": page - 1, "next": page + 1, "last": last, "first": 1}
    shown = {"prev": page > 1, "first": page > 1, "next": page < last, "last": page < last}
    links = [f'<{_page_url(ctx, per_page, n)}>; rel="{rel}"' for rel, n in rels.items()
             if shown[rel]]
    headers = {"Link": ", ".join(links)} if links else {}
    return items[(page - 1) * per_page: page * per_page], headers


def _page_url(ctx: Ctx, per_page: int, page: int) -> str:
    query = [(k, v) for k, v in ctx.raw_query if k not in {"page", "per_page"}]
    query += [("per_page", str(per_page)), ("page", str(page))]
    return f"{ctx.api}{ctx.path}?{urlencode(query)}"


# --- pull requests -----------------------------------------------------------------------------

def get_pull(ctx: Ctx) -> web.Response:
    """GET pulls/{n}: JSON, or the whole diff for the diff/patch media types."""
    repo, pr = ctx.pull()
    accept = ctx.headers.get("Accept", "")
    if any(media in accept for media in DIFF_MEDIA_TYPES):
        return _diff_response(ctx, pr)
    return json_response(shapes.pull(pr, repo, ctx.api))


def _diff_response(ctx: Ctx, pr: PullRequest) -> web.Response:
    diff = pr.diff or diff_from_files(pr.files)
    lines = diff.count("\n")
    if len(pr.files) > ctx.fake.diff_max_files:
        raise _too_large(f"Sorry, the diff exceeded the maximum number of files "
                         f"({ctx.fake.diff_max_files}). Consider using 'List pull requests files' "
                         "API or locally cloning the repository instead.")
    if lines > ctx.fake.diff_max_lines:
        raise _too_large(f"Sorry, the diff exceeded the maximum number of lines "
                         f"({ctx.fake.diff_max_lines})")
    return web.Response(text=diff, content_type="application/vnd.github.diff", charset="utf-8")


def _too_large(message: str) -> ApiError:
    """GitHub's observed 406 for a diff over its limits (FACTS.md, Diff too large)."""
    return ApiError(406, {
        "message": message,
        "errors": [{"resource": "PullRequest", "field": "diff", "code": "too_large"}],
        "documentation_url": "https://docs.github.com/rest/pulls/pulls#get-a-pull-request",
        "status": "406",
    })


def diff_from_files(files: list[dict[str, Any]]) -> str:
    """Rebuild `git diff` text for a PR seeded with files-list rows only."""
    out = []
    for row in files:
        name, old = row["filename"], row.get("previous_filename", row["filename"])
        out.append(f"diff --git a/{old} b/{name}")
        if row.get("status") == "added":
            out += ["new file mode 100644", "--- /dev/null", f"+++ b/{name}"]
        elif row.get("status") == "removed":
            out += ["deleted file mode 100644", f"--- a/{old}", "+++ /dev/null"]
        elif "patch" in row:
            out += [f"--- a/{old}", f"+++ b/{name}"]
        if "patch" in row:
            out.append(row["patch"])
        else:
            out.append(f"Binary files a/{old} and b/{name} differ")
    return "\n".join(out) + ("\n" if out else "")


def list_pull_files(ctx: Ctx) -> web.Response:
    """GET pulls/{n}/files: paginated, at most 3,000 files."""
    repo, pr = ctx.pull()
    rows = [shapes.file_row(r, repo, pr.head_sha, ctx.api) for r in pr.files[:MAX_PR_FILES]]
    page, headers = paginate(ctx, rows)
    return json_response(page, headers=headers)


def list_pull_commits(ctx: Ctx) -> web.Response:
    """GET pulls/{n}/commits: paginated, at most 250 commits."""
    repo, pr = ctx.pull()
    rows = [shapes.commit(c, repo, ctx.api) for c in pr.commits[:MAX_PR_COMMITS]]
    page, headers = paginate(ctx, rows)
    return json_response(page, headers=headers)


def create_review(ctx: Ctx) -> web.Response:
    """POST pulls/{n}/reviews."""
    repo, pr = ctx.pull()
    body = ctx.body or {}
    review = shapes.example("pull-request-review")
    rid = ctx.fake.state.next_id()
    event = body.get("event")
    review.update({
        "id": rid, "node_id": f"PRR_{rid}", "body": body.get("body", ""),
        "commit_id": body.get("commit_id", pr.head_sha),
        "state": {"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED",
                  "COMMENT": "COMMENTED"}.get(event or "", "PENDING"),
        "user": shapes.user(ctx.fake.bot_login, ctx.api, kind="Bot"),
        "comments": body.get("comments", []),
    })
    repo.reviews.setdefault(pr.number, []).append(review)
    return json_response({k: v for k, v in review.items() if k != "comments"})


def compare(ctx: Ctx) -> web.Response:
    """GET compare/{base}...{head}: a seeded comparison, as JSON or the diff media type.

    Unpaged: the last 250 commits. Paged (`page`/`per_page`): the commits page by page and
    the files (at most 300) on the first page only (FACTS.md, Compare limits).
    """
    repo = ctx.repo()
    base, sep, head = ctx.params["basehead"].partition("...")
    found = repo.comparisons.get((repo.branches.get(base, base), repo.branches.get(head, head)))
    if not sep or found is None:
        raise ApiError(404, not_found())
    if any(media in ctx.headers.get("Accept", "") for media in DIFF_MEDIA_TYPES):
        # Assumed: the same 406 limits as a pull request's diff (none are documented).
        diff = found.diff or diff_from_files(found.files)
        if len(found.files) > ctx.fake.diff_max_files or \
                diff.count("\n") > ctx.fake.diff_max_lines:
            raise _too_large("Sorry, this diff is taking too long to generate.")
        return web.Response(text=diff, content_type="application/vnd.github.diff",
                            charset="utf-8")
    rows = [shapes.commit(c, repo, ctx.api) for c in found.commits]
    headers: dict[str, str] = {}
    first_page = True
    if "page" in ctx.query or "per_page" in ctx.query:
        first_page = int(ctx.query.get("page", 1)) <= 1
        rows, headers = paginate(ctx, rows)
    else:
        rows = rows[-MAX_COMPARE_COMMITS:]
    files = [shapes.file_row(r, repo, found.head_sha, ctx.api)
             for r in found.files[:MAX_COMPARE_FILES]] if first_page else []
    return json_response(shapes.comparison(found, rows, files, repo, ctx.api), headers=headers)


# --- contents and trees ------------------------------------------------------------------------

def get_content(ctx: Ctx) -> web.Response:
    """GET contents/{path}?ref=: a file as base64 JSON, a directory as a list, else 404."""
    repo = ctx.repo()
    ref = ctx.query.get("ref") or repo.default_branch
    tree = repo.resolve(ref)
    if tree is None:
        raise ApiError(404, {"message": f"No commit found for the ref {ref}",
                             "documentation_url": DOCS_URL, "status": "404"})
    path = ctx.params["path"].strip("/")
    if path in tree:
        return _conditional(ctx, shapes.content_file(path, tree[path], repo, ref, ctx.api))
    entries = _directory_entries(tree, path)
    if not entries:
        raise ApiError(404, not_found())
    return _conditional(ctx, shapes.directory(path, entries, repo, ref, ctx.api))


def _conditional(ctx: Ctx, data: Any) -> web.Response:
    """200 with an ETag, or 304 (no body) when `If-None-Match` names the same ETag.

    GitHub's ETag depends on the token too (github/docs#34689): an ETag from an expired
    installation token gets a full answer again, so the fake mixes the credential in.
    """
    body = json.dumps(data).encode()
    credential = ctx.headers.get("Authorization", "")
    etag = 'W/"' + hashlib.sha256(credential.encode() + b"\0" + body).hexdigest()[:40] + '"'
    if etag in {t.strip() for t in ctx.headers.get("If-None-Match", "").split(",")}:
        return web.Response(status=NOT_MODIFIED, headers={"ETag": etag})
    return web.Response(body=body, status=200, content_type="application/json",
                        charset="utf-8", headers={"ETag": etag})


def _directory_entries(tree: Mapping[str, bytes], path: str
                       ) -> list[tuple[str, str, bytes | None]]:
    prefix = f"{path}/" if path else ""
    found: dict[str, tuple[str, str, bytes | None]] = {}
    for name, data in tree.items():
        if name.startswith(prefix):
            head, sep, _ = name[len(prefix):].partition("/")
            found[head] = (head, "dir", None) if sep else (head, "file", data)
    return [found[k] for k in sorted(found)]


def put_content(ctx: Ctx) -> web.Response:
    """PUT contents/{path}: create (201) or update (200); stale sha 409, missing sha 422."""
    repo = ctx.repo()
    body, path = ctx.body, ctx.params["path"].strip("/")
    branch = body.get("branch") or repo.default_branch
    if branch not in repo.branches and branch not in repo.trees:
        raise ApiError(404, {"message": f"Branch {branch} not found",
                             "documentation_url": DOCS_URL, "status": "404"})
    _refuse_protected(repo, branch)
    data = _decode_content(body["content"])
    tree = dict(repo.resolve(branch) or {})
    current = tree.get(path)
    if current is not None and "sha" not in body:
        raise ApiError(422, validation_failed('Invalid request.\n\n"sha" wasn\'t supplied.'))
    if current is not None and body["sha"] != blob_sha(current):
        raise ApiError(409, {"message": f"{path} does not match {body['sha']}",
                             "documentation_url": DOCS_URL, "status": "409"})
    commit_sha = ctx.fake.commit_tree(repo, branch, {**tree, path: data})
    repo.commit_messages.append((branch, body["message"]))
    result = shapes.file_commit(path, data, body["message"], commit_sha, repo, branch, ctx.api)
    return json_response(result, status=200 if current is not None else 201)


def _refuse_protected(repo: Repo, branch: str) -> None:
    """Refuse a write to a protected branch with the answer GitHub gives."""
    how = repo.protected.get(branch)
    if how == "permission":
        raise ApiError(403, {"message": "Resource not accessible by integration",
                             "documentation_url": DOCS_URL, "status": "403"})
    if how is not None:
        raise ApiError(409, {
            "message": "Repository rule violations found\n\nChanges must be made through a "
                       "pull request.\n\n", "documentation_url": DOCS_URL, "status": "409",
            "metadata": {"secret_scanning": None}})


# --- git refs ----------------------------------------------------------------------------------

def _ref_json(repo: Repo, name: str, sha: str, api: str) -> dict[str, Any]:
    data = shapes.relink(example("git-ref"), api, repo.full_name)
    data.update({"ref": f"refs/heads/{name}", "node_id": f"REF_{fake_sha(name)[:10]}",
                 "url": f"{api}/repos/{repo.full_name}/git/refs/heads/{name}"})
    data["object"] = {"type": "commit", "sha": sha,
                      "url": f"{api}/repos/{repo.full_name}/git/commits/{sha}"}
    return data


def _branch_of(ref: str) -> str:
    if not ref.startswith("heads/"):
        raise ApiError(404, not_found())  # only branches are modelled
    return ref[len("heads/"):]


def get_ref(ctx: Ctx) -> web.Response:
    """GET git/ref/heads/{branch}."""
    repo = ctx.repo()
    name = _branch_of(ctx.params["ref"])
    if name not in repo.branches:
        raise ApiError(404, not_found())
    return json_response(_ref_json(repo, name, repo.branches[name], ctx.api))


def create_ref(ctx: Ctx) -> web.Response:
    """POST git/refs: a new branch at a known commit; 422 when it exists."""
    repo = ctx.repo()
    ref, sha = ctx.body["ref"], ctx.body["sha"]
    if not ref.startswith("refs/") or ref.count("/") < 2:
        raise ApiError(422, validation_failed("Reference name must start with 'refs' and "
                                              "have at least two slashes."))
    name = _branch_of(ref[len("refs/"):])
    if name in repo.branches:
        raise ApiError(422, validation_failed("Reference already exists"))
    tree = repo.resolve(sha)
    if tree is None:
        raise ApiError(422, validation_failed("Object does not exist"))
    repo.trees[name] = dict(tree)
    repo.branches[name] = sha
    return json_response(_ref_json(repo, name, sha, ctx.api), status=201)


def update_ref(ctx: Ctx) -> web.Response:
    """PATCH git/refs/heads/{branch}: `force` moves it anywhere (no ancestry is modelled)."""
    repo = ctx.repo()
    name = _branch_of(ctx.params["ref"])
    sha = ctx.body["sha"]
    tree = repo.resolve(sha)
    if name not in repo.branches or tree is None:
        raise ApiError(422, validation_failed("Reference does not exist"))
    if not ctx.body.get("force"):
        raise ApiError(422, validation_failed("Update is not a fast forward"))
    repo.trees[name] = dict(tree)
    repo.branches[name] = sha
    return json_response(_ref_json(repo, name, sha, ctx.api))


# --- pull requests made by the App -------------------------------------------------------------

def list_pulls(ctx: Ctx) -> web.Response:
    """GET pulls with `head=owner:branch`, `base` and `state` filters."""
    repo = ctx.repo()
    state = ctx.query.get("state", "open")
    head, base = ctx.query.get("head"), ctx.query.get("base")
    found = [pr for pr in repo.pulls.values()
             if (state == "all" or pr.state == state)
             and (head is None or head == f"{repo.owner}:{pr.head_ref}")
             and (base is None or base == pr.base_ref)]
    page, headers = paginate(ctx, [shapes.pull(pr, repo, ctx.api) for pr in found])
    return json_response(page, headers=headers)


def create_pull(ctx: Ctx) -> web.Response:
    """POST pulls: one open PR per head and base, as the App's bot user."""
    repo = ctx.repo()
    body = ctx.body
    head, base = body["head"].split(":")[-1], body["base"]
    if head not in repo.branches or base not in repo.branches:
        raise ApiError(422, validation_failed("Validation Failed", [
            {"resource": "PullRequest", "field": "head", "code": "invalid"}]))
    if any(p.head_ref == head and p.base_ref == base and p.state == "open"
           for p in repo.pulls.values()):
        raise ApiError(422, validation_failed("Validation Failed", [
            {"resource": "PullRequest", "code": "custom",
             "message": f"A pull request already exists for {repo.owner}:{head}."}]))
    number = max([0, *repo.pulls, *repo.issues]) + 1
    pr = PullRequest(number=number, title=body.get("title", ""), body=body.get("body"),
                     head_sha=repo.branches[head], head_ref=head, base_ref=base,
                     base_sha=repo.branches[base], user=ctx.fake.bot_login,
                     id=ctx.fake.state.next_id())
    repo.pulls[number] = pr
    return json_response(shapes.pull(pr, repo, ctx.api), status=201)


def update_pull(ctx: Ctx) -> web.Response:
    """PATCH pulls/{n}: title, body, state."""
    repo, pr = ctx.pull()
    for key in ("title", "body", "state"):
        if key in ctx.body:
            setattr(pr, key, ctx.body[key])
    return json_response(shapes.pull(pr, repo, ctx.api))


def _decode_content(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ApiError(422, validation_failed("content is not valid Base64")) from exc


def get_tree(ctx: Ctx) -> web.Response:
    """GET git/trees/{sha}: any value of `recursive` recurses, as the spec says."""
    repo = ctx.repo()
    sha = ctx.params["tree_sha"]
    tree = repo.resolve(sha)
    tree = tree if tree is not None else ctx.fake.tree_by_tree_sha(repo, sha)
    if tree is None:
        raise ApiError(404, not_found())
    entries = _tree_entries(tree, recursive="recursive" in ctx.query, repo=repo, api=ctx.api)
    limit = ctx.fake.tree_max_entries
    return json_response({"sha": fake_sha("tree", repo.full_name, sha),
                          "url": f"{ctx.api}/repos/{repo.full_name}/git/trees/{sha}",
                          "tree": entries[:limit], "truncated": len(entries) > limit})


def _tree_entries(tree: Mapping[str, bytes], *, recursive: bool, repo: Repo, api: str
                  ) -> list[dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    base = f"{api}/repos/{repo.full_name}/git"
    for path in sorted(tree):
        parts = path.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if (recursive or depth == 1) and folder not in entries:
                sha = fake_sha("tree", repo.full_name, folder)
                entries[folder] = {"path": folder, "mode": "040000", "type": "tree", "sha": sha,
                                   "url": f"{base}/trees/{sha}"}
        if recursive or len(parts) == 1:
            sha = blob_sha(tree[path])
            entries[path] = {"path": path, "mode": "100644", "type": "blob", "sha": sha,
                             "size": len(tree[path]), "url": f"{base}/blobs/{sha}"}
    return [entries[k] for k in sorted(entries)]


# --- check runs and statuses -------------------------------------------------------------------

def create_check_run(ctx: Ctx) -> web.Response:
    """POST check-runs: head_sha must be a commit the repository has."""
    repo = ctx.repo()
    body = ctx.body
    if not ctx.fake.knows_commit(repo, body["head_sha"]):
        raise ApiError(422, validation_failed(f"No commit found for SHA: {body['head_sha']}"))
    rid = ctx.fake.state.next_id()
    run: dict[str, Any] = {"id": rid, "head_sha": body["head_sha"], "name": body["name"],
                           "status": "queued", "conclusion": None, "started_at": shapes.iso(),
                           "completed_at": None, "details_url": None, "external_id": "",
                           "output": {"title": None, "summary": None, "text": None}}
    repo.annotations[rid] = []
    _apply_check_update(ctx, repo, run, body)
    repo.check_runs.append(run)
    return json_response(ctx.fake.check_run_json(repo, run), status=201)


def update_check_run(ctx: Ctx) -> web.Response:
    """PATCH check-runs/{id}: fields replace, annotations append."""
    repo = ctx.repo()
    run = _find_run(repo, ctx.params["check_run_id"])
    _apply_check_update(ctx, repo, run, ctx.body or {})
    return json_response(ctx.fake.check_run_json(repo, run))


def _find_run(repo: Repo, run_id: int) -> dict[str, Any]:
    for run in repo.check_runs:
        if run["id"] == run_id:
            return run
    raise ApiError(404, not_found())


def _apply_check_update(ctx: Ctx, repo: Repo, run: dict[str, Any], body: dict[str, Any]) -> None:
    """Apply create/update fields with GitHub's rules on status and conclusion."""
    status = body.get("status", run["status"])
    if "conclusion" in body and body["conclusion"] is not None:
        status = "completed"
    if status == "completed" and body.get("conclusion", run["conclusion"]) is None:
        raise ApiError(422, validation_failed(
            "Invalid request.\n\nNo subschema in \"anyOf\" matched.\n"
            "\"conclusion\" wasn't supplied."))
    output = body.get("output")
    if output is not None:
        _check_annotations(output.get("annotations", []))
    for key in ("name", "details_url", "external_id", "started_at", "completed_at",
                "conclusion", "actions"):
        if key in body:
            run[key] = body[key]
    run["status"] = status
    if status == "completed" and not run.get("completed_at"):
        run["completed_at"] = shapes.iso()
    if output is not None:
        run["output"] = {k: output.get(k) for k in ("title", "summary", "text")}
        repo.annotations[run["id"]].extend(output.get("annotations", []))


def _check_annotations(annotations: list[dict[str, Any]]) -> None:
    """Columns are allowed only on one-line annotations (spec description of `start_column`)."""
    for index, note in enumerate(annotations):
        one_line = note["start_line"] == note["end_line"]
        if not one_line and ("start_column" in note or "end_column" in note):
            raise ApiError(422, validation_failed(
                f"Invalid request.\n\nannotations[{index}]: start_column and end_column "
                "may only be used when start_line and end_line are equal."))
        if note["end_line"] < note["start_line"]:
            raise ApiError(422, validation_failed(
                f"Invalid request.\n\nannotations[{index}]: end_line is before start_line."))


def list_check_runs_for_ref(ctx: Ctx) -> web.Response:
    """GET commits/{ref}/check-runs with check_name, status, filter=latest|all and app_id."""
    repo = ctx.repo()
    ref = ctx.params["ref"]
    sha = repo.branches.get(ref, ref)
    runs = [r for r in repo.check_runs if r["head_sha"] == sha]
    if "check_name" in ctx.query:
        runs = [r for r in runs if r["name"] == ctx.query["check_name"]]
    if "status" in ctx.query:
        runs = [r for r in runs if r["status"] == ctx.query["status"]]
    if "app_id" in ctx.query and ctx.query["app_id"] != ctx.fake.app_id:
        runs = []
    if ctx.query.get("filter", "latest") == "latest":
        latest = {r["name"]: r for r in runs}
        runs = [r for r in runs if latest[r["name"]] is r]
    runs = sorted(runs, key=lambda r: -r["id"])
    page, headers = paginate(ctx, [ctx.fake.check_run_json(repo, r) for r in runs])
    return json_response({"total_count": len(runs), "check_runs": page}, headers=headers)


def list_annotations(ctx: Ctx) -> web.Response:
    """GET check-runs/{id}/annotations, paginated."""
    repo = ctx.repo()
    run = _find_run(repo, ctx.params["check_run_id"])
    rows = [shapes.annotation(a, repo, run["head_sha"], ctx.api)
            for a in repo.annotations[run["id"]]]
    page, headers = paginate(ctx, rows)
    return json_response(page, headers=headers)


def create_status(ctx: Ctx) -> web.Response:
    """POST statuses/{sha}."""
    repo = ctx.repo()
    sha = ctx.params["sha"]
    if not ctx.fake.knows_commit(repo, sha):
        raise ApiError(422, validation_failed(f"No commit found for SHA: {sha}"))
    sid = ctx.fake.state.next_id()
    status = shapes.status(sid, ctx.body, ctx.fake.bot_login, repo, sha, ctx.api)
    repo.statuses.setdefault(sha, []).append(status)
    return json_response(status, status=201, headers={"Location": status["url"]})


# --- issues: comments, labels, reactions -------------------------------------------------------

def get_issue(ctx: Ctx) -> web.Response:
    """GET issues/{n}: a plain issue, or a PR (every PR is an issue, with `pull_request`)."""
    repo, number = ctx.issue_number()
    if number in repo.issues:
        return json_response(shapes.plain_issue(number, repo.issues[number], repo, ctx.api))
    return json_response(shapes.issue(repo.pulls[number], repo, ctx.api))


def list_comments(ctx: Ctx) -> web.Response:
    """GET issues/{n}/comments, paginated, with `since`."""
    repo, number = ctx.issue_number()
    comments = repo.comments.get(number, [])
    since = ctx.query.get("since")
    if since is not None:
        comments = [c for c in comments if c["updated_at"] >= since]
    page, headers = paginate(ctx, comments)
    return json_response(page, headers=headers)


def _check_comment_body(body: str) -> None:
    if len(body) > MAX_COMMENT_BODY:
        raise ApiError(422, validation_failed("Validation Failed", [{
            "resource": "IssueComment", "code": "custom", "field": "body",
            "message": f"Body is too long (maximum is {MAX_COMMENT_BODY} characters)"}]))


def create_comment(ctx: Ctx) -> web.Response:
    """POST issues/{n}/comments, written as the App's bot user."""
    repo, number = ctx.issue_number()
    _check_comment_body(ctx.body["body"])
    comment = ctx.fake.new_comment(repo, number, ctx.body["body"], ctx.fake.bot_login, "Bot")
    # GitHub names the App that wrote a comment through an installation token.
    comment["performed_via_github_app"] = shapes.app(ctx.fake.app_id, ctx.fake.app_slug, ctx.api)
    return json_response(comment, status=201, headers={"Location": comment["url"]})


def update_comment(ctx: Ctx) -> web.Response:
    """PATCH issues/comments/{id}."""
    repo = ctx.repo()
    comment = _find_comment(repo, ctx.params["comment_id"])
    _check_comment_body(ctx.body["body"])
    comment["body"] = ctx.body["body"]
    comment["updated_at"] = shapes.iso()
    return json_response(comment)


def _find_comment(repo: Repo, comment_id: int) -> dict[str, Any]:
    for comments in repo.comments.values():
        for comment in comments:
            if comment["id"] == comment_id:
                return comment
    raise ApiError(404, not_found())


def _react(ctx: Ctx, repo: Repo, target: dict[str, Any]) -> web.Response:
    content = ctx.body["content"]
    for reaction in repo.reactions:
        if reaction["target"] == target and reaction["content"] == content:
            return json_response(reaction["json"])
    rid = ctx.fake.state.next_id()
    data = shapes.reaction(rid, content, ctx.fake.bot_login, ctx.api)
    repo.reactions.append({"target": target, "content": content, "json": data})
    return json_response(data, status=201)


def react_to_comment(ctx: Ctx) -> web.Response:
    """POST issues/comments/{id}/reactions: 201 new, 200 when it already exists."""
    repo = ctx.repo()
    comment = _find_comment(repo, ctx.params["comment_id"])
    return _react(ctx, repo, {"comment_id": comment["id"]})


def react_to_issue(ctx: Ctx) -> web.Response:
    """POST issues/{n}/reactions."""
    repo, pr = ctx.pull("issue_number")
    return _react(ctx, repo, {"issue_number": pr.number})


def add_labels(ctx: Ctx) -> web.Response:
    """POST issues/{n}/labels: every accepted body form; answers the issue's labels."""
    repo, pr = ctx.pull("issue_number")
    for name in _label_names(ctx.body):
        if name not in pr.labels:
            pr.labels.append(name)
    return json_response([shapes.label(repo, n, ctx.api) for n in pr.labels])


def _label_names(body: Any) -> list[str]:
    items = body.get("labels", []) if isinstance(body, dict) else body
    items = [items] if isinstance(items, str) else list(items or [])
    return [item["name"] if isinstance(item, dict) else str(item) for item in items]


def remove_label(ctx: Ctx) -> web.Response:
    """DELETE issues/{n}/labels/{name}: 404 "Label does not exist" when absent."""
    repo, pr = ctx.pull("issue_number")
    name = ctx.params["name"]
    if name not in pr.labels:
        raise ApiError(404, {"message": "Label does not exist", "documentation_url": DOCS_URL,
                             "status": "404"})
    pr.labels.remove(name)
    return json_response([shapes.label(repo, n, ctx.api) for n in pr.labels])


# --- repository, users, search -----------------------------------------------------------------

def get_repo(ctx: Ctx) -> web.Response:
    """GET /repos/{o}/{r}."""
    return json_response(shapes.repository(ctx.repo(), ctx.api))


def get_permission(ctx: Ctx) -> web.Response:
    """GET collaborators/{username}/permission (unknown users read as `read`)."""
    repo = ctx.repo()
    username = ctx.params["username"]
    permission = repo.permissions.get(username.lower(), "read")
    role = {"maintain": "maintain", "triage": "triage"}.get(permission, permission)
    user = shapes.user(username, ctx.api)
    user.update({"role_name": role, "permissions": {
        "admin": permission == "admin", "maintain": permission in {"admin", "maintain"},
        "push": permission in {"admin", "maintain", "write"},
        "triage": permission != "none", "pull": permission != "none"}})
    legacy = {"maintain": "write", "triage": "read"}.get(permission, permission)
    return json_response({"permission": legacy, "role_name": role, "user": user})


def get_team_membership(ctx: Ctx) -> web.Response:
    """GET orgs/{org}/teams/{slug}/memberships/{user}: active member, else 404."""
    org, slug = ctx.params["org"].lower(), ctx.params["team_slug"].lower()
    members = ctx.fake.state.teams.get((org, slug))
    username = ctx.params["username"]
    if members is None or username.lower() not in members:
        raise ApiError(404, not_found())
    return json_response({
        "url": f"{ctx.api}/organizations/1/team/1/memberships/{username}",
        "role": "member", "state": "active"})


def search_issues(ctx: Ctx) -> web.Response:
    """GET /search/issues: `repo:`, `is:pr|open|closed`, `type:pr`, words in title/body."""
    words, filters = _parse_query(ctx.query["q"])
    items = []
    for repo in ctx.fake.state.repos.values():
        if "repo" in filters and repo.full_name.lower() != filters["repo"].lower():
            continue
        if not ctx.can_see(repo):
            continue
        for pr in repo.pulls.values():
            text = f"{pr.title} {pr.body or ''}".lower()
            if filters.get("state", pr.state) == pr.state and all(w in text for w in words):
                items.append(shapes.search_item(pr, repo, ctx.api))
    page, headers = paginate(ctx, items)
    return json_response({"total_count": len(items), "incomplete_results": False,
                          "items": page, "search_type": "lexical"}, headers=headers)


def _parse_query(q: str) -> tuple[list[str], dict[str, str]]:
    words, filters = [], {}
    for token in q.split():
        key, sep, value = token.partition(":")
        if sep and key == "repo":
            filters["repo"] = value
        elif sep and key == "is" and value in {"open", "closed"}:
            filters["state"] = value
        elif not sep:
            words.append(token.lower())
    return words, filters


def rate_limit(ctx: Ctx) -> web.Response:
    """GET /rate_limit (free: it does not count against the limit)."""
    data = shapes.example("rate-limit-overview")
    core = ctx.fake.rate_core()
    data["resources"]["core"] = core
    data["rate"] = dict(core)
    return json_response(data)


# --- the App itself ----------------------------------------------------------------------------

def get_app(ctx: Ctx) -> web.Response:
    """GET /app."""
    return json_response(shapes.app(ctx.fake.app_id, ctx.fake.app_slug, ctx.api))


def create_token(ctx: Ctx) -> web.Response:
    """POST /app/installations/{id}/access_tokens: 404 for an unknown installation."""
    installation_id = ctx.params["installation_id"]
    state = ctx.fake.state
    if installation_id not in state.installations:
        raise ApiError(404, not_found())
    token = issue_token(state, installation_id, ctx.fake.token_ttl)
    body = ctx.body or {}
    ctx.fake.restrict_token(token.token, body.get("repositories"), body.get("repository_ids"))
    data = {"token": token.token, "expires_at": shapes.iso(token.expires_at),
            "permissions": body.get("permissions") or dict(ctx.fake.permissions),
            "repository_selection": "selected" if body.get("repositories")
            or body.get("repository_ids") else "all"}
    return json_response(data, status=201)


def list_deliveries(ctx: Ctx) -> web.Response:
    """GET /app/hook/deliveries: newest first, cursor-paginated, `status` filter."""
    rows = list(reversed(ctx.fake.state.deliveries))
    wanted = ctx.query.get("status")
    if wanted is not None:
        ok = wanted == "success"
        rows = [r for r in rows if (200 <= r["status_code"] < 400) == ok]
    per_page = max(1, min(int(ctx.query.get("per_page", 30)), MAX_PER_PAGE))
    cursor = str(ctx.query.get("cursor", "0"))
    start = int(cursor) if cursor.isdigit() else 0
    page = rows[start:start + per_page]
    headers = {}
    if start + per_page < len(rows):
        query = urlencode({"per_page": per_page, "cursor": start + per_page})
        headers["Link"] = f'<{ctx.api}{ctx.path}?{query}>; rel="next"'
    return json_response(page, headers=headers)


def redeliver(ctx: Ctx) -> web.Response:
    """POST /app/hook/deliveries/{id}/attempts: 202, recorded in `fake.redeliveries`."""
    delivery_id = ctx.params["delivery_id"]
    if not any(d["id"] == delivery_id for d in ctx.fake.state.deliveries):
        raise ApiError(404, not_found())
    ctx.fake.state.redeliveries.append(delivery_id)
    return json_response({}, status=202)


HANDLERS: dict[str, Callable[[Ctx], web.Response]] = {
    "pulls/get": get_pull,
    "pulls/list": list_pulls,
    "pulls/create": create_pull,
    "pulls/update": update_pull,
    "git/get-ref": get_ref,
    "git/create-ref": create_ref,
    "git/update-ref": update_ref,
    "pulls/list-files": list_pull_files,
    "pulls/list-commits": list_pull_commits,
    "pulls/create-review": create_review,
    "repos/compare-commits-with-basehead": compare,
    "repos/get-content": get_content,
    "repos/create-or-update-file-contents": put_content,
    "git/get-tree": get_tree,
    "checks/create": create_check_run,
    "checks/update": update_check_run,
    "checks/list-for-ref": list_check_runs_for_ref,
    "checks/list-annotations": list_annotations,
    "repos/create-commit-status": create_status,
    "issues/get": get_issue,
    "issues/list-comments": list_comments,
    "issues/create-comment": create_comment,
    "issues/update-comment": update_comment,
    "reactions/create-for-issue-comment": react_to_comment,
    "reactions/create-for-issue": react_to_issue,
    "issues/add-labels": add_labels,
    "issues/remove-label": remove_label,
    "repos/get": get_repo,
    "repos/get-collaborator-permission-level": get_permission,
    "search/issues-and-pull-requests": search_issues,
    "teams/get-membership-for-user-in-org": get_team_membership,
    "rate-limit/get": rate_limit,
    "apps/get-authenticated": get_app,
    "apps/create-installation-access-token": create_token,
    "apps/list-webhook-deliveries": list_deliveries,
    "apps/redeliver-webhook-delivery": redeliver,
}


def glob_match(pattern: str, path: str) -> bool:
    """fnmatch on a path (`*` crosses `/`, which suits URL globs)."""
    return fnmatch.fnmatchcase(path, pattern)


def epoch() -> int:
    return int(time.time())
