"""Environment values that are not hosts: home folders, debug switches, and resource names
hardcoded in a file that reads its other settings from the environment."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice

from checks.hardcoded import rules
from checks.hardcoded.context import ENV_READ
from checks.hardcoded.fast import as_data, compile_fast
from checks.hardcoded.files import FileRole
from checks.hardcoded.lines import Literal, is_comment_line
from checks.hardcoded.model import Hit
from checks.lazyre import lazy_compile
from checks.model import ChangedFile, Line

_USER_UNIX = lazy_compile(r"(?<![\w.~\-])/(?P<root>Users|home)/(?P<name>[A-Za-z0-9._\-]+)/"
                          r"(?P<rest>[^\s\"'`]*)")
_USER_WINDOWS = lazy_compile(r"(?<![\w])[A-Za-z]:(?:\\{1,2}|/)Users(?:\\{1,2}|/)"
                             r"(?P<name>[^\\/\s\"'`]+)(?:\\|/)")
_PLACEHOLDER_NAMES = frozenset({
    "user", "username", "name", "you", "yourname", "your_name", "your-name", "me", "someone",
    "example", "shared", "public", "default", "defaultuser0", "all users", "foo", "john",
    "jdoe", "johndoe", "janedoe", "alice", "bob", "xxx", "runner", "<user>", "$user",
})
# Folders people keep in their home: a `/home/<name>/...` path into one is a file system path,
# not a web route like `/home/settings/`.
# A path that ends in a file name with an extension (`.../train.csv`) is a file system path.
_FILE_NAME = lazy_compile(r"[^/]\.(?:[a-z0-9]{1,5})$")
_HOME_DIRS = frozenset({
    "documents", "desktop", "downloads", "projects", "project", "workspace", "work", "src",
    "code", "dev", "repos", "git", "go", "library", "miniconda3", "anaconda3", "data",
    "models", "notebooks", "pictures", "music", "videos", "github", "sites", "apps", "tmp",
})

_PY_DEBUG = lazy_compile(
    r"^\s*(?:[A-Z][A-Z0-9_]*_)?DEBUG\s*(?::\s*bool\s*)?=\s*True\b"
    r"|\[\s*['\"](?:[A-Z_]*DEBUG|debug)['\"]\s*\]\s*=\s*True\b|['\"]debug['\"]\s*:\s*True\b")
_PY_DEBUG_DEFAULT = lazy_compile(
    r"^\s*(?:[A-Z][A-Z0-9_]*_)?DEBUG\s*(?::\s*bool\s*)?=.*(?:default\s*=\s*True"
    r"|,\s*['\"]?(?:True|true|1|yes|on)['\"]?\s*\))")
_GO_DEBUG = lazy_compile(r"gin\.SetMode\(\s*gin\.DebugMode\s*\)")
_PROPERTY_DEBUG = frozenset({"debug=", "trace="})

_KEYED_LITERAL = lazy_compile(
    r"(?P<key>[A-Za-z_][\w\-]*)['\"\]]?\s*(?:=>|:=|=|:)\s*(?P<q>['\"])"
    r"(?P<value>[A-Za-z0-9][\w.\-:/]{1,62})(?P=q)")
_ENV_KEY_ENDS = ("bucket", "bucketname", "queue", "queuename", "queueurl", "region",
                 "awsregion", "regionname", "dbname", "databasename", "database", "accountid",
                 "accountname", "storageaccount", "account", "projectid", "topicarn")
# Values that are not one environment's: engine and driver names, placeholders.
_GENERIC_VALUES = frozenset({
    "default", "test", "testing", "postgres", "postgresql", "mysql", "sqlite", "sqlite3",
    "mongodb", "redis", "memory", ":memory:", "none", "null", "true", "false", "local", "main",
    "primary", "replica", "auto", "dev", "development",
})
ENV_READ_MIN = 2

# The same reads in google-re2, for whole files.
_ENV_READ_FAST = compile_fast(ENV_READ.pattern, case_sensitive=True)


def _user_name_ok(name: str) -> bool:
    lowered = name.lower()
    return (lowered in _PLACEHOLDER_NAMES or lowered.isdigit()
            or any(c in name for c in "$%{}<>*"))


def user_paths(line: Line, found: Sequence[Literal]) -> Iterator[Hit]:
    for literal in found:
        for match in _USER_UNIX.finditer(literal.text):
            name, root = match.group("name"), match.group("root")
            if _user_name_ok(name):
                continue
            rest = match.group("rest")
            first = rest.split("/", 1)[0]
            if first.lower() not in _HOME_DIRS and not first.startswith(".") \
                    and _FILE_NAME.search(rest) is None:
                continue  # `/home/settings/x`, `/Users/Public/Items`: web routes (Jellyfin's API
                # has the latter); a home folder has known children or holds a named file
            yield Hit(rules.USER_PATH, line.number, f"/{root}/{name}/")
        for match in _USER_WINDOWS.finditer(literal.text):
            if not _user_name_ok(match.group("name")):
                yield Hit(rules.USER_PATH, line.number, f"C:\\Users\\{match.group('name')}\\")


def debug_switches(line: Line, code: str, role: FileRole) -> Iterator[Hit]:
    if role.go and _GO_DEBUG.search(code):
        yield Hit(rules.DEBUG_ON, line.number, "gin.SetMode(gin.DebugMode)")
    if not role.settings or not role.python:
        return
    if _PY_DEBUG.search(code):
        yield Hit(rules.DEBUG_ON, line.number, "DEBUG = True")
    elif role.production and _PY_DEBUG_DEFAULT.search(code):
        yield Hit(rules.DEBUG_ON, line.number, "DEBUG defaulting to True")


def property_debug(line: Line, value: Literal) -> Iterator[Hit]:
    if value.before in _PROPERTY_DEBUG and value.text.lower() == "true":
        yield Hit(rules.DEBUG_ON, line.number, value.before.rstrip("=") + "=true")


def _normal_key(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "")


def reads_environment(text: str) -> bool:
    """True when a file's text reads configuration from the environment more than once."""
    matches = _ENV_READ_FAST.finditer(as_data(text))
    return sum(1 for _ in islice(matches, ENV_READ_MIN)) >= ENV_READ_MIN


_NAME_MARK = lazy_compile(r"[\d_.\-]")


def _resource_name(key: str, value: str) -> bool:
    """`acme-prod-media`, `us-east-1`, `shop_prod`: a name of one environment's resource, not
    a column mapping (`region: 'region'`), a driver or a path."""
    lowered = value.lower()
    return (lowered not in _GENERIC_VALUES and not value.startswith(("/", "."))
            and _normal_key(value) != key and not key.endswith(_normal_key(value))
            and _NAME_MARK.search(value) is not None)


def env_literals(changed: ChangedFile, text: str) -> Iterator[Hit]:
    """Database, bucket, queue, region and account literals in a file that reads the
    environment for its other settings (`text`: every line the diff shows of it)."""
    django_databases = "DATABASES" in text
    for line in changed.added:
        if is_comment_line(line.text) or ENV_READ.search(line.text):
            continue
        for match in _KEYED_LITERAL.finditer(line.text):
            key = _normal_key(match.group("key"))
            value = match.group("value")
            named = key.endswith(_ENV_KEY_ENDS) or (django_databases and key == "name")
            if not named or not _resource_name(key, value):
                continue
            yield Hit(rules.ENV_LITERAL, line.number, match.group("key"))
