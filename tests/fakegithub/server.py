"""`FakeGitHub`: the fake's state, seeding and inspection API, and its HTTP front door.

Every request goes through the same pipeline, in GitHub's order: record the call, wait `delay`,
answer an injected failure if one matches, route (404), authenticate (401), validate against the
OpenAPI subset (422/400), then run the operation's handler.
"""

from __future__ import annotations

import asyncio
import datetime
import itertools
import json
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from aiohttp import web

from . import handlers, shapes
from .auth import JWT_OPERATIONS, credentials, installation_for, verify_jwt
from .keys import generate_app_key
from .spec import (
    DOCS_URL,
    ApiError,
    find_operation,
    openapi,
    validate_request,
    validate_response,
)
from .state import (
    Call,
    Comparison,
    FakeCommit,
    PullRequest,
    Repo,
    State,
    fake_sha,
    files_from_diff,
)

# Header names kept in `Call.headers`; the credential is masked (secrets never in full).
_RECORDED_HEADERS = ("accept", "authorization", "content-type", "if-none-match", "user-agent",
                     "x-github-api-version")
RATE_LIMIT = 5000
_STATUS_TEXT = {500: "Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
                504: "Gateway Timeout", 403: "Forbidden", 429: "Too Many Requests"}
SECONDARY_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID "
    "0000:0000:0000000:0000000:00000000.")
_SECONDARY_DOCS = ("https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
                   "#about-secondary-rate-limits")


@dataclass
class _Failure:
    method: str
    path_glob: str
    status: int
    headers: dict[str, str]
    body: Any
    times: int
    # True: run the operation, then answer the failure (GitHub wrote, then its answer was lost).
    after: bool = False
    # status 0: no answer at all; the connection is dropped after `hang` seconds.
    hang: float = 0.0


class _NoAnswer(Exception):
    """The operation ran; the client gets no answer (the connection drops after `hang` s)."""

    def __init__(self, hang: float) -> None:
        super().__init__(hang)
        self.hang = hang


class FakeGitHub:
    """An in-process api.github.com for the operations of the OpenAPI subset."""

    def __init__(self, *, app_id: int = 4242, app_slug: str = "shipshape",
                 key_pair: tuple[str, str] | None = None, delay: float = 0.0,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        self.app_id = app_id
        self.app_slug = app_slug
        self.bot_login = f"{app_slug}[bot]"
        self.private_key_pem, self.public_key_pem = key_pair or generate_app_key()
        self.delay = delay
        self.diff_max_lines = 20000
        self.diff_max_files = 300
        self.tree_max_entries = 100_000
        self.token_ttl = 3600.0
        self.permissions = {"checks": "write", "pull_requests": "write", "issues": "write",
                            "contents": "write", "metadata": "read"}
        # Off by default (a few ms per answer); the pytest fixture turns it on and fails the test
        # at teardown if the fake ever answered with a shape the spec does not describe.
        self.validate_responses = False
        # On for tests; a benchmark measuring a client on the same event loop may turn it off
        # (openapi-core takes a few milliseconds a request, which GitHub's own time does not
        # put on the client's loop).
        self.validate_requests = True
        self.response_errors: list[str] = []
        self.state = State()
        self.calls: list[Call] = []
        self._failures: list[_Failure] = []
        self._hooks: list[list[Any]] = []
        self._token_repos: dict[str, frozenset[str]] = {}
        self._used = 0
        self._host, self._port = host, port
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.installation_id = self.add_installation()
        self.repo = self.add_repo("octo-org/hello-world").full_name

    # --- lifecycle -----------------------------------------------------------------------------

    def make_app(self) -> web.Application:
        """The aiohttp application (one catch-all route: routing is the spec's job)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app

    async def start(self) -> FakeGitHub:
        """Serve on a real loopback port and set `url`."""
        openapi()  # build the validator now, not inside the first request's latency
        self._runner = web.AppRunner(self.make_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://{self._host}:{port}"
        return self

    async def close(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeGitHub:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- seeding -------------------------------------------------------------------------------

    def add_installation(self, installation_id: int | None = None, *,
                         account: str = "octo-org") -> int:
        """Install the App on an account; returns the installation id."""
        iid = installation_id if installation_id is not None else self.state.next_id()
        self.state.installations[iid] = account
        return iid

    def add_repo(self, full_name: str, *, default_branch: str = "main", private: bool = False,
                 installation_id: int | None = None, repo_id: int | None = None) -> Repo:
        """Create a repository (with an empty default branch) under an installation."""
        owner, name = full_name.split("/")
        repo = Repo(owner=owner, name=name, id=repo_id or self.state.next_id(),
                    installation_id=installation_id or self.installation_id,
                    default_branch=default_branch, private=private)
        repo.branches[default_branch] = fake_sha("branch", full_name, default_branch)
        repo.trees[default_branch] = {}
        self.state.repos[full_name.lower()] = repo
        return repo

    def _repo(self, full_name: str) -> Repo:
        return self.state.repos[full_name.lower()]

    def add_pull(self, repo: str, number: int, *, title: str = "Update", body: str | None = None,
                 diff: str = "", files: list[dict[str, Any]] | None = None,
                 commits: Iterable[str | FakeCommit] | None = None, head_sha: str | None = None,
                 head_ref: str = "feature", base_ref: str = "main", base_sha: str | None = None,
                 user: str = "octocat", draft: bool = False, state: str = "open",
                 labels: Iterable[str] = ()) -> PullRequest:
        """Seed a pull request; files come from `diff` (real `git diff` text) and/or `files`."""
        target = self._repo(repo)
        base_sha = base_sha or target.branches.get(base_ref) or fake_sha("base", repo, base_ref)
        pr = PullRequest(number=number, title=title, body=body, head_sha="", head_ref=head_ref,
                         base_ref=base_ref, base_sha=base_sha, user=user, state=state,
                         draft=draft, labels=list(labels), id=self.state.next_id())
        self._set_head(target, pr, diff=diff, files=files, commits=commits, head_sha=head_sha)
        self._move_branch(target, base_ref, base_sha)
        target.pulls[number] = pr
        return pr

    def seed_from_payload(self, payload: Mapping[str, Any], *, diff: str = "",
                          files: list[dict[str, Any]] | None = None,
                          commits: Iterable[str | FakeCommit] | None = None
                          ) -> PullRequest | None:
        """Create the installation, repository and PR a webhook payload talks about.

        Ids, numbers, refs and shas are taken from the payload so that the bot's calls for a
        real delivery (`tests/fixtures/github/webhooks/`) find what they ask for. An existing PR
        whose head differs is moved to the payload's head, like a push.
        """
        repo = self._repo_from_payload(payload)
        pr_data = payload.get("pull_request")
        if pr_data is None and payload.get("merge_group"):
            return self._seed_merge_group(repo, payload["merge_group"], diff=diff, files=files,
                                          commits=commits)
        issue = payload.get("issue") or {}
        if pr_data is None and issue.get("pull_request") is not None:
            # A comment on a PR: the payload has the issue side only (no refs or shas).
            existing = repo.pulls.get(issue["number"])
            return existing or self.add_pull(
                repo.full_name, issue["number"], title=issue.get("title") or "",
                body=issue.get("body"), diff=diff, files=files, commits=commits,
                user=(issue.get("user") or {}).get("login", "octocat"),
                draft=bool(issue.get("draft")), state=issue.get("state", "open"))
        if pr_data is None:
            for key in ("check_run", "check_suite"):
                self._seed_check_object(repo, payload.get(key))
            return None
        existing = repo.pulls.get(pr_data["number"])
        if existing is not None:
            if existing.head_sha != pr_data["head"]["sha"]:
                self.push(repo.full_name, existing.number, diff=diff or None, files=files,
                          commits=commits, head_sha=pr_data["head"]["sha"])
            return existing
        return self.add_pull(
            repo.full_name, pr_data["number"], title=pr_data.get("title") or "",
            body=pr_data.get("body"), diff=diff, files=files, commits=commits,
            head_sha=pr_data["head"]["sha"], head_ref=pr_data["head"]["ref"],
            base_ref=pr_data["base"]["ref"], base_sha=pr_data["base"]["sha"],
            user=(pr_data.get("user") or {}).get("login", "octocat"),
            draft=bool(pr_data.get("draft")), state=pr_data.get("state", "open"),
            labels=[label["name"] for label in pr_data.get("labels") or []])

    def _repo_from_payload(self, payload: Mapping[str, Any]) -> Repo:
        data = payload["repository"]
        installation = (payload.get("installation") or {}).get("id", self.installation_id)
        if installation not in self.state.installations:
            self.add_installation(installation, account=data["owner"]["login"])
        existing = self.state.repos.get(data["full_name"].lower())
        if existing is not None:
            return existing
        return self.add_repo(data["full_name"], default_branch=data.get("default_branch", "main"),
                             private=bool(data.get("private")), installation_id=installation,
                             repo_id=data.get("id"))

    def _seed_check_object(self, repo: Repo, check: Mapping[str, Any] | None) -> None:
        """Make a check_run/check_suite's head commit and minimal PRs known."""
        if not check:
            return
        suite = check.get("check_suite") or check
        if suite.get("head_branch") and check.get("head_sha"):
            self._move_branch(repo, suite["head_branch"], check["head_sha"])
        for minimal in check.get("pull_requests") or []:
            if minimal["number"] not in repo.pulls:
                self.add_pull(repo.full_name, minimal["number"], head_sha=minimal["head"]["sha"],
                              head_ref=minimal["head"]["ref"], base_ref=minimal["base"]["ref"],
                              base_sha=minimal["base"]["sha"])

    def _seed_merge_group(self, repo: Repo, group: Mapping[str, Any], *, diff: str,
                          files: list[dict[str, Any]] | None,
                          commits: Iterable[str | FakeCommit] | None) -> PullRequest | None:
        """The queued PR (number from the group's branch) and the group's comparison."""
        base_ref = group["base_ref"].removeprefix("refs/heads/")
        self._move_branch(repo, base_ref, group["base_sha"])
        self.add_comparison(repo.full_name, group["base_sha"], group["head_sha"], diff=diff,
                            files=files, commits=commits)
        number = group["head_ref"].rpartition("/pr-")[2].partition("-")[0]
        if not number.isdigit():
            return None
        if int(number) not in repo.pulls:
            self.add_pull(repo.full_name, int(number), diff=diff, files=files, commits=commits,
                          base_ref=base_ref, base_sha=group["base_sha"], head_ref="feature")
        return repo.pulls[int(number)]

    def add_comparison(self, repo: str, base_sha: str, head_sha: str, *, diff: str = "",
                       files: list[dict[str, Any]] | None = None,
                       commits: Iterable[str | FakeCommit] | None = None) -> Comparison:
        """Seed what `compare/{base_sha}...{head_sha}` answers (a merge group's changes).

        The last commit gets `head_sha`, like a merge group's merge commit.
        """
        target = self._repo(repo)
        rows = _commit_rows(commits if commits is not None else ["Merge group"], base_sha,
                            (target.full_name, base_sha, head_sha))
        if rows:
            rows[-1]["sha"] = head_sha
        comparison = Comparison(base_sha, head_sha, diff,
                                [*files_from_diff(diff), *(_complete_row(r) for r in files or [])],
                                rows)
        target.comparisons[(base_sha, head_sha)] = comparison
        return comparison

    def push(self, repo: str, number: int, *, diff: str | None = None,
             files: list[dict[str, Any]] | None = None,
             commits: Iterable[str | FakeCommit] | None = None,
             head_sha: str | None = None) -> PullRequest:
        """Give an existing PR a new head (what a `synchronize` event reports)."""
        target = self._repo(repo)
        pr = target.pulls[number]
        new_commits = list(commits) if commits is not None else [f"Update {len(pr.commits) + 1}"]
        self._set_head(target, pr, diff=pr.diff if diff is None and files is None else diff or "",
                       files=files, commits=[*self._seeded_commits(pr), *new_commits],
                       head_sha=head_sha)
        return pr

    @staticmethod
    def _seeded_commits(pr: PullRequest) -> list[FakeCommit]:
        return [FakeCommit(c["message"], c["sha"], c["author"], tuple(c["parents"]))
                for c in pr.commits]

    def _set_head(self, repo: Repo, pr: PullRequest, *, diff: str,
                  files: list[dict[str, Any]] | None,
                  commits: Iterable[str | FakeCommit] | None, head_sha: str | None) -> None:
        pr.diff = diff
        pr.files = [*files_from_diff(diff), *(_complete_row(r) for r in files or [])]
        pr.commits = _commit_rows(commits if commits is not None else [pr.title], pr.base_sha,
                                  (repo.full_name, pr.number))
        if head_sha is not None and pr.commits:
            pr.commits[-1]["sha"] = head_sha
        pr.head_sha = head_sha or (pr.commits[-1]["sha"] if pr.commits
                                   else fake_sha("head", repo.full_name, pr.number))
        pr.updated_at = _push_time()
        self._move_branch(repo, pr.head_ref, pr.head_sha)

    @staticmethod
    def _move_branch(repo: Repo, ref: str, sha: str) -> None:
        """Point a branch at `sha`, keeping the files it had under its old sha too."""
        old = repo.branches.get(ref)
        if old is not None and old != sha and ref in repo.trees:
            repo.trees.setdefault(old, dict(repo.trees[ref]))
        repo.branches[ref] = sha

    def set_file_content(self, repo: str, path: str, content: str | bytes | None, *,
                         ref: str = "main") -> None:
        """Put a file on a branch or commit (None deletes it)."""
        target = self._repo(repo)
        key = self._tree_key(target, ref)
        tree = target.trees.setdefault(key, dict(target.resolve(ref) or {}))
        if content is None:
            tree.pop(path, None)
        else:
            tree[path] = content.encode() if isinstance(content, str) else content
        if key not in target.branches and len(key) != 40:
            target.branches[key] = fake_sha("branch", repo, key)

    def set_files(self, repo: str, files: Mapping[str, str | bytes | None], *,
                  ref: str = "main") -> None:
        """Several `set_file_content` calls at once."""
        for path, content in files.items():
            self.set_file_content(repo, path, content, ref=ref)

    @staticmethod
    def _tree_key(repo: Repo, ref: str) -> str:
        if ref in repo.trees:
            return ref
        for name, sha in repo.branches.items():
            if ref == sha:
                return name
        return ref

    def add_issue(self, repo: str, number: int, title: str = "A story") -> None:
        """Seed a plain issue (not a pull request) that comments can be listed and made on."""
        self._repo(repo).issues[number] = title

    def protect_branch(self, repo: str, branch: str, how: str = "ruleset") -> None:
        """Make contents writes to `branch` refused as GitHub refuses them: `ruleset` (409
        repository rule violation: changes must be made through a pull request) or
        `permission` (403, the App lacks `contents: write`)."""
        self._repo(repo).protected[branch] = how

    def commits_on(self, repo: str) -> list[tuple[str, str]]:
        """(branch, message) of every contents write, in order."""
        return list(self._repo(repo).commit_messages)

    def set_permission(self, repo: str, username: str, permission: str) -> None:
        """Set a user's permission on a repository."""
        self._repo(repo).permissions[username.lower()] = permission

    def add_comment(self, repo: str, number: int, body: str, *, user: str = "octocat",
                    kind: str = "User") -> dict[str, Any]:
        """Seed a comment written by someone other than the App (`kind="Bot"`: another bot)."""
        return self.new_comment(self._repo(repo), number, body, user, kind)

    def delete_comment(self, repo: str, comment_id: int) -> dict[str, Any]:
        """Delete a comment as its author would in the web UI; returns what it was."""
        for comments in self._repo(repo).comments.values():
            for index, comment in enumerate(comments):
                if comment["id"] == comment_id:
                    return comments.pop(index)
        raise KeyError(comment_id)

    def add_team(self, org: str, slug: str, members: Iterable[str]) -> None:
        """A team whose members are active (for the team membership endpoint)."""
        self.state.teams[(org.lower(), slug.lower())] = {m.lower() for m in members}

    def add_delivery(self, guid: str, *, event: str = "pull_request", action: str = "opened",
                     status_code: int = 202, repository: str | None = None) -> dict[str, Any]:
        """Record a webhook delivery for `GET /app/hook/deliveries`."""
        repo = self._repo(repository or self.repo)
        delivery = {"id": self.state.next_id(), "guid": guid, "delivered_at": shapes.iso(),
                    "redelivery": False, "duration": 0.05,
                    "status": "OK" if status_code < 400 else "Invalid HTTP Response",
                    "status_code": status_code, "event": event, "action": action,
                    "installation_id": repo.installation_id, "repository_id": repo.id,
                    "throttled_at": None}
        self.state.deliveries.append(delivery)
        return delivery

    # --- reading state -------------------------------------------------------------------------

    def pull(self, repo: str, number: int) -> PullRequest:
        return self._repo(repo).pulls[number]

    def check_runs(self, repo: str, head_sha: str | None = None) -> list[dict[str, Any]]:
        """Check runs in creation order, each with all its `annotations` (as sent)."""
        target = self._repo(repo)
        return [{**self.check_run_json(target, run),
                 "annotations": list(target.annotations[run["id"]])}
                for run in target.check_runs if head_sha in (None, run["head_sha"])]

    def comments(self, repo: str, number: int) -> list[dict[str, Any]]:
        return [dict(c) for c in self._repo(repo).comments.get(number, [])]

    def labels(self, repo: str, number: int) -> list[str]:
        return list(self._repo(repo).pulls[number].labels)

    def reactions(self, repo: str, comment_id: int | None = None,
                  issue_number: int | None = None) -> list[dict[str, Any]]:
        rows = self._repo(repo).reactions
        return [r["json"] for r in rows
                if (comment_id is None or r["target"].get("comment_id") == comment_id)
                and (issue_number is None or r["target"].get("issue_number") == issue_number)]

    def reviews(self, repo: str, number: int) -> list[dict[str, Any]]:
        return list(self._repo(repo).reviews.get(number, []))

    def statuses(self, repo: str, sha: str) -> list[dict[str, Any]]:
        return list(self._repo(repo).statuses.get(sha, []))

    @property
    def redeliveries(self) -> list[int]:
        return list(self.state.redeliveries)

    def file_content(self, repo: str, path: str, ref: str = "main") -> bytes | None:
        tree = self._repo(repo).resolve(ref)
        return None if tree is None else tree.get(path)

    def calls_to(self, method: str, path_glob: str) -> list[Call]:
        """Recorded calls whose method (or `*`) and path glob match."""
        return [c for c in self.calls if _matches(method, path_glob, c.method, c.path)]

    def clear_calls(self) -> None:
        self.calls.clear()

    # --- error injection -----------------------------------------------------------------------

    def fail_next(self, method: str, path_glob: str, status: int = 502,
                  headers: Mapping[str, str] | None = None, body: Any = None,
                  times: int = 1, *, after: bool = False) -> None:
        """Answer the next `times` matching calls with `status` instead of running them
        (`after=True`: run them, then answer `status`, as when GitHub's answer is lost)."""
        if body is None:
            body = {"message": _STATUS_TEXT.get(status, "Error"), "documentation_url": DOCS_URL,
                    "status": str(status)}
        self._failures.append(_Failure(method.upper(), path_glob, status, dict(headers or {}),
                                       body, times, after))

    def clear_failures(self) -> None:
        """Drop every injected failure not yet used up (GitHub is back)."""
        self._failures.clear()

    def lose_answer_next(self, method: str, path_glob: str, *, times: int = 1,
                         hang: float = 0.0) -> None:
        """Carry out the next `times` matching calls, then drop the connection after `hang`
        seconds without answering: GitHub made the comment or run, the client sees a
        disconnect (or its own time-out, when `hang` is longer). A call the spec refuses is
        still refused, with its answer."""
        self._failures.append(_Failure(method.upper(), path_glob, 0, {}, None, times,
                                       after=True, hang=hang))

    def on_call(self, method: str, path_glob: str,
                callback: Callable[[], Awaitable[None]], times: int = 1) -> None:
        """Await `callback` when the next `times` matching calls arrive, before answering them
        (to make something happen on GitHub's side at an exact point of the bot's work)."""
        self._hooks.append([method.upper(), path_glob, callback, times])

    async def _run_hooks(self, method: str, path: str) -> None:
        for hook in list(self._hooks):
            if _matches(hook[0], hook[1], method, path):
                hook[3] -= 1
                if hook[3] <= 0:
                    self._hooks.remove(hook)
                await hook[2]()

    def secondary_rate_limit_next(self, method: str, path_glob: str, *, status: int = 403,
                                  retry_after: int | None = 1, times: int = 1) -> None:
        """A secondary rate limit answer (403 or 429), with `retry-after` unless None."""
        headers = {"x-ratelimit-remaining": str(RATE_LIMIT - self._used - 1)}
        if retry_after is not None:
            headers["retry-after"] = str(retry_after)
        body = {"message": SECONDARY_LIMIT_MESSAGE, "documentation_url": _SECONDARY_DOCS,
                "status": str(status)}
        self.fail_next(method, path_glob, status, headers, body, times)

    def primary_rate_limit_next(self, method: str, path_glob: str, *, reset_in: int = 1,
                                times: int = 1) -> None:
        """403 with `x-ratelimit-remaining: 0` and `x-ratelimit-reset` = now + reset_in."""
        headers = {"x-ratelimit-remaining": "0", "x-ratelimit-limit": str(RATE_LIMIT),
                   "x-ratelimit-used": str(RATE_LIMIT),
                   "x-ratelimit-reset": str(int(time.time()) + reset_in),
                   "x-ratelimit-resource": "core"}
        body = {"message": f"API rate limit exceeded for installation ID {self.installation_id}.",
                "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-"
                "rest-api", "status": "403"}
        self.fail_next(method, path_glob, 403, headers, body, times)

    def expire_tokens(self) -> None:
        """Every installation token issued so far answers 401 from now on."""
        for token in self.state.tokens.values():
            token.expires_at = min(token.expires_at, time.time() - 1)

    def _take_failure(self, method: str, path: str) -> _Failure | None:
        for failure in self._failures:
            if _matches(failure.method, failure.path_glob, method, path):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                return failure
        return None

    # --- helpers the handlers use --------------------------------------------------------------

    def new_comment(self, repo: Repo, number: int, body: str, login: str, kind: str
                    ) -> dict[str, Any]:
        comment = shapes.comment(self.state.next_id(), body, login, kind, repo, number, self.url)
        repo.comments.setdefault(number, []).append(comment)
        return comment

    def knows_commit(self, repo: Repo, sha: str) -> bool:
        """Whether `sha` is a commit of the repository (branch tips, PR heads and commits)."""
        if sha in repo.branches.values() or sha in repo.trees:
            return True
        if any(sha in (c.head_sha, c.base_sha) for c in repo.comparisons.values()):
            return True
        return any(sha in (pr.head_sha, pr.base_sha) or any(c["sha"] == sha for c in pr.commits)
                   for pr in repo.pulls.values())

    def commit_tree(self, repo: Repo, branch: str, tree: dict[str, bytes]) -> str:
        """Record a new commit on `branch` holding `tree`; returns its sha."""
        sha = fake_sha("commit", repo.full_name, branch, self.state.next_id())
        old = repo.branches.get(branch)
        if old is not None and branch in repo.trees:
            repo.trees.setdefault(old, repo.trees[branch])
        repo.trees[branch] = tree
        repo.branches[branch] = sha
        return sha

    def tree_by_tree_sha(self, repo: Repo, tree_sha: str) -> dict[str, bytes] | None:
        """Resolve a tree sha handed out in a commit object (`commit.tree.sha`), or a PR's
        commit sha: like git, GitHub reads a commit's tree for it (the spec's "SHA1 value or
        ref name of the tree"; a branch name is a commit)."""
        groups = [c.commits for c in repo.comparisons.values()]
        for commits in [*(pr.commits for pr in repo.pulls.values()), *groups]:
            for c in commits:
                if tree_sha in (c["sha"], fake_sha("tree", c["sha"])):
                    return repo.resolve(c["sha"]) or {}
        return None

    def check_run_json(self, repo: Repo, run: dict[str, Any]) -> dict[str, Any]:
        data = shapes.example("check-run")
        base = f"{self.url}/repos/{repo.full_name}/check-runs/{run['id']}"
        data.update({k: v for k, v in run.items() if k != "output"})
        data.update({
            "node_id": f"CR_{run['id']}", "url": base,
            "html_url": f"{shapes.HTML}/{repo.full_name}/runs/{run['id']}",
            "check_suite": {"id": int(fake_sha("suite", run["head_sha"])[:7], 16)},
            "app": shapes.app(self.app_id, self.app_slug, self.url),
            "pull_requests": [_minimal_pull(pr, repo, self.url) for pr in repo.pulls.values()
                              if pr.head_sha == run["head_sha"] and pr.state == "open"],
            "output": {**run["output"], "annotations_count": len(repo.annotations[run["id"]]),
                       "annotations_url": f"{base}/annotations"},
        })
        return data

    def restrict_token(self, token: str, names: list[str] | None, ids: list[int] | None) -> None:
        """Limit a token to some repositories, as the access-token request body allows."""
        if not names and not ids:
            return
        owner_of = {r.id: r.full_name.lower() for r in self.state.repos.values()}
        allowed = {n.lower() if "/" in n else f"{a}/{n}".lower()
                   for n in names or [] for a in self.state.installations.values()}
        allowed |= {owner_of[i] for i in ids or [] if i in owner_of}
        self._token_repos[token] = frozenset(allowed)

    def rate_core(self) -> dict[str, int]:
        reset = int(time.time()) + 3600
        return {"limit": RATE_LIMIT, "used": self._used, "remaining": RATE_LIMIT - self._used,
                "reset": reset}

    # --- the HTTP pipeline ---------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        path = request.rel_url.path
        call = Call(request.method, path, dict(request.query), _parse_json(body),
                    _recorded_headers(request.headers), started=time.monotonic())
        self.calls.append(call)
        index = len(self.calls) - 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if self._hooks:
            await self._run_hooks(request.method, path)
        try:
            response = self._respond(request, body)
        except ApiError as exc:
            response = handlers.json_response(exc.payload, exc.status, exc.headers)
        except _NoAnswer as lost:
            await asyncio.sleep(lost.hang)
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=502)  # never reaches the client
        except Exception as exc:  # a bug in the fake must fail the test, not look like a 5xx
            self.response_errors.append(f"{request.method} {path}: fake crashed: {exc!r}")
            response = handlers.json_response({"message": "Server Error"}, 500)
        self.calls[index] = replace(call, status=response.status, ended=time.monotonic())
        self._add_common_headers(response)
        if self.validate_responses:
            self._check_response(request, response)
        return response

    def _check_response(self, request: web.Request, response: web.StreamResponse) -> None:
        """Validate a 2xx JSON answer against the operation's response schema."""
        if not (200 <= response.status < 300 and response.content_type == "application/json"):
            return
        body = response.body if isinstance(response, web.Response) else b""
        if body.startswith(b"[") and request.rel_url.path.split("/")[4:5] == ["contents"]:
            # A directory listing: the spec's `oneOf` + `discriminator` cannot describe an array,
            # so validators refuse GitHub's own directory example (../shared/github/README.md).
            return
        try:
            validate_response(request.method, request.rel_url.raw_path,
                              list(request.query.items()), response.status,
                              response.content_type, bytes(body or b""), response.headers)
        except Exception as exc:  # any openapi-core error is a finding, not a crash
            causes = getattr(exc.__cause__, "schema_errors", ()) or [exc]
            self.response_errors.append(f"{request.method} {request.rel_url.path}: "
                                        + "; ".join(str(c).splitlines()[0][:200] for c in causes))

    def _respond(self, request: web.Request, body: bytes) -> web.StreamResponse:
        failure = self._take_failure(request.method, request.rel_url.path)
        if failure is not None and not failure.after:
            return _failure_response(failure)
        if failure is not None:
            # Carried out first; a call the spec refuses keeps its refusal (GitHub wrote nothing
            # and said why), only an accepted one has its answer lost.
            self._run_operation(request, body)
            if failure.status == 0:
                raise _NoAnswer(failure.hang)
            return _failure_response(failure)
        return self._run_operation(request, body)

    def _run_operation(self, request: web.Request, body: bytes) -> web.StreamResponse:
        if "User-Agent" not in request.headers:
            raise ApiError(403, {"message": "Request forbidden by administrative rules. Please "
                                 "make sure your request has a User-Agent header",
                                 "documentation_url": DOCS_URL, "status": "403"})
        raw_path = request.rel_url.raw_path
        operation = find_operation(request.method, raw_path)
        installation, allowed = self._authenticate(operation.operation_id, request.headers)
        # GitHub reads any request body as JSON, whatever its Content-Type says.
        validated = validate_request(request.method, raw_path, list(request.query.items()),
                                     request.headers, body, "application/json" if body else "",
                                     check=self.validate_requests)
        if operation.operation_id != "rate-limit/get":
            self._used += 1
        ctx = handlers.Ctx(self, request.rel_url.path, validated.path, validated.query,
                           list(request.query.items()), validated.body, request.headers,
                           installation, allowed)
        response = handlers.HANDLERS[operation.operation_id](ctx)
        if response.status == handlers.NOT_MODIFIED:
            self._used -= 1  # a 304 is free
        return response

    def _authenticate(self, operation_id: str, headers: Mapping[str, str]
                      ) -> tuple[int | None, frozenset[str] | None]:
        credential = credentials(headers)
        if operation_id in JWT_OPERATIONS:
            verify_jwt(credential, self.app_id, self.public_key_pem)
            return None, None
        return installation_for(self.state, credential), self._token_repos.get(credential)

    def _add_common_headers(self, response: web.StreamResponse) -> None:
        core = self.rate_core()
        for key, value in (("x-ratelimit-limit", core["limit"]),
                           ("x-ratelimit-remaining", core["remaining"]),
                           ("x-ratelimit-reset", core["reset"]), ("x-ratelimit-used", core["used"]),
                           ("x-ratelimit-resource", "core"), ("x-github-media-type", "github.v3")):
            response.headers.setdefault(key, str(value))
        response.headers.setdefault("x-github-request-id", fake_sha("req", len(self.calls))[:16])


def _matches(method_pattern: str, path_glob: str, method: str, path: str) -> bool:
    return method_pattern in {"*", method.upper()} and handlers.glob_match(path_glob, path)


def _failure_response(failure: _Failure) -> web.Response:
    if isinstance(failure.body, (dict, list)):
        return handlers.json_response(failure.body, failure.status, failure.headers)
    return web.Response(text=str(failure.body), status=failure.status, headers=failure.headers,
                        content_type="text/html")


def _parse_json(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")


def _recorded_headers(headers: Mapping[str, str]) -> dict[str, str]:
    kept = {name: headers[name] for name in _RECORDED_HEADERS if name in headers}
    if "authorization" in kept:
        scheme, _, credential = kept["authorization"].partition(" ")
        kept["authorization"] = f"{scheme} {credential[:4]}…"
    return kept


def _complete_row(row: dict[str, Any]) -> dict[str, Any]:
    """Fill counts of a hand-written files-list row from its patch."""
    out = {"status": "modified", **row}
    lines = out.get("patch", "").splitlines()
    out.setdefault("additions", sum(1 for x in lines if x.startswith("+")))
    out.setdefault("deletions", sum(1 for x in lines if x.startswith("-")))
    out.setdefault("changes", out["additions"] + out["deletions"])
    return out


def _commit_rows(commits: Iterable[str | FakeCommit], parent: str, salt: tuple[object, ...]
                 ) -> list[dict[str, Any]]:
    """Commit rows chained from `parent`; generated shas are unique per `salt`."""
    rows: list[dict[str, Any]] = []
    for index, item in enumerate(commits):
        seed = FakeCommit(item) if isinstance(item, str) else item
        sha = seed.sha or fake_sha("commit", *salt, index, seed.message)
        parents = list(seed.parents) if seed.parents is not None else [parent]
        rows.append({"sha": sha, "message": seed.message, "author": seed.author,
                     "parents": parents})
        parent = sha
    return rows


def _minimal_pull(pr: PullRequest, repo: Repo, api: str) -> dict[str, Any]:
    repo_ref = {"id": repo.id, "url": f"{api}/repos/{repo.full_name}", "name": repo.name}
    return {"id": pr.id, "number": pr.number,
            "url": f"{api}/repos/{repo.full_name}/pulls/{pr.number}",
            "head": {"ref": pr.head_ref, "sha": pr.head_sha, "repo": repo_ref},
            "base": {"ref": pr.base_ref, "sha": pr.base_sha, "repo": repo_ref}}


_PUSHES = itertools.count()


def _push_time() -> str:
    """A PR's updated_at after a push: one second later than the previous push's, any PR."""
    moment = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(
        seconds=next(_PUSHES))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
