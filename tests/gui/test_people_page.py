"""The People page through its real widgets: search, registering, walk-ins, waiting list."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from engagement_desk.bootstrap import Desk
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.core.people import PersonDraft
from engagement_desk.db.models import RegistrationStatus
from engagement_desk.ui.import_dialog import ImportDialog
from engagement_desk.ui.people_page import PeoplePage
from engagement_desk.ui.person_dialog import PersonDialog
from engagement_desk.ui.walk_in_dialog import WalkInDialog
from tests.gui.conftest import ScriptedPrompter

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


def make_event(desk: Desk, capacity: int | None = 30) -> str:
    return desk.events.create(
        EventDraft(
            title="Radcliffe coffee morning",
            kind="venue",
            starts_at=datetime(2026, 5, 2, 9, tzinfo=UTC),
            ends_at=datetime(2026, 5, 2, 11, tzinfo=UTC),
            venue=VenueDraft("Radcliffe Library"),
            capacity=capacity,
        )
    ).id


def book(desk: Desk, event_id: str, name: str, email: str) -> str:
    draft = PersonDraft(full_name=name, email=email, consent_store=True)
    return desk.registrations.register(event_id, draft).id


@pytest.fixture
def page(qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter) -> PeoplePage:
    widget = PeoplePage(
        desk.events, desk.registrations, desk.tickets, desk.imports, prompter, desk.privacy
    )
    qtbot.addWidget(widget)
    widget.show()
    return widget


def names(page: PeoplePage) -> list[str]:
    return [str(page.model.index(r, 0).data()) for r in range(page.model.rowCount())]


def status_of(page: PeoplePage, name: str) -> str:
    row = names(page).index(name)
    return str(page.model.index(row, 3).data())


def test_search_as_you_type(qtbot: QtBot, page: PeoplePage, desk: Desk) -> None:
    event_id = make_event(desk)
    book(desk, event_id, "Sarah Ashworth", "sarah@example.org")
    book(desk, event_id, "Tom Kershaw", "tom@example.org")
    book(desk, event_id, "Zoë Holt", "zoe.holt@example.org")
    page.reload_events()
    page.choose_event(event_id)
    assert sorted(names(page)) == ["Sarah Ashworth", "Tom Kershaw", "Zoë Holt"]

    qtbot.keyClicks(page.search, "sar")
    qtbot.waitUntil(lambda: names(page) == ["Sarah Ashworth"])
    page.search.clear()
    qtbot.keyClicks(page.search, "zoe")  # accents do not matter
    qtbot.waitUntil(lambda: names(page) == ["Zoë Holt"])
    page.search.clear()
    qtbot.keyClicks(page.search, "TOM@EXAMPLE")
    qtbot.waitUntil(lambda: names(page) == ["Tom Kershaw"])


def test_register_through_the_form_asks_for_consent(
    qtbot: QtBot, page: PeoplePage, desk: Desk
) -> None:
    event_id = make_event(desk)
    page.reload_events()
    page.choose_event(event_id)
    dialog = page.register_someone()
    assert isinstance(dialog, PersonDialog)
    qtbot.keyClicks(dialog.name, "Priya Shah")
    qtbot.keyClicks(dialog.email, "Priya.Shah@Example.org ")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "keep" in dialog.problems.text().lower()
    assert desk.registrations.list_people(event_id) == []

    assert not dialog.child_box.isEnabled()  # no child details without that consent
    dialog.consent_store.setChecked(True)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    people = desk.registrations.list_people(event_id)
    assert [(p.name, p.email) for p in people] == [("Priya Shah", "priya.shah@example.org")]
    assert names(page) == ["Priya Shah"]


def test_child_details_are_kept_only_with_their_consent(
    qtbot: QtBot, page: PeoplePage, desk: Desk
) -> None:
    event_id = make_event(desk)
    page.reload_events()
    page.choose_event(event_id)
    dialog = page.register_someone()
    assert dialog is not None
    qtbot.keyClicks(dialog.name, "Jade Clarke")
    dialog.consent_store.setChecked(True)
    dialog.consent_special.setChecked(True)
    dialog.age_band.setCurrentIndex(dialog.age_band.findData("5-10"))
    dialog.need_areas["autism"].setChecked(True)
    dialog.access_needs["quiet space"].setChecked(True)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    person = desk.registrations.list_people(event_id)[0]
    detail = desk.registrations.person(person.person_id).draft
    assert detail.child_age_band == "5-10"
    assert detail.need_areas == ("autism",)
    assert person.access_needs == ("quiet space",)


def test_walk_in_with_a_name(qtbot: QtBot, page: PeoplePage, desk: Desk) -> None:
    event_id = make_event(desk)
    page.reload_events()
    page.choose_event(event_id)
    dialog = page.walk_in()
    assert isinstance(dialog, WalkInDialog)
    qtbot.keyClicks(dialog.name, "Wendy Lees")
    dialog.needs["carer or PA attending"].setChecked(True)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)  # Enter takes the "yes" route
    row = desk.events.rows_for([event_id])[0]
    assert (row.checked_in, row.walk_ins) == (1, 1)
    assert status_of(page, "Wendy Lees") == "Checked in"


def test_walk_in_without_consent_is_counted_but_not_named(
    qtbot: QtBot, page: PeoplePage, desk: Desk
) -> None:
    event_id = make_event(desk)
    page.reload_events()
    page.choose_event(event_id)
    dialog = page.walk_in()
    assert dialog is not None
    qtbot.keyClicks(dialog.name, "Should Not Be Kept")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.anonymous_button, Qt.MouseButton.LeftButton)
    row = desk.events.rows_for([event_id])[0]
    assert (row.checked_in, row.walk_ins) == (1, 1)
    assert desk.registrations.search(None, "Should Not") == []


def test_the_waiting_list(
    qtbot: QtBot, page: PeoplePage, desk: Desk, prompter: ScriptedPrompter
) -> None:
    event_id = make_event(desk, capacity=1)
    first = book(desk, event_id, "Amelia Barnes", "amelia@example.org")
    book(desk, event_id, "Ben Clarke", "ben@example.org")
    book(desk, event_id, "Chloe Davies", "chloe@example.org")
    page.reload_events()
    page.choose_event(event_id)
    assert status_of(page, "Ben Clarke") == "Waitlisted (1)"
    assert status_of(page, "Chloe Davies") == "Waitlisted (2)"

    page.select_registration(first)
    assert page.cancel_button.isEnabled()
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    assert status_of(page, "Amelia Barnes") == "Cancelled"
    assert status_of(page, "Ben Clarke") == "Registered"
    assert status_of(page, "Chloe Davies") == "Waitlisted (1)"

    page.table.selectRow(names(page).index("Chloe Davies"))
    assert page.promote_button.isEnabled()
    qtbot.mouseClick(page.promote_button, Qt.MouseButton.LeftButton)
    assert status_of(page, "Chloe Davies") == "Registered"
    statuses = {p.name: p.status for p in desk.registrations.list_people(event_id)}
    assert statuses["Chloe Davies"] is RegistrationStatus.REGISTERED


def test_filter_by_status(page: PeoplePage, desk: Desk) -> None:
    event_id = make_event(desk, capacity=1)
    book(desk, event_id, "Amelia Barnes", "amelia@example.org")
    book(desk, event_id, "Ben Clarke", "ben@example.org")
    page.reload_events()
    page.choose_event(event_id)
    page.status.setCurrentIndex(page.status.findData("waitlisted"))
    assert names(page) == ["Ben Clarke"]


def test_tickets_for_an_event_with_progress(
    qtbot: QtBot, tmp_path: Path, page: PeoplePage, desk: Desk, prompter: ScriptedPrompter
) -> None:
    event_id = make_event(desk)
    book(desk, event_id, "Amelia Barnes", "amelia@example.org")
    book(desk, event_id, "Ben Clarke", "ben@example.org")
    page.reload_events()
    page.choose_event(event_id)
    prompter.save_to = tmp_path / "tickets.pdf"
    with qtbot.waitSignal(page.message, timeout=20_000) as blocker:
        qtbot.mouseClick(page.tickets_button, Qt.MouseButton.LeftButton)
    assert "Saved 2 ticket(s)" in blocker.args[0]
    reader = PdfReader(tmp_path / "tickets.pdf")
    assert len(reader.pages) == 2
    assert "Amelia Barnes" in reader.pages[0].extract_text()


def test_erase_a_person(
    qtbot: QtBot, page: PeoplePage, desk: Desk, prompter: ScriptedPrompter
) -> None:
    event_id = make_event(desk)
    registration = book(desk, event_id, "Amelia Barnes", "amelia@example.org")
    page.reload_events()
    page.choose_event(event_id)
    page.select_registration(registration)
    with qtbot.waitSignal(page.people_changed, timeout=20_000):
        qtbot.mouseClick(page.erase_button, Qt.MouseButton.LeftButton)
    assert prompter.asked[0][0] == "confirm"
    assert names(page) == []
    assert desk.registrations.search(None, "Amelia") == []
    # Their place at an event still to come is given up (and offered to anyone waiting).
    assert desk.events.rows_for([event_id])[0].registered == 0


def test_people_model_passes_the_model_tester(page: PeoplePage, desk: Desk) -> None:
    event_id = make_event(desk)
    book(desk, event_id, "Amelia Barnes", "amelia@example.org")
    QAbstractItemModelTester(page.model, QAbstractItemModelTester.FailureReportingMode.Fatal, page)
    page.reload_events()
    page.choose_event(event_id)


def test_import_a_forms_export_through_the_dialog(
    qtbot: QtBot, page: PeoplePage, desk: Desk, prompter: ScriptedPrompter
) -> None:
    event_id = make_event(desk, capacity=None)
    page.reload_events()
    page.choose_event(event_id)
    prompter.open_from = DATA / "forms_export.csv"
    dialog = page.import_file()
    assert isinstance(dialog, ImportDialog)
    assert dialog.choices  # one labelled choice per column

    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20_000)
    assert dialog.report is not None and dialog.report.dry_run
    assert "Dry run" in dialog.outcome_text.toPlainText()
    assert desk.registrations.list_people(event_id) == []  # a check writes nothing

    with qtbot.waitSignal(dialog.imported, timeout=20_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.report is not None and dialog.report.imported
    imported = desk.registrations.list_people(event_id)
    assert len(imported) == dialog.report.registrations > 0
    assert page.model.rowCount() == len(imported)


def test_a_file_with_errors_imports_nothing_and_lists_the_problems(
    qtbot: QtBot, page: PeoplePage, desk: Desk, prompter: ScriptedPrompter
) -> None:
    event_id = make_event(desk, capacity=None)
    page.reload_events()
    page.choose_event(event_id)
    prompter.open_from = DATA / "duplicates_and_errors.csv"
    dialog = page.import_file()
    assert dialog is not None
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20_000)
    assert dialog.report is not None and not dialog.report.imported
    assert "Row " in dialog.outcome_text.toPlainText()
    assert desk.registrations.list_people(event_id) == []


def test_a_file_that_is_not_a_spreadsheet_is_explained(
    tmp_path: Path, page: PeoplePage, desk: Desk, prompter: ScriptedPrompter
) -> None:
    event_id = make_event(desk)
    page.reload_events()
    page.choose_event(event_id)
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    prompter.open_from = picture
    assert page.import_file() is None
    assert prompter.asked[-1][0] == "warn"
