"""Summaries: numbers for a hand-built event match hand-computed values, small numbers are
hidden (with secondary suppression), no names anywhere, only permitted quotes."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from engagement_desk.bootstrap import Desk
from engagement_desk.core.scoring import NOT_SHOWN, Cell
from engagement_desk.core.summary import EventSummary
from engagement_desk.db.models import (
    Action,
    ActionStatus,
    CheckIn,
    Person,
    Programme,
    Registration,
    RegistrationStatus,
    Theme,
)
from engagement_desk.services.errors import NotFound, UserError
from tests.conftest import FakeClock
from tests.unit.conftest import venue_event, webinar

LAST_WEEK = datetime(2026, 4, 8, 9, 0, tzinfo=UTC)  # the test clock says 15 April 2026


@dataclass
class Someone:
    name: str
    district: str = "BL9"
    age_band: str | None = None
    came: bool = True
    walk_in: bool = False
    quote: bool = False
    needs: tuple[str, ...] = ()
    registration_id: str = ""
    email: str = field(default="")


def add_people(desk: Desk, event_id: str, people: Sequence[Someone]) -> None:
    """People, their registrations and check-ins, straight into the database."""
    with desk.db.transaction() as s:
        for n, who in enumerate(people):
            who.email = f"{who.name.lower().replace(' ', '.')}.{n}@example.org"
            special = who.age_band is not None or bool(who.needs)
            person = Person(
                device_id=desk.device.id,
                full_name=who.name,
                email=who.email,
                postcode_district=who.district,
                child_age_band=who.age_band,
                need_areas=list(who.needs),
                consent_store=True,
                consent_special_category=special,
                consent_quote=who.quote,
            )
            s.add(person)
            registration = Registration(
                device_id=desk.device.id,
                event_id=event_id,
                person=person,
                status=RegistrationStatus.REGISTERED,
                ticket_id=secrets.token_hex(8),
                source="walk-in" if who.walk_in else "online form",
            )
            s.add(registration)
            s.flush()
            who.registration_id = registration.id
            if who.came or who.walk_in:
                s.add(
                    CheckIn(
                        device_id=desk.device.id,
                        registration_id=registration.id,
                        event_id=event_id,
                        method="walk-in" if who.walk_in else "scanner",
                        walk_in=who.walk_in,
                        checked_in_at=LAST_WEEK,
                    )
                )


def texts(cells: dict[str, Cell] | Sequence[tuple[str, Cell]]) -> dict[str, str]:
    items = cells.items() if isinstance(cells, dict) else cells
    return {k: c.text for k, c in items}


# ---- a hand-built venue event ------------------------------------------------------------
#
# 30 booked: 25 came, 5 did not; 6 walk-ins.  registered 36, checked in 31, no-shows 5.
# Who came (31): BL9 20, BL8 8, M26 3.  Age bands of the 25 booked who came: 5-10 x 12,
# 11-16 x 10, prefer not to say x 3; the 6 walk-ins gave none.


@pytest.fixture
def big(desk: Desk) -> tuple[str, list[Someone]]:
    event = desk.events.create(venue_event(starts_at=LAST_WEEK, capacity=None))
    came_booked = (
        [Someone(f"Parent Bl9 {n}", "BL9", "5-10") for n in range(12)]
        + [Someone(f"Parent Bl9b {n}", "BL9", "11-16") for n in range(8)]
        + [Someone(f"Parent Bl8 {n}", "BL8", "11-16") for n in range(2)]
        + [Someone(f"Parent Bl8b {n}", "BL8", "prefer not to say") for n in range(3)]
    )
    no_shows = [Someone(f"Absent Parent {n}", "BL9", came=False) for n in range(5)]
    walk_ins = [Someone(f"Walker {n}", "BL8", walk_in=True) for n in range(3)] + [
        Someone(f"Walker M {n}", "M26", walk_in=True) for n in range(3)
    ]
    everyone = came_booked + no_shows + walk_ins
    add_people(desk, event.id, everyone)
    return event.short_code, everyone


def test_attendance_matches_hand_counts(desk: Desk, big: tuple[str, list[Someone]]) -> None:
    summary = desk.summaries.event_summary(big[0])
    a = summary.attendance

    assert (a.registered.value, a.checked_in.value, a.walk_ins.value, a.no_shows.value) == (
        36,
        31,
        6,
        5,
    )
    assert a.checked_in_percent == "86%"  # 31 of 36
    assert a.walk_ins_percent == "19%"  # 6 of 31
    assert a.no_shows_percent == "14%"  # 5 of 36
    assert summary.event.title == "Have your say: SEND in Bury"
    assert summary.event.venue == "Bury Town Hall"
    assert summary.event.when == "Wed 8 Apr 2026, 10:00–12:30"
    assert summary.threshold == 5


def test_who_came_with_small_cells_hidden_and_secondary_suppression(
    desk: Desk, big: tuple[str, list[Someone]]
) -> None:
    summary = desk.summaries.event_summary(big[0])
    profile = {b.dimension: b for b in summary.profile}

    # Everyone who came is described: the total is the published 31.
    assert summary.profile_total == Cell(31, "31", False)
    area = {r.label: r for r in profile["area"].rows}
    # BL9 20, BL8 8, M26 3: the 3 is hidden, and so is the next smallest (8), or
    # 31 - 20 - 8 would give it away.
    assert texts([(k, r.count) for k, r in area.items()]) == {
        "BL8": NOT_SHOWN,
        "BL9": "20",
        "M26": "fewer than 5",
        "not given": "0",
    }
    assert area["BL9"].percent == "65%"
    assert area["M26"].percent is None and area["BL8"].percent is None

    ages = {r.label: r.count.text for r in profile["age_band"].rows}
    # 12 + 8 + 2 = 5-10 x 12, 11-16 x 10, prefer not to say x 3, not given x 6 (walk-ins).
    assert ages == {
        "0-4": "0",
        "5-10": "12",
        "11-16": "10",
        "17-19": "0",
        "20-25": "0",
        "prefer not to say": "fewer than 5",
        "not given": NOT_SHOWN,
    }
    assert profile["need_areas"].adds_up is False
    assert {r.label: r.count.text for r in profile["need_areas"].rows}["not given"] == "31"


def test_ranking_scores_match_the_hand_computed_borda_count(
    desk: Desk, big: tuple[str, list[Someone]]
) -> None:
    code, people = big
    settings = desk.voices.capture_settings(code)
    local, voices, early, _communities, invest = (p.id for p in settings.priorities)
    rankings = [
        [early, local, invest],  # early 5, local 4, invest 3
        [early, invest],  # early 5, invest 4
        [local, early, voices],  # local 5, early 4, voices 3
        [early, local],  # early 5, local 4
        [invest, early, local],  # invest 5, early 4, local 3
        [local],  # local 5
    ]
    for ranking, who in zip(rankings, people, strict=False):
        desk.voices.record_ranking(code, ranking, registration_id=who.registration_id)

    # Six rankings: every place count is 1 to 4, and each score would give them away (23 is
    # only 5 x 3 + 4 x 2), so the scores are withheld and only the hidden counts are shown.
    guarded = desk.summaries.event_summary(code).method("ranking")
    assert guarded is not None and guarded.shown
    assert all(s.total is None and s.mean is None and s.place is None for s in guarded.scores)
    assert guarded.order == ()
    assert guarded.reading.startswith("The scores are not shown")
    assert {c.text for s in guarded.scores for c in s.positions} == {"fewer than 5", "0"}

    # The arithmetic itself, with nothing to hide (a threshold of 1).
    with desk.db.transaction() as s:
        s.execute(update(Programme).values(suppression_threshold=1))
    result = desk.summaries.event_summary(code).method("ranking")
    assert result is not None and result.shown
    scores = {s.title: s for s in result.scores}
    assert scores["Earlier help and prevention"].total == 23
    assert scores["Live, learn and grow up locally"].total == 21
    assert scores["Invest where need is greatest"].total == 12
    assert scores["Families' voices shape services"].total == 3
    assert scores["Communities prevent escalation"].total == 0
    assert scores["Earlier help and prevention"].mean == pytest.approx(23 / 6, abs=0.01)
    assert [s.place for s in result.scores] == [2, 4, 1, 5, 3]
    assert result.order[0] == ("Earlier help and prevention",)
    assert result.responses == Cell(6, "6", False)
    assert [c.text for c in scores["Earlier help and prevention"].positions] == [
        "3",
        "2",
        "0",
        "0",
        "0",
    ]
    assert result.reading == (
        "Earlier help and prevention had the highest overall score (mean 3.8 out of 5). "
        "Earlier help and prevention was ranked first most often (3 of 6 people)."
    )

    # All six are linked to BL9 parents of 5-10 year olds: one group of six, described.
    by_area = {g.dimension: g for g in result.by_group}["area"]
    assert [(r.group, r.responses.text, r.top) for r in by_area.rows] == [
        ("BL9", "6", ("Earlier help and prevention",))
    ]
    by_age = {g.dimension: g for g in result.by_group}["age_band"]
    assert [(r.group, r.top) for r in by_age.rows] == [("5-10", ("Earlier help and prevention",))]


def test_the_reading_quotes_only_shown_numbers(desk: Desk) -> None:
    code = desk.events.create(venue_event(starts_at=LAST_WEEK)).short_code
    ids = [p.id for p in desk.voices.capture_settings(code).priorities]
    for _ in range(6):
        desk.voices.record_ranking(code, [ids[2], ids[0]])
    for _ in range(2):
        desk.voices.record_ranking(code, [ids[0], ids[2]])
        desk.voices.record_ranking(code, [ids[4], ids[2]])

    result = desk.summaries.event_summary(code).method("ranking")
    assert result is not None
    # Earlier help: 6 firsts and 4 seconds score 46, and 46 - 4 x 4 = 30 = 5 x 6 is the only
    # way to make it, so its score would give the 4 away. The place counts give way first:
    # with none of them shown, the scores pin nothing, so they are shown and the counts are
    # neither shown nor quoted.
    assert [s.total for s in result.scores] == [34, 0, 46, 0, 10]
    assert all(s.positions == () for s in result.scores)
    assert result.reading == (
        "Earlier help and prevention had the highest overall score (mean 4.6 out of 5). "
        "How many people put each priority in each place is not shown: with the scores, it "
        "would reveal small numbers."
    )


def test_the_reading_says_nothing_of_first_places_when_one_is_hidden_by_secondary(
    desk: Desk,
) -> None:
    code = desk.events.create(venue_event(starts_at=LAST_WEEK)).short_code
    ids = [p.id for p in desk.voices.capture_settings(code).priorities]
    for _ in range(6):
        desk.voices.record_ranking(code, [ids[2], ids[0]])
    for _ in range(4):
        desk.voices.record_ranking(code, [ids[0], ids[2]])

    result = desk.summaries.event_summary(code).method("ranking")
    assert result is not None
    firsts = {s.title: s.positions[0].text for s in result.scores}
    # 10 - 6 would give the 4 away, so the 6 is hidden too, and the reading does not say it.
    assert firsts["Live, learn and grow up locally"] == "fewer than 5"
    assert firsts["Earlier help and prevention"] == NOT_SHOWN
    assert result.reading == (
        "The scores are not shown: with the counts below, they would reveal small numbers. "
        "How many people put each priority in each place is shown below."
    )


def test_dots_with_a_paper_wall_and_points_withheld_for_too_few_people(
    desk: Desk, big: tuple[str, list[Someone]]
) -> None:
    code, _ = big
    ids = [p.id for p in desk.voices.capture_settings(code).priorities]
    desk.voices.record_dots(code, {ids[0]: 3, ids[2]: 2})
    desk.voices.record_dots(code, {ids[2]: 5})
    desk.voices.add_tally(code, ids[4], 12)
    desk.voices.add_tally(code, ids[2], 3, note="late dots")
    for _ in range(3):
        desk.voices.record_points(code, {ids[1]: 100})

    summary = desk.summaries.event_summary(code)
    dots = summary.method("dots")
    assert dots is not None and dots.shown
    assert [s.total for s in dots.scores] == [3, 0, 10, 0, 12]
    # 25 - 15 = 10 desk dots at 5 each would say 2 people placed dots: the wall's count is
    # withheld while fewer than 5 people placed dots at the desk.
    assert dots.tally_dots is None
    assert dots.responses.text == "fewer than 5"
    assert [s.share for s in dots.scores] == ["12%", "0%", "40%", "0%", "48%"]
    assert dots.reading == (
        "Invest where need is greatest received the most dots (12 of 25 dots, 48%, including "
        "dots counted off the paper dot wall)."
    )
    points = summary.method("points")
    assert points is not None
    assert not points.shown and points.scores == ()
    assert points.reading == (
        "Fewer than 5 people shared points, so the scores are not shown (no one's answers "
        "can be picked out)."
    )
    # Nothing about the points can be read from the JSON either.
    assert "Families' voices shape services" not in json.dumps(
        summary.to_dict()["methods"][[m.method for m in summary.methods].index("points")]
    )


def test_theme_counts_are_suppressed(desk: Desk, big: tuple[str, list[Someone]]) -> None:
    code, _ = big
    for n in range(6):
        desk.voices.add_comment(code, f"Autism comment {n}", ["Autism"])
    desk.voices.add_comment(code, "Co-production one", ["Co-production", "Autism"])
    desk.voices.add_comment(code, "Co-production two", ["Co-production"])

    summary = desk.summaries.event_summary(code)
    assert summary.comments.text == "8"
    assert [(t.theme, t.comments.text) for t in summary.themes] == [
        ("Autism", "7"),
        ("Co-production", "fewer than 5"),
    ]


# ---- quotes and names ---------------------------------------------------------------------


def test_only_permitted_quotes_and_never_an_erased_persons(
    desk: Desk, big: tuple[str, list[Someone]]
) -> None:
    code = big[0]
    agrees = [Someone("Quotable Parent", quote=True), Someone("Erased Parent", quote=True)]
    agrees += [Someone("Changed Mind", quote=True), Someone("Private Parent", quote=False)]
    event_id = desk.voices.capture_settings(code).event_id
    add_people(desk, event_id, agrees)
    quotable, erased, changed, private = agrees

    desk.voices.add_comment(code, "Nursery spotted it early.", [], quote_permission=True)
    desk.voices.add_comment(code, "Anonymous but not for quoting.", [])
    desk.voices.add_comment(
        code, "Help came too late.", [], registration_id=quotable.registration_id
    )
    desk.voices.add_comment(
        code, "My words, please delete them.", [], registration_id=erased.registration_id
    )
    desk.voices.add_comment(code, "I said this once.", [], registration_id=changed.registration_id)
    desk.voices.add_comment(code, "Keep this private.", [], registration_id=private.registration_id)
    desk.voices.add_comment(
        code, "Ask Parent Bl9 3 about the bus.", [], quote_permission=True
    )  # names someone registered: left out
    desk.privacy.erase_person(erased.email)
    with desk.db.transaction() as s:  # they withdrew their consent to be quoted afterwards
        s.execute(update(Person).where(Person.email == changed.email).values(consent_quote=False))

    summary = desk.summaries.event_summary(code)
    assert sorted(q.text for q in summary.quotes) == [
        "Help came too late.",
        "Nursery spotted it early.",
    ]
    dumped = json.dumps(summary.to_dict())
    assert "My words, please delete them." not in dumped
    assert "Keep this private." not in dumped
    assert "Anonymous but not for quoting." not in dumped
    assert "I said this once." not in dumped
    assert summary.comments.text == "7"  # the erased comment is still counted


def test_no_names_or_emails_anywhere_in_the_summary(
    desk: Desk, big: tuple[str, list[Someone]]
) -> None:
    code, people = big
    ids = [p.id for p in desk.voices.capture_settings(code).priorities]
    for who in people[:8]:
        desk.voices.record_ranking(code, [ids[2], ids[0]], registration_id=who.registration_id)
        desk.voices.add_comment(
            code, "We need more support.", ["Autism"], registration_id=who.registration_id
        )
    dumped = json.dumps(desk.summaries.event_summary(code).to_dict(), ensure_ascii=False)

    with desk.db.session() as s:
        everyone = list(s.execute(select(Person.full_name, Person.email)))
    assert len(everyone) == len(people)
    for name, email in everyone:
        assert name not in dumped
        assert email not in dumped


def test_to_dict_is_plain_json(desk: Desk, big: tuple[str, list[Someone]]) -> None:
    summary = desk.summaries.event_summary(big[0])
    data = json.loads(json.dumps(summary.to_dict()))
    assert data["format"] == "engagement-desk event summary 1"
    assert data["attendance"]["checked_in"] == {"value": 31, "text": "31", "suppressed": False}
    assert isinstance(summary, EventSummary)


# ---- edge cases --------------------------------------------------------------------------------


def test_a_webinar_with_no_votes(desk: Desk, clock: FakeClock) -> None:
    event = desk.events.create(webinar(starts_at=LAST_WEEK))
    desk.voices.set_capture(event.short_code, ["ranking", "comments"], 5, 3)
    add_people(desk, event.id, [Someone(f"Viewer {n}") for n in range(7)])
    first = desk.webinars.add_question(event.short_code, "When will EHCPs be on time?", "Autism")
    desk.webinars.set_status(first.id, "answered later", "By September, we hope.")
    clock.advance(minutes=5)
    desk.webinars.add_question(event.short_code, "Is there a transport policy?")

    summary = desk.summaries.event_summary(event.short_code)
    assert summary.event.online and summary.event.venue == ""
    assert summary.attendance.checked_in.text == "7"
    [ranking] = summary.methods
    assert ranking.method == "ranking" and not ranking.shown and ranking.scores == ()
    assert ranking.reading == "No one ranked the priorities at this event."
    assert [(q.text, q.status, q.answer, q.theme) for q in summary.questions] == [
        ("When will EHCPs be on time?", "answered later", "By September, we hope.", "Autism"),
        ("Is there a transport policy?", "open", "", ""),
    ]
    assert summary.quotes == () and summary.themes == ()


def test_an_event_nobody_came_to(desk: Desk) -> None:
    event = desk.events.create(venue_event(starts_at=LAST_WEEK))
    add_people(desk, event.id, [Someone(f"Booked {n}", came=False) for n in range(12)])

    summary = desk.summaries.event_summary(event.short_code)
    a = summary.attendance
    assert (a.registered.text, a.checked_in.text, a.walk_ins.text, a.no_shows.text) == (
        "12",
        "0",
        "0",
        "12",
    )
    assert a.checked_in_percent == "0%" and a.no_shows_percent == "100%"
    assert a.walk_ins_percent is None  # nothing to be a share of
    assert summary.profile_total.text == "0"
    assert all(r.count.text == "0" for b in summary.profile for r in b.rows)
    assert summary.methods == () and summary.quotes == ()


def test_an_event_with_a_single_attendee_shows_nothing_about_them(desk: Desk) -> None:
    event = desk.events.create(venue_event(starts_at=LAST_WEEK))
    add_people(desk, event.id, [Someone("Only One", "M45", "0-4", needs=("autism",))])
    ids = [p.id for p in desk.voices.capture_settings(event.short_code).priorities]
    registration = desk.registrations.search(event.short_code, "Only One")[0].registration_id
    desk.voices.record_ranking(event.short_code, [ids[3]], registration_id=registration)

    summary = desk.summaries.event_summary(event.short_code)
    assert summary.attendance.checked_in.text == "fewer than 5"
    assert summary.attendance.registered.text == "fewer than 5"
    assert summary.attendance.checked_in_percent is None
    # Fewer than 5 people described: no breakdown is shown (its rows would bound the total).
    assert all(b.withheld for b in summary.profile)
    ranking = summary.method("ranking")
    assert ranking is not None and not ranking.shown
    dumped = json.dumps(summary.to_dict())
    assert "Communities prevent escalation" not in dumped


def test_a_threshold_of_ten(desk: Desk, big: tuple[str, list[Someone]]) -> None:
    with desk.db.transaction() as s:
        s.execute(update(Programme).values(suppression_threshold=10))
    summary = desk.summaries.event_summary(big[0])
    a = summary.attendance
    assert summary.threshold == 10
    assert a.walk_ins.text == "fewer than 10" and a.no_shows.text == "fewer than 10"
    assert a.registered.text == NOT_SHOWN and a.checked_in.text == "31"
    assert "fewer than 10" in summary.notes[1]


def test_unknown_events_are_a_plain_error(desk: Desk) -> None:
    with pytest.raises(NotFound, match="No event has the id or short code 'NOPE42'"):
        desk.summaries.event_summary("NOPE42")


def test_actions_are_read_with_their_theme_and_status(
    desk: Desk, big: tuple[str, list[Someone]]
) -> None:
    with desk.db.transaction() as s:
        programme = s.scalars(select(Programme)).one()
        theme = s.scalars(select(Theme).where(Theme.name == "Autism")).one()
        s.add_all(
            [
                Action(
                    programme_id=programme.id,
                    theme_id=theme.id,
                    you_said="The autism pathway letter was confusing.",
                    we_did="Rewritten with parents.",
                    owner="SEND team",
                    status=ActionStatus.DONE,
                ),
                Action(
                    programme_id=programme.id,
                    you_said="Waits are too long.",
                    owner="Health",
                    status=ActionStatus.IN_PROGRESS,
                    due_on=datetime(2026, 6, 30, 12, 0, tzinfo=UTC),
                ),
            ]
        )
    actions = desk.summaries.event_summary(big[0]).actions
    assert [(a.you_said, a.status, a.due, a.theme) for a in actions] == [
        ("Waits are too long.", "in progress", "2026-06-30", ""),
        ("The autism pathway letter was confusing.", "done", None, "Autism"),
    ]


# ---- the programme ---------------------------------------------------------------------------


def test_programme_summary_over_events_with_totals_and_trends(desk: Desk, clock: FakeClock) -> None:
    first = desk.events.create(venue_event("March event", starts_at=LAST_WEEK - timedelta(days=30)))
    second = desk.events.create(venue_event("April event", starts_at=LAST_WEEK))
    desk.events.create(venue_event("Future event", starts_at=LAST_WEEK + timedelta(days=30)))
    cancelled = desk.events.create(venue_event("Called off", starts_at=LAST_WEEK))
    desk.events.cancel(cancelled.short_code)
    add_people(desk, first.id, [Someone(f"March {n}") for n in range(20)])
    add_people(
        desk,
        second.id,
        [Someone(f"April {n}") for n in range(30)]
        + [Someone(f"April absent {n}", came=False) for n in range(3)],
    )
    ids = [p.id for p in desk.voices.capture_settings(first.short_code).priorities]
    for _ in range(5):  # March: early first, local second
        desk.voices.record_ranking(first.short_code, [ids[2], ids[0]])
    for _ in range(5):  # April: local first, early second
        desk.voices.record_ranking(second.short_code, [ids[0], ids[2]])
    desk.voices.add_comment(first.short_code, "One", ["Autism"])
    for n in range(6):
        desk.voices.add_comment(second.short_code, f"Comment {n}", ["Autism"])

    summary = desk.summaries.programme_summary()

    assert [r.title for r in summary.events] == ["March event", "April event"]
    april = summary.events[1].attendance
    assert (april.registered.text, april.checked_in.text, april.no_shows.text) == (
        NOT_SHOWN,
        "30",
        "fewer than 5",
    )
    # The event summary shows April exactly so.
    assert desk.summaries.event_summary(second.short_code).attendance == april
    totals = summary.totals
    assert totals.events == 2
    assert totals.attendance.checked_in.text == "50"
    # No-shows 0 + 3: the 3 is hidden in April's row, so the total must not give it away.
    assert totals.attendance.no_shows.suppressed
    assert totals.attendance.registered.suppressed

    trends = {t.title: t for t in summary.priorities}
    assert trends["Live, learn and grow up locally"].change == "rose"
    assert trends["Earlier help and prevention"].change == "fell"
    assert [p.place for p in trends["Live, learn and grow up locally"].points] == [2, 1]
    assert trends["Live, learn and grow up locally"].points[1].score == "mean 5.0 out of 5"
    assert summary.trend_reading == (
        "Between the first and the latest event with scores, Live, learn and grow up locally "
        "rose; Earlier help and prevention fell."
    )
    # Autism: 1 (hidden) + 6 = 7; the total would give the 1 away, so it is not shown.
    [autism] = summary.themes
    assert (autism.theme, autism.comments.text, autism.events) == ("Autism", NOT_SHOWN, 2)
    json.dumps(summary.to_dict())

    march_only = desk.summaries.programme_summary(date(2026, 3, 1), date(2026, 3, 31))
    assert [r.title for r in march_only.events] == ["March event"]
    assert march_only.date_from == "2026-03-01"
    assert all(t.change == "" for t in march_only.priorities)
    assert march_only.trend_reading == "There are not yet two events with scores to compare."


def test_a_backwards_date_range_is_refused(desk: Desk) -> None:
    with pytest.raises(UserError, match="swap the dates"):
        desk.summaries.programme_summary(date(2026, 4, 1), date(2026, 3, 1))
