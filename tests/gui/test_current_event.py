"""One current event: chosen on any page, followed by every page, remembered across restarts;
a page showing all events says so, and greyed-out buttons say why."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from engagement_desk.bootstrap import Desk
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.services.preferences import Preferences
from engagement_desk.ui.main_window import MainWindow
from tests.gui.conftest import ScriptedPrompter


def make_event(desk: Desk, title: str, day: int) -> str:
    return desk.events.create(
        EventDraft(
            title=title,
            kind="venue",
            starts_at=datetime(2026, 4, day, 9, tzinfo=UTC),
            ends_at=datetime(2026, 4, day, 12, tzinfo=UTC),
            venue=VenueDraft("Bury Town Hall"),
        )
    ).id


@pytest.fixture
def events(desk: Desk) -> tuple[str, str]:
    """Today's event (the clock says 15 April) and one the week after."""
    return make_event(desk, "Ramsbottom drop-in", 15), make_event(desk, "Tottington workshop", 22)


def open_window(qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter, prefs: Preferences):
    window = MainWindow(desk, prompter=prompter, preferences=prefs)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def shown_everywhere(window: MainWindow) -> dict[str, str | None]:
    return {
        "Events": window.events_page.selected_event_id(),
        "People": window.people_page.event_id(),
        "Check-in": window.check_in_page.event_id(),
        "Voices": window.voices_page.event_id(),
        "Reports": window.reports_page.event_choice.currentData(),
    }


def test_an_event_chosen_on_one_page_is_the_event_on_every_page(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter, events: tuple[str, str]
) -> None:
    today, next_week = events
    prefs = Preferences()
    window = open_window(qtbot, desk, prompter, prefs)
    # With nothing remembered, every page starts on today's event.
    assert set(shown_everywhere(window).values()) == {today}

    voices = window.voices_page
    voices.event_choice.setCurrentIndex(voices.event_choice.findData(next_week))
    assert set(shown_everywhere(window).values()) == {next_week}
    assert prefs.current_event == next_week

    # The Reports page's choice is the user's too (a keyboard choice in its list).
    reports = window.reports_page.event_choice
    window.show_page(4)
    reports.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is reports)
    key = Qt.Key.Key_Up if reports.findData(today) < reports.currentIndex() else Qt.Key.Key_Down
    qtbot.keyClick(reports, key)
    assert set(shown_everywhere(window).values()) == {today}

    # Selecting a row in the Events list chooses too.
    window.events_page.select_event(next_week)
    assert set(shown_everywhere(window).values()) == {next_week}


def test_the_current_event_is_remembered_across_restarts(
    qtbot: QtBot,
    desk: Desk,
    prompter: ScriptedPrompter,
    events: tuple[str, str],
    tmp_path: Path,
) -> None:
    _today, next_week = events
    settings_file = tmp_path / "preferences.json"
    prefs = Preferences()
    first = open_window(qtbot, desk, prompter, prefs)
    first.preferences_changed.connect(lambda: prefs.save(settings_file))
    first.people_page.choose_event(next_week)
    first.close()

    again = Preferences.load(settings_file)
    assert again.current_event == next_week
    second = open_window(qtbot, desk, prompter, again)
    assert set(shown_everywhere(second).values()) == {next_week}


def test_a_remembered_event_that_is_gone_falls_back_to_todays(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter, events: tuple[str, str]
) -> None:
    today, _ = events
    window = open_window(qtbot, desk, prompter, Preferences(current_event="no-such-event"))
    assert set(shown_everywhere(window).values()) == {today}


def test_all_events_on_people_says_so_and_greyed_buttons_say_why(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter, events: tuple[str, str]
) -> None:
    today, _ = events
    window = open_window(qtbot, desk, prompter, Preferences())
    people = window.people_page
    people.event_choice.setCurrentIndex(people.event_choice.findData(None))
    window.show_page(1)
    assert people.why_not.isVisible()
    assert "Showing people from all events" in people.why_not.text()
    for button in (people.register_button, people.tickets_button, people.import_button):
        assert not button.isEnabled()
        assert "Choose one event" in button.toolTip()
    assert "Select a person" in people.edit_button.toolTip()
    # "All events" is this page's own view: the other pages keep the current event.
    assert window.current_event.event_id == today
    assert window.check_in_page.event_id() == today

    people.choose_event(today)
    assert people.register_button.isEnabled()
    assert "Showing people from all events" not in people.why_not.text()
