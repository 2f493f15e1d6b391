"""The review processes compile every check's patterns when they start (issue 18), so no
review pays for compiling them; the command line compiles only what its input needs."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

from checks.lazyre import counts


def test_review_processes_start_with_every_pattern_compiled(pool: ProcessPoolExecutor) -> None:
    compiled, defined = pool.submit(counts).result(timeout=60)
    assert defined > 300
    assert compiled == defined
