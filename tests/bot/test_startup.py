"""`python -m bot` start-up: every bad setting, an unbindable address included, is one line on
stderr naming it, all at once, exit 2; a good start logs JSON lines with nothing about the
webhook secret."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.shared import ROOT, unused_port

PREFIX = "shipshape: cannot start: "
SECRET = "hook-secret-9d2f41"


@pytest.fixture
def env(app_key: tuple[str, str], tmp_path: Path) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin"), "APP_ID": "12345",
            "PRIVATE_KEY": app_key[0], "WEBHOOK_SECRET": SECRET, "HOST": "127.0.0.1",
            "GITHUB_API_URL": "http://127.0.0.1:9", "DATA_DIR": str(tmp_path)}


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port another socket of this test is listening on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]




def start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60, check=False)


def named(done: subprocess.CompletedProcess[str]) -> list[str]:
    """The setting each stderr line names; every line must be one of ours."""
    lines = done.stderr.splitlines()
    assert lines and all(line.startswith(PREFIX) for line in lines), done.stderr
    return [line.removeprefix(PREFIX).split(":")[0] for line in lines]


def test_a_host_that_is_no_address_is_one_line(env: dict[str, str]) -> None:
    done = start({**env, "HOST": "999.1.1.1", "PORT": str(unused_port())})
    assert done.returncode == 2
    assert named(done) == ["HOST"]
    assert "999.1.1.1" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_an_address_of_another_machine_is_one_line(env: dict[str, str]) -> None:
    # 192.0.2.0/24 is reserved for documentation (RFC 5737): no interface here has it.
    done = start({**env, "HOST": "192.0.2.1", "PORT": str(unused_port())})
    assert done.returncode == 2
    assert named(done) == ["HOST"]
    assert "192.0.2.1" in done.stderr


def test_a_busy_port_is_one_line(env: dict[str, str], busy_port: int) -> None:
    done = start({**env, "PORT": str(busy_port)})
    assert done.returncode == 2
    assert named(done) == ["PORT"]
    assert f"{busy_port} is already in use" in done.stderr
    assert "Traceback" not in done.stderr


def test_all_bad_settings_are_named_at_once(env: dict[str, str], busy_port: int) -> None:
    done = start({**env, "APP_ID": "my-app", "WEBHOOK_SECRET": "", "LOG_LEVEL": "chatty",
                  "PORT": str(busy_port)})
    assert done.returncode == 2
    assert named(done) == ["APP_ID", "WEBHOOK_SECRET", "LOG_LEVEL", "PORT"]
    assert "Traceback" not in done.stderr and SECRET not in done.stderr


def _wait_for_health(port: int, server: subprocess.Popen[str]) -> dict[str, object]:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                return dict(json.loads(resp.read()))
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_a_good_start_serves_and_logs_nothing_about_the_secret(env: dict[str, str]) -> None:
    port = unused_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "bot"], cwd=ROOT, text=True, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env={**env, "PORT": str(port), "REVIEW_PROCESSES": "1"})
    try:
        assert _wait_for_health(port, server)["status"] == "ok"
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=60)
    assert server.returncode == 0
    entries = [json.loads(line) for line in err.splitlines()]
    [started] = [e for e in entries if e["msg"] == "started"]
    assert started["port"] == port and started["host"] == "127.0.0.1"
    assert started["level"] == "info"  # levels by name, not 20
    assert not [key for key in started if "secret" in key or "key" in key]
    assert SECRET not in err and "PRIVATE KEY" not in err
    assert {e["level"] for e in entries} <= {"debug", "info", "warning", "error", "critical"}
    assert out == ""
