"""Response bodies in GitHub's shapes: the spec's own examples with the fake's state merged in.

Starting from `components/examples` keeps every field a real answer has (and that a strict client
may read); only identity, content and links are replaced. API links point at the fake so that a
client following `url` or a `Link` header stays on it.
"""

from __future__ import annotations

import base64
import time
from typing import Any

from .spec import example
from .state import PullRequest, Repo, blob_sha, fake_sha

HTML = "https://github.com"


def iso(ts: float | None = None) -> str:
    """GitHub's timestamp format."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if ts is None else ts))


def relink(value: Any, api: str, full_name: str) -> Any:
    """Point the example's api.github.com links and sample repository at the fake's."""
    if isinstance(value, str):
        return value.replace("https://api.github.com", api).replace("octocat/Hello-World",
                                                                     full_name)
    if isinstance(value, dict):
        return {k: relink(v, api, full_name) for k, v in value.items()}
    if isinstance(value, list):
        return [relink(v, api, full_name) for v in value]
    return value


def user(login: str, api: str, *, kind: str = "User") -> dict[str, Any]:
    """A simple-user object for `login`."""
    base = f"{api}/users/{login}"
    uid = int(fake_sha("user", login)[:7], 16)
    return {
        "login": login, "id": uid, "node_id": f"U_{uid}", "avatar_url": f"{HTML}/{login}.png",
        "gravatar_id": "", "url": base, "html_url": f"{HTML}/{login}",
        "followers_url": f"{base}/followers", "following_url": f"{base}/following{{/other_user}}",
        "gists_url": f"{base}/gists{{/gist_id}}",
        "starred_url": f"{base}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{base}/subscriptions", "organizations_url": f"{base}/orgs",
        "repos_url": f"{base}/repos", "events_url": f"{base}/events{{/privacy}}",
        "received_events_url": f"{base}/received_events", "type": kind, "site_admin": False,
    }


def repository(repo: Repo, api: str) -> dict[str, Any]:
    """A full-repository object."""
    data = relink(example("full-repository-default-response"), api, repo.full_name)
    base = f"{api}/repos/{repo.full_name}"
    # A plain repository: not a fork or a template (the example is all three at once).
    for key in ("template_repository", "parent", "source", "organization"):
        data.pop(key, None)
    data.update({
        "id": repo.id, "node_id": f"R_{repo.id}", "name": repo.name, "full_name": repo.full_name,
        "owner": user(repo.owner, api, kind="Organization"), "private": repo.private,
        "visibility": "private" if repo.private else "public", "url": base,
        "html_url": f"{HTML}/{repo.full_name}", "default_branch": repo.default_branch,
        "language": None, "fork": False, "is_template": False,
    })
    return data


def app(app_id: int, slug: str, api: str) -> dict[str, Any]:
    """The integration object for the fake App."""
    data = example("integration")
    data.update({"id": app_id, "slug": slug, "name": slug, "owner": user("octo-org", api),
                 "html_url": f"{HTML}/apps/{slug}"})
    return data


def pull(pr: PullRequest, repo: Repo, api: str) -> dict[str, Any]:
    """A pull-request object."""
    data = relink(example("pull-request"), api, repo.full_name)
    base = f"{api}/repos/{repo.full_name}"
    data.update({
        "id": pr.id, "node_id": f"PR_{pr.id}", "number": pr.number, "title": pr.title,
        "body": pr.body, "state": pr.state, "draft": pr.draft, "user": user(pr.user, api),
        "url": f"{base}/pulls/{pr.number}",
        "html_url": f"{HTML}/{repo.full_name}/pull/{pr.number}",
        "issue_url": f"{base}/issues/{pr.number}",
        "commits_url": f"{base}/pulls/{pr.number}/commits",
        "comments_url": f"{base}/issues/{pr.number}/comments",
        "labels": [label(repo, name, api) for name in pr.labels],
        "requested_teams": [], "requested_reviewers": [], "assignees": [], "assignee": None,
        "milestone": None, "merged": False, "merged_at": None, "closed_at": None,
        "commits": len(pr.commits), "changed_files": len(pr.files),
        "additions": sum(f["additions"] for f in pr.files),
        "deletions": sum(f["deletions"] for f in pr.files),
        "head": _branch(repo, pr.head_ref, pr.head_sha, pr.user, api),
        "base": _branch(repo, pr.base_ref, pr.base_sha, repo.owner, api),
    })
    return data


def _branch(repo: Repo, ref: str, sha: str, login: str, api: str) -> dict[str, Any]:
    return {"label": f"{repo.owner}:{ref}", "ref": ref, "sha": sha, "user": user(login, api),
            "repo": repository(repo, api)}


def issue(pr: PullRequest, repo: Repo, api: str) -> dict[str, Any]:
    """The issue object every pull request also is."""
    data = relink(example("issue"), api, repo.full_name)
    base = f"{api}/repos/{repo.full_name}"
    data.update({
        "id": pr.id, "node_id": f"I_{pr.id}", "number": pr.number, "title": pr.title,
        "body": pr.body, "state": pr.state, "user": user(pr.user, api),
        "url": f"{base}/issues/{pr.number}", "repository_url": base,
        "html_url": f"{HTML}/{repo.full_name}/pull/{pr.number}",
        "labels": [label(repo, name, api) for name in pr.labels],
        "comments": len(repo.comments.get(pr.number, [])), "assignee": None, "assignees": [],
        "milestone": None, "closed_at": None,
        "pull_request": {"url": f"{base}/pulls/{pr.number}",
                         "html_url": f"{HTML}/{repo.full_name}/pull/{pr.number}",
                         "diff_url": f"{HTML}/{repo.full_name}/pull/{pr.number}.diff",
                         "patch_url": f"{HTML}/{repo.full_name}/pull/{pr.number}.patch",
                         "merged_at": None},
    })
    data.pop("repository", None)
    return data


def plain_issue(number: int, title: str, repo: Repo, api: str) -> dict[str, Any]:
    """An issue that is not a pull request (no `pull_request` key)."""
    seed = PullRequest(number=number, title=title, body=None, head_sha="", head_ref="",
                       base_ref="", base_sha="", id=int(fake_sha("issue", number)[:7], 16))
    data = issue(seed, repo, api)
    data.pop("pull_request")
    data["html_url"] = f"{HTML}/{repo.full_name}/issues/{number}"
    return data


def label(repo: Repo, name: str, api: str) -> dict[str, Any]:
    """A label object (labels are created on first use, as the add-labels endpoint does)."""
    lid = int(fake_sha("label", repo.full_name, name)[:7], 16)
    return {"id": lid, "node_id": f"LA_{lid}", "url": f"{api}/repos/{repo.full_name}/labels/{name}",
            "name": name, "description": None, "color": "ededed", "default": False}


def file_row(row: dict[str, Any], repo: Repo, head_sha: str, api: str) -> dict[str, Any]:
    """A diff-entry object from a seeded files-list row."""
    name = row["filename"]
    out = {
        "sha": row.get("sha") or fake_sha("blob", name, head_sha),
        "filename": name, "status": row.get("status", "modified"),
        "additions": row.get("additions", 0), "deletions": row.get("deletions", 0),
        "changes": row.get("changes", row.get("additions", 0) + row.get("deletions", 0)),
        "blob_url": f"{HTML}/{repo.full_name}/blob/{head_sha}/{name}",
        "raw_url": f"{HTML}/{repo.full_name}/raw/{head_sha}/{name}",
        "contents_url": f"{api}/repos/{repo.full_name}/contents/{name}?ref={head_sha}",
    }
    for key in ("patch", "previous_filename"):
        if key in row:
            out[key] = row[key]
    return out


def commit(seed: dict[str, Any], repo: Repo, api: str) -> dict[str, Any]:
    """A commit object from a seeded commit (sha, message, author, parents)."""
    data = relink(example("commit-items")[0], api, repo.full_name)
    sha, login = seed["sha"], seed["author"]
    base = f"{api}/repos/{repo.full_name}"
    person = {"name": login.title(), "email": f"{login}@users.noreply.github.com",
              "date": seed.get("date", iso())}
    data.update({
        "sha": sha, "node_id": f"C_{sha[:12]}", "url": f"{base}/commits/{sha}",
        "html_url": f"{HTML}/{repo.full_name}/commit/{sha}",
        "comments_url": f"{base}/commits/{sha}/comments",
        "author": user(login, api), "committer": user(login, api),
        "parents": [{"sha": p, "url": f"{base}/commits/{p}",
                     "html_url": f"{HTML}/{repo.full_name}/commit/{p}"} for p in seed["parents"]],
    })
    data.pop("files", None)
    data.pop("stats", None)
    data["commit"].update({
        "message": seed["message"], "author": person, "committer": dict(person),
        "url": f"{base}/git/commits/{sha}",
        "tree": {"sha": fake_sha("tree", sha), "url": f"{base}/git/trees/{fake_sha('tree', sha)}"},
    })
    return data


def comment(cid: int, body: str, login: str, kind: str, repo: Repo, number: int,
            api: str) -> dict[str, Any]:
    """An issue-comment object."""
    data = example("issue-comment")
    base = f"{api}/repos/{repo.full_name}"
    now = iso()
    data.update({
        "id": cid, "node_id": f"IC_{cid}", "body": body, "user": user(login, api, kind=kind),
        "url": f"{base}/issues/comments/{cid}", "issue_url": f"{base}/issues/{number}",
        "html_url": f"{HTML}/{repo.full_name}/pull/{number}#issuecomment-{cid}",
        "created_at": now, "updated_at": now,
        "author_association": "NONE" if kind == "Bot" else "CONTRIBUTOR",
    })
    return data


def reaction(rid: int, content: str, login: str, api: str) -> dict[str, Any]:
    """A reaction object."""
    return {"id": rid, "node_id": f"REA_{rid}", "user": user(login, api, kind="Bot"),
            "content": content, "created_at": iso()}


def content_file(path: str, data: bytes, repo: Repo, ref: str, api: str) -> dict[str, Any]:
    """A content-file object: base64 in 60-character lines like GitHub's."""
    sha = blob_sha(data)
    encoded = base64.b64encode(data).decode()
    lines = "\n".join(encoded[i:i + 60] for i in range(0, len(encoded), 60))
    self_url = f"{api}/repos/{repo.full_name}/contents/{path}?ref={ref}"
    git_url = f"{api}/repos/{repo.full_name}/git/blobs/{sha}"
    html = f"{HTML}/{repo.full_name}/blob/{ref}/{path}"
    return {
        "type": "file", "encoding": "base64", "size": len(data), "name": path.rsplit("/", 1)[-1],
        "path": path, "content": lines + "\n" if lines else "", "sha": sha, "url": self_url,
        "git_url": git_url, "html_url": html,
        "download_url": f"https://raw.githubusercontent.com/{repo.full_name}/{ref}/{path}",
        "_links": {"self": self_url, "git": git_url, "html": html},
    }


def directory(path: str, names: list[tuple[str, str, bytes | None]], repo: Repo, ref: str,
              api: str) -> list[dict[str, Any]]:
    """A content-directory array: (name, type, content) entries under `path`."""
    out = []
    for name, kind, data in names:
        full = f"{path}/{name}" if path else name
        entry = content_file(full, data or b"", repo, ref, api)
        entry.pop("content")
        entry.pop("encoding")
        entry["type"] = kind
        if kind == "dir":
            entry.update({"sha": fake_sha("tree", repo.full_name, ref, full), "size": 0,
                          "download_url": None})
        out.append(entry)
    return out


def file_commit(path: str, data: bytes, message: str, sha: str, repo: Repo, branch: str,
                api: str) -> dict[str, Any]:
    """A file-commit object for a contents PUT."""
    result = example("file-commit-example-for-creating-a-file")
    content = content_file(path, data, repo, branch, api)
    for key in ("content", "encoding"):
        content.pop(key)
    result["content"] = content
    result["commit"].update({"sha": sha, "message": message, "node_id": f"C_{sha[:12]}",
                             "url": f"{api}/repos/{repo.full_name}/git/commits/{sha}",
                             "html_url": f"{HTML}/{repo.full_name}/commit/{sha}"})
    return result


def annotation(note: dict[str, Any], repo: Repo, head_sha: str, api: str) -> dict[str, Any]:
    """A check-annotation object from an annotation the client sent."""
    return {
        "path": note["path"], "start_line": note["start_line"], "end_line": note["end_line"],
        "start_column": note.get("start_column"), "end_column": note.get("end_column"),
        "annotation_level": note["annotation_level"], "title": note.get("title", ""),
        "message": note["message"], "raw_details": note.get("raw_details", ""),
        "blob_href": f"{HTML}/{repo.full_name}/blob/{head_sha}/{note['path']}",
    }


def status(sid: int, body: dict[str, Any], login: str, repo: Repo, sha: str,
           api: str) -> dict[str, Any]:
    """A status object for a commit status."""
    now = iso()
    return {
        "url": f"{api}/repos/{repo.full_name}/statuses/{sha}", "avatar_url": None, "id": sid,
        "node_id": f"SC_{sid}", "state": body["state"], "description": body.get("description"),
        "target_url": body.get("target_url"), "context": body.get("context", "default"),
        "created_at": now, "updated_at": now, "creator": user(login, api, kind="Bot"),
    }


def search_item(pr: PullRequest, repo: Repo, api: str) -> dict[str, Any]:
    """An issue-search-result-item for a pull request."""
    data = example("issue-search-result-item-paginated")["items"][0]
    data.update({k: v for k, v in issue(pr, repo, api).items() if k in data})
    data["pull_request"] = issue(pr, repo, api)["pull_request"]
    data["score"] = 1.0
    return data
