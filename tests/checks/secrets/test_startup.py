"""Importing the secrets check compiles no pattern, and a small PR compiles only what it reads
(issue 18: `shipshape check` start-up). Counted in a fresh interpreter, never timed: this test
session has compiled every pattern already."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "billing-pr.json"

# Modules whose patterns judge a value (placeholders, keys, blocks, URLs, joined literals): a PR
# whose lines name no secret-shaped value needs none of them.
JUDGING = ["checks.secrets", "checks.secrets.quiet", "checks.secrets.generic",
           "checks.secrets.pem", "checks.secrets.urls", "checks.secrets.pairs",
           "checks.secrets.derived", "checks.secrets.keyword_rules"]

_PROBE = """
import json, re, sys
real = re.compile
callers = []

def counting(pattern, flags=0):
    callers.append(sys._getframe(1).f_code.co_filename)
    return real(pattern, flags)

re.compile = counting
import checks
from checks import lazyre
from tests.checks.test_lazy_patterns import patterns_of

def ours():
    return [f for f in callers if "/checks/secrets/" in f]

at_import = ours()
secrets = [m for m in sys.modules if m.startswith("checks.secrets")]
lazy_at_import = lazyre.counts()[0]
report = checks.run(json.load(open(sys.argv[1])), only={"secrets"})
judging = [p.pattern for p in patterns_of(m for m in sys.argv[2:] if m in sys.modules)
           if p.compiled is not None]
print(json.dumps({
    "status": str(report.check("secrets").status), "at_import": at_import,
    "lazy_at_import": lazy_at_import, "modules": len(secrets),
    "lazy_in_check": sum(1 for p in patterns_of(secrets) if p.compiled is not None),
    "judging_compiled": judging,
}))
"""


def _probe() -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", _PROBE, str(EXAMPLE), *JUDGING], cwd=ROOT,
                          check=True, text=True, capture_output=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_importing_compiles_no_secrets_pattern_and_the_example_only_what_it_reads() -> None:
    seen = _probe()
    assert seen["modules"] > 10  # the whole check was imported
    # Before: 74 patterns compiled at import (quiet 19, keyword rules 20, scan 9, ...).
    assert seen["at_import"] == []
    assert seen["lazy_at_import"] == 0
    assert seen["status"] == "pass"  # the example's lines were scanned, and hold no secret
    # Reading the anchors and naming the branches' groups; no value was judged.
    assert seen["lazy_in_check"] <= 3
    assert seen["judging_compiled"] == []
