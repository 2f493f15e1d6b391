"""google-re2 for the pre-filters, with Python `re` where the wheel is missing.

google-re2 runs an alternation of many anchors as one DFA over a whole file at C speed;
Python's `re` tries every branch at every position. Results are the same either way.
"""

from __future__ import annotations

import re
from typing import Any

try:  # google-re2 is a runtime dependency; without it the same patterns run in Python `re`
    import re2
except ImportError:  # pragma: no cover - exercised only where the wheel is unavailable
    re2 = None

# RE2's DFA falls back to its slower NFA when its default 8 MiB budget runs out on large inputs.
RE2_MAX_MEM = 64 << 20


def compile_fast(source: str, case_sensitive: bool = False) -> Any:
    """Compile `source` for `search`/`finditer` over `as_data(text)`."""
    if re2 is None:
        return re.compile(source, 0 if case_sensitive else re.IGNORECASE)
    options = re2.Options()
    options.max_mem = RE2_MAX_MEM
    options.log_errors = False
    options.never_capture = True
    options.case_sensitive = case_sensitive
    return re2.compile(source.encode("ascii"), options)


def as_data(text: str) -> str | bytes:
    """What a compiled pattern reads: bytes for google-re2, one byte per character ("replace"
    keeps offsets equal to the text's), else the text itself."""
    return text if re2 is None else text.encode("ascii", "replace")
