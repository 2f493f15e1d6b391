"""Build a PR snapshot document (pr-snapshot.schema.json) from GitHub's REST API.

The document, not a Snapshot object, is what the bot builds: it is plain data that crosses to
the review process and is what `shipshape check --snapshot` reads, so both paths judge the same
input. Calls are chosen to be few: the files list when it fits one page, else the whole-diff
media type when GitHub will serve it, else the paginated files list (also the fallback on 406).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import cachetools
import gidgethub

import checks
from bot import limits
from bot.concurrency import gather
from bot.github import Installation, repo_vars
from checks.config import CONFIG_PATH
from checks.layers import ORG_PATHS, ORG_REPO

PULL_URL = "/repos/{owner}/{repo}/pulls/{number}"
FILES_URL = "/repos/{owner}/{repo}/pulls/{number}/files"
COMMITS_URL = "/repos/{owner}/{repo}/pulls/{number}/commits"
CONTENTS_URL = "/repos/{owner}/{repo}/contents/{path}{?ref}"
TREE_URL = "/repos/{owner}/{repo}/git/trees/{tree_sha}?recursive=1"
_FILE_KEYS = ("filename", "status", "previous_filename", "additions", "deletions", "patch")


@dataclass(frozen=True)
class Pull:
    """The parts of a pull request the bot reads (from the REST API, leniently)."""

    repo: str
    number: int
    title: str
    body: str
    state: str
    draft: bool
    head_sha: str
    head_ref: str
    base_ref: str
    author: str
    labels: tuple[str, ...]
    commits: int | None
    changed_files: int | None
    comments: int | None

    @classmethod
    def from_api(cls, repo: str, data: Mapping[str, Any]) -> Pull:
        """Read a `pulls/get` answer, tolerating missing keys."""
        head, base = data.get("head") or {}, data.get("base") or {}
        return cls(
            repo=repo, number=int(data["number"]), title=str(data.get("title") or ""),
            body=str(data.get("body") or ""), state=str(data.get("state") or "open"),
            draft=bool(data.get("draft")), head_sha=str(head.get("sha") or ""),
            head_ref=str(head.get("ref") or ""), base_ref=str(base.get("ref") or ""),
            author=str((data.get("user") or {}).get("login") or ""),
            labels=tuple(str(lb.get("name")) for lb in data.get("labels") or ()
                         if isinstance(lb, Mapping) and lb.get("name")),
            commits=_count(data.get("commits")), changed_files=_count(data.get("changed_files")),
            comments=_count(data.get("comments")),
        )


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


async def fetch_pull(gh: Installation, repo: str, number: int) -> Pull:
    """GET the pull request."""
    return Pull.from_api(repo, await gh.get(PULL_URL, repo_vars(repo, number=number)))


def _commit_entry(item: Mapping[str, Any]) -> dict[str, Any]:
    commit = item.get("commit") or {}
    author = (item.get("author") or {}).get("login") or (commit.get("author") or {}).get("name")
    entry: dict[str, Any] = {"sha": str(item.get("sha") or ""),
                             "message": str(commit.get("message") or ""),
                             "parents": len(item.get("parents") or ())}
    if author:
        entry["author"] = str(author)
    return entry


def _file_entry(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: item[k] for k in _FILE_KEYS if item.get(k) is not None}


@dataclass(frozen=True)
class Changes:
    """What was read of the PR's changes: a diff or files, plus what could not be seen."""

    diff: str | None
    files: list[dict[str, Any]] | None
    notices: tuple[str, ...]


async def _files(gh: Installation, pull: Pull) -> list[dict[str, Any]]:
    items = await gh.get_pages(FILES_URL, repo_vars(pull.repo, number=pull.number),
                               limit=limits.MAX_PR_FILES, expected=pull.changed_files)
    return [_file_entry(i) for i in items if isinstance(i, Mapping)]


async def read_changes(gh: Installation, pull: Pull) -> Changes:
    """Read the PR's changes in as few calls as GitHub allows."""
    count = pull.changed_files
    notices: list[str] = []
    if count is not None and count > limits.MAX_PR_FILES:
        notices.append(f"This PR changes {count} files; GitHub lists only the first "
                       f"{limits.MAX_PR_FILES}, so the others were not checked.")
    one_page = count is not None and count <= limits.PER_PAGE
    if one_page or (count or 0) > limits.MAX_DIFF_FILES:
        return Changes(None, await _files(gh, pull), tuple(notices))
    try:
        diff = await gh.get(PULL_URL, repo_vars(pull.repo, number=pull.number),
                            accept=limits.DIFF_MEDIA_TYPE)
    except gidgethub.BadRequest as exc:
        if int(exc.status_code) != 406:
            raise
        notices.append("GitHub would not serve this PR's diff in one piece (too large), so it "
                       "was read from the files list; files GitHub shows without a patch "
                       "were not checked line by line.")
        return Changes(None, await _files(gh, pull), tuple(notices))
    if not isinstance(diff, str):
        return Changes(None, await _files(gh, pull), tuple(notices))
    return Changes(diff, None, tuple(notices))


@dataclass(frozen=True)
class Commits:
    """The PR's commits as snapshot entries, the head's tree sha, and what was left out."""

    entries: list[dict[str, Any]]
    head_tree: str | None
    notices: tuple[str, ...]
    # The list holds commits the head does not contain: the PR moved on past the head this
    # job reviews (GitHub lists the PR's commits as they are now, not as of that head).
    moved_on: bool = False


async def read_commits(gh: Installation, pull: Pull) -> Commits:
    """List the PR's commits (GitHub lists at most 250), oldest first."""
    items = [i for i in await gh.get_pages(
        COMMITS_URL, repo_vars(pull.repo, number=pull.number),
        limit=limits.MAX_PR_COMMITS, expected=pull.commits) if isinstance(i, Mapping)]
    notices: tuple[str, ...] = ()
    if pull.commits is not None and pull.commits > limits.MAX_PR_COMMITS:
        notices = (f"This PR has {pull.commits} commits; GitHub lists only the first "
                   f"{limits.MAX_PR_COMMITS}, so only those were checked.",)
    head_tree = None
    for item in items:
        if item.get("sha") == pull.head_sha:
            head_tree = ((item.get("commit") or {}).get("tree") or {}).get("sha")
    complete = len(items) < limits.MAX_PR_COMMITS
    return Commits([_commit_entry(i) for i in items], head_tree, notices,
                   complete and has_commits_past(items, pull.head_sha))


def has_commits_past(items: list[Mapping[str, Any]], head_sha: str) -> bool:
    """True when a listed commit is not the head nor one of its ancestors (a newer push).
    Unknown (False) when the head is not listed, as after a force-push."""
    parents = {str(i.get("sha")): [str(p.get("sha")) for p in i.get("parents") or ()
                                   if isinstance(p, Mapping)] for i in items}
    if head_sha not in parents:
        return False
    reached, stack = set(), [head_sha]
    while stack:
        sha = stack.pop()
        if sha in parents and sha not in reached:
            reached.add(sha)
            stack.extend(parents[sha])
    return len(reached) < len(parents)


class TreeCache:
    """Repository file lists by tree or commit sha (GitHub reads a commit's tree for its sha):
    neither ever changes, so entries never go stale.

    A monorepo's tree can hold 100,000 paths (GitHub's truncation point), so few are kept.
    """

    def __init__(self, maxsize: int = 16) -> None:
        self._trees: cachetools.LRUCache[str, tuple[list[str], bool]] = cachetools.LRUCache(
            maxsize=maxsize)

    async def paths(self, gh: Installation, repo: str, tree_sha: str) -> tuple[list[str], bool]:
        """Return (paths, truncated) for the tree, reading GitHub only on a miss."""
        key = f"{repo}@{tree_sha}"
        if key not in self._trees:
            data = await gh.get(TREE_URL, repo_vars(repo, tree_sha=tree_sha))
            entries = (data.get("tree") or []) if isinstance(data, Mapping) else []
            paths = [str(e["path"]) for e in entries
                     if isinstance(e, Mapping) and e.get("type") == "blob" and e.get("path")]
            truncated = bool(data.get("truncated")) if isinstance(data, Mapping) else False
            self._trees[key] = (paths, truncated)
        return self._trees[key]


def needs_repo_files(config: checks.Config) -> bool:
    """True when an enabled check reads the repository's file list."""
    return any(spec.needs_repo_files and config.checks[spec.id].enabled
               for spec in checks.REGISTRY)


def base_document(pull: Pull) -> dict[str, Any]:
    """The snapshot fields that come from the pull request itself."""
    return {
        "repository": pull.repo, "number": pull.number, "title": pull.title, "body": pull.body,
        "head_ref": pull.head_ref, "base_ref": pull.base_ref, "head_sha": pull.head_sha,
        "author": pull.author, "draft": pull.draft, "labels": list(pull.labels),
    }


@dataclass(frozen=True)
class Built:
    """A snapshot document and the notices to show beside the checklist."""

    document: dict[str, Any]
    notices: tuple[str, ...]
    tree_sha: str | None
    moved_on: bool = False  # the PR has commits past this head (`Commits.moved_on`)


def _edits(changes: Changes, path: str) -> bool:
    if changes.files is not None:
        return any(path in (f.get("filename"), f.get("previous_filename"))
                   for f in changes.files)
    diff = changes.diff or ""
    return f"+++ b/{path}\n" in diff or f"--- a/{path}\n" in diff


def config_edit_notice(changes: Changes, repo: str = "") -> str | None:
    """A notice when the PR edits the configuration it is judged by (or, in an organisation's
    `.github` repository, the organisation's file every repository is judged by)."""
    org_file = next((path for path in ORG_PATHS
                     if repo.partition("/")[2].lower() == ORG_REPO and _edits(changes, path)),
                    None)
    if org_file is not None:
        return (f"This PR edits {org_file}, the organisation's shipshape configuration. It "
                "applies to the organisation's repositories once merged into the default branch.")
    if not _edits(changes, CONFIG_PATH):
        return None
    return (f"This PR edits {CONFIG_PATH}. It was judged by the configuration on the base "
            "branch; the change takes effect once it is merged.")


async def build_document(gh: Installation, pull: Pull) -> Built:
    """Read commits and changes concurrently and assemble the snapshot document."""
    commits, changes = await gather(read_commits(gh, pull), read_changes(gh, pull))
    doc = base_document(pull)
    doc["commits"] = commits.entries
    if changes.diff is not None:
        doc["diff"] = changes.diff
    else:
        doc["files"] = changes.files or []
    notices = [*commits.notices, *changes.notices]
    edited = config_edit_notice(changes, pull.repo)
    if edited:
        notices.insert(0, edited)
    return Built(doc, tuple(notices), commits.head_tree, commits.moved_on)


async def add_repo_files(gh: Installation, built: Built, trees: TreeCache) -> Built:
    """Add `repo_files` (the head's tree) to the document, noting a truncated listing."""
    doc = built.document
    tree = built.tree_sha or str(doc.get("head_sha") or "")
    if not tree:
        return built
    return with_repo_files(built, await trees.paths(gh, str(doc["repository"]), tree))


def with_repo_files(built: Built, listing: tuple[list[str], bool]) -> Built:
    """The document with `repo_files` from a (paths, truncated) tree listing."""
    paths, truncated = listing
    notices = built.notices
    if truncated:
        notices += ("The repository is too large for GitHub to list in one call; checks that "
                    "look for existing files saw only part of it.",)
    return replace(built, document={**built.document, "repo_files": paths}, notices=notices)
