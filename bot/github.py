"""Talking to GitHub as an App: JWT, cached installation tokens, retries, one session.

`GitHubClient` is one per process (it owns the aiohttp session's use, the token cache and the
retry policy); `Installation` is a cheap view of it for one installation, adding the token
to every call and renewing it once when GitHub says it expired (401). The App's key is parsed
once and its JWTs reused (bot/tokens.py): nothing CPU-heavy runs on the event loop per token
request, whatever GitHub answers.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import aiohttp
import cachetools
import gidgethub
import gidgethub.aiohttp
from gidgethub import sansio

from bot import limits
from bot.concurrency import gather_all
from bot.gate import Gate, InstallationPaused, LocalGate, Windows
from bot.logs import get_logger, log
from bot.metrics import Metrics
from bot.tokens import AppSigner, SharedTokens, Token

USER_AGENT = "shipshape-bot"
_CONNECTION_RETRIES = 2
_T = TypeVar("_T")
_log = get_logger("github")
# False while a call that is not safe to repeat runs: GitHub can answer 5xx (or time out) after
# it created a comment, so a blind retry would post it twice; such callers look before retrying.
_RETRY_UNSURE = contextvars.ContextVar("shipshape_retry_unsure", default=True)
# The installation the running call acts for, so that a rate limit pauses all of its calls.
_INSTALLATION: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "shipshape_installation", default=None)
# Requests that create content, paced within GitHub's per-minute and per-hour limits.
CREATING_METHODS = ("POST", "PUT")
DEFAULT_PACING: Windows = ((60.0, limits.CONTENT_PER_MINUTE), (3600.0, limits.CONTENT_PER_HOUR))
# A deleted repository or pull request (404), or one GitHub has blocked (410): nothing to do.
GONE_STATUSES = (404, 410)
# The headers of the last answer `_request` received in this task. gidgethub returns only the
# body; a conditional GET needs the answer's ETag, and a ContextVar set inside an awaited call
# is seen by its caller (same task), never by a concurrent one.
_RESPONSE_HEADERS: contextvars.ContextVar[Mapping[str, str] | None] = contextvars.ContextVar(
    "shipshape_response_headers", default=None)
NOT_MODIFIED = 304


def is_gone(exc: BaseException) -> bool:
    """True for GitHub's answer that the addressed repository or pull request is gone."""
    return isinstance(exc, gidgethub.BadRequest) and int(exc.status_code) in GONE_STATUSES


def exception_message(exc: gidgethub.HTTPException) -> str:
    """GitHub's `message` from an error answer: gidgethub passes it as the first argument
    after the status (BadRequest, GitHubBroken, RateLimitExceeded alike), and the status's
    phrase when the answer had none."""
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, str) else ""


def is_rate_limit(status: int, headers: Mapping[str, str], message: str) -> bool:
    """True when a 403 or 429 answer is a rate limit, not a missing permission."""
    if status == 429:
        return True
    lowered = message.lower()
    return status == 403 and ("rate limit" in lowered or "abuse" in lowered
                              or "retry-after" in headers
                              or _header_number(headers, "x-ratelimit-remaining") == 0)


def repo_vars(repo: str, **more: Any) -> dict[str, Any]:
    """URL variables for an `owner/name` repository."""
    owner, _, name = repo.partition("/")
    return {"owner": owner, "repo": name, **more}


def retry_delay(
    status: int, headers: Mapping[str, str], message: str, attempt: int, now: float,
    backoff: float = 1.0,
) -> float | None:
    """Seconds to wait before retrying a failed call, or None when it must not be retried.

    5xx: exponential backoff. 403/429 rate limits: `retry-after`, else `x-ratelimit-reset`
    when nothing remains, else a minute doubling per attempt (GitHub's documented advice).
    A 403 that is not a rate limit (a missing permission) is never retried.
    """
    if attempt >= limits.MAX_ATTEMPTS:
        return None
    if status >= 500:
        wait = backoff * 2 ** (attempt - 1)
    elif status in (403, 429):
        wait = rate_limit_wait(status, headers, message, attempt, now)
        if wait is None:
            return None
    else:
        return None
    return wait if wait <= limits.MAX_RETRY_WAIT_SECONDS else None


def _header_number(headers: Mapping[str, str], name: str) -> float | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def rate_limit_wait(
    status: int, headers: Mapping[str, str], message: str, attempt: int, now: float
) -> float | None:
    """Seconds a rate limit asks to wait (FACTS.md, "When a limit is exceeded"), or None when
    the answer is not a rate limit."""
    if not is_rate_limit(status, headers, message):
        return None
    retry_after = _header_number(headers, "retry-after")
    if retry_after is not None:
        return max(retry_after, 0.0)
    remaining = _header_number(headers, "x-ratelimit-remaining")
    reset = _header_number(headers, "x-ratelimit-reset")
    if remaining == 0 and reset is not None:
        return max(reset - now, 0.0) + 1.0
    return limits.SECONDARY_LIMIT_DEFAULT_WAIT_SECONDS * 2 ** (attempt - 1)


class GitHubClient(gidgethub.aiohttp.GitHubAPI):
    """gidgethub over the process's one ClientSession, with retries and metrics."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        app_id: str,
        private_key: str,
        base_url: str,
        metrics: Metrics,
        backoff: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        gate: Gate | None = None,
        pacing: Windows = DEFAULT_PACING,
        shared_tokens: SharedTokens | None = None,
    ) -> None:
        super().__init__(session, USER_AGENT, base_url=base_url)
        self.signer = AppSigner(app_id, private_key)  # parses the PEM text, once
        self._metrics = metrics
        self.backoff = backoff
        self._sleep = sleep
        self.gate: Gate = gate if gate is not None else LocalGate()
        self.pacing = pacing
        self._tokens: cachetools.TLRUCache[int, Token] = cachetools.TLRUCache(
            maxsize=4096, ttu=_token_ttu, timer=time.monotonic
        )
        # Replicas' common store (Redis), behind this process's own cache.
        self._shared = shared_tokens
        self._token_locks: dict[int, asyncio.Lock] = {}
        self._slug = ""

    async def _request(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes = b""
    ) -> tuple[int, Mapping[str, str], bytes]:
        for attempt in range(_CONNECTION_RETRIES + 1):
            try:
                status, resp_headers, data = await super()._request(method, url, headers, body)
            except (TimeoutError, aiohttp.ClientConnectionError):
                self._metrics.github_calls.labels(method, "error").inc()
                if attempt == _CONNECTION_RETRIES or not _RETRY_UNSURE.get():
                    raise
                self._metrics.github_retries.labels("connection").inc()
                await self._sleep(self.backoff * 2**attempt)
                continue
            self._metrics.github_calls.labels(method, str(status)).inc()
            _RESPONSE_HEADERS.set(resp_headers)
            return status, resp_headers, data
        raise AssertionError("unreachable")

    async def sleep(self, seconds: float) -> None:
        """Sleep through the injected sleeper (tests record the waits)."""
        await self._sleep(seconds)

    async def handle_rate_limit_error(
        self, *, method: str, url: str, exception: gidgethub.HTTPException, attempt: int
    ) -> bool:
        """Retry 5xx and rate limits a bounded number of times, honouring GitHub's headers.

        A rate limit pauses the whole installation (every job of it waits, in every replica
        when the queue is in Redis); a wait longer than INLINE_WAIT_SECONDS is not slept here:
        the error goes up and the job goes back to the queue until the pause ends.
        """
        status = int(exception.status_code)
        if status >= 500 and not _RETRY_UNSURE.get():
            return False
        message = exception_message(exception)
        headers = exception.headers or {}
        if status < 500:
            limited = rate_limit_wait(status, headers, message, attempt, time.time())
            if limited is None:
                return False
            installation = _INSTALLATION.get()
            if installation is not None:
                await self.gate.pause(installation, limited)
            if limited > limits.INLINE_WAIT_SECONDS:
                log(_log, logging.WARNING, "rate limited; installation paused", method=method,
                    url=_path_of(url), status=status, installation=installation,
                    wait_s=round(limited, 3))
                return False
        wait = retry_delay(status, headers, message, attempt, time.time(), self.backoff)
        if wait is None:
            return False
        reason = "server_error" if status >= 500 else "rate_limit"
        self._metrics.github_retries.labels(reason).inc()
        log(_log, logging.WARNING, "retrying GitHub call", method=method, url=_path_of(url),
            status=status, attempt=attempt, wait_s=round(wait, 3))
        await self._sleep(wait)
        return True

    async def admit(self, installation_id: int, method: str) -> None:
        """Wait out the installation's pause, and pace its content-creating requests; raise
        InstallationPaused when the wait is too long to hold a worker for."""
        left = await self.gate.paused_for(installation_id)
        if left > 0:
            await self._wait_or_hand_back(installation_id, left, "rate limited or GitHub down")
        if method in CREATING_METHODS and self.pacing:
            while (wait := await self.gate.reserve(installation_id, self.pacing)) > 0:
                self._metrics.github_retries.labels("paced").inc()
                await self._wait_or_hand_back(installation_id, wait, "content creation paced")

    async def _wait_or_hand_back(self, installation_id: int, seconds: float,
                                 reason: str) -> None:
        if seconds > limits.INLINE_WAIT_SECONDS:
            raise InstallationPaused(installation_id, seconds, reason)
        await self._sleep(seconds)

    async def installation_token(self, installation_id: int) -> str:
        """Return a cached token for the installation, creating one when missing or old."""
        cached = self._tokens.get(installation_id)
        if cached is not None:
            return cached.value
        lock = self._token_locks.setdefault(installation_id, asyncio.Lock())
        async with lock:
            cached = self._tokens.get(installation_id)
            if cached is None and self._shared is not None:
                cached = await self._shared.get(installation_id)
            if cached is None:
                cached = await self._new_token(installation_id)
                if self._shared is not None:
                    await self._shared.put(installation_id, cached)
            self._tokens[installation_id] = cached
            return cached.value

    async def _new_token(self, installation_id: int) -> Token:
        # gidgethub's apps.get_installation_access_token would parse the PEM text again.
        answer = await self.post(f"/app/installations/{installation_id}/access_tokens",
                                 data=b"", jwt=self.signer.jwt())
        return Token(str(answer["token"]), _expiry_epoch(answer.get("expires_at")))

    async def forget_token(self, installation_id: int, token: str) -> None:
        """Drop a token GitHub refused, unless another task already replaced it."""
        cached = self._tokens.get(installation_id)
        if cached is not None and cached.value == token:
            del self._tokens[installation_id]
        if self._shared is not None:
            await self._shared.forget(installation_id, token)

    async def app_slug(self) -> str:
        """The App's slug (`@<slug>` commands, `<slug>[bot]` comments), asked once per process."""
        if not self._slug:
            answer = await self.getitem("/app", jwt=self.signer.jwt())
            self._slug = str(answer.get("slug") or "") if isinstance(answer, Mapping) else ""
        return self._slug

    def forget_installation(self, installation_id: int) -> None:
        """Drop everything cached for an installation (it was uninstalled or suspended)."""
        self._tokens.pop(installation_id, None)
        self._token_locks.pop(installation_id, None)

    def for_installation(self, installation_id: int) -> Installation:
        """A view of this client that acts as one installation."""
        return Installation(self, installation_id)


def _expiry_epoch(expires_at: Any) -> float:
    if isinstance(expires_at, str):
        try:
            return datetime.fromisoformat(expires_at.replace("Z", "+00:00")).timestamp()
        except ValueError:
            pass
    return time.time() + limits.INSTALLATION_TOKEN_SECONDS


def _token_ttu(_key: int, value: Token, now: float) -> float:
    """Monotonic deadline for a cached token: its expiry minus a refresh margin."""
    return now + max(value.usable_for(time.time()), 0.0)


def _path_of(url: str) -> str:
    return url.split("?", 1)[0]


@dataclass(frozen=True)
class Fetched:
    """A conditional GET's answer: the body (None when not modified) and the ETag to send next."""

    modified: bool
    etag: str | None
    data: Any


@dataclass(frozen=True)
class Installation:
    """GitHub calls as one installation: the token is added and renewed on 401."""

    client: GitHubClient
    installation_id: int

    async def _authed(self, call: Callable[[str], Awaitable[_T]]) -> _T:
        token = await self.client.installation_token(self.installation_id)
        try:
            return await call(token)
        except gidgethub.BadRequest as exc:
            if int(exc.status_code) != 401:
                raise
            # Tokens expire after an hour (or are revoked); get a fresh one and try once more.
            await self.client.forget_token(self.installation_id, token)
            log(_log, logging.INFO, "installation token refused; renewing",
                installation=self.installation_id)
            token = await self.client.installation_token(self.installation_id)
            return await call(token)

    async def _send(self, method: str, call: Callable[[str], Awaitable[_T]]) -> _T:
        """One call as this installation: its pause and pacing first, then the token."""
        reset = _INSTALLATION.set(self.installation_id)
        try:
            await self.client.admit(self.installation_id, method)
            return await self._authed(call)
        finally:
            _INSTALLATION.reset(reset)

    async def get(self, url: str, url_vars: Mapping[str, Any] | None = None,
                  *, accept: str = sansio.accept_format()) -> Any:
        """GET one resource."""
        return await self._send(
            "GET", lambda t: self.client.getitem(url, url_vars or {}, accept=accept, oauth_token=t))

    async def get_if_changed(self, url: str, url_vars: Mapping[str, Any] | None,
                             etag: str | None) -> Fetched:
        """GET with `If-None-Match: etag`; a 304 (unchanged) costs no rate limit (GitHub's REST
        best practices, "Use conditional requests if appropriate")."""
        async def call(token: str) -> Fetched:
            extra = {"if-none-match": etag} if etag else None
            try:
                data = await self.client.getitem(url, url_vars or {}, oauth_token=token,
                                                 extra_headers=extra)
            except gidgethub.RedirectionException as exc:
                if int(exc.status_code) != NOT_MODIFIED or etag is None:
                    raise
                return Fetched(False, etag, None)
            return Fetched(True, (_RESPONSE_HEADERS.get() or {}).get("etag"), data)

        return await self._authed(call)

    async def post(self, url: str, url_vars: Mapping[str, Any] | None = None,
                   *, data: Any, retry_unsure: bool = True) -> Any:
        """POST JSON; `retry_unsure=False` leaves a 5xx or time-out to the caller."""
        async def call(token: str) -> Any:
            reset = _RETRY_UNSURE.set(retry_unsure)  # this call only, not the token request
            try:
                return await self.client.post(url, url_vars or {}, data=data, oauth_token=token)
            finally:
                _RETRY_UNSURE.reset(reset)

        return await self._send("POST", call)

    async def patch(self, url: str, url_vars: Mapping[str, Any] | None = None,
                    *, data: Any) -> Any:
        """PATCH JSON."""
        return await self._send(
            "PATCH", lambda t: self.client.patch(url, url_vars or {}, data=data, oauth_token=t))

    async def put(self, url: str, url_vars: Mapping[str, Any] | None = None,
                  *, data: Any) -> Any:
        """PUT JSON."""
        return await self._send(
            "PUT", lambda t: self.client.put(url, url_vars or {}, data=data, oauth_token=t))

    async def delete(self, url: str, url_vars: Mapping[str, Any] | None = None) -> None:
        """DELETE a resource."""
        await self._send("DELETE",
                         lambda t: self.client.delete(url, url_vars or {}, oauth_token=t))

    async def get_pages(self, url: str, url_vars: Mapping[str, Any], *, limit: int,
                        expected: int | None = None) -> list[Any]:
        """GET a paginated list of up to `limit` items, 100 a page.

        When the total is known (`expected`, from the PR) the pages are fetched concurrently;
        otherwise one after another until a short page.
        """
        per_page = limits.PER_PAGE
        last_page = math.ceil(limit / per_page)
        if expected is not None:
            pages = max(1, min(last_page, math.ceil(expected / per_page)))
            results = await gather_all(
                self._page(url, url_vars, page) for page in range(1, pages + 1))
            items = [item for page_items in results for item in page_items]
            if len(results[-1]) < per_page or pages == last_page:
                return items[:limit]
            page = pages + 1  # the PR grew since it was read: keep going
        else:
            items, page = [], 1
        while page <= last_page:
            page_items = await self._page(url, url_vars, page)
            items.extend(page_items)
            if len(page_items) < per_page:
                break
            page += 1
        return items[:limit]

    async def _page(self, url: str, url_vars: Mapping[str, Any], page: int) -> list[Any]:
        sep = "&" if "?" in url else "?"
        data = await self.get(f"{url}{sep}per_page={limits.PER_PAGE}&page={page}", url_vars)
        return data if isinstance(data, list) else []
