"""Finding one environment's values on a file's added lines.

A file's added lines are joined and searched once for cheap anchors (`://`, `localhost`, a
private-range prefix, `.internal`, an environment word, `/Users/`, `DEBUG`) with google-re2;
only the lines an anchor falls on are read closely. On the 25 MB benchmark diff that keeps the
check to a small share of the engine's time (docs/benchmarks.md).

What stays quiet on a line, whatever it holds:
- comments and docstrings (only string literals in code are read);
- log, print and error messages (`console.log("listening on http://localhost:3000")`);
- placeholder and help texts (`placeholder="192.168.1.10"`);
- loopback and 0.0.0.0 addresses in `listen`/`bind`/`serve` calls;
- values read through an environment or config API with a literal default
  (`os.getenv("REDIS_URL", "redis://localhost:6379")`, Spring's `${DB_URL:jdbc:...}`), except in
  files named for production;
- XML namespaces and schema URIs.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from typing import Any

from checks.hardcoded import hosts, rules
from checks.hardcoded.files import FileRole, Syntax
from checks.hardcoded.lines import Literal, is_comment_line, literals, property_value
from checks.model import ChangedFile, Line

try:  # google-re2 is a runtime dependency; without it the same anchors run in Python `re`
    import re2
except ImportError:  # pragma: no cover - exercised only where the wheel is unavailable
    re2 = None

_ANCHORS = (
    r"://|localhost|127\.0|0\.0\.0\.0|::1|\b10\.\d|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\."
    r"|100\.(?:6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.|169\.254\.|f[cde][0-9a-f]{2}:"
    r"|\.(?:local|internal|corp|lan|intranet|consul|svc|localdomain)\b|\.home\.arpa"
    r"|/Users/|/home/|[\\/]Users[\\/]|debug"
)
RE2_MAX_MEM = 64 << 20
_TEXT = itemgetter(1)

# Environment and config reads, in the languages the check reads.
ENV_READ = re.compile(
    r"os\.environ|getenv\(|process\.env\b|import\.meta\.env|System\.getenv|\bENV\[|ENV\.fetch"
    r"|\benv\(|\benv\.\w+\(|Environment\.GetEnvironmentVariable|os\.(?:Getenv|LookupEnv)"
    r"|viper\.Get|\bconfig\(\s*['\"][A-Z]|Deno\.env|env::var|\$\{[A-Za-z_][\w.\-]*:"
    r"|@Value\(|settings\.\w+|getProperty\(|\.get_env\(|Config\.get\(")
_MESSAGE = re.compile(
    r"(?:console\.\w+|\bprint(?:ln|f)?|\bputs|\becho|\blog(?:ger|ging)?\.\w+|\bLog\.\w+"
    r"|\bfmt\.\w*(?:Print|Errorf)\w*|System\.(?:out|err)\.|\braise\b|\bthrow\b|\bpanic\("
    r"|\bwarn(?:ing)?\(|\b(?:Exception|Error)\()")
_PLACEHOLDER_KEY = re.compile(r"(?:placeholder|example|hint|help(?:er)?_?text|description"
                              r"|tooltip|usage|label|title|desc|summary)\w*['\"\]]?\s*"
                              r"(?:=>|[:=(,])\s*[\[({]?\s*$", re.IGNORECASE)
_EXAMPLE_TEXT = re.compile(r"\be\.g\.|\bi\.e\.|for example|such as", re.IGNORECASE)
_BIND_CALL = re.compile(r"listen|bind|serve|createServer|Listen|Bind|Serve|\bRun\(|\bAddr\b",
                        re.IGNORECASE)
# Words on a line of a usage text or a shell example (`goose vertica "..." status`): two or more
# words before the literal and no operator, so not code.
_PROSE_BEFORE = re.compile(r"^\s*(?!(?:return|yield|case|when|await|else|in)\s)[A-Za-z][\w.\-]*"
                           r"(?:[ \t]+[\w.\-/]+)+[ \t]*$")
_SENTENCE = re.compile(r"[^\s,]\s+[^\s,]")
_KEY_BEFORE = re.compile(r"(?P<key>[A-Za-z_][\w\-]*)['\"\]]?\s*(?:=>|:=|==|!=|[:=(])\s*"
                         r"[\[({]?\s*(?:(?:\"[^\"]*\"|'[^']*')\s*,\s*)*$")
_BLOCK_OPEN = re.compile(r"(?P<key>[A-Za-z_][\w\-]*)['\"\]]?\s*(?:=>|:=|[:=])\s*[\[{(]\s*$")
_WORD_PIECE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_DEV_KEY_WORDS = frozenset({
    "dev", "devel", "development", "local", "localhost", "test", "testing", "mock", "fake",
    "example", "sample", "demo", "debug", "sandbox", "loopback",
})
_PEER_WORDS = frozenset({"remote", "client", "peer", "source", "src", "sender", "origin"})
_ADDRESS_WORDS = frozenset({"addr", "address", "ip", "host"})
_SCHEMA = re.compile(r"xmlns|\$schema|schemaLocation|\$id\b|DOCTYPE|namespace", re.IGNORECASE)

_USER_UNIX = re.compile(r"(?<![\w.~\-])/(?P<root>Users|home)/(?P<name>[A-Za-z0-9._\-]+)/"
                        r"(?P<rest>[^\s\"'`]*)")
_USER_WINDOWS = re.compile(r"(?<![\w])[A-Za-z]:(?:\\{1,2}|/)Users(?:\\{1,2}|/)"
                           r"(?P<name>[^\\/\s\"'`]+)(?:\\|/)")
_PLACEHOLDER_NAMES = frozenset({
    "user", "username", "name", "you", "yourname", "your_name", "your-name", "me", "someone",
    "example", "shared", "public", "default", "defaultuser0", "all users", "foo", "john",
    "jdoe", "johndoe", "janedoe", "alice", "bob", "xxx", "runner", "<user>", "$user",
})
# Folders people keep in their home: a `/home/<name>/...` path into one is a file system path,
# not a web route like `/home/settings/`.
_HOME_DIRS = frozenset({
    "documents", "desktop", "downloads", "projects", "project", "workspace", "work", "src",
    "code", "dev", "repos", "git", "go", "library", "miniconda3", "anaconda3", "data",
    "models", "notebooks", "pictures", "music", "videos", "github", "sites", "apps", "tmp",
})

_PY_DEBUG = re.compile(
    r"^\s*(?:[A-Z][A-Z0-9_]*_)?DEBUG\s*(?::\s*bool\s*)?=\s*True\b"
    r"|\[\s*['\"](?:[A-Z_]*DEBUG|debug)['\"]\s*\]\s*=\s*True\b|['\"]debug['\"]\s*:\s*True\b")
_PY_DEBUG_DEFAULT = re.compile(
    r"^\s*(?:[A-Z][A-Z0-9_]*_)?DEBUG\s*(?::\s*bool\s*)?=.*(?:default\s*=\s*True"
    r"|,\s*['\"]?(?:True|true|1|yes|on)['\"]?\s*\))")
_GO_DEBUG = re.compile(r"gin\.SetMode\(\s*gin\.DebugMode\s*\)")
_PROPERTY_DEBUG = frozenset({"debug=", "trace="})

_KEYED_LITERAL = re.compile(
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
# Generated clients (OpenAPI Generator, gRPC gateways) carry the spec's placeholder server URL
# and say so in a header the engine's own generated-file marker does not always match.
_GENERATED_HEADER = re.compile(r"auto[- ]?generated|generated by|do not edit", re.IGNORECASE)
GENERATED_HEADER_LINES = 20


def looks_generated(changed: ChangedFile) -> bool:
    """True when the file's first lines say a tool wrote it."""
    return any(line.number <= GENERATED_HEADER_LINES and _GENERATED_HEADER.search(line.text)
               for line in changed.added[:GENERATED_HEADER_LINES])


@dataclass(frozen=True)
class Hit:
    """One environment value on an added line."""

    rule: str
    line: int
    what: str  # `localhost:8000`, `/Users/jane/`, `DEBUG = True`, `AWS_STORAGE_BUCKET_NAME`
    key: str = ""  # the name the value is assigned to or passed as, when the line says


@dataclass(frozen=True)
class Tuning:
    """The team's additions from the options: hosts that are fine, more environment words."""

    allow_hosts: tuple[str, ...] = ()
    env_words: frozenset[str] = frozenset()

    def allows(self, host: str) -> bool:
        """True when `host` is, or is under, a host the team allows."""
        host = host.lower().strip("[]")
        return any(host == h or host.endswith("." + h) for h in self.allow_hosts)


def _compile(source: str, case_sensitive: bool = False) -> Any:
    if re2 is None:
        return re.compile(source, 0 if case_sensitive else re.IGNORECASE)
    options = re2.Options()
    options.max_mem = RE2_MAX_MEM
    options.log_errors = False
    options.never_capture = True
    options.case_sensitive = case_sensitive
    return re2.compile(source.encode("ascii"), options)


# The same reads in google-re2, for whole files (None without the wheel).
_ENV_READ_FAST = _compile(ENV_READ.pattern, case_sensitive=True) if re2 is not None else None
# A loose form of `_KEYED_LITERAL` under a resource-like key, to skip most files at C speed.
_KEYED_FAST = _compile(r"(?:bucket|queue|region|name|database|account|project_?id|topic_?arn)"
                       r"['\"\]]?\s*(?:=>|:=|=|:)\s*['\"][A-Za-z0-9][\w.:/-]*[0-9_.-]")


def anchor_source(env_words: Sequence[str]) -> str:
    """The pre-filter's pattern: the fixed anchors and every environment word."""
    words = sorted({*hosts.ENV_WORDS, *env_words})
    return _ANCHORS + "|" + "|".join(re.escape(word) for word in words)


class Anchors:
    """The compiled pre-filter: which added lines of a file may hold a value worth reading."""

    def __init__(self, env_words: Sequence[str]) -> None:
        self._pattern = _compile(anchor_source(env_words))

    def lines(self, added: Sequence[Line], joined: str | bytes) -> list[Line]:
        """The added lines an anchor falls on, in order (`joined`: their texts joined by
        newlines, as bytes with one byte per character when google-re2 is in use)."""
        starts: list[int] = []
        picked: list[Line] = []
        last = -1
        for match in self._pattern.finditer(joined):
            if not starts:
                offset = 0
                for text in map(_TEXT, added):
                    starts.append(offset)
                    offset += len(text) + 1
            index = bisect_right(starts, match.start()) - 1
            if index != last:
                picked.append(added[index])
                last = index
        return picked


def _env_default(code: str, literal: Literal, role: FileRole) -> bool:
    """The value is a default behind an environment read, outside a production file."""
    if role.production:
        return False
    return ENV_READ.search(code) is not None or "${" in literal.text


def _quiet_context(code: str, literal: Literal) -> bool:
    return (_MESSAGE.search(code) is not None or _PLACEHOLDER_KEY.search(literal.before)
            is not None or _EXAMPLE_TEXT.search(literal.text) is not None
            or _SCHEMA.search(code) is not None or _PROSE_BEFORE.match(literal.before)
            is not None or _named_for_no_environment(literal.before))


def _named_for_no_environment(before: str) -> bool:
    """`devUrl = ...`, `LOCAL_API: ...`, `RemoteAddr = ...`: the name says the value is a
    development value, or an address that arrives (a peer's), not one to connect to."""
    match = _KEY_BEFORE.search(before)
    if match is None:
        return False
    words = {word.lower() for word in _WORD_PIECE.findall(match.group("key"))}
    return not words.isdisjoint(_DEV_KEY_WORDS) or (
        not words.isdisjoint(_PEER_WORDS) and not words.isdisjoint(_ADDRESS_WORDS))


def _text_not_value(literal: Literal, use: hosts.HostUse) -> bool:
    """The literal is text around the address: a sentence or command line
    (`curl -u x https://localhost:9200`), or a line of another file (`url=dev-lb1.acme:5215`)."""
    return (_SENTENCE.search(literal.text.strip()) is not None
            or "=" in literal.text[:use.start])


def _host_hits(line: Line, code: str, found: Sequence[Literal], role: FileRole,
               tuning: Tuning) -> Iterator[Hit]:
    for literal in found:
        if _quiet_context(code, literal) or _env_default(code, literal, role):
            continue
        for use in hosts.host_uses(literal.text, literal.before, tuning.env_words):
            if tuning.allows(use.host) or _text_not_value(literal, use):
                continue
            if use.scheme is None and use.rule in (rules.LOCAL_URL, rules.LOCAL_PORT) \
                    and _BIND_CALL.search(code):
                continue
            shown = use.host + (f":{use.port}" if use.port is not None else "")
            key = _KEY_BEFORE.search(literal.before)
            yield Hit(use.rule, line.number, shown, key.group("key") if key else "")


def _user_name_ok(name: str) -> bool:
    lowered = name.lower()
    return (lowered in _PLACEHOLDER_NAMES or lowered.isdigit()
            or any(c in name for c in "$%{}<>*"))


def _user_paths(line: Line, found: Sequence[Literal]) -> Iterator[Hit]:
    for literal in found:
        for match in _USER_UNIX.finditer(literal.text):
            name, root = match.group("name"), match.group("root")
            if _user_name_ok(name):
                continue
            first = match.group("rest").split("/", 1)[0]
            if root == "home" and first.lower() not in _HOME_DIRS and not first.startswith("."):
                continue  # `/home/settings/` is a web route; a home folder has known children
            yield Hit(rules.USER_PATH, line.number, f"/{root}/{name}/")
        for match in _USER_WINDOWS.finditer(literal.text):
            if not _user_name_ok(match.group("name")):
                yield Hit(rules.USER_PATH, line.number, f"C:\\Users\\{match.group('name')}\\")


def _debug(line: Line, code: str, role: FileRole) -> Iterator[Hit]:
    if role.go and _GO_DEBUG.search(code):
        yield Hit(rules.DEBUG_ON, line.number, "gin.SetMode(gin.DebugMode)")
    if not role.settings or not role.python:
        return
    if _PY_DEBUG.search(code):
        yield Hit(rules.DEBUG_ON, line.number, "DEBUG = True")
    elif role.production and _PY_DEBUG_DEFAULT.search(code):
        yield Hit(rules.DEBUG_ON, line.number, "DEBUG defaulting to True")


def _property_debug(line: Line, value: Literal) -> Iterator[Hit]:
    if value.before in _PROPERTY_DEBUG and value.text.lower() == "true":
        yield Hit(rules.DEBUG_ON, line.number, value.before.rstrip("=") + "=true")


def scan_line(line: Line, role: FileRole, tuning: Tuning) -> list[Hit]:
    """The environment values on one added line that passed the pre-filter."""
    if role.syntax is Syntax.PROPERTIES:
        value = property_value(line.text)
        if value is None:
            return []
        code = line.text
        found = [value]
        hits = list(_property_debug(line, value))
    else:
        if is_comment_line(line.text):
            return []
        found, code = literals(line.text, role.comments)
        hits = list(_debug(line, code, role))
    hits += _host_hits(line, code, found, role, tuning)
    hits += _user_paths(line, found)
    return hits


def _normal_key(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "")


def reads_environment(text: str) -> bool:
    """True when a file's text reads configuration from the environment more than once."""
    if _ENV_READ_FAST is None:
        matches: Iterator[object] = ENV_READ.finditer(text)
    else:
        matches = _ENV_READ_FAST.finditer(text.encode("ascii", "replace"))
    return sum(1 for _ in islice(matches, ENV_READ_MIN)) >= ENV_READ_MIN


_NAME_MARK = re.compile(r"[\d_.\-]")


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


_HOST_RULES = frozenset({rules.LOCAL_URL, rules.LOCAL_PORT, rules.PRIVATE_IP,
                         rules.INTERNAL_HOST, rules.ENV_HOST})
FALLBACK_LINES = 3


def _without_env_fallbacks(changed: ChangedFile, hits: list[Hit]) -> list[Hit]:
    """Drop hosts that are the fallback of an environment read of the same name a few lines
    above: `url = os.getenv("DATABASE_URL")` / `if not url:` / `url = "postgresql://..."`."""
    texts = {line.number: line.text for line in changed.added}

    def fallback(hit: Hit) -> bool:
        above = [texts.get(hit.line - back, "") for back in range(1, FALLBACK_LINES + 1)]
        return (bool(hit.key) and any(hit.key in text and ENV_READ.search(text)
                                      for text in above)) or _in_dev_block(above)

    return [hit for hit in hits if hit.rule not in _HOST_RULES or not fallback(hit)]


def _in_dev_block(above: Sequence[str]) -> bool:
    """The value sits in a block opened just above under a development name:
    `const defaultDevConfig = {` / `  url: 'http://localhost:3000/',`."""
    for text in above:
        opened = _BLOCK_OPEN.search(text)
        if opened is not None:
            words = {word.lower() for word in _WORD_PIECE.findall(opened.group("key"))}
            return not words.isdisjoint(_DEV_KEY_WORDS)
    return False


def file_hits(changed: ChangedFile, role: FileRole, anchors: Anchors,
              tuning: Tuning) -> list[Hit]:
    """Every environment value on one file's added lines."""
    joined = "\n".join(map(_TEXT, changed.added))
    # google-re2 matches bytes; "replace" keeps one byte per character, so offsets stay valid.
    data = joined if re2 is None else joined.encode("ascii", "replace")
    hits: list[Hit] = []
    for line in anchors.lines(changed.added, data):
        hits += scan_line(line, role, tuning)
    if hits and not role.production:
        hits = _without_env_fallbacks(changed, hits)
    if role.syntax is Syntax.CODE and _KEYED_FAST.search(data) is not None:
        # Only now is the rest of the file (context lines) worth assembling.
        text = changed.shown_text() or joined
        if reads_environment(text):
            hits += env_literals(changed, text)
    return hits
