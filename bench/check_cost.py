"""What one check adds to the engine on the worst-case PR of bench/engine.py.

Run: `python bench/check_cost.py CHECK_ID [--runs N] [--files N] [--mb N]`. Generates the same
25 MB, 3,000-file diff as bench/engine.py and times, in the same process and alternating so
drift hits both alike, the whole engine with every check on and with CHECK_ID turned off (the
engine as it was before the check existed). Prints the medians and their ratio and writes them
to docs/benchmarks.md. Target: the engine with the check on within 10% of the engine without it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Run as a script, bench/ would come first on the path and bench/secrets.py would shadow the
# standard library's `secrets`; the repository root takes its place.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import checks  # noqa: E402
from bench.engine import generate_diff  # noqa: E402
from bench.report import write_section  # noqa: E402

TARGET = 1.10


def _seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Time the engine with and without one check and write the ratio to docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("check")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--mb", type=float, default=25.0)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    if args.check not in {spec.id for spec in checks.REGISTRY}:
        print(f"unknown check {args.check!r}", file=sys.stderr)
        return 2
    diff = generate_diff(args.files, args.mb)
    document = {"title": "BILL-1: big refactor", "diff": diff}
    with_check = checks.config_from_dict({})
    without = checks.config_from_dict({args.check: False})
    on: list[float] = []
    off: list[float] = []
    for _ in range(args.runs):  # alternate, so a slow spell on the machine hits both
        off.append(_seconds(lambda: checks.run(document, without)))
        on.append(_seconds(lambda: checks.run(document, with_check)))
    result = checks.run(document, with_check).check(args.check)
    # The check alone on the parsed snapshot: less noisy than the difference of two engine runs
    # on a shared machine.
    spec = next(spec for spec in checks.REGISTRY if spec.id == args.check)
    snapshot, options = checks.load_snapshot(document), with_check.checks[args.check].options
    alone = statistics.median(_seconds(lambda: spec.run(snapshot, options))
                              for _ in range(args.runs))
    base, full = statistics.median(off), statistics.median(on)
    ratio = full / base
    lines = [
        f"## Cost of the `{args.check}` check (`python bench/check_cost.py {args.check}`)",
        "",
        f"The engine's generated PR ({args.files} files, {len(diff.encode()) / 1e6:.1f} MB), "
        f"medians of {args.runs} alternating runs in one process.",
        "",
        "| engine | median |",
        "| --- | ---: |",
        f"| every check but `{args.check}` (as before it existed) | {base:.2f} s |",
        f"| every check | {full:.2f} s |",
        f"| ratio | {ratio:.3f} |",
        f"| `{args.check}` alone on the parsed snapshot | {alone:.2f} s "
        f"({alone / base:.1%} of the engine without it) |",
        "",
        f"Target: within {TARGET - 1:.0%} of the engine without it: "
        f"**{'met' if ratio <= TARGET else 'NOT met'}**. `{args.check}` on this input: "
        f"{result.status.value} ({result.summary})",
    ]
    print("\n".join(lines))
    if not args.no_write:
        write_section(f"check-cost-{args.check}", "\n".join(lines))
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
