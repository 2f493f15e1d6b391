"""Which changed files count as API documentation.

An OpenAPI/Swagger document is found by what it holds (`openapi: 3.1.0`, `"swagger": "2.0"`,
`operationId:`, `$ref: '#/components/...'` on any line the diff shows), whatever its name, so a
spec kept as `api/spec.yml` or `contracts/billing.json` counts; the configured globs add API
docs folders and files (`docs/api/**`, `**/API.md`). Test files never count: a test of an
endpoint is not its documentation.
"""

from __future__ import annotations

import re

from checks.globs import Globs
from checks.lazyre import lazy_compile
from checks.model import ChangedFile
from checks.paths import PathKind, classify

DEFAULT_DOC_GLOBS: tuple[str, ...] = (
    "docs/api/**", "doc/api/**", "docs/artifacts/07-api-designer/**", "**/API.md",
    "**/api-docs/**", "**/apidocs/**", "**/openapi/**", "**/swagger/**", "**/openapi.*",
    "**/swagger.*", "**/*.openapi.*", "**/*.swagger.*", "**/*.apib", "**/*.raml",
)
_SPEC_TEXT = lazy_compile(
    r"""^\s*["']?(?:openapi|swagger)["']?\s*:\s*["']?\d"""
    r"""|["']?\b(?:operationId|requestBody|consumes|produces|securitySchemes|securityDefinitions)"""
    r"""["']?\s*:|["']?in["']?\s*:\s*["']?(?:query|path|header|formData|cookie)\b"""
    r"""|#/(?:components/(?:schemas|responses|parameters|requestBodies)|definitions)/"""
    r"""|^\s*["']?(?:get|put|post|patch|delete)["']?\s*:\s*\{?\s*$"""
    r"""|^\s*["']/[\w/{}.:-]*["']\s*:\s*\{\s*$"""
    r"""|^#%RAML|^FORMAT:\s*1A""",
    re.MULTILINE)
# Spec documents are data: a source file mentioning `operationId` is code, not documentation.
_SPEC_EXTS = frozenset({"yaml", "yml", "json", "raml", "apib", "jsonc"})


# OpenAPI written beside the code it documents: a swagger-jsdoc / swagger-php docblock
# (` * @openapi`, ` *   summary: ...`), swaggo comments (`// @Router /x [get]`), swagger-php
# attributes (`#[OA\Get(...)]`). A PR that changes such lines changes the API docs.
_INLINE_SPEC = lazy_compile(
    r"""^\s*\*\s*(?:@swagger|@openapi|@OA\\|(?:summary|operationId|requestBody|responses"""
    r"""|parameters|description):|/[\w/{}:.-]*:\s*$)|^\s*//\s*@(?:Summary|Router|Success|Param"""
    r"""|Description|Tags)\b|OA\\(?:Get|Post|Put|Patch|Delete|Response|Parameter|RequestBody)\b""",
    re.MULTILINE)


def _text(changed: ChangedFile) -> str:
    if changed.hunk_source is not None:
        return changed.shown_text()
    return "\n".join(line.text for line in (*changed.added, *changed.removed))


def is_api_doc(changed: ChangedFile, globs: Globs | None) -> bool:
    """True when the PR's change to this file is a change to API documentation."""
    path = changed.path
    if classify(path) is PathKind.TEST:
        return False
    if globs is not None and (globs.match_file(path)
                              or (changed.old_path and globs.match_file(changed.old_path))):
        return True
    if path.rpartition(".")[2].lower() not in _SPEC_EXTS:
        return False
    return _SPEC_TEXT.search(_text(changed)) is not None


# The block must say it is OpenAPI: a PHPStan ` * description: ?string` array shape is not.
_INLINE_MARKER = lazy_compile(r"@(?:swagger|openapi)\b|@?OA\\\w+|//\s*@(?:Router|Summary)\b")


def has_inline_spec_change(changed: ChangedFile) -> bool:
    """True when the PR changes OpenAPI written in a source file's comments or attributes."""
    if not changed.added and not changed.removed:
        return False
    lines = "\n".join(line.text for line in (*changed.added, *changed.removed))
    if not ("*" in lines or "@" in lines or "OA\\" in lines) or \
            _INLINE_SPEC.search(lines) is None:
        return False
    return _INLINE_MARKER.search(_text(changed)) is not None


_SPEC_NAME = lazy_compile(r"(?:^|/)(?:[\w.-]*[._-])?(?:openapi|swagger)(?:[._-][\w.-]*)?"
                          r"\.(?:ya?ml|json)$|\.(?:graphqls?|gql|raml|apib)$", re.IGNORECASE)


def repo_keeps_docs(repo_files: frozenset[str],
                    globs: Globs | None) -> bool:
    """True when some file of the repository is API documentation, judged by its path."""
    for path in repo_files:
        if (_SPEC_NAME.search(path) or (globs is not None and globs.match_file(path))) \
                and classify(path) is not PathKind.TEST:
            return True
    return False
