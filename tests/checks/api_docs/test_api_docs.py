"""The api-docs check, framework by framework, and its options."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import checks
from checks.api_docs import FRAMEWORKS
from checks.model import CheckResult, Severity, Status
from tests.checks.api_docs.cases import (
    AXIOS_CLIENT,
    CASES,
    EXPRESS_NEW,
    EXPRESS_REMOVED,
    FASTAPI_NEW_ROUTE,
    FASTAPI_WITH_DOCSTRING,
    LARAVEL_API,
    Case,
)
from tests.diffs import modified
from tests.growth import FACTOR, assert_linear
from tests.shared import report_validator


def _run(diff: str, config: dict[str, Any] | None = None, **extra: Any) -> CheckResult:
    report = checks.run({"title": "Add endpoint", "diff": diff, **extra},
                        checks.config_from_dict(config), only={"api-docs"})
    report_validator().validate(report.to_dict())
    return report.check("api-docs")


def _labels(result: CheckResult) -> list[str]:
    """The endpoints each finding names, in order: the text before ` added`/` changed`..."""
    out = []
    for finding in result.findings:
        head = finding.message.split(" (", 1)[0]
        out.append(head.rsplit(" ", 1)[0])
    return out


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_framework_case(case: Case) -> None:
    result = _run(case.diff)
    assert result.status is Status(case.status), result.summary
    assert _labels(result) == list(case.endpoints)
    for endpoint in case.endpoints:
        assert endpoint in result.summary or "more" in result.summary


def test_every_framework_has_a_loud_case() -> None:
    named = set()
    for case in CASES:
        for finding in _run(case.diff).findings:
            named.add(finding.message.split(" (", 1)[1].split(")", 1)[0])
    assert named == set(FRAMEWORKS)


def test_a_route_moved_to_another_file_is_not_a_change() -> None:
    from tests.checks.api_docs.cases import FASTAPI_MOVED

    assert _run(FASTAPI_MOVED).summary == "No HTTP endpoint added, removed or changed."


def test_work_grows_linearly_with_route_files() -> None:
    def build(size: int) -> Callable[[], object]:
        # Each file replaces one route and adds one: pairing must not compare every pair.
        diff = "".join(modified(f"src/routes/r{i}.js", 3, [""], [
            f"router.get('/old/{i}/:id', thingController.get{i});"], [
            f"router.get('/things/{i}/:id', thingController.get{i});",
            f"router.post('/things/{i}', thingController.create{i});"], [""])
            for i in range(size))
        snapshot = checks.load_snapshot({"title": "many routes", "diff": diff})
        return lambda: checks.run(snapshot, only={"api-docs"})

    assert_linear(build, 200 // FACTOR)


def test_finding_sits_on_the_route_line_and_says_what_counts() -> None:
    result = _run(FASTAPI_NEW_ROUTE)
    (finding,) = result.findings
    assert (finding.path, finding.line) == ("backend/app/api/routes/items.py", 92)
    assert finding.rule == "api-added-undocumented"
    assert finding.severity is Severity.WARN  # the default level is warn
    assert "OpenAPI/Swagger document" in finding.message
    assert "`docs/api/**`" in finding.message and "docstring" in finding.message


def test_removed_endpoint_has_no_line_in_the_new_file() -> None:
    (finding,) = _run(EXPRESS_REMOVED).findings
    assert (finding.path, finding.line, finding.rule) == (
        "src/routes/legacy.js", None, "api-removed-undocumented")


def test_removed_endpoint_of_a_kept_file_sits_where_it_was() -> None:
    diff = modified("routes/api.php", 40, [
        "Route::get('songs/{song}', [SongController::class, 'show']);"], [
        "Route::get('songs/{song}/lyrics', [LyricsController::class, 'show']);"], [], [
        "Route::put('songs/{song}', [SongController::class, 'update']);"])
    (finding,) = _run(diff).findings
    assert (finding.line, finding.rule) == (41, "api-removed-undocumented")


def test_level_fail_makes_it_fail() -> None:
    result = _run(EXPRESS_NEW, {"api-docs": {"level": "fail"}})
    assert result.status is Status.FAIL
    assert result.findings[0].severity is Severity.FAIL


def test_default_level_is_warn_in_the_config() -> None:
    assert checks.config_from_dict({}).checks["api-docs"].level is Status.WARN
    assert checks.config_from_dict({}).checks["tests"].level is Status.FAIL


def test_disabled_framework_is_not_read() -> None:
    result = _run(LARAVEL_API, {"api-docs": {"frameworks": {"laravel": False}}})
    assert result.status is Status.PASS
    assert result.summary == "No HTTP endpoint added, removed or changed."


def test_require_for_leaves_removals_alone() -> None:
    result = _run(EXPRESS_REMOVED, {"api-docs": {"require_for": ["added", "changed"]}})
    assert result.status is Status.PASS


def test_code_docs_off_needs_a_document() -> None:
    assert _run(FASTAPI_WITH_DOCSTRING).status is Status.PASS
    result = _run(FASTAPI_WITH_DOCSTRING, {"api-docs": {"code_docs": False}})
    assert result.status is Status.WARN
    assert "docstring" not in result.findings[0].message


def test_custom_doc_globs() -> None:
    reference = modified("reference/rest/items.adoc", 1, [""], [], ["== Archive an item"], [])
    assert _run(EXPRESS_NEW + reference).status is Status.WARN
    result = _run(EXPRESS_NEW + reference, {"api-docs": {"doc_globs": ["reference/rest/"]}})
    assert result.status is Status.PASS
    assert "reference/rest/items.adoc" in result.summary


def test_repository_without_api_docs_gets_notices() -> None:
    files = ["src/routes/v1/user.route.js", "README.md", "package.json"]
    result = _run(EXPRESS_NEW, repo_files=files)
    assert result.status is Status.PASS
    assert "keeps no API documentation" in result.summary
    assert [f.severity for f in result.findings] == [Severity.NOTICE]
    strict = _run(EXPRESS_NEW, {"api-docs": {"no_docs_in_repo": "warn"}}, repo_files=files)
    assert strict.status is Status.WARN
    with_docs = _run(EXPRESS_NEW, repo_files=[*files, "docs/openapi.yaml"])
    assert with_docs.status is Status.WARN


@pytest.mark.parametrize(("config", "key"), [
    ({"api-docs": {"level": "loud"}}, "api-docs.level"),
    ({"api-docs": {"frameworks": {"struts": True}}}, "api-docs.frameworks.struts"),
    ({"api-docs": {"require_for": ["renamed"]}}, "api-docs.require_for[0]"),
    ({"api-docs": {"doc_globs": "docs/api"}}, "api-docs.doc_globs"),
    ({"api-docs": {"no_docs_in_repo": "ignore"}}, "api-docs.no_docs_in_repo"),
])
def test_bad_options_name_the_key(config: dict[str, Any], key: str) -> None:
    with pytest.raises(checks.ConfigError) as caught:
        checks.config_from_dict(config)
    assert caught.value.path == key


def test_allow_marker_covers_a_finding() -> None:
    diff = modified("src/routes/internal.js", 3, [""], [], [
        "// shipshape:allow api-added-undocumented internal probe for the load balancer",
        "router.get('/internal/ping', (req, res) => res.send('pong'));"], [""])
    result = _run(diff)
    assert result.status is Status.PASS
    assert [f.severity for f in result.findings] == [Severity.NOTICE]
    assert "internal probe" in result.summary


def test_client_calls_are_not_endpoints() -> None:
    assert _run(AXIOS_CLIENT).summary == "No HTTP endpoint added, removed or changed."


def test_every_rule_is_explained_and_explain_shows_it() -> None:
    from checks.api_docs import CHECK
    from checks.render.replies import explain_check

    assert {doc.id for doc in CHECK.rule_docs} == set(CHECK.rules)
    report = checks.run({"title": "Add avatar upload", "diff": EXPRESS_NEW}, only={"api-docs"})
    text = explain_check(CHECK, report.check("api-docs").to_dict(), CHECK.default_options(),
                         True, "warn")
    assert "- `api-added-undocumented`: a new endpoint, and no API documentation changed; " \
           "change the OpenAPI/Swagger document" in text
    assert "`api-removed-undocumented`" not in text  # only the rules this head found
    assert "**How to fix:** Update the API's documentation" in text


def test_no_false_alarm_on_the_real_merged_prs() -> None:
    """The 57 real PRs of tests/checks/realprs: none adds, removes or re-routes an API endpoint
    (their route edits are bodies or page routes: maybe's `resources :family_exports`, Hono
    handlers of documenso that changed only inside), so none may warn."""
    from tests.checks.test_realprs import CASES as REAL

    assert len(REAL) >= 57
    for path in REAL:
        doc = json.loads(path.read_text(encoding="utf-8"))
        snapshot = {k: v for k, v in doc.items() if k not in ("provenance", "expect")}
        result = checks.run(snapshot, only={"api-docs"}).check("api-docs")
        assert result.status is Status.PASS, (path.stem, result.summary)


def test_fastapi_routes_still_need_docs_in_code_without_a_spec_file() -> None:
    files = ["backend/app/api/routes/items.py", "backend/app/main.py"]
    result = _run(FASTAPI_NEW_ROUTE + EXPRESS_NEW, repo_files=files)
    assert result.status is Status.WARN
    assert result.summary == "1 endpoint changed without docs in code: POST /{id}/archive (added)."
    assert [f.severity for f in result.findings] == [Severity.WARN, Severity.NOTICE]
    assert _run(FASTAPI_WITH_DOCSTRING, repo_files=files).status is Status.PASS


def test_docs_rule_table_is_the_declared_one() -> None:
    from checks.api_docs import CHECK
    from checks.render.config_reference import rule_table
    from tests.shared import ROOT

    text = (ROOT / "docs" / "api-docs.md").read_text(encoding="utf-8")
    shown = text.split("<!-- rules:start -->\n", 1)[1].split("\n<!-- rules:end -->", 1)[0]
    assert shown == "\n".join(rule_table(CHECK.rule_docs))
