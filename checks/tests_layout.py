"""Where a repository keeps its tests, read from its file list, to suggest a test path that fits
in when a source file changed and no test did (the tests check's failing path, the only one
that imports this module)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from posixpath import basename, dirname

from checks.pairing import candidate_tests
from checks.paths import PathKind

_JS_INFIXES = (".test.", ".spec.")


@dataclass(frozen=True)
class Layout:
    """Where the repository keeps its tests, to suggest a path that fits in."""

    folders: frozenset[str]
    test_folders: frozenset[str]
    js_style: str  # ".test." or ".spec.", whichever the repository's JS tests use more

    def rank(self, path: str) -> tuple[bool, bool, bool]:
        """Best first: a folder that holds tests, one that exists, the house naming style."""
        folder, name = dirname(path), basename(path)
        styled = self.js_style in name or not any(infix in name for infix in _JS_INFIXES)
        return folder in self.test_folders, folder in self.folders, styled

    def suggestion(self, source: str) -> str | None:
        """A conventional test path for `source` in a folder the repository has, best fitting
        first."""
        fitting = [path for path in candidate_tests(source) if dirname(path) in self.folders]
        # max() keeps the first of equals, so the conventional order breaks ties.
        return max(fitting, key=self.rank, default=None)


def read_layout(repo_files: frozenset[str], kind: Callable[[str], PathKind]) -> Layout:
    """Folders, folders with tests (`kind` classifies a path, the check's globs first) and the
    JS naming style; the substring test keeps it cheap."""
    folders = {dirname(path) for path in repo_files}
    test_folders, styles = set(), Counter[str]()
    for path in repo_files:
        lowered = path.lower()
        if ("test" in lowered or "spec" in lowered) and kind(path) is PathKind.TEST:
            test_folders.add(dirname(path))
            styles.update(infix for infix in _JS_INFIXES if infix in lowered)
    style = styles.most_common(1)[0][0] if styles else ".test."
    return Layout(frozenset(folders), frozenset(test_folders), style)
