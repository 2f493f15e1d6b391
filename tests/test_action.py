"""action.yml run as a GitHub runner would run its steps, with a simulated `GITHUB_*`
environment: the install step really installs the light package (no extras) into a fresh venv,
which is also where the base install is held to its promise (the command line works, the server
stack is absent)."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.shared import EXAMPLES, ROOT

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")
IDENTITY = ("-c", "user.name=Dana Dev", "-c", "user.email=dana@example.com",
            "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main")


def _lookup(path: str, context: Mapping[str, Any]) -> str:
    value: Any = context
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return ""  # the runner's rule: a missing property is an empty string
        value = value[part]
    return "" if value is None else str(value)


def _evaluate(text: str, context: Mapping[str, Any]) -> str:
    def one(match: re.Match[str]) -> str:
        path = match.group(1)
        assert re.fullmatch(r"(inputs|github)\.[\w.-]+", path), f"unsupported expression {path}"
        return _lookup(path, context)
    return EXPRESSION.sub(one, text)


@dataclass
class Ran:
    """What running the action's steps left: exit status, output, summary and output files."""

    status: int
    printed: str
    summary: Path
    output: Path


@dataclass
class Runner:
    """The parts of a runner a composite action's bash steps see."""

    temp: Path
    path_file: Path
    base_path: str

    def run_action(self, workdir: Path, event: Mapping[str, Any], inputs: Mapping[str, str],
                   steps: slice = slice(None)) -> Ran:
        summary = self.temp / f"summary-{secrets.token_hex(4)}.md"
        output = self.temp / f"output-{secrets.token_hex(4)}"
        event_file = self.temp / "event.json"
        event_file.write_text(json.dumps(event), encoding="utf-8")
        context: dict[str, Any] = {"github": {"event": event}}
        context["inputs"] = {name: _evaluate(str(spec.get("default", "")), context)
                             for name, spec in ACTION["inputs"].items()} | dict(inputs)
        status, printed = 0, ""
        for step in ACTION["runs"]["steps"][steps]:
            assert step["shell"] == "bash" and "run" in step
            added = self.path_file.read_text().split() if self.path_file.exists() else []
            env = {"PATH": os.pathsep.join([*reversed(added), self.base_path]),
                   "HOME": str(self.temp), "RUNNER_TEMP": str(self.temp),
                   "GITHUB_ACTION_PATH": str(ROOT), "GITHUB_PATH": str(self.path_file),
                   "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output),
                   "GITHUB_EVENT_PATH": str(event_file), "GITHUB_JOB": "definition-of-done",
                   "GITHUB_ACTIONS": "true"}
            env |= {k: _evaluate(str(v), context) for k, v in step.get("env", {}).items()}
            script = self.temp / "step.sh"
            script.write_text(step["run"], encoding="utf-8")
            done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail",
                                   str(script)], cwd=workdir, env=env, capture_output=True,
                                  text=True, check=False)
            status, printed = done.returncode, printed + done.stdout + done.stderr
            if status != 0:
                break
        return Ran(status, printed, summary, output)


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Runner:
    temp = tmp_path_factory.mktemp("runner")
    # No `shipshape` of the test environment may answer in place of the action's own install.
    base_path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                                if p and not (Path(p) / "shipshape").exists())
    made = Runner(temp, temp / "github_path", base_path)
    ran = made.run_action(temp, {}, {}, slice(0, 1))
    assert ran.status == 0, ran.printed
    return made


def _venv_bin(runner: Runner) -> Path:
    return Path(runner.path_file.read_text().split()[0])


def test_the_base_install_runs_the_command_line_without_the_server_stack(
        runner: Runner) -> None:
    bin_dir = _venv_bin(runner)
    checked = subprocess.run([str(bin_dir / "shipshape"), "check", "--snapshot",
                              str(EXAMPLES / "billing-pr.json")], capture_output=True,
                             text=True, check=False)
    assert checked.returncode == 0 and "shipshape: WARN" in checked.stdout
    imported = subprocess.run([str(bin_dir / "python"), "-c", "import aiohttp"],
                              capture_output=True, text=True, check=False)
    assert imported.returncode != 0 and "No module named 'aiohttp'" in imported.stderr
    served = subprocess.run([str(bin_dir / "python"), "-m", "bot"], capture_output=True,
                            text=True, check=False, cwd=runner.temp)
    assert served.returncode == 2
    assert served.stderr.count("\n") == 1 and "shipshape[app]" in served.stderr


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *IDENTITY, *args], cwd=repo, capture_output=True, text=True,
                          check=True).stdout.strip()


def _pull_request(tmp_path: Path, files: Mapping[str, str], subject: str) -> tuple[Path, dict]:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "orders").mkdir()
    (repo / "orders" / "cancel.py").write_text("def cancel(order):\n    order.status = 'x'\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "ORD-1: orders")
    base = _git(repo, "rev-parse", "HEAD")
    _git(repo, "checkout", "-qb", "feature/ORD-7-docs")
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", subject)
    head = _git(repo, "rev-parse", "HEAD")
    event = {"pull_request": {"number": 7, "title": subject, "body": "Cancel reasons.",
                              "base": {"sha": base, "ref": "main"},
                              "head": {"sha": head, "ref": "feature/ORD-7-docs"}}}
    return repo, event


def test_a_clean_pull_request_passes_with_a_summary(runner: Runner, tmp_path: Path) -> None:
    repo, event = _pull_request(tmp_path, {"docs/orders.md": "# Orders\n"},
                                "ORD-7: document cancel reasons")
    ran = runner.run_action(repo, event, {}, slice(1, None))
    assert ran.status == 0, ran.printed
    assert "::error" not in ran.printed
    assert "Story ID referenced" in ran.summary.read_text(encoding="utf-8")
    assert ran.output.read_text() == "exit-code=0\n"


def test_a_failing_pull_request_fails_the_job_with_annotations(runner: Runner,
                                                               tmp_path: Path) -> None:
    key = "AKIA" + "".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
    repo, event = _pull_request(tmp_path, {"orders/export.py": f'KEY_ID = "{key}"\n'},
                                "$(touch pwned) `touch pwned2`; export")
    ran = runner.run_action(repo, event, {}, slice(1, None))
    assert ran.status == 1
    assert re.search(r"^::error file=orders/export\.py,line=1,title=No hardcoded secrets",
                     ran.printed, re.M)
    assert key not in ran.printed and key not in ran.summary.read_text(encoding="utf-8")
    assert not (repo / "pwned").exists() and not (repo / "pwned2").exists()
    assert ran.output.read_text() == "exit-code=1\n"


def test_a_shallow_checkout_is_one_clear_error(runner: Runner, tmp_path: Path) -> None:
    repo, event = _pull_request(tmp_path, {"docs/orders.md": "# Orders\n"}, "ORD-7: docs")
    event["pull_request"]["base"]["sha"] = "1" * 40
    ran = runner.run_action(repo, event, {}, slice(1, None))
    assert ran.status == 2
    assert f"::error title=shipshape action::commit {'1' * 40} is not in this checkout" \
        in ran.printed


def test_inputs_override_the_range_and_select_checks(runner: Runner, tmp_path: Path) -> None:
    repo, event = _pull_request(tmp_path, {"docs/orders.md": "# Orders\n"}, "no story here")
    event["pull_request"]["head"]["ref"] = "docs-update"  # no story id anywhere now
    ran = runner.run_action(repo, event, {}, slice(1, None))
    assert ran.status == 1 and "::error title=Story ID referenced" in ran.printed
    ran = runner.run_action(repo, event, {"only": "secrets"}, slice(1, None))
    assert ran.status == 0, ran.printed
    assert "::error" not in ran.printed


def test_the_readme_workflow_example_checks_out_full_history() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme[readme.index("uses: actions/checkout"):]
    assert "fetch-depth: 0" in example[:200]
