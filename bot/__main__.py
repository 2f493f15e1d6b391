"""`python -m bot`: read settings from the environment, build the app, serve it."""

from __future__ import annotations

import gc
import os
import socket
import sys
from collections.abc import Mapping

from aiohttp import web

from bot.app import create_app
from bot.listen import open_sockets
from bot.logs import configure
from bot.settings import InvalidSettings, Settings, SettingsError, listen_address

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


def main(environ: Mapping[str, str] | None = None) -> int:
    """Start the server; exit 2 with one line per missing or malformed setting."""
    try:
        settings, sockets = prepare(os.environ if environ is None else environ)
    except InvalidSettings as exc:
        for error in exc.errors:
            print(f"shipshape: cannot start: {error}", file=sys.stderr)
        return EXIT_BAD_SETTINGS
    configure(settings.log_level)
    app = create_app(settings)
    # Everything allocated so far lives as long as the process: keep it out of the cyclic
    # collector's full passes, which otherwise pause acknowledgements now and then.
    gc.freeze()
    web.run_app(app, sock=sockets, print=None, access_log=None, shutdown_timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
