"""No output shows a secret: text, JSON, markdown, annotations, the bot's outputs, and logs.

A PR adds several credentials; every way shipshape reports on it is rendered, and none may hold
a secret value or any 8-character piece of one past its provider prefix.
"""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest

import checks
from bot.review import review
from checks.render.annotations import to_annotations
from checks.render.markdown import render_markdown
from checks.render.text import render_text
from checks.secrets.scan import find_secrets
from cli.main import main
from tests.checks.secrets.diffs import new_file
from tests.checks.secrets.tokens import Tokens

T = Tokens(seed=99)


def _document() -> dict:
    pem = T.pem_body(10)
    diff = (
        new_file("deploy/settings.py", [
            "import os", f'GITHUB_TOKEN = "{T.github()}"',
            f'AWS_ACCESS_KEY_ID = "{T.aws_key_id()}"',
            f'AWS_SECRET_ACCESS_KEY = "{T.aws_secret()}"',
            f'DATABASE_URL = "postgres://app:{T.chars(20)}@db.prod.acme.io/app"',
            f'SESSION_SECRET = "{T.hex_secret()}"',
        ])
        + new_file("deploy/id_rsa", ["-----BEGIN RSA PRIVATE KEY-----", *pem,
                                     "-----END RSA PRIVATE KEY-----"])
        + new_file("web/src/api.ts", [f"const auth = 'Bearer {T.jwt()}';",
                                      f"const stripe = '{T.stripe()}'; // shipshape:allow secret "
                                      "sandbox"])
    )
    return {"title": "ACME-12: deploy settings", "diff": diff, "head_ref": "feature/ACME-12",
            "commits": [{"sha": "a" * 40, "message": "ACME-12: add deploy settings"}]}


def _pieces(document: dict) -> list[str]:
    """Every 8-character run of each secret's secret part (past any provider prefix)."""
    snapshot = checks.load_snapshot(document)
    values = [hit.value for hit in find_secrets(snapshot.files)]
    assert len(values) >= 8, "the fixture lost its secrets"
    pieces = []
    for value in values:
        start = value.rfind("-----") + 5 if value.startswith("-----BEGIN") else 12
        pieces += [value[i:i + 8] for i in range(start, len(value) - 7)]
    return pieces


def _assert_clean(output: str, pieces: list[str], where: str) -> None:
    leaked = sum(1 for piece in pieces if piece in output)
    assert leaked == 0, f"{where}: {leaked} pieces of secrets in the output"


@pytest.fixture(scope="module")
def document() -> dict:
    return _document()


@pytest.fixture(scope="module")
def pieces(document: dict) -> list[str]:
    return _pieces(document)


def test_report_renderers_never_echo(document: dict, pieces: list[str]) -> None:
    report = checks.run(document)
    secrets = report.check("secrets")
    assert secrets.status is checks.Status.FAIL and len(secrets.findings) >= 7
    outputs = {
        "text": render_text(report, color=False),
        "text (colour)": render_text(report, color=True),
        "markdown": render_markdown(report),
        "annotations": json.dumps(to_annotations(report)),
        "json": json.dumps(report.to_dict()),
        "repr": repr(report),
    }
    for where, output in outputs.items():
        _assert_clean(output, pieces, where)
    assert "40 chars" in outputs["markdown"]
    assert "RSA private key (lines 1-13)" in outputs["text"]


def test_bot_outputs_never_echo(document: dict, pieces: list[str],
                                caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        outputs = review(document, checks.config_from_yaml("secrets:\n  generic_level: warn\n"))
    assert outputs.status == "fail"
    for where, output in {"title": outputs.title, "checklist": outputs.checklist,
                          "annotations": json.dumps(outputs.annotations),
                          "report": json.dumps(outputs.report), "logs": caplog.text}.items():
        _assert_clean(output, pieces, where)


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_command_line_output_and_logs_never_echo(fmt: str, document: dict, pieces: list[str],
                                                 tmp_path: Path,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "pr.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()
    with caplog.at_level(logging.DEBUG):
        code = main(["check", "--snapshot", str(path), "--format", fmt], stdout=stdout,
                    stderr=stderr)
    assert code == 1
    assert "secrets" in stdout.getvalue()
    for where, output in {"stdout": stdout.getvalue(), "stderr": stderr.getvalue(),
                          "logs": caplog.text}.items():
        _assert_clean(output, pieces, f"{fmt} {where}")


def _config_cases() -> list[tuple[str, str, str]]:
    """(YAML, the secret it holds, the key path the error must still name)."""
    github, aws = T.github(), T.aws_key_id()
    password = T.chars(16)
    return [
        (f"tests:\n  level: {github}\n", github, "tests.level"),
        (f"{aws}: true\n", aws, ""),
        (f"story:\n  {github}: 1\n", github, "story."),
        (f"secrets:\n  generic_level: {password}\n", password, "secrets.generic_level"),
        (f"ignore:\n  - 'build/{github}\\'\n", github, "ignore[0]"),
        (f"tests:\n  level: {aws}\n", aws, "tests.level"),
    ]


@pytest.mark.parametrize(("yaml_text", "secret", "key"), _config_cases(),
                         ids=["choice", "top-level key", "check key", "generic level", "glob",
                              "aws choice"])
def test_configuration_errors_never_echo(yaml_text: str, secret: str, key: str,
                                         tmp_path: Path) -> None:
    pieces = [secret[i:i + 8] for i in range(4, len(secret) - 7)]
    with pytest.raises(checks.ConfigError) as caught:
        checks.config_from_yaml(yaml_text)
    message = str(caught.value)
    _assert_clean(message + caught.value.path, pieces, "ConfigError")
    assert key in message and "chars)" in message
    config = tmp_path / "shipshape.yml"
    config.write_text(yaml_text, encoding="utf-8")
    snapshot = tmp_path / "pr.json"
    snapshot.write_text(json.dumps(_document()), encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(["check", "--snapshot", str(snapshot), "--config", str(config)],
                stdout=stdout, stderr=stderr)
    assert code == 2
    assert key in stderr.getvalue()
    _assert_clean(stdout.getvalue() + stderr.getvalue(), pieces, "CLI")


def test_configuration_errors_still_quote_what_is_plainly_not_a_secret() -> None:
    with pytest.raises(checks.ConfigError) as caught:
        checks.config_from_yaml("tests:\n  level: maybe\n")
    assert "got 'maybe'" in str(caught.value)
    with pytest.raises(checks.ConfigError) as caught:
        checks.config_from_yaml("story:\n  patern: x\n")
    assert caught.value.path == "story.patern"
