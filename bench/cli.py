"""Command-line start-up: `python bench/cli.py`.

Whole processes, CPU time (user + system, from the kernel's child accounting), medians of
interleaved runs, with byte-compiled files as a normal install has them:
- the floor: `python -c "import yaml, unidiff"` (what any command line over diffs pays);
- `shipshape --help`, `shipshape --version`;
- `shipshape check --snapshot examples/billing-pr.json` (the engine loaded and run once).
Results go to docs/benchmarks.md (section "cli"), as ratios to the floor of the same run.
"""

from __future__ import annotations

import compileall
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
elif str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402

RUNS = 15
EXAMPLE = ROOT / "examples" / "billing-pr.json"
CASES: dict[str, list[str]] = {
    "floor: python -c 'import yaml, unidiff'": ["-c", "import yaml, unidiff"],
    "shipshape --help": ["-m", "cli", "--help"],
    "shipshape --version": ["-m", "cli", "--version"],
    "shipshape check --snapshot examples/billing-pr.json": [
        "-m", "cli", "check", "--snapshot", str(EXAMPLE)],
}


def _cpu_seconds(argv: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, *argv], cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False,
                   env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    """Measure every case RUNS times, interleaved, and write the table."""
    for package in ("checks", "cli"):
        compileall.compile_dir(str(ROOT / package), quiet=1)
    samples: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(RUNS):
        for name, argv in CASES.items():
            samples[name].append(_cpu_seconds(argv))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    floor = next(iter(medians.values()))
    rows = "\n".join(f"| {name} | {seconds * 1000:.0f} | {seconds / floor:.2f}x |"
                     for name, seconds in medians.items())
    section = (
        "## Command-line start-up (`python bench/cli.py`)\n\n"
        f"Whole processes, CPU time (user + system), median of {RUNS} interleaved runs, "
        "byte-compiled. The target (issues 18 and 19) is `--help` within 1.5x of the floor.\n\n"
        "| command | CPU ms | vs floor |\n| --- | --- | --- |\n" + rows + "\n"
    )
    write_section("cli", section)
    print(section)


if __name__ == "__main__":
    main()
