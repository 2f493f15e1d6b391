"""Settings come from one pure function of the environment; a bad one names itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from bot.settings import InvalidSettings, Settings
from tests.shared import ROOT


@pytest.fixture
def env(app_key: tuple[str, str]) -> dict[str, str]:
    return {"APP_ID": "12345", "PRIVATE_KEY": app_key[0], "WEBHOOK_SECRET": "s3cret-hook"}


def test_defaults_match_probot_names(env: dict[str, str]) -> None:
    settings = Settings.from_env(env)
    assert settings.app_id == "12345"
    assert settings.port == 3000
    assert settings.github_api_url == "https://api.github.com"
    assert settings.webhook_path == "/webhook"
    assert settings.log_level == "INFO"
    assert settings.workers >= 1


def test_retry_time_and_pacing_default_to_githubs_limits_and_can_be_set(
        env: dict[str, str]) -> None:
    settings = Settings.from_env(env)
    assert (settings.retry_hours, settings.content_per_minute, settings.content_per_hour) == (
        6.0, 80, 500)
    tuned = Settings.from_env({**env, "RETRY_HOURS": "0.5", "CONTENT_PER_MINUTE": "0",
                               "CONTENT_PER_HOUR": "300"})
    assert (tuned.retry_hours, tuned.content_per_minute, tuned.content_per_hour) == (
        0.5, 0, 300)


def test_private_key_with_literal_backslash_n_is_accepted(env: dict[str, str]) -> None:
    one_line = env["PRIVATE_KEY"].strip().replace("\n", "\\n")
    settings = Settings.from_env({**env, "PRIVATE_KEY": one_line})
    assert settings.private_key.startswith("-----BEGIN")
    assert "\\n" not in settings.private_key


def test_private_key_path(env: dict[str, str], tmp_path: Path) -> None:
    key_file = tmp_path / "app.pem"
    key_file.write_text(env.pop("PRIVATE_KEY"))
    settings = Settings.from_env({**env, "PRIVATE_KEY_PATH": str(key_file)})
    assert "PRIVATE KEY" in settings.private_key


@pytest.mark.parametrize(("change", "key"), [
    ({"APP_ID": ""}, "APP_ID"),
    ({"APP_ID": "my-app"}, "APP_ID"),
    ({"PRIVATE_KEY": ""}, "PRIVATE_KEY"),
    ({"PRIVATE_KEY": "-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----"},
     "PRIVATE_KEY"),
    ({"PRIVATE_KEY": "", "PRIVATE_KEY_PATH": "/nonexistent/key.pem"}, "PRIVATE_KEY_PATH"),
    ({"WEBHOOK_SECRET": "  "}, "WEBHOOK_SECRET"),
    ({"PORT": "eighty"}, "PORT"),
    ({"PORT": "70000"}, "PORT"),
    ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL"),
    ({"GITHUB_API_URL": "api.github.com"}, "GITHUB_API_URL"),
    ({"WEBHOOK_PATH": "webhook"}, "WEBHOOK_PATH"),
    ({"WORKERS": "0"}, "WORKERS"),
    ({"REVIEW_TIMEOUT": "soon"}, "REVIEW_TIMEOUT"),
    ({"RETRY_HOURS": "six"}, "RETRY_HOURS"),
    ({"RETRY_HOURS": "-1"}, "RETRY_HOURS"),
    ({"RETRY_HOURS": "nan"}, "RETRY_HOURS"),
    ({"CONTENT_PER_MINUTE": "-5"}, "CONTENT_PER_MINUTE"),
    ({"CONTENT_PER_HOUR": "lots"}, "CONTENT_PER_HOUR"),
    ({"REVIEW_PROCESSES": "-1"}, "REVIEW_PROCESSES"),
    ({"QUEUE_URL": "postgres://db/shipshape"}, "QUEUE_URL"),
    ({"QUEUE_URL": "sqlite://"}, "QUEUE_URL"),
    ({"QUEUE_URL": "redis:///0"}, "QUEUE_URL"),
    ({"QUEUE_LEASE_SECONDS": "0"}, "QUEUE_LEASE_SECONDS"),
    ({"DATA_DIR": str(ROOT / "pyproject.toml")}, "DATA_DIR"),
])
def test_bad_setting_is_named(env: dict[str, str], change: dict[str, str], key: str) -> None:
    with pytest.raises(InvalidSettings) as caught:
        Settings.from_env({**env, **change})
    [error] = caught.value.errors
    assert error.key == key
    assert str(error).startswith(f"{key}:")
    assert "\n" not in str(error)


def test_secrets_stay_out_of_repr_and_description(env: dict[str, str]) -> None:
    settings = Settings.from_env(env)
    assert "s3cret-hook" not in repr(settings)
    assert "PRIVATE KEY" not in repr(settings)
    assert "s3cret-hook" not in str(settings.describe())
    # Not even its length or a masked form: nothing about the secret is logged.
    assert not [key for key in settings.describe() if "secret" in key or "key" in key]


def test_python_m_bot_without_settings_names_each_missing_one_on_its_line() -> None:
    done = subprocess.run([sys.executable, "-m", "bot"], cwd=ROOT,
                          env={"PATH": "/usr/bin", "HOST": "127.0.0.1", "PORT": "eighty"},
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert all(line.startswith("shipshape: cannot start: ") for line in lines)
    named = [line.removeprefix("shipshape: cannot start: ").split(":")[0] for line in lines]
    assert named == ["APP_ID", "PRIVATE_KEY", "WEBHOOK_SECRET", "PORT"], done.stderr
    assert done.stdout == ""


def test_a_key_that_is_not_rsa_is_named(env: dict[str, str]) -> None:
    # A valid PEM key of the wrong kind: GitHub signs App JWTs with RS256 only.
    ec_key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    with pytest.raises(InvalidSettings) as caught:
        Settings.from_env({**env, "PRIVATE_KEY": ec_key})
    [error] = caught.value.errors
    assert error.key == "PRIVATE_KEY" and "RSA" in str(error)
    assert "BEGIN" not in str(caught.value)


def test_every_bad_setting_is_named_at_once(env: dict[str, str]) -> None:
    bad = {"APP_ID": "my-app", "PORT": "0", "LOG_LEVEL": "chatty", "WORKERS": "many"}
    with pytest.raises(InvalidSettings) as caught:
        Settings.from_env({**env, **bad})
    assert sorted(error.key for error in caught.value.errors) == sorted(bad)
    assert all("\n" not in str(error) for error in caught.value.errors)
    assert len(str(caught.value).splitlines()) == len(bad)


def test_the_queue_is_a_sqlite_file_in_data_dir_by_default(env: dict[str, str],
                                                           tmp_path: Path) -> None:
    settings = Settings.from_env({**env, "DATA_DIR": str(tmp_path / "state")})
    assert settings.queue_url == f"sqlite://{tmp_path / 'state' / 'queue.sqlite3'}"
    assert not (tmp_path / "state").exists()  # reading settings creates nothing
    assert Settings.from_env(env).queue_url.endswith("/data/queue.sqlite3")


def test_a_redis_password_stays_out_of_the_description(env: dict[str, str]) -> None:
    settings = Settings.from_env({**env, "QUEUE_URL": "redis://:hunter2-pw@redis:6379/1"})
    assert settings.queue_url == "redis://:hunter2-pw@redis:6379/1"
    assert "hunter2" not in str(settings.describe()) and "hunter2" not in repr(settings)
    assert settings.describe()["queue_url"] == "redis://:***@redis:6379/1"
    with pytest.raises(InvalidSettings) as caught:
        Settings.from_env({**env, "QUEUE_URL": "redis://:hunter2-pw@/1"})
    assert "hunter2" not in str(caught.value)
