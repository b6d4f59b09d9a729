"""Packs and bundles that survive an upgrade: every field named, the database revision in the
file, older files read with later fields defaulted, newer ones refused in plain words."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from engagement_desk.bootstrap import Desk, open_desk
from engagement_desk.core.checkin import Outcome
from engagement_desk.core.packing import PackKind, open_sealed, seal
from engagement_desk.core.people import PersonDraft
from engagement_desk.db.database import shipped_head_revision
from engagement_desk.db.models import CheckIn, Event, Person, Priority, Registration
from engagement_desk.paths import AppPaths
from engagement_desk.services.errors import UserError
from engagement_desk.services.packs import (
    BUNDLE_FORMAT,
    BUNDLE_ROWS,
    PACK_FORMAT,
    PACK_ROWS,
    shipped_revisions,
)
from tests.conftest import FakeClock
from tests.unit.conftest import venue_event

PASSPHRASE = "bury town hall saturday"
NEWER = "made by a newer version of Engagement Desk"

# Columns that never travel, and why. A new column must be added to a field list (with the
# default older files are read with) or here: this test fails until someone decides.
KEPT_AT_HOME = {
    ("programme", "signing_private_key"),  # never leaves the office
    ("person", "email"),  # the door gets no contact or child details
    ("person", "phone"),
    ("person", "postcode_district"),
    ("person", "child_age_band"),
    ("person", "child_setting"),
    ("person", "ehcp_status"),
    ("person", "need_areas"),
    ("person", "search_text"),  # rebuilt wherever the person lands
}


@pytest.fixture
def venue(tmp_path: Path, clock: FakeClock) -> Iterator[Desk]:
    opened = open_desk(AppPaths(tmp_path / "venue-laptop").ensure(), clock=clock)
    yield opened
    opened.close()


def count(desk: Desk, model: type, *where: object) -> int:
    with desk.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


def reseal(kind: PackKind, data: bytes, change: Callable[[dict[str, Any]], None]) -> bytes:
    payload = json.loads(open_sealed(kind, data, PASSPHRASE))
    change(payload)
    return seal(kind, json.dumps(payload).encode("utf-8"), PASSPHRASE)


def as_before_migrations_6_to_8(payload: dict[str, Any]) -> None:
    """A pack as Engagement Desk wrote it at revision 0005: format 1, raw columns of the
    time, no revision stamp, none of the fields added since."""
    payload["format"] = 1
    del payload["schema"]
    for priority in payload["priorities"]:
        del priority["easy_read"]  # migration 0007
    for registration in payload["registrations"]:
        del registration["ticket_sent_at"], registration["reminder_sent_at"]  # 0006
    for person in payload["people"]:
        del person["field_changes"]  # 0008


def office_event(office: Desk) -> tuple[str, str]:
    event_id = office.events.create(venue_event()).id
    jo = office.registrations.register(
        event_id, PersonDraft("Jo Bloggs", email="jo@example.org", consent_store=True)
    )
    assert jo.ticket_code
    return event_id, jo.ticket_code


def test_every_column_travels_by_name_or_is_kept_at_home_on_purpose() -> None:
    named: dict[str, set[str]] = {}
    for fields in (*PACK_ROWS.values(), *BUNDLE_ROWS.values()):
        named.setdefault(fields.table.name, set()).update(fields.names)
        assert set(fields.names) <= set(fields.table.c.keys()), fields.table.name
    for table, names in named.items():
        columns = set(fields_table(table).c.keys())
        left_out = {column for t, column in KEPT_AT_HOME if t == table}
        if table == "person":
            left_out -= set(BUNDLE_ROWS["people"].names)  # a laptop's own people go whole
        assert columns - names == left_out, table


def fields_table(name: str) -> Any:
    for fields in (*PACK_ROWS.values(), *BUNDLE_ROWS.values()):
        if fields.table.name == name:
            return fields.table
    raise AssertionError(name)


def test_a_pack_says_its_format_and_the_database_revision_it_was_made_at(desk: Desk) -> None:
    event_id, _ = office_event(desk)

    pack = desk.packs.export_pack(event_id, PASSPHRASE)

    payload = json.loads(open_sealed(PackKind.EVENT_PACK, pack.data, PASSPHRASE))
    assert payload["format"] == PACK_FORMAT == 2
    assert payload["schema"] == shipped_head_revision()
    assert payload["schema"] in shipped_revisions()
    assert set(payload["people"][0]) == set(PACK_ROWS["people"].names)


def test_a_pack_made_before_a_migration_imports_after_it(desk: Desk, venue: Desk) -> None:
    office = desk
    event_id, code = office_event(office)
    old = reseal(
        PackKind.EVENT_PACK,
        office.packs.export_pack(event_id, PASSPHRASE).data,
        as_before_migrations_6_to_8,
    )

    taken = venue.packs.import_pack(old, PASSPHRASE)

    assert taken.registrations == 1
    assert venue.check_in.scan(event_id, code).outcome is Outcome.ADMITTED
    with venue.db.session() as s:
        # Fields added later are there, with their defaults.
        assert {p.easy_read for p in s.scalars(select(Priority))} == {""}
        person = s.scalars(select(Person)).one()
        assert (person.full_name, person.field_changes) == ("Jo Bloggs", {})
        registration = s.scalars(select(Registration)).one()
        assert registration.ticket_sent_at is None


def test_a_pack_from_an_office_at_an_older_revision_imports(desk: Desk, venue: Desk) -> None:
    event_id, _ = office_event(desk)

    def at_0007(payload: dict[str, Any]) -> None:
        payload["schema"] = "0007_priority_easy_read"
        for person in payload["people"]:
            del person["field_changes"]

    older = reseal(PackKind.EVENT_PACK, desk.packs.export_pack(event_id, PASSPHRASE).data, at_0007)

    assert venue.packs.import_pack(older, PASSPHRASE).people == 1


def test_a_bundle_made_before_a_migration_merges_after_it(desk: Desk, venue: Desk) -> None:
    office = desk
    event_id, code = office_event(office)
    venue.packs.import_pack(office.packs.export_pack(event_id, PASSPHRASE).data, PASSPHRASE)
    venue.check_in.scan(event_id, code)
    venue.registrations.walk_in(event_id, "Wendy Walkin", "wendy@example.org")

    def as_format_1(payload: dict[str, Any]) -> None:
        payload["format"] = 1
        del payload["schema"]
        del payload["device"]["ids"]
        for registration in payload["rows"]["registrations"]:
            del registration["ticket_sent_at"], registration["reminder_sent_at"]
        for person in payload["rows"]["people"]:
            del person["field_changes"]

    old = reseal(PackKind.DEVICE_BUNDLE, venue.packs.export_bundle(PASSPHRASE).data, as_format_1)

    [result] = office.packs.merge_bundles([office.packs.open_bundle(old, PASSPHRASE)])

    assert result.added["people"] == 1 and result.added["check_ins"] == 2
    assert count(office, Person, Person.full_name == "Wendy Walkin") == 1
    assert count(office, CheckIn, CheckIn.undone_at.is_(None)) == 2


@pytest.mark.parametrize(
    "newer",
    [
        pytest.param({"format": PACK_FORMAT + 1}, id="newer-format"),
        pytest.param({"schema": "0031_something_to_come"}, id="newer-revision"),
    ],
)
def test_a_pack_from_a_newer_version_is_refused_in_plain_words(
    desk: Desk, venue: Desk, newer: dict[str, Any]
) -> None:
    event_id, _ = office_event(desk)
    data = reseal(
        PackKind.EVENT_PACK,
        desk.packs.export_pack(event_id, PASSPHRASE).data,
        lambda payload: payload.update(newer),
    )

    with pytest.raises(UserError) as refused:
        venue.packs.import_pack(data, PASSPHRASE)

    message = str(refused.value)
    assert NEWER in message and "Update this laptop" in message
    assert "Nothing was imported." in message
    assert "clashes" not in message and "another id" not in message
    assert count(venue, Event) == 0 and count(venue, Person) == 0


def test_a_pack_whose_rows_carry_a_field_from_a_newer_version_is_refused_as_newer(
    desk: Desk, venue: Desk
) -> None:
    """A newer version adds a field to people: its pack says so by its revision."""
    event_id, _ = office_event(desk)

    def newer(payload: dict[str, Any]) -> None:
        payload["schema"] = "0009_people_pronouns"
        for person in payload["people"]:
            person["pronouns"] = "she/her"

    data = reseal(PackKind.EVENT_PACK, desk.packs.export_pack(event_id, PASSPHRASE).data, newer)

    with pytest.raises(UserError, match=NEWER):
        venue.packs.import_pack(data, PASSPHRASE)
    assert count(venue, Person) == 0


def test_a_bundle_from_a_newer_version_is_refused_in_plain_words(desk: Desk, venue: Desk) -> None:
    event_id, _ = office_event(desk)
    venue.packs.import_pack(desk.packs.export_pack(event_id, PASSPHRASE).data, PASSPHRASE)
    data = reseal(
        PackKind.DEVICE_BUNDLE,
        venue.packs.export_bundle(PASSPHRASE).data,
        lambda payload: payload.update(format=BUNDLE_FORMAT + 1),
    )

    with pytest.raises(UserError, match=NEWER) as refused:
        desk.packs.open_bundle(data, PASSPHRASE)
    assert "Nothing was merged." in str(refused.value)


def test_an_unknown_field_at_a_known_revision_is_an_unreadable_file_not_a_clash(
    desk: Desk, venue: Desk
) -> None:
    event_id, _ = office_event(desk)

    def tampered(payload: dict[str, Any]) -> None:
        payload["event"]["secret_column"] = 1

    data = reseal(PackKind.EVENT_PACK, desk.packs.export_pack(event_id, PASSPHRASE).data, tampered)

    with pytest.raises(UserError, match="not what Engagement Desk expects"):
        venue.packs.import_pack(data, PASSPHRASE)


def test_a_field_the_first_format_always_had_cannot_be_missing(desk: Desk, venue: Desk) -> None:
    event_id, _ = office_event(desk)

    def damaged(payload: dict[str, Any]) -> None:
        del payload["registrations"][0]["ticket_id"]

    data = reseal(PackKind.EVENT_PACK, desk.packs.export_pack(event_id, PASSPHRASE).data, damaged)

    with pytest.raises(UserError, match="not what Engagement Desk expects"):
        venue.packs.import_pack(data, PASSPHRASE)
    assert count(venue, Registration) == 0
