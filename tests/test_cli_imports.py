"""What `shipshape check` imports: the start-up issue 18 measures is mostly imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "billing-pr.json"


def _modules_after_check(repo: Path) -> list[str]:
    code = ("import io, json, sys, cli.main\n"
            "cli.main.main(['check', '--snapshot', sys.argv[1], '--repo', sys.argv[2]], "
            "stdout=io.StringIO())\n"
            "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'yaml', 'pathspec'})))")
    done = subprocess.run([sys.executable, "-c", code, str(EXAMPLE), str(repo)], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.stdout.strip(), done.stderr[-2000:]
    modules: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return modules


def test_a_check_with_the_defaults_imports_neither_yaml_nor_pathspec(tmp_path: Path) -> None:
    # Importing pyyaml (~14 ms CPU) and pathspec (~12 ms) was ~15% of this check's ~170 ms.
    assert _modules_after_check(tmp_path) == []
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "shipshape.yml").write_text('ignore: ["generated/"]\n')
    assert _modules_after_check(tmp_path) == ["yaml"]  # YAML to read: pyyaml reads it
