"""Retention: personal details go N months after a person's last event; counts stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from engagement_desk.bootstrap import Desk
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.core.people import PersonDraft
from engagement_desk.db.models import Comment, Person
from tests.conftest import FakeClock


def event_on(desk: Desk, when: datetime, title: str) -> str:
    return desk.events.create(
        EventDraft(
            title=title,
            kind="venue",
            starts_at=when,
            ends_at=when + timedelta(hours=2),
            venue=VenueDraft("Bury Town Hall"),
        )
    ).id


def test_purge_removes_only_people_whose_last_event_is_past_retention(
    desk: Desk, clock: FakeClock
) -> None:
    old = event_on(desk, datetime(2024, 10, 1, 9, tzinfo=UTC), "Old event")
    recent = event_on(desk, datetime(2026, 3, 1, 9, tzinfo=UTC), "Recent event")
    gone = desk.registrations.walk_in(old, "Amelia Barnes", "amelia@example.org")
    stays = desk.registrations.walk_in(old, "Ben Clarke", "ben@example.org")
    desk.registrations.walk_in(recent, "Ben Clarke", "ben@example.org")
    desk.voices.add_comment(
        old, "The waiting list for speech therapy is too long.", registration_id=gone.id
    )

    result = desk.privacy.purge_expired()

    assert result.people == 1 and result.months == 12
    with desk.db.session() as s:
        names = set(s.scalars(select(Person.full_name)))
        comment = s.scalars(select(Comment)).one()
        people = s.scalar(select(func.count(Person.id)))
    assert names == {"Ben Clarke"} and people == 1
    assert comment.text == "The waiting list for speech therapy is too long."
    assert comment.registration_id is None
    row = desk.events.rows_for([old])[0]
    assert (row.registered, row.checked_in, row.walk_ins) == (2, 2, 2)  # counts stay
    assert stays.person_id is not None
    database = desk.paths.default_database_file.read_bytes()
    assert b"amelia@example.org" not in database
    assert desk.privacy.purge_expired().people == 0  # nothing more to do


def test_someone_registered_but_never_at_an_event_recently_is_kept(
    desk: Desk, clock: FakeClock
) -> None:
    upcoming = event_on(desk, datetime(2026, 6, 1, 9, tzinfo=UTC), "Coming up")
    desk.registrations.register(
        upcoming, PersonDraft("Chloe Davies", email="chloe@example.org", consent_store=True)
    )
    assert desk.privacy.purge_expired().people == 0
