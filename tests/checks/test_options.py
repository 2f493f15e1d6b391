"""Typed options: each check gets one frozen object with the declared defaults, built once."""

from __future__ import annotations

import dataclasses
import enum
import pickle
from collections.abc import Mapping
from typing import Any

import pytest

import checks
from checks import api_docs, commits, secrets, story, tests_touched
from checks.config import GLOBAL_OPTIONS, load_config
from checks.migrations import CHECK as MIGRATIONS
from checks.model import FileStatus, Outcome, Severity, Snapshot, Status
from checks.options import NoOptions, build_options
from checks.repo_settings import DraftPolicy, RepoSettings
from checks.spec import CheckSpec, Option, section


def _same(value: Any, default: Any) -> bool:
    """A typed value equals its declared (YAML-shaped) default."""
    if isinstance(value, tuple):
        return list(value) == list(default)
    if isinstance(value, Mapping):
        return dict(value) == dict(default)
    return bool(value == default)


@pytest.mark.parametrize("spec", checks.REGISTRY, ids=lambda s: s.id)
def test_an_unconfigured_check_gets_every_declared_default(spec: CheckSpec[Any]) -> None:
    options = checks.config_from_dict({}).checks[spec.id].options
    assert type(options) is spec.options_type
    for name, declared in spec.options.items():
        assert _same(getattr(options, name), declared.default), name
    assert options == spec.default_options()


def test_options_have_their_precise_types() -> None:
    config = checks.config_from_dict({})
    commit_options = config.checks["commits"].options
    assert isinstance(commit_options, commits.CommitsOptions)
    assert (commit_options.warn_lines, commit_options.fail_lines) == (400, 1000)
    assert commit_options.hygiene_level is Severity.WARN
    assert commit_options.area_containers == commits.DEFAULT_CONTAINERS
    assert config.checks["tests"].options.require_for == (FileStatus.ADDED, FileStatus.MODIFIED)
    assert config.checks["secrets"].options.generic_level is Severity.FAIL
    assert config.checks["story"].options.places == ("title", "branch", "body", "commits")
    assert config.checks["migrations"].options.frameworks["alembic"] is True


@pytest.mark.parametrize("spec", checks.REGISTRY, ids=lambda s: s.id)
def test_every_accepted_choice_builds(spec: CheckSpec[Any]) -> None:
    for name, declared in spec.options.items():
        for choice in declared.choices:
            given = [choice] if declared.kind == "choice_list" else choice
            options = checks.config_from_dict({spec.id: {name: given}}).checks[spec.id].options
            assert _same(getattr(options, name), given), (name, choice)


def test_options_are_frozen_and_bool_maps_read_only() -> None:
    options = checks.config_from_dict({"secrets": {"rules": {"jwt": False}}}).checks[
        "secrets"].options
    assert options.rules["jwt"] is False and options.rules["github-pat"] is True
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.allow_paths = ("x",)
    with pytest.raises(TypeError):
        options.rules["jwt"] = True


def test_a_config_survives_the_trip_to_a_worker_process() -> None:
    config = checks.config_from_yaml("secrets:\n  rules: {jwt: false}\ndraft: skip\n")
    copy = pickle.loads(pickle.dumps(config))
    assert copy == config
    assert copy.checks["secrets"].options.rules["jwt"] is False
    assert copy.settings.draft is DraftPolicy.SKIP


def test_configured_values_reach_the_check_typed() -> None:
    config = checks.config_from_yaml(
        "commits:\n  hygiene_level: fail\n  area_containers: [teams]\n"
        "  hygiene: {commit-wip: false}\n"
        "tests:\n  require_for: [modified]\n  exempt_globs: ['src/cli/']\n"
        "story:\n  projects: [BILL]\n")
    commit_options = config.checks["commits"].options
    assert commit_options.hygiene_level is Severity.FAIL
    assert commit_options.area_containers == ("teams",)
    assert commit_options.hygiene["commit-wip"] is False
    assert commit_options.hygiene["commit-fixup"] is True
    assert config.checks["tests"].options.require_for == (FileStatus.MODIFIED,)
    assert config.checks["tests"].options.exempt_globs == ("src/cli/",)
    assert config.checks["story"].options.projects == ("BILL",)


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        ({"commits": {"warn_lines": -1}}, "commits.warn_lines"),
        ({"commits": {"hygiene_level": "notice"}}, "commits.hygiene_level"),
        ({"commits": {"hygiene": {"commit-wip": "no"}}}, "commits.hygiene.commit-wip"),
        ({"commits": {"area_containers": "apps"}}, "commits.area_containers"),
        ({"tests": {"require_for": ["added", "renamed"]}}, "tests.require_for[1]"),
        ({"tests": {"min_changed_lines": True}}, "tests.min_changed_lines"),
        ({"secrets": {"generic_level": "notice"}}, "secrets.generic_level"),
        ({"secrets": {"rules": {"no-such-rule": False}}}, "secrets.rules.no-such-rule"),
        ({"story": {"patterns": ["ok", "(unclosed"]}}, "story.patterns[1]"),
        ({"migrations": {"flyway_locations": [1]}}, "migrations.flyway_locations"),
        ({"draft": "later"}, "draft"),
    ],
)
def test_validation_errors_still_name_the_key_path(doc: dict[str, Any], path: str) -> None:
    with pytest.raises(checks.ConfigError) as caught:
        checks.config_from_dict(doc)
    assert caught.value.path == path
    assert str(caught.value).startswith(f"{path}: ")


def _no_outcome(snapshot: Snapshot, options: NoOptions) -> Outcome:
    return Outcome(Status.PASS, "")


def test_a_check_whose_type_misses_a_declared_key_is_refused() -> None:
    with pytest.raises(ValueError, match=r"check demo: options \['depth'\]"):
        CheckSpec("demo", "Demo", _no_outcome, NoOptions,
                  options={"depth": Option(3, "int", "how deep")})


def test_a_check_without_options_gets_an_empty_options_object() -> None:
    spec = CheckSpec("demo", "Demo", _no_outcome)
    config = load_config({"demo": {"level": "warn"}}, [spec])
    assert config.checks["demo"].options == NoOptions()
    with pytest.raises(checks.ConfigError) as caught:
        load_config({"demo": {"depth": 3}}, [spec])
    assert caught.value.path == "demo.depth"


def test_every_check_declares_exactly_its_typed_fields() -> None:
    declared = {spec.id: spec.options_type for spec in checks.REGISTRY}
    assert declared == {"story": story.StoryOptions, "tests": tests_touched.TestsOptions,
                        "migrations": MIGRATIONS.options_type,
                        "secrets": secrets.SecretsOptions, "commits": commits.CommitsOptions,
                        "api-docs": api_docs.ApiDocsOptions}
    for spec in checks.REGISTRY:
        assert {f.name for f in dataclasses.fields(spec.options_type)} == set(spec.options)


# --- top-level settings ------------------------------------------------------------------------


def test_repo_settings_are_typed_with_the_declared_defaults() -> None:
    settings = checks.config_from_dict({}).settings
    assert isinstance(settings, RepoSettings)
    assert settings.draft is DraftPolicy.REVIEW
    assert (settings.comment, settings.size_label, settings.ignore_generated) == (True, False,
                                                                                 True)
    assert settings.ignore == () and settings.warn_conclusion == "neutral"
    for key, declared in GLOBAL_OPTIONS.items():
        assert _same(settings[key], declared.default), key


def test_repo_settings_read_from_yaml() -> None:
    settings = checks.config_from_yaml("draft: skip\ncomment: false\nignore: [gen/]\n").settings
    assert settings.draft is DraftPolicy.SKIP
    assert settings.comment is False
    assert settings.ignore == ("gen/",)


def test_a_new_top_level_section_needs_no_settings_field(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    audit = section("where the audit log goes", {
        "branch": Option("shipshape-audit", "str", "the branch"),
        "enabled": Option(False, "bool", "write the audit log"),
    })
    monkeypatch.setattr("checks.config.GLOBAL_OPTIONS", {**GLOBAL_OPTIONS, "audit": audit})
    settings = load_config({"audit": {"enabled": True}}, checks.REGISTRY).settings
    assert settings["audit"] == {"branch": "shipshape-audit", "enabled": True}
    assert settings.comment is True
    with pytest.raises(checks.ConfigError) as caught:
        load_config({"audit": {"enabled": "yes"}}, checks.REGISTRY)
    assert caught.value.path == "audit.enabled"


class _Mode(enum.StrEnum):
    COMMIT = "commit"
    PULL_REQUEST = "pull-request"


@dataclasses.dataclass(frozen=True)
class _Audit:
    branch: str
    mode: _Mode
    paths: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class _WithSection:
    audit: _Audit
    comment: bool


def test_a_section_field_builds_its_own_typed_object() -> None:
    built = build_options(_WithSection, {"audit": {"branch": "log", "mode": "pull-request",
                                                   "paths": ["a/", "b/"]}, "comment": False})
    assert built == _WithSection(_Audit("log", _Mode.PULL_REQUEST, ("a/", "b/")), False)
