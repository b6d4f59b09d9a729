"""The three-laptop scenario through the Laptops page: the office packs an event to two venue
laptops, each checks people in, takes a walk-in and corrects someone's details at the door,
their bundles come back and are merged in both orders to the same office data, and the
detail both laptops changed is listed in the merge report."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from engagement_desk.bootstrap import Desk, open_desk
from engagement_desk.core.checkin import Outcome
from engagement_desk.core.people import PersonDraft
from engagement_desk.db.models import CheckIn, Person, Registration
from engagement_desk.paths import AppPaths
from engagement_desk.ui.laptop_dialogs import MergeDialog, PackPreviewDialog
from engagement_desk.ui.laptops_page import LaptopsPage
from tests.conftest import FakeClock
from tests.gui.conftest import ScriptedPrompter
from tests.gui.test_laptops_page import (
    PASSPHRASE,
    WAIT,
    ok_button,
    page_for,
    shoot,
    type_passphrase,
)
from tests.unit.conftest import venue_event


def named_desk(home: Path, name: str, clock: FakeClock) -> Desk:
    paths = AppPaths(home).ensure()
    identity = {"id": str(uuid.uuid4()), "name": name}
    paths.device_file.write_text(json.dumps(identity), encoding="utf-8")
    return open_desk(paths, clock=clock)


@pytest.fixture
def front(tmp_path: Path, clock: FakeClock) -> Iterator[Desk]:
    opened = named_desk(tmp_path / "front", "Front door laptop", clock)
    yield opened
    opened.close()


@pytest.fixture
def side(tmp_path: Path, clock: FakeClock) -> Iterator[Desk]:
    opened = named_desk(tmp_path / "side", "Side door laptop", clock)
    yield opened
    opened.close()


def set_up_from(qtbot: QtBot, laptop: Desk, pack: Path) -> None:
    page = page_for(qtbot, laptop, ScriptedPrompter(open_from=pack))
    asked = page.set_up_from_pack()
    assert asked is not None
    asked.first.setText(PASSPHRASE)
    ok_button(asked).click()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: isinstance(page.dialog, PackPreviewDialog), timeout=WAIT)
    preview = page.dialog
    assert isinstance(preview, PackPreviewDialog)
    assert "3 registrations" in preview.summary.text()
    with qtbot.waitSignal(page.work_done, timeout=WAIT):
        preview.import_button.click()


def send_back(qtbot: QtBot, laptop: Desk, target: Path) -> None:
    page = page_for(qtbot, laptop, ScriptedPrompter(save_to=target))
    sending = page.send_back()
    assert sending is not None
    type_passphrase(sending, PASSPHRASE)
    with qtbot.waitSignal(page.work_done, timeout=WAIT):
        ok_button(sending).click()  # type: ignore[attr-defined]
    assert target.stat().st_size > 0


def merge(qtbot: QtBot, office: Desk, files: list[Path]) -> MergeDialog:
    prompter = ScriptedPrompter()
    page = page_for(qtbot, office, prompter)
    dialog = page.bring_in_bundles()
    assert isinstance(dialog, MergeDialog)
    for path in files:
        prompter.open_from = path
        dialog.add_file()
    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.previewed, timeout=WAIT):
        dialog.preview_button.click()
    assert dialog.model.rowCount() == 2
    with qtbot.waitSignal(dialog.merged, timeout=WAIT):
        dialog.merge_button.click()
    return dialog


def edit(desk: Desk, person_id: str, **changes: Any) -> None:
    draft = desk.registrations.person(person_id).draft
    desk.registrations.update_person(person_id, replace(draft, **changes))


def office_data(desk: Desk) -> dict[str, list[tuple[Any, ...]]]:
    with desk.db.session() as s:
        return {
            "people": [
                tuple(r)
                for r in s.execute(
                    select(
                        Person.id,
                        Person.full_name,
                        Person.email,
                        Person.access_needs,
                        Person.access_notes,
                        Person.consent_quote,
                        Person.field_changes,
                    ).order_by(Person.id)
                )
            ],
            "registrations": [
                tuple(r)
                for r in s.execute(
                    select(Registration.id, Registration.person_id, Registration.status).order_by(
                        Registration.id
                    )
                )
            ],
            "check_ins": [
                tuple(r)
                for r in s.execute(
                    select(
                        CheckIn.id, CheckIn.device_id, CheckIn.undone_at, CheckIn.undone_by_device
                    ).order_by(CheckIn.id)
                )
            ],
        }


def test_three_laptops_through_the_laptops_page(
    qtbot: QtBot, desk: Desk, front: Desk, side: Desk, clock: FakeClock, tmp_path: Path
) -> None:
    office = desk
    event = office.events.create(venue_event())
    booked = {
        name: office.registrations.register(
            event.id,
            PersonDraft(name, email=f"{name.split()[0].lower()}@example.org", consent_store=True),
        )
        for name in ("Sarah Ashworth", "Tom Byrne", "Priya Shah")
    }
    codes = {name: str(info.ticket_code) for name, info in booked.items()}
    ids = {name: str(info.person_id) for name, info in booked.items()}
    usb = tmp_path / "usb"
    usb.mkdir()
    pack = usb / "event.edpack"

    # The office makes one pack on its Laptops page; both laptops are set up from it.
    office_page: LaptopsPage = page_for(qtbot, office, ScriptedPrompter(save_to=pack))
    making = office_page.make_pack()
    assert making is not None
    type_passphrase(making, PASSPHRASE)
    with qtbot.waitSignal(office_page.work_done, timeout=WAIT):
        ok_button(making).click()  # type: ignore[attr-defined]
    for laptop in (front, side):
        set_up_from(qtbot, laptop, pack)

    # The event, a week later.
    clock.advance(days=7)
    assert front.check_in.scan(event.id, codes["Sarah Ashworth"]).outcome is Outcome.ADMITTED
    assert front.check_in.scan(event.id, codes["Tom Byrne"]).outcome is Outcome.ADMITTED
    clock.advance(minutes=1)
    assert side.check_in.scan(event.id, codes["Sarah Ashworth"]).outcome is Outcome.ADMITTED
    assert side.check_in.scan(event.id, codes["Priya Shah"]).outcome is Outcome.ADMITTED
    front.registrations.walk_in(event.id, "Wendy Walkin", "wendy@example.org")
    side.registrations.walk_in(event.id, "Walter Walkin", "walter@example.org")
    edit(front, ids["Sarah Ashworth"], access_needs=("wheelchair access",))
    edit(front, ids["Tom Byrne"], access_notes="Needs a quiet space.", consent_quote=False)
    clock.advance(minutes=5)
    edit(side, ids["Priya Shah"], full_name="Priya Shah-Khan")
    edit(side, ids["Tom Byrne"], access_notes="Uses a hearing loop.")

    send_back(qtbot, front, usb / "front.edbundle")
    send_back(qtbot, side, usb / "side.edbundle")

    # The office as it is now, twice: front then side here, side then front in a copy.
    copy_home = AppPaths(tmp_path / "office-copy").ensure()
    office.db.backup(copy_home.default_database_file)
    copy = open_desk(copy_home, clock=clock)
    try:
        here = merge(qtbot, office, [usb / "front.edbundle", usb / "side.edbundle"])
        there = merge(qtbot, copy, [usb / "side.edbundle", usb / "front.edbundle"])
        assert office_data(office) == office_data(copy)
    finally:
        copy.close()

    for dialog in (here, there):
        report = dialog.report
        assert f"Person {ids['Tom Byrne']}, access notes: changed on Front door laptop" in report
        assert "the later change, from Side door laptop, was kept" in report
        assert "Details of" in report
        for name in booked:
            assert name not in report  # ids, never names
    first_row = here.model.index(1, 3).data()
    assert "1 detail changed on both sides" in first_row
    here.resize(1000, 640)
    shoot(here, "three-laptops-merge-report")

    got = {p[1]: p for p in office_data(office)["people"]}
    assert set(got) == {
        "Sarah Ashworth",
        "Tom Byrne",
        "Priya Shah-Khan",
        "Wendy Walkin",
        "Walter Walkin",
    }
    assert got["Sarah Ashworth"][3] == ["wheelchair access"]
    assert got["Tom Byrne"][4:6] == ("Uses a hearing loop.", False)
    assert got["Tom Byrne"][2] == "tom@example.org"  # the door never had it; it stays
    live = [c for c in office_data(office)["check_ins"] if c[2] is None]
    assert len(live) == 5  # Sarah once (the later scan set aside), Tom, Priya, two walk-ins
