"""`python -m bot`: read settings from the environment, build the app, serve it."""

from __future__ import annotations

import gc
import os
import sys

from aiohttp import web

from bot.app import create_app
from bot.logs import configure
from bot.settings import Settings, SettingsError

EXIT_BAD_SETTINGS = 2


def main(environ: dict[str, str] | None = None) -> int:
    """Start the server; exit 2 with one line naming a missing or malformed setting."""
    try:
        settings = Settings.from_env(os.environ if environ is None else environ)
    except SettingsError as exc:
        print(f"shipshape: cannot start: {exc}", file=sys.stderr)
        return EXIT_BAD_SETTINGS
    configure(settings.log_level)
    app = create_app(settings)
    # Everything allocated so far lives as long as the process: keep it out of the cyclic
    # collector's full passes, which otherwise pause acknowledgements now and then.
    gc.freeze()
    web.run_app(app, host=settings.host, port=settings.port, print=None, access_log=None,
                shutdown_timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
