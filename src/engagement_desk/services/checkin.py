"""The check-in desk: decide what a scanned code means, write it durably, undo, count.

A check-in is committed (SQLite synchronous=FULL) before the result is returned, so the
banner only turns green for a check-in that is already on disk.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from engagement_desk.core.checkin import Outcome, RepeatFilter, clean_scan, when_text
from engagement_desk.core.clock import Clock, format_when, system_clock
from engagement_desk.core.tickets import TicketReading, ticket_id_from_reference
from engagement_desk.db.database import Database
from engagement_desk.db.models import (
    CheckIn,
    Device,
    Event,
    Person,
    Registration,
    RegistrationStatus,
)
from engagement_desk.db.types import new_id
from engagement_desk.services import audit
from engagement_desk.services.devices import DeviceIdentity
from engagement_desk.services.errors import NotFound, UserError
from engagement_desk.services.events import EventService
from engagement_desk.services.tickets import TicketService

# The source of a registration made at the door for a genuine ticket not on this laptop's list.
UNLISTED_SOURCE = "door: valid ticket not on list"

# Built once, not per scan: every code at the door runs these, and building a statement
# (or loading ORM objects) costs more than running the query on SQLite.
_BOOKING = select(
    Registration.id,
    Registration.event_id,
    Registration.status,
    Registration.source,
    Person.full_name,
    Person.access_needs,
    Person.access_notes,
).outerjoin(Person, Person.id == Registration.person_id)
_BY_TICKET = _BOOKING.where(Registration.ticket_id == bindparam("ticket_id"))
_BY_REGISTRATION = _BOOKING.where(Registration.id == bindparam("registration_id"))
_LIVE_CHECK_IN = (
    select(CheckIn.id, CheckIn.checked_in_at, CheckIn.device_id)
    .where(CheckIn.registration_id == bindparam("registration_id"), CheckIn.undone_at.is_(None))
    .order_by(CheckIn.checked_in_at)
    .limit(1)
)
_ADD_CHECK_IN = insert(CheckIn.metadata.tables[CheckIn.__tablename__])


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


@dataclass(frozen=True)
class DeskCounts:
    expected: int
    checked_in: int
    walk_ins: int
    still_to_arrive: int
    capacity: int | None

    @property
    def room_left(self) -> int | None:
        return None if self.capacity is None else self.capacity - self.checked_in


@dataclass(frozen=True)
class RecentCheckIn:
    check_in_id: str
    registration_id: str
    person_name: str
    at: datetime
    method: str
    walk_in: bool
    device_name: str


@dataclass(frozen=True)
class _Booking:
    """A registration and the little about its person the door needs."""

    id: str
    event_id: str
    status: RegistrationStatus
    source: str
    full_name: str | None  # None once the person is erased, or for an anonymous walk-in
    access_needs: list[str] | None
    access_notes: str | None

    @property
    def name(self) -> str:
        return self.full_name if self.full_name is not None else _nameless(self.source)


def _booking(s: Session, statement: Any, **params: str) -> _Booking | None:
    row = s.execute(statement, params).first()
    return None if row is None else _Booking(*row)


@dataclass(frozen=True)
class _EventFacts:
    id: str
    short_code: str
    title: str
    capacity: int | None


class CheckInService:
    def __init__(
        self,
        db: Database,
        device: DeviceIdentity,
        events: EventService,
        tickets: TicketService,
        clock: Clock = system_clock,
    ) -> None:
        self._db = db
        self._device = device
        self._events = events
        self._tickets = tickets
        self._clock = clock
        self._repeats: dict[str, RepeatFilter] = {}
        self._last: dict[str, CheckInResult] = {}
        self._facts: dict[str, _EventFacts] = {}
        self._lock = threading.Lock()

    # ---- deciding ------------------------------------------------------

    def scan(self, event_ref: str, text: str, method: str = "scanner") -> CheckInResult:
        """One scanned or typed code at the door of ``event_ref``."""
        event = self._event(event_ref)
        code = clean_scan(text)
        with self._lock:
            repeats = self._repeats.setdefault(event.id, RepeatFilter())
            if code and repeats.is_repeat(code, self._clock()) and event.id in self._last:
                previous = self._last[event.id]
                if previous.code == code.upper():
                    return _repeated(previous)
            result = self._decide(event, code, method)
            self._last[event.id] = result
            return result

    def check_in_registration(
        self, event_ref: str, registration_id: str, method: str = "search"
    ) -> CheckInResult:
        """Check in someone found by name search (no code)."""
        event = self._event(event_ref)
        with self._db.session() as s, s.begin():
            booking = _booking(s, _BY_REGISTRATION, registration_id=registration_id)
            if booking is None or booking.event_id != event.id:
                raise NotFound("That registration is not for this event; search again.")
            return self._admit_known(s, event, booking, method, code="")

    def _decide(self, event: _EventFacts, code: str, method: str) -> CheckInResult:
        if not code:
            return _refused("Nothing was scanned.", "Scan the ticket again, or search by name.")
        reading = self._tickets.verify(code)
        if not reading.ok:
            typed_id = ticket_id_from_reference(code)
            if typed_id is None:
                return _not_recognised(reading)
            with self._db.session() as s, s.begin():
                booking = _booking(s, _BY_TICKET, ticket_id=typed_id)
                if booking is None:
                    return _refused(
                        "Ticket reference not found",
                        "No ticket has that reference. Check the letters, or search by name.",
                    )
                if booking.event_id != event.id:
                    return self._wrong_event(s, booking.event_id, None)
                return self._admit_known(s, event, booking, method, code=code.upper())
        assert reading.event_code is not None and reading.ticket_id is not None
        with self._db.session() as s, s.begin():
            if reading.event_code != event.short_code:
                return self._wrong_event(s, None, reading.event_code)
            booking = _booking(s, _BY_TICKET, ticket_id=reading.ticket_id)
            if booking is None:
                return self._admit_unlisted(s, event, reading, method, code.upper())
            return self._admit_known(s, event, booking, method, code=code.upper())

    def _admit_known(
        self, s: Session, event: _EventFacts, registration: _Booking, method: str, *, code: str
    ) -> CheckInResult:
        name = registration.name
        needs = tuple(registration.access_needs or ())
        notes = registration.access_notes or ""
        if registration.status is RegistrationStatus.CANCELLED:
            return CheckInResult(
                Outcome.CANCELLED,
                "Cancelled ticket",
                f"{name}'s place was cancelled. If they still want to join, register them as a "
                "walk-in if there is room.",
                person_name=name,
                registration_id=registration.id,
                code=code,
            )
        if registration.status is RegistrationStatus.WAITLISTED:
            return CheckInResult(
                Outcome.WAITLISTED,
                "On the waiting list",
                f"{name} is on the waiting list and has no confirmed place. Check with the "
                "organiser whether there is room before admitting them.",
                person_name=name,
                registration_id=registration.id,
                code=code,
            )
        existing = s.execute(_LIVE_CHECK_IN, {"registration_id": registration.id}).first()
        if existing is not None:
            laptop = "this laptop"
            if existing.device_id != self._device.id:
                other = s.get(Device, existing.device_id)
                laptop = other.name if other else "another laptop"
            return CheckInResult(
                Outcome.ALREADY_CHECKED_IN,
                "Already checked in",
                f"{name} was checked in at {when_text(existing.checked_in_at)} on {laptop}.",
                access_needs=needs,
                access_notes=notes,
                check_in_id=existing.id,
                person_name=name,
                registration_id=registration.id,
                code=code,
            )
        check_in_id = new_id()
        # A plain INSERT: the unit of work's bookkeeping for one new row costs more than
        # the row itself. Committed when the caller's transaction ends, before the result.
        s.execute(
            _ADD_CHECK_IN,
            {
                "id": check_in_id,
                "device_id": self._device.id,
                "registration_id": registration.id,
                "event_id": event.id,
                "checked_in_at": self._clock(),
                "method": method,
                "walk_in": False,
            },
        )
        return CheckInResult(
            Outcome.ADMITTED,
            f"Welcome, {name}",
            _needs_line(needs, notes) or "Checked in.",
            access_needs=needs,
            access_notes=notes,
            check_in_id=check_in_id,
            person_name=name,
            registration_id=registration.id,
            code=code,
        )

    def _admit_unlisted(
        self, s: Session, event: _EventFacts, reading: TicketReading, method: str, code: str
    ) -> CheckInResult:
        """A genuine ticket this laptop has no record of (registered after the pack was made)."""
        assert reading.ticket_id is not None
        registration = Registration(
            id=new_id(),
            device_id=self._device.id,
            event_id=event.id,
            person_id=None,
            status=RegistrationStatus.REGISTERED,
            ticket_id=reading.ticket_id,
            ticket_code=code,
            source=UNLISTED_SOURCE,
            registered_at=self._clock(),
        )
        s.add(registration)
        check_in = CheckIn(
            id=new_id(),
            device_id=self._device.id,
            registration_id=registration.id,
            event_id=event.id,
            checked_in_at=self._clock(),
            method=method,
        )
        s.add(check_in)
        audit.record(s, self._device.id, "admitted, not on list", "registration", registration.id)
        return CheckInResult(
            Outcome.ADMITTED_NOT_ON_LIST,
            "Admitted — not on this laptop's list",
            "The ticket is genuine but was issued after this laptop's list was made. Ask their "
            "name and any access needs, and note them for the organiser.",
            registration_id=registration.id,
            check_in_id=check_in.id,
            code=code,
        )

    def _wrong_event(
        self, s: Session, event_id: str | None, event_code: str | None
    ) -> CheckInResult:
        which = Event.id == event_id if event_id else Event.short_code == event_code
        other = s.scalar(select(Event).where(which))
        if other is None:
            detail = (
                f"This ticket is for another event (code {event_code}) that this laptop does not "
                "know. Check the date on their ticket."
            )
        else:
            when = format_when(other.starts_at, other.ends_at)
            detail = f"This ticket is for “{other.title}”, {when}."
        return CheckInResult(Outcome.WRONG_EVENT, "Ticket for a different event", detail)

    # ---- undo and reading ---------------------------------------------

    def undo(self, check_in_id: str) -> None:
        with self._db.session() as s, s.begin():
            check_in = s.get(CheckIn, check_in_id)
            if check_in is None:
                raise NotFound("That check-in no longer exists.")
            if check_in.undone_at is not None:
                raise UserError("That check-in was already undone.")
            check_in.undone_at = self._clock()
            check_in.undone_by_device = self._device.id
            audit.record(s, self._device.id, "check-in undone", "check_in", check_in.id)
        with self._lock:
            for key, result in list(self._last.items()):
                if result.check_in_id == check_in_id:
                    del self._last[key]
                    self._repeats.pop(key, None)

    def counts(self, event_ref: str) -> DeskCounts:
        event = self._event(event_ref)
        row = self._events.rows_for([event.id])[0]
        expected = row.registered - row.walk_ins
        return DeskCounts(
            expected=expected,
            checked_in=row.checked_in,
            walk_ins=row.walk_ins,
            still_to_arrive=max(expected - (row.checked_in - row.walk_ins), 0),
            capacity=row.capacity,
        )

    def recent(self, event_ref: str, limit: int = 8) -> list[RecentCheckIn]:
        event = self._event(event_ref)
        with self._db.session() as s:
            rows = s.execute(
                select(CheckIn, Person.full_name, Device.name, Registration.source)
                .join(Registration, Registration.id == CheckIn.registration_id)
                .outerjoin(Person, Person.id == Registration.person_id)
                .outerjoin(Device, Device.id == CheckIn.device_id)
                .where(CheckIn.event_id == event.id, CheckIn.undone_at.is_(None))
                .order_by(CheckIn.checked_in_at.desc())
                .limit(limit)
            ).all()
            return [
                RecentCheckIn(
                    check_in_id=c.id,
                    registration_id=c.registration_id,
                    person_name=name or _nameless(source),
                    at=c.checked_in_at,
                    method=c.method,
                    walk_in=c.walk_in,
                    device_name=device or "another laptop",
                )
                for c, name, device, source in rows
            ]

    def arrivals(self, event_ref: str, minutes: int = 15) -> list[tuple[datetime, int]]:
        """Check-ins per ``minutes`` interval, oldest first (for the arrivals chart)."""
        event = self._event(event_ref)
        with self._db.session() as s:
            times = s.scalars(
                select(CheckIn.checked_in_at)
                .where(CheckIn.event_id == event.id, CheckIn.undone_at.is_(None))
                .order_by(CheckIn.checked_in_at)
            ).all()
        buckets: dict[datetime, int] = {}
        for moment in times:
            start = moment.replace(
                minute=moment.minute - moment.minute % minutes, second=0, microsecond=0
            )
            buckets[start] = buckets.get(start, 0) + 1
        return sorted(buckets.items())

    def _event(self, event_ref: str) -> _EventFacts:
        facts = self._facts.get(event_ref)
        if facts is None:
            with self._db.session() as s:
                event = s.scalar(
                    select(Event).where(Event.id == self._events.resolve_id(event_ref))
                )
                assert event is not None
                facts = _EventFacts(event.id, event.short_code, event.title, event.capacity)
            self._facts[event_ref] = facts
            self._facts[event.id] = facts
        return facts


def _nameless(source: str) -> str:
    """Who a registration without a person is, from how it was made."""
    if source == UNLISTED_SOURCE:
        return "A ticket holder not on the list"
    if source == "walk-in":
        return "An anonymous walk-in"
    return "Someone whose details were erased"


def _needs_line(needs: tuple[str, ...], notes: str) -> str:
    if not needs and not notes:
        return ""
    parts = [", ".join(needs)] if needs else []
    if notes:
        parts.append(notes)
    return "Access needs: " + "; ".join(parts)


def _refused(headline: str, detail: str) -> CheckInResult:
    return CheckInResult(Outcome.NOT_RECOGNISED, headline, detail)


def _not_recognised(reading: TicketReading) -> CheckInResult:
    return CheckInResult(Outcome.NOT_RECOGNISED, "Code not recognised", reading.message)


def _repeated(previous: CheckInResult) -> CheckInResult:
    return CheckInResult(
        previous.outcome,
        previous.headline,
        previous.detail,
        person_name=previous.person_name,
        access_needs=previous.access_needs,
        access_notes=previous.access_notes,
        registration_id=previous.registration_id,
        check_in_id=previous.check_in_id,
        repeated=True,
        code=previous.code,
    )
