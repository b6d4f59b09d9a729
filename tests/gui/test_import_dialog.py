"""The import dialog with real exports: what it chose and why, the user's own choice, import."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from engagement_desk.bootstrap import Desk
from engagement_desk.core.importing import FIELD_LABELS, Field
from engagement_desk.ui.import_dialog import ImportDialog
from tests.unit.conftest import venue_event
from tests.unit.import_corpus import CORPUS, DATA, Export, by_file


def open_dialog(qtbot: QtBot, desk: Desk, path: Path) -> tuple[ImportDialog, str]:
    draft = venue_event(capacity=None)
    event = desk.events.create(draft)
    dialog = ImportDialog(desk.imports, event.id, draft.title, path, desk.imports.preview(path))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog, event.id


def shown_use(dialog: ImportDialog, header: str) -> str:
    return dialog.choices[header].currentText()


def import_now(qtbot: QtBot, dialog: ImportDialog) -> None:
    with qtbot.waitSignal(dialog.imported, timeout=20_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)


def people(desk: Desk, event_id: str) -> dict[str, str | None]:
    return {r.name: r.email for r in desk.registrations.list_people(event_id)}


@pytest.mark.parametrize("export", CORPUS, ids=[e.file for e in CORPUS])
def test_each_export_through_the_dialog(
    qtbot: QtBot, desk: Desk, tmp_path: Path, export: Export
) -> None:
    path = tmp_path / export.file
    shutil.copyfile(DATA / export.file, path)
    dialog, event_id = open_dialog(qtbot, desk, path)

    said = dialog.explanation.text()
    for choice in export.choices:
        assert choice.replace("'", "&#x27;") in said
    if export.not_booked:
        assert export.not_booked in said
    for header, field in export.columns.items():
        wanted = Field(field) if field else Field.IGNORE
        assert shown_use(dialog, header) == FIELD_LABELS[wanted], header
    import_now(qtbot, dialog)

    assert people(desk, event_id) == export.people
    assert dialog.report is not None and dialog.report.imported
    if export.not_booked:
        assert export.not_booked in dialog.outcome_text.toPlainText()


def test_the_ticketing_export_says_why_attendee_number_is_not_the_name(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    path = tmp_path / "Attendee report.csv"
    shutil.copyfile(DATA / "eventbrite_attendee_report.csv", path)
    dialog, event_id = open_dialog(qtbot, desk, path)
    dialog.resize(900, 760)
    dialog.grab().save(str(tmp_path / "import-dialog.png"))

    numbered = dialog.choices["Attendee #"]
    assert numbered.currentText() == "Ignore this column"
    assert numbered.accessibleDescription() == "Not used: holds numbers"
    assert "Not used: holds numbers" in dialog._labels["Attendee #"].text()
    assert shown_use(dialog, "First Name") == "First name"
    assert dialog.explanation.isVisible()

    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20_000)
    text = dialog.outcome_text.toPlainText()
    assert "Registrations to add: 5" in text
    assert "3 rows not booked: their status says Refunded (2) or Not Attending (1)." in text
    assert people(desk, event_id) == {}  # a check writes nothing


def test_choosing_another_column_by_keyboard_changes_the_plan_and_the_import(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    path = tmp_path / "responses.csv"
    shutil.copyfile(DATA / "google_forms_responses.csv", path)
    dialog, event_id = open_dialog(qtbot, desk, path)
    account = dialog.choices["Email Address"]
    assert account.currentText() == "Ignore this column"
    assert shown_use(dialog, "Email address for your ticket") == "Email"

    account.setFocus()
    for _ in range(abs(account.findData(Field.EMAIL.value) - account.currentIndex())):
        qtbot.keyClick(account, Qt.Key.Key_Up)

    assert account.currentText() == "Email"
    assert dialog.mapping() == {"Email Address": "email"}
    assert shown_use(dialog, "Email address for your ticket") == "Ignore this column"
    assert "you chose the email column" in dialog._labels["Email address for your ticket"].text()
    import_now(qtbot, dialog)
    assert people(desk, event_id)["Kwame Mensah"] == "k.mensah.home@example.com"


def test_a_column_of_numbers_chosen_as_names_is_refused_and_nothing_is_written(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    path = tmp_path / "report.csv"
    shutil.copyfile(DATA / "eventbrite_attendee_report.csv", path)
    dialog, event_id = open_dialog(qtbot, desk, path)
    numbered = dialog.choices["Attendee #"]
    numbered.setCurrentIndex(numbered.findData(Field.FULL_NAME.value))
    numbered.activated.emit(numbered.currentIndex())  # as a mouse choice in the popup does

    assert "it holds numbers, not people's names" in dialog.outcome_text.toPlainText()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20_000)
    assert dialog.report is not None and not dialog.report.imported
    assert people(desk, event_id) == {}
    assert by_file("eventbrite_attendee_report.csv").people  # the file does hold people
