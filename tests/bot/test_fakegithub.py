"""The fake GitHub refuses what GitHub refuses and serves what the bot reads, in GitHub's shapes.

Requests that pass are built with gidgethub, the client the bot uses; refused ones are sent raw
so the status and body GitHub would give can be asserted.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import gidgethub
import jwt
import pytest
from gidgethub import apps
from gidgethub.aiohttp import GitHubAPI

from tests.fakegithub import FakeCommit, FakeGitHub, generate_app_key, spec
from tests.fakegithub.__main__ import DEFAULT_PAYLOAD, seed
from tests.fakegithub.spec import GITHUB_FIXTURES, SPEC_PATH

WEBHOOKS = GITHUB_FIXTURES / "webhooks"
REPO = "octo-org/hello-world"

LOGIN_DIFF = """\
diff --git a/app/auth/login.py b/app/auth/login.py
new file mode 100644
index 0000000..9c1d2e4
--- /dev/null
+++ b/app/auth/login.py
@@ -0,0 +1,6 @@
+from app.db import users
+
+
+def login(name: str, password: str) -> bool:
+    print("login attempt", name, password)
+    return users.check(name, password)
diff --git a/app/settings.py b/app/settings.py
index 4b825dc..e69de29 100644
--- a/app/settings.py
+++ b/app/settings.py
@@ -10,7 +10,8 @@ DATABASES = {
     "default": {
         "ENGINE": "django.db.backends.postgresql",
         "NAME": "app",
-        "HOST": "db",
+        "HOST": "db.internal",
+        "PORT": 5432,
     }
 }
 DEBUG = False
diff --git a/docs/old-login.md b/docs/login.md
similarity index 100%
rename from docs/old-login.md
rename to docs/login.md
diff --git a/static/logo.png b/static/logo.png
index 3f4e2a1..8b9c0d2 100644
Binary files a/static/logo.png and b/static/logo.png differ
"""


def annotation(line: int) -> dict[str, Any]:
    return {"path": "app/auth/login.py", "start_line": line, "end_line": line,
            "annotation_level": "warning", "message": f"Finding on line {line}"}


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


@pytest.fixture
async def gh(fake_github: FakeGitHub, session: aiohttp.ClientSession) -> GitHubAPI:
    return GitHubAPI(session, "shipshape-tests", base_url=fake_github.url)


@pytest.fixture
async def token(fake_github: FakeGitHub, gh: GitHubAPI) -> str:
    answer = await apps.get_installation_access_token(
        gh, installation_id=str(fake_github.installation_id), app_id=str(fake_github.app_id),
        private_key=fake_github.private_key_pem)
    return answer["token"]


@pytest.fixture
def pr(fake_github: FakeGitHub) -> Any:
    return fake_github.add_pull(REPO, 7, title="Add login", body="Adds a login form.",
                                diff=LOGIN_DIFF, commits=["Add login", "Point at the db host"])


async def raw(fake: FakeGitHub, session: aiohttp.ClientSession, method: str, path: str, *,
              token: str | None = None, body: Any = None, data: bytes | None = None,
              headers: dict[str, str] | None = None) -> tuple[int, Any, Any]:
    """Send one request without a client library; return (status, json or text, headers)."""
    sent = {"User-Agent": "shipshape-tests", **(headers or {})}
    if token is not None:
        sent["Authorization"] = f"token {token}"
    async with session.request(method, fake.url + path, json=body, data=data,
                               headers=sent) as response:
        text = await response.text()
        try:
            payload = json.loads(text)
        except ValueError:
            payload = text
        return response.status, payload, response.headers


# --- refusals: routing, schema, auth -----------------------------------------------------------

async def test_unknown_path_and_wrong_method_are_404(fake_github, session, token):
    status, body, _ = await raw(fake_github, session, "GET", f"/repos/{REPO}/pulls/7/nope",
                                token=token)
    assert (status, body["message"]) == (404, "Not Found")
    status, body, _ = await raw(fake_github, session, "DELETE", f"/repos/{REPO}/check-runs/1",
                                token=token)
    assert (status, body["message"]) == (404, "Not Found")


@pytest.mark.parametrize("field", ["name", "head_sha"])
async def test_check_run_create_without_required_field_is_422(fake_github, session, token, pr,
                                                              field):
    body = {"name": "shipshape", "head_sha": pr.head_sha}
    del body[field]
    status, answer, _ = await raw(fake_github, session, "POST", f"/repos/{REPO}/check-runs",
                                  token=token, body=body)
    assert status == 422
    assert f'"{field}" wasn\'t supplied.' in answer["message"]
    assert answer["documentation_url"].startswith("https://docs.github.com/")
    assert answer["errors"]
    assert fake_github.check_runs(REPO) == []


@pytest.mark.parametrize("body", [
    {"name": "shipshape", "head_sha": 1234},
    {"name": "shipshape", "head_sha": "HEAD", "status": "finished"},
    {"name": "shipshape", "head_sha": "HEAD", "conclusion": "passed"},
    {"name": "shipshape", "head_sha": "HEAD", "output": {"title": "no summary"}},
    {"name": ["shipshape"], "head_sha": "HEAD"},
])
async def test_wrong_types_and_enums_are_422(fake_github, session, token, pr, body):
    body = json.loads(json.dumps(body).replace('"HEAD"', json.dumps(pr.head_sha)))
    status, answer, _ = await raw(fake_github, session, "POST", f"/repos/{REPO}/check-runs",
                                  token=token, body=body)
    assert status == 422, answer
    assert answer["message"].startswith("Invalid request.")


async def test_annotations_are_capped_at_50_per_request(fake_github, session, token, pr):
    output = {"title": "t", "summary": "s", "annotations": [annotation(n) for n in range(1, 52)]}
    status, _, _ = await raw(fake_github, session, "POST", f"/repos/{REPO}/check-runs",
                             token=token, body={"name": "shipshape", "head_sha": pr.head_sha,
                                                "output": output})
    assert status == 422
    output["annotations"] = output["annotations"][:50]
    status, _, _ = await raw(fake_github, session, "POST", f"/repos/{REPO}/check-runs",
                             token=token, body={"name": "shipshape", "head_sha": pr.head_sha,
                                                "output": output})
    assert status == 201


async def test_summary_is_capped_at_65535_characters(fake_github, session, token, pr):
    def create(summary: str) -> Any:
        return raw(fake_github, session, "POST", f"/repos/{REPO}/check-runs", token=token,
                   body={"name": "shipshape", "head_sha": pr.head_sha,
                         "output": {"title": "Checklist", "summary": summary}})

    status, answer, _ = await create("x" * 65536)
    assert status == 422
    assert "/output/summary" in answer["message"] and "maxLength" in answer["message"]
    assert len(answer["message"]) < 1000, "the refused value must not be echoed back"
    status, _, _ = await create("x" * 65535)
    assert status == 201


async def test_unparsable_json_is_400(fake_github, session, token, pr):
    status, answer, _ = await raw(fake_github, session, "POST", f"/repos/{REPO}/check-runs",
                                  token=token, data=b'{"name": "shipshape",',
                                  headers={"Content-Type": "application/json"})
    assert (status, answer["message"]) == (400, "Problems parsing JSON")


@pytest.mark.parametrize("query", ["per_page=many", "filter=newest", "status=done"])
async def test_bad_query_parameters_are_422(fake_github, session, token, pr, query):
    status, _, _ = await raw(fake_github, session, "GET",
                             f"/repos/{REPO}/commits/{pr.head_sha}/check-runs?{query}",
                             token=token)
    assert status == 422


async def test_missing_or_bad_credentials_are_401(fake_github, session, token, pr):
    path = f"/repos/{REPO}/pulls/7"
    status, answer, _ = await raw(fake_github, session, "GET", path)
    assert (status, answer["message"]) == (401, "Requires authentication")
    status, answer, _ = await raw(fake_github, session, "GET", path, token="ghs_" + "x" * 36)
    assert (status, answer["message"]) == (401, "Bad credentials")
    status, _, _ = await raw(fake_github, session, "GET", path, token=token)
    assert status == 200
    status, answer, _ = await raw(fake_github, session, "GET", path,
                                  headers={"Authorization": f"Bearer {token}"})
    assert status == 200


async def test_expired_token_is_401_and_a_new_one_works(fake_github, session, gh, token, pr):
    fake_github.expire_tokens()
    status, answer, _ = await raw(fake_github, session, "GET", f"/repos/{REPO}/pulls/7",
                                  token=token)
    assert (status, answer["message"]) == (401, "Bad credentials")
    fresh = await apps.get_installation_access_token(
        gh, installation_id=str(fake_github.installation_id), app_id=str(fake_github.app_id),
        private_key=fake_github.private_key_pem)
    assert fresh["token"] != token
    pull = await gh.getitem(f"/repos/{REPO}/pulls/7", oauth_token=fresh["token"])
    assert pull["number"] == 7


def _jwt(key: str, *, iss: Any, iat: int, exp: int) -> str:
    return jwt.encode({"iss": str(iss), "iat": iat, "exp": exp}, key, algorithm="RS256")


@pytest.mark.parametrize("case", ["other_key", "wrong_iss", "expired", "exp_too_far",
                                  "iat_in_future", "token_not_jwt"])
async def test_app_endpoints_refuse_bad_jwts(fake_github, session, token, case):
    now = int(time.time())
    key = fake_github.private_key_pem
    bearer = {
        "other_key": lambda: _jwt(generate_app_key()[0], iss=fake_github.app_id, iat=now - 60,
                                  exp=now + 500),
        "wrong_iss": lambda: _jwt(key, iss=fake_github.app_id + 1, iat=now - 60, exp=now + 500),
        "expired": lambda: _jwt(key, iss=fake_github.app_id, iat=now - 700, exp=now - 100),
        "exp_too_far": lambda: _jwt(key, iss=fake_github.app_id, iat=now - 60, exp=now + 3600),
        "iat_in_future": lambda: _jwt(key, iss=fake_github.app_id, iat=now + 300, exp=now + 500),
        "token_not_jwt": lambda: token,
    }[case]()
    status, answer, _ = await raw(
        fake_github, session, "POST",
        f"/app/installations/{fake_github.installation_id}/access_tokens",
        headers={"Authorization": f"Bearer {bearer}"})
    assert status == 401, answer
    assert fake_github.state.tokens.keys() == {token}


async def test_jwt_is_not_accepted_on_repository_endpoints(fake_github, session, pr):
    now = int(time.time())
    bearer = _jwt(fake_github.private_key_pem, iss=fake_github.app_id, iat=now - 60,
                  exp=now + 500)
    status, _, _ = await raw(fake_github, session, "GET", f"/repos/{REPO}/pulls/7",
                             headers={"Authorization": f"Bearer {bearer}"})
    assert status == 401


async def test_unknown_installation_is_404(fake_github, gh):
    with pytest.raises(gidgethub.BadRequest) as caught:
        await apps.get_installation_access_token(
            gh, installation_id="999999", app_id=str(fake_github.app_id),
            private_key=fake_github.private_key_pem)
    assert caught.value.status_code == 404


async def test_other_installations_repositories_are_invisible(fake_github, session, token):
    other = fake_github.add_installation(account="someone-else")
    fake_github.add_repo("someone-else/private", installation_id=other, private=True)
    status, _, _ = await raw(fake_github, session, "GET", "/repos/someone-else/private",
                             token=token)
    assert status == 404


async def test_token_limited_to_some_repositories(fake_github, gh, session):
    fake_github.add_repo("octo-org/other")
    jwt_token = apps.get_jwt(app_id=str(fake_github.app_id),
                             private_key=fake_github.private_key_pem)
    answer = await gh.post(f"/app/installations/{fake_github.installation_id}/access_tokens",
                           data={"repositories": ["other"]}, jwt=jwt_token)
    assert answer["repository_selection"] == "selected"
    status, _, _ = await raw(fake_github, session, "GET", "/repos/octo-org/other",
                             token=answer["token"])
    assert status == 200
    status, _, _ = await raw(fake_github, session, "GET", f"/repos/{REPO}", token=answer["token"])
    assert status == 404


async def test_missing_user_agent_is_403(fake_github, session, token):
    async with session.get(f"{fake_github.url}/repos/{REPO}", skip_auto_headers=["User-Agent"],
                           headers={"Authorization": f"token {token}"}) as response:
        assert response.status == 403


# --- pull requests -----------------------------------------------------------------------------

async def test_pull_and_files_are_derived_from_the_diff(fake_github, gh, token, pr):
    pull = await gh.getitem(f"/repos/{REPO}/pulls/7", oauth_token=token)
    assert (pull["title"], pull["head"]["sha"], pull["changed_files"]) == (
        "Add login", pr.head_sha, 4)
    assert pull["base"]["ref"] == "main" and pull["user"]["login"] == "octocat"
    files = [f async for f in gh.getiter(f"/repos/{REPO}/pulls/7/files", oauth_token=token)]
    by_name = {f["filename"]: f for f in files}
    assert by_name["app/auth/login.py"]["status"] == "added"
    assert by_name["app/auth/login.py"]["additions"] == 6
    assert by_name["app/settings.py"]["patch"].startswith("@@ -10,7 +10,8 @@ DATABASES")
    assert (by_name["app/settings.py"]["additions"], by_name["app/settings.py"]["deletions"]) == (
        2, 1)
    assert by_name["docs/login.md"]["status"] == "renamed"
    assert by_name["docs/login.md"]["previous_filename"] == "docs/old-login.md"
    assert "patch" not in by_name["static/logo.png"]


async def test_whole_diff_media_type_returns_the_diff(fake_github, gh, token, pr):
    diff = await gh.getitem(f"/repos/{REPO}/pulls/7", oauth_token=token,
                            accept="application/vnd.github.diff")
    assert diff == LOGIN_DIFF


async def test_too_large_diff_is_406_like_github(fake_github, session, token, pr):
    fake_github.diff_max_lines = 20
    status, answer, _ = await raw(fake_github, session, "GET", f"/repos/{REPO}/pulls/7",
                                  token=token, headers={"Accept": "application/vnd.github.diff"})
    assert status == 406
    assert answer["message"] == "Sorry, the diff exceeded the maximum number of lines (20)"
    assert answer["errors"] == [{"resource": "PullRequest", "field": "diff", "code": "too_large"}]
    fake_github.diff_max_lines, fake_github.diff_max_files = 20000, 3
    status, answer, _ = await raw(fake_github, session, "GET", f"/repos/{REPO}/pulls/7",
                                  token=token, headers={"Accept": "application/vnd.github.diff"})
    assert status == 406 and "maximum number of files (3)" in answer["message"]
    status, _, _ = await raw(fake_github, session, "GET", f"/repos/{REPO}/pulls/7/files",
                             token=token)
    assert status == 200


async def test_compare_serves_a_seeded_comparison_within_githubs_limits(fake_github, session,
                                                                      token):
    base, head = "1" * 40, "2" * 40
    fake_github.add_comparison(REPO, base, head, files=_many_files(320),
                               commits=[f"Step {n}" for n in range(260)])
    status, whole, _ = await raw(fake_github, session, "GET",
                                 f"/repos/{REPO}/compare/{base}...{head}", token=token)
    assert status == 200
    assert (whole["total_commits"], len(whole["commits"]), len(whole["files"])) == (260, 250, 300)
    assert whole["commits"][-1]["sha"] == head  # unpaged: the newest commit comes last
    status, second, headers = await raw(
        fake_github, session, "GET", f"/repos/{REPO}/compare/{base}...{head}?per_page=100&page=2",
        token=token)
    assert status == 200 and second["files"] == [] and len(second["commits"]) == 100
    assert 'rel="next"' in headers["Link"]
    diff_media = {"Accept": "application/vnd.github.diff"}
    status, _, _ = await raw(fake_github, session, "GET",
                             f"/repos/{REPO}/compare/{base}...{head}", token=token,
                             headers=diff_media)
    assert status == 406  # over diff_max_files (300)
    fake_github.diff_max_files = 1000
    status, diff, _ = await raw(fake_github, session, "GET",
                                f"/repos/{REPO}/compare/{base}...{head}", token=token,
                                headers=diff_media)
    assert status == 200 and diff.count("diff --git ") == 320
    status, _, _ = await raw(fake_github, session, "GET",
                             f"/repos/{REPO}/compare/{head}...{base}", token=token)
    assert status == 404


def _many_files(count: int) -> list[dict[str, Any]]:
    return [{"filename": f"src/module_{n:04}.py", "status": "added",
             "patch": f"@@ -0,0 +1 @@\n+VALUE_{n} = {n}"} for n in range(count)]


async def test_files_paginate_with_link_headers_and_stop_at_3000(fake_github, session, gh,
                                                                 token):
    fake_github.add_pull(REPO, 9, title="Generated modules", files=_many_files(3100))
    status, page, headers = await raw(fake_github, session, "GET",
                                      f"/repos/{REPO}/pulls/9/files?per_page=100&page=2",
                                      token=token)
    assert status == 200 and page[0]["filename"] == "src/module_0100.py"
    assert 'rel="next"' in headers["Link"] and 'rel="prev"' in headers["Link"]
    assert "page=30>; rel=\"last\"" in headers["Link"]
    files = [f async for f in gh.getiter(f"/repos/{REPO}/pulls/9/files?per_page=100",
                                         oauth_token=token)]
    assert len(files) == 3000
    assert files[-1]["filename"] == "src/module_2999.py"
    assert files[0]["additions"] == 1


async def test_per_page_is_capped_at_100(fake_github, session, token):
    fake_github.add_pull(REPO, 9, title="Generated modules", files=_many_files(150))
    status, page, _ = await raw(fake_github, session, "GET",
                                f"/repos/{REPO}/pulls/9/files?per_page=500", token=token)
    assert status == 200 and len(page) == 100


async def test_commits_paginate_and_stop_at_250(fake_github, gh, token):
    messages = [f"Step {n}\n\nDetails of step {n}." for n in range(260)]
    fake_github.add_pull(REPO, 11, title="Long branch", commits=messages)
    commits = [c async for c in gh.getiter(f"/repos/{REPO}/pulls/11/commits", oauth_token=token)]
    assert len(commits) == 250
    assert commits[0]["commit"]["message"] == "Step 0\n\nDetails of step 0."
    assert commits[1]["parents"][0]["sha"] == commits[0]["sha"]
    assert len(fake_github.calls_to("GET", "*/pulls/11/commits")) == 9


async def test_push_moves_the_head_and_keeps_old_commits(fake_github, gh, token, pr):
    old_head = pr.head_sha
    fake_github.push(REPO, 7, commits=[FakeCommit("Fix the print", author="hubot")])
    pull = await gh.getitem(f"/repos/{REPO}/pulls/7", oauth_token=token)
    assert pull["head"]["sha"] != old_head
    commits = [c async for c in gh.getiter(f"/repos/{REPO}/pulls/7/commits", oauth_token=token)]
    assert [c["commit"]["message"] for c in commits] == [
        "Add login", "Point at the db host", "Fix the print"]
    assert commits[-1]["author"]["login"] == "hubot"
    assert commits[-1]["parents"][0]["sha"] == old_head


async def test_seed_from_a_real_payload(fake_github, gh):
    payload = json.loads((WEBHOOKS / "pull_request.opened.json").read_text())
    seeded = fake_github.seed_from_payload(payload, diff=LOGIN_DIFF)
    answer = await apps.get_installation_access_token(
        gh, installation_id=str(payload["installation"]["id"]), app_id=str(fake_github.app_id),
        private_key=fake_github.private_key_pem)
    repo = payload["repository"]["full_name"]
    pull = await gh.getitem(f"/repos/{repo}/pulls/{payload['number']}",
                            oauth_token=answer["token"])
    assert pull["head"]["sha"] == payload["pull_request"]["head"]["sha"] == seeded.head_sha
    assert pull["base"]["sha"] == payload["pull_request"]["base"]["sha"]
    assert pull["title"] == payload["pull_request"]["title"]
    run = await gh.post(f"/repos/{repo}/check-runs", oauth_token=answer["token"],
                        data={"name": "shipshape", "head_sha": pull["head"]["sha"]})
    assert run["pull_requests"][0]["number"] == payload["number"]


async def test_seed_from_check_suite_payload(fake_github, gh):
    payload = json.loads((WEBHOOKS / "check_suite.rerequested.json").read_text())
    assert fake_github.seed_from_payload(payload) is None
    answer = await apps.get_installation_access_token(
        gh, installation_id=str(payload["installation"]["id"]), app_id=str(fake_github.app_id),
        private_key=fake_github.private_key_pem)
    repo = payload["repository"]["full_name"]
    run = await gh.post(f"/repos/{repo}/check-runs", oauth_token=answer["token"],
                        data={"name": "shipshape", "head_sha": payload["check_suite"]["head_sha"]})
    assert run["head_sha"] == payload["check_suite"]["head_sha"]


# --- check runs --------------------------------------------------------------------------------

async def test_check_run_lifecycle_appends_annotations(fake_github, gh, token, pr):
    url = f"/repos/{REPO}/check-runs"
    run = await gh.post(url, oauth_token=token,
                        data={"name": "shipshape", "head_sha": pr.head_sha,
                              "status": "in_progress"})
    assert (run["status"], run["conclusion"]) == ("in_progress", None)
    first = [annotation(n) for n in range(1, 51)]
    await gh.patch(f"{url}/{run['id']}", oauth_token=token,
                   data={"output": {"title": "3 findings", "summary": "…", "annotations": first}})
    done = await gh.patch(f"{url}/{run['id']}", oauth_token=token, data={
        "conclusion": "failure", "output": {"title": "3 findings", "summary": "Checklist",
                                            "annotations": [annotation(51), annotation(52)]}})
    assert (done["status"], done["conclusion"]) == ("completed", "failure")
    assert done["completed_at"] and done["output"]["annotations_count"] == 52
    [stored] = fake_github.check_runs(REPO)
    assert [a["start_line"] for a in stored["annotations"]] == list(range(1, 53))
    listed = [a async for a in gh.getiter(done["output"]["annotations_url"], oauth_token=token)]
    assert len(listed) == 52 and listed[0]["blob_href"].endswith("/app/auth/login.py")


async def test_completed_without_conclusion_and_unknown_sha_are_422(fake_github, session, token,
                                                                    pr):
    for body in ({"name": "shipshape", "head_sha": pr.head_sha, "status": "completed"},
                 {"name": "shipshape", "head_sha": "0" * 40}):
        status, _, _ = await raw(fake_github, session, "POST", f"/repos/{REPO}/check-runs",
                                 token=token, body=body)
        assert status == 422


async def test_columns_only_on_one_line_annotations(fake_github, session, token, pr):
    note = {**annotation(3), "end_line": 4, "start_column": 1, "end_column": 2}
    status, _, _ = await raw(fake_github, session, "POST", f"/repos/{REPO}/check-runs",
                             token=token, body={"name": "shipshape", "head_sha": pr.head_sha,
                                                "output": {"title": "t", "summary": "s",
                                                           "annotations": [note]}})
    assert status == 422


async def test_list_check_runs_for_ref_filters_latest_by_name(fake_github, gh, token, pr):
    url = f"/repos/{REPO}/check-runs"
    for name in ("shipshape", "shipshape", "lint"):
        await gh.post(url, oauth_token=token, data={"name": name, "head_sha": pr.head_sha})
    answer = await gh.getitem(f"/repos/{REPO}/commits/{pr.head_sha}/check-runs"
                              "?check_name=shipshape", oauth_token=token)
    assert answer["total_count"] == 1
    everything = await gh.getitem(f"/repos/{REPO}/commits/{pr.head_sha}/check-runs?filter=all",
                                  oauth_token=token)
    assert everything["total_count"] == 3
    by_branch = await gh.getitem(f"/repos/{REPO}/commits/feature/check-runs", oauth_token=token)
    assert by_branch["total_count"] == 2


# --- comments, labels, reactions ---------------------------------------------------------------

async def test_comment_create_list_update(fake_github, gh, token, pr):
    fake_github.add_comment(REPO, 7, "Looks good to me")
    url = f"/repos/{REPO}/issues/7/comments"
    created = await gh.post(url, oauth_token=token, data={"body": "<!-- shipshape -->\n- [ ] x"})
    assert created["user"]["login"] == "shipshape[bot]" and created["user"]["type"] == "Bot"
    listed = [c async for c in gh.getiter(url, oauth_token=token)]
    assert [c["body"] for c in listed] == ["Looks good to me", "<!-- shipshape -->\n- [ ] x"]
    updated = await gh.patch(f"/repos/{REPO}/issues/comments/{created['id']}", oauth_token=token,
                             data={"body": "<!-- shipshape -->\n- [x] x"})
    assert updated["id"] == created["id"]
    assert [c["body"] for c in fake_github.comments(REPO, 7)][1] == "<!-- shipshape -->\n- [x] x"


async def test_comment_bodies_over_65536_characters_are_422(fake_github, session, token, pr):
    status, answer, _ = await raw(fake_github, session, "POST", f"/repos/{REPO}/issues/7/comments",
                                  token=token, body={"body": "x" * 65537})
    assert status == 422
    assert answer["errors"][0]["message"] == "Body is too long (maximum is 65536 characters)"
    status, _, _ = await raw(fake_github, session, "POST", f"/repos/{REPO}/issues/7/comments",
                             token=token, body={})
    assert status == 422
    status, _, _ = await raw(fake_github, session, "POST", f"/repos/{REPO}/issues/404/comments",
                             token=token, body={"body": "hello"})
    assert status == 404


async def test_comments_paginate(fake_github, gh, token, pr):
    for n in range(45):
        fake_github.add_comment(REPO, 7, f"comment {n}")
    comments = [c async for c in gh.getiter(f"/repos/{REPO}/issues/7/comments",
                                            oauth_token=token)]
    assert len(comments) == 45
    assert len(fake_github.calls_to("GET", "*/issues/7/comments")) == 2


async def test_labels_add_and_remove(fake_github, gh, session, token, pr):
    labels = await gh.post(f"/repos/{REPO}/issues/7/labels", oauth_token=token,
                           data={"labels": ["size/M"]})
    assert [x["name"] for x in labels] == ["size/M"]
    await gh.post(f"/repos/{REPO}/issues/7/labels", oauth_token=token,
                  data={"labels": [{"name": "needs-story"}]})
    assert fake_github.labels(REPO, 7) == ["size/M", "needs-story"]
    status, remaining, _ = await raw(fake_github, session, "DELETE",
                                     f"/repos/{REPO}/issues/7/labels/size%2FM", token=token)
    assert (status, [x["name"] for x in remaining]) == (200, ["needs-story"])
    status, answer, _ = await raw(fake_github, session, "DELETE",
                                  f"/repos/{REPO}/issues/7/labels/size%2FM", token=token)
    assert (status, answer["message"]) == (404, "Label does not exist")


async def test_reactions_are_created_once(fake_github, gh, session, token, pr):
    comment = fake_github.add_comment(REPO, 7, "/shipshape recheck")
    url = f"/repos/{REPO}/issues/comments/{comment['id']}/reactions"
    status, first, _ = await raw(fake_github, session, "POST", url, token=token,
                                 body={"content": "eyes"})
    assert status == 201
    status, again, _ = await raw(fake_github, session, "POST", url, token=token,
                                 body={"content": "eyes"})
    assert (status, again["id"]) == (200, first["id"])
    status, _, _ = await raw(fake_github, session, "POST", url, token=token,
                             body={"content": "party"})
    assert status == 422
    await gh.post(f"/repos/{REPO}/issues/7/reactions", oauth_token=token,
                  data={"content": "rocket"})
    assert [r["content"] for r in fake_github.reactions(REPO, comment_id=comment["id"])] == [
        "eyes"]
    assert [r["content"] for r in fake_github.reactions(REPO, issue_number=7)] == ["rocket"]


# --- contents and trees ------------------------------------------------------------------------

async def test_contents_on_base_branch_found_by_name_and_sha(fake_github, gh, session, token, pr):
    config = "story:\n  require_ticket: true\n"
    fake_github.set_file_content(REPO, ".github/shipshape.yml", config, ref="main")
    fake_github.set_file_content(REPO, ".github/shipshape.yml", "story:\n  enabled: false\n",
                                 ref="feature")
    for ref in ("main", pr.base_sha):
        found = await gh.getitem(f"/repos/{REPO}/contents/.github/shipshape.yml?ref={ref}",
                                 oauth_token=token)
        assert base64.b64decode(found["content"]).decode() == config
    head = await gh.getitem("/repos/{owner}/{repo}/contents/{path}{?ref}",
                            {"owner": "octo-org", "repo": "hello-world",
                             "path": ".github/shipshape.yml", "ref": pr.head_sha},
                            oauth_token=token)
    assert base64.b64decode(head["content"]) == b"story:\n  enabled: false\n"
    status, _, _ = await raw(fake_github, session, "GET", f"/repos/{REPO}/contents/missing.yml",
                             token=token)
    assert status == 404
    listing = await gh.getitem(f"/repos/{REPO}/contents/.github", oauth_token=token)
    assert [(e["name"], e["type"]) for e in listing] == [("shipshape.yml", "file")]


async def test_contents_answer_an_etag_and_a_free_304_for_the_same_token(
        fake_github, session, token, gh):
    path = f"/repos/{REPO}/contents/shipshape.yml"
    fake_github.set_file_content(REPO, "shipshape.yml", "tests: false\n")
    status, _, headers = await raw(fake_github, session, "GET", path, token=token)
    etag = headers["ETag"]
    assert status == 200 and etag.startswith('W/"')
    used = fake_github.rate_core()["used"]
    status, _, again = await raw(fake_github, session, "GET", path, token=token,
                                 headers={"If-None-Match": etag})
    assert (status, again["ETag"]) == (304, etag)
    assert fake_github.rate_core()["used"] == used  # not counted
    # GitHub's ETag depends on the token: a renewed installation token gets a full answer.
    fresh = await apps.get_installation_access_token(
        gh, installation_id=str(fake_github.installation_id), app_id=str(fake_github.app_id),
        private_key=fake_github.private_key_pem)
    status, _, _ = await raw(fake_github, session, "GET", path, token=fresh["token"],
                             headers={"If-None-Match": etag})
    assert status == 200 and fake_github.rate_core()["used"] == used + 2
    fake_github.set_file_content(REPO, "shipshape.yml", "tests: true\n")
    status, _, _ = await raw(fake_github, session, "GET", path, token=token,
                             headers={"If-None-Match": etag})
    assert status == 200  # changed


async def test_contents_put_create_update_conflict(fake_github, gh, session, token):
    path = f"/repos/{REPO}/contents/audit/2024-06.jsonl"
    first = base64.b64encode(b'{"pr": 7}\n').decode()
    created = await gh.put(path, oauth_token=token,
                           data={"message": "Audit PR 7", "content": first})
    sha = created["content"]["sha"]
    status, answer, _ = await raw(fake_github, session, "PUT", path, token=token,
                                  body={"message": "Audit PR 8", "content": first})
    assert status == 422 and '"sha" wasn\'t supplied' in answer["message"]
    status, answer, _ = await raw(fake_github, session, "PUT", path, token=token,
                                  body={"message": "Audit", "content": first, "sha": "0" * 40})
    assert status == 409 and answer["message"] == f"audit/2024-06.jsonl does not match {'0' * 40}"
    second = base64.b64encode(b'{"pr": 7}\n{"pr": 8}\n').decode()
    status, updated, _ = await raw(fake_github, session, "PUT", path, token=token,
                                   body={"message": "Audit PR 8", "content": second, "sha": sha})
    assert status == 200 and updated["content"]["sha"] != sha
    assert fake_github.file_content(REPO, "audit/2024-06.jsonl") == b'{"pr": 7}\n{"pr": 8}\n'
    status, _, _ = await raw(fake_github, session, "PUT", path, token=token,
                             body={"message": "no content"})
    assert status == 422


async def test_git_tree_recursive_and_not(fake_github, gh, token, pr):
    fake_github.set_files(REPO, {"README.md": "# hi\n", "app/__init__.py": "",
                                 "app/auth/login.py": "x = 1\n"}, ref="main")
    flat = await gh.getitem(f"/repos/{REPO}/git/trees/{pr.base_sha}", oauth_token=token)
    assert [(e["path"], e["type"]) for e in flat["tree"]] == [("README.md", "blob"),
                                                              ("app", "tree")]
    deep = await gh.getitem(f"/repos/{REPO}/git/trees/main?recursive=1", oauth_token=token)
    assert [e["path"] for e in deep["tree"] if e["type"] == "blob"] == [
        "README.md", "app/__init__.py", "app/auth/login.py"]
    assert deep["truncated"] is False


# --- the rest of the subset --------------------------------------------------------------------

async def test_every_operation_answers_in_spec_shape(fake_github, gh, token, pr):
    """One call to each of the 28 operations; the fixture validates each 2xx answer."""
    fake_github.set_permission(REPO, "octocat", "write")
    delivery = fake_github.add_delivery("72d3162e-cc78-11e3-81ab-4c9367dc0958")
    jwt_token = apps.get_jwt(app_id=str(fake_github.app_id),
                             private_key=fake_github.private_key_pem)
    assert (await gh.getitem("/app", jwt=jwt_token))["id"] == fake_github.app_id
    deliveries = await gh.getitem("/app/hook/deliveries", jwt=jwt_token)
    assert deliveries[0]["guid"] == delivery["guid"]
    await gh.post(f"/app/hook/deliveries/{delivery['id']}/attempts", data=b"", jwt=jwt_token)
    assert fake_github.redeliveries == [delivery["id"]]
    repo = await gh.getitem(f"/repos/{REPO}", oauth_token=token)
    assert repo["full_name"] == REPO and repo["url"].startswith(fake_github.url)
    issue = await gh.getitem(f"/repos/{REPO}/issues/7", oauth_token=token)
    assert issue["pull_request"]["url"].endswith("/pulls/7")
    permission = await gh.getitem(f"/repos/{REPO}/collaborators/octocat/permission",
                                  oauth_token=token)
    assert permission["permission"] == "write"
    limits = await gh.getitem("/rate_limit", oauth_token=token)
    assert limits["resources"]["core"]["limit"] == 5000
    found = await gh.getitem(f"/search/issues?q=repo:{REPO}+is:pr+login", oauth_token=token)
    assert [i["number"] for i in found["items"]] == [7]
    review = await gh.post(f"/repos/{REPO}/pulls/7/reviews", oauth_token=token,
                           data={"event": "COMMENT", "body": "See the checklist."})
    assert review["state"] == "COMMENTED"
    status = await gh.post(f"/repos/{REPO}/statuses/{pr.head_sha}", oauth_token=token,
                           data={"state": "success", "context": "shipshape"})
    assert fake_github.statuses(REPO, pr.head_sha)[0]["id"] == status["id"]


# --- error and latency injection ---------------------------------------------------------------

async def test_fail_next_answers_once_then_recovers(fake_github, session, token, pr):
    fake_github.fail_next("GET", "/repos/*/pulls/7", status=502, headers={"Retry-After": "1"})
    path = f"/repos/{REPO}/pulls/7"
    status, _, headers = await raw(fake_github, session, "GET", path, token=token)
    assert (status, headers["Retry-After"]) == (502, "1")
    status, _, _ = await raw(fake_github, session, "GET", path, token=token)
    assert status == 200
    assert [c.status for c in fake_github.calls_to("GET", path)] == [502, 200]


async def test_secondary_rate_limit_is_recognised_by_gidgethub(fake_github, gh, token, pr):
    fake_github.secondary_rate_limit_next("POST", "*/check-runs", retry_after=2)
    with pytest.raises(gidgethub.BadRequest) as caught:
        await gh.post(f"/repos/{REPO}/check-runs", oauth_token=token,
                      data={"name": "shipshape", "head_sha": pr.head_sha})
    assert caught.value.status_code == 403
    assert "secondary rate limit" in str(caught.value)
    assert fake_github.check_runs(REPO) == []
    fake_github.secondary_rate_limit_next("*", "*", status=429, retry_after=None)
    with pytest.raises(gidgethub.BadRequest) as caught:
        await gh.getitem(f"/repos/{REPO}/pulls/7", oauth_token=token)
    assert caught.value.status_code == 429


async def test_primary_rate_limit_is_recognised_by_gidgethub(fake_github, gh, token, pr):
    fake_github.primary_rate_limit_next("GET", "*", reset_in=30)
    with pytest.raises(gidgethub.RateLimitExceeded) as caught:
        await gh.getitem(f"/repos/{REPO}/pulls/7", oauth_token=token)
    assert caught.value.rate_limit.remaining == 0
    assert caught.value.rate_limit.reset_datetime.timestamp() > time.time() + 20


async def test_calls_are_recorded_with_masked_credentials(fake_github, gh, token, pr):
    await gh.post(f"/repos/{REPO}/issues/7/comments", oauth_token=token, data={"body": "hi"})
    [call] = fake_github.calls_to("POST", "*/issues/7/comments")
    assert call.json == {"body": "hi"} and call.status == 201
    assert call.headers["authorization"] == "token ghs_…"
    assert token not in repr(fake_github.calls)


async def test_delay_is_added_per_call(fake_github, gh, token, pr):
    fake_github.delay = 0.05
    started = time.perf_counter()
    await gh.getitem(f"/repos/{REPO}/pulls/7", oauth_token=token)
    assert time.perf_counter() - started >= fake_github.delay  # a wait, never a budget


async def test_validation_builds_the_spec_once_not_per_request(fake_github, session, token, pr):
    # A request costs a few milliseconds because openapi-core's spec object and path finder are
    # built once per process (~0.4 s); count those builds rather than timing the requests.
    fake_github.validate_responses = False
    body = {"name": "shipshape", "head_sha": pr.head_sha,
            "output": {"title": "t", "summary": "s" * 20000,
                       "annotations": [annotation(n) for n in range(1, 51)]}}
    await raw(fake_github, session, "POST", f"/repos/{REPO}/check-runs", token=token, body=body)
    builds = (spec.openapi.cache_info().misses, spec._finder.cache_info().misses)
    for _ in range(20):
        status, _, _ = await raw(fake_github, session, "POST", f"/repos/{REPO}/check-runs",
                                 token=token, body=body)
        assert status == 201
    assert (spec.openapi.cache_info().misses, spec._finder.cache_info().misses) == builds
    assert builds == (1, 1)


def test_spec_file_is_the_shared_subset():
    spec = json.loads(Path(SPEC_PATH).read_text())
    operations = [op for item in spec["paths"].values() for op in item
                  if op in {"get", "post", "put", "patch", "delete"}]
    assert len(operations) == 42


@pytest.mark.parametrize("name", sorted(p.name for p in WEBHOOKS.glob("*.json")
                                        if p.name.startswith(("pull_request.", "check_"))))
async def test_every_shared_payload_can_seed_the_fake(fake_github, session, name):
    payload = json.loads((WEBHOOKS / name).read_text())
    seeded = fake_github.seed_from_payload(payload)
    repo = fake_github.state.repos[payload["repository"]["full_name"].lower()]
    head = (payload.get("pull_request") or {}).get("head", {}).get("sha") or (
        payload.get("check_run") or payload.get("check_suite"))["head_sha"]
    assert fake_github.knows_commit(repo, head)
    if seeded is not None:
        assert seeded.head_sha == head and seeded.number == payload["number"]
    installation = payload.get("installation", {}).get("id", fake_github.installation_id)
    assert repo.installation_id == installation


def test_standalone_seeding_numbers_pulls_from_the_payload():
    fake = FakeGitHub(key_pair=generate_app_key(1024))
    seed(fake, [DEFAULT_PAYLOAD], 3)
    payload = json.loads(DEFAULT_PAYLOAD.read_text())
    repo = payload["repository"]["full_name"]
    heads = {fake.pull(repo, payload["number"] + n).head_sha for n in range(3)}
    assert heads == {payload["pull_request"]["head"]["sha"]}
    assert fake.pull(fake.repo, 1).files[0]["filename"] == "app/login.py"
