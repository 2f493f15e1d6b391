"""Engine benchmark: `shipshape check --diff` on worst-case PRs, as whole processes.

Run: `python bench/engine.py [--runs N] [--files N] [--mb N]`. Generates a realistic large PR diff
(about 3,000 files and 25 MB, mixed languages, added / modified / renamed / deleted files) and
two single-line inputs (a 5 MB line of base64, a 5 MB line of minified JavaScript, each a new
file), then runs, interleaved, each a few times as its own process, reading CPU time (user +
system) and peak memory (ru_maxrss) from the kernel's accounting of that child (os.wait4):
- the floor: a plain Python process that reads the diff and classifies each line by its
  first character;
- `shipshape check --diff` on the big diff, on each long line, and on a one-line diff (the
  command line's own start-up, subtracted for the long lines' MB/s).
Targets (issue 18): the big diff within 5x the floor's CPU time and within 6x its size in peak
memory; each long line at >= 10 MB/s. Medians go to docs/benchmarks.md (section "engine"),
with an in-process breakdown (the diff reader beside the same line loop, and unidiff's parse
when it is installed) and the machine's load.
"""

from __future__ import annotations

import argparse
import base64
import compileall
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ would come first on the path and bench/secrets.py would shadow the
# standard library's `secrets`; the repository root takes its place (imported, nothing moves).
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

from bench.report import write_section  # noqa: E402

TITLE = "BILL-1: big refactor"
LONG_LINE_BYTES = 5_000_000
# What the floor process does: read the diff and classify each line by its first character.
LINE_LOOP = """
import sys
counts = dict.fromkeys("+- @\\\\", 0)
other = 0
with open(sys.argv[1], encoding="utf-8") as diff:
    for line in diff:
        kind = line[:1]
        if kind in counts:
            counts[kind] += 1
        else:
            other += 1
print(counts, other)
"""

WORDS = ("invoice order customer total amount tax rate payment refund account user session "
         "token cache queue retry limit report export import ledger balance status reason "
         "created updated deleted price currency discount shipment address region").split()


def _name(rng: random.Random, parts: int = 2) -> str:
    return "_".join(rng.choice(WORDS) for _ in range(parts))


def _camel(rng: random.Random) -> str:
    return "".join(w.title() for w in _name(rng).split("_"))


def _python(rng: random.Random, n: int) -> list[str]:
    out = [f"from app.{_name(rng, 1)} import {_camel(rng)}", ""]
    while len(out) < n:
        out += [f"def {_name(rng)}({_name(rng, 1)}, {_name(rng, 1)}=None):",
                f'    """Return the {_name(rng, 1)} for a {_name(rng, 1)}."""',
                f"    {_name(rng, 1)} = {_name(rng, 1)}.get('{_name(rng, 1)}', 0)",
                f"    if {_name(rng, 1)} > {rng.randint(1, 999)}:",
                f"        raise ValueError('{_name(rng, 3)}')",
                f"    return {_name(rng, 1)} * {rng.random():.4f}", ""]
    return out[:n]


def _typescript(rng: random.Random, n: int) -> list[str]:
    out = [f"import {{ {_camel(rng)} }} from './{_name(rng, 1)}';", ""]
    while len(out) < n:
        out += [f"export async function {_name(rng, 1)}{_camel(rng)}(id: number): "
                f"Promise<{_camel(rng)}> {{",
                f"  const res = await fetch(`/api/{_name(rng, 1)}/${{id}}`);",
                "  if (!res.ok) {",
                f"    throw new Error(`{_name(rng, 2)} failed: ${{res.status}}`);",
                "  }",
                "  return res.json();",
                "}", ""]
    return out[:n]


def _go(rng: random.Random, n: int) -> list[str]:
    out = ["package store", "", 'import "context"', ""]
    while len(out) < n:
        out += [f"// {_camel(rng)} loads the {_name(rng, 1)}.",
                f"func (s *Store) {_camel(rng)}(ctx context.Context, id int64) error {{",
                f'\t_, err := s.db.ExecContext(ctx, "UPDATE {_name(rng, 1)} SET x = $1", id)',
                "\treturn err", "}", ""]
    return out[:n]


def _yaml(rng: random.Random, n: int) -> list[str]:
    out = ["service:"]
    while len(out) < n:
        out += [f"  {_name(rng, 1)}:", f"    {_name(rng, 1)}: {rng.randint(1, 9000)}",
                f"    password: ${{{_name(rng, 1).upper()}_PASSWORD}}",
                f"    url: https://{_name(rng, 1)}.internal:{rng.randint(1000, 9999)}/v1"]
    return out[:n]


def _markdown(rng: random.Random, n: int) -> list[str]:
    out = [f"# {_camel(rng)}", ""]
    while len(out) < n:
        out += [" ".join(rng.choice(WORDS) for _ in range(14)) + ".", ""]
    return out[:n]


KINDS = (("src/{area}/{name}.py", _python), ("web/src/{area}/{name}.ts", _typescript),
         ("services/{area}/internal/{name}.go", _go), ("deploy/{area}/{name}.yaml", _yaml),
         ("docs/{area}/{name}.md", _markdown), ("tests/{area}/test_{name}.py", _python))


def _hunk_header(old_start: int, old_len: int, new_start: int, new_len: int) -> str:
    return f"@@ -{old_start},{old_len} +{new_start},{new_len} @@"


def _file_diff(rng: random.Random, index: int, lines_per_file: int) -> str:
    pattern, make = KINDS[index % len(KINDS)]
    path = pattern.format(area=_name(rng, 1), name=f"{_name(rng)}_{index}")
    kind = rng.choices(("added", "modified", "renamed", "removed"), weights=(4, 4, 1, 1))[0]
    body = make(rng, lines_per_file)
    head = f"diff --git a/{path} b/{path}\n"
    if kind == "added":
        return (head + f"new file mode 100644\nindex 0000000..{index:07x}\n--- /dev/null\n"
                f"+++ b/{path}\n{_hunk_header(0, 0, 1, len(body))}\n"
                + "".join(f"+{line}\n" for line in body))
    if kind == "removed":
        return (head + f"deleted file mode 100644\nindex {index:07x}..0000000\n--- a/{path}\n"
                f"+++ /dev/null\n{_hunk_header(1, len(body), 0, 0)}\n"
                + "".join(f"-{line}\n" for line in body))
    if kind == "renamed":
        new = path.replace(".", "_v2.", 1) if "." in path else path + "_v2"
        return (f"diff --git a/{path} b/{new}\nsimilarity index 100%\nrename from {path}\n"
                f"rename to {new}\n")
    out = [head, f"index {index:07x}..{index + 1:07x} 100644\n--- a/{path}\n+++ b/{path}\n"]
    line_no = 1
    for chunk in range(0, len(body), 24):
        part = body[chunk:chunk + 24]
        context, removed, added = part[:3], part[3:9], part[9:]
        old_len, new_len = len(context) + len(removed), len(context) + len(added)
        out.append(_hunk_header(line_no, old_len, line_no, new_len) + "\n")
        out += [f" {line}\n" for line in context]
        out += [f"-{line}\n" for line in removed]
        out += [f"+{line}\n" for line in added]
        line_no += old_len + 40
    return "".join(out)


def generate_diff(files: int, megabytes: float, seed: int = 7) -> str:
    """Generate a deterministic mixed-language PR diff of about `files` files and `megabytes`."""
    rng = random.Random(seed)
    lines_per_file = max(8, int(megabytes * 1_000_000 / files / 33))
    return "".join(_file_diff(rng, i, lines_per_file) for i in range(files))




def base64_line(size: int = LONG_LINE_BYTES, seed: int = 7) -> str:
    """One line of base64 of `size` characters (an inlined font or image)."""
    return base64.b64encode(random.Random(seed).randbytes(size * 3 // 4 + 3)).decode()[:size]


def minified_js_line(size: int = LONG_LINE_BYTES, seed: int = 7) -> str:
    """One line of minified JavaScript of `size` characters (a committed bundle)."""
    rng = random.Random(seed)
    parts, total = [], 0
    while total < size:
        a, b, c = (rng.choice("abcdefghijklmnopqrstuvwxyz") + str(rng.randint(0, 99))
                   for _ in range(3))
        word, camel = _name(rng, 1), _camel(rng)
        part = rng.choice((
            f"function {a}({b},{c}){{return {b}.{word}({c})||{rng.randint(0, 9999)}}}",
            f'var {a}="{word}-{rng.randint(0, 99999)}",{b}={{{word}:!0,url:"/api/{word}"}};',
            f"{a}.prototype.{word}=function({b}){{this.{camel}={b};return this}};",
            f'if({a}&&{b}.{word}!=={c}){{throw new Error("{_name(rng, 3)}")}}',
            f"{a}=[{','.join(str(rng.randint(0, 255)) for _ in range(12))}];",
        ))
        parts.append(part)
        total += len(part)
    return "".join(parts)[:size]


def new_file_diff(path: str, line: str) -> str:
    """A diff adding `path` whose whole content is `line`, without a final newline."""
    return (f"diff --git a/{path} b/{path}\nnew file mode 100644\nindex 0000000..1234567\n"
            f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1 @@\n+{line}\n"
            "\\ No newline at end of file\n")


@dataclass(frozen=True)
class Usage:
    """What one child process cost, from the kernel's accounting."""

    cpu: float  # user + system seconds
    peak_rss: int  # bytes


# Children are started by this small process, not by the benchmark: Linux counts the memory
# a process had before it exec'd a child into the child's ru_maxrss, and the benchmark itself
# holds the 25 MB diff and the engine.
_LAUNCHER = """
import json, os, subprocess, sys
cases, runs = json.loads(sys.argv[1]), int(sys.argv[2])
out = {name: [] for name in cases}
for _ in range(runs):
    for name, argv in cases.items():
        child = subprocess.Popen([sys.executable, *argv], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = code = os.waitstatus_to_exitcode(status)
        out[name].append([code, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024])
print(json.dumps(out))
"""


def check_argv(diff: Path, code: Path | None = None) -> list[str]:
    """`shipshape check --diff` on `diff`, as the installed entry point runs it (or with the
    code of another checkout, `code`, first on the path)."""
    args = ["check", "--diff", str(diff), "--title", TITLE]
    if code is None:
        return ["-m", "cli", *args]
    run = (f"import sys; sys.path.insert(0, {str(code)!r}); from cli.main import main; "
           "sys.exit(main(sys.argv[1:]))")
    return ["-c", run, *args]


def _median(samples: list[Usage]) -> Usage:
    return Usage(statistics.median(u.cpu for u in samples),
                 int(statistics.median(u.peak_rss for u in samples)))


def measure(cases: dict[str, list[str]], runs: int) -> dict[str, Usage]:
    """Run every case `runs` times as its own process, interleaved so drift in the machine's
    load hits all alike; CPU time and peak memory come from os.wait4."""
    done = subprocess.run([sys.executable, "-c", _LAUNCHER, json.dumps(cases), str(runs)],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    samples = json.loads(done.stdout)
    failed = {name: code for name, rows in samples.items() for code, _, _ in rows
              if code not in (0, 1)}
    if failed:
        raise RuntimeError(f"processes failed: {failed}")
    return {name: _median([Usage(cpu, rss) for _, cpu, rss in rows])
            for name, rows in samples.items()}


def in_process(text: str, runs: int) -> dict[str, float]:
    """CPU seconds, in this process: the same line loop over the text, the diff reader, and
    unidiff's parse (the reader's oracle) when it is installed."""
    from checks.diff import parse_diff

    def loop() -> None:
        counts = dict.fromkeys("+- @\\", 0)
        for line in text.splitlines():
            kind = line[:1]
            if kind in counts:
                counts[kind] += 1

    work: dict[str, Callable[[], object]] = {"line loop": loop,
                                             "checks.diff.parse_diff": lambda: parse_diff(text)}
    try:
        import unidiff

        work["unidiff.PatchSet"] = lambda: unidiff.PatchSet(text)
    except ImportError:
        pass
    out = {}
    for name, fn in work.items():
        times = []
        for _ in range(runs):
            start = time.process_time()
            fn()
            times.append(time.process_time() - start)
        out[name] = statistics.median(times)
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the numbers and write them to docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--mb", type=float, default=25.0)
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--baseline", type=Path, metavar="DIR",
                        help="also run the code of this checkout (e.g. `git archive main`), "
                             "for a before/after in the same run")
    parser.add_argument("--baseline-name", metavar="TEXT",
                        help="what to call the baseline in the table (default: its path)")
    args = parser.parse_args(argv)
    for root in (ROOT, *([args.baseline] if args.baseline else [])):
        for package in ("checks", "cli"):
            compileall.compile_dir(str(root / package), quiet=1)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        big, b64, js, tiny = (Path(tmp, name) for name in
                              ("big.diff", "base64.diff", "minified.diff", "tiny.diff"))
        text = generate_diff(args.files, args.mb)
        big.write_text(text, encoding="utf-8")
        b64.write_text(new_file_diff("assets/fonts/inter.woff2.b64", base64_line()))
        js.write_text(new_file_diff("web/static/app.js", minified_js_line()))
        tiny.write_text(new_file_diff("src/app.py", "x = 1"))
        cases = {
            "floor": ["-c", LINE_LOOP, str(big)],
            "big": check_argv(big),
            "base64": check_argv(b64),
            "minified": check_argv(js),
            "start-up": check_argv(tiny),
        }
        if args.baseline:
            cases.update({f"baseline {name}": check_argv(path, args.baseline) for name, path
                          in (("big", big), ("base64", b64), ("minified", js), ("start-up", tiny))})
        results = measure(cases, args.runs)
        breakdown = in_process(text, args.runs)
        size = big.stat().st_size
    load_after = os.getloadavg()[0]
    lines, met = _report(args, results, breakdown, size, (load_before, load_after))
    if args.baseline:
        lines[-1:-1] = _baseline_rows(args.baseline_name or f"`{args.baseline}`", results,
                                      size)
    print("\n".join(lines))
    if not args.no_write:
        write_section("engine", "\n".join(lines))
    return 0 if met else 1


def _baseline_rows(name: str, results: dict[str, Usage], size: int) -> list[str]:
    floor, startup = results["floor"], results["baseline start-up"]
    big = results["baseline big"]
    rows = [f"The same processes with the code of {name} (before), same run: big diff "
            f"{big.cpu:.2f} s CPU ({big.cpu / floor.cpu:.2f}x the floor), peak "
            f"{big.peak_rss / 1e6:.0f} MB ({big.peak_rss / size:.1f}x the diff); start-up "
            f"{startup.cpu:.2f} s"]
    for name in ("base64", "minified"):
        usage = results[f"baseline {name}"]
        speed = LONG_LINE_BYTES / 1e6 / max(usage.cpu - startup.cpu, 1e-9)
        rows.append(f"{name} line {usage.cpu:.2f} s ({speed:.1f} MB/s past start-up)")
    return ["; ".join(rows) + ".", ""]


def _report(args: argparse.Namespace, results: dict[str, Usage], breakdown: dict[str, float],
            size: int, load: tuple[float, float]) -> tuple[list[str], bool]:
    floor, big, startup = results["floor"], results["big"], results["start-up"]
    cpu_ratio, rss_ratio = big.cpu / floor.cpu, big.peak_rss / size
    speeds = {name: LONG_LINE_BYTES / 1e6 / max(results[name].cpu - startup.cpu, 1e-9)
              for name in ("base64", "minified")}
    targets = {"CPU within 5x the floor": cpu_ratio <= 5.0,
               "peak memory within 6x the diff": rss_ratio <= 6.0,
               **{f"{name} line >= 10 MB/s": speed >= 10.0 for name, speed in speeds.items()}}
    mb = size / 1e6
    lines = [
        "## Engine (`python bench/engine.py`)",
        "",
        f"Whole processes, CPU time (user + system) and peak memory (ru_maxrss) from the "
        f"kernel's accounting of each child (os.wait4); medians of {args.runs} interleaved "
        f"runs, byte-compiled. Generated PR: {args.files} files, {mb:.1f} MB of diff (Python, "
        "TypeScript, Go, YAML, Markdown, tests; added / modified / renamed / deleted). Long "
        "lines: one new file whose content is a single 5 MB line. Load average (1 min) "
        f"{load[0]:.1f} before, {load[1]:.1f} after, on 2 cores.",
        "",
        "| process | CPU s | vs floor | peak RSS MB | vs diff size |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| floor: read the {mb:.1f} MB diff, classify each line by its first character | "
        f"{floor.cpu:.2f} | 1.00x | {floor.peak_rss / 1e6:.0f} | {floor.peak_rss / size:.1f}x |",
        f"| `shipshape check --diff` on it | {big.cpu:.2f} | **{cpu_ratio:.2f}x** | "
        f"{big.peak_rss / 1e6:.0f} | **{rss_ratio:.1f}x** |",
        f"| `shipshape check --diff` on a one-line diff (start-up) | {startup.cpu:.2f} | "
        f"{startup.cpu / floor.cpu:.2f}x | {startup.peak_rss / 1e6:.0f} | |",
        *(f"| `shipshape check --diff`, one 5 MB line of {what} | {results[name].cpu:.2f} | "
          f"**{speeds[name]:.1f} MB/s** past start-up | {results[name].peak_rss / 1e6:.0f} | |"
          for name, what in (("base64", "base64"), ("minified", "minified JavaScript"))),
        "",
        f"In this process, on the same {mb:.1f} MB text (CPU s, median): "
        + ", ".join(f"{name} {seconds:.2f}" for name, seconds in breakdown.items()) + ".",
        "",
        "Targets (issue 18): " + "; ".join(f"{name}: **{'met' if ok else 'NOT met'}**"
                                           for name, ok in targets.items()) + ".",
    ]
    return lines, all(targets.values())


if __name__ == "__main__":
    sys.exit(main())
