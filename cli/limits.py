"""How much the command line reads: bounds that keep its memory bounded, in GitHub's terms.

- Files: at most 3,000 changed files, the most GitHub's "list pull request files" returns for
  one PR (../shared/github/FACTS.md, "Files list: at most 3000 files"; the App's
  bot/limits.py MAX_PR_FILES). The App never judges more, so neither does `shipshape check`.
- Bytes: at most 64 MiB from any one input (a --diff or --snapshot file, standard input, a
  --config file, or one git command's output for --base and --staged). GitHub's own byte
  limits are for showing diffs (1 MB per PR diff, 500 KB per file, then it shows no patch), far
  below what a local range holds, so this bound is ours: the engine peaks at about six times
  the diff's size (docs/benchmarks.md, Engine), so 64 MiB keeps a check under ~400 MB of memory.

Past either bound the command exits 2 with one line saying which bound and how to stay within.
"""

from __future__ import annotations

from cli.errors import InputError

MAX_INPUT_BYTES = 64 * 1024 * 1024
MAX_FILES = 3000


def too_large(what: str) -> InputError:
    """The error for an input past MAX_INPUT_BYTES; `what` names it (`--diff big.diff`)."""
    return InputError(f"{what} is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB, the most "
                      "shipshape reads from one input; check a narrower range")


def too_many_files(what: str, count: int) -> InputError:
    """The error for a change past MAX_FILES files."""
    return InputError(f"{what} changes {count:,} files; shipshape checks at most {MAX_FILES:,}, "
                      "the most GitHub lists for a pull request; check a narrower range")
