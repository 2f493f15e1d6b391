"""`python -m bot [web|worker]`: read settings from the environment, build the app, serve it.

`web` takes deliveries only and `worker` runs jobs only; with no role one process does both.
Separate roles share their jobs through the queue, so they need a durable one (QUEUE_URL).
`python -m bot redeliver [--since 1h]` asks GitHub to redeliver what failed (bot/reconcile).
"""

from __future__ import annotations

import gc
import os
import socket
import sys
from collections.abc import Mapping, Sequence

try:
    from aiohttp import web

    from bot.app import Role, create_app
    from bot.listen import open_sockets
    from bot.logs import configure
    from bot.reconcile import command
    from bot.settings import InvalidSettings, Settings, SettingsError, listen_address
except ModuleNotFoundError as missing:  # the base install is the command line only
    sys.stderr.write(f"shipshape: the App needs its server dependencies ({missing.name} is "
                     "not installed): pip install 'shipshape[app]'\n")
    sys.exit(2)

EXIT_BAD_SETTINGS = 2


def prepare(environ: Mapping[str, str]) -> tuple[Settings, list[socket.socket]]:
    """Settings and bound sockets; raise InvalidSettings naming every bad setting at once."""
    errors: list[SettingsError] = []
    settings: Settings | None = None
    try:
        settings = Settings.from_env(environ)
    except InvalidSettings as exc:
        errors.extend(exc.errors)
    address = listen_address(environ)
    sockets: list[socket.socket] = []
    if address is not None:  # else from_env has named HOST or PORT already
        try:
            sockets = open_sockets(*address)
        except SettingsError as exc:
            errors.append(exc)
    if errors or settings is None:
        for sock in sockets:
            sock.close()
        raise InvalidSettings(errors)
    return settings, sockets


def parse_role(argv: Sequence[str]) -> Role:
    """The role named on the command line (none: both); SettingsError names a bad one."""
    if not argv:
        return Role.ALL
    names = [role.value for role in Role if role is not Role.ALL]
    if len(argv) > 1 or argv[0] not in names:
        raise SettingsError("role", f"must be one of {', '.join(names)} or nothing, got "
                            f"{' '.join(argv)!r}")
    return Role(argv[0])


def main(environ: Mapping[str, str] | None = None, argv: Sequence[str] | None = None) -> int:
    """Start the server; exit 2 with one line per missing or malformed setting."""
    argv = sys.argv[1:] if argv is None else argv
    environ = os.environ if environ is None else environ
    if argv and argv[0] == "redeliver":
        return command.main(environ, argv[1:])
    errors: list[SettingsError] = []
    role = Role.ALL
    try:
        role = parse_role(argv)
    except SettingsError as exc:
        errors.append(exc)
    try:
        settings, sockets = prepare(environ)
    except InvalidSettings as exc:
        errors.extend(exc.errors)
    else:
        if role is not Role.ALL and settings.queue_url.startswith("memory://"):
            errors.append(SettingsError("QUEUE_URL", f"the {role.value} role shares jobs with "
                                        "other processes: use sqlite:// or redis://"))
        if errors:
            for sock in sockets:
                sock.close()
    if errors:
        for error in errors:
            print(f"shipshape: cannot start: {error}", file=sys.stderr)
        return EXIT_BAD_SETTINGS
    configure(settings.log_level)
    app = create_app(settings, role=role)
    # Everything allocated so far lives as long as the process: keep it out of the cyclic
    # collector's full passes, which otherwise pause acknowledgements now and then.
    gc.freeze()
    web.run_app(app, sock=sockets, print=None, access_log=None, shutdown_timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
