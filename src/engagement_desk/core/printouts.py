"""What the printed pages show: tickets, the paper sign-in sheet and the schedule listing.

Plain data with no database objects. Services build them; front ends hand them to
``reports``, which draw them (as ``EventSummary`` in ``core.summary`` is drawn).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Ticket:
    """One printed ticket: who it is for and what the QR says. No other personal data."""

    registration_id: str
    person_name: str
    code: str  # the QR payload
    reference: str  # the ticket id in groups of four, for typing at the door


@dataclass(frozen=True)
class TicketBatch:
    """Everything needed to print an event's tickets, in the order to print them."""

    event_id: str
    event_code: str
    event_title: str
    event_kind: str  # in words, e.g. "Venue engagement event"
    when: str  # London time, e.g. "Tue 3 Mar 2026, 10:00–12:00"
    venue_name: str  # empty for an online event
    venue_address: str
    venue_postcode: str
    venue_access: tuple[str, ...]
    venue_notes: str
    online_link: str
    tickets: tuple[Ticket, ...]

    @property
    def is_online(self) -> bool:
        return not self.venue_name


@dataclass(frozen=True)
class SignInPerson:
    surname: str  # the last word of their name, which the list is sorted by
    given_names: str  # the rest of their name (may be empty)
    access: tuple[str, ...]  # short flags such as "BSL/interpreter", "quiet space"
    access_notes: str  # what they told us about access, shortened
    checked_in: bool  # already checked in on a laptop when the sheet was printed

    @property
    def listed_name(self) -> str:
        """'Ashworth, Sarah': surname first, as the list is sorted."""
        return f"{self.surname}, {self.given_names}" if self.given_names else self.surname


@dataclass(frozen=True)
class SignInSheet:
    event_id: str
    event_code: str
    title: str
    when: str  # London time, e.g. "Wed 22 Apr 2026, 10:00–12:30"
    venue: str  # "Bury Town Hall, Knowsley Street, Bury, BL9 0SW"; the link for online events
    capacity: int | None
    printed_at: datetime
    people: tuple[SignInPerson, ...]

    @property
    def already_checked_in(self) -> int:
        return sum(1 for p in self.people if p.checked_in)


@dataclass(frozen=True)
class ListingEntry:
    title: str
    kind: str
    when: str
    where: str
    access: tuple[str, ...]
    description: str
    booking: str
    cancelled: bool = False


@dataclass(frozen=True)
class ScheduleListing:
    title: str
    generated_at: datetime
    entries: tuple[ListingEntry, ...]
