"""Erasure that sticks: tombstones travel in packs and bundles, and merges honour them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engagement_desk.bootstrap import Desk, open_desk
from engagement_desk.core.checkin import Outcome
from engagement_desk.core.people import PersonDraft
from engagement_desk.db.models import CheckIn, Comment, Person, Registration, Tombstone
from engagement_desk.paths import AppPaths
from engagement_desk.services.errors import NotFound
from engagement_desk.services.packs import describe_merge
from engagement_desk.services.registrations import ERASED_TEXT
from tests.conftest import FakeClock
from tests.unit.conftest import venue_event

PASSPHRASE = "bury town hall saturday"
# Distinctive, so finding these bytes anywhere in a file can only mean them.
WALK_IN = "Wilhelmina Quexborough"
WALK_IN_EMAIL = "wilhelmina.quexborough@example.org"
COMMENT = "Wilhelmina's son Barnaby waited two years for a speech therapy assessment."


@pytest.fixture
def venue(tmp_path: Path, clock: FakeClock) -> Iterator[Desk]:
    opened = open_desk(AppPaths(tmp_path / "venue-laptop").ensure(), clock=clock)
    yield opened
    opened.close()


def file_bytes(desk: Desk) -> bytes:
    path = desk.db.sqlite_path
    assert path is not None
    data = path.read_bytes()
    for suffix in ("-wal", "-journal"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            data += extra.read_bytes()
    return data


def count(desk: Desk, model: type, *where: object) -> int:
    with desk.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


def send_bundle(venue: Desk, office: Desk) -> object:
    bundle = office.packs.open_bundle(venue.packs.export_bundle(PASSPHRASE).data, PASSPHRASE)
    [result] = office.packs.merge_bundles([bundle])
    return result


def set_up_venue(office: Desk, venue: Desk) -> tuple[str, str]:
    event_id = office.events.create(venue_event()).id
    sam = office.registrations.register(
        event_id, PersonDraft("Sam Lee", email="sam.lee@example.org", consent_store=True)
    )
    assert sam.ticket_code
    venue.packs.import_pack(office.packs.export_pack(event_id, PASSPHRASE).data, PASSPHRASE)
    return event_id, sam.ticket_code


def test_an_erased_walk_in_is_not_brought_back_by_a_later_bundle(
    desk: Desk, venue: Desk, clock: FakeClock
) -> None:
    office = desk
    event_id, sam_code = set_up_venue(office, venue)
    walk_in = venue.registrations.walk_in(event_id, WALK_IN, WALK_IN_EMAIL)
    venue.voices.add_comment(event_id, COMMENT, registration_id=walk_in.id)
    send_bundle(venue, office)
    assert count(office, Person, Person.full_name == WALK_IN) == 1

    # She asks the office to erase her; the venue laptop carries on and sends again.
    office.privacy.erase_person(WALK_IN_EMAIL)
    clock.advance(minutes=20)
    assert venue.check_in.scan(event_id, sam_code).outcome is Outcome.ADMITTED
    result = send_bundle(venue, office)

    assert result.erased_not_restored == 1  # type: ignore[attr-defined]
    assert result.kept_without_erased >= 1  # type: ignore[attr-defined]
    assert any("not brought back" in line for line in describe_merge(result))  # type: ignore[arg-type]
    assert count(office, Person, Person.full_name == WALK_IN) == 0
    with pytest.raises(NotFound):
        office.privacy.export_person(WALK_IN_EMAIL)
    raw = file_bytes(office)
    for secret in (WALK_IN, WALK_IN_EMAIL, "Barnaby"):
        assert secret.encode() not in raw
    # The counts stand: she and Sam both came, Sam's check-in arrived with the second bundle.
    assert count(office, CheckIn, CheckIn.event_id == event_id, CheckIn.undone_at.is_(None)) == 2
    with office.db.session() as s:
        assert s.scalars(select(Comment.text)).one() == ERASED_TEXT
        assert s.get_one(Registration, walk_in.id).person_id is None


def test_a_bundle_with_a_comment_by_someone_erased_meanwhile_keeps_it_without_them(
    desk: Desk, venue: Desk
) -> None:
    office = desk
    event_id, _ = set_up_venue(office, venue)
    walk_in = venue.registrations.walk_in(event_id, WALK_IN, WALK_IN_EMAIL)
    send_bundle(venue, office)
    office.privacy.erase_person(WALK_IN_EMAIL)
    # Said after the first bundle left, so it reaches the office after the erasure.
    venue.voices.add_comment(event_id, COMMENT, registration_id=walk_in.id)

    send_bundle(venue, office)

    with office.db.session() as s:
        comment = s.scalars(select(Comment)).one()
    assert (comment.text, comment.registration_id, comment.quote_permission) == (
        ERASED_TEXT,
        None,
        False,
    )
    assert b"Barnaby" not in file_bytes(office)


def test_a_person_erased_at_the_office_is_erased_on_the_venue_laptop_by_the_next_pack(
    desk: Desk, venue: Desk
) -> None:
    office = desk
    event_id, _ = set_up_venue(office, venue)
    assert count(venue, Person, Person.full_name == "Sam Lee") == 1

    erased = office.privacy.erase_person("sam.lee@example.org")
    taken = venue.packs.import_pack(office.packs.export_pack(event_id, PASSPHRASE).data, PASSPHRASE)

    assert taken.erased == 1
    assert count(venue, Person) == 0
    assert count(venue, Tombstone, Tombstone.person_id == erased.person_id) == 1
    assert b"Sam Lee" not in file_bytes(venue)
    # The registration stays (the door still counts the ticket), without Sam.
    assert count(venue, Registration, Registration.person_id.is_(None)) == 1


def test_an_erasure_at_the_venue_reaches_the_office_with_the_bundle(
    desk: Desk, venue: Desk
) -> None:
    office = desk
    set_up_venue(office, venue)

    with venue.db.session() as s:
        sam_id = s.scalars(select(Person.id).where(Person.full_name == "Sam Lee")).one()
    venue.privacy.erase_person(sam_id)  # the venue has no emails: by id, from the list
    result = send_bundle(venue, office)

    assert result.erased_here == 1  # type: ignore[attr-defined]
    assert count(office, Person, Person.full_name == "Sam Lee") == 0
    assert b"sam.lee@example.org" not in file_bytes(office)


def test_a_tombstone_is_the_id_and_the_time_and_nothing_else(desk: Desk, clock: FakeClock) -> None:
    event_id = desk.events.create(venue_event()).id
    desk.registrations.walk_in(event_id, WALK_IN, WALK_IN_EMAIL)

    erased = desk.privacy.erase_person(WALK_IN_EMAIL)

    assert desk.privacy.tombstones() == {erased.person_id: clock.now}
    assert [c.name for c in Tombstone.__table__.columns] == ["person_id", "erased_at"]


def test_the_retention_purge_leaves_tombstones_too(desk: Desk) -> None:
    old = desk.events.create(
        venue_event("Old event", starts_at=datetime(2024, 10, 1, 9, tzinfo=UTC))
    ).id
    gone = desk.registrations.walk_in(old, WALK_IN, WALK_IN_EMAIL)

    assert desk.privacy.purge_expired().people == 1

    assert set(desk.privacy.tombstones()) == {gone.person_id}


def test_a_merge_preview_changes_nothing_and_says_what_the_merge_will_do(
    desk: Desk, venue: Desk
) -> None:
    office = desk
    event_id, _ = set_up_venue(office, venue)
    venue.registrations.walk_in(event_id, WALK_IN, WALK_IN_EMAIL)
    bundle = office.packs.open_bundle(venue.packs.export_bundle(PASSPHRASE).data, PASSPHRASE)
    before = file_bytes(office)

    [preview] = office.packs.preview_merge([bundle])

    assert preview.added["people"] == 1 and preview.added["check_ins"] == 1
    assert count(office, Person, Person.full_name == WALK_IN) == 0
    assert file_bytes(office) == before
    [merged] = office.packs.merge_bundles([bundle])
    assert merged.added == preview.added
