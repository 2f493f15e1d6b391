"""Run the api-docs check over a repository's latest merged commits (not a test).

`python -m tests.checks.api_docs.history GIT_DIR [COUNT]` walks the first-parent history of HEAD
(merged PRs, squashed or merged), reviews each commit against its first parent as the PR it
was, and prints one line per commit: verdict, endpoints found and the summary. Used to measure
false alarms on real history (docs/api-docs.md); the verdicts are judged by reading the diffs.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import checks


def _git(git_dir: str, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", git_dir, *args], check=True,
                          capture_output=True).stdout.decode("utf-8", "replace")


def review(git_dir: str, sha: str) -> checks.CheckResult:
    """The api-docs result for one commit reviewed against its first parent."""
    subject = _git(git_dir, "log", "-1", "--format=%s", sha).strip()
    diff = _git(git_dir, "diff", "--no-color", "-M", f"{sha}^1", sha)
    # The repository's files at the PR's base, as the bot fetches them.
    files = _git(git_dir, "ls-tree", "-r", "--name-only", f"{sha}^1").splitlines()
    report = checks.run({"title": subject, "diff": diff, "repo_files": files},
                        only={"api-docs"})
    return report.check("api-docs")


def main(argv: list[str]) -> int:
    """Print the verdict of each of the latest COUNT first-parent commits."""
    git_dir, count = argv[0], int(argv[1]) if len(argv) > 1 else 40
    shas = _git(git_dir, "rev-list", "--first-parent", "--min-parents=1", "-n", str(count),
                "HEAD").split()
    tally: Counter[str] = Counter()
    for sha in shas:
        try:
            result = review(git_dir, sha)
        except subprocess.CalledProcessError:  # a shallow mirror lacks the oldest parents
            print(f"{sha[:10]} skip (parent not in the mirror)")
            continue
        tally[str(result.status)] += 1
        subject = _git(git_dir, "log", "-1", "--format=%s", sha).strip()[:60]
        print(f"{sha[:10]} {result.status:4} {subject} | {result.summary}")
    print(dict(tally))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
