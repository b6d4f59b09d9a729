"""Changes made at the door come home: a person's details edited on venue laptops reach the
office with the bundle, detail by detail, the later change winning, and every detail changed
on two sides since they last agreed is listed in the merge report."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from engagement_desk.bootstrap import Desk, open_desk
from engagement_desk.core.people import PersonDraft
from engagement_desk.db.models import Person
from engagement_desk.paths import AppPaths
from engagement_desk.services.packs import MergeResult, describe_merge, merge_details
from engagement_desk.services.registrations import note_changes
from tests.conftest import FakeClock
from tests.unit.conftest import venue_event

PASSPHRASE = "bury town hall saturday"
JO = PersonDraft(
    "Jo Bloggs",
    email="jo.bloggs@example.org",
    child_age_band="5-10",
    ehcp_status="Has an EHCP",
    consent_store=True,
    consent_special_category=True,
    consent_quote=True,
    consent_future_contact=True,
)


def laptop(tmp_path: Path, clock: FakeClock, name: str) -> Desk:
    """A laptop with its own data folder and a name of its own (not the test machine's)."""
    paths = AppPaths(tmp_path / name).ensure()
    identity = {"id": str(uuid.uuid4()), "name": name.replace("-", " ").capitalize()}
    paths.device_file.write_text(json.dumps(identity), encoding="utf-8")
    return open_desk(paths, clock=clock)


def office_copy(office: Desk, tmp_path: Path, clock: FakeClock) -> Desk:
    """The office database as it is now, in a second data folder."""
    copy = AppPaths(tmp_path / "office-copy").ensure()
    office.db.backup(copy.default_database_file)
    return open_desk(copy, clock=clock)


@pytest.fixture
def front(tmp_path: Path, clock: FakeClock) -> Iterator[Desk]:
    opened = laptop(tmp_path, clock, "front-door")
    yield opened
    opened.close()


@pytest.fixture
def side(tmp_path: Path, clock: FakeClock) -> Iterator[Desk]:
    opened = laptop(tmp_path, clock, "side-door")
    yield opened
    opened.close()


def set_up(office: Desk, *laptops: Desk) -> tuple[str, str]:
    """An event with Jo booked at the office, packed to each laptop: (event id, Jo's id)."""
    event_id = office.events.create(venue_event()).id
    jo = office.registrations.register(event_id, JO)
    assert jo.person_id is not None
    pack = office.packs.export_pack(event_id, PASSPHRASE).data
    for desk in laptops:
        desk.packs.import_pack(pack, PASSPHRASE)
    return event_id, jo.person_id


def edit(desk: Desk, person_id: str, **changes: Any) -> None:
    draft = desk.registrations.person(person_id).draft
    desk.registrations.update_person(person_id, replace(draft, **changes))


def send(laptops: list[Desk], office: Desk) -> list[MergeResult]:
    bundles = [
        office.packs.open_bundle(desk.packs.export_bundle(PASSPHRASE).data, PASSPHRASE)
        for desk in laptops
    ]
    return office.packs.merge_bundles(bundles)


def details(desk: Desk, person_id: str) -> PersonDraft:
    return desk.registrations.person(person_id).draft


def test_access_needs_a_corrected_name_and_a_withdrawn_consent_come_home(
    desk: Desk, front: Desk, clock: FakeClock
) -> None:
    office = desk
    _, jo = set_up(office, front)
    before = details(office, jo)
    assert before.child_age_band and before.ehcp_status
    clock.advance(days=7)
    edit(front, jo, access_needs=("wheelchair access",), access_notes="Seat near the door.")
    edit(front, jo, full_name="Joanne Bloggs")
    edit(front, jo, consent_quote=False)

    [result] = send([front], office)

    got = details(office, jo)
    assert got.access_needs == ("wheelchair access",)
    assert got.access_notes == "Seat near the door."
    assert got.full_name == "Joanne Bloggs"
    assert got.consent_quote is False
    # What the door never had stays as the office has it.
    assert got.email == "jo.bloggs@example.org"
    assert (got.child_age_band, got.ehcp_status) == (before.child_age_band, before.ehcp_status)
    assert got.consent_future_contact is True
    assert result.details_updated == 1 and result.conflicts == []
    assert result.added.get("people", 0) == 0
    assert any("Details of 1 person here changed" in line for line in describe_merge(result))
    # A name search finds the corrected name.
    assert [r.person_id for r in office.registrations.search(None, "joanne")] == [jo]

    again = send([front], office)[0]
    assert again.details_updated == 0 and again.conflicts == []
    assert "Nothing new" in " ".join(describe_merge(again))


def test_edits_on_two_laptops_to_the_same_person_are_a_listed_conflict_in_either_order(
    desk: Desk, front: Desk, side: Desk, clock: FakeClock, tmp_path: Path
) -> None:
    office = desk
    _, jo = set_up(office, front, side)
    clock.advance(hours=1)
    edit(front, jo, access_notes="Needs a quiet room.")
    clock.advance(minutes=5)
    edit(side, jo, access_notes="Uses a hearing loop.", role="young person")
    bundles = [
        front.packs.export_bundle(PASSPHRASE).data,
        side.packs.export_bundle(PASSPHRASE).data,
    ]
    # The office twice: front then side here, side then front in a copy.
    copy = office_copy(office, tmp_path, clock)
    try:
        one = [office.packs.open_bundle(b, PASSPHRASE) for b in bundles]
        first_order = office.packs.merge_bundles(one)
        two = [copy.packs.open_bundle(b, PASSPHRASE) for b in reversed(bundles)]
        second_order = copy.packs.merge_bundles(two)
        here, there = details(office, jo), details(copy, jo)
        again = office.packs.merge_bundles(
            [office.packs.open_bundle(b, PASSPHRASE) for b in bundles]
        )
    finally:
        copy.close()

    assert here == there  # the same office data whichever bundle came first
    assert here.access_notes == "Uses a hearing loop."  # the later change
    assert here.role == "young person"  # changed on one laptop only: no conflict
    for results in (first_order, second_order):
        (conflict,) = [c for r in results for c in r.conflicts]
        assert (conflict.person_id, conflict.detail) == (jo, "access_notes")
        assert conflict.kept_from == side.device.name
        assert conflict.other_from == front.device.name
        lines = [line for r in results for line in describe_merge(r)]
        assert any(f"Person {jo}, access notes" in line for line in lines)
        assert not any("Jo Bloggs" in line for line in lines)  # ids, never names
    # Listed once: merging the same bundles again lists nothing more.
    assert [r.conflicts for r in again] == [[], []]


def test_an_office_change_and_a_door_change_to_the_same_detail_conflict_the_later_wins(
    desk: Desk, front: Desk, clock: FakeClock
) -> None:
    office = desk
    _, jo = set_up(office, front)
    clock.advance(minutes=30)
    edit(front, jo, access_needs=("hearing loop",))
    clock.advance(minutes=30)
    edit(office, jo, access_needs=("BSL or other interpreter",), phone="01615550100")

    [result] = send([front], office)

    assert details(office, jo).access_needs == (
        "BSL or other interpreter",
    )  # the office's was later
    assert details(office, jo).phone == "01615550100"
    (conflict,) = result.conflicts
    assert conflict.detail == "access_needs"
    assert conflict.kept_from == office.device.name
    assert conflict.other_from == front.device.name


def test_a_detail_changed_only_at_the_office_after_the_pack_is_not_undone_by_the_bundle(
    desk: Desk, front: Desk, clock: FakeClock
) -> None:
    office = desk
    event_id, jo = set_up(office, front)
    clock.advance(minutes=10)
    edit(office, jo, full_name="Jo Bloggs-Smith")
    clock.advance(minutes=10)
    edit(front, jo, access_notes="Arrives late.")
    front.registrations.walk_in(event_id, "Wendy Walkin", "wendy@example.org")

    [result] = send([front], office)

    got = details(office, jo)
    assert (got.full_name, got.access_notes) == ("Jo Bloggs-Smith", "Arrives late.")
    assert result.conflicts == [] and result.added["people"] == 1


def test_a_consent_withdrawn_at_the_door_drops_the_child_details_the_door_never_saw(
    desk: Desk, front: Desk, clock: FakeClock
) -> None:
    office = desk
    _, jo = set_up(office, front)
    assert details(front, jo).child_age_band is None  # the pack never carries them
    clock.advance(minutes=10)
    edit(front, jo, consent_special_category=False)

    send([front], office)

    got = details(office, jo)
    assert got.consent_special_category is False
    assert (got.child_age_band, got.ehcp_status) == (None, None)


def test_a_new_pack_keeps_what_was_changed_at_the_door_and_brings_the_offices_changes(
    desk: Desk, front: Desk, clock: FakeClock
) -> None:
    office = desk
    event_id, jo = set_up(office, front)
    clock.advance(minutes=10)
    edit(front, jo, access_notes="Seat near the door.")
    clock.advance(minutes=10)
    edit(office, jo, full_name="Jo Bloggs-Smith")

    taken = front.packs.import_pack(office.packs.export_pack(event_id, PASSPHRASE).data, PASSPHRASE)

    got = details(front, jo)
    assert (got.full_name, got.access_notes) == ("Jo Bloggs-Smith", "Seat near the door.")
    assert taken.conflicts == ()


def test_a_person_erased_at_the_office_and_edited_at_the_door_afterwards_stays_erased(
    desk: Desk, front: Desk, clock: FakeClock
) -> None:
    office = desk
    _, jo = set_up(office, front)
    office.privacy.erase_person(jo)
    clock.advance(minutes=10)
    edit(front, jo, full_name="Josephine Quexborough-Bloggs")

    [result] = send([front], office)

    assert result.erased_not_restored == 1 and result.details_updated == 0
    with office.db.session() as s:
        assert s.get(Person, jo) is None
    path = office.db.sqlite_path
    assert path is not None
    raw = b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())
    assert b"Quexborough" not in raw


def test_change_times_are_noted_only_on_details_that_changed(desk: Desk, clock: FakeClock) -> None:
    event_id = desk.events.create(venue_event()).id
    jo = desk.registrations.register(event_id, JO).person_id
    assert jo is not None
    with desk.db.session() as s:
        assert s.get_one(Person, jo).field_changes == {}  # as made: nothing changed yet
    clock.advance(minutes=1)
    edit(desk, jo, access_notes="Seat near the door.")
    with desk.db.session() as s:
        noted = s.get_one(Person, jo).field_changes
    assert noted == {
        "access_notes": {"at": clock.now.isoformat(), "by": desk.device.id, "was": None}
    }


# ---- the rule on its own ---------------------------------------------------------


def at(minute: int) -> str:
    return datetime(2026, 4, 22, 10, minute, tzinfo=UTC).isoformat()


def entry(minute: int, by: str, was: int | None = None) -> dict[str, Any]:
    return {"at": at(minute), "by": by, "was": None if was is None else at(was)}


LAPTOP = {"laptop"}


@pytest.mark.parametrize(
    ("ours", "theirs", "here_value", "taken", "conflict"),
    [
        # Only the laptop changed it: taken, no conflict.
        (None, entry(10, "laptop"), "old", True, False),
        # The office changed it after the laptop's change was made, from the same base.
        (entry(20, "office"), entry(10, "laptop"), "office's", False, True),
        # The office changed it first, the laptop later, neither having seen the other.
        (entry(5, "office"), entry(10, "laptop"), "office's", True, True),
        # The laptop changed it after seeing the office's change: no conflict.
        (entry(5, "office"), entry(10, "laptop", was=5), "office's", True, False),
        # The laptop only passes on what the office already has.
        (entry(5, "office"), entry(5, "office"), "same", False, False),
        # Another laptop's change arrived here first; this laptop never saw it.
        (entry(7, "other laptop"), entry(10, "laptop"), "other's", True, True),
        # This laptop's earlier change, already here, changed again: no conflict.
        (entry(7, "laptop"), entry(10, "laptop"), "first", True, False),
        # The same new value on both sides is no conflict.
        (entry(7, "office"), entry(10, "laptop"), "new", True, False),
        # A change the laptop only carries (made elsewhere, older than ours): ours stays.
        (entry(9, "office"), entry(4, "other laptop"), "office's", False, False),
    ],
)
def test_merge_details_table(
    ours: dict[str, Any] | None,
    theirs: dict[str, Any],
    here_value: str,
    taken: bool,
    conflict: bool,
) -> None:
    merged = merge_details(
        {"access_notes": here_value},
        {"access_notes": ours} if ours else {},
        {"access_notes": "new"},
        {"access_notes": theirs},
        LAPTOP,
    )
    assert merged.changes["access_notes"] == (theirs if taken else ours)
    assert ("access_notes" in merged.values) is (taken and here_value != "new")
    assert bool(merged.conflicts) is conflict


def test_a_detail_nobody_changed_is_taken_from_a_pack_but_never_from_a_bundle() -> None:
    here, there = {"full_name": "Jo"}, {"full_name": "Joanne"}
    assert merge_details(here, {}, there, {}, LAPTOP).values == {}
    assert merge_details(here, {}, there, {}, LAPTOP, take_unrecorded=True).values == there


def test_note_changes_remembers_the_last_change_seen_from_elsewhere() -> None:
    first = note_changes({}, ["role"], datetime(2026, 4, 22, 10, 0, tzinfo=UTC), "laptop")
    assert first["role"]["was"] is None
    again = note_changes(first, ["role"], datetime(2026, 4, 22, 10, 5, tzinfo=UTC), "laptop")
    assert again["role"]["was"] is None  # still the base the laptop last saw
    office = note_changes(again, ["role"], datetime(2026, 4, 22, 11, 0, tzinfo=UTC), "office")
    assert office["role"]["was"] == again["role"]["at"]
