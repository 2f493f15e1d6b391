"""The `hardcoded` check's options, their validation, and `explain` reading its rule docs."""

from __future__ import annotations

from typing import Any

import pytest

import checks
from checks.hardcoded import CHECK
from checks.model import Report, Status
from checks.render.replies import explain_check
from tests.diffs import new_file

SETTINGS = new_file("shop/settings.py", [
    'DEBUG = True',
    'LICENSE_SERVER = "https://licenses.acme.corp/api"',
    'PERF_API = "https://api.perf.acme.io"',
    'CACHE = "redis://localhost:6379/0"',
])


def review(config: dict[str, Any], diff: str = SETTINGS) -> Report:
    return checks.run({"title": "ACME-3: settings", "diff": diff}, checks.config_from_dict(config))


def rules_found(report: Report) -> list[tuple[int | None, str | None]]:
    return [(f.line, f.rule) for f in report.check("hardcoded").findings]


def test_defaults() -> None:
    assert rules_found(review({})) == [(1, "hardcoded-debug-on"), (2, "hardcoded-internal-host"),
                                       (4, "hardcoded-local-port")]


def test_allow_hosts_covers_a_host_and_the_hosts_under_it() -> None:
    found = rules_found(review({"hardcoded": {"allow_hosts": ["acme.corp"]}}))
    assert (2, "hardcoded-internal-host") not in found
    assert (4, "hardcoded-local-port") in found


def test_env_words_add_environment_names() -> None:
    found = rules_found(review({"hardcoded": {"env_words": ["Perf"]}}))
    assert (3, "hardcoded-env-host") in found


def test_env_words_of_any_text_do_not_break_the_check() -> None:
    words = ["é", "", "a b", "(", "\\", "[x", "perf"]
    report = review({"hardcoded": {"env_words": words}})
    assert report.check("hardcoded").status is Status.WARN
    assert (3, "hardcoded-env-host") in rules_found(report)


def test_ignore_paths_leave_files_unread() -> None:
    report = review({"hardcoded": {"ignore_paths": ["shop/"]}})
    assert rules_found(report) == []
    assert report.check("hardcoded").status is Status.PASS


def test_rules_turn_single_rules_off() -> None:
    found = rules_found(review({"hardcoded": {"rules": {"hardcoded-debug-on": False}}}))
    assert [rule for _, rule in found] == ["hardcoded-internal-host", "hardcoded-local-port"]


def test_the_check_can_be_turned_off() -> None:
    assert review({"hardcoded": False}).check("hardcoded").status is Status.SKIP


@pytest.mark.parametrize(("config", "path"), [
    ({"hardcoded": {"allow_hosts": "acme.corp"}}, "hardcoded.allow_hosts"),
    ({"hardcoded": {"env_words": [3]}}, "hardcoded.env_words"),
    ({"hardcoded": {"rules": {"hardcoded-typo": False}}}, "hardcoded.rules.hardcoded-typo"),
    ({"hardcoded": {"level": "notice"}}, "hardcoded.level"),
    ({"hardcoded": {"ignore_path": []}}, "hardcoded.ignore_path"),
])
def test_bad_options_name_their_key(config: dict[str, Any], path: str) -> None:
    with pytest.raises(checks.ConfigError) as raised:
        checks.config_from_dict(config)
    assert raised.value.path == path


def test_explain_gives_each_found_rule_its_fix() -> None:
    report = review({})
    result = report.check("hardcoded").to_dict()
    config = checks.config_from_dict({})
    text = explain_check(CHECK, result, config.checks["hardcoded"].options, True, "warn")
    assert "`hardcoded-debug-on`" in text
    assert "read it from the environment with a default of off" in text
    assert "`hardcoded-env-literal`" not in text  # not found on this head
    assert "`hardcoded.allow_hosts`" in text
