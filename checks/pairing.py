"""Pair source files with their tests: own tests, tests that cover them, where tests live.

Used by the tests check (checks/tests_touched.py); what kind of file a path is comes from
checks/paths.py. A file is a source's own test only if a runner would run it
(`tests/bootstrap.php` is not), and a Go test only in the source's own package folder.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from posixpath import basename

from checks.change_kind import is_import_line
from checks.lazyre import lazy_compile
from checks.model import ChangedFile
from checks.paths import (
    CODE_ROOTS,
    SPEC_DIRS,
    extension,
    is_test_dir,
    is_test_name,
    language_family,
)

# --- where a source file's own test lives -----------------------------------------------------

# Affixes test runners put around the name of what is tested: test_foo, foo_test, FooTests,
# TestFoo, FooIT, foo.spec, foo_spec, foo_unittest, foo_SUITE.
_TEST_AFFIX = lazy_compile(
    r"^(?:test_|Test(?=[A-Z0-9]))"
    r"|(?:[._-](?:tests?|spec|specs|unittests?|e2e|e2e-spec|cy|test-d|spec-d|SUITE)"
    r"|Tests?|TestCase|IntegrationTest|IT|ITCase|Spec|Suite|Cest)$"
)
# Names that say nothing about what they hold: the folder names the subject instead.
_GENERIC_STEMS = frozenset({"__init__", "mod", "main", "lib", "init", "__main__",
                            "tests", "test", "spec", ""})
# `index` names a module only where a runtime resolves a folder to it (index.js, index.php);
# a Rust or Python index.rs is a search index.
_INDEX_FAMILIES = frozenset({"js", "php"})
# Folders inside test trees that sort tests by kind, not by subject (tests/unit/, tests/Feature/).
_TEST_CATEGORIES = frozenset({"unit", "units", "integration", "integrations", "functional",
                              "feature", "features", "acceptance", "system", "smoke", "it",
                              "regression", "contract", "end2end", "support", "helpers",
                              "requests", "request"})
_NOT_CONTEXT = CODE_ROOTS | _TEST_CATEGORIES | SPEC_DIRS
# Suffixes of MVC roles whose tests are named after the resource (request specs, feature tests).
_ROLE_SUFFIXES = ("controller", "controllers")
_JVM_SPEC = lazy_compile(r"\w(?:Spec|Suite)\.\w+$")
_NORMALISE = str.maketrans("", "", "._- ")


def _norm(text: str) -> str:
    return text.translate(_NORMALISE).lower()


def _subject_from_dirs(dirs: list[str]) -> str:
    for part in reversed(dirs):
        lowered = part.lower()
        if not is_test_dir(part) and lowered not in _NOT_CONTEXT:
            return _norm(part)
    return ""


def _is_generic(stem: str, path: str) -> bool:
    lowered = stem.lower()
    return lowered in _GENERIC_STEMS or (
        lowered == "index" and language_family(path) in _INDEX_FAMILIES)


def _source_stem(name: str) -> str:
    """The name without its extension; a C# partial class `Repo.Querying.cs` is `Repo`."""
    if name.endswith((".cs", ".vb")):
        return name.split(".", 1)[0]
    return name.rsplit(".", 1)[0]


def source_subject(path: str) -> str:
    """The normalised name of what a source file holds (`user_service.py` -> `userservice`)."""
    parts = path.split("/")
    stem = _source_stem(parts[-1])
    if _is_generic(stem, path):
        return _subject_from_dirs(parts[:-1])
    return _norm(stem)


def subject_under_test(path: str) -> str:
    """The normalised name of what a test file tests (`tests/test_user_service.py` -> ...)."""
    parts = path.split("/")
    name = parts[-1].rsplit(".", 1)[0]
    stem = _TEST_AFFIX.sub("", name)  # `user.service.spec` -> `user.service`, `TestFoo` -> `Foo`
    if _is_generic(stem, path) or stem.lower() in ("conftest", "spechelper"):
        return _subject_from_dirs(parts[:-1])
    return _norm(stem)


def _context(dirs: Iterable[str]) -> frozenset[str]:
    """The folders that say what a file is about (not src/, tests/, unit/ ...)."""
    return frozenset(
        part.lower() for part in dirs
        if part and not is_test_dir(part) and part.lower() not in _NOT_CONTEXT
    )


def _test_prefix(dirs: list[str]) -> list[str]:
    """The folders above a test file's test tree (the project it belongs to)."""
    for index, part in enumerate(dirs):
        if is_test_dir(part) or part.lower() in SPEC_DIRS:
            return dirs[:index]
    return dirs


def mirror_score(source_path: str, test_path: str) -> int | None:
    """How closely `test_path` mirrors `source_path`'s folders; None when it can't be its test.

    A test belongs to a source when it tests the same subject, in the same language family,
    inside the same project, and every subject folder of the test is a folder of the source.
    """
    family = language_family(source_path)
    if family is None or language_family(test_path) != family or not names_a_test(test_path):
        return None
    subject = source_subject(source_path)
    if not subject or subject != subject_under_test(test_path):
        return None
    src_dirs, test_dirs = source_path.split("/")[:-1], test_path.split("/")[:-1]
    if family == "go" and src_dirs != test_dirs:
        return None  # a Go test is compiled with its package: same folder or not its test
    prefix = _test_prefix(test_dirs)
    own_folder = [*src_dirs, source_path.rsplit("/", 1)[-1].split(".", 1)[0]]  # Rust foo/tests.rs
    if src_dirs[:len(prefix)] != prefix and prefix != own_folder:
        return None
    src_ctx = _context(src_dirs)
    test_ctx = _context(test_dirs[len(prefix):])
    if not test_ctx <= src_ctx:
        return None
    return len(test_ctx)


def names_a_test(path: str) -> bool:
    """True when a runner would run `path` as a test, not load it as a helper or fixture.

    `tests/bootstrap.php`, `tests/mock_repo.go` and `spec/support/helpers.rb` live in test trees
    but test nothing of their own. Rust integration tests and C/C++ test programs carry no affix;
    Jest runs any file under `__tests__/`.
    """
    parts = path.split("/")
    name = parts[-1]
    if is_test_name(name, extension(name)):
        return True
    family = language_family(path)
    if family in ("rust", "c"):
        return True
    if family == "jvm":
        return _JVM_SPEC.search(name) is not None  # Kotest and Spock specs: FooSpec.kt
    return family == "js" and "__tests__" in parts


def covers(source_path: str, test_path: str) -> bool:
    """True when `test_path` plausibly exercises `source_path` without being named after it.

    Folders name what tests cover as often as file names do: `tests/api/teams/test_scoring.py`
    covers `api/teams.py`, `extras/tests/test_forms.py` covers `extras/forms/scripts.py`,
    and a Rails request spec `spec/requests/comments_spec.rb` covers `comments_controller.rb`.
    A longer name is another subject: `user_presenter_spec.rb` does not cover `user.rb`.
    """
    family = language_family(source_path)
    if family is None or language_family(test_path) != family or not names_a_test(test_path):
        return False
    src_dirs, test_dirs = source_path.split("/")[:-1], test_path.split("/")[:-1]
    prefix = _test_prefix(test_dirs)
    if src_dirs[:len(prefix)] != prefix:
        return False
    names = _subject_names(source_path)
    src_ctx = {_norm(part) for part in _context(src_dirs)}
    test_ctx = {_norm(part) for part in _context(test_dirs[len(prefix):])}
    if not names or not test_ctx - names <= src_ctx:
        return False  # tests/models/version_test.rb says nothing of views/version/pushed.rb
    tested = subject_under_test(test_path)
    return bool(test_ctx & names) or tested in names or tested in src_ctx


_PASCAL = lazy_compile(r"[A-Z][A-Za-z0-9]*")


def tests_an_aspect(source_path: str, test_path: str, known_stems: frozenset[str]) -> bool:
    """True when `test_path` tests one aspect of a PascalCase class: `UserManagerUpdateUserTests`
    tests `UserManager`, unless a class `UserManagerUpdateUser` exists (`known_stems`).

    Java, C#, PHP and Kotlin suites split a big class's tests by feature this way; snake_case
    names (`user_presenter_spec.rb`) name another subject and are left to `covers`.
    """
    family = language_family(source_path)
    if family is None or language_family(test_path) != family or not names_a_test(test_path):
        return False
    stem = _source_stem(basename(source_path))
    tested = _TEST_AFFIX.sub("", basename(test_path).split(".", 1)[0])
    if not _PASCAL.fullmatch(stem) or not _PASCAL.fullmatch(tested):
        return False
    rest = tested[len(stem):]
    if not tested.startswith(stem) or not rest[:1].isupper() or tested in known_stems:
        return False
    src_dirs, test_dirs = source_path.split("/")[:-1], test_path.split("/")[:-1]
    prefix = _test_prefix(test_dirs)
    src_ctx = {_norm(part) for part in _context(src_dirs)}
    test_ctx = {_norm(part) for part in _context(test_dirs[len(prefix):])}
    return src_dirs[:len(prefix)] == prefix and test_ctx <= src_ctx


def _subject_names(source_path: str) -> set[str]:
    """A source's subject, with and without a role suffix (`commentscontroller`, `comments`)."""
    subject = source_subject(source_path)
    if not subject:
        return set()
    names = {subject}
    for role in _ROLE_SUFFIXES:
        if subject.endswith(role) and len(subject) > len(role):
            names.add(subject[:-len(role)])
    return names


def index_tests(test_paths: Iterable[str]) -> dict[str, list[str]]:
    """Group test paths by the subject they test, for `own_tests` lookups."""
    index: dict[str, list[str]] = {}
    for path in test_paths:
        index.setdefault(subject_under_test(path), []).append(path)
    return index


def own_tests(source_path: str, test_paths: Iterable[str]) -> list[str]:
    """The test files among `test_paths` that are `source_path`'s own, closest mirrors first."""
    scored: list[tuple[int, str]] = []
    for test_path in test_paths:
        score = mirror_score(source_path, test_path)
        if score is not None:
            scored.append((score, test_path))
    if not scored:
        return []
    best = max(score for score, _ in scored)
    return sorted(path for score, path in scored if score == best)


# --- conventional locations --------------------------------------------------------------------

def _split(source_path: str) -> tuple[list[str], str, str]:
    parts = source_path.split("/")
    name = parts[-1]
    stem, _, ext = name.rpartition(".")
    return parts[:-1], stem or name, ext


def _mirror(dirs: list[str], roots: tuple[str, ...], skip: int = 1) -> list[tuple[str, str]]:
    """(project prefix, path below the code root) for a source under one of `roots`."""
    for index, part in enumerate(dirs):
        if part in roots:
            return [("/".join(dirs[:index]), "/".join(dirs[index + skip:]))]
    return [("", "/".join(dirs))]


def _join(*parts: str) -> str:
    return "/".join(part for part in parts if part)


def _shorter(rel: str) -> list[str]:
    """`a/b/c`, `a/b`, `a`, ``: a mirrored folder and each of its ancestors."""
    parts = rel.split("/") if rel else []
    return ["/".join(parts[:end]) for end in range(len(parts), -1, -1)]


def _python(dirs: list[str], stem: str) -> list[str]:
    if stem == "__init__" and dirs:
        stem = dirs[-1]  # a package's __init__.py is tested as the package
    here = "/".join(dirs)
    out = []
    for prefix, rel in _mirror(dirs, ("src", "lib")):
        inner = rel.split("/", 1)[1] if "/" in rel else ""  # below the package folder
        for below in dict.fromkeys((rel, *_shorter(inner))):
            out.append(_join(prefix, "tests", below, f"test_{stem}.py"))
    # Django apps keep tests/ inside each app folder: netbox/dcim/tests/test_views.py.
    out.extend(_join(folder, "tests", f"test_{stem}.py") for folder in _shorter(here)[:-1])
    return [*out, _join(here, f"test_{stem}.py"), _join(here, f"{stem}_test.py")]


_COMPONENT_EXTS = frozenset({"vue", "svelte", "astro"})


def _js(dirs: list[str], stem: str, ext: str) -> list[str]:
    if ext in _COMPONENT_EXTS:  # a Vue or Svelte component is tested from a script file
        return [path for script in ("ts", "js") for path in _js(dirs, stem, script)]
    here = "/".join(dirs)
    out = [_join(here, f"{stem}.test.{ext}"), _join(here, f"{stem}.spec.{ext}"),
           _join(here, "__tests__", f"{stem}.test.{ext}"),
           _join(here, "__tests__", f"{stem}.{ext}")]
    for prefix, rel in _mirror(dirs, ("src", "lib", "app")):
        for root in ("test", "tests"):
            out.append(_join(prefix, root, rel, f"{stem}.test.{ext}"))
            out.append(_join(prefix, root, rel, f"{stem}.spec.{ext}"))
    return out


def _jvm(dirs: list[str], stem: str, ext: str) -> list[str]:
    path = "/".join(dirs)
    if "src/main/" in path + "/":
        test_dir = path.replace("src/main", "src/test", 1)
    else:
        test_dir = _join("test", path)
    return [_join(test_dir, f"{stem}{suffix}.{ext}") for suffix in ("Test", "Tests", "IT")]


def _ruby(dirs: list[str], stem: str) -> list[str]:
    prefix, rel = _mirror(dirs, ("app", "lib"))[0]
    lib_rel = _join("lib", rel) if "lib" in dirs else rel
    out = []
    for below in dict.fromkeys((rel, lib_rel)):
        out.append(_join(prefix, "spec", below, f"{stem}_spec.rb"))
        out.append(_join(prefix, "test", below, f"{stem}_test.rb"))
    return out


def _dotnet(dirs: list[str], stem: str, ext: str) -> list[str]:
    stem = stem.split(".", 1)[0]  # partial class files: Repo.Querying.cs is tested as Repo
    prefix, rel = _mirror(dirs, ("src",))[0]
    project, _, inner = rel.partition("/")
    out = []
    for root in ("tests", "test", ""):
        for suffix in ("Tests", "UnitTests"):
            base = _join(prefix, root, f"{project}.{suffix}" if project else suffix, inner)
            out.append(_join(base, f"{stem}Tests.{ext}"))
    return out


def _php(dirs: list[str], stem: str) -> list[str]:
    prefix, rel = _mirror(dirs, ("src", "app"))[0]
    return [_join(prefix, "tests", kind, rel, f"{stem}Test.php")
            for kind in ("", "Unit", "Feature")]


def _elixir(dirs: list[str], stem: str) -> list[str]:
    prefix, rel = _mirror(dirs, ("lib",))[0]
    return [_join(prefix, "test", rel, f"{stem}_test.exs")]


def _rust(dirs: list[str], stem: str) -> list[str]:
    prefix = _mirror(dirs, ("src",))[0][0]
    return [_join(*dirs, stem, "tests.rs"), _join(prefix, "tests", f"{stem}.rs")]


def _swift(dirs: list[str], stem: str, ext: str) -> list[str]:
    prefix, rel = _mirror(dirs, ("Sources",))[0]
    module, _, inner = rel.partition("/")
    return [_join(prefix, "Tests", f"{module}Tests", inner, f"{stem}Tests.{ext}")]


def _dart(dirs: list[str], stem: str) -> list[str]:
    prefix, rel = _mirror(dirs, ("lib",))[0]
    inner = rel.split("/", 1)[1] if rel.startswith("src/") else rel
    return list(dict.fromkeys([_join(prefix, "test", rel, f"{stem}_test.dart"),
                               _join(prefix, "test", inner, f"{stem}_test.dart")]))


def _c(dirs: list[str], stem: str, ext: str) -> list[str]:
    here = "/".join(dirs)
    prefix = _mirror(dirs, ("src", "lib"))[0][0]
    test_ext = "c" if ext in ("c", "h") else "cc" if ext == "cc" else "cpp"
    return [_join(here, f"{stem}_test.{test_ext}"), _join(here, f"{stem}_unittest.{test_ext}"),
            _join(prefix, "tests", f"test_{stem}.{test_ext}"),
            _join(prefix, "test", f"{stem}_test.{test_ext}")]


def _go(dirs: list[str], stem: str) -> list[str]:
    return [_join(*dirs, f"{stem}_test.go")]


# Conventions whose test file name does not depend on the source's extension.
_CANDIDATES_BY_STEM: dict[str, Callable[[list[str], str], list[str]]] = {
    "python": _python, "ruby": _ruby, "php": _php, "elixir": _elixir, "rust": _rust,
    "dart": _dart, "go": _go,
}
# Conventions whose test file keeps (or derives) the source's extension.
_CANDIDATES_BY_EXT: dict[str, Callable[[list[str], str, str], list[str]]] = {
    "js": _js, "jvm": _jvm, "dotnet": _dotnet, "swift": _swift, "c": _c,
}


def candidate_tests(source_path: str) -> list[str]:
    """Paths where the source file's own test conventionally lives, most likely first."""
    family = language_family(source_path) or ""
    dirs, stem, ext = _split(source_path)
    if family in _CANDIDATES_BY_STEM:
        return list(dict.fromkeys(_CANDIDATES_BY_STEM[family](dirs, stem)))
    build = _CANDIDATES_BY_EXT.get(family)
    if build is None:
        return []
    if ext.lower() in ("h", "hpp", "hh", "hxx") and family == "c":
        ext = "cpp" if ext.lower() != "h" else "c"
    return list(dict.fromkeys(build(dirs, stem, ext)))


# #[test], #[cfg(test)], #[tokio::test], #[rstest], #[test_case(..)], `mod tests {`.
_RUST_TEST_MARK = lazy_compile(r"#\[(?:cfg\([^)]*\btest\b|[\w:]*test\w*)"
                               r"|^\s*(?:pub\s+)?mod tests?\b")
_ZIG_TEST_MARK = lazy_compile(r'^\s*test\s*(?:"|\{)')


def has_inline_test_change(changed: ChangedFile) -> bool:
    """True when a Rust or Zig source file's changes fall in its inline tests.

    Rust keeps unit tests in a `#[cfg(test)] mod tests` at the end of the file: an added line
    counts when a test marker is added or appears earlier in the same hunk.
    """
    ext = extension(basename(changed.path))
    mark = _RUST_TEST_MARK if ext == "rs" else _ZIG_TEST_MARK if ext == "zig" else None
    if mark is None:
        return False
    for hunk in changed.hunks:
        seen = False
        for line in hunk.lines:
            if line.kind != "-" and mark.search(line.text):
                seen = True
            if seen and line.kind == "+":
                return True
    return False


# --- tests elsewhere in the PR that exercise a source -------------------------------------------

# Names a changed line defines: `def total(`, `func (p *Provider) GetVersions(`, `class Invoice`,
# `export const PREFERRED_TEAM_URL_COOKIE`, `fn parse(`.
_DEFINED = lazy_compile(
    r"^\s*(?:export\s+|pub(?:\([\w]+\))?\s+|public\s+|private\s+|protected\s+|static\s+"
    r"|async\s+|default\s+)*(?:def|func|function|class|fn|const|let|var|type|interface|enum"
    r"|module)\s+(?:\([^)]*\)\s*)?(\w{4,})")


def _defined_names(changed: ChangedFile) -> set[str]:
    names = set()
    for line in (*changed.added, *changed.removed):
        match = _DEFINED.match(line.text)
        if match:
            names.add(match[1])
    return names


def _module_names(source_path: str) -> set[str]:
    """How code refers to a source module: its file stem, or its folder for Go and `index`."""
    parts = source_path.split("/")
    stem = _source_stem(parts[-1])
    names = set()
    if language_family(source_path) == "go" or _is_generic(stem, source_path):
        if len(parts) > 1:
            names.add(parts[-2])
    else:
        names.add(stem)
    return {name for name in names if len(name) >= 4 and name.lower() not in _GENERIC_STEMS}


def exercised_by(source: ChangedFile, test: ChangedFile) -> str | None:
    """Why a test the PR changed exercises `source` although it is not its own test, or None.

    A Go test in the source's folder is compiled into its package; otherwise the test's changed
    lines must import the module or name what the source's change defines (a renamed method).
    Merely constructing the source's class as a collaborator does not count.
    """
    family = language_family(source.path)
    if family is None or language_family(test.path) != family:
        return None
    if family == "go" and source.path.rpartition("/")[0] == test.path.rpartition("/")[0]:
        return "same package"
    lines = [line.text for line in (*test.added, *test.removed)]
    for name in sorted(_defined_names(source)):
        pattern = re.compile(rf"\b{re.escape(name)}\b")
        if any(pattern.search(text) for text in lines):
            return f"uses {name}"
    imports = [text for text in lines if is_import_line(test.path, text)]
    for name in sorted(_module_names(source.path)):
        pattern = re.compile(rf"\b{re.escape(name)}\b")
        if any(pattern.search(text) for text in imports):
            return f"imports {name}"
    return None


def class_stems(paths: Iterable[str]) -> frozenset[str]:
    """The PascalCase file stems among `paths`: the classes a repository defines, by file."""
    stems = (_source_stem(basename(path)) for path in paths)
    return frozenset(stem for stem in stems if _PASCAL.fullmatch(stem))


def referable_names(changed: ChangedFile) -> set[str]:
    """The names other code uses `changed` by: its module name and what its change defines.

    A change that hands its work to a class or function the same PR adds or changes
    (`$this->connector->connect()`, `useSsoLogin()`) is tested where that code is tested.
    """
    return _module_names(changed.path) | _defined_names(changed)
