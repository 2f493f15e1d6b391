"""When a host on a line is not one environment's value, whatever it looks like.

- log, print and error messages (`console.log("listening on http://localhost:3000")`);
- placeholder and help texts (`placeholder="192.168.1.10"`, "e.g. http://10.0.0.5:8080");
- usage texts and command lines (`curl -u x https://localhost:9200`), lines of another file's
  syntax inside a literal (`db.url=orders-db.dev.acme.io:5432`);
- values named for development (`devUrl`, a block opened as `defaultDevConfig = {`) and
  addresses that arrive (`RemoteAddr = "127.0.0.1:65535"`);
- loopback and 0.0.0.0 addresses in `listen`/`bind`/`serve` calls;
- values read through an environment or config API with a literal default
  (`os.getenv("REDIS_URL", "redis://localhost:6379")`, Spring's `${DB_URL:jdbc:...}`), or
  assigned as the fallback of a read of the same name just above, except in files named for
  production;
- XML namespaces and schema URIs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from checks.hardcoded import hosts, rules
from checks.hardcoded.files import FileRole
from checks.hardcoded.lines import Literal
from checks.hardcoded.model import Hit
from checks.lazyre import lazy_compile

# Environment and config reads, in the languages the check reads.
ENV_READ = lazy_compile(
    r"os\.environ|getenv\(|process\.env\b|import\.meta\.env|System\.getenv|\bENV\[|ENV\.fetch"
    r"|\benv\(|\benv\.\w+\(|Environment\.GetEnvironmentVariable|os\.(?:Getenv|LookupEnv)"
    r"|viper\.Get|\bconfig\(\s*['\"][A-Z]|Deno\.env|env::var|\$\{[A-Za-z_][\w.\-]*:"
    r"|@Value\(|settings\.\w+|getProperty\(|\.get_env\(|Config\.get\(")
_MESSAGE = lazy_compile(
    r"(?:\bassert\w*!?\s*\(|\bassert\s|\bexpect\(|console\.\w+|\bprint(?:ln|f)?|\bputs|\becho|\blog(?:ger|ging)?\.\w+|\bLog\.\w+"
    r"|\bfmt\.\w*(?:Print|Errorf)\w*|System\.(?:out|err)\.|\braise\b|\bthrow\b|\bpanic\("
    r"|\bwarn(?:ing)?\(|\b(?:Exception|Error)\()")
_PLACEHOLDER_KEY = lazy_compile(r"(?:placeholder|example|hint|help(?:er)?_?text|description"
                                r"|tooltip|usage|label|title|desc|summary)\w*['\"\]]?\s*"
                                r"(?:=>|[:=(,])\s*[\[({]?\s*$", re.IGNORECASE)
_EXAMPLE_TEXT = lazy_compile(r"\be\.g\.|\bi\.e\.|for example|such as", re.IGNORECASE)
# Where an address is bound to, not connected to: `listen(...)`, `bind`, `serve`, uvicorn's
# `run(host=...)`, Go's `http.Server{Addr: ...}` (a client's `redis.Options{Addr: ...}` is not).
BIND_CALL = lazy_compile(r"listen|bind|serve|createServer|\bRun\(|Server\s*\{[^}]*\bAddr\b",
                         re.IGNORECASE)
_SERVER_BLOCK = lazy_compile(r"(?:Server|Listener)\w*\s*\{\s*$")
# Words on a line of a usage text or a shell example (`goose vertica "..." status`): two or more
# words before the literal and no operator, so not code.
_PROSE_BEFORE = lazy_compile(r"^\s*(?!(?:return|yield|case|when|await|else|in)\s)[A-Za-z][\w.\-]*"
                             r"(?:[ \t]+[\w.\-/]+)+[ \t]*$")
_SENTENCE = lazy_compile(r"[^\s,]\s+[^\s,]")
KEY_BEFORE = lazy_compile(r"(?P<key>[A-Za-z_][\w\-]*)['\"\]]?\s*(?:=>|:=|==|!=|[:=(])\s*"
                         r"[\[({]?\s*(?:(?:\"[^\"]*\"|'[^']*')\s*,\s*)*$")
_BLOCK_OPEN = lazy_compile(r"(?P<key>[A-Za-z_][\w\-]*)['\"\]]?\s*(?:=>|:=|[:=])\s*[\[{(]\s*$")
_WORD_PIECE = lazy_compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_DEV_KEY_WORDS = frozenset({
    "dev", "devel", "development", "local", "localhost", "test", "testing", "mock", "fake",
    "example", "sample", "demo", "debug", "sandbox", "loopback",
})
_PEER_WORDS = frozenset({"remote", "client", "peer", "source", "src", "sender", "origin"})
_ADDRESS_WORDS = frozenset({"addr", "address", "ip", "host"})
# A condition that holds only in development: `if settings.DEBUG:`, `if not IS_PRODUCTION:`,
# `if (process.env.NODE_ENV !== 'production')`, `if cfg.Env == "dev" {`.
_DEV_BRANCH = lazy_compile(
    r"^\s*(?:\}\s*else\s+)?(?:if|elif|elsif|unless)\b.*(?:\bnot\s+[\w.\[\]'\"]*prod\w*|![\w.]*prod\w*"
    r"|!==?\s*['\"]prod\w*['\"]|===?\s*['\"](?:dev|development|local)['\"]|\bDEBUG\b|\bdebug\b"
    r"|\bis_?dev\w*|\bisDev\w*|\bdev_?mode\b|\bdevMode\b)", re.IGNORECASE)
_QUOTE_CHARS = frozenset("\"'")
_SCHEMA = lazy_compile(r"xmlns|\$schema|schemaLocation|\$id\b|DOCTYPE|namespace", re.IGNORECASE)


def env_default(code: str, literal: Literal, role: FileRole) -> bool:
    """The value is a default behind an environment read, outside a production file."""
    if role.production:
        return False
    return ENV_READ.search(code) is not None or "${" in literal.text


def quiet_context(code: str, literal: Literal) -> bool:
    """The line or the literal's place says the literal is not a value to connect to."""
    return (_MESSAGE.search(code) is not None or _PLACEHOLDER_KEY.search(literal.before)
            is not None or _EXAMPLE_TEXT.search(literal.text) is not None
            or _SCHEMA.search(code) is not None or _PROSE_BEFORE.match(literal.before)
            is not None or _named_for_no_environment(literal.before))


def _named_for_no_environment(before: str) -> bool:
    """`devUrl = ...`, `LOCAL_API: ...`, `RemoteAddr = ...`: the name says the value is a
    development value, or an address that arrives (a peer's), not one to connect to."""
    match = KEY_BEFORE.search(before)
    if match is None:
        return False
    words = {word.lower() for word in _WORD_PIECE.findall(match.group("key"))}
    return not words.isdisjoint(_DEV_KEY_WORDS) or (
        not words.isdisjoint(_PEER_WORDS) and not words.isdisjoint(_ADDRESS_WORDS))


def text_not_value(literal: Literal, use: hosts.HostUse) -> bool:
    """The literal is text around the address: a sentence or command line
    (`curl -u x https://localhost:9200`), a line of another file (`url=dev-lb1.acme:5215`), or
    data holding its own quoted strings (`` `"http://localhost:8087/realms/x"` ``)."""
    text = literal.text.strip()
    return (_SENTENCE.search(text) is not None or "=" in literal.text[:use.start]
            or text[:1] in _QUOTE_CHARS)  # a quoted string inside a string: JSON, a snippet


_HOST_RULES = frozenset({rules.LOCAL_URL, rules.LOCAL_PORT, rules.PRIVATE_IP,
                         rules.INTERNAL_HOST, rules.ENV_HOST})
_LOCAL_RULES = frozenset({rules.LOCAL_URL, rules.LOCAL_PORT})
FALLBACK_LINES = 3


def quiet_by_lines_above(texts: Mapping[int, str], hits: list[Hit],
                         production: bool) -> list[Hit]:
    """Drop hosts the lines just above explain: the continuation of a shell command
    (`-d '{...}' \\`), a branch taken only in development (`if not settings.PRODUCTION:`), and
    outside production files the fallback of an environment read of the same name
    (`url = os.getenv("DATABASE_URL")` / `if not url:` / `url = "..."`) or a value in a block
    opened under a development name."""
    def quiet(hit: Hit) -> bool:
        above = [texts.get(hit.line - back, "") for back in range(1, FALLBACK_LINES + 1)]
        if above[0].rstrip().endswith("\\") or any(_DEV_BRANCH.search(text) for text in above):
            return True
        if hit.rule in _LOCAL_RULES and ":" in hit.what and any(
                _SERVER_BLOCK.search(text) for text in above):
            return True  # `srv := &http.Server{` / `Addr: "127.0.0.1:8080",`: a bind address
        if production:
            return False
        return (bool(hit.key) and any(hit.key in text and ENV_READ.search(text)
                                      for text in above)) or _in_dev_block(above)

    return [hit for hit in hits if hit.rule not in _HOST_RULES or not quiet(hit)]


def _in_dev_block(above: Sequence[str]) -> bool:
    """The value sits in a block opened just above under a development name:
    `const defaultDevConfig = {` / `  url: 'http://localhost:3000/',`."""
    for text in above:
        opened = _BLOCK_OPEN.search(text)
        if opened is not None:
            words = {word.lower() for word in _WORD_PIECE.findall(opened.group("key"))}
            return not words.isdisjoint(_DEV_KEY_WORDS)
    return False


def key_before(before: str) -> str:
    """The name a literal is assigned to or passed as (`API_URL = `, `"host": `), or ""."""
    match = KEY_BEFORE.search(before)
    return match.group("key") if match else ""
