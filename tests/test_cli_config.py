"""`shipshape config`: the effective configuration and its layers from local files and git;
`--schema`: the JSON Schema every README configuration example validates against."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

import checks
from checks.layers import FileRef, LayerKind, load_layer
from checks.schema import config_schema
from tests.shared import ROOT
from tests.test_cli import run_cli

ORG = "locked: [secrets]\ntests: {level: warn}\nignore: [\"generated/\"]\n"


def _git(repo: Path, *argv: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.email=dev@example.com",
                    "-c", "user.name=Dev", *argv], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose base revision has one config and whose working tree another."""
    root = tmp_path / "billing"
    (root / ".github").mkdir(parents=True)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "remote", "add", "origin", "git@github.com:octo-org/billing.git")
    (root / ".github" / "shipshape.yml").write_text(
        "tests: {level: fail}\nignore+: [\"*.snap\"]\nsecrets: false\n")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "Add shipshape config")
    (root / ".github" / "shipshape.yml").write_text("tests: false\n")  # not committed
    (tmp_path / "org.yml").write_text(ORG)
    return root


def test_yaml_names_the_layer_of_each_value(repo: Path) -> None:
    code, out, err = run_cli("config", "--repo", str(repo), "--base", "main",
                             "--org", str(repo.parent / "org.yml"))
    assert (code, err) == (0, "")
    doc = yaml.safe_load(out)  # the output is YAML, comments and all
    assert doc["tests"]["level"] == "fail" and doc["ignore"] == ["generated/", "*.snap"]
    lines = out.splitlines()
    assert lines[0] == ("# layers, lowest first: defaults, octo-org/.github:shipshape.yml "
                        "(organisation), octo-org/billing:.github/shipshape.yml@main "
                        "(repository)")
    assert '  level: "fail"  # octo-org/billing:.github/shipshape.yml@main' in lines
    assert any(line.startswith("# refused: `secrets.enabled` is locked") for line in lines)
    assert lines[lines.index("secrets:") + 1] == "  enabled: true  # defaults"


def test_json_without_base_reads_the_working_tree(repo: Path) -> None:
    code, out, _ = run_cli("config", "--repo", str(repo), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["config"]["tests"]["enabled"] is False
    assert doc["origins"]["tests.enabled"] == "octo-org/billing:.github/shipshape.yml"
    assert doc["origins"]["tests.level"] == "defaults"
    assert doc["layers"] == [{"kind": "repository",
                              "source": "octo-org/billing:.github/shipshape.yml"}]


def test_extends_targets_come_from_checkouts(repo: Path, tmp_path: Path) -> None:
    standards = tmp_path / "checkouts" / "octo-org" / "standards"
    standards.mkdir(parents=True)
    _git(standards, "init", "-q", "-b", "main")
    (standards / "python.yml").write_text("commits: {warn_lines: 250}\n")
    _git(standards, "add", ".")
    _git(standards, "commit", "-q", "-m", "Python standard")
    (repo / ".github" / "shipshape.yml").write_text("extends: octo-org/standards:python.yml"
                                                    "@main\n")
    code, out, _ = run_cli("config", "--repo", str(repo), "--format", "json",
                           "--checkouts", str(tmp_path / "checkouts"))
    assert code == 0
    doc = json.loads(out)
    assert doc["config"]["commits"]["warn_lines"] == 250
    assert doc["origins"]["commits.warn_lines"] == "octo-org/standards:python.yml@main"


def test_a_bad_layer_is_one_line_naming_file_key_and_layer(repo: Path) -> None:
    (repo.parent / "org.yml").write_text("tests: {level: sometimes}\n")
    code, out, err = run_cli("config", "--repo", str(repo), "--org", str(repo.parent / "org.yml"))
    assert (code, out) == (2, "")
    assert err == ("shipshape: error: octo-org/.github:shipshape.yml (organisation layer): "
                   "tests.level: expected one of fail, warn, got 'sometimes'\n")


def test_an_unknown_base_revision_is_a_usage_error(repo: Path) -> None:
    code, _, err = run_cli("config", "--repo", str(repo), "--base", "no-such-branch")
    assert code == 2 and "--base: 'no-such-branch' is not a revision" in err
    target = repo.parent / "written"
    code, _, err = run_cli("config", "--repo", str(repo), f"--base=--output={target}")
    assert code == 2 and "is not a revision" in err and not target.exists()


def test_missing_extends_checkout_is_named(repo: Path) -> None:
    (repo / ".github" / "shipshape.yml").write_text("extends: octo-org/standards\n")
    code, _, err = run_cli("config", "--repo", str(repo))
    assert code == 2
    assert "extends[0]: octo-org/standards:.github/shipshape.yml was not found" in err


def test_the_config_commands_path_is_the_engines() -> None:
    from checks.config import CONFIG_PATH
    from cli.config_command import CONFIG_PATH as CLI_CONFIG_PATH

    assert CLI_CONFIG_PATH == CONFIG_PATH


def test_config_help_does_not_load_the_engine() -> None:
    code = ("import sys, io, cli.main\n"
            "try:\n"
            "    cli.main.main(['config', '--help'], stdout=io.StringIO())\n"
            "except SystemExit:\n"
            "    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('checks')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_config_never_imports_the_server_stack(repo: Path) -> None:
    code = ("import io, sys, cli.main\n"
            "cli.main.main(['config', '--repo', sys.argv[1]], stdout=io.StringIO())\n"
            "cli.main.main(['config', '--schema'], stdout=io.StringIO())\n"
            "print(sorted(m for m in ('bot', 'aiohttp', 'gidgethub', 'cachetools') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, str(repo)], capture_output=True,
                          text=True, check=True, cwd=ROOT)
    assert done.stdout.strip().splitlines()[-1] == "[]"


# --- the schema ---------------------------------------------------------------------------------

def _schema() -> dict[str, object]:
    code, out, _ = run_cli("config", "--schema")
    assert code == 0
    return json.loads(out)


def test_the_schema_is_a_valid_draft_07_schema_of_every_key() -> None:
    schema = _schema()
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema == config_schema(checks.REGISTRY)
    properties = schema["properties"]
    assert {"extends", "locked", "overrides", "ignore+", *(s.id for s in checks.REGISTRY)} \
        <= set(properties)


def _readme_config_examples() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)


def test_readme_has_config_examples_for_layers_overrides_and_locks() -> None:
    examples = "\n".join(_readme_config_examples())
    for key in ("extends:", "locked:", "overrides:", "ignore+:"):
        assert key in examples


@pytest.mark.parametrize("example", _readme_config_examples())
def test_every_readme_config_example_validates(example: str) -> None:
    doc = yaml.safe_load(example)
    jsonschema.Draft7Validator(_schema()).validate(doc)
    # And the engine agrees (as an organisation file, the one layer that may lock keys).
    load_layer(example, FileRef("octo-org/.github", "shipshape.yml", None,
                                LayerKind.ORGANISATION), checks.REGISTRY)


@pytest.mark.parametrize(("doc", "where"), [
    ({"tests": {"level": "loud"}}, ["tests"]),
    ({"ignore+": "generated/"}, ["ignore+"]),
    ({"overrides": [{"tests": False}]}, ["overrides", 0]),
    ({"locked": ["secretz"]}, ["locked", 0]),
    ({"extends": "not a reference"}, ["extends"]),
    ({"sekrets": False}, []),
])
def test_the_schema_refuses_what_the_engine_refuses(doc: dict[str, object],
                                                    where: list[object]) -> None:
    errors = list(jsonschema.Draft7Validator(_schema()).iter_errors(doc))
    assert errors and list(errors[0].absolute_path)[:len(where)] == where
    with pytest.raises(checks.ConfigError):
        load_layer(yaml.safe_dump(doc), FileRef("o/.github", "shipshape.yml", None,
                                                LayerKind.ORGANISATION), checks.REGISTRY)


def test_the_schema_has_every_key_of_the_readme_reference() -> None:
    from checks.render.config_reference import config_reference

    schema = _schema()
    reference = config_reference(checks.REGISTRY)
    # Rows of the key tables only (a check may also list its rule ids in a table).
    tables = re.findall(r"^\| key \| type \| default \| what it does \|\n\| --- .*?\n((?:\|.*\n)+)",
                        reference, re.MULTILINE)
    keys = [key for table in tables for key in re.findall(r"^\| `([^`]+)` \|", table,
                                                            re.MULTILINE)]
    assert len(keys) > 50
    check_ids = {spec.id for spec in checks.REGISTRY}
    for key in keys:
        head, _, rest = key.partition(".")
        node = schema["properties"].get(head)
        if head in ("enabled", "level"):  # the keys every check has
            node = schema["properties"]["tests"]["oneOf"][1]["properties"][head]
            rest = ""
        elif head in check_ids:
            node = node["oneOf"][1]
        while rest:
            # `commands.permissions.skip.story`: a key may hold a dot.
            props = node["properties"]
            name = rest if rest in props else rest.partition(".")[0]
            node, rest = props[name], rest[len(name) + 1:]
        assert "description" in node, key
