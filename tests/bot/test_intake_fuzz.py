"""Property-based fuzz of the intake: real payloads with every field the routers read replaced
by any JSON type, odd headers and encodings. Never a 5xx, never a logged traceback, and a valid
delivery afterwards still ends in a completed check run.

CI runs a bounded, derandomised session; `SHIPSHAPE_FUZZ_EXAMPLES=2000` runs a long random one.
"""

from __future__ import annotations

import copy
import json
import logging
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.bot.conftest import Bot, headers_for, payload, pr_event, sign
from tests.bot.diffs import new_file, python_module

_LONG = int(os.environ.get("SHIPSHAPE_FUZZ_EXAMPLES", "0"))
# Each example posts up to 12 hostile deliveries and then reviews one valid PR.
FUZZ = settings(max_examples=_LONG or 30, deadline=None, derandomize=not _LONG,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# Payloads whose events have routers, and the key paths those routers read.
FIXTURES = ["pull_request.opened", "pull_request.edited", "pull_request.synchronize",
            "check_run.rerequested", "check_suite.rerequested", "installation.deleted",
            "installation_repositories.added", "ping", "issue_comment.created"]
PATHS = [
    ("action",), ("installation",), ("installation", "id"), ("installation", "account"),
    ("repository",), ("repository", "full_name"), ("pull_request",),
    ("pull_request", "number"), ("pull_request", "head"), ("pull_request", "head", "sha"),
    ("pull_request", "head", "ref"), ("pull_request", "base"), ("pull_request", "state"),
    ("pull_request", "labels"), ("pull_request", "title"), ("pull_request", "user"),
    ("pull_request", "updated_at"), ("changes",), ("check_run",), ("check_run", "name"),
    ("check_run", "app"), ("check_run", "app", "id"), ("check_run", "head_sha"),
    ("check_run", "pull_requests"), ("check_suite",), ("check_suite", "pull_requests"),
    ("check_suite", "app"), ("repositories_added",), ("repositories_removed",), ("zen",),
    ("hook_id",), ("comment",), ("comment", "body"), ("issue",), ("sender",),
]
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                     st.floats(allow_nan=False), st.text(max_size=40),
                     st.sampled_from(["opened", "rerequested", "shipshape", "o/r", "é/ü#1"]))
JSON = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        if not isinstance(data.get(key), dict):
            data[key] = {}
        data = data[key]
    data[path[-1]] = value


@st.composite
def deliveries(draw: st.DrawFn, base: dict[str, dict[str, Any]]) -> tuple[dict[str, str], bytes]:
    name = draw(st.sampled_from(FIXTURES))
    data = copy.deepcopy(base[name])
    # The paths this event's routers read (its payload has their first key), and `action`.
    paths = [p for p in PATHS if p[0] in data or p == ("action",)]
    for path in draw(st.lists(st.sampled_from(paths), min_size=1, max_size=4)):
        _set(data, path, draw(JSON))
    body = json.dumps(data, ensure_ascii=draw(st.booleans())).encode()
    # Mostly well-formed, so that most deliveries get past the checks to the routers.
    encoding = draw(st.sampled_from(["utf-8"] * 6 + ["utf-16", "bom", "latin-1-junk"]))
    if encoding == "utf-16":
        body = body.decode().encode("utf-16")
    elif encoding == "bom":
        body = b"\xef\xbb\xbf" + body
    elif encoding == "latin-1-junk":
        body = body[:-1] + b"\xff\xfe}"
    headers = headers_for(name.split(".")[0], body)
    headers["X-Hub-Signature-256"] = sign(body)
    header = draw(st.sampled_from(["none"] * 6 + ["event", "delivery", "type", "signature"]))
    # Any byte a client can put in a header value: printable latin-1, non-ASCII included.
    odd = draw(st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF,
                                     exclude_characters="\x7f"), max_size=120))
    if header == "event":
        headers["X-GitHub-Event"] = odd
    elif header == "delivery":
        headers["X-GitHub-Delivery"] = odd
    elif header == "type":
        headers["Content-Type"] = odd
    elif header == "signature":
        headers["X-Hub-Signature-256"] = odd
    return headers, body


@pytest.fixture
def bases(bot: Bot) -> dict[str, dict[str, Any]]:
    """The fixtures' payloads pointed at the fake's installation, repository and a real PR."""
    fake = bot.fake
    fake.add_pull(fake.repo, 31, diff=new_file("billing/total.py", python_module("total")))
    out = {name: payload(name) for name in FIXTURES}
    out["pull_request.opened"] = pr_event(fake, "opened", 31)
    for body in out.values():
        if isinstance(body.get("installation"), dict):
            body["installation"]["id"] = fake.installation_id
        if isinstance(body.get("repository"), dict):
            body["repository"]["full_name"] = fake.repo
    return out


_PR_NUMBERS = iter(range(100, 10_000))


@FUZZ
@given(data=st.data())
async def test_no_delivery_gets_a_5xx_or_a_traceback_and_valid_ones_still_run(
        bot: Bot, bases: dict[str, dict[str, Any]], data: st.DataObject,
        caplog: pytest.LogCaptureFixture) -> None:
    batch = data.draw(st.lists(deliveries(bases), min_size=1, max_size=12))
    caplog.clear()
    with caplog.at_level(logging.INFO):
        for headers, body in batch:
            resp = await bot.client.post("/webhook", data=body, headers=headers)
            answer = await resp.json()
            assert resp.status < 500, answer
            assert answer["reason"]
    raised = [r.getMessage() for r in caplog.records
              if r.exc_info and r.name.startswith(("shipshape.intake", "shipshape.events",
                                                   "aiohttp"))]
    assert raised == []
    fake, number = bot.fake, next(_PR_NUMBERS)
    fake.add_pull(fake.repo, number, diff=new_file("billing/total.py", python_module("total")))
    resp = await bot.deliver("pull_request", pr_event(fake, "opened", number))
    assert resp.status == 202, resp.json_body
    await bot.idle()
    head = fake.pull(fake.repo, number).head_sha
    assert [r["status"] for r in fake.check_runs(fake.repo, head)] == ["completed"]


@pytest.mark.parametrize(("name", "key", "value"), [
    ("installation_repositories.added", "repositories_added", True),
    ("installation_repositories.added", "repositories_removed", 7),
    ("check_suite.rerequested", "check_suite", {"head_sha": "a" * 40, "pull_requests": 1,
                                                "app": {"id": 1}}),
])
async def test_a_signed_field_of_the_wrong_type_is_not_a_500(
        bot: Bot, bases: dict[str, dict[str, Any]], name: str, key: str, value: Any) -> None:
    data = {**bases[name], key: value}
    resp = await bot.deliver(name.split(".")[0], data)
    assert resp.status == 200, resp.json_body
