"""Settings come from one pure function of the environment; a bad one names itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from bot.settings import Settings, SettingsError
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
    ({"REVIEW_PROCESSES": "-1"}, "REVIEW_PROCESSES"),
])
def test_bad_setting_is_named(env: dict[str, str], change: dict[str, str], key: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**env, **change})
    assert caught.value.key == key
    assert str(caught.value).startswith(f"{key}:")
    assert "\n" not in str(caught.value)


def test_secrets_stay_out_of_repr_and_description(env: dict[str, str]) -> None:
    settings = Settings.from_env(env)
    assert "s3cret-hook" not in repr(settings)
    assert "PRIVATE KEY" not in repr(settings)
    assert "s3cret-hook" not in str(settings.describe())


def test_python_m_bot_without_settings_exits_2_with_one_line() -> None:
    done = subprocess.run([sys.executable, "-m", "bot"], cwd=ROOT, env={"PATH": "/usr/bin"},
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "APP_ID" in lines[0]
    assert done.stdout == ""


def test_a_key_that_is_not_rsa_is_named(env: dict[str, str]) -> None:
    # A valid PEM key of the wrong kind: GitHub signs App JWTs with RS256 only.
    ec_key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**env, "PRIVATE_KEY": ec_key})
    assert caught.value.key == "PRIVATE_KEY" and "RSA" in str(caught.value)
    assert "BEGIN" not in str(caught.value)
