"""The Dockerfile: built and started when a Docker daemon answers, skipped with the reason when
not. Its promises are read from the file either way: slim base, non-root user, the App as the
entry point, a health check on /healthz."""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.request

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.shared import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def _instructions() -> list[tuple[str, str]]:
    joined = DOCKERFILE.replace("\\\n", " ")
    lines = [line.strip() for line in joined.splitlines()]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines
            if line and not line.startswith("#")]


def test_the_image_is_slim_runs_as_a_user_and_checks_its_health() -> None:
    steps = _instructions()
    assert steps[0][0] == "FROM" and steps[0][1].endswith("-slim")
    users = [arg for op, arg in steps if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert ("ENTRYPOINT", '["python", "-m", "bot"]') in steps
    health = next(arg for op, arg in steps if op == "HEALTHCHECK")
    assert "/healthz" in health
    install = next(arg for op, arg in steps if op == "RUN" and "pip install" in arg)
    assert "'.[app]'" in install  # the server's dependencies come with the extra


def _docker_answers() -> str | None:
    if shutil.which("docker") is None:
        return "docker is not installed"
    done = subprocess.run(["docker", "info"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return "no Docker daemon answers (docker info: " + \
            (done.stderr.strip().splitlines() or ["?"])[-1][:120] + ")"
    return None


def test_the_image_builds_and_answers_healthz() -> None:
    reason = _docker_answers()
    if reason is not None:
        pytest.skip(reason)
    tag = "shipshape-test:latest"
    built = subprocess.run(["docker", "build", "-q", "-t", tag, str(ROOT)], capture_output=True,
                           text=True, check=False)
    assert built.returncode == 0, built.stderr[-2000:]
    user = subprocess.run(["docker", "run", "--rm", "--entrypoint", "id", tag, "-u"],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert user != "0"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()).decode()
    started = subprocess.run(
        ["docker", "run", "-d", "-p", "127.0.0.1::3000", "-e", "APP_ID=1",
         "-e", "WEBHOOK_SECRET=test-secret", "-e", f"PRIVATE_KEY={key}", tag],
        capture_output=True, text=True, check=False)
    assert started.returncode == 0, started.stderr
    container = started.stdout.strip()
    try:
        port = subprocess.run(["docker", "port", container, "3000/tcp"], capture_output=True,
                              text=True, check=True).stdout.split(":")[-1].strip()
        answer = None
        for _ in range(100):  # a liveness wait for start-up, not a performance budget
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz",
                                            timeout=2) as resp:
                    answer = resp.status
                    break
            except OSError:
                time.sleep(0.2)
        assert answer == 200
    finally:
        subprocess.run(["docker", "rm", "-f", container], capture_output=True, check=False)
