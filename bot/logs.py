"""Structured logs: one JSON object per line, fields passed as `extra={"fields": {...}}`.

Callers never put tokens or secrets in fields; `checks.mask.mask_secret` is the way to show one.
A line is written per delivery, so formatting is kept cheap (orjson, a cached timestamp).
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any, TextIO

import orjson

LOGGER_NAME = "shipshape"


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON line: time, level, logger, message, then its fields."""

    def __init__(self) -> None:
        super().__init__()
        self._second = -1
        self._stamp = ""

    def _time(self, created: float) -> str:
        second = int(created)
        if second != self._second:
            self._second = second
            self._stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        return f"{self._stamp}.{int((created - second) * 1000):03d}Z"

    def format(self, record: logging.LogRecord) -> str:
        """Render `record` as a single line of JSON."""
        out: dict[str, Any] = {
            "time": self._time(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            out.update(fields)
        if record.exc_info and record.exc_info[0] is not None:
            out["error"] = f"{record.exc_info[0].__name__}: {record.exc_info[1]}"
            out["traceback"] = self.formatException(record.exc_info)  # escaped: one line
        return orjson.dumps(out, default=str, option=orjson.OPT_NON_STR_KEYS).decode()


def get_logger(name: str = "") -> logging.Logger:
    """Return the shipshape logger or one of its children."""
    return logging.getLogger(f"{LOGGER_NAME}.{name}" if name else LOGGER_NAME)


def configure(level: str = "INFO", stream: TextIO | None = None) -> None:
    """Send shipshape's and aiohttp's logs to `stream` (stderr) as JSON lines."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in (LOGGER_NAME, "aiohttp"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False
    # The access log would add a line per delivery that says less than ours.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)


def log(logger: logging.Logger, level: int, msg: str, **fields: Any) -> None:
    """Log `msg` with structured `fields` (delivery, repo, pr, head, outcome, duration_ms...)."""
    if logger.isEnabledFor(level):
        logger.log(level, msg, extra={"fields": fields})
