"""Registrations: booking, the waiting list, cancelling, walk-ins, search and the consent rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update

from engagement_desk.bootstrap import Desk
from engagement_desk.core.people import PersonDraft
from engagement_desk.core.tickets import read_ticket, ticket_reference
from engagement_desk.db.models import (
    AuditEntry,
    CheckIn,
    Person,
    Programme,
    Registration,
    RegistrationStatus,
)
from engagement_desk.services import registrations as registrations_module
from engagement_desk.services.errors import NotFound, UserError, ValidationFailed
from engagement_desk.services.registrations import PeopleFilter, RegistrationService
from engagement_desk.services.tickets import TicketService
from tests.conftest import FakeClock
from tests.unit.conftest import venue_event

JO = PersonDraft("Jo Bloggs", email="jo.bloggs@example.org", consent_store=True)


@pytest.fixture
def tickets(desk: Desk) -> TicketService:
    return TicketService(desk.db)


@pytest.fixture
def registrations(desk: Desk, tickets: TicketService, clock: FakeClock) -> RegistrationService:
    return RegistrationService(desk.db, desk.device, tickets, clock)


@pytest.fixture
def event(desk: Desk) -> str:
    return desk.events.create(venue_event(capacity=40)).short_code


def person_like(name: str, **changes: object) -> PersonDraft:
    email = name.lower().replace(" ", ".") + "@example.org"
    return replace(PersonDraft(name, email=email, consent_store=True), **changes)  # type: ignore[arg-type]


def count(desk: Desk, model: type) -> int:
    with desk.db.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def actions(desk: Desk, entity_id: str) -> list[str]:
    with desk.db.session() as s:
        return list(
            s.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.entity_id == entity_id)
                .order_by(AuditEntry.at)
            )
        )


# ---- booking -------------------------------------------------------------------


def test_registering_books_a_place_with_a_signed_ticket(
    desk: Desk, registrations: RegistrationService, tickets: TicketService, event: str
) -> None:
    info = registrations.register(event, JO)

    assert info.status is RegistrationStatus.REGISTERED
    assert (info.name, info.email, info.event_code) == ("Jo Bloggs", "jo.bloggs@example.org", event)
    assert info.waitlist_position is None
    assert not info.already_registered
    assert info.ticket_code is not None
    reading = tickets.verify(info.ticket_code)
    assert reading.ok
    assert (reading.event_code, reading.ticket_id) == (event, info.ticket_id)
    # No personal data in the QR payload.
    assert "JO" not in info.ticket_code.split("-")[1:3]
    assert info.message == "Jo Bloggs is registered for Have your say: SEND in Bury."
    assert actions(desk, info.id) == ["registered"]
    [row] = desk.events.list_events()
    assert row.registered == 1


def test_email_is_tidied_and_the_same_person_twice_is_one_registration(
    desk: Desk, registrations: RegistrationService, event: str
) -> None:
    first = registrations.register(event, JO)
    again = registrations.register(
        event, replace(JO, full_name="  Jo   Bloggs ", email="  Jo.Bloggs@EXAMPLE.org ")
    )

    assert again.already_registered
    assert again.id == first.id
    assert again.person_id == first.person_id
    assert "already registered" in again.message
    assert count(desk, Person) == 1
    assert count(desk, Registration) == 1


def test_one_person_can_book_several_events_and_their_details_are_updated(
    desk: Desk, registrations: RegistrationService, event: str
) -> None:
    other = desk.events.create(venue_event("Radcliffe morning")).short_code
    first = registrations.register(event, JO)
    second = registrations.register(
        other, replace(JO, phone="07700 900123", access_needs=("wheelchair access",))
    )

    assert second.person_id == first.person_id
    assert second.id != first.id
    detail = registrations.person(first.person_id or "")
    assert detail.draft.phone == "07700900123"
    assert detail.draft.access_needs == ("wheelchair access",)


def test_people_without_email_are_matched_only_by_name_and_phone(
    desk: Desk, registrations: RegistrationService, event: str
) -> None:
    other = desk.events.create(venue_event("Radcliffe morning")).short_code
    a = registrations.register(
        event, PersonDraft("Sam Lee", phone="0161 555 0100", consent_store=True)
    )
    b = registrations.register(
        other, PersonDraft("sam  lee", phone="01615550100", consent_store=True)
    )
    c = registrations.register(other, PersonDraft("Sam Lee", consent_store=True))

    assert a.person_id == b.person_id
    assert c.person_id != a.person_id  # a name alone is not enough: two parents can share one


def test_details_are_checked_and_nothing_is_written_when_they_are_wrong(
    desk: Desk, registrations: RegistrationService, event: str
) -> None:
    with pytest.raises(ValidationFailed) as failure:
        registrations.register(
            event,
            PersonDraft(" ", email="jo@", postcode="Bury", phone="call me", consent_store=True),
        )

    messages = [p.message for p in failure.value.problems]
    assert "Give the person's name." in messages
    assert "'jo@' is not an email address." in messages
    assert any("'Bury' is not a UK postcode" in m for m in messages)
    assert any("'call me' is not a phone number" in m for m in messages)
    assert count(desk, Person) == 0
    assert count(desk, Registration) == 0


def test_a_full_postcode_keeps_only_its_district(
    registrations: RegistrationService, event: str
) -> None:
    info = registrations.register(event, replace(JO, postcode="bl9 0sw"))
    assert registrations.person(info.person_id or "").draft.postcode == "BL9"


def test_nothing_is_stored_without_consent_to_store(
    desk: Desk, registrations: RegistrationService, event: str
) -> None:
    with pytest.raises(ValidationFailed, match="agrees to us keeping their details"):
        registrations.register(event, replace(JO, consent_store=False))
    assert count(desk, Person) == 0


def test_child_send_details_are_dropped_without_their_own_consent(
    registrations: RegistrationService, event: str
) -> None:
    child = dict(
        child_age_band="5 to 10",
        child_setting="Primary school",
        ehcp_status="being assessed",
        need_areas=("autism", "ADHD"),
    )
    without = registrations.register(event, replace(JO, **child))  # type: ignore[arg-type]
    stored = registrations.person(without.person_id or "").draft
    assert (stored.child_age_band, stored.child_setting, stored.ehcp_status) == (None, None, None)
    assert stored.need_areas == ()

    given = registrations.register(
        event,
        replace(person_like("Amira Shah"), consent_special_category=True, **child),  # type: ignore[arg-type]
    )
    stored = registrations.person(given.person_id or "").draft
    assert stored.child_age_band == "5-10"
    assert stored.child_setting == "mainstream primary"
    assert stored.ehcp_status == "being assessed"
    assert stored.need_areas == ("autism", "ADHD")


def test_withdrawing_special_category_consent_removes_the_stored_details(
    desk: Desk, registrations: RegistrationService, event: str
) -> None:
    other = desk.events.create(venue_event("Radcliffe morning")).short_code
    first = registrations.register(
        event, replace(JO, consent_special_category=True, child_age_band="0-4")
    )
    registrations.register(other, replace(JO, consent_special_category=False))

    assert registrations.person(first.person_id or "").draft.child_age_band is None


def test_a_cancelled_event_takes_no_registrations(
    desk: Desk, registrations: RegistrationService, event: str
) -> None:
    desk.events.cancel(event, "Venue flooded")

    with pytest.raises(UserError, match="is cancelled, so no one can register for it"):
        registrations.register(event, JO)
    with pytest.raises(UserError, match="is cancelled"):
        registrations.walk_in(event, "Jo Bloggs")
    assert count(desk, Person) == 0


def test_an_unknown_event_is_explained(registrations: RegistrationService) -> None:
    with pytest.raises(NotFound, match="No event has the id or short code 'NOPE99'"):
        registrations.register("NOPE99", JO)


def test_a_laptop_that_cannot_mint_still_registers_without_a_code(
    desk: Desk, registrations: RegistrationService, tickets: TicketService, event: str
) -> None:
    programme_id = desk.programmes.ensure_seeded()
    tickets.keys(programme_id)
    with desk.db.transaction() as s:
        s.execute(update(Programme).values(signing_private_key=None))

    info = registrations.register(event, JO)

    assert info.status is RegistrationStatus.REGISTERED
    assert info.ticket_code is None


# ---- capacity and the waiting list ---------------------------------------------


@pytest.fixture
def small_event(desk: Desk) -> str:
    return desk.events.create(venue_event("Ramsbottom coffee", capacity=2)).short_code


def fill(registrations: RegistrationService, event: str, *names: str) -> list[str]:
    return [registrations.register(event, person_like(n)).id for n in names]


def test_beyond_capacity_people_wait_in_order_without_a_ticket(
    desk: Desk, registrations: RegistrationService, small_event: str
) -> None:
    fill(registrations, small_event, "Ann One", "Ben Two")
    third = registrations.register(small_event, person_like("Cat Three"))
    fourth = registrations.register(small_event, person_like("Dan Four"))

    assert (third.status, third.waitlist_position) == (RegistrationStatus.WAITLISTED, 1)
    assert (fourth.status, fourth.waitlist_position) == (RegistrationStatus.WAITLISTED, 2)
    assert third.ticket_code is None
    assert "is full: Cat Three is number 1 on the waiting list" in third.message
    [row] = desk.events.list_events()
    assert (row.registered, row.waitlisted) == (2, 2)


def test_cancelling_a_place_revokes_it_and_offers_it_to_the_next_person(
    desk: Desk, registrations: RegistrationService, tickets: TicketService, small_event: str
) -> None:
    ann, _ = fill(registrations, small_event, "Ann One", "Ben Two")
    cat = registrations.register(small_event, person_like("Cat Three"))
    dan = registrations.register(small_event, person_like("Dan Four"))
    ann_code = registrations.registration(ann).ticket_code
    assert ann_code is not None

    result = registrations.cancel(small_event, ann_code)

    assert result.cancelled.status is RegistrationStatus.CANCELLED
    [promoted] = result.promoted
    assert promoted.id == cat.id
    assert promoted.status is RegistrationStatus.REGISTERED
    assert promoted.ticket_code is not None
    assert tickets.verify(promoted.ticket_code).ok
    assert registrations.registration(dan.id).waitlist_position == 1
    with desk.db.session() as s:
        cancelled = s.get(Registration, ann)
        assert cancelled is not None
        assert cancelled.cancelled_at is not None
    [row] = desk.events.list_events()
    assert (row.registered, row.waitlisted) == (2, 1)
    assert actions(desk, ann) == ["registered", "registration cancelled"]
    assert actions(desk, cat.id) == ["waitlisted", "promoted from waiting list"]


def test_cancel_accepts_the_printed_reference_the_registration_id_or_an_email(
    registrations: RegistrationService, event: str
) -> None:
    a, b, c = (
        registrations.register(event, person_like(n)) for n in ("Ann One", "Ben Two", "Cy Three")
    )

    registrations.cancel(event, ticket_reference(a.ticket_id).lower())
    registrations.cancel(event, b.id)
    registrations.cancel(event, "  Cy.Three@Example.org ")

    for info in (a, b, c):
        assert registrations.registration(info.id).status is RegistrationStatus.CANCELLED


def test_cancel_explains_what_it_cannot_do(
    desk: Desk, registrations: RegistrationService, event: str
) -> None:
    other = desk.events.create(venue_event("Radcliffe morning")).short_code
    info = registrations.register(event, JO)

    with pytest.raises(NotFound, match=f"That ticket is for another event \\({event}\\)"):
        registrations.cancel(other, info.ticket_code or "")
    with pytest.raises(NotFound, match="No registration for"):
        registrations.cancel(event, "ED1-NOTAREALCODE")
    registrations.cancel(event, info.id)
    with pytest.raises(UserError, match="already cancelled"):
        registrations.cancel(event, info.id)


def test_someone_checked_in_cannot_be_cancelled(
    registrations: RegistrationService, event: str
) -> None:
    info = registrations.walk_in(event, "Jo Bloggs", "jo@example.org")
    with pytest.raises(UserError, match="has already checked in"):
        registrations.cancel(event, info.id)


def test_cancelling_from_the_waiting_list_promotes_no_one_and_renumbers(
    registrations: RegistrationService, small_event: str
) -> None:
    fill(registrations, small_event, "Ann One", "Ben Two")
    cat = registrations.register(small_event, person_like("Cat Three"))
    dan = registrations.register(small_event, person_like("Dan Four"))

    result = registrations.cancel(small_event, cat.id)

    assert result.promoted == ()
    assert registrations.registration(dan.id).waitlist_position == 1


def test_promoting_by_hand_goes_beyond_capacity_and_mints_a_code(
    desk: Desk, registrations: RegistrationService, small_event: str
) -> None:
    fill(registrations, small_event, "Ann One", "Ben Two")
    cat = registrations.register(small_event, person_like("Cat Three"))
    dan = registrations.register(small_event, person_like("Dan Four"))

    promoted = registrations.promote(dan.id)

    assert promoted.status is RegistrationStatus.REGISTERED
    assert promoted.ticket_code is not None
    assert registrations.registration(cat.id).waitlist_position == 1
    assert actions(desk, dan.id) == ["waitlisted", "promoted by hand"]
    with pytest.raises(UserError, match="is not on the waiting list"):
        registrations.promote(dan.id)


# ---- walk-ins ------------------------------------------------------------------


def test_a_walk_in_is_registered_and_checked_in_at_once_even_when_full(
    desk: Desk, registrations: RegistrationService, clock: FakeClock, small_event: str
) -> None:
    fill(registrations, small_event, "Ann One", "Ben Two")

    info = registrations.walk_in(small_event, "Priya Patel", "Priya@Example.org")

    assert info.status is RegistrationStatus.REGISTERED
    assert info.checked_in
    assert info.email == "priya@example.org"
    with desk.db.session() as s:
        [check_in] = s.scalars(select(CheckIn).where(CheckIn.registration_id == info.id))
        assert (check_in.walk_in, check_in.method) == (True, "walk-in")
        assert check_in.checked_in_at == clock.now
        assert check_in.device_id == desk.device.id
    [row] = desk.events.list_events()
    assert (row.registered, row.checked_in, row.walk_ins) == (3, 1, 1)


def test_a_walk_in_who_will_not_give_details_is_counted_without_any(
    desk: Desk, registrations: RegistrationService, event: str
) -> None:
    info = registrations.walk_in(event, "Someone", "someone@example.org", consent_store=False)

    assert info.person_id is None
    assert info.name == ""
    assert info.checked_in
    assert count(desk, Person) == 0
    [row] = desk.events.list_events()
    assert (row.checked_in, row.walk_ins) == (1, 1)


def test_a_walk_in_who_had_booked_is_checked_in_on_their_booking(
    desk: Desk, registrations: RegistrationService, event: str
) -> None:
    booked = registrations.register(event, JO)

    info = registrations.walk_in(event, "Jo Bloggs", "JO.BLOGGS@example.org")
    again = registrations.walk_in(event, "Jo Bloggs", "jo.bloggs@example.org")

    assert info.id == booked.id
    assert info.checked_in
    assert again.already_registered
    assert count(desk, CheckIn) == 1
    [row] = desk.events.list_events()
    assert (row.registered, row.checked_in, row.walk_ins) == (1, 1, 0)


# ---- search and lists ------------------------------------------------------------


@pytest.fixture
def crowd(registrations: RegistrationService, event: str) -> dict[str, str]:
    ids = {}
    for name in ("Sarah Jones", "Sam Ahmed", "Zoë Ó Briain", "Ben Saunders", "Olivia Walsh"):
        ids[name] = registrations.register(event, person_like(name)).id
    return ids


def names(rows: list) -> list[str]:  # type: ignore[type-arg]
    return [r.name for r in rows]


def test_search_finds_names_in_any_case_and_without_accents(
    registrations: RegistrationService, event: str, crowd: dict[str, str]
) -> None:
    assert names(registrations.search(event, "sa")) == ["Ben Saunders", "Sam Ahmed", "Sarah Jones"]
    assert names(registrations.search(event, "SAR")) == ["Sarah Jones"]
    assert names(registrations.search(event, "zoe o")) == ["Zoë Ó Briain"]
    assert names(registrations.search(event, "Briain")) == ["Zoë Ó Briain"]
    assert names(registrations.search(event, "olivia.walsh@")) == ["Olivia Walsh"]
    assert registrations.search(event, "nobody like this") == []
    assert registrations.search(event, "%") == []
    assert len(registrations.search(event, "")) == 5
    assert len(registrations.search(event, "", limit=2)) == 2


def test_search_finds_a_ticket_by_reference_prefix_or_scanned_code(
    registrations: RegistrationService, event: str, crowd: dict[str, str]
) -> None:
    info = registrations.registration(crowd["Sam Ahmed"])
    reference = ticket_reference(info.ticket_id)

    assert names(registrations.search(event, reference[:6].lower())) == ["Sam Ahmed"]
    assert names(registrations.search(event, info.ticket_code or "")) == ["Sam Ahmed"]


def test_search_filters_by_status_and_event(
    desk: Desk, registrations: RegistrationService, event: str, crowd: dict[str, str]
) -> None:
    other = desk.events.create(venue_event("Radcliffe morning")).short_code
    registrations.register(other, person_like("Sarah Jones"))
    registrations.cancel(event, crowd["Olivia Walsh"])
    registrations.walk_in(event, "Sam Ahmed", "sam.ahmed@example.org")

    assert names(registrations.search(event, "", PeopleFilter.CANCELLED)) == ["Olivia Walsh"]
    assert names(registrations.search(event, "", PeopleFilter.CHECKED_IN)) == ["Sam Ahmed"]
    assert names(registrations.search(event, "", PeopleFilter.REGISTERED)) == [
        "Ben Saunders",
        "Sarah Jones",
        "Zoë Ó Briain",
    ]
    assert names(registrations.search(None, "sarah")) == ["Sarah Jones", "Sarah Jones"]
    [checked] = registrations.search(event, "sam")
    assert checked.status_label == "checked in"


@pytest.mark.parametrize("walk_people", [False, True])
def test_both_ways_of_searching_give_the_same_rows(
    desk: Desk,
    registrations: RegistrationService,
    event: str,
    crowd: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    walk_people: bool,
) -> None:
    # Big events walk people in name order, a batch at a time; small ones filter and sort.
    later = datetime(2026, 5, 6, 9, 0, tzinfo=UTC)
    other = desk.events.create(venue_event("Radcliffe morning", starts_at=later)).short_code
    for name in ("Sarah Jones", "Sam Ahmed", "Amy Sands", "Zoë Ó Briain"):
        registrations.register(other, person_like(name))
    registrations.walk_in(event, "Sam Ahmed", "sam.ahmed@example.org")
    monkeypatch.setattr(registrations_module, "WALK_PEOPLE_ABOVE", -1 if walk_people else 10**9)
    monkeypatch.setattr(registrations_module, "FIRST_BATCH", 2)

    def seen(event_ref: str | None, text: str, **kwargs: object) -> list[tuple[str, str]]:
        rows = registrations.search(event_ref, text, **kwargs)  # type: ignore[arg-type]
        return [(r.name, r.event_code) for r in rows]

    assert seen(event, "sa") == [
        ("Ben Saunders", event),
        ("Sam Ahmed", event),
        ("Sarah Jones", event),
    ]
    assert seen(None, "sa") == [
        ("Amy Sands", other),
        ("Ben Saunders", event),
        ("Sam Ahmed", event),
        ("Sam Ahmed", other),
        ("Sarah Jones", event),
        ("Sarah Jones", other),
    ]
    assert seen(None, "sa", limit=3) == seen(None, "sa")[:3]
    assert seen(None, "", limit=4) == [
        ("Amy Sands", other),
        ("Ben Saunders", event),
        ("Olivia Walsh", event),
        ("Sam Ahmed", event),
    ]
    assert seen(event, "", status=PeopleFilter.CHECKED_IN) == [("Sam Ahmed", event)]
    assert seen(other, "zoe") == [("Zoë Ó Briain", other)]


def test_people_list_gives_what_a_mail_merge_needs(
    desk: Desk, registrations: RegistrationService, small_event: str
) -> None:
    fill(registrations, small_event, "Ann One", "Ben Two")
    waiting = registrations.register(small_event, person_like("Cat Three"))

    rows = registrations.list_people(small_event)

    assert [(r.name, r.email, r.status.value) for r in rows] == [
        ("Ann One", "ann.one@example.org", "registered"),
        ("Ben Two", "ben.two@example.org", "registered"),
        ("Cat Three", "cat.three@example.org", "waitlisted"),
    ]
    assert all(r.ticket_code for r in rows[:2])
    assert rows[2].ticket_code is None
    assert rows[2].status_label == "waitlisted (1)"
    assert rows[2].person_id == waiting.person_id
    assert len(registrations.list_people()) == 3


def test_editing_a_person_keeps_emails_unique(
    registrations: RegistrationService, event: str
) -> None:
    jo = registrations.register(event, JO)
    registrations.register(event, person_like("Sam Ahmed"))

    detail = registrations.update_person(
        jo.person_id or "", replace(JO, full_name="Joanne Bloggs", postcode="M26 1WR")
    )
    assert (detail.draft.full_name, detail.draft.postcode) == ("Joanne Bloggs", "M26")
    assert names(registrations.search(event, "joanne")) == ["Joanne Bloggs"]
    with pytest.raises(UserError, match="Someone else already has the email"):
        registrations.update_person(jo.person_id or "", replace(JO, email="sam.ahmed@example.org"))


def test_ticket_codes_of_registrations_verify_against_the_public_key(
    desk: Desk, registrations: RegistrationService, tickets: TicketService, event: str
) -> None:
    info = registrations.register(event, JO)
    keys = tickets.keys(desk.programmes.ensure_seeded())
    assert read_ticket(keys.public_key, info.ticket_code or "").ok


def test_control_characters_never_reach_a_stored_name(desk: Desk) -> None:
    """Typed or pasted into the app: an escape sequence or a stray NUL is not part of a name,
    while the joiners Persian and Urdu spelling needs are kept."""
    event = desk.events.create(venue_event()).short_code
    info = desk.registrations.register(
        event,
        PersonDraft(
            "Sam\x1b[31m Lee\x00\u202e",
            email="sam@example.org",
            access_notes="Line one\r\nline two\x07",
            consent_store=True,
        ),
    )
    zwnj = desk.registrations.register(
        event, PersonDraft("Mehr\u200cnaz Qureshi", email="mehr@example.org", consent_store=True)
    )
    with desk.db.session() as s:
        names = dict(s.execute(select(Person.email, Person.full_name)).all())
        notes = s.scalar(select(Person.access_notes).where(Person.email == "sam@example.org"))
    assert info.name == names["sam@example.org"] == "Sam[31m Lee"
    assert notes == "Line one\nline two"
    assert names["mehr@example.org"] == zwnj.name == "Mehr\u200cnaz Qureshi"
