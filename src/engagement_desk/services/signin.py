"""The paper fallback: who to expect at the door, for when a laptop fails.

The service builds a ``SignInSheet`` (plain data, no database objects); the PDF in
``reports.signin_sheet`` renders it. Only people with a confirmed place are listed:
waiting-list and cancelled places are left off, and so are people whose details were erased.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import exists, select

from engagement_desk.core.clock import Clock, format_when, system_clock
from engagement_desk.core.people import fold
from engagement_desk.core.printouts import SignInPerson as SignInPerson
from engagement_desk.core.printouts import SignInSheet as SignInSheet
from engagement_desk.db.database import Database
from engagement_desk.db.models import CheckIn, Person, Registration, RegistrationStatus
from engagement_desk.services.events import EventService

# Short words for the access-needs column: enough for the facilitator to act on at a glance.
ACCESS_FLAGS: dict[str, str] = {
    "BSL or other interpreter": "BSL/interpreter",
    "wheelchair access": "wheelchair",
    "hearing loop": "hearing loop",
    "large print": "large print",
    "easy read": "easy read",
    "quiet space": "quiet space",
    "carer or PA attending": "carer/PA",
    "dietary": "dietary",
    "other": "other",
}
NOTES_LIMIT = 80


class SignInService:
    def __init__(self, db: Database, events: EventService, clock: Clock = system_clock) -> None:
        self._db = db
        self._events = events
        self._clock = clock

    def sign_in_sheet(self, event_ref: str) -> SignInSheet:
        """Everyone with a confirmed place at the event, in surname order."""
        event = self._events.get(event_ref)
        checked_in = exists().where(
            CheckIn.registration_id == Registration.id, CheckIn.undone_at.is_(None)
        )
        with self._db.session() as s:
            rows = s.execute(
                select(
                    Person.full_name,
                    Person.access_needs,
                    Person.access_notes,
                    checked_in.label("checked_in"),
                )
                .select_from(Registration)
                .join(Person, Person.id == Registration.person_id)
                .where(
                    Registration.event_id == event.id,
                    Registration.status == RegistrationStatus.REGISTERED,
                )
            ).all()
        people = [
            _person(name, needs or (), notes or "", bool(is_in))
            for name, needs, notes, is_in in rows
        ]
        people.sort(key=lambda p: (fold(p.surname), fold(p.given_names)))
        draft = event.draft
        if event.venue is not None:
            parts = (event.venue.name, event.venue.address, event.venue.postcode)
            venue = ", ".join(p.strip() for p in parts if p.strip())
        else:
            venue = draft.online_link or "Online"
        return SignInSheet(
            event_id=event.id,
            event_code=event.short_code,
            title=draft.title,
            when=format_when(draft.starts_at, draft.ends_at),
            venue=venue,
            capacity=draft.capacity,
            printed_at=self._clock(),
            people=tuple(people),
        )


def split_name(full_name: str) -> tuple[str, str]:
    """(surname, given names): the surname is the last word, as most names on our lists are
    written. A one-word name is all surname."""
    words = full_name.split()
    if not words:
        return "", ""
    return words[-1], " ".join(words[:-1])


def access_flags(needs: Iterable[str]) -> tuple[str, ...]:
    return tuple(ACCESS_FLAGS.get(need, need) for need in needs)


def _person(name: str, needs: Iterable[str], notes: str, checked_in: bool) -> SignInPerson:
    surname, given = split_name(name)
    notes = " ".join(notes.split())
    if len(notes) > NOTES_LIMIT:
        notes = notes[: NOTES_LIMIT - 1].rstrip() + "…"
    return SignInPerson(surname, given, access_flags(needs), notes, checked_in)
