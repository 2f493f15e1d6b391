"""Credentials inside connection URLs: `postgres://user:pass@host`, `redis://:pass@host`, ..."""

from __future__ import annotations

import re

from checks.lazyre import lazy_compile
from checks.secrets import generic, quiet

RULE_ID = "url-credentials"
NAME = "password in a connection URL"
PATTERN = (
    r"(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver"
    r"|cockroachdb|clickhouse|oracle|redshift|nats|smtps?|ftps?|sftp|ldaps?|https?)://"
    r"(?P<user>[^:@/\s\"'`<>]*):(?P<value>[^@/\s\"'`<>]+)@(?P<host>[^\s\"'`<>/:?#,;]+)"
)
ANCHOR = (r"(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver"
          r"|cockroachdb|clickhouse|oracle|redshift|nats|smtps?|ftps?|sftp|ldaps?|https?)://"
          r"[^:@/\s\"'`<>]*:[^@/\s\"'`<>]+@")

_PERCENT = lazy_compile(r"%([0-9A-Fa-f]{2})")
# Passwords that local development set-ups (docker-compose, CI services) use on purpose.
_DEV_PASSWORDS = frozenset({
    "postgres", "password", "pass", "root", "guest", "admin", "secret", "test", "example",
    "mysql", "redis", "rabbitmq", "changeme", "dev", "local", "docker", "user", "pwd",
    "passw0rd", "p@ssw0rd", "1234", "12345", "123456", "mongo", "mongodb", "sa", "default",
})
_LOCAL_HOST = lazy_compile(
    r"^(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[?::1\]?|host\.docker\.internal|[a-z0-9_\-]+)$"
    r"|\.(?:local|localhost|test|example|invalid|internal)$|(?:^|\.)example\.(?:com|org|net)$",
    re.IGNORECASE,
)


def is_secret(user: str, password: str, host: str) -> bool:
    """True when the URL carries a real-looking password for a host that is not a dev sandbox."""
    password = _PERCENT.sub(lambda m: chr(int(m.group(1), 16)), password)  # `p%40ss` is `p@ss`
    lowered = password.lower()
    if len(password) < 3 or lowered == user.lower() or lowered in _DEV_PASSWORDS:
        return False
    if (quiet.is_reference(password) or quiet.is_placeholder_token(password)
            or quiet.is_placeholder_password(password)):
        return False
    if re.search(r"example|your|placeholder|changeme|redacted|dummy|fake|\*\*\*|<|>", lowered):
        return False
    if _LOCAL_HOST.search(host):
        return generic.looks_random(password)
    return True
