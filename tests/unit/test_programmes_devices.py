"""The programme seed and this laptop's identity."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from sqlalchemy import select

from engagement_desk.bootstrap import Desk, open_desk
from engagement_desk.db.models import Device
from engagement_desk.paths import AppPaths
from engagement_desk.services.devices import DeviceIdentity, DeviceService, load_or_create_device
from engagement_desk.services.programmes import SEED_PRIORITIES, ProgrammeService


def test_programme_is_bury_with_its_priorities_in_order(desk: Desk) -> None:
    programme = desk.programmes.current()

    assert programme.name == "Bury SEND Transformation Programme"
    assert programme.area == "Bury"
    assert [(p.position, p.title, p.description) for p in programme.priorities] == [
        (n, title, text) for n, (title, text) in enumerate(SEED_PRIORITIES, start=1)
    ]
    assert list(programme.themes) == sorted(programme.themes)


def test_programme_service_seeds_a_database_on_first_use(desk: Desk) -> None:
    # A second service on the same database finds the programme rather than adding one.
    other = ProgrammeService(desk.db)

    assert other.ensure_seeded() == desk.programmes.current().id
    assert other.current() == desk.programmes.current()


def test_device_file_is_created_once_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "home" / "device.json"

    first = load_or_create_device(path)
    again = load_or_create_device(path)

    assert first == again
    assert uuid.UUID(first.id)
    assert first.name
    assert json.loads(path.read_text(encoding="utf-8")) == {"id": first.id, "name": first.name}


def test_laptop_is_recorded_in_the_database(desk: Desk) -> None:
    with desk.db.session() as s:
        [row] = s.scalars(select(Device))
    assert (row.id, row.name) == (desk.device.id, desk.device.name)
    assert desk.devices.name_of(desk.device.id) == desk.device.name
    assert desk.devices.name_of(str(uuid.uuid4())) == "another laptop"


def test_renamed_laptop_is_updated_not_duplicated(desk: Desk) -> None:
    renamed = DeviceIdentity(desk.device.id, "Front door laptop")

    DeviceService(desk.db, renamed).announce()
    DeviceService(desk.db, DeviceIdentity(str(uuid.uuid4()), "Kiosk")).announce()

    with desk.db.session() as s:
        names = sorted(row.name for row in s.scalars(select(Device)))
    assert names == ["Front door laptop", "Kiosk"]
    assert desk.devices.name_of(desk.device.id) == "Front door laptop"


def test_reopening_keeps_the_same_laptop_identity(desk: Desk, paths: AppPaths) -> None:
    desk.close()

    reopened = open_desk(paths)
    try:
        assert reopened.device == desk.device
    finally:
        reopened.close()
