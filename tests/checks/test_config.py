"""Configuration: defaults, validation errors that name the key path, merging."""

from __future__ import annotations

import pytest

import checks
from checks.config import DEFAULT_IGNORE


def test_defaults_enable_every_check_at_its_default_level() -> None:
    config = checks.config_from_dict(None)
    assert set(config.checks) == {s.id for s in checks.REGISTRY}
    assert all(c.enabled for c in config.checks.values())
    levels = {s.id: config.checks[s.id].level for s in checks.REGISTRY}
    advisory = {"api-docs"}  # checks that start as warnings (issue 16)
    assert {i for i, level in levels.items() if level is checks.Status.WARN} == advisory
    assert all(levels[i] is checks.Status.FAIL for i in levels.keys() - advisory)
    assert config.settings.warn_conclusion == "neutral"


def test_yaml_file_is_merged_over_defaults() -> None:
    config = checks.config_from_yaml(
        "ignore: ['generated/']\n"
        "secrets: false\n"
        "commits:\n  level: warn\n"
        "warn_conclusion: success\n"
    )
    assert not config.checks["secrets"].enabled
    assert config.checks["commits"].level is checks.Status.WARN
    assert config.settings.warn_conclusion == "success"
    assert config.ignore[-1] == "generated/"
    assert config.is_ignored("generated/api/client.py")


@pytest.mark.parametrize(
    "path",
    ["package-lock.json", "web/yarn.lock", "vendor/github.com/x/y.go",
     "web/node_modules/left-pad/index.js", "static/app.min.js", "go.sum"],
)
def test_default_ignores(path: str) -> None:
    assert checks.config_from_dict({}).is_ignored(path)


@pytest.mark.parametrize("path", ["src/vendors.py", "docs/lock.md", "app/minimal.js"])
def test_default_ignores_are_not_too_wide(path: str) -> None:
    assert not checks.config_from_dict({}).is_ignored(path)


def test_ignore_defaults_can_be_dropped() -> None:
    config = checks.config_from_dict({"ignore_defaults": False})
    assert config.ignore == ()
    assert not config.is_ignored("package-lock.json")
    assert DEFAULT_IGNORE


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("colour: red\n", "colour: unknown key; accepted: "),
        ("story:\n  enabeld: true\n", "story.enabeld: unknown key; accepted: "),
        ("story:\n  enabled: 'yes'\n", "story.enabled: expected true or false, got string"),
        ("commits:\n  level: error\n", "commits.level: expected one of fail, warn, got 'error'"),
        ("ignore: vendor/\n", "ignore: expected a list of strings, got string"),
        ("story: [1]\n", "story: expected a mapping of options (or true/false), got list"),
        ("- story\n", "the configuration must be a mapping, got list"),
        ("story:\n  enabled: true\n bad indent\n", "not valid YAML at line"),
        ("warn_conclusion: failure\n", "warn_conclusion: expected one of neutral, success"),
        # pyyaml composes recursively: this used to escape as a RecursionError.
        ("story:\n  patterns: " + "[" * 5000 + "\n", "not valid YAML: collections nested too"),
    ],
    ids=lambda v: v[:40],
)
def test_errors_name_the_key_path(yaml_text: str, message: str) -> None:
    with pytest.raises(checks.ConfigError) as caught:
        checks.config_from_yaml(yaml_text)
    assert message in str(caught.value)


def test_empty_file_is_the_defaults() -> None:
    assert checks.config_from_yaml("") == checks.config_from_dict({})


def test_a_section_validates_its_fields_and_fills_defaults() -> None:
    from checks.config import ConfigError, validate_option
    from checks.spec import Option, section

    opt = section("a nested group", {"branch": Option("", "str", "the branch"),
                                     "mode": Option("commit", "choice", "how",
                                                    choices=("commit", "pull-request"))})
    assert validate_option("audit", opt, {"branch": "main"}) == {"branch": "main",
                                                                  "mode": "commit"}
    with pytest.raises(ConfigError) as bad:
        validate_option("audit", opt, {"mode": "push"})
    assert bad.value.path == "audit.mode"
    with pytest.raises(ConfigError) as unknown:
        validate_option("audit", opt, {"brnach": "main"})
    assert unknown.value.path == "audit.brnach"
    with pytest.raises(ConfigError) as scalar:
        validate_option("audit", opt, "main")
    assert scalar.value.path == "audit"
