"""Turn a PR snapshot document (pr-snapshot.schema.json) into a Snapshot, naming what is wrong."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checks.diff import DiffError, parse_diff, parse_files
from checks.model import Commit, Snapshot, Waiver


class SnapshotError(ValueError):
    """The document is not a valid PR snapshot; the message names the field."""


def _opt_str(doc: Mapping[str, Any], key: str, where: str = "") -> str:
    value = doc.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SnapshotError(f"{where}{key} must be a string, got {type(value).__name__}")
    return value


def _opt_int(doc: Mapping[str, Any], key: str, where: str) -> int | None:
    value = doc.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise SnapshotError(f"{where}{key} must be a non-negative integer")
    return value


def _str_list(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SnapshotError(f"{where} must be a list of strings")
    return tuple(value)


def _commits(value: Any) -> tuple[Commit, ...]:
    if not isinstance(value, list):
        raise SnapshotError("commits must be a list")
    commits = []
    for index, item in enumerate(value):
        where = f"commits[{index}]."
        if not isinstance(item, Mapping):
            raise SnapshotError(f"commits[{index}] must be an object")
        for required in ("sha", "message"):
            if not isinstance(item.get(required), str):
                raise SnapshotError(f"{where}{required} is required and must be a string")
        files = item.get("files")
        commits.append(
            Commit(
                sha=item["sha"],
                message=item["message"],
                author=_opt_str(item, "author", where) or None,
                parents=_opt_int(item, "parents", where),
                additions=_opt_int(item, "additions", where),
                deletions=_opt_int(item, "deletions", where),
                files=None if files is None else _str_list(files, f"{where}files"),
            )
        )
    return tuple(commits)


def _waivers(value: Any) -> tuple[Waiver, ...]:
    if not isinstance(value, list):
        raise SnapshotError("waivers must be a list")
    waivers = []
    for index, item in enumerate(value):
        where = f"waivers[{index}]."
        if not isinstance(item, Mapping):
            raise SnapshotError(f"waivers[{index}] must be an object")
        for required in ("check", "by"):
            if not isinstance(item.get(required), str) or not item[required]:
                raise SnapshotError(f"{where}{required} is required and must be a string")
        prints = item.get("fingerprints")
        waivers.append(Waiver(
            item["check"], item["by"], _opt_str(item, "reason", where),
            at=_opt_str(item, "at", where),
            fingerprints=None if prints is None else _str_list(prints, f"{where}fingerprints"),
            comment_id=_opt_int(item, "comment_id", where)))
    return tuple(waivers)


def _replace_surrogates(value: Any, depth: int = 0) -> Any:
    """Replace lone surrogates with U+FFFD in the document's strings, as undecodable bytes are.

    JSON's `\\ud800` escapes survive json.loads, and no UTF-8 output, terminal or re2 pattern
    (pathspec's globs) can take them. Four levels reach every string of a valid snapshot.
    """
    if isinstance(value, str):
        if value.isascii():
            return value
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        return value
    if depth >= 4:
        return value
    if isinstance(value, list):
        return [_replace_surrogates(item, depth + 1) for item in value]
    if isinstance(value, Mapping):
        return {key: _replace_surrogates(item, depth + 1) for key, item in value.items()}
    return value


def load_snapshot(doc: Any) -> Snapshot:
    """Build a Snapshot from a parsed JSON document; raise SnapshotError naming the problem."""
    if not isinstance(doc, Mapping):
        raise SnapshotError("a PR snapshot must be a JSON object")
    doc = _replace_surrogates(doc)
    if not isinstance(doc.get("title"), str):
        raise SnapshotError("title is required and must be a string")
    if "diff" not in doc and "files" not in doc:
        raise SnapshotError("a PR snapshot needs either 'diff' or 'files'")
    notes: tuple[str, ...] = ()
    try:
        if "diff" in doc:
            if not isinstance(doc["diff"], str):
                raise SnapshotError("diff must be a string")
            files = parse_diff(doc["diff"])
        else:
            if not isinstance(doc["files"], list):
                raise SnapshotError("files must be a list")
            files, notes = parse_files(doc["files"])
    except DiffError as exc:
        raise SnapshotError(str(exc)) from exc
    number = doc.get("number")
    if number is not None and (not isinstance(number, int) or isinstance(number, bool)):
        raise SnapshotError("number must be an integer")
    draft = doc.get("draft", False)
    if not isinstance(draft, bool):
        raise SnapshotError("draft must be true or false")
    repo_files = doc.get("repo_files")
    return Snapshot(
        title=doc["title"],
        files=files,
        body=_opt_str(doc, "body"),
        head_ref=_opt_str(doc, "head_ref"),
        base_ref=_opt_str(doc, "base_ref"),
        head_sha=_opt_str(doc, "head_sha"),
        repository=_opt_str(doc, "repository"),
        number=number,
        author=_opt_str(doc, "author"),
        draft=draft,
        labels=_str_list(doc["labels"], "labels") if "labels" in doc else (),
        commits=_commits(doc["commits"]) if doc.get("commits") is not None else None,
        repo_files=(
            frozenset(_str_list(repo_files, "repo_files")) if repo_files is not None else None
        ),
        waivers=_waivers(doc["waivers"]) if doc.get("waivers") is not None else (),
        notes=notes,
        story_links=(_str_list(doc["story_links"], "story_links")
                     if doc.get("story_links") is not None else ()),
    )
