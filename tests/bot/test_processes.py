"""Real `python -m bot` processes on one data directory (the default SQLite queue).

It survives kill -9: restarted on the same data directory, it finishes every accepted delivery,
and each PR ends with one check run, completed (a run the killed process had started is found
on GitHub and completed, not left behind). `web` and `worker` processes share the queue.

The bot runs as a real subprocess against the in-process fake GitHub, which counts the runs.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import redis.asyncio as aioredis

from tests.bot.conftest import SECRET, headers_for, pr_event
from tests.bot.test_queue import REDIS_URL
from tests.shared import ROOT

PULLS = 8
DIFF = """\
diff --git a/app/login.py b/app/login.py
new file mode 100644
index 0000000..3b18e51
--- /dev/null
+++ b/app/login.py
@@ -0,0 +1,3 @@
+def login(user: str) -> bool:
+    \"\"\"Log a user in.\"\"\"
+    return True
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """One `python -m bot` process on a data directory."""

    def __init__(self, fake: Any, data_dir: Path, log: Path, *role: str,
                 queue_url: str = "") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {"PATH": os.environ.get("PATH", "/usr/bin"), "APP_ID": str(fake.app_id),
               "PRIVATE_KEY": fake.private_key_pem, "WEBHOOK_SECRET": SECRET,
               "GITHUB_API_URL": fake.url, "HOST": "127.0.0.1", "PORT": str(self.port),
               "DATA_DIR": str(data_dir), "WORKERS": "2", "REVIEW_PROCESSES": "1",
               "QUEUE_LEASE_SECONDS": "1", **({"QUEUE_URL": queue_url} if queue_url else {})}
        with log.open("a") as out:
            self.process = subprocess.Popen([sys.executable, "-m", "bot", *role], cwd=ROOT, env=env,
                                            stdout=out, stderr=out)

    async def ready(self, session: aiohttp.ClientSession) -> None:
        for _ in range(300):
            if self.process.poll() is not None:
                raise AssertionError(f"the bot exited with {self.process.returncode}")
            try:
                async with session.get(f"{self.url}/healthz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
        raise AssertionError("the bot did not answer /healthz")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


def completed_runs(fake: Any, number: int) -> list[dict[str, Any]]:
    head = fake.pull(fake.repo, number).head_sha
    return [run for run in fake.check_runs(fake.repo, head) if run["status"] == "completed"]


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "term"])
async def test_a_restart_mid_run_loses_nothing(fake_github: Any, tmp_path: Path,
                                               servers: list[Server], stop: signal.Signals
                                               ) -> None:
    fake = fake_github
    for number in range(1, PULLS + 1):
        fake.add_pull(fake.repo, number, title=f"Add login {number}",
                      body="Adds a login helper.", diff=DIFF, commits=["Add login helper"])
    fake.delay = 0.05  # every call a little slow, so the kill lands while jobs run
    data_dir, log = tmp_path / "data", tmp_path / "bot.log"
    async with aiohttp.ClientSession() as session:
        first = Server(fake, data_dir, log)
        servers.append(first)
        await first.ready(session)
        for number in range(1, PULLS + 1):
            raw = json.dumps(pr_event(fake, "opened", number)).encode()
            async with session.post(f"{first.url}/webhook", data=raw,
                                    headers=headers_for("pull_request", raw)) as resp:
                assert resp.status == 202, await resp.text()
        while not fake.check_runs(fake.repo):  # a review has started
            await asyncio.sleep(0.02)
        first.process.send_signal(stop)  # SIGTERM: running jobs finish, the rest stay queued
        while first.process.poll() is None:  # the fake answers on this loop: never block it
            await asyncio.sleep(0.02)
        done_before = sum(bool(completed_runs(fake, n)) for n in range(1, PULLS + 1))
        assert done_before < PULLS, "the kill came after all work: nothing was tested"

        second = Server(fake, data_dir, log)
        servers.append(second)
        await second.ready(session)
        for _ in range(600):
            if all(completed_runs(fake, n) for n in range(1, PULLS + 1)):
                break
            await asyncio.sleep(0.05)
    counts = {n: len(completed_runs(fake, n)) for n in range(1, PULLS + 1)}
    left = [run["id"] for run in fake.check_runs(fake.repo) if run["status"] != "completed"]
    print(f"{stop.name}: completed before the stop: {done_before}/{PULLS}; "
          f"completed runs per PR: {counts}; "
          f"runs left in progress: {len(left)}")
    assert counts == dict.fromkeys(range(1, PULLS + 1), 1), log.read_text()[-3000:]
    # The restarted process adopted the runs its predecessor had started (found on GitHub).
    assert left == []
    assert len(fake.check_runs(fake.repo)) == PULLS


async def test_a_web_and_a_worker_process_share_the_queue(fake_github: Any, tmp_path: Path,
                                                          servers: list[Server]) -> None:
    fake = fake_github
    for number in range(1, 4):
        fake.add_pull(fake.repo, number, title=f"Add login {number}",
                      body="Adds a login helper.", diff=DIFF, commits=["Add login helper"])
    data_dir, log = tmp_path / "data", tmp_path / "bot.log"
    async with aiohttp.ClientSession() as session:
        web_, worker = (Server(fake, data_dir, log, "web"), Server(fake, data_dir, log, "worker"))
        servers.extend([web_, worker])
        await web_.ready(session)
        await worker.ready(session)
        raw = json.dumps(pr_event(fake, "opened", 1)).encode()
        async with session.post(f"{worker.url}/webhook", data=raw,
                                headers=headers_for("pull_request", raw)) as resp:
            assert resp.status in (404, 405)  # the worker takes no deliveries
        for number in range(1, 4):
            raw = json.dumps(pr_event(fake, "opened", number)).encode()
            async with session.post(f"{web_.url}/webhook", data=raw,
                                    headers=headers_for("pull_request", raw)) as resp:
                assert resp.status == 202, await resp.text()
        for _ in range(600):
            if all(completed_runs(fake, n) for n in range(1, 4)):
                break
            await asyncio.sleep(0.05)
    assert {n: len(completed_runs(fake, n)) for n in range(1, 4)} == {1: 1, 2: 1, 3: 1}, (
        log.read_text()[-3000:])


def test_a_role_that_does_not_exist_or_a_memory_queue_is_one_line(tmp_path: Path,
                                                                 app_key: tuple[str, str]) -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin"), "APP_ID": "12345",
           "PRIVATE_KEY": app_key[0], "WEBHOOK_SECRET": SECRET, "HOST": "127.0.0.1",
           "PORT": str(free_port()), "DATA_DIR": str(tmp_path)}
    bad_role = subprocess.run([sys.executable, "-m", "bot", "reviewer"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60, check=False)
    assert bad_role.returncode == 2
    assert bad_role.stderr.splitlines() == [
        "shipshape: cannot start: role: must be one of web, worker or nothing, got 'reviewer'"]
    memory = subprocess.run([sys.executable, "-m", "bot", "worker"], cwd=ROOT,
                            env={**env, "QUEUE_URL": "memory://"}, capture_output=True,
                            text=True, timeout=60, check=False)
    assert memory.returncode == 2
    [line] = memory.stderr.splitlines()
    assert line.startswith("shipshape: cannot start: QUEUE_URL: the worker role")


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    """A Redis URL with a key prefix of this test's own, deleted afterwards."""
    prefix = f"shipshape-test-{uuid.uuid4().hex}"
    client = aioredis.Redis.from_url(REDIS_URL)
    await client.ping()  # no Redis is a failure: CI starts one (.ci/run)
    yield f"{REDIS_URL}?prefix={prefix}"
    keys = [key async for key in client.scan_iter(f"{prefix}:*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def test_a_worker_killed_mid_run_with_redis_loses_nothing(
        fake_github: Any, tmp_path: Path, servers: list[Server], redis_url: str) -> None:
    fake = fake_github
    for number in range(1, PULLS + 1):
        fake.add_pull(fake.repo, number, title=f"Add login {number}",
                      body="Adds a login helper.", diff=DIFF, commits=["Add login helper"])
    fake.delay = 0.05
    log = tmp_path / "bot.log"

    def start(*role: str) -> Server:
        server = Server(fake, tmp_path / "unused", log, *role, queue_url=redis_url)
        servers.append(server)
        return server

    async with aiohttp.ClientSession() as session:
        web_, doomed, steady = start("web"), start("worker"), start("worker")
        for server in (web_, doomed, steady):
            await server.ready(session)
        for number in range(1, PULLS + 1):
            raw = json.dumps(pr_event(fake, "opened", number)).encode()
            async with session.post(f"{web_.url}/webhook", data=raw,
                                    headers=headers_for("pull_request", raw)) as resp:
                assert resp.status == 202, await resp.text()
        while len(fake.check_runs(fake.repo)) < 2:  # both workers have started a review
            await asyncio.sleep(0.02)
        doomed.process.send_signal(signal.SIGKILL)
        doomed.process.wait()
        done_before = sum(bool(completed_runs(fake, n)) for n in range(1, PULLS + 1))
        assert done_before < PULLS, "the kill came after all work: nothing was tested"
        await start("worker").ready(session)
        for _ in range(600):
            if all(completed_runs(fake, n) for n in range(1, PULLS + 1)):
                break
            await asyncio.sleep(0.05)
    counts = {n: len(completed_runs(fake, n)) for n in range(1, PULLS + 1)}
    left = [run["id"] for run in fake.check_runs(fake.repo) if run["status"] != "completed"]
    print(f"redis: completed before kill: {done_before}/{PULLS}; completed runs per PR: "
          f"{counts}; runs left in progress: {len(left)}")
    assert counts == dict.fromkeys(range(1, PULLS + 1), 1), log.read_text()[-3000:]
    assert left == []
    assert len(fake.check_runs(fake.repo)) == PULLS
