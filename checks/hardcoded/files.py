"""Which changed files the `hardcoded` check reads, and what each one is for.

Only application code is judged: tests, docs, examples, fixtures, scripts, CI, build and tool
configs (`vite.config.ts`, `webpack.dev.js`), infrastructure code and deployment manifests are
left alone, because holding one environment's values is their job. Files named for a
development or test environment (`settings/dev.py`, `config.local.ts`, `application-dev.yml`,
`setupProxy.js`) are left alone too. Files named for production (`settings/production.py`,
`application-prod.properties`) are judged more strictly: a development default behind an
environment read is reported there, because production should fail fast when a value is missing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from posixpath import basename

from checks.lazyre import lazy_compile
from checks.paths import PathKind, classify, extension

# Path words (split on / . _ -) that name a development, test or demo environment.
DEV_WORDS = frozenset({
    "dev", "devel", "develop", "development", "local", "localhost", "sandbox", "playground",
    "demo", "demos", "example", "examples", "sample", "samples", "mock", "mocks", "fake",
    "fakes", "stub", "stubs", "seed", "seeds", "fixture", "fixtures", "e2e", "test", "tests",
    "testing", "spec", "ci", "debug", "storybook", "devserver", "template", "templates", "dist",
    "setupproxy",
})
# Path words of what is not the application's own code, wherever they sit (the shared
# classification stops looking for docs/ below src/): copied libraries and their docs.
NOT_APP_WORDS = frozenset({"vendors", "vendored", "docs", "doc", "documentation", "thirdparty"})
PRODUCTION_WORDS = frozenset({"prod", "production", "prd"})
# Folders of code whose job is to describe one environment: infrastructure as code (CDK,
# Pulumi), deployment, and per-environment config modules (Angular's `src/environments/`).
VALUE_DIRS = frozenset({
    "infra", "infrastructure", "cdk", "pulumi", "iac", "ops", "devops", "deploy", "deployment",
    "deployments", "provisioning", "k8s", "kubernetes", "helm", "charts", "terraform",
    "ansible", "environments", "env", "envs",
})
_WORD_SPLIT = lazy_compile(r"[/._\-]+")
# Spring Boot's own configuration files, packaged into the application: judged like code.
_SPRING_CONFIG = lazy_compile(r"(?:^|/)src/main/resources/(?:config/)?(?:application|bootstrap)"
                              r"(?:-(?P<profile>[\w-]+))?\.(?:properties|ya?ml)$")
# Dev-server proxy settings: Angular's proxy.conf.js, Create React App's setupProxy.js.
_DEV_SERVER = lazy_compile(r"(?:^|/)(?:proxy\.conf(?:ig)?|setupProxy)\.\w+$")
_SETTINGS_NAME = lazy_compile(r"(?:^|_)settings(?:_|\.py$)|^(?:config|conf|configuration)\.py$")


class Syntax(enum.Enum):
    """How a judged file's lines are read."""

    CODE = "code"  # string literals in code; comments and docstrings skipped
    PROPERTIES = "properties"  # `key=value` / `key: value` lines (Spring Boot)


class Comments(enum.Enum):
    """Where a line comment starts in a language."""

    HASH = "#"  # Python, Ruby, Elixir, R, Perl, properties and YAML
    SLASHES = "//"  # C-like languages, JavaScript, Go, Java, C#, Rust, Swift, Kotlin
    BOTH = "both"  # PHP


# Extensions of the files the check may read: code, and Spring Boot's properties and YAML.
_READ_EXTS = frozenset({*(ext for exts in (
    "py pyx js jsx mjs cjs ts tsx mts cts vue svelte astro coffee go java kt groovy scala sc clj "
    "cljs cljc rb cs fs fsx vb razor rs php ex exs erl hrl gleam swift m mm dart c h cc cpp cxx "
    "hpp hh lua pl pm r jl hs ml elm zig nim cr sol".split(),) for ext in exts),
    "properties", "yml", "yaml"})
_VALUE_EXTS = frozenset({"properties", "yml", "yaml"})
_HASH_EXTS = frozenset({"py", "pyx", "rb", "ex", "exs", "r", "pl", "pm", "jl", "cr", "nim",
                        "coffee", "properties", "yml", "yaml"})
_BOTH_EXTS = frozenset({"php"})


@dataclass(frozen=True)
class FileRole:
    """How to read one judged file."""

    syntax: Syntax
    comments: Comments
    python: bool  # docstrings are skipped, `DEBUG = True` is read
    settings: bool  # a settings module: debug switches count
    production: bool  # named for production: development defaults count
    go: bool = False


def path_words(path: str) -> frozenset[str]:
    """The lower-cased words of a path, split on `/ . _ -`."""
    return frozenset(_WORD_SPLIT.split(path.lower()))


def _comments(ext: str) -> Comments:
    if ext in _HASH_EXTS:
        return Comments.HASH
    return Comments.BOTH if ext in _BOTH_EXTS else Comments.SLASHES


def role_of(path: str) -> FileRole | None:
    """How the check reads `path`, or None when its name alone rules it out (see also
    `is_application_code`, asked only of files with hits since it costs more)."""
    ext = extension(basename(path))
    if ext not in _READ_EXTS:
        return None  # most files of a PR, decided without splitting the path
    words = path_words(path)
    production = not words.isdisjoint(PRODUCTION_WORDS)
    if (not production and not words.isdisjoint(DEV_WORDS)) or _DEV_SERVER.search(path) \
            or not words.isdisjoint(NOT_APP_WORDS):
        return None
    spring = _SPRING_CONFIG.search(path)
    if spring is not None:
        if spring.group("profile"):
            return None  # application-prod.yml holds production's values by design
        return FileRole(Syntax.PROPERTIES, Comments.HASH, False, True, production)
    if ext in _VALUE_EXTS:
        return None  # other YAML and properties files are configuration
    dirs = path.lower().split("/")[:-1]
    if not VALUE_DIRS.isdisjoint(dirs):
        return None
    python = ext == "py"
    settings = python and ("settings" in dirs or _SETTINGS_NAME.search(basename(path)) is not None)
    return FileRole(Syntax.CODE, _comments(ext), python, settings, production, go=ext == "go")


def is_application_code(path: str, role: FileRole) -> bool:
    """True when the shared classification calls `path` source (not a test, doc, script or
    config), or it is a Python settings module (cookiecutter-django keeps them in config/,
    which the classification calls config; they run in every environment)."""
    if role.syntax is Syntax.PROPERTIES:
        return True
    kind = classify(path)
    return kind is PathKind.SOURCE or (role.settings and kind is PathKind.CONFIG)
