"""The checks shipshape runs, in report order. Adding a check: one module + one line here."""

from __future__ import annotations

from typing import Any

from checks import commits, secrets, story, tests_touched
from checks.api_docs import CHECK as API_DOCS
from checks.migrations import CHECK as MIGRATIONS
from checks.spec import CheckSpec

REGISTRY: tuple[CheckSpec[Any], ...] = (
    story.CHECK,
    tests_touched.CHECK,
    MIGRATIONS,
    secrets.CHECK,
    commits.CHECK,
    API_DOCS,
)
