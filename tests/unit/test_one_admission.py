"""One admission per ticket, kept by the database; a cancelled or long-finished event's door.

The check-in service reads the event's status for every scan (no cache), so cancelling an
event stops its door at once. The database itself refuses a second live check-in of one
registration, on any path; undo then check in again still works; and a database made before
the rule, holding such pairs, is migrated keeping the earliest.
"""

from __future__ import annotations

import sqlite3
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engagement_desk.bootstrap import Desk, open_desk
from engagement_desk.core.checkin import DOOR_CLOSES_AFTER, Outcome
from engagement_desk.core.people import PersonDraft
from engagement_desk.db.database import Database, shipped_head_revision
from engagement_desk.db.models import AuditEntry, CheckIn
from engagement_desk.paths import AppPaths
from tests.conftest import FakeClock
from tests.unit.conftest import venue_event

Booked = tuple[str, str, str]
SARAH = PersonDraft("Sarah Ashworth", email="sarah@example.org", consent_store=True)


@pytest.fixture
def booked(desk: Desk) -> Booked:
    """An event next week with Sarah booked: (event code, her ticket code, registration)."""
    event = desk.events.create(venue_event())
    info = desk.registrations.register(event.short_code, SARAH)
    assert info.ticket_code is not None
    return event.short_code, info.ticket_code, info.id


def live_rows(desk: Desk) -> list[CheckIn]:
    with desk.db.session() as s:
        return list(s.scalars(select(CheckIn).where(CheckIn.undone_at.is_(None))))


def test_the_database_refuses_a_second_live_check_in(desk: Desk, booked: Booked) -> None:
    event, code, registration_id = booked
    first = desk.check_in.scan(event, code)
    assert first.outcome is Outcome.ADMITTED

    with pytest.raises(IntegrityError), desk.db.transaction() as s:
        s.add(
            CheckIn(
                device_id=desk.device.id,
                registration_id=registration_id,
                event_id=first_event_id(desk, event),
                method="scanner",
            )
        )
    assert len(live_rows(desk)) == 1


def first_event_id(desk: Desk, event: str) -> str:
    return desk.events.resolve_id(event)


def test_undo_then_check_in_again(desk: Desk, booked: Booked, clock: FakeClock) -> None:
    event, code, _ = booked
    first = desk.check_in.scan(event, code)
    assert first.check_in_id is not None
    undone = desk.check_in.undo(first.check_in_id)
    assert undone.person_name == "Sarah Ashworth"
    clock.advance(seconds=10)

    again = desk.check_in.scan(event, code)

    assert again.outcome is Outcome.ADMITTED and again.check_in_id != first.check_in_id
    assert [r.id for r in live_rows(desk)] == [again.check_in_id]
    clock.advance(seconds=10)
    assert desk.check_in.scan(event, code).outcome is Outcome.ALREADY_CHECKED_IN


def test_a_cancelled_event_admits_no_one_from_the_next_scan(
    desk: Desk, booked: Booked, clock: FakeClock
) -> None:
    event, code, _ = booked
    other = desk.registrations.register(
        event, PersonDraft("Tom Byrne", email="tom@example.org", consent_store=True)
    )
    # The door has scanned before (anything the service might keep about the event is warm).
    assert desk.check_in.scan(event, code).outcome is Outcome.ADMITTED
    desk.events.cancel(event, "the venue flooded")
    clock.advance(seconds=30)

    assert other.ticket_code is not None
    scanned = desk.check_in.scan(event, other.ticket_code)
    searched = desk.check_in.check_in_registration(event, other.id)

    for result in (scanned, searched):
        assert result.outcome is Outcome.EVENT_CANCELLED
        assert "the venue flooded" in result.detail and result.check_in_id is None
    assert len(live_rows(desk)) == 1  # Sarah's, from before the cancellation

    desk.events.reinstate(event)
    clock.advance(seconds=30)
    assert desk.check_in.scan(event, other.ticket_code).outcome is Outcome.ADMITTED


def test_another_laptop_cancelling_stops_this_door(
    desk: Desk, booked: Booked, paths: AppPaths
) -> None:
    """Two laptops on one database: the cancellation is seen by the other door at once."""
    event, code, _ = booked
    other_laptop = open_desk(paths)
    try:
        other_laptop.events.cancel(event)
    finally:
        other_laptop.close()
    assert desk.check_in.scan(event, code).outcome is Outcome.EVENT_CANCELLED


def test_the_door_closes_hours_after_the_end_but_the_sheet_can_be_typed_up(
    desk: Desk, booked: Booked, clock: FakeClock
) -> None:
    event, code, registration_id = booked
    ends = desk.events.get(event).draft.ends_at
    clock.now = ends + DOOR_CLOSES_AFTER + timedelta(minutes=1)

    late = desk.check_in.scan(event, code)
    assert late.outcome is Outcome.EVENT_ENDED and late.check_in_id is None
    assert live_rows(desk) == []

    typed_up = desk.check_in.check_in_registration(event, registration_id)
    assert typed_up.outcome is Outcome.ADMITTED
    assert typed_up.detail.startswith("Recorded after the event")
    assert len(live_rows(desk)) == 1


def test_migrating_keeps_the_earliest_of_duplicate_check_ins(
    tmp_path: Path, clock: FakeClock
) -> None:
    """A database from before the rule, where two doors both admitted one ticket."""
    paths = AppPaths(tmp_path / "old").ensure()
    desk = open_desk(paths, clock=clock)
    try:
        event = desk.events.create(venue_event())
        info = desk.registrations.register(event.short_code, SARAH)
        event_id = event.id
    finally:
        desk.close()
    db = Database(paths.database_url(None))
    try:
        config = db._alembic_config()
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0003_person_search_index")
    finally:
        db.dispose()
    path = Path(str(paths.database_url(None)).removeprefix("sqlite:///"))
    ids = [str(uuid.uuid4()) for _ in range(3)]
    with sqlite3.connect(path) as raw:
        for n, check_in_id in enumerate(ids):
            raw.execute(
                "INSERT INTO check_in (id, device_id, registration_id, event_id, checked_in_at, "
                "method, walk_in) VALUES (?, 'door-laptop', ?, ?, ?, 'scanner', 0)",
                (check_in_id, info.id, event_id, f"2026-04-22 09:0{3 - n}:00"),
            )
    raw.close()

    reopened = open_desk(paths, clock=clock)
    try:
        with reopened.db.session() as s:
            rows = {c.id: c for c in s.scalars(select(CheckIn))}
            audited = set(
                s.scalars(
                    select(AuditEntry.entity_id).where(
                        AuditEntry.action == "duplicate admission set aside"
                    )
                )
            )
        earliest = ids[2]  # 09:01
        assert [i for i, c in rows.items() if c.undone_at is None] == [earliest]
        assert audited == {ids[0], ids[1]}
        assert all(rows[i].undone_by_device == "door-laptop" for i in audited)
        assert reopened.check_in.counts(event_id).checked_in == 1
        assert reopened.db.schema_revision() == shipped_head_revision()
    finally:
        reopened.close()
