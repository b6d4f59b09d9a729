"""A laptop that never forgets who it is: atomic identity file, backup copy, recovery."""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path

import pytest

from engagement_desk.bootstrap import Desk, open_desk
from engagement_desk.core.people import PersonDraft
from engagement_desk.paths import AppPaths
from engagement_desk.services.devices import (
    IdentityLost,
    backup_copy_of,
    load_or_create_device,
)
from engagement_desk.services.packs import Bundle
from tests.conftest import FakeClock
from tests.e2e.conftest import run_cli
from tests.unit.conftest import venue_event

PASSPHRASE = "bury town hall saturday"
DAMAGE = ("", "not json", '{"id": "not-a-uuid", "name": "x"}', "[]", '{"name": "x"}', "\x00\x00")


def test_the_identity_file_and_its_backup_copy_are_written_whole(tmp_path: Path) -> None:
    path = tmp_path / "home" / "device.json"

    first = load_or_create_device(path)

    assert load_or_create_device(path) == first
    for written in (path, backup_copy_of(path)):
        assert json.loads(written.read_text(encoding="utf-8")) == {
            "id": first.id,
            "name": first.name,
        }
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".partial")] == []


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_file_is_recovered_from_its_backup_copy(
    tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "device.json"
    first = load_or_create_device(path)
    path.write_text(damage, encoding="utf-8")

    with caplog.at_level(logging.WARNING):
        again = load_or_create_device(path)

    assert again == first
    assert "IDENTITY RECOVERED" in caplog.text and "backup copy" in caplog.text
    assert json.loads(path.read_text(encoding="utf-8"))["id"] == first.id  # repaired


def test_a_lost_backup_copy_is_written_again(tmp_path: Path) -> None:
    path = tmp_path / "device.json"
    first = load_or_create_device(path)
    backup_copy_of(path).unlink()

    assert load_or_create_device(path) == first
    assert json.loads(backup_copy_of(path).read_text(encoding="utf-8"))["id"] == first.id


def test_damaged_with_nothing_to_recover_from_is_refused_unless_the_user_agrees(
    tmp_path: Path,
) -> None:
    path = tmp_path / "device.json"
    path.write_text("not json", encoding="utf-8")

    with pytest.raises(IdentityLost, match=r"damaged.*Nothing was changed"):
        load_or_create_device(path)
    assert path.read_text(encoding="utf-8") == "not json"  # left for the user to look at

    fresh = load_or_create_device(path, start_afresh=True)
    assert uuid.UUID(fresh.id)
    assert load_or_create_device(path) == fresh


def test_reading_with_a_damaged_file_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "device.json"
    path.write_text("not json", encoding="utf-8")

    load_or_create_device(path, create=False)

    assert path.read_text(encoding="utf-8") == "not json"
    assert not backup_copy_of(path).exists()


def venue_with_a_morning(home: Path, office: Desk, clock: FakeClock) -> tuple[Desk, str]:
    """A venue laptop that imported the pack and took two walk-ins: its desk and event."""
    event_id = office.events.create(venue_event()).id
    pack = office.packs.export_pack(event_id, PASSPHRASE)
    venue = open_desk(AppPaths(home).ensure(), clock=clock)
    venue.packs.import_pack(pack.data, PASSPHRASE)
    venue.registrations.walk_in(event_id, "Morning Walkin", "morning@example.org")
    venue.registrations.walk_in(event_id, "Early Bird", "early@example.org")
    return venue, event_id


def bundle_of(venue: Desk, office: Desk) -> Bundle:
    return office.packs.open_bundle(venue.packs.export_bundle(PASSPHRASE).data, PASSPHRASE)


def test_identity_recovered_from_the_database_and_the_next_bundle_carries_the_morning(
    tmp_path: Path, desk: Desk, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    home = tmp_path / "venue"
    venue, event_id = venue_with_a_morning(home, desk, clock)
    before = venue.device
    venue.close()
    paths = AppPaths(home)
    paths.device_file.write_text("{garbled", encoding="utf-8")
    backup_copy_of(paths.device_file).unlink()

    with caplog.at_level(logging.WARNING):
        venue = open_desk(paths.ensure(), clock=clock)
    try:
        assert venue.device == before
        assert "IDENTITY RECOVERED" in caplog.text and "own database" in caplog.text
        venue.registrations.walk_in(event_id, "Afternoon Walkin", "afternoon@example.org")
        bundle = bundle_of(venue, desk)
    finally:
        venue.close()

    assert bundle.device_id == before.id
    names = sorted(p["full_name"] for p in bundle.rows["people"])
    assert names == ["Afternoon Walkin", "Early Bird", "Morning Walkin"]
    assert len(bundle.rows["check_ins"]) == 3
    [result] = desk.packs.merge_bundles([bundle])
    assert result.added["check_ins"] == 3


def test_a_laptop_that_became_a_new_device_still_sends_what_it_captured_before(
    tmp_path: Path, desk: Desk, clock: FakeClock
) -> None:
    home = tmp_path / "venue"
    venue, event_id = venue_with_a_morning(home, desk, clock)
    old_id = venue.device.id
    venue.close()
    paths = AppPaths(home)
    for path in (paths.device_file, backup_copy_of(paths.device_file)):
        path.write_text("{garbled", encoding="utf-8")

    # Both copies damaged: the database still knows the laptop, so no question is needed...
    venue = open_desk(paths.ensure(), clock=clock)
    assert venue.device.id == old_id
    venue.close()
    # ...and even a laptop that was made a new device (as older versions did) sends it all.
    paths.device_file.unlink()
    backup_copy_of(paths.device_file).unlink()
    (paths.home / "device.json").write_text(
        json.dumps({"id": str(uuid.uuid4()), "name": "Replaced"}), encoding="utf-8"
    )
    venue = open_desk(paths.ensure(), clock=clock)
    try:
        assert venue.device.id != old_id
        venue.registrations.register(
            event_id, PersonDraft("Later Booking", email="later@example.org", consent_store=True)
        )
        bundle = bundle_of(venue, desk)
    finally:
        venue.close()

    names = sorted(p["full_name"] for p in bundle.rows["people"])
    assert names == ["Early Bird", "Later Booking", "Morning Walkin"]
    assert {c["device_id"] for c in bundle.rows["check_ins"]} == {old_id}


def test_the_command_line_refuses_a_damaged_identity_with_a_plain_message(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "device.json").write_text("not json", encoding="utf-8")

    result = run_cli(
        "events",
        "add",
        "--title",
        "Coffee morning",
        "--kind",
        "drop-in",
        "--start",
        "2026-05-02T10:00",
        "--end",
        "2026-05-02T12:00",
        "--venue",
        "Bury Library",
        data_dir=home,
    )

    assert result.code == 1
    assert "identity file" in result.err and "Nothing was changed" in result.err
    assert "Traceback" not in result.err
    assert (home / "device.json").read_text(encoding="utf-8") == "not json"
