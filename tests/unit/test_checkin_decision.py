"""The door's decision as a pure function: every outcome from plain facts, in one table.

``core.checkin.decide`` is given what the service loaded (the event as it is now, what the
code reads as, the booking, any live check-in, the clock) and says what happens and what to
write. No database here: each row of the table is a situation a facilitator can meet.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from engagement_desk.core.checkin import (
    DOOR_CLOSES_AFTER,
    Booking,
    DoorEvent,
    DoorFacts,
    EarlierCheckIn,
    OtherEvent,
    Outcome,
    Write,
    decide,
)
from engagement_desk.core.statuses import RegistrationStatus
from engagement_desk.core.tickets import TicketProblem, TicketReading

NOW = datetime(2026, 3, 14, 10, 30, tzinfo=UTC)  # half an hour into the event
EVENT = DoorEvent(
    id="event-1",
    short_code="BURY26",
    title="Have your say: SEND in Bury",
    cancelled=False,
    ends_at=datetime(2026, 3, 14, 12, 0, tzinfo=UTC),
)
SIGNED = TicketReading(True, "BURY26", "TICKETID", None, "")
SIGNED_ELSEWHERE = TicketReading(True, "RAMS27", "TICKETID", None, "")
FORGED = TicketReading(False, None, None, TicketProblem.BAD_SIGNATURE, "The signature is wrong.")
TYPO = TicketReading(False, None, None, TicketProblem.MALFORMED, "That is not a ticket code.")
SARAH = Booking(
    "reg-1", "event-1", RegistrationStatus.REGISTERED, "Sarah Ashworth", ("quiet space",), ""
)
EARLIER = EarlierCheckIn("ci-1", datetime(2026, 3, 14, 10, 5, tzinfo=UTC), "Door 2 laptop")
RAMSBOTTOM = OtherEvent("Drop-in at Ramsbottom library", "Tue 3 Mar 2026, 10:00–12:00")
AFTER_CLOSE = EVENT.ends_at + DOOR_CLOSES_AFTER + timedelta(minutes=1)


def facts(**changes: object) -> DoorFacts:
    base = DoorFacts(
        event=EVENT, now=NOW, method="scanner", code="ed1-bury26-ticketid-sig", reading=SIGNED
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Case:
    situation: str
    facts: DoorFacts
    outcome: Outcome
    write: Write
    words: str  # must appear in the headline or detail


CASES = [
    Case("a booked ticket", facts(booking=SARAH), Outcome.ADMITTED, Write.CHECK_IN, "Sarah"),
    Case(
        "a booked ticket shows access needs",
        facts(booking=SARAH),
        Outcome.ADMITTED,
        Write.CHECK_IN,
        "Access needs: quiet space",
    ),
    Case(
        "a genuine ticket this laptop has no record of",
        facts(),
        Outcome.ADMITTED_NOT_ON_LIST,
        Write.REGISTER_AND_CHECK_IN,
        "issued after this laptop's list",
    ),
    Case(
        "already in, on another laptop",
        facts(booking=SARAH, earlier=EARLIER),
        Outcome.ALREADY_CHECKED_IN,
        Write.NOTHING,
        "10:05 on Sat 14 Mar on Door 2 laptop",
    ),
    Case(
        "a ticket for another event this laptop knows",
        facts(reading=SIGNED_ELSEWHERE, other_event=RAMSBOTTOM, other_event_code="RAMS27"),
        Outcome.WRONG_EVENT,
        Write.NOTHING,
        "Ramsbottom library",
    ),
    Case(
        "a ticket for an event this laptop does not know",
        facts(reading=SIGNED_ELSEWHERE, other_event_code="RAMS27"),
        Outcome.WRONG_EVENT,
        Write.NOTHING,
        "code RAMS27",
    ),
    Case(
        "a typed reference booked for another event",
        facts(
            reading=TYPO,
            typed_reference="TICKETID",
            booking=replace(SARAH, event_id="event-2"),
            other_event=RAMSBOTTOM,
        ),
        Outcome.WRONG_EVENT,
        Write.NOTHING,
        "Ramsbottom library",
    ),
    Case(
        "a cancelled booking",
        facts(booking=replace(SARAH, status=RegistrationStatus.CANCELLED)),
        Outcome.CANCELLED,
        Write.NOTHING,
        "place was cancelled",
    ),
    Case(
        "a booking on the waiting list",
        facts(booking=replace(SARAH, status=RegistrationStatus.WAITLISTED)),
        Outcome.WAITLISTED,
        Write.NOTHING,
        "waiting list",
    ),
    Case("a forged code", facts(reading=FORGED), Outcome.NOT_RECOGNISED, Write.NOTHING, "wrong"),
    Case("nothing scanned", facts(code=""), Outcome.NOT_RECOGNISED, Write.NOTHING, "Nothing"),
    Case(
        "a typed reference nobody has",
        facts(reading=TYPO, typed_reference="TICKETID"),
        Outcome.NOT_RECOGNISED,
        Write.NOTHING,
        "No ticket has that reference",
    ),
    Case(
        "a typed reference that is booked",
        facts(reading=TYPO, typed_reference="TICKETID", booking=SARAH),
        Outcome.ADMITTED,
        Write.CHECK_IN,
        "Welcome, Sarah Ashworth",
    ),
    Case(
        "a valid ticket at a cancelled event",
        facts(booking=SARAH, event=replace(EVENT, cancelled=True, cancel_reason="venue flooded")),
        Outcome.EVENT_CANCELLED,
        Write.NOTHING,
        "venue flooded",
    ),
    Case(
        "a name search at a cancelled event",
        facts(
            booking=SARAH,
            reading=None,
            code="",
            method="search",
            event=replace(EVENT, cancelled=True),
        ),
        Outcome.EVENT_CANCELLED,
        Write.NOTHING,
        "no one can be checked in",
    ),
    Case(
        "a scan long after the end",
        facts(booking=SARAH, now=AFTER_CLOSE),
        Outcome.EVENT_ENDED,
        Write.NOTHING,
        "Name search",
    ),
    Case(
        "a scan within the hours after the end",
        facts(booking=SARAH, now=EVENT.ends_at + DOOR_CLOSES_AFTER - timedelta(minutes=1)),
        Outcome.ADMITTED,
        Write.CHECK_IN,
        "Sarah",
    ),
    Case(
        "the sign-in sheet typed up by name search after the event",
        facts(booking=SARAH, reading=None, code="", method="search", now=AFTER_CLOSE),
        Outcome.ADMITTED,
        Write.CHECK_IN,
        "Recorded after the event",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.situation for c in CASES])
def test_each_situation_at_the_door(case: Case) -> None:
    result = decide(case.facts)

    assert result.outcome is case.outcome
    assert result.write is case.write
    assert case.words in f"{result.headline} {result.detail}"
    # Refusals never claim to admit, and nothing is written unless someone is admitted.
    assert (result.write is not Write.NOTHING) == result.outcome.admits


def test_every_outcome_is_in_the_table() -> None:
    assert {decide(c.facts).outcome for c in CASES} == set(Outcome)


def test_the_decision_reads_the_event_status_it_is_given_each_time() -> None:
    open_door = facts(booking=SARAH)
    assert decide(open_door).outcome is Outcome.ADMITTED
    cancelled = replace(open_door, event=replace(EVENT, cancelled=True))
    assert decide(cancelled).outcome is Outcome.EVENT_CANCELLED
    assert decide(open_door).outcome is Outcome.ADMITTED  # reinstated: admits again
