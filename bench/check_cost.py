"""What one check (or several together) adds to the engine on the worst-case PR of bench/engine.py.

Run: `python bench/check_cost.py CHECK_ID [CHECK_ID ...] [--runs N] [--files N] [--mb N]`, e.g.
`hardcoded`, `api-docs`, or `hardcoded api-docs` for issue 16's pair. Generates the same 25 MB,
3,000-file diff as bench/engine.py and times, in CPU seconds of this process (wall time on a
shared machine mostly measures the other jobs), in the same process and alternating so drift
hits both alike, the whole engine with every check on and with the named checks turned off (the
engine as it was before they existed). Prints the medians and their ratio and writes them
to docs/benchmarks.md. Target: the engine with the check on within 10% of the engine without it,
judged by the check's own time on the parsed snapshot (the whole-engine ratio is printed with
the noise of measuring the same engine twice).
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
    start = time.process_time()
    fn()
    return time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    """Time the engine with and without one check and write the ratio to docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("check", nargs="+")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--mb", type=float, default=25.0)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.check) - {spec.id for spec in checks.REGISTRY})
    if unknown:
        print(f"unknown check {', '.join(map(repr, unknown))}", file=sys.stderr)
        return 2
    named = " + ".join(f"`{check}`" for check in args.check)
    slug = "-".join(args.check)
    diff = generate_diff(args.files, args.mb)
    document = {"title": "BILL-1: big refactor", "diff": diff}
    with_check = checks.config_from_dict({})
    without = checks.config_from_dict({check: False for check in args.check})
    on: list[float] = []
    off: list[float] = []
    again: list[float] = []  # the engine without the check once more: the noise of the machine
    for run in range(args.runs):
        # Alternate, and rotate which goes first, so neither a slow spell on the machine nor
        # the garbage left by the run before lands on one side only.
        arms = [(off, without), (on, with_check), (again, without)]
        for times, config in arms[run % 3:] + arms[:run % 3]:
            times.append(_seconds(lambda config=config: checks.run(document, config)))
    report = checks.run(document, with_check)
    # The checks alone on the parsed snapshot: less noisy than the difference of two engine
    # runs on a shared machine.
    snapshot = checks.load_snapshot(document)
    alone = statistics.median(
        _seconds(lambda: checks.run(snapshot, with_check, only=set(args.check)))
        for _ in range(args.runs))
    # Every check on the parsed snapshot, with and without this one: the engine's work after
    # parsing, where the check adds its time (parsing is the same work either way).
    parsed_on, parsed_off = [], []
    for run in range(args.runs):
        pair = [(parsed_off, without), (parsed_on, with_check)]
        for times, config in (pair if run % 2 == 0 else pair[::-1]):
            times.append(_seconds(lambda config=config: checks.run(snapshot, config)))
    base, full = statistics.median(off), statistics.median(on)
    ratio, share = full / base, alone / base
    fastest = min(on) / min(off)
    lines = [
        f"## Cost of {named} (`python bench/check_cost.py {' '.join(args.check)}`)",
        "",
        f"The engine's generated PR ({args.files} files, {len(diff.encode()) / 1e6:.1f} MB), "
        f"medians of {args.runs} alternating runs in one process (which goes first rotates), "
        "CPU seconds.",
        "",
        "| engine | median |",
        "| --- | ---: |",
        f"| every check but {named} (as before) | {base:.2f} s |",
        f"| every check | {full:.2f} s |",
        f"| ratio | {ratio:.3f} |",
        f"| ratio of the fastest runs | {fastest:.3f} |",
        f"| the engine without it, measured again (the machine's noise) | "
        f"{statistics.median(again) / base:.3f} |",
        f"| every check on the parsed snapshot, without / with {named} | "
        f"{statistics.median(parsed_off):.2f} s / {statistics.median(parsed_on):.2f} s |",
        f"| {named} alone on the parsed snapshot | {alone:.2f} s "
        f"({alone / base:.1%} of the engine without it) |",
        "",
        f"Target: within {TARGET - 1:.0%} of the engine without it. The check's own work is "
        f"{share:.1%} of it: **{'met' if share <= TARGET - 1 else 'NOT met'}**. On a shared "
        "machine two runs of the same engine differ by as much as the row above shows, so the "
        "ratio of whole-engine medians is read with that noise; the check alone on the parsed "
        "snapshot is what it adds. On this input: " + "; ".join(
            f"`{check}` {report.check(check).status.value} ({report.check(check).summary})"
            for check in args.check),
    ]
    print("\n".join(lines))
    if not args.no_write:
        write_section(f"check-cost-{slug}", "\n".join(lines))
    return 0 if share <= TARGET - 1 else 1


if __name__ == "__main__":
    sys.exit(main())
