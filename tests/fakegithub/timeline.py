"""How many round trips a client made one after another, from the calls the fake recorded.

Two calls are sequential when the second arrived after the first was answered; calls made at
once overlap. The depth is the longest chain of sequential calls: what a client pays in
latency per call, whatever the fake's delay or the machine's speed (a stall can only make
concurrent calls look sequential, never the reverse).
"""

from __future__ import annotations

from collections.abc import Sequence

from .state import Call


def round_trips(calls: Sequence[Call]) -> int:
    """The longest chain of calls in which each one started after the one before it ended."""
    return len(waves(calls))


def waves(calls: Sequence[Call]) -> list[list[Call]]:
    """The calls by their place in the longest sequential chain that ends with each one."""
    ordered = sorted(calls, key=lambda c: c.started)
    depth: list[int] = []
    for i, call in enumerate(ordered):
        depth.append(1 + max((depth[j] for j in range(i) if _end(ordered[j]) <= call.started),
                             default=0))
    grouped: list[list[Call]] = [[] for _ in range(max(depth, default=0))]
    for call, place in zip(ordered, depth, strict=True):
        grouped[place - 1].append(call)
    return grouped


def describe(calls: Sequence[Call]) -> str:
    """One line per wave: the calls that ran at once (for assertion messages)."""
    return "\n".join(f"{n}: " + ", ".join(f"{c.method} {c.path}" for c in wave)
                     for n, wave in enumerate(waves(calls), 1))


def _end(call: Call) -> float:
    # A call never answered (its connection dropped) has no end: count it as instant.
    return max(call.ended, call.started)
