"""Guard against super-linear work by how its time grows with the input, never by a time budget.

A wall-clock budget fails on a loaded machine or under coverage, and passes quadratic code on a
fast one. Here the same work runs at size n and at 4n: linear work takes about 4x as long,
quadratic work 16x, so a bound of 8x tells them apart whatever the machine's speed. What is
timed is this process's CPU time, so other processes sharing the cores do not count; the
collector is paused while timing; and a ratio above the bound is measured again (best of a few
runs per size) before it counts, so one interruption does not fail a test.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

FACTOR = 4
LINEAR_BOUND = 8.0  # linear work grows about 4x, quadratic about 16x
REPEATS = 3
# A run shorter than this is mostly timer and cache noise, so the input is doubled until the
# small run takes at least this long. It only picks the size; nothing is asserted against it.
MEASURABLE_SECONDS = 0.005
MAX_DOUBLINGS = 8

Work = Callable[[], object]


def cpu_seconds(work: Work) -> float:
    """CPU time this process spends running `work` once, with the cyclic collector paused."""
    was_enabled = gc.isenabled()
    gc.disable()  # a collection's cost depends on the whole heap, not on this work
    try:
        start = time.process_time()
        work()
        return time.process_time() - start
    finally:
        if was_enabled:
            gc.enable()


def growth(build: Callable[[int], Work], n: int, *, factor: int = FACTOR,
           bound: float = LINEAR_BOUND, repeats: int = REPEATS) -> float:
    """Return the CPU time of `build(factor * n)()` over that of `build(n)()`.

    `build(size)` prepares an input of that size (untimed) and returns the work to time. A ratio
    above `bound` is re-measured, keeping the best time of up to `repeats` runs per size.
    """
    small_work = build(n)
    small = cpu_seconds(small_work)
    for _ in range(MAX_DOUBLINGS):
        if small >= MEASURABLE_SECONDS:
            break
        n *= 2
        small_work = build(n)
        small = cpu_seconds(small_work)
    large_work = build(factor * n)
    large = cpu_seconds(large_work)
    for _ in range(repeats - 1):
        if large <= bound * small:
            break
        small = min(small, cpu_seconds(small_work))
        large = min(large, cpu_seconds(large_work))
    return large / max(small, 1e-9)


def assert_linear(build: Callable[[int], Work], n: int, *, factor: int = FACTOR,
                  bound: float = LINEAR_BOUND, what: str = "the work") -> None:
    """Fail if `factor` times the input takes more than `bound` times as long (see `growth`)."""
    ratio = growth(build, n, factor=factor, bound=bound)
    assert ratio <= bound, (f"{what}: {factor}x the input took {ratio:.1f}x the CPU time "
                            f"(bound {bound}x; linear work takes about {factor}x)")
