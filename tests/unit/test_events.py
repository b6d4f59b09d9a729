"""The events service: what an organiser does to the schedule, and what the lists then show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engagement_desk.bootstrap import Desk
from engagement_desk.core.events import AgendaDraft, VenueDraft
from engagement_desk.core.people import PersonDraft
from engagement_desk.db.models import (
    AuditEntry,
    Event,
    EventKind,
    EventStatus,
    RegistrationStatus,
    Venue,
)
from engagement_desk.services.errors import NotFound, ValidationFailed
from engagement_desk.services.events import When
from tests.conftest import FakeClock
from tests.unit.conftest import TOWN_HALL, Attend, venue_event, webinar


def audit_trail(desk: Desk, entity_id: str) -> list[tuple[str, str, str]]:
    with desk.db.session() as s:
        entries = s.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == entity_id).order_by(AuditEntry.at)
        )
        return [(e.action, e.device_id, e.detail) for e in entries]


def count(desk: Desk, model: type) -> int:
    with desk.db.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


# ---- create, edit, cancel, reinstate -----------------------------------------


def test_created_event_is_listed_with_its_venue_and_audited(desk: Desk) -> None:
    detail = desk.events.create(
        venue_event(
            "  Have your   say: SEND in Bury ",
            agenda=[AgendaDraft("Welcome", datetime(2026, 4, 22, 9, 0, tzinfo=UTC))],
        )
    )

    assert detail.draft.title == "Have your say: SEND in Bury"
    assert detail.status is EventStatus.SCHEDULED
    assert len(detail.short_code) == 6
    assert detail.venue is not None
    assert detail.venue.access == ["Step-free access", "Hearing loop"]
    [row] = desk.events.list_events()
    assert (row.id, row.title, row.venue_name, row.kind) == (
        detail.id,
        "Have your say: SEND in Bury",
        "Bury Town Hall",
        EventKind.VENUE,
    )
    assert row.starts_at == datetime(2026, 4, 22, 9, 0, tzinfo=UTC)
    assert row.capacity == 40
    assert row.places_left == 40
    assert [a.title for a in desk.events.get(detail.id).draft.agenda] == ["Welcome"]
    assert audit_trail(desk, detail.id) == [
        ("event created", desk.device.id, "Have your say: SEND in Bury")
    ]


def test_editing_changes_the_event_and_is_audited(desk: Desk, clock: FakeClock) -> None:
    created = desk.events.create(
        venue_event(agenda=[AgendaDraft("Welcome"), AgendaDraft("Dot voting")])
    )
    clock.advance(minutes=5)
    later = datetime(2026, 5, 6, 13, 0, tzinfo=UTC)

    edited = desk.events.update(
        created.id,
        replace(
            created.draft,
            title="Have your say: preparing for adulthood",
            starts_at=later,
            ends_at=later + timedelta(hours=2),
            capacity=60,
            agenda=[AgendaDraft("What happens next", later + timedelta(hours=1))],
        ),
    )

    assert edited.id == created.id
    assert edited.short_code == created.short_code
    reread = desk.events.get(created.short_code)
    assert reread.draft.title == "Have your say: preparing for adulthood"
    assert reread.draft.starts_at == later
    assert reread.draft.capacity == 60
    assert [(a.title, a.starts_at) for a in reread.draft.agenda] == [
        ("What happens next", later + timedelta(hours=1))
    ]
    assert [a for a, _, _ in audit_trail(desk, created.id)] == ["event created", "event edited"]


def test_cancel_and_reinstate_are_audited(desk: Desk) -> None:
    created = desk.events.create(venue_event())

    cancelled = desk.events.cancel(created.short_code.lower(), "  Venue flooded ")

    assert cancelled.status is EventStatus.CANCELLED
    assert cancelled.cancel_reason == "Venue flooded"
    assert desk.events.list_events()[0].status is EventStatus.CANCELLED
    assert desk.events.list_events(include_cancelled=False) == []

    reinstated = desk.events.reinstate(created.id)

    assert reinstated.status is EventStatus.SCHEDULED
    assert reinstated.cancel_reason == ""
    assert [r.id for r in desk.events.list_events(include_cancelled=False)] == [created.id]
    assert [(a, d) for a, _, d in audit_trail(desk, created.id)] == [
        ("event created", "Have your say: SEND in Bury"),
        ("event cancelled", "Venue flooded"),
        ("event reinstated", ""),
    ]


# ---- validation: the right fields, nothing written --------------------------

START = datetime(2026, 4, 22, 9, 0, tzinfo=UTC)

INVALID = {
    "ends-before-start": (venue_event(ends_at=START - timedelta(hours=1)), {"ends_at"}),
    "ends-when-it-starts": (venue_event(ends_at=START), {"ends_at"}),
    "negative-capacity": (venue_event(capacity=-1), {"capacity"}),
    "venue-event-without-venue": (venue_event(venue=None), {"venue"}),
    "venue-name-only-spaces": (venue_event(venue=VenueDraft("   ", step_free=True)), {"venue"}),
    "workshop-without-venue": (venue_event(kind="workshop", venue=None), {"venue"}),
    "empty-title": (venue_event("   "), {"title"}),
    "unknown-kind": (venue_event(kind="party"), {"kind"}),
    "bad-online-link": (webinar(online_link="meet.example.org/bury"), {"online_link"}),
    "bad-link-on-a-venue-event": (venue_event(online_link="teams link tbc"), {"online_link"}),
    "agenda-before-start": (
        venue_event(agenda=[AgendaDraft("Coffee", START - timedelta(minutes=30))]),
        {"agenda"},
    ),
    "agenda-after-end": (
        venue_event(agenda=[AgendaDraft("Close", START + timedelta(hours=3))]),
        {"agenda"},
    ),
    "agenda-without-title": (venue_event(agenda=[AgendaDraft("  ")]), {"agenda"}),
    "several-at-once": (
        venue_event("", capacity=-5, venue=None, ends_at=START),
        {"title", "capacity", "venue", "ends_at"},
    ),
}


@pytest.mark.parametrize(("draft", "fields"), INVALID.values(), ids=INVALID.keys())
def test_invalid_event_is_refused_and_nothing_is_written(
    desk: Desk, draft: object, fields: set[str]
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        desk.events.create(draft)  # type: ignore[arg-type]

    assert {p.field for p in caught.value.problems} == fields
    assert all(p.message.endswith(".") for p in caught.value.problems)
    assert str(caught.value)
    assert count(desk, Event) == 0
    assert count(desk, Venue) == 0
    assert count(desk, AuditEntry) == 0


def test_agenda_at_the_very_start_and_end_is_allowed(desk: Desk) -> None:
    draft = venue_event(
        agenda=[AgendaDraft("Welcome", START), AgendaDraft("Close", START + timedelta(hours=2.5))]
    )
    assert len(desk.events.create(draft).draft.agenda) == 2


def test_invalid_edit_leaves_the_event_as_it_was(desk: Desk) -> None:
    created = desk.events.create(venue_event())

    with pytest.raises(ValidationFailed) as caught:
        desk.events.update(created.id, replace(created.draft, title="", capacity=-3))

    assert {p.field for p in caught.value.problems} == {"title", "capacity"}
    assert desk.events.get(created.id) == created
    assert [a for a, _, _ in audit_trail(desk, created.id)] == ["event created"]


def test_webinar_needs_no_venue(desk: Desk) -> None:
    detail = desk.events.create(webinar())

    assert detail.venue is None
    assert desk.events.list_events()[0].venue_name == ""


# ---- listing and finding -----------------------------------------------------


def test_upcoming_soonest_first_and_past_most_recent_first(desk: Desk, clock: FakeClock) -> None:
    now = clock()
    titles = {
        "Long ago": now - timedelta(days=30),
        "Last week": now - timedelta(days=7),
        "Going on now": now - timedelta(hours=1),
        "Tomorrow": now + timedelta(days=1),
        "Next month": now + timedelta(days=30),
    }
    for title, start in titles.items():
        desk.events.create(venue_event(title, starts_at=start, hours=2))

    upcoming = [r.title for r in desk.events.list_events(When.UPCOMING)]
    past = [r.title for r in desk.events.list_events(When.PAST)]
    everything = [r.title for r in desk.events.list_events(When.ALL)]

    assert upcoming == ["Going on now", "Tomorrow", "Next month"]
    assert past == ["Last week", "Long ago"]
    assert everything == ["Long ago", "Last week", "Going on now", "Tomorrow", "Next month"]

    clock.advance(hours=2)  # the event in progress has now finished
    assert [r.title for r in desk.events.list_events(When.UPCOMING)] == ["Tomorrow", "Next month"]
    assert desk.events.list_events(When.PAST)[0].title == "Going on now"


def test_find_by_id_or_short_code_in_any_case(desk: Desk) -> None:
    created = desk.events.create(venue_event())
    code = created.short_code

    assert desk.events.get(created.id).id == created.id
    assert desk.events.get(code).id == created.id
    assert desk.events.get(f"  {code.lower()} ").id == created.id
    assert desk.events.resolve_id(code.lower()) == created.id


@pytest.mark.parametrize("reference", ["XXXXXX", "no-such-id", "ABC"])
def test_unknown_event_gives_a_plain_message(desk: Desk, reference: str) -> None:
    desk.events.create(venue_event())

    with pytest.raises(NotFound) as caught:
        desk.events.get(reference)

    assert str(caught.value) == (
        f"No event has the id or short code '{reference}'. "
        "Run 'engagement-desk events list' to see them."
    )
    with pytest.raises(NotFound):
        desk.events.cancel(reference)


def test_every_service_finds_an_event_the_same_way(desk: Desk) -> None:
    """One lookup serves them all: the id, or the short code in any case with spaces."""
    created = desk.events.create(venue_event())
    desk.registrations.register(created.id, PersonDraft("Sarah Ashworth", consent_store=True))

    def found(_answer: object) -> str:
        return created.id

    lookups: dict[str, Callable[[str], str]] = {
        "events": lambda ref: desk.events.get(ref).id,
        "tickets": lambda ref: desk.tickets.ticket_sheet(ref).event_id,
        "registrations": lambda ref: desk.registrations.list_people(ref)[0].event_id,
        # these two give back nothing that names the event: finding it without a refusal
        "voices": lambda ref: found(desk.voices.capture_settings(ref)),
        "webinars": lambda ref: found(desk.webinars.themes(ref)),
    }

    for name, lookup in lookups.items():
        for reference in (created.id, created.short_code, f"  {created.short_code.lower()} "):
            assert lookup(reference) == created.id, (name, reference)
        with pytest.raises(NotFound, match="No event has the id or short code 'NOPE42'"):
            lookup("NOPE42")


def test_rows_for_returns_just_those_events(desk: Desk) -> None:
    first = desk.events.create(venue_event("First", starts_at=START))
    desk.events.create(venue_event("Second", starts_at=START + timedelta(days=1)))
    third = desk.events.create(venue_event("Third", starts_at=START + timedelta(days=2)))

    assert [r.title for r in desk.events.rows_for([third.id, first.id])] == ["First", "Third"]


# ---- venues ------------------------------------------------------------------


def test_venue_is_reused_by_name_and_its_access_details_updated(desk: Desk) -> None:
    desk.events.create(venue_event("First"))
    changed = VenueDraft(
        "  bury   TOWN hall ",
        "Knowsley Street, Bury",
        "bl9 0sw",
        step_free=True,
        hearing_loop=False,
        quiet_room=True,
        accessible_toilet=True,
    )

    second = desk.events.create(venue_event("Second", venue=changed))

    [venue] = desk.events.venues()
    assert venue.name == "Bury Town Hall"
    assert venue.postcode == "BL9 0SW"
    assert venue.access == ["Step-free access", "Accessible toilet", "Quiet room"]
    assert second.venue is not None and second.venue.id == venue.id
    assert {r.venue_name for r in desk.events.list_events()} == {"Bury Town Hall"}
    assert count(desk, Venue) == 1


def test_different_venues_are_kept_apart(desk: Desk) -> None:
    desk.events.create(venue_event("First"))
    desk.events.create(venue_event("Second", venue=VenueDraft("Radcliffe Library")))

    assert [v.name for v in desk.events.venues()] == ["Bury Town Hall", "Radcliffe Library"]
    assert desk.events.venues()[0].as_draft() == TOWN_HALL


# ---- the schedule by week ----------------------------------------------------


def test_schedule_has_consecutive_mondays_including_empty_weeks(desk: Desk) -> None:
    # The clock says Wednesday 15 April 2026; the third week has an event, the others none.
    desk.events.create(venue_event("In week three", starts_at=datetime(2026, 4, 29, 9, tzinfo=UTC)))
    desk.events.create(venue_event("Too late", starts_at=datetime(2026, 5, 11, 9, tzinfo=UTC)))
    desk.events.create(venue_event("Too early", starts_at=datetime(2026, 4, 10, 9, tzinfo=UTC)))

    weeks = desk.events.schedule(weeks=4)

    assert [w.week_commencing for w in weeks] == [
        date(2026, 4, 13),
        date(2026, 4, 20),
        date(2026, 4, 27),
        date(2026, 5, 4),
    ]
    assert all(w.week_commencing.weekday() == 0 for w in weeks)
    assert [[e.title for e in w.events] for w in weeks] == [[], [], ["In week three"], []]


def test_schedule_uses_the_london_week_around_midnight(desk: Desk) -> None:
    # Monday 20 April 00:30 in London is still Sunday 19 April 23:30 in UTC.
    desk.events.create(
        venue_event(
            "Just after midnight Monday", starts_at=datetime(2026, 4, 19, 23, 30, tzinfo=UTC)
        )
    )
    # Sunday 19 April 23:00 in London is 22:00 UTC: the week before.
    desk.events.create(
        venue_event("Late Sunday", starts_at=datetime(2026, 4, 19, 22, 0, tzinfo=UTC), hours=0.5)
    )

    weeks = desk.events.schedule(weeks=2)

    assert [(w.week_commencing, [e.title for e in w.events]) for w in weeks] == [
        (date(2026, 4, 13), ["Late Sunday"]),
        (date(2026, 4, 20), ["Just after midnight Monday"]),
    ]


def test_schedule_across_the_change_to_british_summer_time(desk: Desk) -> None:
    # Clocks go forward at 01:00 UTC on Sunday 29 March 2026.
    desk.events.create(
        venue_event("Sunday before the change", starts_at=datetime(2026, 3, 29, 0, 30, tzinfo=UTC))
    )
    # 23:30 UTC on Sunday 29 March is 00:30 BST on Monday 30 March.
    desk.events.create(
        venue_event("First BST Monday", starts_at=datetime(2026, 3, 29, 23, 30, tzinfo=UTC))
    )

    weeks = desk.events.schedule(weeks=2, start=date(2026, 3, 25))

    assert [(w.week_commencing, [e.title for e in w.events]) for w in weeks] == [
        (date(2026, 3, 23), ["Sunday before the change"]),
        (date(2026, 3, 30), ["First BST Monday"]),
    ]


def test_schedule_of_an_empty_database(desk: Desk) -> None:
    weeks = desk.events.schedule(weeks=3)

    assert [w.week_commencing for w in weeks] == [
        date(2026, 4, 13),
        date(2026, 4, 20),
        date(2026, 4, 27),
    ]
    assert all(w.events == () for w in weeks)


# ---- counts on each row -------------------------------------------------------


def test_counts_of_registered_waitlisted_and_checked_in(desk: Desk, attend: Attend) -> None:
    event = desk.events.create(venue_event()).id
    other = desk.events.create(venue_event("Another event")).id
    for _ in range(3):
        attend(event)  # registered, not here yet
    attend(event, check_ins=1)  # registered and checked in
    attend(event, check_ins=1)  # (the database refuses a second live check-in of one ticket)
    attend(event, check_ins=1, undone=True)  # checked in by mistake, undone
    attend(event, check_ins=1, walk_in=True)  # walked in
    attend(event, RegistrationStatus.WAITLISTED)
    attend(event, RegistrationStatus.WAITLISTED)
    attend(event, RegistrationStatus.CANCELLED)
    attend(other, check_ins=1)

    rows = {r.id: r for r in desk.events.list_events()}

    row = rows[event]
    assert row.registered == 7
    assert row.waitlisted == 2
    assert row.checked_in == 3
    assert row.walk_ins == 1
    assert row.places_left == 33
    assert (rows[other].registered, rows[other].checked_in, rows[other].walk_ins) == (1, 1, 0)


def test_counts_start_at_zero_and_places_never_go_negative(desk: Desk, attend: Attend) -> None:
    small = desk.events.create(venue_event(capacity=1)).id
    unlimited = desk.events.create(
        venue_event("No limit", capacity=None, starts_at=START + timedelta(days=1))
    ).id

    assert desk.events.rows_for([small])[0].places_left == 1
    attend(small)
    attend(small)

    small_row, unlimited_row = desk.events.rows_for([small, unlimited])
    assert (small_row.registered, small_row.places_left) == (2, 0)
    assert (unlimited_row.registered, unlimited_row.waitlisted) == (0, 0)
    assert (unlimited_row.checked_in, unlimited_row.walk_ins) == (0, 0)
    assert unlimited_row.places_left is None


def test_events_starting_together_are_listed_by_title(desk: Desk) -> None:
    for title in ("Webinar Q&A", "Autism drop-in", "Have your say"):
        desk.events.create(venue_event(title))

    expected = ["Autism drop-in", "Have your say", "Webinar Q&A"]
    assert [r.title for r in desk.events.list_events()] == expected
    assert [r.title for r in desk.events.list_events(When.UPCOMING)] == expected
    assert [e.title for e in desk.events.schedule(weeks=2)[1].events] == expected


def test_control_characters_never_reach_a_stored_event(desk: Desk) -> None:
    detail = desk.events.create(
        venue_event(
            "Have your say\x1b[2J: SEND\x00 in Bury",
            description="Bring a friend.\r\nTea\x07 provided.",
        )
    )
    assert detail.draft.title == "Have your say[2J: SEND in Bury"
    assert detail.draft.description == "Bring a friend.\nTea provided."
