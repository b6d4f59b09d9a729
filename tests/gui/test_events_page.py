"""The Events page driven through its real widgets."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
)
from pytestqt.qtbot import QtBot

from engagement_desk.bootstrap import Desk
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.db.models import EventStatus
from engagement_desk.services.events import When
from engagement_desk.ui.event_dialog import EventDialog
from engagement_desk.ui.event_models import EVENT_COLUMNS
from engagement_desk.ui.events_page import EventsPage
from tests.gui.conftest import ScriptedPrompter


def london(y: int, mo: int, d: int, h: int, mi: int = 0) -> QDateTime:
    return QDateTime(QDate(y, mo, d), QTime(h, mi))


@pytest.fixture
def page(qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter) -> EventsPage:
    widget = EventsPage(desk.events, desk.schedule, prompter, desk.clock)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def add_event(desk: Desk, title: str = "Radcliffe coffee morning", **changes: object) -> str:
    values: dict[str, object] = {
        "title": title,
        "kind": "venue",
        "starts_at": datetime(2026, 5, 2, 9, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 5, 2, 11, 0, tzinfo=UTC),
        "venue": VenueDraft("Radcliffe Library", step_free=True),
        "capacity": 30,
    }
    values.update(changes)
    return desk.events.create(EventDraft(**values)).id  # type: ignore[arg-type]


def column(title: str) -> int:
    return [c.title for c in EVENT_COLUMNS].index(title)


def cell(page: EventsPage, row: int, title: str) -> str:
    return str(page.proxy.index(row, column(title)).data())


def test_create_an_event_through_the_dialog(qtbot: QtBot, page: EventsPage, desk: Desk) -> None:
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(EventDialog)
    assert dialog is not None and dialog.isVisible()

    qtbot.keyClicks(dialog.title, "Have your say: Prestwich")
    dialog.starts.setDateTime(london(2026, 6, 10, 10))
    dialog.ends.setDateTime(london(2026, 6, 10, 12, 30))
    qtbot.keyClicks(dialog.capacity, "45")
    dialog.venue_name.setCurrentText("Prestwich Community Hub")
    qtbot.keyClicks(dialog.postcode, "m25 1ab")
    dialog.access["step_free"].setChecked(True)
    dialog.access["hearing_loop"].setChecked(True)
    qtbot.keyClicks(dialog.agenda, "10:00 Welcome")
    qtbot.keyClick(dialog.agenda, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.agenda, "10:20 The five priorities")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    rows = desk.events.list_events(When.ALL)
    assert [r.title for r in rows] == ["Have your say: Prestwich"]
    detail = desk.events.get(rows[0].id)
    # 10:00 in London in June is 09:00 UTC.
    assert detail.draft.starts_at == datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
    assert detail.draft.capacity == 45
    assert detail.venue is not None and detail.venue.postcode == "M25 1AB"
    assert detail.venue.access == ["Step-free access", "Hearing loop"]
    assert [a.title for a in detail.draft.agenda] == ["Welcome", "The five priorities"]
    assert page.proxy.rowCount() == 1
    assert cell(page, 0, "Title") == "Have your say: Prestwich"
    assert page.selected_event_id() == rows[0].id


def test_validation_messages_appear_and_nothing_is_saved(
    qtbot: QtBot, page: EventsPage, desk: Desk
) -> None:
    dialog = page.new_event()
    dialog.starts.setDateTime(london(2026, 6, 10, 12))
    dialog.ends.setDateTime(london(2026, 6, 10, 11))
    qtbot.keyClicks(dialog.capacity, "-5")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert dialog.problems.isVisible()
    text = dialog.problems.text()
    assert "Give the event a title." in text
    assert "The event must end after it starts." in text
    assert "Capacity must be a whole number from 1 to 100,000" in text
    assert "A venue event needs a venue" in text
    assert dialog.title.accessibleDescription() == "Give the event a title."
    assert desk.events.list_events(When.ALL) == []

    dialog.capacity.setText("lots")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Capacity must be a whole number" in dialog.problems.text()
    assert desk.events.list_events(When.ALL) == []


def test_times_the_uk_clocks_skip_or_repeat_are_refused_not_guessed(
    qtbot: QtBot, page: EventsPage, desk: Desk
) -> None:
    dialog = page.new_event()
    qtbot.keyClicks(dialog.title, "Night-time webinar")
    dialog.venue_name.setCurrentText("Radcliffe Library")
    dialog.starts.setDateTime(london(2026, 3, 29, 1, 30))  # clocks go forward at 01:00
    dialog.ends.setDateTime(london(2026, 10, 25, 1, 30))  # clocks go back at 02:00
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    text = dialog.problems.text()
    assert "01:30 on Sun 29 Mar 2026 does not exist in the UK" in text
    assert "01:30 on Sun 25 Oct 2026 happens twice in the UK" in text
    assert dialog.starts.accessibleDescription().startswith("01:30 on Sun 29 Mar 2026")
    assert desk.events.list_events(When.ALL) == []

    dialog.starts.setDateTime(london(2026, 3, 29, 2, 30))
    dialog.ends.setDateTime(london(2026, 3, 29, 4, 0))
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = desk.events.list_events(When.ALL)[0]
    assert desk.events.get(saved.id).draft.starts_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_a_webinar_needs_no_venue_but_a_proper_link(
    qtbot: QtBot, page: EventsPage, desk: Desk
) -> None:
    dialog = page.new_event()
    qtbot.keyClicks(dialog.title, "Monthly webinar")
    dialog.kind.setCurrentIndex(dialog.kind.findData("webinar"))
    qtbot.keyClicks(dialog.online_link, "meet.example.org/x")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "should start with https://" in dialog.problems.text()
    assert "needs a venue" not in dialog.problems.text()

    dialog.online_link.setText("https://meet.example.org/x")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert [r.venue_name for r in desk.events.list_events(When.ALL)] == [""]
    assert cell(page, 0, "Venue") == "Online"


def test_edit_an_event(qtbot: QtBot, page: EventsPage, desk: Desk) -> None:
    event_id = add_event(desk)
    page.refresh()
    assert page.select_event(event_id)
    dialog = page.edit_selected()
    assert dialog is not None
    assert dialog.title.text() == "Radcliffe coffee morning"
    assert dialog.capacity.text() == "30"
    assert dialog.access["step_free"].isChecked()

    dialog.title.clear()
    qtbot.keyClicks(dialog.title, "Radcliffe coffee and chat")
    dialog.capacity.setText("40")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    detail = desk.events.get(event_id)
    assert detail.draft.title == "Radcliffe coffee and chat"
    assert detail.draft.capacity == 40
    assert cell(page, 0, "Title") == "Radcliffe coffee and chat"
    assert cell(page, 0, "Places left") == "40"


def test_choosing_a_known_venue_fills_in_its_access(
    qtbot: QtBot, page: EventsPage, desk: Desk
) -> None:
    add_event(
        desk,
        venue=VenueDraft(
            "Bury Town Hall", postcode="BL9 0SW", hearing_loop=True, notes="Use the lift"
        ),
    )
    dialog = page.new_event()
    dialog.venue_name.setCurrentText("bury town hall")
    assert dialog.postcode.text() == "BL9 0SW"
    assert dialog.access["hearing_loop"].isChecked()
    assert not dialog.access["step_free"].isChecked()
    assert dialog.venue_notes.text() == "Use the lift"


def test_cancel_and_reinstate(
    qtbot: QtBot, page: EventsPage, desk: Desk, prompter: ScriptedPrompter
) -> None:
    event_id = add_event(desk)
    page.refresh()
    page.select_event(event_id)
    assert page.cancel_button.isEnabled() and not page.reinstate_button.isEnabled()
    prompter.text_answer = "Venue flooded"
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)

    detail = desk.events.get(event_id)
    assert detail.status is EventStatus.CANCELLED
    assert detail.cancel_reason == "Venue flooded"
    assert cell(page, 0, "Status") == "Cancelled"  # in words, not only struck through
    assert page.reinstate_button.isEnabled() and not page.cancel_button.isEnabled()

    qtbot.mouseClick(page.reinstate_button, Qt.MouseButton.LeftButton)
    assert desk.events.get(event_id).status is EventStatus.SCHEDULED


def test_declining_the_cancel_question_changes_nothing(
    qtbot: QtBot, page: EventsPage, desk: Desk, prompter: ScriptedPrompter
) -> None:
    event_id = add_event(desk)
    page.refresh()
    page.select_event(event_id)
    prompter.confirm_answer = False
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    assert desk.events.get(event_id).status is EventStatus.SCHEDULED


def test_upcoming_past_and_filter(qtbot: QtBot, page: EventsPage, desk: Desk) -> None:
    add_event(desk, "Spring event")
    add_event(
        desk,
        "Winter event",
        starts_at=datetime(2026, 1, 10, 10, tzinfo=UTC),
        ends_at=datetime(2026, 1, 10, 12, tzinfo=UTC),
    )
    page.refresh()
    assert [cell(page, r, "Title") for r in range(page.proxy.rowCount())] == ["Spring event"]
    page.show_filter.setCurrentIndex(page.show_filter.findData("past"))
    assert [cell(page, r, "Title") for r in range(page.proxy.rowCount())] == ["Winter event"]
    page.show_filter.setCurrentIndex(page.show_filter.findData("all"))
    assert page.proxy.rowCount() == 2
    qtbot.keyClicks(page.search, "winter")
    assert [cell(page, r, "Title") for r in range(page.proxy.rowCount())] == ["Winter event"]


def test_schedule_shows_the_coming_weeks(page: EventsPage, desk: Desk) -> None:
    add_event(desk, "Spring event")  # Saturday 2 May 2026; the clock says Wednesday 15 April
    page.refresh()
    model = page.schedule_model
    texts = [
        [str(model.index(r, c).data() or "") for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    assert texts[0][0] == "13 April 2026"
    assert texts[0][3] == "No events this week"
    spring = next(row for row in texts if row[3] == "Spring event")
    assert spring[0] == "27 April 2026"
    assert spring[1] == "Saturday 2"
    assert spring[2] == "10:00–12:00"  # British Summer Time
    assert spring[5] == "30 of 30 left"
    weeks = [row[0] for row in texts if row[0]]
    assert len(weeks) == 8


def test_export_calendar(
    tmp_path: Path, page: EventsPage, desk: Desk, prompter: ScriptedPrompter
) -> None:
    add_event(desk)
    prompter.save_to = tmp_path / "events.ics"
    page.ics_button.click()
    calendar = icalendar.Calendar.from_ical((tmp_path / "events.ics").read_bytes())
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Radcliffe coffee morning"]


def test_export_calendar_to_an_unwritable_place_says_so(
    tmp_path: Path, page: EventsPage, desk: Desk, prompter: ScriptedPrompter
) -> None:
    add_event(desk)
    prompter.save_to = tmp_path / "no-such-folder" / "events.ics"
    page.ics_button.click()
    assert prompter.asked[-1][0] == "warn"
    assert "does not exist" in prompter.asked[-1][1]
    assert not (tmp_path / "no-such-folder").exists()


def test_printable_listing_runs_in_the_background(
    qtbot: QtBot, tmp_path: Path, page: EventsPage, desk: Desk, prompter: ScriptedPrompter
) -> None:
    add_event(desk)
    prompter.save_to = tmp_path / "listing.pdf"
    with qtbot.waitSignal(page.message, timeout=10_000) as blocker:
        page.listing_button.click()
    assert "Saved a listing of 1 event" in blocker.args[0]
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "listing.pdf").pages)
    assert "Radcliffe coffee morning" in text
    assert "Step-free access" in text


def test_new_event_shortcut(qtbot: QtBot, page: EventsPage) -> None:
    page.activateWindow()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.findChild(EventDialog) is not None)


def test_every_control_in_the_dialog_has_an_accessible_name(page: EventsPage) -> None:
    dialog = page.new_event()
    kinds = (QLineEdit, QComboBox, QCheckBox, QPlainTextEdit, QAbstractButton)
    unnamed = [
        w.objectName() or type(w).__name__
        for kind in kinds
        for w in dialog.findChildren(kind)
        if w.isVisibleTo(dialog)
        and not w.accessibleName()
        and not (isinstance(w, QAbstractButton) and w.text())
        and not isinstance(w.parent(), (QComboBox, QAbstractSpinBox))
    ]
    assert unnamed == []


def test_event_models_pass_the_model_tester(page: EventsPage, desk: Desk) -> None:
    add_event(desk)
    page.refresh()
    QAbstractItemModelTester(page.model, QAbstractItemModelTester.FailureReportingMode.Fatal, page)
    QAbstractItemModelTester(
        page.schedule_model, QAbstractItemModelTester.FailureReportingMode.Fatal, page
    )
    page.refresh()
