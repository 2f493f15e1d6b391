"""Build PR snapshot documents on a laptop: from a local git range or from a diff file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from cli.errors import InputError
from cli.limits import MAX_INPUT_BYTES, too_large

if TYPE_CHECKING:
    import subprocess

__all__ = ["GitRange", "InputError", "config_at", "decode_text", "snapshot_from_diff",
           "snapshot_from_git", "snapshot_from_staged", "upstream_exists"]

# Settings that would change git's output format behind our back (a user's `diff.noprefix`,
# quoted non-ASCII paths, external diff drivers, colour) are pinned on every call.
_GIT = (
    "git", "-c", "core.quotePath=false", "-c", "diff.noprefix=false", "-c", "color.ui=never",
    "-c", "diff.external=", "-c", "log.showSignature=false",
)
_RECORD = "\x1e"
_FIELD = "\x00"
_BINARY_SNIFF = 8000


@dataclass(frozen=True)
class GitRange:
    """What to compare: `base...head` in the repository at `repo`."""

    repo: Path
    base: str
    head: str = "HEAD"


@dataclass
class _Running:
    """A git command started, with the temporary file its standard error goes to (the output
    is read with a bound before git exits, and a pipe git filled with warnings meanwhile would
    block it)."""

    process: subprocess.Popen[bytes]
    errors: IO[bytes]


def _start(repo: Path, args: tuple[str, ...]) -> _Running:
    import subprocess  # ~5 ms (threading, signal, selectors) that `check --snapshot` never needs
    import tempfile

    errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _finish_bytes
    try:
        process = subprocess.Popen([*_GIT, *args], cwd=repo, stdout=subprocess.PIPE,
                                   stderr=errors)
    except FileNotFoundError as exc:
        errors.close()
        raise InputError("git is not installed or not on PATH") from exc
    return _Running(process, errors)


def _finish_bytes(running: _Running, args: tuple[str, ...]) -> bytes:
    """The command's output; refused past MAX_INPUT_BYTES, git's last error line on failure."""
    process = running.process
    assert process.stdout is not None
    with running.errors, process.stdout:
        out = process.stdout.read(MAX_INPUT_BYTES + 1)
        if len(out) > MAX_INPUT_BYTES:
            process.kill()
            process.wait()
            raise too_large(f"the output of git {args[0]}")
        process.wait()
        if process.returncode != 0:
            running.errors.seek(0)
            message = running.errors.read().decode("utf-8", "replace").strip().splitlines()
            raise InputError(f"git {args[0]} failed: {message[-1] if message else 'no output'}")
    return out


def _finish(running: _Running, args: tuple[str, ...]) -> str:
    return _finish_bytes(running, args).decode("utf-8", "replace")


def _git(repo: Path, *args: str) -> str:
    return _finish(_start(repo, args), args)


def _git_together(repo: Path, *commands: tuple[str, ...]) -> list[str]:
    """Run several git commands at once (diff, log and ls-tree of a long range use both cores);
    each writes its own pipe, so reading them one after another cannot deadlock."""
    started = [(_start(repo, args), args) for args in commands]
    try:
        return [_finish(running, args) for running, args in started]
    finally:
        for running, _ in started:
            if running.process.poll() is None:
                running.process.kill()
                running.process.wait()
            running.errors.close()


def _verify_repo(repo: Path) -> Path:
    if not repo.is_dir():
        raise InputError(f"--repo: {repo} is not a directory")
    try:
        top = _git(repo, "rev-parse", "--show-toplevel").strip()
    except InputError as exc:
        raise InputError(f"--repo: {repo} is not inside a git repository") from exc
    return Path(top)


def _resolve(repo: Path, option: str, rev: str) -> str:
    if rev.startswith("-"):
        raise InputError(f"{option}: {rev!r} is not a revision")
    try:
        return _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options",
                    f"{rev}^{{commit}}").strip()
    except InputError as exc:
        raise InputError(f"{option}: {rev!r} is not a revision in {repo}") from exc


def _log_args(base: str, head: str) -> tuple[str, ...]:
    return ("log", "--reverse", "--no-renames", "--numstat",
            "--format=%x1e%H%x00%P%x00%an%x00%B%x00", f"{base}..{head}")


def _commits(out: str) -> list[dict[str, Any]]:
    commits = []
    for record in out.split(_RECORD)[1:]:
        sha, parents, author, message, numstat = record.split(_FIELD, 4)
        additions = deletions = 0
        files = []
        for row in numstat.strip("\n").splitlines():
            parts = row.split("\t", 2)
            if len(parts) != 3:
                continue
            added, removed, path = parts
            additions += int(added) if added.isdigit() else 0
            deletions += int(removed) if removed.isdigit() else 0
            files.append(path)
        commits.append({
            "sha": sha, "message": message.strip("\n"), "author": author,
            "parents": len(parents.split()), "additions": additions, "deletions": deletions,
            "files": files,
        })
    return commits


def _branch_name(repo: Path, head: str) -> str:
    """The branch `head` names (`feature/x`, `origin/feature/x`, `HEAD` on a branch), else ""."""
    if head.startswith("-"):
        return ""  # never an option to git (_resolve has refused it already)
    try:
        full = _git(repo, "rev-parse", "--symbolic-full-name", head).strip()
    except InputError:
        return ""
    for prefix in ("refs/heads/", "refs/remotes/"):
        if full.startswith(prefix):
            name = full.removeprefix(prefix)
            # A remote-tracking ref is `<remote>/<branch>`: the PR's branch is the part after it.
            return name.split("/", 1)[1] if prefix == "refs/remotes/" and "/" in name else name
    return ""  # a commit id, a tag or a detached HEAD: no branch to read a story id from


def snapshot_from_git(
    rng: GitRange, title: str | None = None, body: str | None = None, branch: str | None = None,
    number: int | None = None,
) -> dict[str, Any]:
    """Build a snapshot document for `base...head` as GitHub would show that PR."""
    repo = _verify_repo(rng.repo)
    base_sha = _resolve(repo, "--base", rng.base)
    head_sha = _resolve(repo, "--head", rng.head)
    diff, log, tree = _git_together(
        repo,
        ("diff", "--no-ext-diff", "--no-textconv", "-M", "--src-prefix=a/", "--dst-prefix=b/",
         f"{base_sha}...{head_sha}"),
        _log_args(base_sha, head_sha),
        ("ls-tree", "-r", "-z", "--name-only", head_sha),
    )
    commits = _commits(log)
    first = commits[0]["message"] if commits else ""
    subject, _, rest = first.partition("\n")
    files = tree.split("\0")
    doc: dict[str, Any] = {
        "title": title if title is not None else subject.strip(),
        "body": body if body is not None else (rest.strip() if len(commits) == 1 else ""),
        "head_ref": branch if branch is not None else _branch_name(repo, rng.head),
        "base_ref": rng.base,
        "head_sha": head_sha,
        "commits": commits,
        "diff": diff,
        "repo_files": [f for f in files if f],
    }
    if number is not None:
        doc["number"] = number
    return doc


def snapshot_from_staged(repo_dir: Path, branch: str | None = None) -> dict[str, Any]:
    """Build a snapshot document of the changes staged for the next commit (`git diff --cached`)."""
    repo = _verify_repo(repo_dir)
    diff = _git(repo, "diff", "--cached", "--no-ext-diff", "--no-textconv", "-M",
                "--src-prefix=a/", "--dst-prefix=b/")
    files = _git(repo, "ls-files", "-z", "--cached").split("\0")
    return {"title": "", "body": "", "head_ref": branch if branch is not None
            else _branch_name(repo, "HEAD"), "diff": diff, "repo_files": [f for f in files if f]}


def upstream_exists(repo_dir: Path) -> bool:
    """True when the current branch tracks a remote branch (`@{upstream}` resolves)."""
    repo = _verify_repo(repo_dir)
    try:
        _git(repo, "rev-parse", "--verify", "--quiet", "@{upstream}")
    except InputError:
        return False
    return True


def config_at(repo_dir: Path, rev: str, path: str, option: str = "--base") -> str | None:
    """The text of `path` in revision `rev`, or None when that revision has no such file;
    `option` names where `rev` came from in the error a bad revision gives."""
    repo = _verify_repo(repo_dir)
    sha = _resolve(repo, option, rev)
    try:
        kind = _git(repo, "cat-file", "-t", f"{sha}:{path}").strip()
    except InputError:
        return None
    if kind != "blob":
        return None
    args = ("cat-file", "blob", f"{sha}:{path}")
    return decode_text(_finish_bytes(_start(repo, args), args), f"{path} at {rev}", "a YAML file")


def decode_text(data: bytes, name: str, kind: str) -> str:
    """Decode text bytes: invalid UTF-8 is replaced, but binary data is refused."""
    if b"\0" in data[:_BINARY_SNIFF]:
        raise InputError(f"{name} is binary data, not {kind}")
    return data.decode("utf-8", "replace")


def snapshot_from_diff(
    diff: str, title: str, body: str = "", branch: str = "", repo_files: list[str] | None = None
) -> dict[str, Any]:
    """Build a snapshot document from a bare diff and the PR's text (no commit data)."""
    doc: dict[str, Any] = {"title": title, "body": body, "head_ref": branch, "diff": diff}
    if repo_files is not None:
        doc["repo_files"] = repo_files
    return doc
