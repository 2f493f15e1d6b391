"""The server's listening sockets, opened before the app starts so an address that cannot be
bound (no such interface, a busy or privileged port) is a one-line settings error, not a
traceback from inside the event loop.

Binding mirrors asyncio's `create_server(host, port)`: every address HOST resolves to, with
SO_REUSEADDR, and IPv6 sockets kept to IPv6 so `::` and `0.0.0.0` can be served side by side.
"""

from __future__ import annotations

import errno
import socket

from bot.settings import SettingsError

BACKLOG = 128  # aiohttp's default
# Errors that say the port is the problem, whatever the host.
_PORT_ERRORS = {errno.EADDRINUSE: "is already in use", errno.EACCES: "needs privileges to bind"}


def open_sockets(host: str, port: int) -> list[socket.socket]:
    """Bound, listening sockets for `host`:`port`; raise SettingsError naming HOST or PORT."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) else "not a valid name"
        raise SettingsError("HOST", f"cannot listen on {host!r}: {reason}") from None
    sockets: list[socket.socket] = []
    try:
        for family, kind, proto, _name, address in dict.fromkeys(infos):
            sockets.append(_bound(family, kind, proto, address, host, port))
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def _bound(family: int, kind: int, proto: int, address: tuple[object, ...], host: str,
           port: int) -> socket.socket:
    try:
        sock = socket.socket(family, kind, proto)
    except OSError as exc:  # e.g. an IPv6 address on a host without IPv6
        raise _named(exc, host, port) from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(address)
        sock.listen(BACKLOG)  # here, so a port bound but not yet listening elsewhere shows too
    except OSError as exc:
        sock.close()
        raise _named(exc, host, port) from None
    return sock


def _named(exc: OSError, host: str, port: int) -> SettingsError:
    reason = exc.strerror or exc.__class__.__name__
    if exc.errno in _PORT_ERRORS:
        return SettingsError("PORT", f"{port} {_PORT_ERRORS[exc.errno]} on {host}")
    return SettingsError("HOST", f"cannot listen on {host} port {port}: {reason}")
