"""Unit-test fixtures: ready-made event drafts, and rows written straight to the database."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from engagement_desk.bootstrap import Desk
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.db.models import CheckIn, Registration, RegistrationStatus

TOWN_HALL = VenueDraft(
    "Bury Town Hall",
    "Knowsley Street, Bury",
    "BL9 0SW",
    step_free=True,
    hearing_loop=True,
    notes="Use the Knowsley Street entrance.",
)


def venue_event(
    title: str = "Have your say: SEND in Bury",
    *,
    starts_at: datetime = datetime(2026, 4, 22, 9, 0, tzinfo=UTC),
    hours: float = 2.5,
    **changes: Any,
) -> EventDraft:
    """A venue event a week after the test clock's 'now' unless told otherwise."""
    draft = EventDraft(
        title=title,
        kind="venue",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        venue=TOWN_HALL,
        capacity=40,
    )
    return replace(draft, **changes)


def webinar(
    title: str = "Monthly SEND webinar Q&A",
    *,
    starts_at: datetime = datetime(2026, 4, 28, 18, 0, tzinfo=UTC),
    **changes: Any,
) -> EventDraft:
    draft = EventDraft(
        title=title,
        kind="webinar",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        online_link="https://meet.example.org/bury-send",
    )
    return replace(draft, **changes)


Attend = Callable[..., str]


@pytest.fixture
def attend(desk: Desk) -> Attend:
    """Write a registration (and optionally check-ins) for an event; returns the registration id.

    The registration service does not exist yet, so rows go straight in through the session.
    """

    def _attend(
        event_id: str,
        status: RegistrationStatus = RegistrationStatus.REGISTERED,
        *,
        check_ins: int = 0,
        walk_in: bool = False,
        undone: bool = False,
    ) -> str:
        with desk.db.transaction() as s:
            registration = Registration(
                device_id=desk.device.id,
                event_id=event_id,
                status=status,
                ticket_id=secrets.token_hex(8),
                source="walk-in" if walk_in else "manual",
            )
            s.add(registration)
            s.flush()
            for _ in range(check_ins):
                s.add(
                    CheckIn(
                        device_id=desk.device.id,
                        registration_id=registration.id,
                        event_id=event_id,
                        method="walk-in" if walk_in else "scanner",
                        walk_in=walk_in,
                        undone_at=datetime(2026, 4, 15, 9, 5, tzinfo=UTC) if undone else None,
                    )
                )
            return registration.id

    return _attend
