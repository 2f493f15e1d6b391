"""Changed files a reviewer does not read line by line, so PR size does not count them.

Lock files, vendored trees, generated code and pure renames were always left out of size. Real
merged PRs also carry recorded HTTP fixtures (VCR cassettes, tens of thousands of lines), Jest
snapshots, translation catalogues (52 one-line `locales/*.json` edits), large data files (a
3,500-line country list) and squashed migration output: counting them makes "too large" and
"too many files" findings nobody can act on. Each is counted apart and named in the summary.
"""

from __future__ import annotations

import enum
from itertools import pairwise
from posixpath import basename

from checks.lazyre import lazy_compile
from checks.model import ChangedFile
from checks.paths import extension, is_generated, is_lock_file, is_vendored

# A data file this large (changed lines) is a data drop, not something reviewed line by line.
DATA_FILE_MIN_LINES = 300


class Uncounted(enum.Enum):
    """Why a changed file is left out of the PR's reviewable size; the value is a noun."""

    RENAMED = "renamed file"
    LOCK = "lock file"
    VENDORED = "vendored file"
    GENERATED = "generated file"
    FIXTURE = "recorded fixture"
    TRANSLATION = "translation file"
    DATA = "data file"
    SQUASHED = "squashed migration"


# Folders that hold recorded HTTP interactions or snapshot-test output: VCR/vcrpy/go-vcr
# cassettes, Polly.js recordings, Jest/Vitest `__snapshots__`, syrupy's `__snapshots__`.
_FIXTURE_DIRS = frozenset({"cassettes", "vcr_cassettes", "__snapshots__", "__recordings__"})
_FIXTURE_PARENTS = frozenset({"fixtures", "fixture", "testdata", "spec", "test", "tests"})
_FIXTURE_NAME = lazy_compile(r"\.(?:snap|golden|approved\.\w+|received\.\w+)$|\.har$")
# Catalogue formats that only ever hold translations (gettext, XLIFF, Apple, Flutter, Fluent).
_CATALOGUE_EXTS = frozenset({"po", "pot", "mo", "xlf", "xliff", "strings", "stringsdict", "arb",
                             "ftl"})
# Folders of translations; below them, data formats are catalogues (`locales/fr.json`).
_I18N_DIRS = frozenset({"lang", "langs", "locale", "locales", "i18n", "l10n", "translations",
                        "messages"})
_CATALOGUE_DATA_EXTS = frozenset({"json", "yml", "yaml", "properties", "toml", "xml", "php",
                                  "resx", "ini"})
_ANDROID_VALUES = lazy_compile(r"^values-[a-z]{2}(?:-r?[A-Z]{2})?$")
_DATA_EXTS = frozenset({"json", "jsonl", "ndjson", "geojson", "csv", "tsv"})
# Django's `squashmigrations` writes 0001_squashed_0042_x.py; it replays reviewed migrations.
_SQUASHED = lazy_compile(r"^\d+_squashed_\w*\.py$")


def _is_fixture(dirs: list[str], name: str) -> bool:
    low = [part.lower() for part in dirs]
    if not _FIXTURE_DIRS.isdisjoint(low):
        return True
    for parent, child in pairwise(low):
        if parent in _FIXTURE_PARENTS and child.startswith("vcr"):
            return True  # spec/fixtures/vcr_cassettes/, test/fixtures/vcr/
    return _FIXTURE_NAME.search(name) is not None


def _is_translation(dirs: list[str], name: str, ext: str) -> bool:
    if ext in _CATALOGUE_EXTS:
        return True
    low = [part.lower() for part in dirs]
    if ext in _CATALOGUE_DATA_EXTS and not _I18N_DIRS.isdisjoint(low):
        return True
    return ext == "xml" and bool(low) and _ANDROID_VALUES.match(dirs[-1]) is not None


def _is_data(changed: ChangedFile, name: str, ext: str) -> bool:
    # package.json, tsconfig.json and friends are settings whatever their size.
    return (ext in _DATA_EXTS and not name.startswith(("package", "tsconfig", "composer"))
            and changed.additions + changed.deletions >= DATA_FILE_MIN_LINES)


def uncounted(changed: ChangedFile) -> Uncounted | None:
    """Why a file is not part of the PR's reviewable size, or None when it is."""
    if changed.is_pure_rename:
        return Uncounted.RENAMED
    path = changed.path
    if is_lock_file(path):
        return Uncounted.LOCK
    if is_vendored(path):
        return Uncounted.VENDORED
    if is_generated(changed):
        return Uncounted.GENERATED
    parts = path.split("/")
    dirs, name = parts[:-1], parts[-1]
    ext = extension(name)
    if _is_fixture(dirs, name):
        return Uncounted.FIXTURE
    if _is_translation(dirs, name, ext):
        return Uncounted.TRANSLATION
    if _SQUASHED.match(basename(path)) and "migrations" in dirs:
        return Uncounted.SQUASHED
    if _is_data(changed, name.lower(), ext):
        return Uncounted.DATA
    return None
