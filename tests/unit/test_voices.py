"""Capturing voices: each form's checks with plain messages and nothing written, quote
permission, the paper dot wall, comments, the response list, auditing and paper forms."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from engagement_desk.bootstrap import Desk
from engagement_desk.core.people import PersonDraft
from engagement_desk.db.models import (
    AuditEntry,
    Comment,
    Response,
    ResponseScore,
    Tally,
)
from engagement_desk.services.errors import NotFound, UserError, ValidationFailed
from engagement_desk.services.voices import CaptureSettings
from tests.conftest import FakeClock
from tests.unit.conftest import venue_event


def count(desk: Desk, model: type) -> int:
    with desk.db.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def audited(desk: Desk, entity_id: str) -> list[str]:
    with desk.db.session() as s:
        return list(
            s.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.entity_id == entity_id)
                .order_by(AuditEntry.at)
            )
        )


def refused(excinfo: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [p.message for p in excinfo.value.problems]


@pytest.fixture
def event(desk: Desk) -> str:
    return desk.events.create(venue_event()).short_code


@pytest.fixture
def settings(desk: Desk, event: str) -> CaptureSettings:
    return desk.voices.set_capture(event, ["dots", "ranking", "points", "comments"], 5, 3)


@pytest.fixture
def p(settings: CaptureSettings) -> dict[str, str]:
    """Priority ids by a short name."""
    ids = [priority.id for priority in settings.priorities]
    return dict(zip(("local", "voices", "early", "communities", "invest"), ids, strict=True))


def book(desk: Desk, event: str, name: str, *, quote: bool) -> str:
    email = name.lower().replace(" ", ".") + "@example.org"
    info = desk.registrations.register(
        event, PersonDraft(name, email=email, consent_store=True, consent_quote=quote)
    )
    return info.id


# ---- capture settings ----------------------------------------------------------------


def test_a_new_event_has_not_chosen_its_methods_so_all_are_allowed(desk: Desk, event: str) -> None:
    settings = desk.voices.capture_settings(event)
    assert settings.methods == ()
    assert all(settings.allows(m) for m in ("dots", "ranking", "points", "comments"))
    assert len(settings.priorities) == 5
    assert "Autism" in settings.themes


def test_capture_settings_are_saved_in_one_order_and_audited(desk: Desk, event: str) -> None:
    settings = desk.voices.set_capture(event, ["comments", "Ranking", "dots", "dots"], 7, 2)

    assert settings.methods == ("dots", "ranking", "comments")
    assert (settings.dots_per_person, settings.ranking_top_k) == (7, 2)
    assert desk.voices.capture_settings(event) == settings
    assert not settings.allows("points")
    assert audited(desk, settings.event_id)[-1] == "capture settings changed"


def test_bad_capture_settings_are_refused_with_every_reason(desk: Desk, event: str) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        desk.voices.set_capture(event, ["dots", "raffle"], 0, 6)
    assert refused(excinfo) == [
        "'raffle' is not a way of hearing from people; use dots, ranking, points, comments.",
        "Give each person between 1 and 50 dots.",
        "People can rank between 1 and 5 priorities.",
    ]
    assert desk.voices.capture_settings(event).methods == ()


# ---- dots, rankings and points -----------------------------------------------------------


def test_dots_are_recorded_and_audited(desk: Desk, event: str, p: dict[str, str]) -> None:
    response_id = desk.voices.record_dots(event, {p["early"]: 3, p["local"]: 2, p["voices"]: 0})

    [row] = desk.voices.responses(event)
    assert row.id == response_id
    assert row.method == "dots" and not row.linked and row.name == ""
    assert row.values == {p["local"]: 2, p["early"]: 3}  # zeros are not kept
    assert row.described == "Live, learn and grow up locally: 2; Earlier help and prevention: 3"
    assert audited(desk, response_id) == ["response recorded"]


def test_too_many_dots_are_refused_and_nothing_is_written(
    desk: Desk, event: str, p: dict[str, str]
) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        desk.voices.record_dots(event, {p["early"]: 4, p["local"]: 3})
    assert refused(excinfo) == ["That is 7 dots; each person has 5 dots at this event."]
    with pytest.raises(ValidationFailed) as excinfo:
        desk.voices.record_dots(event, {p["early"]: -2, p["local"]: 3})
    assert refused(excinfo) == ["Earlier help and prevention has -2 dots; dots cannot be negative."]
    assert count(desk, Response) == 0 and count(desk, ResponseScore) == 0


def test_a_ranking_is_stored_as_places(desk: Desk, event: str, p: dict[str, str]) -> None:
    desk.voices.record_ranking(event, [p["early"], p["local"], p["invest"]])

    [row] = desk.voices.responses(event)
    assert row.values == {p["early"]: 1, p["local"]: 2, p["invest"]: 3}
    assert list(row.values) == [p["early"], p["local"], p["invest"]]
    assert row.described.startswith("1. Earlier help and prevention; 2. Live, learn")


def test_a_priority_ranked_twice_is_refused_and_nothing_is_written(
    desk: Desk, event: str, p: dict[str, str]
) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        desk.voices.record_ranking(event, [p["early"], p["local"], p["early"]])
    assert refused(excinfo) == [
        "Earlier help and prevention is ranked twice; give each priority one place at most."
    ]
    with pytest.raises(ValidationFailed) as excinfo:
        desk.voices.record_ranking(event, [p["early"], p["local"], p["invest"], p["voices"]])
    assert refused(excinfo) == [
        "This ranking has 4 places; people rank their top 3 priorities at this event."
    ]
    with pytest.raises(ValidationFailed) as excinfo:
        desk.voices.record_ranking(event, ["not-a-priority"])
    assert refused(excinfo) == ["'not-a-priority' is not one of the programme's priorities."]
    assert count(desk, Response) == 0


def test_points_must_add_up_to_100(desk: Desk, event: str, p: dict[str, str]) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        desk.voices.record_points(event, {p["early"]: 50, p["local"]: 40})
    assert refused(excinfo) == ["The points add up to 90; they must add up to 100."]
    assert count(desk, Response) == 0

    desk.voices.record_points(event, {p["early"]: 60, p["local"]: 40, p["invest"]: 0})
    [row] = desk.voices.responses(event)
    assert row.method == "points" and row.values == {p["local"]: 40, p["early"]: 60}


def test_a_method_the_event_does_not_collect_is_refused(
    desk: Desk, event: str, p: dict[str, str]
) -> None:
    desk.voices.set_capture(event, ["ranking"], 5, 3)
    with pytest.raises(ValidationFailed) as excinfo:
        desk.voices.record_points(event, {p["early"]: 100})
    assert refused(excinfo) == [
        "Have your say: SEND in Bury does not collect 100 points; it collects rankings. "
        "Change the event's capture settings to add it."
    ]
    assert count(desk, Response) == 0


def test_linked_responses_belong_to_the_event_and_count_once_per_method(
    desk: Desk, event: str, p: dict[str, str], clock: FakeClock
) -> None:
    other = desk.events.create(venue_event("Another event")).short_code
    elsewhere = book(desk, other, "Jo Bloggs", quote=False)
    here = book(desk, event, "Sam Lee", quote=False)

    with pytest.raises(ValidationFailed) as excinfo:
        desk.voices.record_ranking(event, [p["early"]], registration_id=elsewhere)
    assert refused(excinfo) == [
        "That registration is not for Have your say: SEND in Bury; choose someone registered "
        "for this event, or leave the response anonymous."
    ]

    desk.voices.record_ranking(event, [p["early"]], registration_id=here)
    with pytest.raises(ValidationFailed) as excinfo:
        desk.voices.record_ranking(event, [p["local"]], registration_id=here)
    assert refused(excinfo) == [
        "This person has already given their rankings at this event. Delete that response "
        "first to replace it."
    ]
    clock.advance(minutes=1)
    desk.voices.record_dots(event, {p["local"]: 5}, registration_id=here)  # another method
    rows = desk.voices.responses(event)
    assert [(r.method, r.name, r.linked) for r in rows] == [
        ("ranking", "Sam Lee", True),
        ("dots", "Sam Lee", True),
    ]


def test_a_cancelled_event_takes_no_responses(desk: Desk, event: str, p: dict[str, str]) -> None:
    desk.events.cancel(event, "Venue flooded")
    with pytest.raises(UserError, match="was cancelled, so nothing can be recorded"):
        desk.voices.record_dots(event, {p["early"]: 1})
    assert count(desk, Response) == 0


def test_unknown_sources_are_refused(desk: Desk, event: str, p: dict[str, str]) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        desk.voices.record_dots(event, {p["early"]: 1}, source="pigeon")
    assert refused(excinfo) == ["'pigeon' is not a source; use desk, kiosk, paper."]


def test_deleting_a_response_is_audited(desk: Desk, event: str, p: dict[str, str]) -> None:
    response_id = desk.voices.record_dots(event, {p["early"]: 1})
    desk.voices.delete_response(response_id)

    assert desk.voices.responses(event) == []
    assert count(desk, ResponseScore) == 0
    assert audited(desk, response_id) == ["response recorded", "response deleted"]
    with pytest.raises(NotFound):
        desk.voices.delete_response(response_id)


# ---- the paper dot wall ------------------------------------------------------------------


def test_tallies_off_the_paper_wall(desk: Desk, event: str, p: dict[str, str]) -> None:
    tally_id = desk.voices.add_tally(event, p["early"], 23, note="  Wall by the door ")

    [row] = desk.voices.tallies(event)
    assert (row.id, row.priority_title, row.dots, row.note) == (
        tally_id,
        "Earlier help and prevention",
        23,
        "Wall by the door",
    )
    assert audited(desk, tally_id) == ["dot tally added"]
    desk.voices.delete_tally(tally_id)
    assert desk.voices.tallies(event) == []
    assert audited(desk, tally_id)[-1] == "dot tally deleted"


def test_bad_tallies_are_refused(desk: Desk, event: str, p: dict[str, str]) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        desk.voices.add_tally(event, "nope", 0)
    assert refused(excinfo) == [
        "'nope' is not one of the programme's priorities.",
        "Count at least one dot; a tally of no dots adds nothing.",
    ]
    assert count(desk, Tally) == 0


# ---- comments and quote permission ---------------------------------------------------------


def test_an_empty_comment_is_refused(desk: Desk, event: str) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        desk.voices.add_comment(event, "   \n ", ["Autism"])
    assert refused(excinfo) == ["Type what was said; an empty comment cannot be saved."]
    assert count(desk, Comment) == 0


def test_an_unknown_theme_is_refused(desk: Desk, event: str) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        desk.voices.add_comment(event, "Buses are late", ["Transport"])
    [message] = refused(excinfo)
    assert message.startswith("'Transport' is not one of the programme's themes. Choose from:")
    assert "Autism" in message
    assert count(desk, Comment) == 0


def test_themes_match_whatever_the_capitals(desk: Desk, event: str) -> None:
    desk.voices.add_comment(
        event, "The wait for an assessment was far too long.", ["ehcp assessment PROCESS"]
    )
    [row] = desk.voices.comments(event)
    assert row.themes == ("EHCP assessment process",)
    assert row.text == "The wait for an assessment was far too long."


def test_an_anonymous_comment_is_not_quoted_unless_the_facilitator_says_so(
    desk: Desk, event: str
) -> None:
    silent = desk.voices.add_comment(event, "More speech therapy in schools.", ["Autism"])
    happy = desk.voices.add_comment(
        event, "Nursery spotted it early.", ["Early years"], quote_permission=True
    )
    rows = {r.id: r for r in desk.voices.comments(event)}
    assert rows[silent].quote_permission is False and not rows[silent].linked
    assert rows[happy].quote_permission is True


def test_a_linked_comment_follows_the_persons_consent_and_never_exceeds_it(
    desk: Desk, event: str
) -> None:
    agrees = book(desk, event, "Aisha Khan", quote=True)
    declines = book(desk, event, "Ben Holt", quote=False)

    yes = desk.voices.add_comment(event, "Help came too late.", [], registration_id=agrees)
    held_back = desk.voices.add_comment(
        event, "Not for quoting, please.", [], registration_id=agrees, quote_permission=False
    )
    no = desk.voices.add_comment(event, "Letters are confusing.", [], registration_id=declines)
    with pytest.raises(ValidationFailed) as excinfo:
        desk.voices.add_comment(
            event, "Quote me anyway.", [], registration_id=declines, quote_permission=True
        )
    assert refused(excinfo) == [
        "This person has not agreed to be quoted, so their comment cannot be marked for "
        "quoting. Update their consent on the People page first, or leave quoting off."
    ]

    rows = {r.id: r for r in desk.voices.comments(event)}
    assert rows[yes].quote_permission is True and rows[yes].name == "Aisha Khan"
    assert rows[held_back].quote_permission is False
    assert rows[no].quote_permission is False
    assert count(desk, Comment) == 3


def test_editing_a_comment_keeps_the_same_rules(desk: Desk, event: str) -> None:
    declines = book(desk, event, "Ben Holt", quote=False)
    comment_id = desk.voices.add_comment(event, "Typo here", ["Autism"], registration_id=declines)

    row = desk.voices.update_comment(comment_id, "Fixed words", ["Co-production", "Autism"])
    assert row.text == "Fixed words"
    assert row.themes == ("Autism", "Co-production")
    with pytest.raises(ValidationFailed):
        desk.voices.update_comment(comment_id, "Fixed words", [], quote_permission=True)
    with pytest.raises(ValidationFailed):
        desk.voices.update_comment(comment_id, "", [])
    assert desk.voices.comments(event)[0].text == "Fixed words"
    desk.voices.delete_comment(comment_id)
    assert desk.voices.comments(event) == []
    assert audited(desk, comment_id) == ["comment added", "comment edited", "comment deleted"]


def test_an_event_without_comments_refuses_them(desk: Desk, event: str) -> None:
    desk.voices.set_capture(event, ["dots"], 5, 3)
    with pytest.raises(ValidationFailed, match="does not collect comments"):
        desk.voices.add_comment(event, "Hello", [])


# ---- paper forms ------------------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "forms.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_paper_forms_import_every_method_and_comments(
    desk: Desk, event: str, settings: CaptureSettings, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "Method,Live learn and grow up locally,Priority 2,3,Communities prevent escalation,"
        "Invest where need is greatest,Comment,Themes,Quote\n"
        "ranking,2,,1,,3,,,\n"
        'Dots,1,1,3,,,More help early on,"Early years; social, emotional and mental health",yes\n'
        "100 points,50,,50,,,,,\n"
        ",,,,,,Parking was hard,,\n"
        ",,,,,,,,\n",
    )
    report = desk.voices.import_file(event, path)

    assert report.problems == ()
    assert report.imported
    assert report.responses == {"ranking": 1, "dots": 1, "points": 1}
    assert report.comments == 2 and report.rows_read == 4
    rows = desk.voices.responses(event)
    by_method = {r.method: r for r in rows}
    ids = [p.id for p in settings.priorities]
    assert by_method["ranking"].values == {ids[2]: 1, ids[0]: 2, ids[4]: 3}
    assert by_method["dots"].values == {ids[0]: 1, ids[1]: 1, ids[2]: 3}
    assert by_method["points"].values == {ids[0]: 50, ids[2]: 50}
    assert all(r.source == "paper" for r in rows)
    comments = {c.text: c for c in desk.voices.comments(event)}
    assert comments["More help early on"].themes == (
        "Early years",
        "Social, emotional and mental health",
    )
    assert comments["More help early on"].quote_permission is True
    assert comments["Parking was hard"].quote_permission is False


def test_paper_forms_with_problems_import_nothing_and_list_every_one(
    desk: Desk, event: str, settings: CaptureSettings, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        'Earlier help and prevention,Priority 1,"Live, learn and grow up locally",Priority 5\n'
        "1,,2,3\n"
        "1,1,,\n"
        "abc,,1,\n"
        ",1,,3\n",
    )
    report = desk.voices.import_file(event, path, method="ranking")

    assert not report.imported
    assert report.problems == (
        "Row 3: Rank 1 is given to both Live, learn and grow up locally and Earlier help and "
        "prevention; each place goes to one priority.",
        "Row 4, column 'Earlier help and prevention': 'abc' is not a whole number.",
        "Row 5: The ranks should run 1, 2, 3 ... without gaps; this form has 1, 3.",
    )
    assert count(desk, Response) == 0


def test_a_priority_given_in_two_columns_of_one_row_is_named(
    desk: Desk, event: str, settings: CaptureSettings, tmp_path: Path
) -> None:
    path = write(tmp_path, "Priority 3,Earlier help and prevention\n1,2\n")
    report = desk.voices.import_file(event, path, method="ranking")
    assert report.problems == (
        "Row 2, column 'Earlier help and prevention': Earlier help and prevention is ranked "
        "twice (columns 'Priority 3' and 'Earlier help and prevention'); give it once.",
    )


def test_a_file_without_a_method_says_how_to_give_one(
    desk: Desk, event: str, settings: CaptureSettings, tmp_path: Path
) -> None:
    path = write(tmp_path, "Priority 1,Priority 2\n3,2\n")
    report = desk.voices.import_file(event, path)
    assert report.problems == (
        "The file does not say which method the forms used. Add a 'method' column (dots, "
        "ranking or points on each row), or give the method for the whole file with --method.",
    )


def test_a_dry_run_writes_nothing(
    desk: Desk, event: str, settings: CaptureSettings, tmp_path: Path
) -> None:
    path = write(tmp_path, "Priority 1,Priority 2\n60,40\n100,\n")
    report = desk.voices.import_file(event, path, method="points", dry_run=True)
    assert report.ok and report.dry_run and not report.imported
    assert report.responses == {"points": 2}
    assert "Nothing was written" in report.summary()
    assert count(desk, Response) == 0


def test_an_unreadable_file_is_a_plain_error(desk: Desk, event: str, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="There is no file at"):
        desk.voices.import_file(event, tmp_path / "missing.csv")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(UserError, match="is empty"):
        desk.voices.import_file(event, empty)
