"""Hosts that belong to one environment, found in a string literal.

A host is judged only where it is used as a host: in a URL (`scheme://host`), as `host:port`, or
as the whole literal under a host-like name (`HOST = "db.corp"`). A dotted string elsewhere is a
module name, a logger or a version. Reserved documentation names (RFC 2606 / RFC 6761:
example.com, .example, .test, .invalid), well-known cloud endpoints (the metadata service,
`kubernetes.default.svc`) and documentation links are quiet.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass

from checks.hardcoded import rules
from checks.lazyre import lazy_compile

# scheme://[user[:password]@]host[:port]
URL = lazy_compile(r"(?<![\w+.\-])(?P<scheme>[a-zA-Z][\w+.\-]*)://(?:[^\s/@\"'`?#]*@)?"
                   r"(?P<host>\[[0-9A-Fa-f:.]+\]|[\w.\-]+)(?::(?P<port>\d{1,5}))?")
# host:port on its own (`localhost:9092`, `10.0.0.5:6379`); a comma-separated list of them too.
HOST_PORT = lazy_compile(r"(?<![\w.\-:/@])(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][\w.\-]*)"
                         r":(?P<port>\d{2,5})(?![\w.:])")
_BARE_HOST = lazy_compile(r"^(?:[A-Za-z0-9](?:[\w\-]*[A-Za-z0-9])?\.)+[A-Za-z][\w\-]*$"
                          r"|^\d{1,3}(?:\.\d{1,3}){3}$")
# A literal under one of these names is a host even without a scheme or port.
_HOST_KEY = lazy_compile(
    r"(?:host|url|uri|endpoint|server|addr|address|domain|origin|dsn|broker|proxy|gateway"
    r"|upstream|backend|ip)s?['\"\]]?\s*(?:=>|:=|[:=(,]|\+=)\s*[\[({]?\s*"
    r"(?:(?:\"[^\"]*\"|'[^']*')\s*,\s*)*$", re.IGNORECASE)

LOOPBACK_NAMES = frozenset({"localhost", "host.docker.internal", "host.containers.internal",
                            "docker.for.mac.localhost", "gateway.docker.internal"})
# Addresses that are bound to, never connected to: a server listening on every interface.
BIND_ALL = frozenset({"0.0.0.0", "::", "[::]"})
# Schemes of data services: a loopback host with one of these is a local service's port.
DATA_SCHEMES = frozenset({
    "postgres", "postgresql", "mysql", "mariadb", "redis", "rediss", "mongodb", "mongodb+srv",
    "amqp", "amqps", "nats", "kafka", "memcached", "memcache", "clickhouse", "sqlserver",
    "mssql", "oracle", "cassandra", "couchdb", "neo4j", "bolt", "ldap", "ldaps", "smtp",
    "zookeeper", "etcd", "cockroachdb", "jdbc", "r2dbc", "elasticsearch", "opensearch",
})
# Default ports of data services (PostgreSQL, MySQL, Redis, MongoDB, RabbitMQ, Kafka,
# Elasticsearch, memcached, SQL Server, Oracle, ClickHouse, NATS, ZooKeeper, etcd, Cassandra).
SERVICE_PORTS = frozenset({5432, 3306, 6379, 27017, 5672, 9092, 9200, 9300, 11211, 1433, 1521,
                           8123, 9000, 4222, 2181, 2379, 9042, 7687, 26257})
INTERNAL_SUFFIXES = (".local", ".internal", ".corp", ".lan", ".intranet", ".home.arpa",
                     ".consul", ".svc", ".cluster.local", ".localdomain")
# Well-known internal names that are the same in every environment.
PUBLIC_INTERNAL = frozenset({
    "metadata.google.internal", "kubernetes.default.svc",
    "kubernetes.default.svc.cluster.local", "kubernetes.default",
})
ENV_WORDS = rules.ENV_WORDS
# Providers whose sandbox and staging hosts are their documented public API base URLs.
PUBLIC_API_DOMAINS = frozenset({
    "stripe.com", "paypal.com", "plaid.com", "braintreegateway.com", "adyen.com",
    "squareupsandbox.com", "squareup.com", "salesforce.com", "ebay.com", "authorize.net",
    "checkout.com", "mollie.com", "razorpay.com", "twilio.com", "azure.com", "dev.to",
    "mysql.com", "w3.org", "twitch.tv", "mozilla.org", "apple.com", "google.com",
    "microsoft.com", "github.com", "githubusercontent.com", "gitlab.com", "atlassian.net",
    "docusign.net", "docusign.com", "klarna.com", "afterpay.com", "coinbase.com",
})
_DOC_PATH = lazy_compile(r"/(?:docs?|documentation|manual|reference|wiki|blog|guides?|api-docs)"
                         r"(?:/|$)|\.html?$|\.md$", re.IGNORECASE)
_DOC_HOST = lazy_compile(r"^(?:docs?|developers?|devcenter|learn|wiki|help|support|blog)\.")
_RESERVED_TLDS = frozenset({"example", "test", "invalid", "localhost_test"})
_RESERVED_DOMAINS = frozenset({"example.com", "example.net", "example.org", "example.edu"})
_PLACEHOLDER_HOST = lazy_compile(r"[${}<>%*]|^x+$|your|my-?(?:host|server|domain)", re.IGNORECASE)
_TRAILING_DIGITS = lazy_compile(r"\d+$")
_LABEL_SPLIT = lazy_compile(r"[-_]")
# The AWS/GCP/Azure instance metadata address, the same on every machine.
METADATA_IPS = frozenset({"169.254.169.254", "169.254.170.2", "fd00:ec2::254"})
# RFC 1918, shared address space (RFC 6598), link-local, IPv6 unique local and link-local. Not
# the documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24), which Python's
# `is_private` counts in.
PRIVATE_NETWORKS = tuple(ipaddress.ip_network(net) for net in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16",
    "fc00::/7", "fe80::/10"))


@dataclass(frozen=True)
class HostUse:
    """A host found in a literal: how it is written and the rule it breaks."""

    rule: str
    host: str
    port: int | None
    scheme: str | None
    start: int = 0  # where the URL or host starts in the literal


def _reserved(host: str) -> bool:
    labels = host.split(".")
    return (labels[-1] in _RESERVED_TLDS or ".".join(labels[-2:]) in _RESERVED_DOMAINS
            or _PLACEHOLDER_HOST.search(host) is not None)


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def is_loopback(host: str) -> bool:
    """localhost (and `*.localhost`), 127/8, ::1, Docker's name for the host machine."""
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    address = _ip(host)
    return address is not None and address.is_loopback


def _private_ip(host: str) -> bool:
    address = _ip(host)
    if address is None or host in METADATA_IPS:
        return False
    if isinstance(address, ipaddress.IPv4Address) and int(address) & 0xFF in (0, 255):
        return False  # a network or broadcast address: a range, not a host
    return any(address in network for network in PRIVATE_NETWORKS)


def _internal(host: str) -> bool:
    return host not in PUBLIC_INTERNAL and host.endswith(INTERNAL_SUFFIXES) and "." in host


def _registrable(labels: list[str]) -> int:
    """How many trailing labels make the registered domain (`co.uk` style suffixes: 3)."""
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in ("co", "com", "org", "net",
                                                                     "gov", "ac", "edu"):
        return 3
    return 2


def _env_host(host: str, path: str, extra: frozenset[str]) -> bool:
    labels = host.split(".")
    if len(labels) < 2 or _DOC_HOST.match(host) or _DOC_PATH.search(path):
        return False
    size = _registrable(labels)
    if ".".join(labels[-size:]) in PUBLIC_API_DOMAINS:
        return False
    sub, domain = labels[:-size], labels[-size]
    words = [_TRAILING_DIGITS.sub("", part) for label in sub for part in
             (label, *_LABEL_SPLIT.split(label))]
    if "-" in domain:
        words += [_TRAILING_DIGITS.sub("", part) for part in _LABEL_SPLIT.split(domain)]
    return any(word in ENV_WORDS or word in extra for word in words)


def host_rule(host: str, port: int | None, scheme: str | None, path: str = "",
              env_words: frozenset[str] = frozenset()) -> str | None:
    """The rule a host breaks where it is used, or None when it belongs to no one environment."""
    host = host.lower().rstrip(".")
    if not host or _reserved(host):
        return None
    if host in BIND_ALL:
        # A URL to 0.0.0.0 is a copied dev-server address; `0.0.0.0:8080` is a bind address.
        return rules.LOCAL_URL if scheme is not None and port is not None else None
    if is_loopback(host):
        if port is None:
            return None  # `new URL(path, "http://localhost")`: a parsing base, not an address
        if (scheme or "").lower() in DATA_SCHEMES or (scheme is None and port in SERVICE_PORTS):
            return rules.LOCAL_PORT
        return rules.LOCAL_URL
    if _private_ip(host):
        return rules.PRIVATE_IP
    if _internal(host):
        return rules.INTERNAL_HOST
    if _env_host(host, path, env_words):
        return rules.ENV_HOST
    return None


def _port(text: str | None) -> int | None:
    return int(text) if text else None


def host_uses(literal: str, before: str,
              env_words: frozenset[str] = frozenset()) -> Iterator[HostUse]:
    """The environment-bound hosts a string literal uses (`before`: the code before it)."""
    found_url = False
    for match in URL.finditer(literal):
        found_url = True
        scheme = match.group("scheme").lower()
        host, port = match.group("host"), _port(match.group("port"))
        rule = host_rule(host, port, scheme, literal[match.end():], env_words)
        if rule is not None:
            yield HostUse(rule, host, port, scheme, match.start())
    if found_url:
        return
    for match in HOST_PORT.finditer(literal):
        host, port = match.group("host"), _port(match.group("port"))
        rule = host_rule(host, port, None, "", env_words)
        if rule is not None:
            yield HostUse(rule, host, port, None, match.start())
    stripped = literal.strip()
    if _BARE_HOST.match(stripped) and _HOST_KEY.search(before):
        rule = host_rule(stripped, None, None, "", env_words)
        if rule is not None:
            yield HostUse(rule, stripped, None, None)
