"""Command-line start-up: `python bench/cli.py`.

Whole processes, CPU time (user + system, from the kernel's child accounting, so a git process
the command starts counts too), medians of interleaved runs, with byte-compiled files as a
normal install has them:
- the floor: `python -c "import yaml, unidiff"` (what any command line over diffs pays);
- `shipshape --help`, `shipshape --version`;
- `shipshape check --snapshot examples/billing-pr.json` (the engine loaded and run once).
Then where the check's CPU goes, measured in the same run inside a check process: importing
the secrets package, running the checks, creating dataclasses, compiling regular expressions.
Results go to docs/benchmarks.md (section "cli"), as ratios to the floor of the same run.

`--baseline DIR` also measures the check of another tree (e.g. `git archive main | tar -x -C
DIR`) in the same interleaved runs, run by the same interpreter and installed libraries.
"""

from __future__ import annotations

import argparse
import compileall
import json
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
FLOOR = "floor: python -c 'import yaml, unidiff'"
CHECK = "shipshape check --snapshot examples/billing-pr.json"
CASES: dict[str, list[str]] = {
    FLOOR: ["-c", "import yaml, unidiff"],
    "shipshape --help": ["-m", "cli", "--help"],
    "shipshape --version": ["-m", "cli", "--version"],
    CHECK: ["-m", "cli", "check", "--snapshot", str(EXAMPLE)],
}
_ENV = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}

# Run inside one check process: CPU time (not -X importtime's wall clock, which load inflates)
# spent importing modules (the outermost imports, so each module counts once; the count is of
# modules new to the process), importing the secrets package (with what it alone brings in),
# running each check, creating dataclasses and compiling regular expressions. The parts nest: a
# pattern compiled while secrets is imported counts in all three.
_ATTRIBUTE = r"""
import dataclasses, importlib._bootstrap as boot, io, json, re._compiler as compiler, sys, time
spent = {"dataclasses": [0.0, 0], "re.compile": [0.0, 0], "import checks.secrets": [0.0, 0],
         "running the checks": [0.0, 0], "imports": [0.0, 0]}
def timed(key, fn):
    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[key][0] += time.process_time() - start
            spent[key][1] += 1
    return wrapper
dataclasses._process_class = timed("dataclasses", dataclasses._process_class)
compiler.compile = timed("re.compile", compiler.compile)
find_and_load = boot._find_and_load
timed_load = timed("import checks.secrets", find_and_load)
depth = [0]
def load(name, *rest):
    fn = timed_load if name == "checks.secrets" else find_and_load
    if depth[0] or name in sys.modules:
        return fn(name, *rest)
    depth[0] += 1
    start = time.process_time()
    try:
        return fn(name, *rest)
    finally:
        depth[0] -= 1
        spent["imports"][0] += time.process_time() - start
boot._find_and_load = load
before = len(sys.modules)
start = time.process_time()
import checks.engine, cli.main
checks.engine._run_one = timed("running the checks", checks.engine._run_one)
cli.main.main(["check", "--snapshot", sys.argv[1]], stdout=io.StringIO())
spent["total"] = [time.process_time() - start, 0]
spent["imports"][1] = len(sys.modules) - before
print(json.dumps(spent))
"""


def _cpu_seconds(argv: list[str], cwd: Path = ROOT) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, *argv], cwd=cwd, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False, env=_ENV)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _attribution() -> dict[str, list[float]]:
    done = subprocess.run([sys.executable, "-c", _ATTRIBUTE, str(EXAMPLE)], cwd=ROOT,
                          capture_output=True, text=True, check=True, env=_ENV)
    result: dict[str, list[float]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    """Measure every case RUNS times, interleaved, and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", metavar="DIR", type=Path,
                        help="another tree whose check to measure in the same runs")
    baseline = parser.parse_args().baseline
    trees = [ROOT] + ([baseline.resolve()] if baseline else [])
    for tree in trees:
        for package in ("checks", "cli"):
            compileall.compile_dir(str(tree / package), quiet=1)
    cases = {name: (argv, ROOT) for name, argv in CASES.items()}
    if baseline:
        cases[f"baseline: the check in {baseline.name}/"] = (CASES[CHECK], baseline.resolve())
    samples: dict[str, list[float]] = {name: [] for name in cases}
    parts: list[dict[str, list[float]]] = []
    for _ in range(RUNS):
        for name, (argv, cwd) in cases.items():
            samples[name].append(_cpu_seconds(argv, cwd))
        parts.append(_attribution())
    medians = {name: statistics.median(values) for name, values in samples.items()}
    floor = medians[FLOOR]
    rows = "\n".join(f"| {name} | {seconds * 1000:.0f} | {seconds / floor:.2f}x |"
                     for name, seconds in medians.items())
    gap = medians[CHECK] - floor
    labels = {"imports": "importing modules ({:.0f} new to the process, every part below "
              "that happens during an import included)",
              "import checks.secrets": "importing checks.secrets (and what only it imports)",
              "running the checks": "running the 7 checks (`checks.run`, patterns compiled "
              "on first use included)",
              "dataclasses": "creating dataclasses ({:.0f} classes, every module)",
              "re.compile": "compiling regular expressions ({:.0f}, every module)"}
    where = [(label.format(statistics.median(p[key][1] for p in parts)),
              statistics.median(p[key][0] for p in parts)) for key, label in labels.items()]
    where_rows = "\n".join(f"| {name} | {seconds * 1000:.0f} | {seconds / gap:.0%} |"
                           for name, seconds in where)
    section = (
        "## Command-line start-up (`python bench/cli.py`)\n\n"
        f"Whole processes, CPU time (user + system, a git child's included), median of {RUNS} "
        "interleaved runs, byte-compiled; load average at the end "
        f"{os.getloadavg()[0]:.1f}. The target (issue 18) is `--help` and `check` within "
        "1.5x of the floor.\n\n"
        "| command | CPU ms | vs floor |\n| --- | --- | --- |\n" + rows + "\n\n"
        f"Where the check's {gap * 1000:.0f} ms above the floor go (same run, CPU time inside "
        "the check process; the parts nest: a pattern compiled while secrets is imported "
        "counts in the first, the second and the last):\n\n"
        "| part | CPU ms | of the gap |\n| --- | --- | --- |\n" + where_rows + "\n"
    )
    write_section("cli", section)
    print(section)


if __name__ == "__main__":
    main()
