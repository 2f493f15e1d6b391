"""`python -m tests.fakegithub --port 8765 --delay 0.05`: serve the fake for benchmarks."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import json
import os
import tempfile
from pathlib import Path

from .server import FakeGitHub
from .spec import GITHUB_FIXTURES

DEFAULT_PAYLOAD = GITHUB_FIXTURES / "webhooks" / "pull_request.opened.json"

DEMO_DIFF = """\
diff --git a/app/login.py b/app/login.py
new file mode 100644
index 0000000..3b18e51
--- /dev/null
+++ b/app/login.py
@@ -0,0 +1,4 @@
+def login(user: str) -> bool:
+    \"\"\"Log a user in.\"\"\"
+    print("debug", user)
+    return True
"""


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.fakegithub", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds added per call")
    parser.add_argument("--key-out", default=None,
                        help="where to write the App private key (default: a temp file)")
    parser.add_argument("--payload", action="append", type=Path, default=None,
                        help="seed the installation, repository and PR of this webhook body "
                        f"(repeatable; default {DEFAULT_PAYLOAD.name})")
    parser.add_argument("--pulls", type=int, default=1,
                        help="seed this many PRs per payload, numbered from the payload's, "
                        "all with the payload's head sha")
    return parser.parse_args(argv)


def seed(fake: FakeGitHub, payloads: list[Path], pulls: int) -> None:
    """Seed the demo PR #1 of `fake.repo` and the PRs of each payload."""
    fake.add_pull(fake.repo, 1, title="Add login", body="Adds a login helper.", diff=DEMO_DIFF,
                  commits=["Add login helper"])
    for path in payloads:
        payload = json.loads(path.read_text())
        for offset in range(pulls):
            copied = copy.deepcopy(payload)
            if "pull_request" in copied:
                copied["pull_request"]["number"] += offset
            fake.seed_from_payload(copied, diff=DEMO_DIFF)


async def serve(args: argparse.Namespace) -> None:
    """Start the fake with a demo PR #1 and print what a client needs, then wait forever."""
    fake = FakeGitHub(delay=args.delay, host=args.host, port=args.port)
    seed(fake, args.payload or [DEFAULT_PAYLOAD], args.pulls)
    key_path = args.key_out or os.path.join(tempfile.mkdtemp(prefix="fakegithub-"), "app.pem")
    with open(key_path, "w") as handle:
        handle.write(fake.private_key_pem)
    await fake.start()
    print(f"GITHUB_API_URL={fake.url} APP_ID={fake.app_id} "
          f"INSTALLATION_ID={fake.installation_id} PRIVATE_KEY_PATH={key_path} "
          f"REPO={fake.repo} HEAD_SHA={fake.pull(fake.repo, 1).head_sha}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await fake.close()


def main(argv: list[str] | None = None) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(_parse(argv)))


if __name__ == "__main__":
    main()
