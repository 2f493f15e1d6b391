"""What organisation defaults cost a review: `python bench/config_layers.py`.

Runs the bot in-process against the fake GitHub (50 ms added per call) and reviews small PRs of
one repository in four states of its configuration layers, each measured in the same run:
no organisation file (the baseline), an organisation file read cold, the same file with the
cache warm (within its time to live), and after the time to live with the file unchanged
(revalidated with If-None-Match: 304). For each: REST calls per review, the calls counted
against the rate limit, and the median time from event to completed check run.
Results go to docs/benchmarks.md (section "config-layers").
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import hmac
import json
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)  # bench/secrets.py would shadow the standard library's `secrets`
elif str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402

PAYLOAD = ROOT / "tests" / "fixtures" / "github" / "webhooks" / "pull_request.opened.json"
SECRET = "bench-webhook-secret"
FAKE_DELAY = 0.05
EVENTS = 8
ORG_REPO = "octo-org/.github"
ORG_FILE = "locked: [secrets]\ntests:\n  level: warn\nstory:\n  projects: [PROJ]\n"
DIFF = ("diff --git a/app/login.py b/app/login.py\nnew file mode 100644\n"
        "index 0000000..3b18e51\n--- /dev/null\n+++ b/app/login.py\n@@ -0,0 +1,3 @@\n"
        "+def login(user: str) -> bool:\n+    \"\"\"Log a user in.\"\"\"\n+    return bool(user)\n")


@dataclass
class Sample:
    """One review: all REST calls, those counted against the rate limit, seconds to done."""

    calls: int
    counted: int
    seconds: float


def _headers(body: bytes) -> dict[str, str]:
    signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-GitHub-Event": "pull_request",
            "X-GitHub-Delivery": str(uuid.uuid4()), "X-Hub-Signature-256": f"sha256={signature}"}


class Runner:
    """The bot on a test client and the fake GitHub it talks to."""

    def __init__(self, fake: Any, client: Any) -> None:
        self.fake, self.client, self.number = fake, client, 100
        self.base = json.loads(PAYLOAD.read_text())

    async def review(self) -> Sample:
        """Open one small PR and wait for its completed check run."""
        fake, self.number = self.fake, self.number + 1
        pr = fake.add_pull(fake.repo, self.number, title=f"PROJ-{self.number} Add login",
                           diff=DIFF, commits=[f"PROJ-{self.number} Add login helper"])
        payload = copy.deepcopy(self.base)
        payload["repository"]["full_name"] = fake.repo
        payload["installation"] = {"id": fake.installation_id}
        payload["number"] = self.number
        payload["pull_request"].update(number=self.number, title=pr.title, changed_files=1,
                                       commits=1, comments=0)
        payload["pull_request"]["head"]["sha"] = pr.head_sha
        payload["pull_request"]["base"]["ref"] = pr.base_ref
        body = json.dumps(payload).encode()
        before, used = len(fake.calls), fake.rate_core()["used"]
        started = time.perf_counter()
        resp = await self.client.post("/webhook", data=body, headers=_headers(body))
        assert resp.status == 202, await resp.text()
        while not any(r["status"] == "completed"
                      for r in fake.check_runs(fake.repo, pr.head_sha)):
            if time.perf_counter() > started + 30:
                raise RuntimeError(f"no completed run: {fake.response_errors}")
            await asyncio.sleep(0.002)
        seconds = time.perf_counter() - started
        await asyncio.sleep(0.05)  # let the job finish its last writes
        return Sample(len(fake.calls) - before, fake.rate_core()["used"] - used, seconds)


async def measure() -> dict[str, list[Sample]]:
    """Reviews in each state of the layers, interleaved so load affects all alike."""
    from aiohttp.test_utils import TestClient, TestServer

    from bot.app import STATE, create_app
    from bot.settings import Settings
    from tests.fakegithub import FakeGitHub

    results: dict[str, list[Sample]] = {"no org file": [], "org file, cold": [],
                                        "org file, warm": [], "org file, revalidated (304)": []}
    async with FakeGitHub(delay=FAKE_DELAY) as fake:
        settings = Settings.from_env({
            "APP_ID": str(fake.app_id), "PRIVATE_KEY": fake.private_key_pem,
            "WEBHOOK_SECRET": SECRET, "GITHUB_API_URL": fake.url, "QUEUE_URL": "memory://"})
        client = TestClient(TestServer(create_app(settings)))
        await client.start_server()
        runner = Runner(fake, client)
        cache = client.server.app[STATE].services.configs
        try:
            await runner.review()  # the installation token, once
            fake.add_repo(ORG_REPO)
            for _ in range(EVENTS):
                fake.set_file_content(ORG_REPO, "shipshape.yml", None)
                cache.forget_installation(fake.installation_id)
                await runner.review()  # caches the organisation's 404s
                results["no org file"].append(await runner.review())
                fake.set_file_content(ORG_REPO, "shipshape.yml", ORG_FILE)
                cache.forget_installation(fake.installation_id)
                results["org file, cold"].append(await runner.review())
                cache.ttl = 60.0
                results["org file, warm"].append(await runner.review())
                cache.ttl = 0.0
                results["org file, revalidated (304)"].append(await runner.review())
                cache.ttl = 60.0
        finally:
            await client.close()
    return results


def main() -> None:
    """Measure and write the section."""
    results = asyncio.run(measure())
    base = statistics.median(s.seconds for s in results["no org file"])
    base_calls = statistics.median(s.calls for s in results["no org file"])
    base_counted = statistics.median(s.counted for s in results["no org file"])
    rows = ["| layers | REST calls per review | counted against the rate limit | event to "
            "completed run (median) | vs no org file |", "| --- | --- | --- | --- | --- |"]
    for name, samples in results.items():
        calls = statistics.median(s.calls for s in samples)
        counted = statistics.median(s.counted for s in samples)
        seconds = statistics.median(s.seconds for s in samples)
        rows.append(f"| {name} | {calls:.0f} ({calls - base_calls:+.0f}) | {counted:.0f} "
                    f"({counted - base_counted:+.0f}) | {seconds * 1000:.0f} ms | "
                    f"{seconds / base:.2f}x |")
    text = "\n".join([
        "## Configuration layers (`python bench/config_layers.py`)", "",
        f"Small PRs reviewed by the bot in-process against the fake GitHub ({FAKE_DELAY * 1000:.0f}"
        f" ms per call), {EVENTS} reviews per row, interleaved. The organisation file is "
        "`shipshape.yml` in `octo-org/.github`; the baseline has none (its two 404s cached, as "
        "after the first review; before layers the cost was the same). Revalidated: the "
        "cache's time to live is over and the unchanged file is asked for with "
        "If-None-Match, which GitHub answers 304 without counting it.", "", *rows])
    write_section("config-layers", text)
    print(text)


if __name__ == "__main__":
    main()
