"""Structured logs: one JSON object per line, fields passed as `extra={"fields": {...}}`.

Callers never put tokens or secrets in fields; `checks.mask.mask_secret` is the way to show one.
A line is written per delivery, so formatting is kept cheap (orjson, a cached timestamp).
The delivery being worked on (`DELIVERY`, set by intake and by the worker per job) goes into
every line written meanwhile, so one grep for a delivery id finds all of its work.
"""

from __future__ import annotations

import contextvars
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import orjson

LOGGER_NAME = "shipshape"
# The X-GitHub-Delivery id whose work the current task is doing; "" outside any delivery.
DELIVERY: contextvars.ContextVar[str] = contextvars.ContextVar("shipshape_delivery", default="")


@contextmanager
def delivery_context(delivery_id: str) -> Iterator[None]:
    """Tag every log line written inside the block with `delivery_id`."""
    token = DELIVERY.set(delivery_id)
    try:
        yield
    finally:
        DELIVERY.reset(token)


class DeliveryFilter(logging.Filter):
    """Stamp a record with the current delivery id (records not written through `log`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Add `record.delivery` when missing; never drop a record."""
        if not hasattr(record, "delivery"):
            record.delivery = DELIVERY.get()
        return True


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
        delivery = getattr(record, "delivery", "")
        if delivery:
            out["delivery"] = delivery
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            out.update(fields)  # a delivery named by the caller wins
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
    handler.addFilter(DeliveryFilter())
    for name in (LOGGER_NAME, "aiohttp"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False
    # The access log would add a line per delivery that says less than ours.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    # What a record gathers that these lines never show: the caller's frame (a stack walk per
    # record), thread, process and multiprocessing names. The logging HOWTO's "Optimization"
    # switches; a record costs a third less, and one is written per delivery.
    logging._srcfile = None  # type: ignore[attr-defined]
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


def log(logger: logging.Logger, level: int, msg: str, **fields: Any) -> None:
    """Log `msg` with structured `fields` (repo, pr, head, outcome, duration_ms...).

    The current delivery id is added unless `fields` names one.
    """
    if logger.isEnabledFor(level):
        logger.log(level, msg, extra={"fields": fields, "delivery": DELIVERY.get()})
