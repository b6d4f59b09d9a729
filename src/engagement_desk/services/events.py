"""Events and the schedule: create, edit, cancel, list, find by id or short code."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.interfaces import ORMOption

from engagement_desk.core.clock import Clock, system_clock, to_local, week_start
from engagement_desk.core.events import (
    AgendaDraft,
    EventDraft,
    VenueDraft,
    looks_like_short_code,
    new_short_code,
    validate_event,
    venue_access_summary,
)
from engagement_desk.core.validation import remove_control_characters
from engagement_desk.db.database import Database
from engagement_desk.db.models import (
    AgendaItem,
    CheckIn,
    Event,
    EventKind,
    EventStatus,
    Registration,
    RegistrationStatus,
    Venue,
)
from engagement_desk.services import audit
from engagement_desk.services.devices import DeviceIdentity
from engagement_desk.services.errors import NotFound, ValidationFailed
from engagement_desk.services.programmes import ProgrammeService

log = logging.getLogger(__name__)


class When(enum.StrEnum):
    UPCOMING = "upcoming"
    PAST = "past"
    ALL = "all"


@dataclass(frozen=True)
class VenueInfo:
    id: str
    name: str
    address: str
    postcode: str
    step_free: bool
    hearing_loop: bool
    parking: bool
    quiet_room: bool
    accessible_toilet: bool
    notes: str

    @property
    def access(self) -> list[str]:
        return venue_access_summary(self)

    def as_draft(self) -> VenueDraft:
        return VenueDraft(
            name=self.name,
            address=self.address,
            postcode=self.postcode,
            step_free=self.step_free,
            hearing_loop=self.hearing_loop,
            parking=self.parking,
            quiet_room=self.quiet_room,
            accessible_toilet=self.accessible_toilet,
            notes=self.notes,
        )


@dataclass(frozen=True)
class EventRow:
    """One line of the events list and the schedule."""

    id: str
    short_code: str
    title: str
    kind: EventKind
    status: EventStatus
    starts_at: datetime
    ends_at: datetime
    venue_name: str
    capacity: int | None
    registered: int
    waitlisted: int
    checked_in: int
    walk_ins: int

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.registered, 0)


@dataclass(frozen=True)
class EventDetail:
    id: str
    short_code: str
    status: EventStatus
    cancel_reason: str
    venue: VenueInfo | None
    draft: EventDraft


@dataclass(frozen=True)
class ScheduleWeek:
    week_commencing: date
    events: tuple[EventRow, ...]


def _venue_info(venue: Venue) -> VenueInfo:
    return VenueInfo(
        id=venue.id,
        name=venue.name,
        address=venue.address,
        postcode=venue.postcode,
        step_free=venue.step_free,
        hearing_loop=venue.hearing_loop,
        parking=venue.parking,
        quiet_room=venue.quiet_room,
        accessible_toilet=venue.accessible_toilet,
        notes=venue.notes,
    )


# Events starting together keep one order everywhere (lists, schedule, exports, databases).
_SOONEST_FIRST = (Event.starts_at, Event.title, Event.id)


class EventService:
    def __init__(
        self,
        db: Database,
        device: DeviceIdentity,
        programmes: ProgrammeService,
        clock: Clock = system_clock,
    ) -> None:
        self._db = db
        self._device = device
        self._programmes = programmes
        self._clock = clock
        # Told (before, after) once an edit or a cancellation is saved; the desk wires in
        # emailing the people booked. A listener's failure is logged, never undoes the edit.
        self.after_change: list[Callable[[EventDetail, EventDetail], object]] = []

    def _tell_changed(self, before: EventDetail, after: EventDetail) -> None:
        for listener in self.after_change:
            try:
                listener(before, after)
            except Exception:
                log.exception("a listener for event changes failed")

    # ---- reading -------------------------------------------------------

    def list_events(
        self, when: When = When.ALL, *, include_cancelled: bool = True
    ) -> list[EventRow]:
        now = self._clock()
        with self._db.session() as s:
            query = self._rows_query()
            if when is When.UPCOMING:
                query = query.where(Event.ends_at >= now).order_by(*_SOONEST_FIRST)
            elif when is When.PAST:
                query = query.where(Event.ends_at < now).order_by(
                    Event.starts_at.desc(), Event.title, Event.id
                )
            else:
                query = query.order_by(*_SOONEST_FIRST)
            if not include_cancelled:
                query = query.where(Event.status == EventStatus.SCHEDULED)
            return [self._row(r) for r in s.execute(query)]

    def rows_for(self, event_ids: Sequence[str]) -> list[EventRow]:
        with self._db.session() as s:
            query = self._rows_query().where(Event.id.in_(event_ids)).order_by(*_SOONEST_FIRST)
            return [self._row(r) for r in s.execute(query)]

    def schedule(self, weeks: int = 8, *, start: date | None = None) -> list[ScheduleWeek]:
        """The coming weeks at a glance: every week from this one, empty weeks included."""
        first = week_start(start or to_local(self._clock()).date())
        by_week: dict[date, list[EventRow]] = {first + timedelta(weeks=n): [] for n in range(weeks)}
        last = first + timedelta(weeks=weeks)
        for row in self.list_events(When.ALL):
            monday = week_start(to_local(row.starts_at).date())
            if first <= monday < last:
                by_week[monday].append(row)
        return [ScheduleWeek(monday, tuple(rows)) for monday, rows in by_week.items()]

    def get(self, reference: str) -> EventDetail:
        with self._db.session() as s:
            event = self._find(s, reference)
            return self._detail(event)

    def resolve_id(self, reference: str) -> str:
        with self._db.session() as s:
            return self._find(s, reference).id

    def venues(self) -> list[VenueInfo]:
        with self._db.session() as s:
            return [_venue_info(v) for v in s.scalars(select(Venue).order_by(Venue.name))]

    # ---- writing -------------------------------------------------------

    def create(self, draft: EventDraft) -> EventDetail:
        draft = _tidy(draft)
        problems = validate_event(draft)
        if problems:
            raise ValidationFailed(problems)
        programme_id = self._programmes.ensure_seeded()
        with self._db.session() as s, s.begin():
            event = Event(
                programme_id=programme_id,
                short_code=self._unused_short_code(s),
                title=draft.title,
                kind=EventKind(draft.kind),
                starts_at=draft.starts_at,
                ends_at=draft.ends_at,
            )
            self._apply(s, event, draft)
            s.add(event)
            s.flush()
            audit.record(s, self._device.id, "event created", "event", event.id, event.title)
            return self._detail(event)

    def update(self, event_id: str, draft: EventDraft) -> EventDetail:
        draft = _tidy(draft)
        problems = validate_event(draft)
        if problems:
            raise ValidationFailed(problems)
        with self._db.session() as s, s.begin():
            event = self._find(s, event_id)
            before = self._detail(event)
            event.title = draft.title
            event.kind = EventKind(draft.kind)
            event.starts_at = draft.starts_at
            event.ends_at = draft.ends_at
            self._apply(s, event, draft)
            s.flush()
            audit.record(s, self._device.id, "event edited", "event", event.id, event.title)
            after = self._detail(event)
        self._tell_changed(before, after)
        return after

    def cancel(self, reference: str, reason: str = "") -> EventDetail:
        with self._db.session() as s, s.begin():
            event = self._find(s, reference)
            before = self._detail(event)
            event.status = EventStatus.CANCELLED
            event.cancel_reason = reason.strip()
            audit.record(
                s, self._device.id, "event cancelled", "event", event.id, event.cancel_reason
            )
            after = self._detail(event)
        self._tell_changed(before, after)
        return after

    def reinstate(self, reference: str) -> EventDetail:
        with self._db.session() as s, s.begin():
            event = self._find(s, reference)
            event.status = EventStatus.SCHEDULED
            event.cancel_reason = ""
            audit.record(s, self._device.id, "event reinstated", "event", event.id)
            return self._detail(event)

    # ---- helpers -------------------------------------------------------

    @staticmethod
    def _rows_query() -> Select[Any]:
        active = and_(
            Registration.event_id == Event.id, Registration.status == RegistrationStatus.REGISTERED
        )
        registered = select(func.count(Registration.id)).where(active).scalar_subquery()
        waitlisted = (
            select(func.count(Registration.id))
            .where(
                Registration.event_id == Event.id,
                Registration.status == RegistrationStatus.WAITLISTED,
            )
            .scalar_subquery()
        )
        live = and_(CheckIn.event_id == Event.id, CheckIn.undone_at.is_(None))
        checked_in = (
            select(func.count(func.distinct(CheckIn.registration_id))).where(live).scalar_subquery()
        )
        walk_ins = (
            select(func.count(func.distinct(CheckIn.registration_id)))
            .where(live, CheckIn.walk_in.is_(True))
            .scalar_subquery()
        )
        return select(
            Event.id,
            Event.short_code,
            Event.title,
            Event.kind,
            Event.status,
            Event.starts_at,
            Event.ends_at,
            func.coalesce(Venue.name, "").label("venue_name"),
            Event.capacity,
            registered.label("registered"),
            waitlisted.label("waitlisted"),
            checked_in.label("checked_in"),
            walk_ins.label("walk_ins"),
        ).outerjoin(Venue, Venue.id == Event.venue_id)

    @staticmethod
    def _row(r) -> EventRow:  # type: ignore[no-untyped-def]
        return EventRow(
            id=r.id,
            short_code=r.short_code,
            title=r.title,
            kind=r.kind,
            status=r.status,
            starts_at=r.starts_at,
            ends_at=r.ends_at,
            venue_name=r.venue_name or "",
            capacity=r.capacity,
            registered=r.registered,
            waitlisted=r.waitlisted,
            checked_in=r.checked_in,
            walk_ins=r.walk_ins,
        )

    @staticmethod
    def _find(s: Session, reference: str) -> Event:
        return find_event(s, reference, selectinload(Event.agenda), selectinload(Event.venue))

    @staticmethod
    def _unused_short_code(s: Session) -> str:
        while True:
            code = new_short_code()
            if s.scalar(select(Event.id).where(Event.short_code == code)) is None:
                return code

    def _apply(self, s: Session, event: Event, draft: EventDraft) -> None:
        event.online_link = draft.online_link
        event.capacity = draft.capacity
        event.description = draft.description
        event.venue = self._venue_for(s, draft.venue) if draft.venue else None
        event.agenda.clear()
        s.flush()
        event.agenda.extend(
            AgendaItem(position=n, title=item.title, starts_at=item.starts_at, notes=item.notes)
            for n, item in enumerate(draft.agenda, start=1)
        )

    @staticmethod
    def _venue_for(s: Session, draft: VenueDraft) -> Venue:
        """The venue of that name, updated with the access details given; new if unknown."""
        venue = s.scalars(select(Venue).where(func.lower(Venue.name) == draft.name.lower())).first()
        if venue is None:
            venue = Venue(name=draft.name)
            s.add(venue)
        venue.address = draft.address
        venue.postcode = draft.postcode
        venue.step_free = draft.step_free
        venue.hearing_loop = draft.hearing_loop
        venue.parking = draft.parking
        venue.quiet_room = draft.quiet_room
        venue.accessible_toilet = draft.accessible_toilet
        venue.notes = draft.notes
        return venue

    @staticmethod
    def _detail(event: Event) -> EventDetail:
        venue = _venue_info(event.venue) if event.venue else None
        return EventDetail(
            id=event.id,
            short_code=event.short_code,
            status=event.status,
            cancel_reason=event.cancel_reason,
            venue=venue,
            draft=EventDraft(
                title=event.title,
                kind=event.kind.value,
                starts_at=event.starts_at,
                ends_at=event.ends_at,
                venue=venue.as_draft() if venue else None,
                online_link=event.online_link,
                capacity=event.capacity,
                description=event.description,
                agenda=[AgendaDraft(a.title, a.starts_at, a.notes) for a in event.agenda],
            ),
        )


def _tidy(draft: EventDraft) -> EventDraft:
    """Spaces tidied and control characters removed, however the text came in (typed,
    pasted, imported or from the command line)."""

    def line(text: str) -> str:
        return " ".join(remove_control_characters(text, keep_newlines=False).split())

    def block(text: str) -> str:
        return remove_control_characters(text).strip()

    venue = draft.venue
    if venue is not None:
        venue = replace(
            venue,
            name=line(venue.name),
            address=block(venue.address),
            postcode=line(venue.postcode).upper(),
            notes=block(venue.notes),
        )
        if not venue.name:
            venue = None
    return replace(
        draft,
        title=line(draft.title),
        online_link=line(draft.online_link),
        description=block(draft.description),
        venue=venue,
        agenda=[replace(a, title=line(a.title), notes=block(a.notes)) for a in draft.agenda],
    )


def find_event(s: Session, reference: str, *load: ORMOption) -> Event:
    """The event with this id or short code (any case, spaces around ignored), or NotFound
    with what to do. ``load``: loader options for what the caller reads next (its venue...).
    Every service finds events this way."""
    ref = reference.strip()
    conditions = [Event.id == ref]
    if looks_like_short_code(ref):
        conditions.append(Event.short_code == ref.upper())
    event = s.scalars(select(Event).options(*load).where(or_(*conditions))).first()
    if event is None:
        raise NotFound(
            f"No event has the id or short code '{ref}'. "
            "Run 'engagement-desk events list' to see them."
        )
    return event
