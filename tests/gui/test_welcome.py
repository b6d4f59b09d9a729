"""A first start that guides: an empty database opens on a welcome, whose demo button fills
the database in the background and shows the Events page with the demo events."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from engagement_desk.bootstrap import Desk
from engagement_desk.services.events import When
from engagement_desk.services.preferences import Preferences
from engagement_desk.ui.event_dialog import EventDialog
from engagement_desk.ui.main_window import PAGES, MainWindow
from tests.gui.conftest import ScriptedPrompter


def make_window(qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter) -> MainWindow:
    window = MainWindow(desk, prompter=prompter, preferences=Preferences())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def test_an_empty_database_opens_on_the_welcome(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter
) -> None:
    assert desk.events.list_events(When.ALL) == []
    window = make_window(qtbot, desk, prompter)
    welcome = window.welcome
    assert window.stack.currentWidget() is window.events_page
    assert welcome.isVisible() and not window.events_page.tabs.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is welcome.demo_button)
    words = " ".join(label.text() for label in welcome.findChildren(type(window.database_label)))
    for step in ("Import the people", "Send their tickets", "venue pack", "Create the event"):
        assert step in words
    assert welcome.demo_button.text().replace("&", "") == "Try it with demo data"
    assert welcome.set_up_button.text().replace("&", "") == "Set up your programme"


def test_the_demo_button_fills_the_database_and_shows_the_events(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter
) -> None:
    window = make_window(qtbot, desk, prompter)
    window.show_page(PAGES.index("Settings"))
    with qtbot.waitSignal(window.welcome.demo_filled, timeout=120_000):
        window.welcome.demo_button.click()
    assert desk.events.list_events(When.ALL)
    assert window.stack.currentWidget() is window.events_page
    assert not window.welcome.isVisible() and window.events_page.tabs.isVisible()
    assert window.events_page.model.rowCount() > 0
    assert "Demo data added" in window.events_page.feedback.text.text()
    # Every page now works on one of the demo events.
    assert window.current_event.event_id is not None
    assert window.people_page.event_id() == window.current_event.event_id


def test_set_up_your_programme_starts_with_a_new_event(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter
) -> None:
    window = make_window(qtbot, desk, prompter)
    window.welcome.set_up_button.click()
    dialogs = window.events_page.findChildren(EventDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialogs[0].title)
    dialogs[0].done(0)


def test_a_database_with_events_opens_on_the_list(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter
) -> None:
    desk.demo.fill(people=5)
    window = make_window(qtbot, desk, prompter)
    assert not window.welcome.isVisible() and window.events_page.tabs.isVisible()
