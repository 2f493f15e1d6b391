"""Read a repository's configuration layers from GitHub, cheaply and per installation.

`checks.layers.resolve` decides which files make up the configuration (the organisation's
`.github` repository, `extends` targets, the repository's file on the base branch); this module
answers each request from the Contents API. Every answer is kept per installation with its
ETag: within `ttl` seconds an organisation or extends file is not asked for again, after that
it is asked for with `If-None-Match`, which GitHub answers 304 at no rate-limit cost when the
file is unchanged. The repository's own file is always revalidated (a config change merged a
moment ago applies to the next review), which is free when it did not change.

Rule: an entry is keyed by installation id, so one installation's files are never served to
another; a file another installation cannot read is a 404 for it, as GitHub answers.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import cachetools
import gidgethub

import checks
from bot.github import Installation, repo_vars
from bot.snapshot import CONTENTS_URL
from checks.config import CONFIG_PATH
from checks.layers import ORG_PATHS, ORG_REPO, FileRef, Layered, LayerError, LayerKind, resolve
from checks.render.escape import code_span

# GitHub answers 404 for a file, or a repository the installation cannot see, and 403 when the
# App lacks `contents: read` on it: both read as "no such layer" for the organisation's file
# and an extends target (which then names the problem). The repository's own file read 403 is
# a failure to retry, as before layers: reviewing it by the defaults would loosen its gate.
UNREADABLE = (403, 404)
ABSENT = 404
# A configuration file is a few kilobytes; the Contents API serves up to 1 MB. Bigger files are
# refused, so the cache (4,096 files per process) stays small whatever an account commits.
MAX_CONFIG_BYTES = 128 * 1024


@dataclass
class _Entry:
    etag: str | None
    text: str | None
    checked: float


class ConfigCache:
    """Configuration files by (installation, repository, path, ref), with their ETags."""

    def __init__(self, ttl: float = 60.0, maxsize: int = 4096,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._entries: cachetools.LRUCache[tuple[int, str, str, str], _Entry] = (
            cachetools.LRUCache(maxsize=maxsize))

    async def read(self, gh: Installation, ref: FileRef) -> str | None:
        """The file's text (None: absent or unreadable), from the cache when it may be."""
        key = (gh.installation_id, ref.repo.lower(), ref.path, ref.ref or "")
        entry = self._entries.get(key)
        now = self._clock()
        fresh = entry is not None and now - entry.checked < self.ttl
        if entry is not None and fresh and ref.kind is not LayerKind.REPOSITORY:
            return entry.text
        url_vars = repo_vars(ref.repo, path=ref.path, **({"ref": ref.ref} if ref.ref else {}))
        try:
            fetched = await gh.get_if_changed(CONTENTS_URL, url_vars,
                                              entry.etag if entry else None)
        except gidgethub.BadRequest as exc:
            status = int(exc.status_code)
            if status not in UNREADABLE or (ref.kind is LayerKind.REPOSITORY and status != ABSENT):
                raise
            self._entries[key] = _Entry(None, None, now)
            return None
        if not fetched.modified and entry is not None:
            entry.checked = now
            return entry.text
        text = _text(fetched.data)
        if len(text) > MAX_CONFIG_BYTES:
            raise LayerError(ref.label, ref.kind, "", f"the file is larger than "
                             f"{MAX_CONFIG_BYTES // 1024} KB; a configuration is a few KB")
        self._entries[key] = _Entry(fetched.etag, text, now)
        return text

    def was_absent(self, gh: Installation, ref: FileRef) -> bool:
        """True when the file was absent (or unreadable) when last asked for."""
        entry = self._entries.get((gh.installation_id, ref.repo.lower(), ref.path, ref.ref or ""))
        return entry is not None and entry.text is None

    def forget_installation(self, installation_id: int) -> None:
        """Drop an installation's files (it was uninstalled or suspended)."""
        for key in [k for k in self._entries if k[0] == installation_id]:
            del self._entries[key]


def _text(data: Any) -> str:
    if not isinstance(data, Mapping) or data.get("type", "file") != "file":
        return ""  # a directory at that path: read as an empty (default) layer
    try:
        return base64.b64decode(str(data.get("content") or "")).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return "\x00"  # not text: the YAML parser says so, naming the file


@dataclass(frozen=True)
class Loaded:
    """The effective configuration, or the error that names the file, key path and layer."""

    config: checks.Config | None
    error: checks.ConfigError | None
    layered: Layered | None

    @property
    def notices(self) -> tuple[str, ...]:
        """Refused changes to locked keys, for the checklist."""
        return self.layered.refused if self.layered is not None else ()


def first_files(repo: str, base_ref: str) -> tuple[FileRef, ...]:
    """The files `resolve` asks for before what any file says matters: the organisation's
    paths in the order it tries them (the next only when one is absent), then the
    repository's own; only `extends` targets depend on a file's text."""
    owner = repo.partition("/")[0]
    return (*(FileRef(f"{owner}/{ORG_REPO}", path, None, LayerKind.ORGANISATION)
              for path in ORG_PATHS),
            FileRef(repo, CONFIG_PATH, base_ref, LayerKind.REPOSITORY))


async def _read_first(gh: Installation, cache: ConfigCache, repo: str, base_ref: str
                      ) -> dict[FileRef, str | BaseException | None]:
    """Read the files every resolution starts with at once: one round trip, not one a file.

    The organisation's second path is read with them only when its first was absent last
    time (the usual case: no organisation file at all); where the first exists, reading the
    second would be a call each time the cache is due, for nothing. A failure is kept, not
    raised: it matters only if `resolve` asks for that file.
    """
    *org, own = first_files(repo, base_ref)
    refs = (*org, own) if cache.was_absent(gh, org[0]) else (org[0], own)
    answers = await asyncio.gather(*(cache.read(gh, ref) for ref in refs),
                                   return_exceptions=True)
    return dict(zip(refs, answers, strict=True))


async def load_config(gh: Installation, repo: str, base_ref: str, cache: ConfigCache
                      ) -> Loaded:
    """Read and merge the configuration layers of `repo` as of its base branch `base_ref`."""
    read_first = await _read_first(gh, cache, repo, base_ref)
    requests = resolve(repo, base_ref, checks.REGISTRY)
    try:
        ref = next(requests)
        while True:
            answer = read_first.pop(ref) if ref in read_first else await cache.read(gh, ref)
            if isinstance(answer, BaseException):
                raise answer
            ref = requests.send(answer)
    except StopIteration as stop:
        layered: Layered = stop.value
        return Loaded(layered.config, None, layered)
    except LayerError as exc:
        return Loaded(None, exc, None)


def error_summary(error: checks.ConfigError) -> str:
    """A check run summary naming the file, the key path and the layer of a config error."""
    if isinstance(error, LayerError):
        head = (f"The configuration is not valid, so no checks ran.\n\n"
                f"- file: {code_span(error.source)}\n- layer: {error.kind}\n"
                f"- key: {code_span(error.path or '(top level)')}\n"
                f"- problem: {code_span(error.message)}\n\n")
        fix = ("Fix the file on its default branch (the organisation's `.github` repository "
               "or the extended repository)" if error.kind is not LayerKind.REPOSITORY
               else "Fix the file on the base branch")
    else:
        head = (f"The configuration is not valid, so no checks ran.\n\n"
                f"**{code_span(error.path or '(top level)')}**: {code_span(str(error))}\n\n")
        fix = "Fix the file on the base branch"
    return head + fix + "; this PR is reviewed again on its next push or with Re-run."
