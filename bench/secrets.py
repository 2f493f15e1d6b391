"""Secrets benchmark: shipshape's secrets check vs detect-secrets, on the same diff, in one run.

Run: `python bench/secrets.py [--runs N] [--mb N]` (detect-secrets comes with the `bench` extra).
secretlint (node) is scored too when it can be run: `$SECRETLINT`, `secretlint` on PATH, or
`npx --no-install secretlint` with `@secretlint/secretlint-rule-preset-recommend` installed.
Builds a large mixed-language PR diff (bench/engine.py's generator) with the secrets corpus of
tests/checks/secrets mixed in, and times, in the same run, (1) the secrets check over the parsed
snapshot, (2) parsing + check, and (3) detect-secrets' `SecretsCollection.scan_diff` (which
parses the diff itself) with its default plugins and filters. It reports MB/s of added lines and
the ratios (target: >= 100x detect-secrets, issue 15), then scores the tools on two corpora (the
project's, and the syntax harness's: every rule in every syntax) and writes the numbers to
docs/benchmarks.md and docs/secrets.md. gitleaks is scored too when `$GITLEAKS` or `gitleaks` on
PATH can be run. `--real DIR...` instead measures hits per MB over real code (whole files).
`--classes` times the input classes instead (issue 18: one 5 MB line of base64, one 5 MB line
of minified JS, ordinary code), this tree against `--baseline` (a git ref, run from its
`checks/` in a subprocess) in the same run; `--startup` the import and first small scan.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if "--checks-from" in sys.argv:  # the baseline's `checks/` package, ahead of this tree's
    sys.path.insert(0, sys.argv[sys.argv.index("--checks-from") + 1])

import checks  # noqa: E402
from bench.engine import generate_diff  # noqa: E402
from bench.report import write_section  # noqa: E402
from checks.secrets import CHECK  # noqa: E402
from tests.checks.secrets.corpus import build_corpus, score, to_diff  # noqa: E402
from tests.checks.secrets.long_lines import base64_line, minified_js  # noqa: E402
from tests.checks.secrets.syntaxes import harness_corpus  # noqa: E402

TARGET = 100  # times faster than detect-secrets on the same diff (issue 15)
SECRETS_MD = ROOT / "docs" / "secrets.md"
SCORES_START, SCORES_END = "<!-- bench:secrets-scores -->", "<!-- /bench:secrets-scores -->"


def _detect_secrets(diff: str) -> set[str]:
    """Paths where detect-secrets (default settings) finds something in `diff`."""
    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings, get_filters

    with default_settings() as settings:
        # Its default filters drop every file that is not on disk: a diff's files are not.
        settings.disable_filters("detect_secrets.filters.common.is_invalid_file")
        get_filters.cache_clear()
        collection = SecretsCollection()
        collection.scan_diff(diff)
    return {path for path, found in collection.data.items() if found}


def _secretlint_command() -> list[str] | None:
    """How to run secretlint: $SECRETLINT, `secretlint` on PATH, or `npx --no-install`."""
    if os.environ.get("SECRETLINT"):
        return [os.environ["SECRETLINT"]]
    if shutil.which("secretlint"):
        return ["secretlint"]
    if shutil.which("npx"):
        probe = subprocess.run(["npx", "--no-install", "secretlint", "--version"],
                               capture_output=True, text=True, check=False)
        if probe.returncode == 0:
            return ["npx", "--no-install", "secretlint"]
    return None


def _secretlint(samples: list, command: list[str]) -> set[str] | None:
    """Paths secretlint (recommended preset) flags, the samples written as files to a temp dir."""
    with tempfile.TemporaryDirectory() as root:
        for sample in samples:
            path = Path(root, sample.path)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n".join(sample.lines) + "\n", encoding="utf-8")
        config = Path(root, ".secretlintrc.json")
        config.write_text(json.dumps(
            {"rules": [{"id": "@secretlint/secretlint-rule-preset-recommend"}]}))
        out = Path(root, ".secretlint-out.json")
        # --output: a large JSON report on stdout is cut short when node exits.
        subprocess.run([*command, "--secretlintrc", str(config), "--format", "json",
                        "--output", str(out), f"{root}/**/*"], capture_output=True,
                       text=True, check=False, cwd=root)
        if not out.exists():
            return None
        results = json.loads(out.read_text(encoding="utf-8") or "[]")
    return {os.path.relpath(r["filePath"], root) for r in results if r.get("messages")}


def _gitleaks_command() -> list[str] | None:
    """How to run gitleaks: $GITLEAKS or `gitleaks` on PATH (no wheel of it could be had here)."""
    if os.environ.get("GITLEAKS"):
        return [os.environ["GITLEAKS"]]
    found = shutil.which("gitleaks")
    return [found] if found else None


def _gitleaks(samples: list, command: list[str]) -> set[str] | None:
    """Paths gitleaks (its default rules) flags, the samples written as files to a temp dir."""
    with tempfile.TemporaryDirectory() as root, tempfile.TemporaryDirectory() as out_dir:
        for sample in samples:
            path = Path(root, sample.path)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n".join(sample.lines) + "\n", encoding="utf-8")
        out = Path(out_dir, "report.json")
        # `dir` since gitleaks 8.19; older releases call it `detect --no-git --source`.
        for args in (["dir", root], ["detect", "--no-git", "--source", root]):
            subprocess.run([*command, *args, "--no-banner", "--report-format", "json",
                            "--report-path", str(out), "--exit-code", "0"],
                           capture_output=True, text=True, check=False)
            if out.exists():
                break
        else:
            return None
        results = json.loads(out.read_text(encoding="utf-8") or "[]")
    return {os.path.relpath(os.path.join(root, r["File"]), root) for r in results}


def _gitleaks_version(command: list[str]) -> str:
    probe = subprocess.run([*command, "version"], capture_output=True, text=True, check=False)
    return probe.stdout.strip().lstrip("v")


def _ours(diff: str) -> set[str]:
    report = checks.run({"title": "bench", "diff": diff}, only={"secrets"})
    return {f.path for f in report.check("secrets").findings if str(f.severity) != "notice"}


def _options() -> object:
    return checks.config_from_dict({}).checks["secrets"].options


def median_cpu_seconds(fn: Callable[[], object], runs: int) -> float:
    """The median CPU time of this process over `runs` runs of `fn`.

    Both tools run single-threaded in this process; CPU time is what they cost, whatever else
    the shared 2-core machine runs meanwhile (its wall-clock ratio moved from 86x to 130x
    between two runs under a load of 7).
    """
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def speed(mb: float, runs: int) -> dict[str, float]:
    """Time both tools on the same large diff; MB/s are of added-line text."""
    corpus_diff = to_diff(build_corpus(seed=11))
    diff = generate_diff(max(100, int(mb * 120)), mb) + corpus_diff
    snapshot = checks.load_snapshot({"title": "bench", "diff": diff})
    added = sum(len(line.text.encode()) + 1 for f in snapshot.files for line in f.added) / 1e6
    options = _options()
    check = median_cpu_seconds(lambda: CHECK.run(snapshot, options), runs)
    full = median_cpu_seconds(
        lambda: CHECK.run(checks.load_snapshot({"title": "b", "diff": diff}), options), runs)
    # The same anchors in Python's re (no google-re2: no anchor passes, no RE2 joint search).
    from checks.secrets import fastpass  # not at the top: the baseline's checks/ lacks it

    saved = fastpass.re2
    fastpass.re2 = None
    try:
        plain = median_cpu_seconds(lambda: CHECK.run(snapshot, options), runs)
    finally:
        fastpass.re2 = saved
    theirs = median_cpu_seconds(lambda: _detect_secrets(diff), max(1, runs // 2))
    return {"added_mb": added, "check_s": check, "full_s": full, "ds_s": theirs,
            "plain_s": plain, "plain_mbs": added / plain, "ratio_plain": theirs / plain,
            "check_mbs": added / check, "full_mbs": added / full, "ds_mbs": added / theirs,
            "ratio": theirs / check, "ratio_full": theirs / full}


# main before the anchor passes were split (issue 18): the baseline of the input classes.
BASELINE_REF = "d1127bb"
CLASS_TARGET = 10.0  # MB/s, every input class (issue 18)
CLASS_MB = 5.0


def _one_line_diff(path: str, line: str) -> str:
    return (f"diff --git a/{path} b/{path}\nnew file mode 100644\nindex 0000000..1111111\n"
            f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1 @@\n+{line}\n")


def class_diffs(mb: float) -> dict[str, str]:
    """The input classes of issue 18, `mb` MB of added text each."""
    size = int(mb * 1e6)
    return {"base64, one line": _one_line_diff("assets/blob.b64", base64_line(size)),
            "minified JS, one line": _one_line_diff("web/app.js", minified_js(size)),
            "ordinary code": generate_diff(max(100, int(mb * 120)), mb)}


def class_speeds(mb: float, runs: int) -> dict[str, float]:
    """MB/s of added lines per input class, median CPU of `runs` after a warm-up run."""
    options = _options()
    out = {}
    for name, diff in class_diffs(mb).items():
        snapshot = checks.load_snapshot({"title": "bench", "diff": diff})
        added = sum(len(line.text.encode()) + 1 for f in snapshot.files for line in f.added)
        CHECK.run(snapshot, options)  # compiles the rules, outside the measurement
        seconds = median_cpu_seconds(partial(CHECK.run, snapshot, options), runs)
        out[name] = added / 1e6 / seconds
    return out


def baseline_class_speeds(ref: str, mb: float, runs: int) -> dict[str, float] | None:
    """`class_speeds` of the `checks/` package at git `ref`, run in a subprocess."""
    with tempfile.TemporaryDirectory() as root:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "checks"],
                                 capture_output=True, check=False)
        if archive.returncode != 0:
            return None
        subprocess.run(["tar", "-x", "-C", root], input=archive.stdout, check=True)
        result = subprocess.run(
            [sys.executable, __file__, "--classes-json", "--checks-from", root, "--mb", str(mb),
             "--runs", str(runs)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return None
    speeds: dict[str, float] = json.loads(result.stdout)
    return speeds


def _classes_markdown(now: dict[str, float], before: dict[str, float] | None, ref: str,
                      mb: float, runs: int) -> str:
    rows = "\n".join(
        f"| {name} | {before[name]:.1f} | {speed:.1f} | {speed / before[name]:.1f}x |"
        if before else f"| {name} | - | {speed:.1f} | |" for name, speed in now.items())
    slowest = min(now.values())
    return (
        "## Secrets check by input class (`python bench/secrets.py --classes`)\n\n"
        f"{mb:g} MB of added text per class; MB/s of added lines, median CPU of {runs} runs "
        f"after a warm-up run (the rules compiled), the baseline (`{ref}`, before the anchor "
        "passes were split) run from its own `checks/` in a subprocess of the same run. "
        f"Load: {os.getloadavg()[0]:.1f}.\n\n"
        f"| input | MB/s at {ref} | MB/s now | speed-up |\n|---|---|---|---|\n{rows}\n\n"
        f"Target: every class >= {CLASS_TARGET:g} MB/s (issue 18): "
        f"{'met' if slowest >= CLASS_TARGET else 'NOT met'} (slowest {slowest:.1f} MB/s)."
    )


def classes(mb: float, runs: int, ref: str, write: bool) -> int:
    """Time the input classes now and at `ref`, print and write the section."""
    before = baseline_class_speeds(ref, mb, runs)
    now = class_speeds(mb, runs)
    markdown = _classes_markdown(now, before, ref, mb, runs)
    print(markdown)
    if write:
        write_section("secrets-classes", markdown)
    return 0 if min(now.values()) >= CLASS_TARGET else 1


# A first scan in a fresh process: import, then one small diff (a key read from the environment
# and a token-shaped placeholder), as `shipshape check` on a small snapshot does.
_STARTUP = """
import json, re, sys, time
start = time.process_time()
import checks
imported = time.process_time()
from checks.secrets import CHECK
diff = ("diff --git a/src/app.py b/src/app.py\\nnew file mode 100644\\nindex 0..1\\n"
        "--- /dev/null\\n+++ b/src/app.py\\n@@ -0,0 +1,3 @@\\n+import os\\n"
        "+API_TOKEN = os.environ['API_TOKEN']\\n"
        "+EXAMPLE = 'ghp_" + "x" * 36 + "'\\n")
snapshot = checks.load_snapshot({"title": "t", "diff": diff})
options = checks.config_from_dict({}).checks["secrets"].options
before = time.process_time()
CHECK.run(snapshot, options)
print(json.dumps({"import_all": imported - start, "first_scan": time.process_time() - before}))
"""


def _import_time_ms(pythonpath: str) -> float:
    """`python -X importtime`: cumulative ms of the checks.secrets package (wall, one run)."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", "import checks"],
                            capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": pythonpath}, cwd=tempfile.gettempdir())
    line = next(row for row in result.stderr.splitlines()
                if re.search(r"\|\s+checks\.secrets$", row))
    return int(line.split("|")[1]) / 1000


def _startup_sample(pythonpath: str, samples: dict[str, list[float]]) -> None:
    samples.setdefault("import_ms", []).append(_import_time_ms(pythonpath))
    result = subprocess.run([sys.executable, "-c", _STARTUP], capture_output=True, text=True,
                            check=True, env={**os.environ, "PYTHONPATH": pythonpath},
                            cwd=tempfile.gettempdir())
    for key, value in json.loads(result.stdout).items():
        samples.setdefault(key, []).append(value)


def startup(runs: int, ref: str, write: bool) -> int:
    """Import time and first small scan of the secrets check, now and at `ref`, fresh processes."""
    with tempfile.TemporaryDirectory() as root:
        # The whole tree, as this one is imported: `checks/` alone imports ~30 fewer modules
        # (the baseline's `import checks` read 20 ms cheaper than the same code in a checkout).
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref],
                                 capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", root], input=archive.stdout, check=True)
        compileall.compile_dir(str(Path(root, "checks")), quiet=1)
        compileall.compile_dir(str(ROOT / "checks"), quiet=1)
        samples: tuple[dict[str, list[float]], dict[str, list[float]]] = ({}, {})
        for _ in range(runs):  # interleaved: the machine's load drifts over a run
            _startup_sample(root, samples[0])
            _startup_sample(str(ROOT), samples[1])
    before, now = ({key: statistics.median(values) for key, values in side.items()}
                   for side in samples)
    rows = "\n".join(
        f"| {what} | {before[key] * scale:.1f} | {now[key] * scale:.1f} |"
        for what, key, scale in (
            ("`checks.secrets` in `python -X importtime` (cumulative ms, wall)", "import_ms", 1),
            ("`import checks`, every check (CPU ms)", "import_all", 1000),
            ("first secrets scan of a 3-line diff (CPU ms)", "first_scan", 1000)))
    markdown = (
        "## Secrets check start-up (`python bench/secrets.py --startup`)\n\n"
        f"Fresh byte-compiled processes, medians of {runs}, the baseline's and this tree's "
        f"interleaved; the baseline (`{ref}`) imports its own tree. Load: "
        f"{os.getloadavg()[0]:.1f}. The rules compile on first use now, and only the branches "
        "whose anchors the text names.\n\n"
        f"| what | {ref} | now |\n|---|---|---|\n{rows}")
    print(markdown)
    if write:
        write_section("secrets-startup", markdown)
    return 0


def accuracy(samples: list | None = None) -> dict[str, tuple[float, float, int, int]]:
    """Precision and recall of every tool at hand on a corpus (the project's by default)."""
    samples = build_corpus() if samples is None else samples
    diff = to_diff(samples)
    tools: list[tuple[str, set[str] | None]] = [
        ("shipshape", _ours(diff)), (f"detect-secrets {detect_secrets_version()}",
                                     _detect_secrets(diff))]
    command = _secretlint_command()
    if command is not None:  # optional: the benchmark runs without node
        tools.append((f"secretlint {_secretlint_version(command)}", _secretlint(samples, command)))
    gitleaks = _gitleaks_command()
    if gitleaks is not None:  # optional: no PyPI or Debian package of it could be had here
        tools.append((f"gitleaks {_gitleaks_version(gitleaks)}", _gitleaks(samples, gitleaks)))
    out = {}
    for name, flagged in tools:
        if flagged is None:
            continue
        precision, recall, missed, false = score(samples, flagged)
        out[name] = (precision, recall, len(missed), len(false))
    return out


def _secretlint_version(command: list[str]) -> str:
    probe = subprocess.run([*command, "--version"], capture_output=True, text=True,
                           check=False)
    return probe.stdout.strip().lstrip("v")


def _speed_markdown(s: dict[str, float], runs: int) -> str:
    from checks.secrets import fastpass

    engine = "google-re2" if fastpass.available() else "Python re (google-re2 missing)"
    return (
        "## Secrets check (`python bench/secrets.py`)\n\n"
        f"{s['added_mb']:.1f} MB of added lines (mixed-language PR diff plus the secrets corpus); "
        f"median CPU seconds of {runs} runs, detect-secrets {detect_secrets_version()} in the "
        "same run on "
        f"the same diff. Fast pass: {engine}.\n\n"
        "| what | CPU seconds | MB/s of added lines | vs detect-secrets |\n|---|---|---|---|\n"
        f"| shipshape secrets check (parsed snapshot) | {s['check_s']:.3f} | "
        f"{s['check_mbs']:.1f} | **{s['ratio']:.1f}x** |\n"
        f"| the same check with Python `re` for the fast pass (no google-re2) | "
        f"{s['plain_s']:.3f} | {s['plain_mbs']:.1f} | {s['ratio_plain']:.1f}x |\n"
        f"| shipshape diff parsing + secrets check | {s['full_s']:.3f} | {s['full_mbs']:.1f} | "
        f"{s['ratio_full']:.1f}x |\n"
        f"| detect-secrets `scan_diff` (parses the diff itself) | {s['ds_s']:.3f} | "
        f"{s['ds_mbs']:.1f} | 1x |\n\n"
        f"Target: >= 100x detect-secrets for the check (issue 15): "
        f"{'met' if s['ratio'] >= TARGET else 'NOT met'}."
    )


def _scores_markdown(scores: dict[str, tuple[float, float, int, int]]) -> str:
    rows = "\n".join(f"| {name} | {p:.3f} | {r:.3f} | {fn} | {fp} |"
                     for name, (p, r, fn, fp) in scores.items())
    return ("| tool | precision | recall | missed positives | false alarms |\n"
            f"|---|---|---|---|---|\n{rows}")


def detect_secrets_version() -> str:
    from importlib.metadata import version

    return version("detect-secrets")


def _write_scores(markdown: str) -> None:
    text = SECRETS_MD.read_text(encoding="utf-8")
    block = f"{SCORES_START}\n{markdown}\n{SCORES_END}"
    pattern = re.compile(re.escape(SCORES_START) + r".*?" + re.escape(SCORES_END), re.DOTALL)
    SECRETS_MD.write_text(pattern.sub(lambda _: block, text), encoding="utf-8")


# Text files of real repositories, read as whole-file diffs (every line added).
REAL_MAX_FILE = 1 << 20
REAL_SKIP_DIRS = frozenset({".git", "node_modules", "__pycache__"})


def _real_files(root: Path) -> list[tuple[str, list[str]]]:
    files = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or REAL_SKIP_DIRS & set(path.parts) or path.is_symlink():
            continue
        if path.stat().st_size > REAL_MAX_FILE:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if "\0" in text or not text.strip():
            continue
        files.append((str(path.relative_to(root)), text.splitlines()))
    return files


def _whole_file_diff(path: str, lines: list[str]) -> str:
    head = (f"diff --git a/{path} b/{path}\nnew file mode 100644\nindex 0000000..1111111\n"
            f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{len(lines)} @@\n")
    return head + "".join(f"+{line}\n" for line in lines)


def real_code(roots: list[Path], batch: int = 400) -> dict[str, float]:
    """Hits (non-notice findings) per MB over the files under `roots`, by rule."""
    by_rule: dict[str, int] = {}
    size = 0
    for root in roots:
        files = _real_files(root)
        for start in range(0, len(files), batch):
            chunk = files[start:start + batch]
            size += sum(len(line.encode()) + 1 for _, lines in chunk for line in lines)
            diff = "".join(_whole_file_diff(f"{root.name}/{p}", lines) for p, lines in chunk)
            report = checks.run({"title": "real", "diff": diff}, only={"secrets"})
            for finding in report.check("secrets").findings:
                if str(finding.severity) != "notice":
                    by_rule[finding.rule] = by_rule.get(finding.rule, 0) + 1
    hits = sum(by_rule.values())
    return {"mb": size / 1e6, "hits": hits, "per_mb": hits / (size / 1e6), **{
        f"rule:{rule}": n for rule, n in sorted(by_rule.items())}}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the numbers and write them to the docs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mb", type=float, default=4.0)
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--real", nargs="+", type=Path, metavar="DIR",
                        help="only measure hits per MB over real code under DIR (whole files)")
    parser.add_argument("--classes", action="store_true",
                        help="only time the input classes, now and at --baseline")
    parser.add_argument("--baseline", default=BASELINE_REF, help="git ref of the baseline")
    parser.add_argument("--startup", action="store_true",
                        help="only measure import and first small scan, now and at --baseline")
    parser.add_argument("--classes-json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--checks-from", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.classes_json:  # the baseline's half of --classes, in its own process
        print(json.dumps(class_speeds(args.mb, args.runs)))
        return 0
    if args.startup:
        return startup(args.runs, args.baseline, not args.no_write)
    if args.classes:
        return classes(CLASS_MB, args.runs, args.baseline, not args.no_write)
    if args.real:
        print(json.dumps(real_code(args.real), indent=1))
        return 0
    speeds = speed(args.mb, args.runs)
    scores_md = _scores_markdown(accuracy())
    harness = harness_corpus()
    harness_md = (f"Syntax harness corpus ({sum(s.positive for s in harness)} positives: every "
                  f"rule in every syntax it applies to, private keys in 20 block syntaxes; "
                  f"{sum(not s.positive for s in harness)} negatives):\n\n"
                  + _scores_markdown(accuracy(harness)))
    scores_md = scores_md + "\n\n" + harness_md
    speed_md = _speed_markdown(speeds, args.runs)
    print(speed_md, "\n\nCorpus scores:\n" + scores_md, sep="")
    if not args.no_write:
        write_section("secrets", speed_md + "\n\nCorpus scores (docs/secrets.md):\n\n" + scores_md)
        _write_scores(scores_md)
    return 0 if speeds["ratio"] >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
