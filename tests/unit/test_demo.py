"""Demo data: every screen has something believable to show; real data is never touched."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from engagement_desk.bootstrap import Desk, open_desk
from engagement_desk.db.models import (
    CheckIn,
    Comment,
    Event,
    EventKind,
    Person,
    Registration,
    Response,
)
from engagement_desk.paths import AppPaths
from engagement_desk.services.errors import UserError
from engagement_desk.services.events import When
from tests.conftest import FakeClock
from tests.unit.conftest import venue_event


def total(desk: Desk, model: type) -> int:
    with desk.db.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def demo(desk: Desk) -> Desk:
    result = desk.demo.fill(people=60)
    assert result.events == 12
    return desk


def test_demo_makes_twelve_events_of_every_kind_past_and_upcoming(demo: Desk) -> None:
    rows = demo.events.list_events()

    assert len(rows) == 12
    assert {r.kind for r in rows} == set(EventKind)
    assert len(demo.events.list_events(When.PAST)) == 5
    assert len(demo.events.list_events(When.UPCOMING)) == 7
    assert len(demo.events.venues()) == 5
    assert all(r.venue_name for r in rows if r.kind is not EventKind.WEBINAR)


def test_demo_counts_are_consistent(demo: Desk) -> None:
    for row in demo.events.list_events(When.PAST):
        assert 0 < row.walk_ins <= row.checked_in <= row.registered
        if row.capacity is not None:
            # Walk-ins may push a busy event past its capacity, but not pre-booking.
            assert row.registered - row.walk_ins <= row.capacity
    for row in demo.events.list_events(When.UPCOMING):
        assert row.checked_in == 0
        assert row.walk_ins == 0


def test_demo_result_matches_the_database(desk: Desk) -> None:
    result = desk.demo.fill(people=40)

    assert result.people == 40
    assert total(desk, Registration) == result.registrations
    assert total(desk, CheckIn) == result.check_ins
    assert total(desk, Response) == result.responses
    assert total(desk, Comment) == result.comments
    assert total(desk, Person) >= 40  # walk-ins are extra people
    assert result.check_ins > 0 and result.responses > 0 and result.comments > 0


def test_nothing_in_the_demo_happens_in_the_future(demo: Desk, clock: FakeClock) -> None:
    now = clock()
    with demo.db.session() as s:
        latest_registration = s.scalar(select(func.max(Registration.registered_at)))
        latest_check_in = s.scalar(select(func.max(CheckIn.checked_in_at)))
        latest_comment = s.scalar(select(func.max(Comment.created_at)))
    assert latest_registration is not None and latest_registration <= now
    assert latest_check_in is not None and latest_check_in <= now
    assert latest_comment is not None and latest_comment <= now


def test_demo_is_the_same_every_time(demo: Desk, clock: FakeClock, tmp_path: Path) -> None:
    other = open_desk(AppPaths(tmp_path / "other"), clock=clock)
    try:
        result = other.demo.fill(people=60)
        assert result.registrations == total(demo, Registration)
        assert [(r.title, r.registered, r.checked_in) for r in other.events.list_events()] == [
            (r.title, r.registered, r.checked_in) for r in demo.events.list_events()
        ]
    finally:
        other.close()


def test_demo_refuses_a_database_that_already_has_events(desk: Desk) -> None:
    desk.events.create(venue_event("A real event"))

    with pytest.raises(UserError, match="already has events"):
        desk.demo.fill(people=10)

    assert [r.title for r in desk.events.list_events()] == ["A real event"]
    assert total(desk, Person) == 0


@pytest.mark.parametrize("people", [-1, 100_001])
def test_demo_refuses_silly_numbers_of_people(desk: Desk, people: int) -> None:
    with pytest.raises(UserError, match="between 0 and 100,000"):
        desk.demo.fill(people=people)

    assert total(desk, Event) == 0


def test_demo_with_no_people_still_has_the_schedule(desk: Desk) -> None:
    result = desk.demo.fill(people=0)

    assert result.events == 12
    assert total(desk, Person) == 0
    assert all(r.registered == 0 for r in desk.events.list_events())
