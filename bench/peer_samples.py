"""shipshape vs gitleaks on gitleaks' own published rule samples (their `tps` and `fps`).

Run: `python bench/peer_samples.py --gitleaks-repo DIR` (or `$GITLEAKS_REPO`), DIR being a
checkout or bare mirror of github.com/gitleaks/gitleaks. At bench time it reads the Go files of
cmd/generate/config/rules/, evaluates the sample expressions it can evaluate reliably (string
literals, `+` concatenation, `[]string{...}`, `map[string]string{...}`, `append`, local variables,
`fmt.Sprintf` with `%s`, gitleaks' sample helpers re-implemented from their published behaviour,
and `secrets.NewSecret(regex)` through a small generator over Python's regex parser) and counts
the rest as skipped. Nothing of gitleaks is stored in this repository. Each sample becomes one
file (named after the syntax it is written in, or the path the rule names); shipshape's secrets
check runs over a diff adding those files, gitleaks (`$GITLEAKS` or the `bench` extra's binary)
runs `gitleaks dir` over the same files. A sample is found when the tool reports anything in its
file (for shipshape: a finding above notice level, as in bench/secrets.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import checks  # noqa: E402
from bench.gosamples import GoError, evaluate_rules  # noqa: E402
from bench.report import write_section  # noqa: E402
from bench.secrets import _gitleaks, _gitleaks_command, _gitleaks_version  # noqa: E402

SECRETS_MD = ROOT / "docs" / "secrets.md"
START, END = "<!-- bench:peer-samples -->", "<!-- /bench:peer-samples -->"
RULES_DIR = "cmd/generate/config/rules"
UTILS_GENERATE = "cmd/generate/config/utils/generate.go"


@dataclass(frozen=True)
class PeerSample:
    """One gitleaks rule sample as a file: `positive` for a `tps` entry, else an `fps` entry."""

    rule: str
    path: str
    lines: list[str]
    positive: bool


def _read_tree(repo: Path) -> dict[str, str]:
    """The rule files and the sample helper of a gitleaks checkout or bare mirror, by path."""
    if (repo / RULES_DIR).is_dir():
        files = {f"{RULES_DIR}/{p.name}": p.read_text(encoding="utf-8")
                 for p in sorted((repo / RULES_DIR).glob("*.go"))}
        files[UTILS_GENERATE] = (repo / UTILS_GENERATE).read_text(encoding="utf-8")
        return files
    names = subprocess.run(["git", "-C", str(repo), "ls-tree", "--name-only", "HEAD",
                            f"{RULES_DIR}/"], capture_output=True, text=True, check=True)
    paths = [p for p in names.stdout.split() if p.endswith(".go")] + [UTILS_GENERATE]
    return {p: subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{p}"],
                              capture_output=True, text=True, check=True).stdout for p in paths}


def _commit(repo: Path) -> str:
    out = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True, check=False)
    return out.stdout.strip() or "unknown"


# The file a sample of gitleaks' GenerateSampleSecrets syntax would live in, by its key's prefix.
_SYNTAX_FILES = (("ini", "config/settings.ini"), ("json", "config/settings.json"),
                 ("xml", "config/settings.xml"), ("yaml", "config/settings.yaml"),
                 ("C#", "src/Settings.cs"), ("go", "src/settings.go"),
                 ("java", "src/Settings.java"), ("kotlin", "src/Settings.kt"),
                 ("php", "src/settings.php"), ("python", "src/settings.py"),
                 ("misc", "src/Settings.java"), ("logstash", "config/pipeline.conf"),
                 ("make", "Makefile"))
NEUTRAL_FILE = "config/settings.env"


def _file_for(syntax: str | None) -> str:
    for prefix, path in _SYNTAX_FILES:
        if syntax is not None and syntax.startswith(prefix):
            return path
    return NEUTRAL_FILE


def collect(repo: Path, seed: int = 15) -> tuple[list[PeerSample], Counter[str]]:
    """Every sample that could be evaluated, and counts of what was skipped and why."""
    files = _read_tree(repo)
    generate = files.pop(UTILS_GENERATE)
    rng = random.Random(seed)
    samples: list[PeerSample] = []
    skipped: Counter[str] = Counter()
    for name, source in sorted(files.items()):
        if name.endswith("_test.go"):
            continue
        for rule in evaluate_rules(source, generate, rng):
            for reason in rule.skipped:
                skipped[reason] += 1
            for kind, values in (("tps", rule.tps), ("fps", rule.fps)):
                for value in values:
                    path = value.path if value.path else _file_for(value.syntax)
                    samples.append(PeerSample(rule.rule_id, path, value.text.split("\n"),
                                              kind == "tps"))
    return samples, skipped


def _diff(samples: list[PeerSample]) -> str:
    parts = []
    for i, sample in enumerate(samples):
        path = f"s{i:05d}/{sample.path.lstrip('/')}"
        parts.append(f"diff --git a/{path} b/{path}\nnew file mode 100644\n"
                     f"index 0000000..1111111\n--- /dev/null\n+++ b/{path}\n"
                     f"@@ -0,0 +1,{len(sample.lines)} @@\n"
                     + "".join(f"+{line}\n" for line in sample.lines))
    return "".join(parts)


@dataclass(frozen=True)
class _Placed:
    path: str
    lines: list[str]


def _placed(samples: list[PeerSample]) -> list[_Placed]:
    return [_Placed(f"s{i:05d}/{s.path.lstrip('/')}", s.lines) for i, s in enumerate(samples)]


@dataclass(frozen=True)
class Score:
    """One tool's result: positives found, negatives flagged, and the missed rule ids."""

    found: int
    positives: int
    flagged: int
    negatives: int
    missed_by_rule: dict[str, tuple[int, int]]  # rule -> (missed, positives)
    notice_only: int = 0  # positives reported only at notice level ("checksum does not match")
    noticed_by_rule: dict[str, int] = field(default_factory=dict)
    rules: int = 0  # gitleaks rules with true-positive samples

    @property
    def recall(self) -> float:
        return self.found / self.positives if self.positives else 0.0

    @property
    def rules_all_found(self) -> int:
        return self.rules - len(self.missed_by_rule)

    @property
    def rules_none_found(self) -> int:
        return sum(m == n for m, n in self.missed_by_rule.values())

    @property
    def false_alarm_rate(self) -> float:
        return self.flagged / self.negatives if self.negatives else 0.0


def score(samples: list[PeerSample], flagged: set[str], noticed: frozenset[str] = frozenset(),
          ) -> Score:
    """Score one tool's flagged paths (and paths it notes only at notice level)."""
    placed = _placed(samples)
    per_rule: dict[str, list[int]] = {}
    found = false = 0
    for sample, where in zip(samples, placed, strict=True):
        hit = where.path in flagged
        if sample.positive:
            total = per_rule.setdefault(sample.rule, [0, 0])
            total[1] += 1
            if hit:
                found += 1
            else:
                total[0] += 1
        elif hit:
            false += 1
    positives = sum(s.positive for s in samples)
    noted = Counter(s.rule for s, w in zip(samples, placed, strict=True)
                    if s.positive and w.path in noticed and w.path not in flagged)
    return Score(found, positives, false, len(samples) - positives,
                 {rule: (m, n) for rule, (m, n) in per_rule.items() if m},
                 sum(noted.values()), dict(noted), len(per_rule))


def _shipshape(samples: list[PeerSample], batch: int = 500) -> tuple[set[str], frozenset[str]]:
    """Paths with a finding above notice level, and paths with a notice."""
    flagged: set[str] = set()
    noticed: set[str] = set()
    for start in range(0, len(samples), batch):
        report = checks.run({"title": "peer samples", "diff": _diff(samples[start:start + batch])},
                            only={"secrets"})
        for finding in report.check("secrets").findings:
            # Paths inside the chunk restart at s00000: shift them back to the global index.
            index, rest = (finding.path or "").split("/", 1)
            path = f"s{int(index[1:]) + start:05d}/{rest}"
            (noticed if str(finding.severity) == "notice" else flagged).add(path)
    return flagged, frozenset(noticed)


def measure(repo: Path) -> tuple[dict[str, Score], Counter[str], int]:
    """Score shipshape and (when it can be run) gitleaks on the samples of `repo`."""
    samples, skipped = collect(repo)
    scores = {"shipshape": score(samples, *_shipshape(samples))}
    command = _gitleaks_command()
    if command is not None:
        flagged = _gitleaks(_placed(samples), command)
        if flagged is not None:
            scores[f"gitleaks {_gitleaks_version(command)}"] = score(samples, flagged)
    return scores, skipped, len(samples)


def markdown(scores: dict[str, Score], skipped: Counter[str], total: int, commit: str,
             worst: int = 25) -> str:
    """The table, the skip counts and the rules where shipshape misses most."""
    first = next(iter(scores.values()))
    rows = "\n".join(
        f"| {name} | {s.found}/{s.positives} | **{s.recall:.1%}** | {s.notice_only} | "
        f"{s.rules_all_found} / {s.rules_none_found} | "
        f"{s.flagged}/{s.negatives} | {s.false_alarm_rate:.1%} |" for name, s in scores.items())
    ours = scores["shipshape"]
    gitleaks = next((s for n, s in scores.items() if n.startswith("gitleaks")), None)
    ranked = sorted(ours.missed_by_rule.items(), key=lambda kv: (-kv[1][0], kv[0]))
    misses = ", ".join(
        f"`{rule}` {m}/{n}"
        + (f" ({ours.noticed_by_rule[rule]} noted)" if rule in ours.noticed_by_rule else "")
        + ("" if gitleaks is None or rule not in gitleaks.missed_by_rule
           else f" (gitleaks misses {gitleaks.missed_by_rule[rule][0]})")
        for rule, (m, n) in ranked[:worst])
    reasons = ", ".join(f"{n} {reason}" for reason, n in skipped.most_common())
    return (
        f"gitleaks' own rule samples (gitleaks commit `{commit}`, cmd/generate/config/rules: "
        f"{total} samples evaluated, {first.positives} true-positive and {first.negatives} "
        f"false-positive samples; skipped sample expressions: {sum(skipped.values())}"
        f"{' (' + reasons + ')' if reasons else ''}).\n\n"
        "| tool | positives found | recall | positives only noted (notice level) | "
        f"rules (of {first.rules}) with every / no positive found | "
        "negatives flagged | false-alarm rate |\n"
        f"|---|---|---|---|---|---|---|\n{rows}\n\n"
        "Rules where shipshape misses most (gitleaks rule id, samples not reported above notice "
        f"level / samples, of which only noted; {len(ranked)} rules with a miss): "
        f"{misses or 'none'}."
    )


def _write_docs(md: str) -> None:
    text = SECRETS_MD.read_text(encoding="utf-8")
    block = f"{START}\n{md}\n{END}"
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    SECRETS_MD.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Measure, print, and write the numbers to docs/secrets.md and docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gitleaks-repo", type=Path, default=os.environ.get("GITLEAKS_REPO"),
                        help="gitleaks checkout or bare git mirror (or $GITLEAKS_REPO)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--json", action="store_true", help="print every miss as JSON")
    args = parser.parse_args(argv)
    if args.gitleaks_repo is None:
        print("peer_samples: give --gitleaks-repo DIR or set GITLEAKS_REPO", file=sys.stderr)
        return 2
    try:
        scores, skipped, total = measure(args.gitleaks_repo)
    except (OSError, subprocess.CalledProcessError, GoError) as exc:
        print(f"peer_samples: cannot read gitleaks rules: {exc}", file=sys.stderr)
        return 2
    md = markdown(scores, skipped, total, _commit(args.gitleaks_repo))
    print(md)
    if args.json:
        print(json.dumps({n: s.missed_by_rule for n, s in scores.items()}, indent=1))
    if not args.no_write:
        write_section("peer-samples", "## Secrets check on gitleaks' own rule samples "
                      "(`python bench/peer_samples.py`)\n\n" + md)
        _write_docs(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
