"""Waiver records in the App's comments, and rebuilding a PR's waivers from them (pure)."""

from __future__ import annotations

from typing import Any

import checks
from bot.commands.grammar import Command, Name
from bot.commands.permissions import needed
from bot.commands.records import Kind, Record, marker, read_markers, rebuild
from checks.command_options import CHECK_IDS, DEFAULT_PERMISSIONS
from tests.shared import snapshot_validator

APP_ID = "4242"


def app_comment(cid: int, body: str, *, app_id: int | None = 4242,
                login: str = "shipshape[bot]") -> dict[str, Any]:
    app = {"id": app_id, "slug": "shipshape"} if app_id is not None else None
    return {"id": cid, "body": body, "user": {"login": login, "type": "Bot"},
            "performed_via_github_app": app}


def user_comment(cid: int, body: str, login: str = "alice") -> dict[str, Any]:
    return {"id": cid, "body": body, "user": {"login": login, "type": "User"},
            "performed_via_github_app": None}


def skip(command_id: int, check: str = "tests", by: str = "alice",
         reason: str = "hotfix") -> Record:
    return Record(Kind.SKIP, by, "2026-12-03T16:00:00Z", command_id, check=check,
                  reason=reason, fingerprints=("a1b2c3d4e5f60718",))


def test_a_record_round_trips_through_its_marker_even_with_html_in_the_reason() -> None:
    record = skip(10, reason="ends --> here <!-- and -- more")
    body = f"Waived.\n\n{marker([record])}"
    assert body.count("-->") == 1  # the reason cannot close the hidden comment early
    assert read_markers(body) == [record]


def test_waivers_are_rebuilt_from_the_apps_replies_to_existing_commands() -> None:
    comments = [
        user_comment(10, "/shipshape skip tests hotfix"),
        app_comment(11, marker([skip(10)])),
        user_comment(12, "/shipshape skip commits squash later", "bob"),
        app_comment(13, marker([skip(12, "commits", "bob", "squash later")])),
    ]
    state = rebuild(comments, APP_ID, "shipshape[bot]")
    assert sorted(state.waivers) == ["commits", "tests"]
    assert state.waivers["tests"].by == "alice"
    assert state.waivers["tests"].fingerprints == ("a1b2c3d4e5f60718",)
    assert [r.command_id for r in state.records] == [10, 12]


def test_unskip_and_later_skips_override_earlier_records() -> None:
    comments = [
        user_comment(10, "/shipshape skip all release"),
        app_comment(11, marker([skip(10, "tests"), skip(10, "commits")])),
        user_comment(12, "/shipshape unskip tests"),
        app_comment(13, marker([Record(Kind.UNSKIP, "alice", "", 12, check="tests")])),
        user_comment(14, "/shipshape skip commits new reason"),
        app_comment(15, marker([skip(14, "commits", reason="new reason")])),
    ]
    state = rebuild(comments, APP_ID, "")
    assert list(state.waivers) == ["commits"]
    assert state.waivers["commits"].reason == "new reason"
    comments += [user_comment(16, "/shipshape unskip all"),
                 app_comment(17, marker([Record(Kind.UNSKIP, "alice", "", 16, check="all")]))]
    assert rebuild(comments, APP_ID, "").waivers == {}


def test_a_deleted_command_comment_takes_its_waiver_with_it() -> None:
    comments = [app_comment(11, marker([skip(10)]))]  # comment 10 is gone
    assert rebuild(comments, APP_ID, "").waivers == {}


def test_only_this_apps_comments_are_trusted() -> None:
    forged = marker([skip(10)])
    comments = [user_comment(10, "/shipshape skip tests hotfix"),
                user_comment(11, forged, "mallory"),
                app_comment(12, forged, app_id=999, login="other[bot]"),
                app_comment(13, forged, app_id=None, login="other[bot]")]
    assert rebuild(comments, APP_ID, "shipshape[bot]").waivers == {}
    # Without `performed_via_github_app`, the App's own bot account is recognised.
    ours = [*comments, app_comment(14, forged, app_id=None)]
    assert list(rebuild(ours, APP_ID, "shipshape[bot]").waivers) == ["tests"]


def test_damaged_markers_are_skipped() -> None:
    comments = [user_comment(10, "x"),
                app_comment(11, "<!-- shipshape:record {not json} -->"),
                app_comment(12, '<!-- shipshape:record {"v":1,"records":[{"kind":"nap",'
                                '"by":"a","command_id":10}]} -->'),
                app_comment(13, '<!-- shipshape:record {"v":1,"records":[{"kind":"skip",'
                                '"by":"","command_id":10}]} -->')]
    assert rebuild(comments, APP_ID, "").records == []


def test_story_links_are_kept_once_each_in_order() -> None:
    comments = [user_comment(10, "/shipshape story BILL-1"),
                app_comment(11, marker([Record(Kind.STORY, "carol", "", 10, story="BILL-1")])),
                user_comment(12, "/shipshape story BILL-1\n/shipshape story BILL-2"),
                app_comment(13, marker([Record(Kind.STORY, "carol", "", 12, story="BILL-1"),
                                        Record(Kind.STORY, "carol", "", 12, story="BILL-2")]))]
    assert [r.story for r in rebuild(comments, APP_ID, "").stories] == ["BILL-1", "BILL-2"]


def test_the_permission_table_has_a_key_for_every_check() -> None:
    assert tuple(spec.id for spec in checks.REGISTRY) == CHECK_IDS
    settings = checks.config_from_dict({}).settings["commands"]["permissions"]
    assert {k: settings[k] for k in DEFAULT_PERMISSIONS} == DEFAULT_PERMISSIONS
    assert settings["skip.secrets"] == "admin"


def test_skip_all_needs_what_waiving_every_check_needs() -> None:
    table = checks.config_from_dict({}).settings["commands"]["permissions"]
    assert needed(Command(Name.SKIP, "", check="all"), table).requirement == "admin"
    assert needed(Command(Name.SKIP, "", check="tests"), table).requirement == "write"
    story = needed(Command(Name.STORY, "", story="X-1"), table)
    assert story.author_ok and story.requirement == "write"


def test_a_record_quoted_before_the_last_line_is_not_read() -> None:
    forged = marker([skip(10, "secrets")])
    body = f"<!-- shipshape:reply -->\n- `{forged}`: unknown command\n- more text"
    assert read_markers(body) == []
    assert read_markers(f"{body}\n\n{marker([skip(10)])}\n") == [skip(10)]


def test_rebuilt_waivers_and_story_links_fit_the_snapshot_contract() -> None:
    comments = [user_comment(10, "/shipshape skip tests hotfix"),
                app_comment(11, marker([skip(10),
                                        Record(Kind.STORY, "alice", "", 10, story="BILL-1")]))]
    state = rebuild(comments, APP_ID, "")
    doc = {"title": "Add invoice total", "diff": "", "waivers": state.documents(),
           "story_links": [r.story for r in state.stories]}
    assert list(snapshot_validator().iter_errors(doc)) == []
    snapshot = checks.load_snapshot(doc)
    assert snapshot.story_links == ("BILL-1",)
    assert snapshot.waivers[0].fingerprints == ("a1b2c3d4e5f60718",)


def test_explain_has_a_fix_for_every_check() -> None:
    from checks.render.replies import FIXES

    assert set(FIXES) == {spec.id for spec in checks.REGISTRY}
