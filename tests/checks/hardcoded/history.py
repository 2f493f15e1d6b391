"""Run the `hardcoded` check over the latest merged changes of a local git repository.

`python -m tests.checks.hardcoded.history GIT_DIR [--last N]` takes the last N first-parent
commits of HEAD (each a merged PR: a squash commit, or a merge whose first-parent diff is the
PR), runs the check on each commit's diff against its first parent and prints every finding, so
a reviewer can label each one true or false (docs/hardcoded.md reports the counts).
"""

from __future__ import annotations

import argparse
import subprocess
import sys

import checks


def _git(git_dir: str, *args: str) -> str:
    out = subprocess.run(["git", f"--git-dir={git_dir}", *args], capture_output=True,
                         check=True)
    return out.stdout.decode("utf-8", "replace")


def main(argv: list[str] | None = None) -> int:
    """Print the check's verdict and findings per commit, then the totals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("git_dir")
    parser.add_argument("--last", type=int, default=40)
    args = parser.parse_args(argv)
    shas = _git(args.git_dir, "rev-list", "--first-parent", f"--max-count={args.last}",
                "HEAD").split()
    warned = read = 0
    for sha in shas:
        subject = _git(args.git_dir, "log", "-1", "--format=%s", sha).strip()
        try:
            diff = _git(args.git_dir, "diff", "--no-color", "--no-ext-diff", "-M", f"{sha}^1",
                        sha)
        except subprocess.CalledProcessError:
            print(f"{sha[:10]} skip (no parent in this clone)")
            continue
        result = checks.run({"title": subject, "diff": diff}, only={"hardcoded"})
        outcome = result.check("hardcoded")
        warned += outcome.status is not checks.Status.PASS
        # "... (0 code files read)." when the commit holds no file the check reads.
        read += outcome.status is not checks.Status.PASS or "(0 code" not in outcome.summary
        print(f"{sha[:10]} {outcome.status.value:4} {subject[:70]}")
        for finding in outcome.findings:
            print(f"    {finding.path}:{finding.line} {finding.rule}: {finding.message[:110]}")
    print(f"{len(shas)} commits, {warned} with findings, {read} with code the check reads")
    return 0


if __name__ == "__main__":
    sys.exit(main())
