"""PostgreSQL, the supported shared server: the same behaviour as on a laptop's SQLite file."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from engagement_desk.bootstrap import Desk, open_desk
from engagement_desk.core.events import AgendaDraft, EventDraft, VenueDraft
from engagement_desk.db.models import (
    AuditEntry,
    Base,
    CheckIn,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from engagement_desk.paths import AppPaths
from engagement_desk.reports.listing import render_listing
from engagement_desk.services.errors import ValidationFailed
from engagement_desk.services.events import When
from tests.conftest import FakeClock
from tests.e2e.conftest import run_cli

pytestmark = pytest.mark.postgres

NEXT_WEEK = datetime(2026, 4, 22, 9, 0, tzinfo=UTC)
TOWN_HALL = VenueDraft("Bury Town Hall", "Knowsley Street, Bury", "BL9 0SW", step_free=True)


@pytest.fixture
def pg_desk(paths: AppPaths, clock: FakeClock, postgres_url: str) -> Iterator[Desk]:
    desk = open_desk(paths, postgres_url, clock=clock)
    yield desk
    desk.close()


def drafted(title: str, starts_at: datetime = NEXT_WEEK, **changes: object) -> EventDraft:
    draft = EventDraft(
        title=title,
        kind="venue",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        venue=TOWN_HALL,
        capacity=30,
    )
    return replace(draft, **changes)  # type: ignore[arg-type]


def test_a_new_postgres_database_is_migrated_and_seeded(pg_desk: Desk) -> None:
    assert pg_desk.db.url.get_backend_name() == "postgresql"
    assert pg_desk.db.schema_revision() is not None
    programme = pg_desk.programmes.current()
    assert len(programme.priorities) == 5
    assert len(programme.themes) == 11
    with pg_desk.db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_reopening_a_postgres_database_keeps_its_data(
    pg_desk: Desk, paths: AppPaths, clock: FakeClock, postgres_url: str
) -> None:
    created = pg_desk.events.create(drafted("Have your say: SEND in Bury"))
    pg_desk.close()

    again = open_desk(paths, postgres_url, clock=clock)
    try:
        assert again.events.get(created.short_code.lower()).id == created.id
        assert again.programmes.current().id == pg_desk.programmes.current().id
    finally:
        again.close()


def test_events_on_postgres(pg_desk: Desk, clock: FakeClock) -> None:
    events = pg_desk.events
    created = events.create(
        drafted("Have your say", agenda=[AgendaDraft("Welcome", NEXT_WEEK)]),
    )
    events.create(drafted("Last month", starts_at=NEXT_WEEK - timedelta(days=35)))
    events.create(
        drafted("Webinar", kind="webinar", venue=None, online_link="https://meet.example.org/x")
    )
    edited = events.update(created.id, replace(created.draft, title="Have your say: Bury"))
    events.cancel(created.short_code, "Room double-booked")
    # Same venue in another case, with changed access details: reused and updated.
    events.create(
        drafted("Later", NEXT_WEEK + timedelta(days=7), venue=VenueDraft("BURY TOWN HALL"))
    )

    with pytest.raises(ValidationFailed):
        events.create(drafted("", capacity=-1))

    assert edited.draft.agenda[0].starts_at == NEXT_WEEK
    assert [r.title for r in events.list_events(When.UPCOMING)] == [
        "Have your say: Bury",
        "Webinar",
        "Later",
    ]
    assert [r.title for r in events.list_events(When.PAST)] == ["Last month"]
    assert events.list_events(include_cancelled=False)[0].title == "Last month"
    assert events.get(created.id).status is EventStatus.CANCELLED
    [venue] = events.venues()
    assert (venue.name, venue.step_free) == ("Bury Town Hall", False)
    weeks = events.schedule(weeks=3)
    assert [[e.title for e in w.events] for w in weeks] == [
        [],
        ["Have your say: Bury", "Webinar"],
        ["Later"],
    ]
    with pg_desk.db.session() as s:
        actions = s.scalars(
            select(AuditEntry.action).where(AuditEntry.entity_id == created.id)
        ).all()
        assert actions.count("event created") == 1
        assert "event cancelled" in actions
        assert s.scalar(select(func.count(Event.id))) == 4


def test_counts_on_postgres(pg_desk: Desk) -> None:
    event = pg_desk.events.create(drafted("Counted")).id
    with pg_desk.db.transaction() as s:

        def register(status: RegistrationStatus, *check_ins: tuple[bool, bool]) -> None:
            registration = Registration(
                device_id=pg_desk.device.id,
                event_id=event,
                status=status,
                ticket_id=secrets.token_hex(8),
            )
            s.add(registration)
            s.flush()
            for walk_in, undone in check_ins:
                s.add(
                    CheckIn(
                        device_id=pg_desk.device.id,
                        registration_id=registration.id,
                        event_id=event,
                        method="walk-in" if walk_in else "scanner",
                        walk_in=walk_in,
                        undone_at=NEXT_WEEK if undone else None,
                    )
                )

        register(RegistrationStatus.REGISTERED)
        # Checked in, undone, checked in again: one live check-in (the database refuses two).
        register(RegistrationStatus.REGISTERED, (False, True), (False, False))
        register(RegistrationStatus.REGISTERED, (False, True))
        register(RegistrationStatus.REGISTERED, (True, False))
        register(RegistrationStatus.WAITLISTED)
        register(RegistrationStatus.CANCELLED)

    [row] = pg_desk.events.rows_for([event])

    assert (row.registered, row.waitlisted, row.checked_in, row.walk_ins) == (4, 1, 2, 1)
    assert row.places_left == 26


def test_demo_and_exports_on_postgres(pg_desk: Desk, tmp_path: Path) -> None:
    result = pg_desk.demo.fill(people=30)

    assert result.events == 12
    rows = pg_desk.events.list_events()
    assert len(rows) == 12
    assert sum(r.checked_in for r in rows) == result.check_ins
    assert pg_desk.schedule.write_ics(tmp_path / "events.ics") == 7
    listing = pg_desk.schedule.listing()
    assert len(listing.entries) == 7
    assert render_listing(listing).startswith(b"%PDF")


def test_cli_on_postgres(tmp_path: Path, postgres_url: str) -> None:
    add = run_cli(
        "--database",
        postgres_url,
        "events",
        "add",
        "--title",
        "Shared server event",
        "--kind",
        "drop-in",
        "--venue",
        "Radcliffe Library",
        "--start",
        "2026-09-10T10:00",
        "--end",
        "2026-09-10T12:00",
        data_dir=tmp_path / "desk",
    )
    assert add.code == 0, add.err

    listed = run_cli(
        "events",
        "list",
        "--json",
        data_dir=tmp_path / "other-laptop",
        env={"ENGAGEMENT_DESK_DATABASE": postgres_url},
    )

    assert listed.code == 0, listed.err
    [event] = json.loads(listed.out)
    assert event["title"] == "Shared server event"
    assert event["start"] == "2026-09-10T09:00:00+00:00"
    assert (event["registered"], event["checked_in"], event["walk_ins"]) == (0, 0, 0)
    assert not (tmp_path / "desk" / "engagement-desk.sqlite3").exists()
