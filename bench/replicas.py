"""Completed reviews per second with 1, 2 and 4 worker processes: `python bench/replicas.py`.

The scaled deployment of README ("Scaling out"): one `python -m bot web`, N `python -m bot
worker` processes and a Redis (a redis-server of the benchmark's own, in a temp directory),
against the fake GitHub in its own process answering every call after 50 ms (the issue's
figure). Each run opens PULLS PRs (one signed `pull_request.opened` each, distinct heads) and
times from the first delivery until the workers' `/metrics` count PULLS published reviews.
Every configuration starts from a fresh fake, Redis and set of processes; the table gives the
median of the runs and the ratio to one worker process measured in the same run.
Results go to docs/benchmarks.md (section "replicas").
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ is first on sys.path, and bench/secrets.py would shadow the standard
# library's `secrets` (which the fake GitHub uses): put the project root there instead.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
elif str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402
from checks.render import Conclusion  # noqa: E402
from tests.bot.conftest import headers_for  # noqa: E402
from tests.fakegithub.__main__ import DEMO_DIFF  # noqa: E402
from tests.shared import unused_port  # noqa: E402

PAYLOAD = ROOT / "tests" / "fixtures" / "github" / "webhooks" / "pull_request.opened.json"
SECRET = "bench-webhook-secret"
DELAY = 0.05  # seconds GitHub takes per call
PULLS = 120
WORKER_COUNTS = (1, 2, 4)
WORKERS_PER_PROCESS = 4  # the default WORKERS
_JOBS = re.compile(r'^shipshape_jobs_total\{outcome="([a-z_]+)"\} ([0-9.e+]+)$', re.MULTILINE)
_REVIEWED = frozenset(c.value for c in Conclusion)




# --- the fake GitHub, in its own process -----------------------------------------------------

def serve_fake(port: int, delay: float, pulls: int, key_path: str) -> None:
    """`--serve-fake`: PRs 1..pulls of octo-org/hello-world, each with its own head; print
    one JSON line (URL, App id, installation, heads), then serve until killed."""
    from tests.fakegithub import FakeGitHub

    async def serve() -> None:
        fake = FakeGitHub(delay=delay, port=port)
        heads = {}
        for number in range(1, pulls + 1):
            pr = fake.add_pull(fake.repo, number, title=f"Add login {number}",
                               body="Adds a login helper.", diff=DEMO_DIFF,
                               commits=[f"Add login helper {number}"])
            heads[number] = pr.head_sha
        Path(key_path).write_text(fake.private_key_pem)
        await fake.start()
        print(json.dumps({"url": fake.url, "app_id": fake.app_id, "repo": fake.repo,
                          "installation": fake.installation_id, "heads": heads}), flush=True)
        await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())


@dataclass
class Fake:
    process: subprocess.Popen[str]
    url: str
    app_id: int
    repo: str
    installation: int
    heads: dict[int, str]
    key_path: Path


def start_fake(tmp: Path, pulls: int, delay: float) -> Fake:
    key_path = tmp / "app.pem"
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve-fake", str(unused_port()), str(delay), str(pulls),
         str(key_path)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    info = json.loads(proc.stdout.readline())
    return Fake(proc, info["url"], info["app_id"], info["repo"], info["installation"],
                {int(k): v for k, v in info["heads"].items()}, key_path)


# --- the deployment ----------------------------------------------------------------------------

def start_redis(tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = unused_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir",
                             str(tmp), "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, f"redis://127.0.0.1:{port}/0"


async def wait_ready(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(url) as resp:
                    if resp.status < 500:
                        return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


@dataclass
class Deployment:
    fake: Fake
    web: str
    workers: list[str]


@contextlib.asynccontextmanager
async def deployment(workers: int, pulls: int, delay: float) -> AsyncIterator[Deployment]:
    """A fresh fake, Redis, web process and `workers` worker processes; all stopped after."""
    tmp = Path(tempfile.mkdtemp(prefix="shipshape-replicas-"))
    fake = start_fake(tmp, pulls, delay)
    redis, redis_url = start_redis(tmp)
    procs: list[subprocess.Popen[bytes]] = []
    ports = [unused_port() for _ in range(workers + 1)]
    base = {"PATH": os.environ.get("PATH", "/usr/bin"), "APP_ID": str(fake.app_id),
            "PRIVATE_KEY_PATH": str(fake.key_path), "WEBHOOK_SECRET": SECRET,
            "GITHUB_API_URL": fake.url, "HOST": "127.0.0.1", "LOG_LEVEL": "WARNING",
            "QUEUE_URL": redis_url, "WORKERS": str(WORKERS_PER_PROCESS),
            "RECONCILE_INTERVAL": "0",
            # The fake does not enforce GitHub's content pace; pacing would measure the pace.
            "CONTENT_PER_MINUTE": "0", "CONTENT_PER_HOUR": "0"}
    try:
        with open(tmp / "bot.log", "w") as log:
            for index, port in enumerate(ports):
                role = "web" if index == 0 else "worker"
                procs.append(subprocess.Popen([sys.executable, "-m", "bot", role], cwd=ROOT,
                                              env={**base, "PORT": str(port)}, stdout=log,
                                              stderr=log))
        for port in ports:
            await wait_ready(f"http://127.0.0.1:{port}/healthz")
        yield Deployment(fake, f"http://127.0.0.1:{ports[0]}",
                         [f"http://127.0.0.1:{port}" for port in ports[1:]])
    finally:
        for proc in (*procs, fake.process, redis):
            proc.terminate()
        for proc in (*procs, fake.process, redis):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


# --- one run -----------------------------------------------------------------------------------

def opened(fake: Fake, number: int) -> bytes:
    body = json.loads(PAYLOAD.read_text())
    body = copy.deepcopy(body)
    owner, name = fake.repo.split("/")
    body["repository"].update(full_name=fake.repo, name=name)
    body["repository"]["owner"]["login"] = owner
    body["installation"] = {"id": fake.installation, "node_id": "MDIz"}
    body["number"] = number
    body["pull_request"].update(number=number, title=f"Add login {number}",
                                body="Adds a login helper.", commits=1, changed_files=1,
                                comments=0, labels=[], draft=False, state="open")
    body["pull_request"]["head"]["sha"] = fake.heads[number]
    return json.dumps(body).encode()


def headers(body: bytes) -> dict[str, str]:
    return headers_for("pull_request", body, secret=SECRET)


async def reviewed(session: aiohttp.ClientSession, workers: list[str]) -> int:
    """Published reviews counted by every worker's /metrics."""
    total = 0
    for url in workers:
        async with session.get(f"{url}/metrics") as resp:
            text = await resp.text()
        total += sum(int(float(n)) for label, n in _JOBS.findall(text) if label in _REVIEWED)
    return total


async def one_run(workers: int, pulls: int, delay: float) -> float:
    """Reviews per second from the first delivery to the last published review."""
    async with deployment(workers, pulls, delay) as dep, aiohttp.ClientSession() as session:
        bodies = [opened(dep.fake, n) for n in range(1, pulls + 1)]
        started = time.perf_counter()
        for body in bodies:
            async with session.post(f"{dep.web}/webhook", data=body,
                                    headers=headers(body)) as resp:
                if resp.status != 202:
                    raise RuntimeError(f"delivery answered {resp.status}: {await resp.text()}")
        deadline = started + 600
        while (done := await reviewed(session, dep.workers)) < pulls:
            if time.perf_counter() > deadline:
                raise RuntimeError(f"only {done} of {pulls} reviews after 600 s")
            await asyncio.sleep(0.05)
        return pulls / (time.perf_counter() - started)


def markdown(rates: dict[int, list[float]], pulls: int, delay: float, runs: int,
             load: tuple[float, float]) -> str:
    base = statistics.median(rates[1])
    rows = "\n".join(
        f"| {count} | {statistics.median(values):.1f} | "
        f"{statistics.median(values) / base:.2f}x | "
        f"{', '.join(f'{v:.1f}' for v in values)} |" for count, values in rates.items())
    return f"""## Replicas (`python bench/replicas.py`)

Completed reviews per second for one `web` process and 1, 2 or 4 `worker` processes
(`WORKERS={WORKERS_PER_PROCESS}` each) sharing a Redis queue, against the fake GitHub in its
own process answering every call after {delay * 1000:.0f} ms. Each run opens {pulls} PRs (one
`pull_request.opened` each, distinct heads) and times from the first delivery to the last
published review (the workers' `shipshape_jobs_total`); every configuration starts fresh.
Median of {runs} runs; the ratio is to one worker process in the same run. Two cores are
shared by every process here (fake, Redis, web, workers, their review pools) and by other
work on the machine: where the ratio stops growing, CPU is the limit, not the queue nor
GitHub's latency.

| worker processes | reviews/s (median) | vs 1 worker | runs |
| --- | --- | --- | --- |
{rows}

Load average (1 min) on the machine: {load[0]:.1f} before the runs, {load[1]:.1f} after.
"""


async def main_async(runs: int, pulls: int, delay: float) -> dict[int, list[float]]:
    rates: dict[int, list[float]] = {count: [] for count in WORKER_COUNTS}
    for run in range(runs):
        for count in WORKER_COUNTS:  # interleaved, so a slow minute hits every configuration
            rate = await one_run(count, pulls, delay)
            rates[count].append(rate)
            print(f"run {run + 1}: {count} worker(s): {rate:.1f} reviews/s", flush=True)
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pulls", type=int, default=PULLS)
    parser.add_argument("--delay", type=float, default=DELAY)
    parser.add_argument("--no-write", action="store_true", help="print, do not write the doc")
    parser.add_argument("--serve-fake", nargs=4, metavar=("PORT", "DELAY", "PULLS", "KEY"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake:
        port, delay, pulls, key = args.serve_fake
        serve_fake(int(port), float(delay), int(pulls), key)
        return
    before = os.getloadavg()[0]
    rates = asyncio.run(main_async(args.runs, args.pulls, args.delay))
    text = markdown(rates, args.pulls, args.delay, args.runs, (before, os.getloadavg()[0]))
    print(text)
    if not args.no_write:
        write_section("replicas", text)


if __name__ == "__main__":
    main()
