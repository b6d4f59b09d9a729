"""Test data for ticket tests: an event and people registered straight into the database.

The registration service is built separately, so rows go in through a session here.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from engagement_desk.bootstrap import Desk
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.db.models import Person, Registration, RegistrationStatus

TOWN_HALL = VenueDraft(
    "Bury Town Hall",
    "Knowsley Street, Bury",
    "BL9 0SW",
    step_free=True,
    hearing_loop=True,
    accessible_toilet=True,
    notes="Use the Knowsley Street entrance.",
)

# 10:00 London time (BST) on Wednesday 22 April 2026.
STARTS = datetime(2026, 4, 22, 9, 0, tzinfo=UTC)


def venue_event(desk: Desk, title: str = "Have your say: SEND in Bury") -> str:
    detail = desk.events.create(
        EventDraft(
            title=title,
            kind="venue",
            starts_at=STARTS,
            ends_at=STARTS + timedelta(hours=2, minutes=30),
            venue=TOWN_HALL,
            capacity=40,
        )
    )
    return detail.id


def webinar(desk: Desk) -> str:
    detail = desk.events.create(
        EventDraft(
            title="Monthly SEND webinar Q&A",
            kind="webinar",
            starts_at=STARTS,
            ends_at=STARTS + timedelta(hours=1),
            online_link="https://meet.example.org/bury-send",
        )
    )
    return detail.id


def register(
    desk: Desk,
    event_id: str,
    name: str,
    status: RegistrationStatus = RegistrationStatus.REGISTERED,
    *,
    ticket_id: str | None = None,
) -> str:
    """A person and their registration; a pre-ticket style hex ticket id unless one is given."""
    with desk.db.transaction() as s:
        person = Person(device_id=desk.device.id, full_name=name, email=None)
        registration = Registration(
            device_id=desk.device.id,
            event_id=event_id,
            person=person,
            status=status,
            ticket_id=ticket_id or secrets.token_hex(8),
        )
        s.add_all([person, registration])
        s.flush()
        return registration.id
