"""Check-in at the door: the outcomes, their words, and the decision itself. No I/O.

The service loads plain facts (the event at this door as it is now, what the code reads as,
the booking it points to, any live check-in, the clock) and ``decide`` says what they mean
and what, if anything, to write. Everything that can happen at the door is decided here, so
one table-driven test lists every outcome.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from engagement_desk.core.clock import to_local
from engagement_desk.core.statuses import RegistrationStatus
from engagement_desk.core.tickets import TicketReading

DEDUPE_SECONDS = 3.0
MAX_SCAN_LENGTH = 400
# The door stays open this long after an event's end (late arrivals, a queue, a laptop put
# away late). After that a scan refuses, so a laptop left running, or a ticket re-used the
# next day, never adds to an event's attendance. Name search still records attendance
# afterwards (typing up the paper sign-in sheet), and says it was recorded late.
DOOR_CLOSES_AFTER = timedelta(hours=6)
# How a check-in was made; only "search" (a facilitator choosing the person) works after close.
SEARCH = "search"


class Outcome(enum.StrEnum):
    ADMITTED = "admitted"
    ADMITTED_NOT_ON_LIST = "admitted, not on this laptop's list"
    ALREADY_CHECKED_IN = "already checked in"
    WRONG_EVENT = "wrong event"
    CANCELLED = "cancelled"
    WAITLISTED = "waitlisted"
    NOT_RECOGNISED = "not recognised"
    EVENT_CANCELLED = "event cancelled"
    EVENT_ENDED = "event ended"

    @property
    def admits(self) -> bool:
        return self in (Outcome.ADMITTED, Outcome.ADMITTED_NOT_ON_LIST)


class Write(enum.Enum):
    """What the service must write for a decision (in the same transaction)."""

    NOTHING = "nothing"
    CHECK_IN = "check in the booking"
    REGISTER_AND_CHECK_IN = "add the unlisted ticket's registration, then check it in"


@dataclass(frozen=True)
class CheckInResult:
    outcome: Outcome
    headline: str
    detail: str
    person_name: str = ""
    access_needs: tuple[str, ...] = ()
    access_notes: str = ""
    registration_id: str | None = None
    check_in_id: str | None = None
    repeated: bool = False
    code: str = field(default="", repr=False)
    write: Write = field(default=Write.NOTHING, repr=False)


@dataclass(frozen=True)
class DoorEvent:
    """The event at this door, read from the database for every decision."""

    id: str
    short_code: str
    title: str
    cancelled: bool
    ends_at: datetime
    cancel_reason: str = ""


@dataclass(frozen=True)
class Booking:
    """A registration and the little about its person the door needs."""

    id: str
    event_id: str
    status: RegistrationStatus
    name: str  # a description ("An anonymous walk-in") when there is no person behind it
    access_needs: tuple[str, ...] = ()
    access_notes: str = ""


@dataclass(frozen=True)
class EarlierCheckIn:
    id: str
    at: datetime
    laptop: str  # "this laptop", another laptop's name, or "another laptop"


@dataclass(frozen=True)
class OtherEvent:
    """The event a ticket belongs to, when it is not this door's."""

    title: str
    when: str  # already in words ("Tue 3 Mar 2026, 10:00–12:00")


@dataclass(frozen=True)
class DoorFacts:
    event: DoorEvent
    now: datetime
    method: str  # scanner, webcam, typed, kiosk, search
    code: str = ""  # as scanned, cleaned; empty for a name search
    reading: TicketReading | None = None  # None for a name search
    typed_reference: str | None = None  # a ticket id typed from a printed reference
    booking: Booking | None = None
    earlier: EarlierCheckIn | None = None
    other_event: OtherEvent | None = None
    other_event_code: str | None = None  # the code a signed ticket names, when not this one


def clean_scan(text: str) -> str:
    """What a scanner or a person typed, without the Enter and spaces, bounded in length."""
    return text.strip()[: MAX_SCAN_LENGTH + 1]


def when_text(moment: datetime) -> str:
    local = to_local(moment)
    return f"{local:%H:%M} on {local:%a} {local.day} {local:%b}"


def door_closed(event: DoorEvent, now: datetime) -> bool:
    return now > event.ends_at + DOOR_CLOSES_AFTER


def decide(facts: DoorFacts) -> CheckInResult:
    """What the facts mean at the door, and what to write. Pure: same facts, same answer."""
    event, code = facts.event, facts.code.upper()
    searched = facts.reading is None
    if not searched and not facts.code:
        return _refused("Nothing was scanned.", "Scan the ticket again, or search by name.")
    if event.cancelled:
        reason = f" ({event.cancel_reason.strip()})" if event.cancel_reason.strip() else ""
        return CheckInResult(
            Outcome.EVENT_CANCELLED,
            "This event is cancelled",
            f"“{event.title}” was cancelled{reason}, so no one can be checked in to it. "
            "Tell the person, and point them to the organiser's message about what happens "
            "instead. If it is going ahead after all, an organiser can reinstate it on the "
            "Events page.",
            code=code,
        )
    if not searched and door_closed(event, facts.now):
        ended = to_local(event.ends_at)
        return CheckInResult(
            Outcome.EVENT_ENDED,
            "Check-in for this event has closed",
            f"“{event.title}” ended at {ended:%H:%M} on {ended:%a} {ended.day} {ended:%b}; "
            "the door closes 6 hours after the end. Check the event chosen at this door. To "
            "record attendance from the paper sign-in sheet, find each person with Name search.",
            code=code,
        )
    reading = facts.reading
    if reading is not None and not reading.ok:
        if facts.typed_reference is None:
            return CheckInResult(Outcome.NOT_RECOGNISED, "Code not recognised", reading.message)
        if facts.booking is None:
            return _refused(
                "Ticket reference not found",
                "No ticket has that reference. Check the letters, or search by name.",
            )
    if reading is not None and reading.ok and reading.event_code != event.short_code:
        return _wrong_event(facts.other_event, facts.other_event_code)
    booking = facts.booking
    if booking is None:
        if reading is None or not reading.ok:  # pragma: no cover - the service never asks
            return _refused("Nothing to check in", "Search for the person again.")
        return CheckInResult(
            Outcome.ADMITTED_NOT_ON_LIST,
            "Admitted — not on this laptop's list",
            "The ticket is genuine but was issued after this laptop's list was made. Ask their "
            "name and any access needs, and note them for the organiser.",
            code=code,
            write=Write.REGISTER_AND_CHECK_IN,
        )
    if booking.event_id != event.id:
        return _wrong_event(facts.other_event, None)
    name = booking.name
    if booking.status is RegistrationStatus.CANCELLED:
        return CheckInResult(
            Outcome.CANCELLED,
            "Cancelled ticket",
            f"{name}'s place was cancelled. If they still want to join, register them as a "
            "walk-in if there is room.",
            person_name=name,
            registration_id=booking.id,
            code=code,
        )
    if booking.status is RegistrationStatus.WAITLISTED:
        return CheckInResult(
            Outcome.WAITLISTED,
            "On the waiting list",
            f"{name} is on the waiting list and has no confirmed place. Check with the "
            "organiser whether there is room before admitting them.",
            person_name=name,
            registration_id=booking.id,
            code=code,
        )
    if facts.earlier is not None:
        return CheckInResult(
            Outcome.ALREADY_CHECKED_IN,
            "Already checked in",
            f"{name} was checked in at {when_text(facts.earlier.at)} on {facts.earlier.laptop}.",
            access_needs=booking.access_needs,
            access_notes=booking.access_notes,
            check_in_id=facts.earlier.id,
            person_name=name,
            registration_id=booking.id,
            code=code,
        )
    detail = needs_line(booking.access_needs, booking.access_notes) or "Checked in."
    if searched and door_closed(event, facts.now):
        detail = "Recorded after the event (from the sign-in sheet). " + detail
    return CheckInResult(
        Outcome.ADMITTED,
        f"Welcome, {name}",
        detail,
        access_needs=booking.access_needs,
        access_notes=booking.access_notes,
        person_name=name,
        registration_id=booking.id,
        code=code,
        write=Write.CHECK_IN,
    )


def needs_line(needs: tuple[str, ...], notes: str) -> str:
    if not needs and not notes:
        return ""
    parts = [", ".join(needs)] if needs else []
    if notes:
        parts.append(notes)
    return "Access needs: " + "; ".join(parts)


def _refused(headline: str, detail: str) -> CheckInResult:
    return CheckInResult(Outcome.NOT_RECOGNISED, headline, detail)


def _wrong_event(other: OtherEvent | None, other_code: str | None) -> CheckInResult:
    if other is None:
        detail = (
            f"This ticket is for another event (code {other_code}) that this laptop does not "
            "know. Check the date on their ticket."
        )
    else:
        detail = f"This ticket is for “{other.title}”, {other.when}."
    return CheckInResult(Outcome.WRONG_EVENT, "Ticket for a different event", detail)


@dataclass
class RepeatFilter:
    """The same code scanned again within a few seconds counts once (a scanner double-read,
    or a parent holding the phone under the webcam)."""

    seconds: float = DEDUPE_SECONDS
    _last_code: str = ""
    _last_at: datetime | None = None

    def is_repeat(self, code: str, at: datetime) -> bool:
        key = code.strip().upper()
        repeat = (
            key == self._last_code
            and self._last_at is not None
            and at - self._last_at <= timedelta(seconds=self.seconds)
        )
        self._last_code, self._last_at = key, at
        return repeat
