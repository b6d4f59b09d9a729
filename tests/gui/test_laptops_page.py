"""The Laptops page: office → venue laptop → office through the GUI, no terminal."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from engagement_desk.bootstrap import Desk, open_desk
from engagement_desk.core.checkin import Outcome
from engagement_desk.core.people import PersonDraft
from engagement_desk.db.models import CheckIn, Person
from engagement_desk.paths import AppPaths
from engagement_desk.ui.laptop_dialogs import MergeDialog, PackPreviewDialog, PassphraseDialog
from engagement_desk.ui.laptops_page import LaptopsPage
from engagement_desk.ui.main_window import PAGES, MainWindow
from tests.conftest import FakeClock
from tests.gui.conftest import ScriptedPrompter
from tests.unit.conftest import venue_event

PASSPHRASE = "purple elephant town hall"
SHOTS = Path(os.environ.get("ENGAGEMENT_DESK_SHOTS", "/tmp/laptops-shots"))
WAIT = 30_000  # ms: sealing stretches the passphrase on purpose; a loaded machine is slow


@pytest.fixture
def venue(tmp_path: Path, clock: FakeClock) -> Iterator[Desk]:
    opened = open_desk(AppPaths(tmp_path / "venue-laptop").ensure(), clock=clock)
    yield opened
    opened.close()


def page_for(qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter) -> LaptopsPage:
    page = LaptopsPage(desk.events, desk.packs, prompter, desk.clock, desk.device.name)
    qtbot.addWidget(page)
    page.resize(1366 - 170, 700)
    page.show()
    return page


def type_passphrase(dialog: PassphraseDialog, text: str, again: str | None = None) -> None:
    dialog.first.setText(text)
    dialog.second.setText(text if again is None else again)


def ok_button(dialog: PassphraseDialog) -> object:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def count(desk: Desk, model: type, *where: object) -> int:
    with desk.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


def shoot(widget: object, name: str) -> None:
    QApplication.processEvents()  # let queued layout work (column widths) happen first
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))  # type: ignore[attr-defined]


def test_the_whole_journey_office_to_venue_and_back(
    qtbot: QtBot, desk: Desk, venue: Desk, tmp_path: Path
) -> None:
    office = desk
    event = office.events.create(venue_event())
    jo = office.registrations.register(
        event.id, PersonDraft("Jo Bloggs", email="jo@example.org", consent_store=True)
    )
    sam = office.registrations.register(
        event.id, PersonDraft("Sam Lee", email="sam@example.org", consent_store=True)
    )
    assert jo.ticket_code and sam.ticket_code
    # The venue laptop was tried out first: it holds a key of its own, remembered.
    venue.tickets.keys(venue.programmes.current().id)
    assert not venue.tickets.verify(jo.ticket_code).ok

    # 1. The office makes a venue pack: passphrase typed twice, saved to the USB stick.
    office_prompter = ScriptedPrompter(save_to=tmp_path / "usb" / "venue.edpack")
    (tmp_path / "usb").mkdir()
    office_page = page_for(qtbot, office, office_prompter)
    assert office_page.event_choice.currentData() == event.id
    dialog = office_page.make_pack()
    assert dialog is not None
    type_passphrase(dialog, PASSPHRASE, "purple elephant town")
    assert not ok_button(dialog).isEnabled()  # type: ignore[attr-defined]
    assert "not the same" in dialog.hint.text()
    type_passphrase(dialog, PASSPHRASE)
    assert ok_button(dialog).isEnabled()  # type: ignore[attr-defined]
    assert dialog.hint.text().startswith("Strong")
    shoot(dialog, "make-pack-passphrase")
    with qtbot.waitSignal(office_page.work_done, timeout=WAIT) as done:
        ok_button(dialog).click()  # type: ignore[attr-defined]
    assert "Saved the venue pack" in done.args[0]
    assert dialog.passphrase == ""  # never kept
    assert (tmp_path / "usb" / "venue.edpack").stat().st_size > 0

    # 2. The venue laptop is set up from the pack, seeing what it holds first.
    venue_prompter = ScriptedPrompter(open_from=tmp_path / "usb" / "venue.edpack")
    venue_page = page_for(qtbot, venue, venue_prompter)
    asked = venue_page.set_up_from_pack()
    assert asked is not None
    asked.first.setText(PASSPHRASE)
    ok_button(asked).click()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: isinstance(venue_page.dialog, PackPreviewDialog), timeout=WAIT)
    preview = venue_page.dialog
    assert isinstance(preview, PackPreviewDialog)
    summary = preview.summary.text()
    assert event.draft.title in summary and "2 registrations" in summary
    assert "Jo Bloggs" not in summary  # what it holds, not who
    assert count(venue, Person) == 0  # nothing imported yet
    shoot(preview, "pack-preview")
    with qtbot.waitSignal(venue_page.work_done, timeout=WAIT) as done:
        preview.import_button.click()
    assert "set up for" in done.args[0]
    # The running app uses the pack's key at once: no restart.
    assert venue.check_in.scan(event.id, jo.ticket_code).outcome is Outcome.ADMITTED
    venue.registrations.walk_in(event.id, "Wendy Walkin", "wendy@example.org")

    # 3. The venue laptop sends back what it captured.
    venue_prompter.save_to = tmp_path / "usb" / "venue.edbundle"
    sending = venue_page.send_back()
    assert sending is not None
    type_passphrase(sending, PASSPHRASE)
    with qtbot.waitSignal(venue_page.work_done, timeout=WAIT) as done:
        ok_button(sending).click()  # type: ignore[attr-defined]
    assert "2 check-ins" in done.args[0]

    # 4. The office brings the bundle in: preview first, then merge, then the report.
    office_prompter.open_from = tmp_path / "usb" / "venue.edbundle"
    merging = office_page.bring_in_bundles()
    merging.add_file()
    merging.add_file()  # the same file twice is one
    assert merging.files.count() == 1
    merging.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(merging.previewed, timeout=WAIT):
        merging.preview_button.click()
    assert merging.model.rowCount() == 1
    adds = merging.model.index(0, 2).data()
    assert "1 person" in adds and "2 check-ins" in adds
    assert count(office, CheckIn) == 0  # a preview changes nothing
    assert merging.merge_button.isEnabled()
    merging.resize(1000, 640)
    shoot(merging, "merge-preview")
    with qtbot.waitSignal(merging.merged, timeout=WAIT):
        merging.merge_button.click()
    assert f"From {venue.device.name}: added 1 person" in merging.report
    assert count(office, CheckIn, CheckIn.undone_at.is_(None)) == 2
    assert count(office, Person, Person.full_name == "Wendy Walkin") == 1
    office_prompter.save_to = tmp_path / "merge-report.txt"
    assert merging.save_report() == tmp_path / "merge-report.txt"
    assert (tmp_path / "merge-report.txt").read_text(encoding="utf-8") == merging.report
    shoot(merging, "merge-report")
    shoot(office_page, "laptops-page")


def test_a_wrong_passphrase_is_explained_and_nothing_is_imported(
    qtbot: QtBot, desk: Desk, venue: Desk, tmp_path: Path
) -> None:
    event = desk.events.create(venue_event())
    (tmp_path / "venue.edpack").write_bytes(desk.packs.export_pack(event.id, PASSPHRASE).data)
    prompter = ScriptedPrompter(open_from=tmp_path / "venue.edpack")
    page = page_for(qtbot, venue, prompter)

    asked = page.set_up_from_pack()
    assert asked is not None
    asked.first.setText("not the passphrase")
    with qtbot.waitSignal(page.work_failed, timeout=WAIT) as failed:
        ok_button(asked).click()  # type: ignore[attr-defined]

    assert "passphrase is wrong" in failed.args[0]
    assert ("warn", failed.args[0]) in prompter.asked
    assert not isinstance(page.dialog, PackPreviewDialog)
    assert venue.events.list_events() == []


def test_a_short_passphrase_cannot_seal_a_file(qtbot: QtBot, desk: Desk) -> None:
    desk.events.create(venue_event())
    page = page_for(qtbot, desk, ScriptedPrompter())

    dialog = page.make_pack()
    assert dialog is not None
    type_passphrase(dialog, "short")

    assert not ok_button(dialog).isEnabled()  # type: ignore[attr-defined]
    assert "Too short" in dialog.hint.text()
    assert dialog.first.echoMode() == dialog.first.EchoMode.Password


def test_merge_dialog_says_which_bundle_could_not_be_opened(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.edbundle"
    broken.write_bytes(b"not a bundle at all")
    prompter = ScriptedPrompter(open_from=broken)
    page = page_for(qtbot, desk, prompter)
    dialog = page.bring_in_bundles()
    assert isinstance(dialog, MergeDialog)
    dialog.add_file()
    dialog.passphrase.setText(PASSPHRASE)

    with qtbot.waitSignal(dialog.failed, timeout=WAIT) as failed:
        dialog.preview_button.click()

    assert failed.args[0].startswith("broken.edbundle: ")
    assert not dialog.merge_button.isEnabled()


def test_the_main_window_has_a_laptops_page_on_a_shortcut(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    window = MainWindow(desk, prompter=ScriptedPrompter())
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    number = PAGES.index("Laptops") + 1
    shortcuts = [a.shortcut() for a in window.actions()]
    assert QKeySequence(f"Ctrl+{number}") in shortcuts

    window.show_page(PAGES.index("Laptops"))

    assert window.stack.currentWidget() is window.laptops_page
    assert window.laptops_page.isVisible()
    shoot(window, "main-window-laptops-1366x768")
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.events_page
    qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + number), Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.laptops_page
