"""Tickets: the programme's signing keys, minting and checking codes, and ticket sheets.

The keys live in the Programme row. The office copy holds both halves; a venue laptop
given an event pack holds only the public key, so it can check tickets but not make them.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from engagement_desk.core.clock import format_when
from engagement_desk.core.events import venue_access_summary
from engagement_desk.core.printouts import Ticket as Ticket
from engagement_desk.core.printouts import TicketBatch as TicketBatch
from engagement_desk.core.tickets import (
    TicketKeys,
    TicketProblem,
    TicketReading,
    is_ticket_id,
    mint_ticket,
    new_keys,
    new_ticket_id,
    read_ticket,
    ticket_reference,
)
from engagement_desk.db.database import Database
from engagement_desk.db.models import (
    Event,
    EventStatus,
    Programme,
    Registration,
    RegistrationStatus,
)
from engagement_desk.services.errors import NotFound, UserError
from engagement_desk.services.events import find_event

CANNOT_MINT = (
    "This laptop can check tickets but cannot make new ones: its copy of the programme "
    "has no signing key. Make tickets on the office copy of Engagement Desk."
)
NO_KEY = (
    "This laptop cannot check tickets yet: it has no copy of the programme's ticket key. "
    "Import the event pack, or search for the person's name."
)


class TicketService:
    def __init__(self, db: Database) -> None:
        self._db = db
        # The key that checks tickets, once found. Keys are only ever written into an empty
        # programme row (see keys_in), never changed, so it stays right; not having one is
        # never remembered, so a key that arrives later is picked up.
        self._public_key: bytes | None = None

    # ---- keys ----------------------------------------------------------

    def forget_keys(self) -> None:
        """The database was replaced (a restore) or its programme was (an event pack):
        look the ticket key up again on the next scan, so no restart is needed."""
        self._public_key = None

    def keys(self, programme_id: str) -> TicketKeys:
        """The programme's keys, created and stored on first use."""
        with self._db.session() as s, s.begin():
            return self.keys_in(s, programme_id)

    @staticmethod
    def keys_in(s: Session, programme_id: str) -> TicketKeys:
        """As ``keys``, inside the caller's transaction (for other services)."""
        row = s.execute(
            select(Programme.signing_private_key, Programme.signing_public_key).where(
                Programme.id == programme_id
            )
        ).first()
        if row is None:
            raise NotFound(f"No programme has the id '{programme_id}'.")
        private, public = row
        if public is None:
            fresh = new_keys()
            # Only fill empty keys: if another laptop or window got there first, theirs stand.
            s.execute(
                update(Programme)
                .where(Programme.id == programme_id, Programme.signing_public_key.is_(None))
                .values(signing_private_key=fresh.private_key, signing_public_key=fresh.public_key)
            )
            private, public = s.execute(
                select(Programme.signing_private_key, Programme.signing_public_key).where(
                    Programme.id == programme_id
                )
            ).one()
        assert public is not None
        return TicketKeys(private_key=private, public_key=public)

    # ---- codes ---------------------------------------------------------

    def mint(self, event_id: str, ticket_id: str) -> str:
        """The QR payload for a ticket to an event (by id or short code)."""
        with self._db.session() as s, s.begin():
            return self.mint_in(s, find_event(s, event_id, joinedload(Event.venue)), ticket_id)

    def mint_in(self, s: Session, event: Event, ticket_id: str) -> str:
        """As ``mint``, inside the caller's transaction (for the registration service)."""
        keys = self.keys_in(s, event.programme_id)
        if keys.private_key is None:
            raise UserError(CANNOT_MINT)
        return mint_ticket(keys.private_key, event.short_code, ticket_id)

    def verify(self, payload: str) -> TicketReading:
        """Read a scanned or typed code against the current programme's public key.

        Never creates keys: a laptop without the programme's key refuses every code
        and says why, rather than quietly becoming a second source of tickets.
        """
        public_key = self._public_key
        if public_key is None:
            # Looked up once, not per scan: at the door this is on every code's path.
            with self._db.session() as s:
                public_key = s.scalars(select(Programme.signing_public_key).limit(1)).first()
            self._public_key = public_key
        if public_key is None:
            # Still read the code with a throwaway key so a typo is reported as a typo.
            reading = read_ticket(new_keys().public_key, payload)
            if reading.problem is TicketProblem.BAD_SIGNATURE:
                return replace(reading, message=NO_KEY)
            return reading
        return read_ticket(public_key, payload)

    # ---- printing ------------------------------------------------------

    def ticket_sheet(
        self, event_ref: str, registration_ids: list[str] | None = None
    ) -> TicketBatch:
        """Tickets for everyone registered (or just those listed), minting missing codes.

        Waitlisted and cancelled registrations get no ticket, nor does a person whose
        details were erased. Tickets come in name order, for sorting into envelopes.
        """
        with self._db.session() as s, s.begin():
            event = find_event(s, event_ref, joinedload(Event.venue))
            if event.status is EventStatus.CANCELLED:
                raise UserError(
                    f"'{event.title}' ({event.short_code}) is cancelled, so it has no tickets."
                )
            query = (
                select(Registration)
                .options(joinedload(Registration.person))
                .where(
                    Registration.event_id == event.id,
                    Registration.status == RegistrationStatus.REGISTERED,
                    Registration.person_id.is_not(None),
                )
            )
            if registration_ids is not None:
                query = query.where(Registration.id.in_(registration_ids))
            registrations = [r for r in s.scalars(query) if r.person is not None]
            registrations.sort(key=lambda r: (_name(r).casefold(), r.id))
            keys = self.keys_in(s, event.programme_id)
            tickets = tuple(self._ticket(s, keys, event, r) for r in registrations)
            venue = event.venue
            return TicketBatch(
                event_id=event.id,
                event_code=event.short_code,
                event_title=event.title,
                event_kind=event.kind.label,
                when=format_when(event.starts_at, event.ends_at),
                venue_name=venue.name if venue else "",
                venue_address=venue.address if venue else "",
                venue_postcode=venue.postcode if venue else "",
                venue_access=tuple(venue_access_summary(venue)) if venue else (),
                venue_notes=venue.notes if venue else "",
                online_link=event.online_link,
                tickets=tickets,
            )

    @staticmethod
    def _ticket(s: Session, keys: TicketKeys, event: Event, registration: Registration) -> Ticket:
        code = registration.ticket_code
        if code is None or not _still_valid(keys, event, registration, code):
            if keys.private_key is None:
                raise UserError(CANNOT_MINT)
            if not is_ticket_id(registration.ticket_id):
                # An id from before signed tickets (never printed, as it had no code).
                registration.ticket_id = _unused_ticket_id(s)
            code = mint_ticket(keys.private_key, event.short_code, registration.ticket_id)
            registration.ticket_code = code
        return Ticket(
            registration_id=registration.id,
            person_name=_name(registration),
            code=code,
            reference=ticket_reference(registration.ticket_id),
        )


def _still_valid(keys: TicketKeys, event: Event, registration: Registration, code: str) -> bool:
    reading = read_ticket(keys.public_key, code)
    return (
        reading.ok
        and reading.event_code == event.short_code
        and reading.ticket_id == registration.ticket_id
    )


def _name(registration: Registration) -> str:
    return registration.person.full_name if registration.person else ""


def _unused_ticket_id(s: Session) -> str:
    while True:
        ticket_id = new_ticket_id()
        if s.scalar(select(Registration.id).where(Registration.ticket_id == ticket_id)) is None:
            return ticket_id
