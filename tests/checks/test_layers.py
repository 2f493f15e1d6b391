"""Configuration layers: org defaults, extends chains, merge rules, locked keys (pure)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import checks
from checks.config import CONFIG_PATH
from checks.layers import (
    FileRef,
    Layered,
    LayerError,
    LayerKind,
    parse_ref,
    resolve_with,
)

REPO = "octo-org/billing"
ORG = "octo-org/.github"

ORG_FILE = """\
# The organisation's Definition of Done
locked: [secrets, migrations.frameworks]
ignore: ["generated/"]
secrets:
  generic_level: fail
migrations:
  frameworks: {liquibase: false}
tests:
  level: warn
story:
  projects: [BILL, OPS]
"""


def _reader(files: dict[tuple[str, str], str]
            ) -> tuple[list[str], Callable[[FileRef], str | None]]:
    asked: list[str] = []

    def read(ref: FileRef) -> str | None:
        asked.append(ref.label)
        return files.get((ref.repo, ref.path if ref.ref is None else f"{ref.path}@{ref.ref}"))

    return asked, read


def _resolve(files: dict[tuple[str, str], str]) -> tuple[list[str], checks.Config, Layered]:
    asked, read = _reader(files)
    layered = resolve_with(read, REPO, "main", checks.REGISTRY)
    return asked, layered.config, layered


def test_no_files_at_all_is_the_defaults() -> None:
    asked, config, layered = _resolve({})
    assert asked == [f"{ORG}:shipshape.yml", f"{ORG}:.github/shipshape.yml",
                     f"{REPO}:{CONFIG_PATH}@main"]
    assert config == checks.config_from_dict({})
    assert layered.origin("tests.level") == "defaults"


def test_org_defaults_alone_apply() -> None:
    _, config, layered = _resolve({(ORG, "shipshape.yml"): ORG_FILE})
    assert config.checks["tests"].level is checks.Status.WARN
    assert config.checks["story"].options.projects == ("BILL", "OPS")
    assert not config.checks["migrations"].options.frameworks["liquibase"]
    assert config.is_ignored("generated/client.py")
    assert layered.origin("tests.level") == f"{ORG}:shipshape.yml"


def test_org_file_under_dot_github_is_found_second() -> None:
    asked, config, _ = _resolve({(ORG, ".github/shipshape.yml"): "tests: {level: warn}\n"})
    assert config.checks["tests"].level is checks.Status.WARN
    assert asked[1] == f"{ORG}:.github/shipshape.yml"


def test_repo_wins_over_org_key_by_key_and_lists_replace_or_append() -> None:
    repo_file = ("tests:\n  level: fail\n  min_changed_lines: 5\n"
                 "story:\n  projects: [PAY]\n"
                 "ignore+: [\"*.snap\"]\n")
    _, config, layered = _resolve({(ORG, "shipshape.yml"): ORG_FILE,
                                   (REPO, f"{CONFIG_PATH}@main"): repo_file})
    assert config.checks["tests"].level is checks.Status.FAIL
    assert config.checks["tests"].options.min_changed_lines == 5
    assert config.checks["story"].options.projects == ("PAY",)  # replaced
    assert config.settings.ignore == ("generated/", "*.snap")  # appended
    assert layered.origins["ignore"] == (
        f"{ORG}:shipshape.yml + {REPO}:{CONFIG_PATH}@main")


def test_false_turns_a_check_off_and_a_later_mapping_keeps_it_off() -> None:
    _, config, _ = _resolve({(ORG, "shipshape.yml"): "commits: false\n",
                             (REPO, f"{CONFIG_PATH}@main"): "commits: {warn_lines: 100}\n"})
    assert not config.checks["commits"].enabled
    assert config.checks["commits"].options.warn_lines == 100


def test_locked_key_a_repository_tries_to_loosen_is_refused_and_org_value_wins() -> None:
    repo_file = ("secrets: false\n"
                 "migrations:\n  frameworks: {liquibase: true, flyway: false}\n"
                 "tests: {level: fail}\n")
    _, config, layered = _resolve({(ORG, "shipshape.yml"): ORG_FILE,
                                   (REPO, f"{CONFIG_PATH}@main"): repo_file})
    assert config.checks["secrets"].enabled
    assert not config.checks["migrations"].options.frameworks["liquibase"]
    assert config.checks["migrations"].options.frameworks["flyway"]  # the whole mapping is locked
    refused = layered.refused
    assert any("`secrets.enabled` is locked by the organisation (octo-org/.github:"
               "shipshape.yml)" in r and "octo-org/billing" in r for r in refused)
    assert any("migrations.frameworks.liquibase" in r for r in refused)
    assert config.checks["tests"].level is checks.Status.FAIL  # unlocked keys still apply


def test_locked_key_cannot_be_loosened_through_a_path_override() -> None:
    repo_file = "overrides:\n  - paths: [\"**\"]\n    secrets: false\n    tests: {level: fail}\n"
    _, config, layered = _resolve({(ORG, "shipshape.yml"): ORG_FILE,
                                   (REPO, f"{CONFIG_PATH}@main"): repo_file})
    [override] = config.overrides
    assert set(override.checks) == {"tests"}
    assert any("`overrides: secrets` is locked" in r for r in layered.refused)


def test_setting_a_locked_key_to_the_org_value_is_no_refusal() -> None:
    _, _, layered = _resolve({(ORG, "shipshape.yml"): ORG_FILE,
                              (REPO, f"{CONFIG_PATH}@main"): "secrets: {generic_level: fail}\n"})
    assert layered.refused == ()


def test_extends_chain_sits_under_the_file_that_names_it() -> None:
    files = {
        (REPO, f"{CONFIG_PATH}@main"): "extends: octo-org/standards:python.yml@v2\n"
                                       "commits: {warn_lines: 300}\n",
        ("octo-org/standards", "python.yml@v2"): "extends: [octo-org/standards:base.yml]\n"
                                                 "commits: {warn_lines: 200, fail_lines: 800}\n",
        ("octo-org/standards", "base.yml"): "commits: {fail_lines: 900, max_subject_length: 60}\n",
    }
    asked, config, layered = _resolve(files)
    options = config.checks["commits"].options
    assert (options.warn_lines, options.fail_lines, options.max_subject_length) == (300, 800, 60)
    assert [layer.kind for layer in layered.layers] == [
        LayerKind.EXTENDS, LayerKind.EXTENDS, LayerKind.REPOSITORY]
    assert asked[-1] == "octo-org/standards:base.yml"


def test_extends_cycle_is_refused_naming_the_chain() -> None:
    files = {
        (REPO, f"{CONFIG_PATH}@main"): "extends: octo-org/standards:a.yml\n",
        ("octo-org/standards", "a.yml"): "extends: octo-org/standards:b.yml\n",
        ("octo-org/standards", "b.yml"): "extends: octo-org/standards:a.yml\n",
    }
    with pytest.raises(LayerError) as caught:
        _resolve(files)
    error = caught.value
    assert error.source == "octo-org/standards:b.yml" and error.kind is LayerKind.EXTENDS
    assert error.path == "extends[0]"
    assert "cycle: octo-org/billing:.github/shipshape.yml@main -> octo-org/standards:a.yml -> " \
           "octo-org/standards:b.yml -> octo-org/standards:a.yml" in str(error)


def test_extends_deeper_than_three_levels_is_refused() -> None:
    files = {(REPO, f"{CONFIG_PATH}@main"): "extends: octo-org/s:l1.yml\n"}
    for level in range(1, 5):
        files[("octo-org/s", f"l{level}.yml")] = f"extends: octo-org/s:l{level + 1}.yml\n"
    with pytest.raises(LayerError, match="more than 3 levels deep") as caught:
        _resolve(files)
    assert caught.value.source == "octo-org/s:l3.yml"


def test_extends_only_the_installations_own_account() -> None:
    files = {(REPO, f"{CONFIG_PATH}@main"): "extends: Octo-Org/standards\n",
             ("Octo-Org/standards", CONFIG_PATH): "extends: [other-org/.github:shipshape.yml]\n"}
    asked, read = _reader(files)
    with pytest.raises(LayerError) as caught:
        resolve_with(read, REPO, "main", checks.REGISTRY)
    assert caught.value.source == f"Octo-Org/standards:{CONFIG_PATH}"
    assert ("other-org/.github:shipshape.yml belongs to another account; only repositories of "
            "octo-org (this installation) can be extended") in str(caught.value)
    assert not any(label.startswith("other-org/") for label in asked)  # never asked for


def test_missing_extends_target_names_the_file_that_asked() -> None:
    with pytest.raises(LayerError) as caught:
        _resolve({(REPO, f"{CONFIG_PATH}@main"): "extends: [octo-org/gone]\n"})
    assert caught.value.source == f"{REPO}:{CONFIG_PATH}@main"
    assert "octo-org/gone:.github/shipshape.yml was not found" in str(caught.value)


@pytest.mark.parametrize(("text", "path", "needle"), [
    ("tests: {level: maybe}\n", "tests.level", "expected one of fail, warn"),
    ("tests:\n  level: [warn\n", "", "not valid YAML at line 3"),
    ("locked: [secretz]\n", "locked[0]", "unknown key path secretz"),
    ("ignore+: generated/\n", "ignore+", "`+` appends to a list"),
    ("extends: 42\n", "extends", "expected `owner/repo:path@ref`"),
])
def test_bad_org_file_names_file_key_path_and_layer(text: str, path: str, needle: str) -> None:
    with pytest.raises(LayerError) as caught:
        _resolve({(ORG, "shipshape.yml"): text})
    error = caught.value
    assert (error.source, error.kind, error.path) == (f"{ORG}:shipshape.yml",
                                                      LayerKind.ORGANISATION, path)
    assert needle in str(error)
    assert str(error).startswith(f"{ORG}:shipshape.yml (organisation layer): ")


def test_only_the_organisation_may_lock_keys() -> None:
    with pytest.raises(LayerError, match="only the organisation's file"):
        _resolve({(REPO, f"{CONFIG_PATH}@main"): "locked: [secrets]\n"})


def test_a_credential_in_a_bad_value_is_masked() -> None:
    token = "ghp_" + "x1Y2" * 9
    with pytest.raises(LayerError) as caught:
        _resolve({(ORG, "shipshape.yml"): f"tests: {{level: {token}}}\n"})
    assert token not in str(caught.value) and "ghp_…(40 chars)" in str(caught.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("octo-org/standards", ("octo-org/standards", CONFIG_PATH, None)),
    ("octo-org/standards:team/python.yml@v2",
     ("octo-org/standards", "team/python.yml", "v2")),
    ("octo-org/standards@main", ("octo-org/standards", CONFIG_PATH, "main")),
])
def test_extends_references(text: str, expected: tuple[str, str, str | None]) -> None:
    ref = parse_ref(text)
    assert ref is not None and (ref.repo, ref.path, ref.ref) == expected


@pytest.mark.parametrize("text", ["standards", "a/b c", "../x:y", "", None, 3,
                                  "octo-org/s:x.yml@--output=/tmp/x"])
def test_not_extends_references(text: object) -> None:
    assert parse_ref(text) is None


@pytest.mark.parametrize(("text", "path", "needle"), [
    ("ignore: [a]\nignore+: [b]\n", "ignore", "given both with and without `+`"),
    ("locked: secrets\n", "locked", "expected a list of key paths"),
    ("- tests\n", "", "must be a mapping"),
])
def test_more_bad_org_files(text: str, path: str, needle: str) -> None:
    with pytest.raises(LayerError) as caught:
        _resolve({(ORG, "shipshape.yml"): text})
    assert caught.value.path == path and needle in str(caught.value)


def test_an_empty_file_is_an_empty_layer() -> None:
    _, config, layered = _resolve({(ORG, "shipshape.yml"): "# nothing yet\n"})
    assert config == checks.config_from_dict({})
    assert [layer.source for layer in layered.layers] == [
        f"{ORG}:shipshape.yml"]


def test_a_repository_error_under_a_valid_org_file_names_the_repository() -> None:
    files = {(ORG, "shipshape.yml"): "audit: {template: '{time} {event}'}\n",
             (REPO, f"{CONFIG_PATH}@main"): "audit: {heading: 'Audit'}\n"}
    with pytest.raises(LayerError) as caught:
        _resolve(files)
    assert caught.value.kind is LayerKind.REPOSITORY and caught.value.path == "audit.heading"


def test_replacing_a_mapping_forgets_the_origins_below_it() -> None:
    files = {(ORG, "shipshape.yml"): "commits: {warn_lines: 100}\n",
             (REPO, f"{CONFIG_PATH}@main"): "commits: false\n"}
    _, config, layered = _resolve(files)
    assert not config.checks["commits"].enabled
    assert layered.origin("commits.warn_lines") == f"{ORG}:shipshape.yml"
    assert layered.origin("commits.enabled") == f"{REPO}:{CONFIG_PATH}@main"
    files[(REPO, f"{CONFIG_PATH}@main")] = "ignore: [a]\n"
    files[(ORG, "shipshape.yml")] = "ignore: [b, c]\n"
    _, _, layered = _resolve(files)
    assert layered.origins["ignore"] == f"{REPO}:{CONFIG_PATH}@main"


def test_an_override_touching_only_locked_keys_is_dropped_whole() -> None:
    org = "locked: [migrations.frameworks]\n"
    repo = ("overrides:\n"
            "  - paths: [\"db/**\"]\n    migrations: {frameworks: {alembic: false}}\n"
            "  - paths: [\"etl/**\"]\n    migrations: {level: warn}\n")
    _, config, layered = _resolve({(ORG, "shipshape.yml"): org,
                                   (REPO, f"{CONFIG_PATH}@main"): repo})
    [kept] = config.overrides
    assert kept.paths == ("etl/**",)
    assert [r.split(" is locked")[0] for r in layered.refused] == [
        "`overrides: migrations`"]


def test_the_org_file_may_extend_too_and_sits_above_its_targets() -> None:
    files = {(ORG, "shipshape.yml"): "extends: octo-org/standards:base.yml\n"
                                     "commits: {warn_lines: 200}\n",
             ("octo-org/standards", "base.yml"): "commits: {warn_lines: 100, fail_lines: 500}\n",
             (REPO, f"{CONFIG_PATH}@main"): "commits: {fail_lines: 700}\n"}
    _, config, layered = _resolve(files)
    options = config.checks["commits"].options
    assert (options.warn_lines, options.fail_lines) == (200, 700)
    assert [layer.kind for layer in layered.layers] == [
        LayerKind.EXTENDS, LayerKind.ORGANISATION, LayerKind.REPOSITORY]


def test_an_override_is_checked_against_every_lock_of_its_check() -> None:
    org = "locked: [tests.min_changed_lines, tests.level]\n"
    repo = "overrides:\n  - paths: [\"etl/**\"]\n    tests: {level: warn}\n"
    _, config, layered = _resolve({(ORG, "shipshape.yml"): org,
                                   (REPO, f"{CONFIG_PATH}@main"): repo})
    assert config.overrides == ()
    assert len(layered.refused) == 1


def test_explain_config_renders_layers_settings_and_refusals() -> None:
    from checks.render.replies import explain_config

    assert explain_config(None).endswith("The configuration could not be read.")
    _, _, plain = _resolve({})
    assert "Every setting is at its built-in default." in explain_config(plain)
    token = "ghp_" + "Ab3d" * 9
    _, _, layered = _resolve({(ORG, "shipshape.yml"): ORG_FILE,
                              (REPO, f"{CONFIG_PATH}@main"): f"secrets: false\n"
                                                            f"story: {{patterns: ['{token}']}}\n"})
    text = explain_config(layered)
    assert "| `story.projects` | `[BILL, OPS]` | `octo-org/.github:shipshape.yml` |" in text
    assert token not in text and "…(" in text  # a long value is masked
    assert "**Refused** (locked by the organisation):" in text


def test_locked_overrides_keep_the_organisations_overrides() -> None:
    org = ("locked: [overrides]\noverrides:\n  - paths: [\"services/payments/**\"]\n"
           "    secrets: {generic_level: fail}\n")
    for repo in ("overrides: []\n", "overrides+:\n  - paths: [\"**\"]\n    tests: false\n"):
        _, config, layered = _resolve({(ORG, "shipshape.yml"): org,
                                       (REPO, f"{CONFIG_PATH}@main"): repo})
        [kept] = config.overrides
        assert kept.paths == ("services/payments/**",)
        assert layered.refused[0].startswith("`overrides` is locked by the organisation")
