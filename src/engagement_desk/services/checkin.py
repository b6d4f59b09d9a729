"""The check-in desk: load the facts for a scanned code, let ``core.checkin.decide`` say what
they mean, write it durably; undo; count.

A check-in is committed (SQLite synchronous=FULL) before the result is returned, so the
banner only turns green for a check-in that is already on disk. The database allows one live
check-in per registration (a partial unique index), so when two doors admit the same ticket
at the same moment one of them wins and the other is told "already checked in" (when, which
laptop). The event's status is read for every decision: cancelling an event stops its door
at once, on every laptop sharing the database.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from engagement_desk.core.checkin import (
    Booking,
    CheckInResult,
    DoorEvent,
    DoorFacts,
    EarlierCheckIn,
    OtherEvent,
    RepeatFilter,
    Write,
    clean_scan,
    decide,
)
from engagement_desk.core.clock import Clock, format_when, system_clock
from engagement_desk.core.tickets import TicketReading, ticket_id_from_reference
from engagement_desk.db.database import Database
from engagement_desk.db.models import (
    AuditEntry,
    CheckIn,
    Device,
    Event,
    EventStatus,
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

__all__ = ["CheckInResult", "CheckInService", "DeskCounts", "RecentCheckIn", "UndoneCheckIn"]

# The source of a registration made at the door for a genuine ticket not on this laptop's list.
UNLISTED_SOURCE = "door: valid ticket not on list"
# Two doors racing for one ticket: the loser re-reads and is told who won. More than a few
# rounds would mean something other than a race; then the database error is raised.
_ATTEMPTS = 3


# Built once, not per scan: every code at the door runs these, and building a statement
# (or loading ORM objects) costs more than running the query on SQLite. One round trip
# reads the event as it is now, the booking the code points to and any live check-in.
def _facts_statement(booking_condition: Any) -> Any:
    return (
        select(
            Event.id,
            Event.short_code,
            Event.title,
            Event.status,
            Event.ends_at,
            Event.cancel_reason,
            Registration.id.label("booking_id"),
            Registration.event_id,
            Registration.status.label("booking_status"),
            Registration.source,
            Person.full_name,
            Person.access_needs,
            Person.access_notes,
            CheckIn.id.label("check_in_id"),
            CheckIn.checked_in_at,
            CheckIn.device_id,
            Device.name.label("device_name"),
        )
        .select_from(Event)
        .outerjoin(Registration, booking_condition)
        .outerjoin(Person, Person.id == Registration.person_id)
        .outerjoin(
            CheckIn, and_(CheckIn.registration_id == Registration.id, CheckIn.undone_at.is_(None))
        )
        .outerjoin(Device, Device.id == CheckIn.device_id)
        .where(Event.id == bindparam("event_id"))
        .order_by(CheckIn.checked_in_at)
        .limit(1)
    )


_BY_TICKET = _facts_statement(Registration.ticket_id == bindparam("ticket_id"))
_BY_REGISTRATION = _facts_statement(Registration.id == bindparam("registration_id"))
_ADD_CHECK_IN = insert(CheckIn.metadata.tables[CheckIn.__tablename__])
_ADD_REGISTRATION = insert(Registration.metadata.tables[Registration.__tablename__])
_ADD_AUDIT_ENTRY = insert(AuditEntry.metadata.tables[AuditEntry.__tablename__])


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
class UndoneCheckIn:
    check_in_id: str
    registration_id: str
    person_name: str


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
        self._event_ids: dict[str, str] = {}  # reference → id; ids never change
        self._lock = threading.Lock()

    # ---- deciding ------------------------------------------------------

    def scan(self, event_ref: str, text: str, method: str = "scanner") -> CheckInResult:
        """One scanned or typed code at the door of ``event_ref``."""
        event_id = self._event_id(event_ref)
        code = clean_scan(text)
        with self._lock:
            repeats = self._repeats.setdefault(event_id, RepeatFilter())
            if code and repeats.is_repeat(code, self._clock()) and event_id in self._last:
                previous = self._last[event_id]
                if previous.code == code.upper():
                    return replace(previous, repeated=True)
            result = self._scan(event_id, code, method)
            self._last[event_id] = result
            return result

    def check_in_registration(
        self, event_ref: str, registration_id: str, method: str = "search"
    ) -> CheckInResult:
        """Check in someone found by name search (no code)."""
        event_id = self._event_id(event_ref)
        for attempt in range(_ATTEMPTS):
            try:
                with self._db.engine.begin() as connection:
                    facts = self._load(
                        connection,
                        _BY_REGISTRATION,
                        event_id,
                        method,
                        "",
                        None,
                        None,
                        registration_id=registration_id,
                    )
                    if facts.booking is None or facts.booking.event_id != event_id:
                        raise NotFound("That registration is not for this event; search again.")
                    return self._carry_out(connection, facts, None)
            except IntegrityError:
                if attempt == _ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _scan(self, event_id: str, code: str, method: str) -> CheckInResult:
        reading = self._tickets.verify(code) if code else None
        typed = None
        if reading is not None and not reading.ok:
            typed = ticket_id_from_reference(code)
        ticket_id = reading.ticket_id if reading is not None and reading.ok else typed
        if reading is None:  # nothing scanned: the decision still reads the event
            reading = TicketReading(False, None, None, None, "")
        for attempt in range(_ATTEMPTS):
            try:
                with self._db.engine.begin() as connection:
                    facts = self._load(
                        connection,
                        _BY_TICKET,
                        event_id,
                        method,
                        code,
                        reading,
                        typed,
                        ticket_id=ticket_id or "",
                    )
                    return self._carry_out(connection, facts, reading)
            except IntegrityError:
                # Another door admitted this ticket (or registered this unlisted ticket) a
                # moment ago: read again, and the decision says who was first.
                if attempt == _ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _load(
        self,
        s: Connection,
        statement: Any,
        event_id: str,
        method: str,
        code: str,
        reading: TicketReading | None,
        typed: str | None,
        **params: str,
    ) -> DoorFacts:
        row = s.execute(statement, {"event_id": event_id, **params}).first()
        if row is None:
            raise NotFound("That event no longer exists on this laptop.")
        event = DoorEvent(
            id=row.id,
            short_code=row.short_code,
            title=row.title,
            cancelled=row.status is EventStatus.CANCELLED,
            ends_at=row.ends_at,
            cancel_reason=row.cancel_reason or "",
        )
        booking = None
        if row.booking_id is not None:
            booking = Booking(
                id=row.booking_id,
                event_id=row.event_id,
                status=row.booking_status,
                name=row.full_name if row.full_name is not None else _nameless(row.source),
                access_needs=tuple(row.access_needs or ()),
                access_notes=row.access_notes or "",
            )
        earlier = None
        if row.check_in_id is not None:
            laptop = "this laptop"
            if row.device_id != self._device.id:
                laptop = row.device_name or "another laptop"
            earlier = EarlierCheckIn(row.check_in_id, row.checked_in_at, laptop)
        other_code = None
        other = None
        if reading is not None and reading.ok and reading.event_code != event.short_code:
            other_code = reading.event_code
            other = _other_event(s, Event.short_code == other_code)
        elif booking is not None and booking.event_id != event_id:
            other = _other_event(s, Event.id == booking.event_id)
        return DoorFacts(
            event=event,
            now=self._clock(),
            method=method,
            code=code,
            reading=reading,
            typed_reference=typed,
            booking=booking,
            earlier=earlier,
            other_event=other,
            other_event_code=other_code,
        )

    def _carry_out(
        self, s: Connection, facts: DoorFacts, reading: TicketReading | None
    ) -> CheckInResult:
        result = decide(facts)
        if result.write is Write.CHECK_IN:
            assert result.registration_id is not None
            check_in_id = self._add_check_in(s, facts, result.registration_id)
            return replace(result, check_in_id=check_in_id, write=Write.NOTHING)
        if result.write is Write.REGISTER_AND_CHECK_IN:
            assert reading is not None and reading.ticket_id is not None
            registration_id = new_id()
            s.execute(
                _ADD_REGISTRATION,
                {
                    "id": registration_id,
                    "device_id": self._device.id,
                    "event_id": facts.event.id,
                    "person_id": None,
                    "status": RegistrationStatus.REGISTERED,
                    "ticket_id": reading.ticket_id,
                    "ticket_code": result.code,
                    "source": UNLISTED_SOURCE,
                    "registered_at": facts.now,
                },
            )
            check_in_id = self._add_check_in(s, facts, registration_id)
            s.execute(
                _ADD_AUDIT_ENTRY,
                {
                    "device_id": self._device.id,
                    "action": "admitted, not on list",
                    "entity": "registration",
                    "entity_id": registration_id,
                },
            )
            return replace(
                result,
                registration_id=registration_id,
                check_in_id=check_in_id,
                write=Write.NOTHING,
            )
        return result

    def _add_check_in(self, s: Connection, facts: DoorFacts, registration_id: str) -> str:
        check_in_id = new_id()
        # A plain INSERT: the unit of work's bookkeeping for one new row costs more than
        # the row itself. Committed when the caller's transaction ends, before the result.
        # The partial unique index refuses a second live check-in (IntegrityError).
        s.execute(
            _ADD_CHECK_IN,
            {
                "id": check_in_id,
                "device_id": self._device.id,
                "registration_id": registration_id,
                "event_id": facts.event.id,
                "checked_in_at": facts.now,
                "method": facts.method,
                "walk_in": False,
            },
        )
        return check_in_id

    # ---- undo and reading ---------------------------------------------

    def undo(self, check_in_id: str) -> UndoneCheckIn:
        with self._db.session() as s, s.begin():
            check_in = s.get(CheckIn, check_in_id)
            if check_in is None:
                raise NotFound("That check-in no longer exists.")
            if check_in.undone_at is not None:
                raise UserError("That check-in was already undone.")
            check_in.undone_at = self._clock()
            check_in.undone_by_device = self._device.id
            audit.record(s, self._device.id, "check-in undone", "check_in", check_in.id)
            who = s.execute(
                select(Person.full_name, Registration.source)
                .select_from(Registration)
                .outerjoin(Person, Person.id == Registration.person_id)
                .where(Registration.id == check_in.registration_id)
            ).one()
            undone = UndoneCheckIn(
                check_in.id,
                check_in.registration_id,
                who.full_name if who.full_name is not None else _nameless(who.source),
            )
        with self._lock:
            for key, result in list(self._last.items()):
                if result.check_in_id == check_in_id:
                    del self._last[key]
                    self._repeats.pop(key, None)
        return undone

    def counts(self, event_ref: str) -> DeskCounts:
        event_id = self._event_id(event_ref)
        row = self._events.rows_for([event_id])[0]
        expected = row.registered - row.walk_ins
        return DeskCounts(
            expected=expected,
            checked_in=row.checked_in,
            walk_ins=row.walk_ins,
            still_to_arrive=max(expected - (row.checked_in - row.walk_ins), 0),
            capacity=row.capacity,
        )

    def recent(self, event_ref: str, limit: int = 8) -> list[RecentCheckIn]:
        event_id = self._event_id(event_ref)
        with self._db.session() as s:
            rows = s.execute(
                select(CheckIn, Person.full_name, Device.name, Registration.source)
                .join(Registration, Registration.id == CheckIn.registration_id)
                .outerjoin(Person, Person.id == Registration.person_id)
                .outerjoin(Device, Device.id == CheckIn.device_id)
                .where(CheckIn.event_id == event_id, CheckIn.undone_at.is_(None))
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
        event_id = self._event_id(event_ref)
        with self._db.session() as s:
            times = s.scalars(
                select(CheckIn.checked_in_at)
                .where(CheckIn.event_id == event_id, CheckIn.undone_at.is_(None))
                .order_by(CheckIn.checked_in_at)
            ).all()
        buckets: dict[datetime, int] = {}
        for moment in times:
            start = moment.replace(
                minute=moment.minute - moment.minute % minutes, second=0, microsecond=0
            )
            buckets[start] = buckets.get(start, 0) + 1
        return sorted(buckets.items())

    def _event_id(self, event_ref: str) -> str:
        """The event's id (looked up once per reference: an id never changes, but nothing
        else about the event is kept, so a cancellation takes effect at the next scan)."""
        event_id = self._event_ids.get(event_ref)
        if event_id is None:
            event_id = self._events.resolve_id(event_ref)
            self._event_ids[event_ref] = event_id
        return event_id


def _other_event(s: Connection, which: Any) -> OtherEvent | None:
    row = s.execute(select(Event.title, Event.starts_at, Event.ends_at).where(which)).first()
    return None if row is None else OtherEvent(row.title, format_when(row.starts_at, row.ends_at))


def _nameless(source: str) -> str:
    """Who a registration without a person is, from how it was made."""
    if source == UNLISTED_SOURCE:
        return "A ticket holder not on the list"
    if source == "walk-in":
        return "An anonymous walk-in"
    return "Someone whose details were erased"
