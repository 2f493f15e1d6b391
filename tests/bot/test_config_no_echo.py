"""A configuration error's neutral check run names the key but never quotes a secret in full."""

from __future__ import annotations

import json
import logging

import pytest

from tests.bot.conftest import Bot, pr_event
from tests.bot.diffs import new_file, python_module
from tests.checks.secrets.tokens import Tokens

T = Tokens(seed=14)
GITHUB_TOKEN, AWS_KEY_ID = T.github(), T.aws_key_id()


@pytest.mark.parametrize(("config", "secret", "key"), [
    (f"tests:\n  level: {GITHUB_TOKEN}\n", GITHUB_TOKEN, "tests.level"),
    (f"{AWS_KEY_ID}: true\n", AWS_KEY_ID, "unknown key"),
], ids=["out-of-range choice", "unknown key"])
async def test_config_error_run_and_logs_never_quote_the_secret(
        bot: Bot, caplog: pytest.LogCaptureFixture, config: str, secret: str, key: str) -> None:
    fake = bot.fake
    fake.set_file_content(fake.repo, ".github/shipshape.yml", config, ref="main")
    fake.add_pull(fake.repo, 21, title="Totals",
                  diff=new_file("billing/total.py", python_module("total")))
    with caplog.at_level(logging.DEBUG):
        resp = await bot.deliver("pull_request", pr_event(fake, "opened", 21))
        assert resp.status == 202
        await bot.idle()
    [run] = fake.check_runs(fake.repo)
    assert run["conclusion"] == "neutral"
    assert key in run["output"]["summary"]
    # Everything the bot sent to GitHub, not only the run as it ended up.
    published = json.dumps([c.json for c in fake.calls if c.method != "GET"])
    assert key in published
    for text in (published, caplog.text):
        assert secret[4:] not in text
        assert not any(secret[i:i + 8] in text for i in range(4, len(secret) - 7))
