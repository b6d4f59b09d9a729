"""People and registrations: sign-up, the waiting list, walk-ins and search.

Privacy requests (export, erasure, the retention purge) are in services/privacy.py.

One person per email address: registering again with the same email finds the same person,
and registering twice for the same event gives back the first registration. Without an email,
the same name with the same phone number is the same person; a name alone is not enough
(two parents can share a name).

Places beyond an event's capacity go on its waiting list, in order. Cancelling a place
revokes its ticket code (the check-in desk refuses cancelled codes) and offers the place to
the next person waiting, minting their code.
"""

from __future__ import annotations

import enum
import functools
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Select,
    Text,
    bindparam,
    exists,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from engagement_desk.core.clock import Clock, system_clock
from engagement_desk.core.events import Problem
from engagement_desk.core.people import (
    DEFAULT_ROLE,
    NO_CONSENT_TO_STORE,
    PersonDraft,
    apply_consents,
    fold,
    merge_person,
    normalise_email,
    search_text,
    tidy_person,
    validate_person,
)
from engagement_desk.core.tickets import (
    TICKET_ID_LENGTH,
    mint_ticket,
    new_ticket_id,
    ticket_id_from_reference,
    ticket_reference,
)
from engagement_desk.db.database import Database
from engagement_desk.db.models import (
    CheckIn,
    Event,
    EventStatus,
    Person,
    Registration,
    RegistrationStatus,
)
from engagement_desk.services import audit
from engagement_desk.services.devices import DeviceIdentity
from engagement_desk.services.errors import NotFound, UserError, ValidationFailed
from engagement_desk.services.events import find_event as _find_event
from engagement_desk.services.tickets import TicketService

log = logging.getLogger(__name__)

ERASED_TEXT = "[removed at the person's request]"
SEARCH_LIMIT = 200


class PeopleFilter(enum.StrEnum):
    """The People page's status filter. 'registered' means has a place, not yet arrived."""

    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    CHECKED_IN = "checked in"


@dataclass(frozen=True)
class RegistrationInfo:
    """One registration as the desk reports it back. ``name`` is empty for an anonymous walk-in."""

    id: str
    person_id: str | None
    event_id: str
    event_code: str
    event_title: str
    name: str
    email: str | None
    status: RegistrationStatus
    ticket_id: str
    ticket_code: str | None
    waitlist_position: int | None
    checked_in: bool
    already_registered: bool = False

    @property
    def reference(self) -> str:
        return ticket_reference(self.ticket_id)

    @property
    def message(self) -> str:
        """What happened, in plain words, for a status bar or the command line."""
        who = self.name or "An anonymous walk-in"
        if self.already_registered:
            prefix = f"{who} was already registered for {self.event_title}"
            if self.status is RegistrationStatus.WAITLISTED:
                return f"{prefix}, and is number {self.waitlist_position} on the waiting list."
            if self.checked_in:
                return f"{prefix}, and is checked in."
            return f"{prefix}; nothing new was added."
        if self.status is RegistrationStatus.WAITLISTED:
            return (
                f"{self.event_title} is full: {who} is number {self.waitlist_position} on the "
                "waiting list."
            )
        if self.status is RegistrationStatus.CANCELLED:
            return f"{who}'s place at {self.event_title} is cancelled."
        if self.checked_in:
            return f"{who} is registered for {self.event_title} and checked in."
        return f"{who} is registered for {self.event_title}."


@dataclass(frozen=True)
class CancelResult:
    cancelled: RegistrationInfo
    promoted: tuple[RegistrationInfo, ...]
    waiting: int = 0  # still on the waiting list afterwards


@dataclass(frozen=True)
class PersonRow:
    """One line of the People list: a registration and who it is for."""

    registration_id: str
    person_id: str
    event_id: str
    event_code: str
    name: str
    email: str | None
    status: RegistrationStatus
    checked_in: bool
    ticket_id: str
    ticket_code: str | None
    waitlist_position: int | None
    access_needs: tuple[str, ...]

    @property
    def status_label(self) -> str:
        if self.checked_in and self.status is RegistrationStatus.REGISTERED:
            return "checked in"
        if self.status is RegistrationStatus.WAITLISTED and self.waitlist_position:
            return f"waitlisted ({self.waitlist_position})"
        return self.status.value


@dataclass(frozen=True)
class PersonDetail:
    id: str
    draft: PersonDraft
    created_at: datetime


class RegistrationService:
    def __init__(
        self,
        db: Database,
        device: DeviceIdentity,
        tickets: TicketService,
        clock: Clock = system_clock,
    ) -> None:
        self._db = db
        self._device = device
        self._tickets = tickets
        self._clock = clock
        # Told the ids of registrations given a place from the waiting list, once that is
        # saved (the desk wires in emailing their tickets). A listener's failure is logged,
        # never undoes the change: tickets not yet sent are found by the next send.
        self.after_promotion: list[Callable[[list[str]], object]] = []

    def _tell_promoted(self, registration_ids: list[str]) -> None:
        for listener in self.after_promotion if registration_ids else ():
            try:
                listener(registration_ids)
            except Exception:
                log.exception("a listener for promotions from the waiting list failed")

    # ---- signing up ----------------------------------------------------

    def register(
        self, event_ref: str, draft: PersonDraft, source: str = "manual"
    ) -> RegistrationInfo:
        """Book a place (or a waiting-list place when full). The same email twice is one
        person, and the same person twice for one event is one registration."""
        draft = self._checked(draft)
        with self._db.session() as s, s.begin():
            event = open_event(s, event_ref)
            person = _matching_person(s, draft)
            if person is None:
                person = self._new_person(s, draft)
            else:
                _apply(person, merge_person(draft_of(person), draft), self._changed_now())
            existing = _active_registration(s, event.id, person.id)
            if existing is not None:
                return _info(s, existing, already=True)
            registration = self._new_registration(s, event, person.id, source)
            audit.record(
                s,
                self._device.id,
                "registered"
                if registration.status is RegistrationStatus.REGISTERED
                else "waitlisted",
                "registration",
                registration.id,
                f"event {event.short_code}, person {person.id}, source {source}",
            )
            return _info(s, registration)

    def walk_in(
        self,
        event_ref: str,
        name: str,
        email: str | None = None,
        *,
        consent_store: bool = True,
        postcode: str = "",
        role: str = DEFAULT_ROLE,
        access_needs: Sequence[str] = (),
    ) -> RegistrationInfo:
        """Register someone at the door and check them in at once.

        Without ``consent_store`` nothing about them is kept: an anonymous registration is
        checked in so they are still counted. A walk-in may take the event over capacity:
        they are here.
        """
        draft: PersonDraft | None = None
        if consent_store:
            draft = self._checked(
                PersonDraft(
                    full_name=name,
                    email=email,
                    postcode=postcode,
                    role=role,
                    access_needs=tuple(access_needs),
                    consent_store=True,
                )
            )
        with self._db.session() as s, s.begin():
            event = open_event(s, event_ref)
            person_id: str | None = None
            registration: Registration | None = None
            if draft is not None:
                person = _matching_person(s, draft)
                if person is None:
                    person = self._new_person(s, draft)
                else:
                    _apply(person, merge_person(draft_of(person), draft), self._changed_now())
                person_id = person.id
                registration = _active_registration(s, event.id, person.id)
            if registration is not None:
                # Already booked: check them in on their own registration.
                if _is_checked_in(s, registration.id):
                    return _info(s, registration, already=True)
                walked_in = registration.status is RegistrationStatus.WAITLISTED
                if walked_in:
                    self._make_registered(s, event, registration)
                self._check_in(s, registration, walk_in=walked_in)
                _renumber_waitlist(s, event.id)
                return _info(s, registration)
            registration = self._new_registration(
                s, event, person_id, "walk-in", always_a_place=True
            )
            self._check_in(s, registration, walk_in=True)
            audit.record(
                s,
                self._device.id,
                "walk-in",
                "registration",
                registration.id,
                f"event {event.short_code}, person {person_id or 'anonymous'}",
            )
            return _info(s, registration)

    # ---- cancelling and the waiting list -------------------------------

    def cancel(self, event_ref: str, code_or_registration_id: str) -> CancelResult:
        """Cancel a place (its ticket code stops working) and offer it to the next person
        waiting. ``code_or_registration_id`` may be the QR code, the printed reference, the
        registration id or the person's email address."""
        with self._db.session() as s, s.begin():
            event = _find_event(s, event_ref)
            registration = _find_registration(s, event, code_or_registration_id)
            if registration.status is RegistrationStatus.CANCELLED:
                raise UserError(f"{_who(registration)}'s place was already cancelled.")
            if _is_checked_in(s, registration.id):
                raise UserError(
                    f"{_who(registration)} has already checked in. Undo the check-in first "
                    "if they were checked in by mistake."
                )
            had_place = registration.status is RegistrationStatus.REGISTERED
            registration.status = RegistrationStatus.CANCELLED
            registration.cancelled_at = self._clock()
            registration.waitlist_position = None
            s.flush()
            audit.record(
                s, self._device.id, "registration cancelled", "registration", registration.id
            )
            promoted: list[Registration] = []
            if had_place and event.status is EventStatus.SCHEDULED:
                promoted = self._fill_places(s, event)
            _renumber_waitlist(s, event.id)
            result = CancelResult(
                cancelled=_info(s, registration),
                promoted=tuple(_info(s, r) for r in promoted),
                waiting=_waiting_count(s, event.id),
            )
        self._tell_promoted([p.id for p in result.promoted])
        return result

    def promote(self, registration_id: str) -> RegistrationInfo:
        """Give a waiting-list place a real one by hand, even beyond capacity."""
        with self._db.session() as s, s.begin():
            registration = s.get(Registration, registration_id)
            if registration is None:
                raise NotFound(f"No registration has the id '{registration_id}'.")
            if registration.status is not RegistrationStatus.WAITLISTED:
                raise UserError(
                    f"{_who(registration)} is not on the waiting list "
                    f"(their registration is {registration.status.value})."
                )
            event = registration.event
            if event.status is EventStatus.CANCELLED:
                raise UserError(_cancelled_event_message(event))
            self._make_registered(s, event, registration)
            audit.record(s, self._device.id, "promoted by hand", "registration", registration.id)
            _renumber_waitlist(s, event.id)
            info = _info(s, registration)
        self._tell_promoted([info.id])
        return info

    # ---- reading -------------------------------------------------------

    def registration(self, registration_id: str) -> RegistrationInfo:
        with self._db.session() as s:
            registration = s.get(Registration, registration_id)
            if registration is None:
                raise NotFound(f"No registration has the id '{registration_id}'.")
            return _info(s, registration)

    def search(
        self,
        event_ref: str | None,
        text: str = "",
        status: PeopleFilter | None = None,
        limit: int | None = SEARCH_LIMIT,
    ) -> list[PersonRow]:
        """Registrations whose person's name or email contains ``text`` (any case, accents
        ignored), or whose ticket reference starts with it, or whose QR code it is."""
        with self._db.session() as s:
            event_id = _find_event(s, event_ref).id if event_ref else None
            return _search(s, event_id, text, status, limit)

    def list_people(self, event_ref: str | None = None) -> list[PersonRow]:
        """Every registration with a person (those of erased people are left out)."""
        with self._db.session() as s:
            event_id = _find_event(s, event_ref).id if event_ref else None
            query = _rows_query(event_id, None).order_by(
                Event.starts_at, Person.search_text, Registration.registered_at
            )
            return [_row(r) for r in s.execute(query)]

    def person(self, person_ref: str) -> PersonDetail:
        with self._db.session() as s:
            person = find_person(s, person_ref)
            return PersonDetail(person.id, draft_of(person), person.created_at)

    def update_person(self, person_id: str, draft: PersonDraft) -> PersonDetail:
        draft = self._checked(draft)
        with self._db.session() as s, s.begin():
            person = find_person(s, person_id)
            if draft.email and draft.email != person.email:
                other = s.scalar(
                    select(Person.id).where(Person.email == draft.email, Person.id != person.id)
                )
                if other is not None:
                    raise UserError(
                        f"Someone else already has the email {draft.email}. "
                        "Search for them instead of changing this person's email."
                    )
            _apply(person, draft, self._changed_now())
            audit.record(s, self._device.id, "person edited", "person", person.id)
            return PersonDetail(person.id, draft_of(person), person.created_at)

    # ---- privacy (see services/privacy.py) -------------------------------

    def give_up_upcoming(self, s: Session, person_id: str) -> int:
        """Cancel a person's places at events still to come, inside the caller's transaction
        (an erasure: no one could claim a nameless booking), offering them to the waiting list.
        Places of people already checked in stand. How many were cancelled."""
        now = self._clock()
        active = list(
            s.scalars(
                select(Registration)
                .join(Event, Event.id == Registration.event_id)
                .where(
                    Registration.person_id == person_id,
                    Registration.status != RegistrationStatus.CANCELLED,
                    Event.ends_at > now,
                )
            )
        )
        for registration in active:
            had_place = registration.status is RegistrationStatus.REGISTERED
            if _is_checked_in(s, registration.id):
                continue  # they came: the attendance stands
            registration.status = RegistrationStatus.CANCELLED
            registration.cancelled_at = now
            registration.waitlist_position = None
            s.flush()
            audit.record(
                s, self._device.id, "registration cancelled", "registration", registration.id
            )
            event = registration.event
            if had_place and event.status is EventStatus.SCHEDULED:
                self._fill_places(s, event)
            _renumber_waitlist(s, event.id)
        return sum(1 for r in active if r.status is RegistrationStatus.CANCELLED)

    # ---- helpers -------------------------------------------------------

    def _checked(self, draft: PersonDraft) -> PersonDraft:
        draft = tidy_person(draft)
        problems = validate_person(draft)
        if not draft.consent_store:
            problems.append(Problem("consent_store", NO_CONSENT_TO_STORE))
        if problems:
            raise ValidationFailed(problems)
        return apply_consents(draft)

    def _changed_now(self) -> tuple[datetime, str]:
        """When and where a change to someone's details is made, to note on each field."""
        return self._clock(), self._device.id

    def _new_person(self, s: Session, draft: PersonDraft) -> Person:
        person = Person(device_id=self._device.id, full_name=draft.full_name)
        _apply(person, draft)
        s.add(person)
        s.flush()
        return person

    def _new_registration(
        self,
        s: Session,
        event: Event,
        person_id: str | None,
        source: str,
        *,
        always_a_place: bool = False,
    ) -> Registration:
        registration = Registration(
            device_id=self._device.id,
            event_id=event.id,
            person_id=person_id,
            ticket_id=new_ticket_id(),
            source=source,
            registered_at=self._clock(),
        )
        full = event.capacity is not None and _registered_count(s, event.id) >= event.capacity
        if full and not always_a_place:
            registration.status = RegistrationStatus.WAITLISTED
            registration.waitlist_position = _last_waitlist_position(s, event.id) + 1
        else:
            registration.status = RegistrationStatus.REGISTERED
            registration.ticket_code = self._mint(s, event, registration.ticket_id)
        s.add(registration)
        s.flush()
        return registration

    def _mint(self, s: Session, event: Event, ticket_id: str) -> str | None:
        """A signed code, or None on a laptop that can only check tickets (the office copy
        mints it later, when it prints tickets)."""
        keys = self._tickets.keys_in(s, event.programme_id)
        if keys.private_key is None:
            return None
        return mint_ticket(keys.private_key, event.short_code, ticket_id)

    def _make_registered(self, s: Session, event: Event, registration: Registration) -> None:
        registration.status = RegistrationStatus.REGISTERED
        registration.waitlist_position = None
        if registration.ticket_code is None:
            registration.ticket_code = self._mint(s, event, registration.ticket_id)
        s.flush()

    def _fill_places(self, s: Session, event: Event) -> list[Registration]:
        """Offer free places to the people waiting, first come first served."""
        promoted: list[Registration] = []
        while event.capacity is None or _registered_count(s, event.id) < event.capacity:
            waiting = s.scalars(
                select(Registration)
                .where(
                    Registration.event_id == event.id,
                    Registration.status == RegistrationStatus.WAITLISTED,
                )
                .order_by(Registration.waitlist_position, Registration.registered_at)
                .limit(1)
            ).first()
            if waiting is None:
                break
            self._make_registered(s, event, waiting)
            audit.record(
                s, self._device.id, "promoted from waiting list", "registration", waiting.id
            )
            promoted.append(waiting)
        return promoted

    def _check_in(self, s: Session, registration: Registration, *, walk_in: bool) -> None:
        s.add(
            CheckIn(
                device_id=self._device.id,
                registration_id=registration.id,
                event_id=registration.event_id,
                checked_in_at=self._clock(),
                method="walk-in" if walk_in else "search",
                walk_in=walk_in,
            )
        )
        s.flush()


# ---- queries ---------------------------------------------------------------


def _cancelled_event_message(event: Event) -> str:
    return (
        f"'{event.title}' ({event.short_code}) is cancelled, so no one can register for it. "
        "Reinstate the event first if it is going ahead."
    )


def open_event(s: Session, reference: str) -> Event:
    event = _find_event(s, reference)
    if event.status is EventStatus.CANCELLED:
        raise UserError(_cancelled_event_message(event))
    return event


def find_person(s: Session, reference: str) -> Person:
    ref = reference.strip()
    email = normalise_email(ref)
    if "@" in ref and email:
        people = list(s.scalars(select(Person).where(Person.email == email).limit(5)))
        if len(people) > 1:
            ids = ", ".join(p.id for p in people)
            raise UserError(
                f"More than one person has the email {email}; give one of their ids: {ids}."
            )
        if people:
            return people[0]
        raise NotFound(f"No one has the email address {email}.")
    person = s.get(Person, ref)
    if person is None:
        raise NotFound(
            f"No person has the id '{ref}'. Give their id (from 'people list') or email address."
        )
    return person


def _matching_person(s: Session, draft: PersonDraft) -> Person | None:
    if draft.email:
        return s.scalars(
            select(Person).where(Person.email == draft.email).order_by(Person.created_at).limit(1)
        ).first()
    if draft.phone:
        folded = fold(draft.full_name)
        for person in s.scalars(
            select(Person).where(Person.phone == draft.phone, Person.email.is_(None))
        ):
            if fold(person.full_name) == folded:
                return person
    return None


def _active_registration(s: Session, event_id: str, person_id: str) -> Registration | None:
    return s.scalars(
        select(Registration)
        .where(
            Registration.event_id == event_id,
            Registration.person_id == person_id,
            Registration.status != RegistrationStatus.CANCELLED,
        )
        .order_by(Registration.registered_at)
        .limit(1)
    ).first()


def _find_registration(s: Session, event: Event, reference: str) -> Registration:
    ref = reference.strip()
    in_event = select(Registration).where(Registration.event_id == event.id)
    conditions = [Registration.id == ref]
    upper = ref.upper()
    parts = upper.split("-")
    if len(parts) == 4 and len(parts[2]) == TICKET_ID_LENGTH:
        conditions += [Registration.ticket_code == upper, Registration.ticket_id == parts[2]]
    ticket_id = ticket_id_from_reference(ref)
    if ticket_id is not None:
        conditions.append(Registration.ticket_id == ticket_id)
    if "@" in ref:
        email = normalise_email(ref)
        person_ids = select(Person.id).where(Person.email == email).scalar_subquery()
        conditions.append(Registration.person_id.in_(person_ids))
    found = list(
        s.scalars(in_event.where(or_(*conditions)).order_by(Registration.registered_at.desc()))
    )
    active = [r for r in found if r.status is not RegistrationStatus.CANCELLED]
    if active or found:
        return (active or found)[0]
    elsewhere = s.scalar(select(Event.short_code).join(Registration).where(or_(*conditions)))
    if elsewhere is not None:
        raise NotFound(f"That ticket is for another event ({elsewhere}), not {event.short_code}.")
    raise NotFound(
        f"No registration for {event.short_code} matches '{ref}'. Give the ticket code, the "
        "printed ticket reference, or the person's email address."
    )


def _registered_count(s: Session, event_id: str) -> int:
    return (
        s.scalar(
            select(func.count(Registration.id)).where(
                Registration.event_id == event_id,
                Registration.status == RegistrationStatus.REGISTERED,
            )
        )
        or 0
    )


def _waiting_count(s: Session, event_id: str) -> int:
    return (
        s.scalar(
            select(func.count(Registration.id)).where(
                Registration.event_id == event_id,
                Registration.status == RegistrationStatus.WAITLISTED,
            )
        )
        or 0
    )


def _last_waitlist_position(s: Session, event_id: str) -> int:
    return (
        s.scalar(
            select(func.max(Registration.waitlist_position)).where(
                Registration.event_id == event_id,
                Registration.status == RegistrationStatus.WAITLISTED,
            )
        )
        or 0
    )


def _renumber_waitlist(s: Session, event_id: str) -> None:
    """Waiting-list numbers 1, 2, 3... in the order people joined it."""
    waiting = s.scalars(
        select(Registration)
        .where(
            Registration.event_id == event_id,
            Registration.status == RegistrationStatus.WAITLISTED,
        )
        .order_by(Registration.waitlist_position, Registration.registered_at)
    )
    for number, registration in enumerate(waiting, start=1):
        if registration.waitlist_position != number:
            registration.waitlist_position = number
    s.flush()


def _live_check_in(registration_id: Any) -> Any:
    return exists().where(CheckIn.registration_id == registration_id, CheckIn.undone_at.is_(None))


def _is_checked_in(s: Session, registration_id: str) -> bool:
    return bool(s.scalar(select(_live_check_in(registration_id))))


def _who(registration: Registration) -> str:
    return registration.person.full_name if registration.person else "This anonymous walk-in"


def _info(s: Session, registration: Registration, *, already: bool = False) -> RegistrationInfo:
    person = registration.person
    event = registration.event
    return RegistrationInfo(
        id=registration.id,
        person_id=registration.person_id,
        event_id=event.id,
        event_code=event.short_code,
        event_title=event.title,
        name=person.full_name if person else "",
        email=person.email if person else None,
        status=registration.status,
        ticket_id=registration.ticket_id,
        ticket_code=registration.ticket_code,
        waitlist_position=registration.waitlist_position,
        checked_in=_is_checked_in(s, registration.id),
        already_registered=already,
    )


def _rows_query(event_id: Any, status: PeopleFilter | None) -> Select[Any]:
    """Registrations with their person and event, for lists; ``event_id`` may be a bind."""
    checked_in = _live_check_in(Registration.id)
    query = (
        select(
            Registration.id,
            Registration.person_id,
            Registration.event_id,
            Event.short_code,
            Person.full_name,
            Person.email,
            Registration.status,
            checked_in.label("checked_in"),
            Registration.ticket_id,
            Registration.ticket_code,
            Registration.waitlist_position,
            # As stored: most people have no access needs ('[]'), and decoding JSON and
            # datetimes for 200 rows per keystroke is most of a search's time.
            type_coerce(Person.access_needs, Text).label("access_needs"),
            type_coerce(Event.starts_at, Text).label("starts_at"),
        )
        .join(Person, Person.id == Registration.person_id)
        .join(Event, Event.id == Registration.event_id)
    )
    if event_id is not None:
        query = query.where(Registration.event_id == event_id)
    if status is PeopleFilter.CHECKED_IN:
        query = query.where(Registration.status == RegistrationStatus.REGISTERED, checked_in)
    elif status is PeopleFilter.REGISTERED:
        query = query.where(Registration.status == RegistrationStatus.REGISTERED, ~checked_in)
    elif status is not None:
        query = query.where(Registration.status == RegistrationStatus(status.value))
    return query


# Above this many registrations in scope, a search walks people in name order (the person
# search index) and looks up their registrations a batch at a time, stopping once the list is
# full; below it, the event's own registrations are simply filtered and sorted.
WALK_PEOPLE_ABOVE = 2_000
FIRST_BATCH = 200
MAX_BATCH = 2_000
NO_LIMIT = 2**31 - 1


@dataclass(frozen=True)
class _SearchStatements:
    """A search's statements, built once per kind of search and run with bound values."""

    ticket_exact: Select[Any]
    ticket_prefix: Select[Any]
    filtered: Select[Any]  # all of an event's registrations matching the text, sorted
    everyone: Select[Any]  # the same without text
    people_matching: Select[Any]  # person ids in name order
    people: Select[Any]
    of_people: Select[Any]  # registrations of a batch of people


@functools.cache
def _search_statements(by_event: bool, status: PeopleFilter | None) -> _SearchStatements:
    base = _rows_query(bindparam("event_id") if by_event else None, status)
    name = Person.search_text.like(bindparam("pattern"), escape="\\")
    limit: Any = bindparam("limit")
    in_order = (Person.search_text, Event.starts_at, Registration.id)
    return _SearchStatements(
        ticket_exact=base.where(Registration.ticket_id == bindparam("ticket_id")),
        ticket_prefix=base.where(
            Registration.ticket_id >= bindparam("low"), Registration.ticket_id < bindparam("high")
        )
        .order_by(Registration.ticket_id)
        .limit(limit),
        filtered=base.where(name).order_by(*in_order).limit(limit),
        everyone=base.order_by(*in_order).limit(limit),
        people_matching=select(Person.id).where(name).order_by(Person.search_text),
        people=select(Person.id).order_by(Person.search_text),
        of_people=base.where(Registration.person_id.in_(bindparam("ids", expanding=True))),
    )


def _search(
    s: Session, event_id: str | None, text: str, status: PeopleFilter | None, limit: int | None
) -> list[PersonRow]:
    """Tickets matching the text first (most exact), then names and emails containing it,
    in name order.

    Never one statement joining person and registration with LIKE and ORDER BY: without
    table statistics SQLite then scans every registration, looks up its person and sorts
    them all (over 100 ms for 50,000 people, per keystroke).

    Runs on the session's Core connection: these are plain rows, and an ORM result would
    read the whole person cursor up front instead of a batch at a time.
    """
    connection = s.connection()
    statements = _search_statements(event_id is not None, status)
    values: dict[str, Any] = {"event_id": event_id, "limit": limit or NO_LIMIT}
    found: dict[str, PersonRow] = {}

    def take(rows: Iterable[Any]) -> bool:
        for r in rows:
            if r[0] not in found:
                found[r[0]] = _row(r)
        return limit is not None and len(found) >= limit

    folded = fold(text)
    if folded:
        values["pattern"] = name_pattern(folded)
        ticket_id, prefix = _ticket_match(text)
        if ticket_id is not None:
            take(connection.execute(statements.ticket_exact, {**values, "ticket_id": ticket_id}))
        elif prefix is not None:
            ticket_values = {**values, "low": prefix, "high": prefix + "~"}
            take(connection.execute(statements.ticket_prefix, ticket_values).all())
    full = limit is not None and len(found) >= limit
    if full:
        pass
    elif event_id is not None and _registration_count(s, event_id) <= WALK_PEOPLE_ABOVE:
        query = statements.filtered if folded else statements.everyone
        take(connection.execute(query, values).all())
    else:
        query = statements.people_matching if folded else statements.people
        cursor = connection.execute(query, values)
        size = min(limit or MAX_BATCH, FIRST_BATCH)
        try:
            while batch := [row[0] for row in cursor.fetchmany(size)]:
                place = {person_id: n for n, person_id in enumerate(batch)}
                rows = connection.execute(statements.of_people, {**values, "ids": batch}).all()
                if take(sorted(rows, key=lambda r: (place[r[1]], r[12], r[0]))):
                    break
                size = min(size * 4, MAX_BATCH)
        finally:
            cursor.close()
    rows_found = list(found.values())
    return rows_found if limit is None else rows_found[:limit]


def name_pattern(folded: str) -> str:
    """A LIKE pattern for 'contains' (escaped with a backslash), wildcards in it literal."""
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _registration_count(s: Session, event_id: str) -> int:
    return (
        s.scalar(select(func.count(Registration.id)).where(Registration.event_id == event_id)) or 0
    )


def _ticket_match(text: str) -> tuple[str | None, str | None]:
    """A scanned QR code's ticket id, or the start of a printed reference ('ABCD-EF')."""
    upper = text.strip().upper()
    parts = upper.split("-")
    if len(parts) == 4 and len(parts[2]) == TICKET_ID_LENGTH:
        # A QR code typed into the search box by a keyboard-wedge scanner.
        return parts[2], None
    prefix = "".join(c for c in upper if c not in " -").translate(_LOOKALIKES)
    if 4 <= len(prefix) <= TICKET_ID_LENGTH and prefix.isascii() and prefix.isalnum():
        return None, prefix
    return None, None


# Printed references have no 0, 1 or 8 (base32); people type them for O, I and B.
_LOOKALIKES = str.maketrans("018", "OIB")


def _row(r: Any) -> PersonRow:
    (
        registration_id,
        person_id,
        event_id,
        event_code,
        name,
        email,
        status,
        checked_in,
        ticket_id,
        ticket_code,
        waitlist_position,
        access_needs,
        _starts_at,
    ) = r
    if isinstance(access_needs, str):  # SQLite hands back the JSON text
        access_needs = () if access_needs in ("[]", "") else json.loads(access_needs)
    return PersonRow(
        registration_id=registration_id,
        person_id=person_id,
        event_id=event_id,
        event_code=event_code,
        name=name,
        email=email,
        status=status,
        checked_in=bool(checked_in),
        ticket_id=ticket_id,
        ticket_code=ticket_code,
        waitlist_position=waitlist_position,
        access_needs=tuple(access_needs or ()),
    )


def draft_of(person: Person) -> PersonDraft:
    return PersonDraft(
        full_name=person.full_name,
        email=person.email,
        phone=person.phone,
        postcode=person.postcode_district,
        role=person.role,
        child_age_band=person.child_age_band,
        child_setting=person.child_setting,
        ehcp_status=person.ehcp_status,
        need_areas=tuple(person.need_areas or ()),
        access_needs=tuple(person.access_needs or ()),
        access_notes=person.access_notes,
        consent_store=person.consent_store,
        consent_special_category=person.consent_special_category,
        consent_future_contact=person.consent_future_contact,
        consent_quote=person.consent_quote,
    )


def person_values(draft: PersonDraft) -> dict[str, Any]:
    """A stored draft as Person column values (for bulk inserts as well as single ones)."""
    return {
        "full_name": draft.full_name,
        "email": draft.email,
        "phone": draft.phone,
        "postcode_district": draft.postcode,
        "role": draft.role,
        "child_age_band": draft.child_age_band,
        "child_setting": draft.child_setting,
        "ehcp_status": draft.ehcp_status,
        "need_areas": list(draft.need_areas),
        "access_needs": list(draft.access_needs),
        "access_notes": draft.access_notes,
        "consent_store": draft.consent_store,
        "consent_special_category": draft.consent_special_category,
        "consent_future_contact": draft.consent_future_contact,
        "consent_quote": draft.consent_quote,
        "search_text": search_text(draft.full_name, draft.email),
    }


def _apply(person: Person, draft: PersonDraft, changed: tuple[datetime, str] | None = None) -> None:
    """Store a draft on a person. ``changed`` (when, on which device) is noted on each field
    whose value this changes, so edits made on several laptops merge field by field."""
    fields: list[str] = []
    for key, value in person_values(apply_consents(draft)).items():
        if key != "search_text" and getattr(person, key) != value:
            setattr(person, key, value)
            fields.append(key)
    if changed is not None and fields:
        person.field_changes = note_changes(person.field_changes or {}, fields, *changed)


def note_changes(
    changes: Mapping[str, Any], fields: Iterable[str], at: datetime, device_id: str
) -> dict[str, Any]:
    """A person's record of field changes after ``fields`` were changed at ``at`` on
    ``device_id``. Each entry keeps, as "was", the time of the change this device last saw
    from elsewhere (null for details as they were made): a merge compares it with what the
    office has to tell a change made on both sides from one made on one side only."""
    noted = dict(changes)
    for name in fields:
        before = noted.get(name)
        if not isinstance(before, dict):
            was = None
        elif before.get("by") == device_id:
            was = before.get("was")  # a second change here: the last one seen stays the same
        else:
            was = before.get("at")
        noted[name] = {"at": at.isoformat(), "by": device_id, "was": was}
    return noted
