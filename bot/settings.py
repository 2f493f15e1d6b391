"""Settings from the environment, with the names GitHub App developers know from Probot.

`Settings.from_env(environ)` is the one place the environment is read; it is called in
`__main__` and the result is handed down, never read at import time. Every bad setting is
named at once (InvalidSettings), so a deployment is fixed in one round, not one per key.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

DEFAULT_PORT = 3000
DEFAULT_HOST = "0.0.0.0"
DEFAULT_API_URL = "https://api.github.com"
DEFAULT_WEBHOOK_PATH = "/webhook"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
MAX_WORKERS = 256
DEFAULT_DATA_DIR = "data"
DEFAULT_RECONCILE_INTERVAL = 600
QUEUE_FILE = "queue.sqlite3"
QUEUE_SCHEMES = ("sqlite", "redis", "rediss", "memory")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it in one line."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key


class InvalidSettings(ValueError):
    """Every missing or malformed setting, one SettingsError (one line) each."""

    def __init__(self, errors: Sequence[SettingsError]) -> None:
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = tuple(errors)


@dataclass(frozen=True)
class Settings:
    """Everything the server needs to start; secrets are kept out of repr."""

    app_id: str
    private_key: str = field(repr=False)
    webhook_secret: str = field(repr=False)
    port: int = DEFAULT_PORT
    host: str = DEFAULT_HOST
    log_level: str = "INFO"
    github_api_url: str = DEFAULT_API_URL
    webhook_path: str = DEFAULT_WEBHOOK_PATH
    workers: int = 4
    review_processes: int = 0
    review_timeout: float = 120.0
    # Settings built in code (tests) keep jobs in memory; the environment's default is the
    # SQLite file in DATA_DIR, so a lone `python -m bot` loses nothing to a crash.
    queue_url: str = field(default="memory://", repr=False)
    data_dir: str = DEFAULT_DATA_DIR
    queue_lease_seconds: float = 60.0
    # How long a job failing for passing reasons (GitHub down, 5xx, rate limits) is retried,
    # from its first failure, before it becomes a dead letter.
    retry_hours: float = 6.0
    # Content-creating requests (POST, PUT) per installation; GitHub's secondary limits are 80
    # a minute and 500 an hour. 0 turns pacing off (a GitHub Enterprise Server without them).
    content_per_minute: int = 80
    content_per_hour: int = 500
    # Seconds between reconciler passes (bot/reconcile); 0 turns them off, as settings built
    # in code (tests) do. The environment's default is DEFAULT_RECONCILE_INTERVAL.
    reconcile_interval: float = 0.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Read and validate settings; raise InvalidSettings naming every bad one."""
        readers: dict[str, Callable[[], Any]] = {
            "app_id": lambda: _app_id(environ),
            "private_key": lambda: _private_key(environ),
            "webhook_secret": lambda: _required(environ, "WEBHOOK_SECRET"),
            "port": lambda: _port(environ),
            "host": lambda: _host(environ),
            "log_level": lambda: _log_level(environ),
            "github_api_url": lambda: _api_url(environ),
            "webhook_path": lambda: _webhook_path(environ),
            "workers": lambda: _int(environ, "WORKERS", 4, 1, MAX_WORKERS),
            "review_processes": lambda: _int(environ, "REVIEW_PROCESSES", 0, 0, MAX_WORKERS),
            "review_timeout": lambda: float(_int(environ, "REVIEW_TIMEOUT", 120, 1, 3600)),
            "data_dir": lambda: _data_dir(environ),
            "queue_url": lambda: _queue_url(environ),
            "queue_lease_seconds": lambda: float(
                _int(environ, "QUEUE_LEASE_SECONDS", 60, 1, 3600)),
            "retry_hours": lambda: _hours(environ, "RETRY_HOURS", 6.0),
            "content_per_minute": lambda: _int(environ, "CONTENT_PER_MINUTE", 80, 0, 100_000),
            "content_per_hour": lambda: _int(environ, "CONTENT_PER_HOUR", 500, 0, 1_000_000),
            "reconcile_interval": lambda: float(
                _int(environ, "RECONCILE_INTERVAL", DEFAULT_RECONCILE_INTERVAL, 0, 86400)),
        }
        values: dict[str, Any] = {}
        errors: list[SettingsError] = []
        for name, read in readers.items():
            try:
                values[name] = read()
            except SettingsError as exc:
                errors.append(exc)
        if errors:
            raise InvalidSettings(errors)
        return cls(**values)

    def describe(self) -> dict[str, object]:
        """A loggable view: no secret, nor anything about one (not even its length)."""
        return {
            "app_id": self.app_id, "port": self.port, "host": self.host,
            "log_level": self.log_level, "github_api_url": self.github_api_url,
            "webhook_path": self.webhook_path, "workers": self.workers,
            "review_processes": self.review_processes, "review_timeout": self.review_timeout,
            "queue_url": redact_url(self.queue_url), "data_dir": self.data_dir,
            "queue_lease_seconds": self.queue_lease_seconds, "retry_hours": self.retry_hours,
            "content_per_minute": self.content_per_minute,
            "content_per_hour": self.content_per_hour,
            "reconcile_interval": self.reconcile_interval,
        }


def listen_address(environ: Mapping[str, str]) -> tuple[str, int] | None:
    """HOST and PORT when both are well formed (`from_env` names them when not)."""
    try:
        return _host(environ), _port(environ)
    except SettingsError:
        return None


def _required(environ: Mapping[str, str], key: str) -> str:
    value = environ.get(key, "")
    if not value.strip():
        raise SettingsError(key, "is not set")
    return value.strip()


def _app_id(environ: Mapping[str, str]) -> str:
    value = _required(environ, "APP_ID")
    if not value.isdigit():
        raise SettingsError("APP_ID", "must be the App's numeric id (Settings > Developer "
                            "settings > GitHub Apps > App ID)")
    return value


def _private_key(environ: Mapping[str, str]) -> str:
    text = environ.get("PRIVATE_KEY", "").strip()
    key = "PRIVATE_KEY"
    if not text:
        path = environ.get("PRIVATE_KEY_PATH", "").strip()
        if not path:
            raise SettingsError("PRIVATE_KEY", "is not set (nor PRIVATE_KEY_PATH)")
        key = "PRIVATE_KEY_PATH"
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SettingsError(key, f"cannot read {path}: {exc.__class__.__name__}") from exc
    # Platforms that store one-line variables (Heroku, .env files) turn newlines into `\n`.
    text = text.replace("\\n", "\n").strip() + "\n"
    try:
        loaded = load_pem_private_key(text.encode("utf-8"), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise SettingsError(key, "is not a PEM private key (download it from the App's "
                            "settings page)") from exc
    if not isinstance(loaded, RSAPrivateKey):
        # GitHub signs App JWTs with RS256 only; another key type fails at the first token.
        raise SettingsError(key, "is not an RSA private key (GitHub Apps sign with RS256; "
                            "download the key from the App's settings page)")
    return text


def _int(environ: Mapping[str, str], key: str, default: int, low: int, high: int) -> int:
    raw = environ.get(key, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(key, f"must be an integer, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(key, f"must be between {low} and {high}, got {value}")
    return value


def _hours(environ: Mapping[str, str], key: str, default: float) -> float:
    raw = environ.get(key, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(key, f"must be a number of hours, got {raw!r}") from None
    if not 0 <= value <= 168:  # GitHub's redelivery window is 3 days; a week is plenty
        raise SettingsError(key, f"must be between 0 and 168 hours, got {raw}")
    return value


def _port(environ: Mapping[str, str]) -> int:
    return _int(environ, "PORT", DEFAULT_PORT, 1, 65535)


def _host(environ: Mapping[str, str]) -> str:
    return environ.get("HOST", "").strip() or DEFAULT_HOST


def _log_level(environ: Mapping[str, str]) -> str:
    raw = environ.get("LOG_LEVEL", "").strip().upper() or "INFO"
    if raw == "WARN":
        raw = "WARNING"
    if raw == "TRACE":  # Probot's most verbose level
        raw = "DEBUG"
    if raw not in LOG_LEVELS:
        raise SettingsError("LOG_LEVEL", f"must be one of {', '.join(LOG_LEVELS)}, got {raw!r}")
    return raw


def _api_url(environ: Mapping[str, str]) -> str:
    raw = environ.get("GITHUB_API_URL", "").strip() or DEFAULT_API_URL
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError("GITHUB_API_URL", f"must be an http(s) URL, got {raw!r}")
    return raw.rstrip("/")


def _webhook_path(environ: Mapping[str, str]) -> str:
    raw = environ.get("WEBHOOK_PATH", "").strip() or DEFAULT_WEBHOOK_PATH
    if not raw.startswith("/") or " " in raw or raw in ("/healthz", "/metrics"):
        raise SettingsError("WEBHOOK_PATH", f"must be a path starting with '/', got {raw!r}")
    return raw


def redact_url(url: str) -> str:
    """`url` without its password (a Redis URL may carry one)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    user = f"{parts.username}:" if parts.username else ":"
    return parts._replace(netloc=f"{user}***@{host}").geturl()


def _data_dir(environ: Mapping[str, str]) -> str:
    raw = environ.get("DATA_DIR", "").strip() or DEFAULT_DATA_DIR
    path = Path(raw)
    if path.exists() and not path.is_dir():
        raise SettingsError("DATA_DIR", f"must be a directory, got the file {raw!r}")
    # Checked without creating anything: the queue creates the directory when it opens.
    existing = next((p for p in (path, *path.absolute().parents) if p.exists()), None)
    if existing is None or not os.access(existing, os.W_OK | os.X_OK):
        raise SettingsError("DATA_DIR", f"{raw!r} cannot be written by this user")
    return raw


def _queue_url(environ: Mapping[str, str]) -> str:
    raw = environ.get("QUEUE_URL", "").strip()
    if not raw:
        data_dir = environ.get("DATA_DIR", "").strip() or DEFAULT_DATA_DIR
        return f"sqlite://{Path(data_dir, QUEUE_FILE).absolute()}"
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if scheme not in QUEUE_SCHEMES:
        raise SettingsError("QUEUE_URL", "must be sqlite:///path, redis://host:port/db or "
                            f"memory://, got {redact_url(raw)!r}")
    if scheme == "sqlite" and not sqlite_path(raw):
        raise SettingsError("QUEUE_URL", "sqlite:// needs a file path (sqlite:///var/lib/q.db)")
    if scheme.startswith("redis") and not urlsplit(raw).hostname:
        raise SettingsError("QUEUE_URL", f"needs a host, got {redact_url(raw)!r}")
    return raw


def sqlite_path(url: str) -> str:
    """The file of a `sqlite://` URL: `sqlite:///abs/path` or `sqlite://relative/path`."""
    path = url.removeprefix("sqlite://")
    return "" if path.strip("/") == "" else path
