"""The ticket service: keys kept per programme, codes minted and checked, ticket sheets."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engagement_desk.bootstrap import Desk
from engagement_desk.core.tickets import (
    TicketProblem,
    is_ticket_id,
    mint_ticket,
    new_keys,
    new_ticket_id,
    ticket_reference,
)
from engagement_desk.db.models import Programme, Registration, RegistrationStatus
from engagement_desk.services.errors import NotFound, UserError
from engagement_desk.services.tickets import TicketService
from tests.unit.ticket_data import register, venue_event, webinar


@pytest.fixture
def tickets(desk: Desk) -> TicketService:
    return TicketService(desk.db)


def _programme_id(desk: Desk) -> str:
    return desk.programmes.ensure_seeded()


def test_keys_are_created_once_and_kept_in_the_programme(
    desk: Desk, tickets: TicketService
) -> None:
    programme_id = _programme_id(desk)
    first = tickets.keys(programme_id)
    assert first.private_key is not None
    assert tickets.keys(programme_id) == first
    with desk.db.session() as s:
        programme = s.get_one(Programme, programme_id)
        assert programme.signing_public_key == first.public_key
        assert programme.signing_private_key == first.private_key


def test_a_venue_laptop_with_only_the_public_key_verifies_but_cannot_mint(
    desk: Desk, tickets: TicketService
) -> None:
    event_id = venue_event(desk)
    code = tickets.mint(event_id, new_ticket_id())
    with desk.db.transaction() as s:
        s.get_one(Programme, _programme_id(desk)).signing_private_key = None
    assert tickets.verify(code).ok
    with pytest.raises(UserError, match="cannot make new ones"):
        tickets.mint(event_id, new_ticket_id())


def test_mint_and_verify_round_trip(desk: Desk, tickets: TicketService) -> None:
    event_id = venue_event(desk)
    short_code = desk.events.get(event_id).short_code
    ticket_id = new_ticket_id()
    code = tickets.mint(short_code.lower(), ticket_id)
    reading = tickets.verify(code + "\r\n")
    assert (reading.ok, reading.event_code, reading.ticket_id) == (True, short_code, ticket_id)


def test_a_tampered_code_fails(desk: Desk, tickets: TicketService) -> None:
    code = tickets.mint(venue_event(desk), new_ticket_id())
    index = len(code) // 2  # inside the signature
    tampered = code[:index] + ("A" if code[index] != "A" else "B") + code[index + 1 :]
    assert tickets.verify(tampered).problem is TicketProblem.BAD_SIGNATURE


def test_a_code_from_another_programme_fails(desk: Desk, tickets: TicketService) -> None:
    short_code = desk.events.get(venue_event(desk)).short_code
    foreign = mint_ticket(new_keys().private_key or b"", short_code, new_ticket_id())
    assert tickets.verify(foreign).problem is TicketProblem.BAD_SIGNATURE


def test_unknown_event_is_a_plain_not_found(tickets: TicketService) -> None:
    with pytest.raises(NotFound, match="No event has the id or short code 'NOPE99'"):
        tickets.ticket_sheet("NOPE99")
    with pytest.raises(NotFound):
        tickets.mint("NOPE99", new_ticket_id())


def test_ticket_sheet_for_a_venue_event(desk: Desk, tickets: TicketService) -> None:
    event_id = venue_event(desk)
    register(desk, event_id, "Zainab Hussain")
    register(desk, event_id, "amy Clarke")
    register(desk, event_id, "Waiting Walter", RegistrationStatus.WAITLISTED)
    register(desk, event_id, "Cancelled Carol", RegistrationStatus.CANCELLED)

    batch = tickets.ticket_sheet(desk.events.get(event_id).short_code)

    assert batch.event_title == "Have your say: SEND in Bury"
    assert batch.when == "Wed 22 Apr 2026, 10:00–12:30"  # London time, not UTC
    assert batch.venue_name == "Bury Town Hall"
    assert batch.venue_address == "Knowsley Street, Bury"
    assert batch.venue_postcode == "BL9 0SW"
    assert batch.venue_access == ("Step-free access", "Hearing loop", "Accessible toilet")
    assert batch.venue_notes == "Use the Knowsley Street entrance."
    assert not batch.is_online
    assert [t.person_name for t in batch.tickets] == ["amy Clarke", "Zainab Hussain"]


def test_missing_codes_are_minted_stored_and_verify(desk: Desk, tickets: TicketService) -> None:
    event_id = venue_event(desk)
    ids = [register(desk, event_id, f"Parent {n}") for n in range(3)]

    batch = tickets.ticket_sheet(event_id)

    with desk.db.session() as s:
        stored = {r.id: r for r in s.scalars(select(Registration).where(Registration.id.in_(ids)))}
    for ticket in batch.tickets:
        registration = stored[ticket.registration_id]
        assert ticket.code == registration.ticket_code
        assert is_ticket_id(registration.ticket_id)  # old-style hex id replaced before printing
        assert ticket.reference == ticket_reference(registration.ticket_id)
        reading = tickets.verify(ticket.code)
        assert reading.ok
        assert reading.event_code == batch.event_code
        assert reading.ticket_id == registration.ticket_id
        assert "Parent" not in ticket.code


def test_printing_again_gives_the_same_codes(desk: Desk, tickets: TicketService) -> None:
    event_id = venue_event(desk)
    register(desk, event_id, "Sam Patel", ticket_id=new_ticket_id())
    first = tickets.ticket_sheet(event_id)
    second = tickets.ticket_sheet(event_id)
    assert first.tickets == second.tickets


def test_ticket_sheet_for_chosen_registrations_only(desk: Desk, tickets: TicketService) -> None:
    event_id = venue_event(desk)
    chosen = register(desk, event_id, "Chosen One")
    register(desk, event_id, "Someone Else")
    cancelled = register(desk, event_id, "Gone Away", RegistrationStatus.CANCELLED)

    batch = tickets.ticket_sheet(event_id, [chosen, cancelled])

    assert [t.registration_id for t in batch.tickets] == [chosen]


def test_webinar_tickets_carry_the_online_link(desk: Desk, tickets: TicketService) -> None:
    event_id = webinar(desk)
    register(desk, event_id, "Online Olu")
    batch = tickets.ticket_sheet(event_id)
    assert batch.is_online
    assert batch.online_link == "https://meet.example.org/bury-send"
    assert batch.venue_access == ()
    assert len(batch.tickets) == 1


def test_no_tickets_for_a_cancelled_event(desk: Desk, tickets: TicketService) -> None:
    event_id = venue_event(desk)
    desk.events.cancel(event_id, "Venue flooded")
    with pytest.raises(UserError, match="is cancelled"):
        tickets.ticket_sheet(event_id)


def test_checking_a_code_never_creates_keys(desk: Desk, tickets: TicketService) -> None:
    short_code = desk.events.get(venue_event(desk)).short_code
    someone_elses = mint_ticket(new_keys().private_key or b"", short_code, new_ticket_id())

    reading = tickets.verify(someone_elses)

    assert reading.problem is TicketProblem.BAD_SIGNATURE
    assert "no copy of the programme's ticket key" in reading.message
    assert tickets.verify("hello").problem is TicketProblem.MALFORMED
    with desk.db.session() as s:
        programme = s.get_one(Programme, _programme_id(desk))
        assert programme.signing_public_key is None
