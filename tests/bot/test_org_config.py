"""Configuration layers end to end: the organisation's `.github` repository, extends chains,
locked keys, path overrides, errors, ETag caching and installation isolation (fake GitHub)."""

from __future__ import annotations

from typing import Any

from bot.config_files import ConfigCache
from checks.layers import FileRef, LayerKind
from tests.bot.conftest import Bot, payload, pr_event
from tests.bot.diffs import modified_file, new_file, python_module
from tests.checks.secrets.tokens import Tokens

CONFIG = ".github/shipshape.yml"
ORG = "octo-org/.github"


def untested(prefix: str = "billing", count: int = 1) -> str:
    return "".join(new_file(f"{prefix}/mod_{i:03d}.py", python_module(f"total_{i}"))
                   for i in range(count))


def org_repo(bot: Bot, text: str, path: str = "shipshape.yml") -> None:
    """The organisation's `.github` repository, in the same installation, holding `text`."""
    fake = bot.fake
    if ORG not in fake.state.repos:
        fake.add_repo(ORG)
    fake.set_file_content(ORG, path, text)


async def review(bot: Bot, number: int, repo: str | None = None,
                 installation: int | None = None) -> dict[str, Any]:
    fake = bot.fake
    body = pr_event(fake, "opened", number) if repo is None else other_event(fake, repo, number,
                                                                             installation)
    resp = await bot.deliver("pull_request", body)
    assert resp.status == 202, resp.json_body
    await bot.idle()
    runs = [r for r in fake.check_runs(repo or fake.repo)
            if r["head_sha"] == fake.pull(repo or fake.repo, number).head_sha]
    assert len(runs) == 1
    return runs[0]


def other_event(fake: Any, repo: str, number: int, installation: int | None
                ) -> dict[str, Any]:
    """The real `pull_request.opened` body for a PR of another installation's repository."""
    body = payload("pull_request.opened")
    pr = fake.pull(repo, number)
    owner, name = repo.split("/")
    body["repository"].update(full_name=repo, name=name)
    body["repository"]["owner"]["login"] = owner
    body["installation"] = {"id": installation, "node_id": "MDIz"}
    body["number"] = number
    body["pull_request"].update(number=number, title=pr.title, body=pr.body, draft=False,
                                state="open", commits=len(pr.commits),
                                changed_files=len(pr.files), comments=0, labels=[])
    body["pull_request"]["head"].update(sha=pr.head_sha, ref=pr.head_ref)
    body["pull_request"]["base"]["ref"] = pr.base_ref
    return body


def org_reads(bot: Bot) -> list[Any]:
    return [c for c in bot.fake.calls if c.path.startswith(f"/repos/{ORG}/contents/")]


async def test_org_defaults_alone(bot: Bot) -> None:
    fake = bot.fake
    org_repo(bot, "tests:\n  level: warn\n")
    fake.add_pull(fake.repo, 1, title="BILL-1: totals", diff=untested(), commits=["Add totals"])
    run = await review(bot, 1)
    assert run["conclusion"] == "neutral"  # the org made missing tests a warning
    assert {a["annotation_level"] for a in run["annotations"]} == {"warning"}
    # Read from the org repository's default branch (no ref), the repository's from its base.
    assert [c.query.get("ref") for c in org_reads(bot)] == [None]
    [own] = fake.calls_to("GET", f"/repos/{fake.repo}/contents/{CONFIG}")
    assert own.query["ref"] == "main"


async def test_org_file_under_dot_github_is_found(bot: Bot) -> None:
    fake = bot.fake
    org_repo(bot, "tests: false\n", path=CONFIG)
    fake.add_pull(fake.repo, 2, title="BILL-1: totals", diff=untested(), commits=["Add totals"])
    run = await review(bot, 2)
    assert run["conclusion"] == "success"
    assert [c.path.split("/contents/")[1] for c in org_reads(bot)] == ["shipshape.yml", CONFIG]


async def test_org_and_repo_layers_merge_key_by_key(bot: Bot) -> None:
    fake = bot.fake
    org_repo(bot, "tests:\n  level: warn\nstory:\n  projects: [BILL]\ncomment: false\n")
    fake.set_file_content(fake.repo, CONFIG, "tests:\n  level: fail\n")
    fake.add_pull(fake.repo, 3, title="BILL-1: totals", diff=untested(), commits=["Add totals"])
    run = await review(bot, 3)
    assert run["conclusion"] == "failure"  # the repository's level wins over the org's
    assert {a["annotation_level"] for a in run["annotations"]} == {"failure"}
    assert fake.comments(fake.repo, 3) == []  # `comment: false` from the org still applies
    fake.add_pull(fake.repo, 30, title="OPS-7: totals", diff=untested("docs"),
                  commits=["Add totals"])
    run = await review(bot, 30)
    # The org's `story.projects: [BILL]` applies: OPS-7 is not a story reference here.
    assert "❌ **Story ID referenced**: No story" in run["output"]["summary"]


async def test_extends_chain_with_a_cycle_is_a_neutral_run_naming_it(bot: Bot) -> None:
    fake = bot.fake
    fake.add_repo("octo-org/standards")
    fake.set_files("octo-org/standards", {
        "python.yml": "extends: octo-org/standards:base.yml\ncommits: {warn_lines: 100}\n",
        "base.yml": "extends: octo-org/standards:python.yml\n"})
    fake.set_file_content(fake.repo, CONFIG, "extends: octo-org/standards:python.yml\n")
    fake.add_pull(fake.repo, 4, title="BILL-1: totals", diff=untested(), commits=["Add totals"])
    run = await review(bot, 4)
    assert run["conclusion"] == "neutral"
    summary = run["output"]["summary"]
    assert "`octo-org/standards:base.yml`" in summary and "layer: extends" in summary
    assert "cycle: octo-org/hello-world:.github/shipshape.yml@main -&gt;" in summary or (
        "cycle: octo-org/hello-world:.github/shipshape.yml@main ->" in summary)
    assert "`extends[0]`" in summary


async def test_extends_chain_applies_in_order(bot: Bot) -> None:
    fake = bot.fake
    fake.add_repo("octo-org/standards")
    fake.set_files("octo-org/standards", {
        "python.yml": "extends: octo-org/standards:base.yml\ntests: {level: fail}\n",
        "base.yml": "tests: false\n"}, ref="main")
    fake.set_file_content(fake.repo, CONFIG, "extends: octo-org/standards:python.yml@main\n")
    fake.add_pull(fake.repo, 5, title="BILL-1: totals", diff=untested(), commits=["Add totals"])
    run = await review(bot, 5)
    # base.yml turned tests off; python.yml's mapping does not turn it back on.
    assert run["conclusion"] == "success"


async def test_a_locked_key_the_repository_tries_to_loosen(bot: Bot) -> None:
    fake = bot.fake
    org_repo(bot, "locked: [secrets]\nsecrets:\n  generic_level: fail\n")
    fake.set_file_content(fake.repo, CONFIG, "secrets: false\ntests: false\n")
    token = Tokens(seed=17).github()
    diff = new_file("billing/client.py", ['"""Billing API client."""', "",
                                          f'API_TOKEN = "{token}"'])
    fake.add_pull(fake.repo, 6, title="BILL-1: client", diff=diff, commits=["Add client"])
    run = await review(bot, 6)
    assert run["conclusion"] == "failure"  # the org's secrets check still ran
    summary = run["output"]["summary"]
    assert "locked by the organisation" in summary.replace("\\", "")
    assert "octo-org/.github:shipshape.yml" in summary.replace("\\", "")
    assert token not in summary and all(token not in str(a) for a in run["annotations"])
    assert {a["path"] for a in run["annotations"]} == {"billing/client.py"}  # tests: off


async def test_a_pr_changing_the_repo_config_is_judged_by_the_base(bot: Bot) -> None:
    fake = bot.fake
    org_repo(bot, "tests:\n  level: fail\n")
    fake.add_repo("octo-org/lenient")
    fake.set_file_content("octo-org/lenient", CONFIG, "tests: false\n")
    edit = modified_file(CONFIG, ["story: {projects: [BILL]}"],
                         ["extends: octo-org/lenient", "tests: false"])
    fake.set_file_content(fake.repo, CONFIG, "story: {projects: [BILL]}\n")
    pr = fake.add_pull(fake.repo, 7, title="BILL-1: totals", diff=untested() + edit,
                       commits=["Add totals, loosen the gate"])
    fake.set_file_content(fake.repo, CONFIG, "extends: octo-org/lenient\ntests: false\n",
                          ref=pr.head_sha)
    run = await review(bot, 7)
    assert run["conclusion"] == "failure"
    assert f"edits {CONFIG}" in run["output"]["summary"].replace("\\", "")
    refs = {c.query.get("ref") for c in fake.calls if "/contents/" in c.path}
    assert pr.head_sha not in refs and refs == {None, "main"}
    assert fake.calls_to("GET", "/repos/octo-org/lenient/*") == []


async def test_a_bad_org_file_is_a_neutral_run_naming_file_key_and_layer(bot: Bot) -> None:
    fake = bot.fake
    secret = Tokens(seed=3).github()
    org_repo(bot, f"tests:\n  level: {secret}\n")
    fake.add_pull(fake.repo, 8, title="BILL-1: totals", diff=untested(), commits=["Add totals"])
    run = await review(bot, 8)
    assert run["conclusion"] == "neutral"
    assert run["output"]["title"] == "Configuration error: no checks ran"
    summary = run["output"]["summary"]
    assert "`octo-org/.github:shipshape.yml`" in summary
    assert "layer: organisation" in summary and "`tests.level`" in summary
    assert secret not in summary and "ghp_…(40 chars)" in summary
    assert fake.comments(fake.repo, 8) == []


async def test_unparsable_org_yaml_names_the_line(bot: Bot) -> None:
    fake = bot.fake
    org_repo(bot, "tests:\n  level: [warn\n")
    fake.add_pull(fake.repo, 9, title="BILL-1: totals", diff=untested(), commits=["Add totals"])
    run = await review(bot, 9)
    assert run["conclusion"] == "neutral"
    assert "not valid YAML at line 3" in run["output"]["summary"]


async def test_two_installations_never_see_each_others_config(bot: Bot) -> None:
    fake = bot.fake
    # Installation A (octo-org): its org file turns the tests check off.
    org_repo(bot, "tests: false\n")
    fake.add_pull(fake.repo, 10, title="BILL-1: totals", diff=untested(),
                  commits=["Add totals"])
    assert (await review(bot, 10))["conclusion"] == "success"
    # Installation B (other-org), reviewed with A's files warm in the cache.
    other = fake.add_installation(account="other-org")
    fake.add_repo("other-org/api", installation_id=other)
    fake.add_pull("other-org/api", 1, title="BILL-1: totals", diff=untested(),
                  commits=["Add totals"])
    run = await review(bot, 1, repo="other-org/api", installation=other)
    assert run["conclusion"] == "failure"  # defaults: A's `tests: false` does not leak
    # B naming A's file is refused before any call: another account is another installation.
    fake.set_file_content("other-org/api", CONFIG, "extends: octo-org/.github:shipshape.yml\n")
    fake.add_pull("other-org/api", 2, title="BILL-1: totals", diff=untested(),
                  commits=["Add totals"])
    fake.clear_calls()
    run = await review(bot, 2, repo="other-org/api", installation=other)
    assert run["conclusion"] == "neutral"
    assert "belongs to another account" in run["output"]["summary"]
    assert fake.calls_to("GET", "/repos/octo-org/*") == []


async def test_the_config_cache_never_serves_one_installations_file_to_another(
        bot: Bot) -> None:
    fake = bot.fake
    org_repo(bot, "tests: false\n")
    other = fake.add_installation(account="other-org")
    cache: ConfigCache = bot.state.services.configs
    client = bot.state.services.client
    ref = FileRef(ORG, "shipshape.yml", None, LayerKind.EXTENDS)
    assert await cache.read(client.for_installation(fake.installation_id), ref) == \
        "tests: false\n"
    # Within the time to live, the same file for another installation is asked of GitHub
    # with that installation's token, and GitHub does not show it.
    assert await cache.read(client.for_installation(other), ref) is None
    assert [c.status for c in org_reads(bot)] == [200, 404]


async def test_path_overrides_on_a_pr_touching_two_services(bot: Bot) -> None:
    fake = bot.fake
    fake.set_file_content(fake.repo, CONFIG, (
        "overrides:\n"
        "  - paths: [\"services/billing/**\"]\n"
        "    tests: {level: warn}\n"))
    diff = untested("services/billing") + untested("services/ledger")
    fake.add_pull(fake.repo, 11, title="BILL-1: totals", diff=diff, commits=["Add totals"])
    run = await review(bot, 11)
    assert run["conclusion"] == "failure"  # ledger keeps the repository's rules
    levels = {a["path"]: a["annotation_level"] for a in run["annotations"]}
    assert levels == {"services/billing/mod_000.py": "warning",
                      "services/ledger/mod_000.py": "failure"}
    summary = run["output"]["summary"].replace("\\", "")
    assert "Override services/billing/** (level warn) judged services/billing/mod_000.py" \
        in summary


async def test_a_warm_cache_costs_no_org_call_and_an_unchanged_file_is_free(bot: Bot) -> None:
    fake = bot.fake
    org_repo(bot, "tests:\n  level: warn\n")
    for number in (12, 13, 14):
        fake.add_pull(fake.repo, number, title="BILL-1: totals", diff=untested(),
                      commits=["Add totals"])
    await review(bot, 12)
    assert len(org_reads(bot)) == 1
    fake.clear_calls()
    await review(bot, 13)  # within the cache's time to live: not asked again
    assert org_reads(bot) == []
    cache: ConfigCache = bot.state.services.configs
    cache.ttl = 0.0  # expired: revalidated with If-None-Match
    used = fake.rate_core()["used"]
    fake.clear_calls()
    await review(bot, 14)
    [read] = org_reads(bot)
    assert read.status == 304 and read.headers["if-none-match"].startswith('W/"')
    counted = len([c for c in fake.calls if c.status != 304])
    assert fake.rate_core()["used"] - used == counted  # the 304 cost nothing
    assert fake.check_runs(fake.repo)[-1]["conclusion"] == "neutral"  # the cached org text


async def test_a_changed_org_file_is_read_again_after_the_ttl(bot: Bot) -> None:
    fake = bot.fake
    org_repo(bot, "tests:\n  level: warn\n")
    for number in (15, 16):
        fake.add_pull(fake.repo, number, title="BILL-1: totals", diff=untested(),
                      commits=["Add totals"])
    assert (await review(bot, 15))["conclusion"] == "neutral"
    org_repo(bot, "tests:\n  level: fail\n")
    bot.state.services.configs.ttl = 0.0
    fake.clear_calls()
    assert (await review(bot, 16))["conclusion"] == "failure"
    assert [c.status for c in org_reads(bot)] == [200]


async def test_explain_config_names_the_layer_of_each_setting(bot: Bot) -> None:
    from tests.bot.test_commands import command, replies

    fake = bot.fake
    org_repo(bot, "locked: [secrets]\ntests:\n  level: warn\n")
    fake.set_file_content(fake.repo, CONFIG, "secrets: false\ncommits: {warn_lines: 300}\n")
    fake.add_pull(fake.repo, 7, title="BILL-1: totals", diff=untested(), commits=["Add totals"])
    await review(bot, 7)
    runs = len(fake.check_runs(fake.repo))
    await command(bot, "/shipshape explain config")
    [reply] = replies(bot)
    assert "Layers, lowest first: built-in defaults, `octo-org/.github:shipshape.yml` " \
           "(organisation), `octo-org/hello-world:.github/shipshape.yml@main` (repository)" \
        in reply
    assert "| `tests.level` | `warn` | `octo-org/.github:shipshape.yml` |" in reply
    assert ("| `commits.warn_lines` | `300` | `octo-org/hello-world:.github/shipshape.yml@main` |"
            in reply)
    assert "`secrets.enabled`" not in reply.split("**Refused**")[0]  # refused, not in effect
    assert "secrets.enabled" in reply.split("**Refused**")[1]
    assert len(fake.check_runs(fake.repo)) == runs  # explaining publishes nothing new


async def test_an_oversized_org_file_is_refused_by_name(bot: Bot) -> None:
    fake = bot.fake
    org_repo(bot, "story:\n  patterns:\n" + "    - 'PROJ-[0-9]+'\n" * 8000)
    fake.add_pull(fake.repo, 18, title="BILL-1: totals", diff=untested(), commits=["Add totals"])
    run = await review(bot, 18)
    assert run["conclusion"] == "neutral"
    summary = run["output"]["summary"]
    assert "`octo-org/.github:shipshape.yml`" in summary and "larger than 128 KB" in summary


async def test_a_pr_editing_the_org_file_is_told_what_it_changes(bot: Bot) -> None:
    fake = bot.fake
    org_repo(bot, "tests:\n  level: warn\n")
    edit = modified_file("shipshape.yml", ["tests:", "  level: warn"], ["tests: false"])
    fake.add_pull(ORG, 1, title="BILL-1: relax tests", diff=edit, commits=["Relax tests"])
    run = await review(bot, 1, repo=ORG, installation=fake.installation_id)
    summary = run["output"]["summary"].replace("\\", "")
    assert "This PR edits shipshape.yml, the organisation's shipshape configuration" in summary


async def test_an_org_repository_the_app_cannot_read_is_no_layer(bot: Bot) -> None:
    fake = bot.fake
    org_repo(bot, "tests: false\n")
    fake.fail_next("GET", f"/repos/{ORG}/contents/*", status=403, times=2, body={
        "message": "Resource not accessible by integration",
        "documentation_url": "https://docs.github.com/rest", "status": "403"})
    fake.add_pull(fake.repo, 19, title="BILL-1: totals", diff=untested(), commits=["Add totals"])
    run = await review(bot, 19)
    assert run["conclusion"] == "failure"  # the defaults: the org file could not be read
    assert [c.status for c in org_reads(bot)] == [403, 403]
